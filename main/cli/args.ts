/**
 * AWS-CLI-style arguments for an operation: `--project-name x` → `{ProjectName: 'x'}`, with the
 * value's type taken from the operation's input schema (numbers, booleans and `--no-` flags,
 * lists of several words, JSON or `k=v,k2=v2` shorthand for maps and structures), and
 * `--cli-input-json '{...}'` or `file://input.json` as the base the flags add to.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export class UsageError extends Error {}

/** The AWS CLI's exit codes: 252 for a command line it cannot parse, 254 for an error the service answered. */
export const EXIT_USAGE = 252;
export const EXIT_SERVICE = 254;

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'structure';

interface ZodInternals {
  _zod: { def: { type: string; innerType?: unknown; shape?: Record<string, unknown> } };
}

function kindOf(schema: unknown): Kind {
  let def = (schema as ZodInternals)._zod.def;
  while (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'pipe') {
    def = (def.innerType as ZodInternals)._zod.def;
  }
  switch (def.type) {
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'array';
    case 'object':
    case 'record':
      return 'structure';
    default:
      return 'string';
  }
}

/** `project-names` → `ProjectNames` */
export function toPascalCase(flag: string): string {
  return flag
    .split('-')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function readValue(text: string): string {
  if (text.startsWith('file://')) return readFileSync(text.slice('file://'.length), 'utf8');
  return text;
}

function parseStructure(flag: string, text: string): unknown {
  const value = readValue(text).trim();
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      throw new UsageError(`--${flag}: invalid JSON (${(error as Error).message})`);
    }
  }
  // Shorthand: key1=value1,key2=value2
  const entries = value.split(',').map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag}: expected JSON or key=value pairs, got "${pair}"`);
    return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as const;
  });
  return Object.fromEntries(entries);
}

export interface ParsedArgs {
  input: Record<string, unknown>;
  options: { output: 'json'; home?: string; endpointUrl?: string; profile?: string };
}

/** Parse the words after the operation name into its input, using `schema` for the types. */
export function parseOperationArgs(schema: z.ZodObject, words: string[]): ParsedArgs {
  const shape = schema.shape as Record<string, unknown>;
  const options: ParsedArgs['options'] = { output: 'json' };
  let base: Record<string, unknown> = {};
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) throw new UsageError(`Unexpected argument "${word}"`);
    const [flag, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = words[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${flag} needs a value`);
      i++;
      return next;
    };
    if (flag === 'cli-input-json') {
      const parsed = parseStructure(flag, takeValue());
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new UsageError('--cli-input-json must be a JSON object');
      }
      base = parsed as Record<string, unknown>;
      continue;
    }
    if (flag === 'output') {
      const format = takeValue();
      if (format !== 'json') throw new UsageError(`--output ${format} is not supported; use --output json`);
      continue;
    }
    if (flag === 'home') {
      options.home = takeValue();
      continue;
    }
    if (flag === 'endpoint-url') {
      options.endpointUrl = takeValue();
      continue;
    }
    if (flag === 'profile') {
      options.profile = takeValue();
      continue;
    }
    const negated = flag.startsWith('no-') && shape[toPascalCase(flag.slice(3))] !== undefined;
    const field = toPascalCase(negated ? flag.slice(3) : flag);
    const fieldSchema = shape[field];
    if (fieldSchema === undefined) throw new UsageError(`Unknown option --${flag}`);
    const kind = kindOf(fieldSchema);
    if (kind === 'boolean') {
      flags[field] = inline === undefined ? !negated : inline === 'true';
    } else if (kind === 'number') {
      const text = takeValue();
      const number = Number(text);
      if (!Number.isFinite(number)) throw new UsageError(`--${flag} must be a number, got "${text}"`);
      flags[field] = number;
    } else if (kind === 'array') {
      const values: string[] = inline === undefined ? [] : [inline];
      while (inline === undefined && words[i + 1] !== undefined && !words[i + 1]!.startsWith('--')) values.push(words[++i]!);
      if (values.length === 0) throw new UsageError(`--${flag} needs at least one value`);
      const first = values[0]!.trim();
      flags[field] =
        values.length === 1 && (first.startsWith('[') || first.startsWith('file://'))
          ? parseStructure(flag, first)
          : values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
    } else if (kind === 'structure') {
      flags[field] = parseStructure(flag, takeValue());
    } else {
      flags[field] = readValue(takeValue());
    }
  }
  return { input: { ...base, ...flags }, options };
}
