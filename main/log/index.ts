/**
 * One logger family: `createLogger('server').info('listening', {port})` writes
 * `time level scope message {fields}` to the rotating file in the Loupe home (once configured)
 * and to stderr when LOUPE_LOG_LEVEL asks for it.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type Level = 'error' | 'warn' | 'info' | 'debug';
const rank: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const MAX_LOG_BYTES = 5 * 1024 * 1024;

let logFile: string | undefined;
let fileLevel: Level = 'info';
const consoleLevel: Level | undefined = parseLevel(process.env.LOUPE_LOG_LEVEL);

function parseLevel(value: string | undefined): Level | undefined {
  return value && value in rank ? (value as Level) : undefined;
}

/** Send log lines to `file` (rotated to `file.1` past 5 MB). */
export function configureLogFile(file: string, level: Level = 'info'): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  logFile = file;
  fileLevel = level;
}

/** Stop writing to `file` (a closing Loupe home); other homes' logs are left alone. */
export function releaseLogFile(file: string): void {
  if (logFile === file) logFile = undefined;
}

export function logFilePath(): string | undefined {
  return logFile;
}

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

function write(level: Level, scope: string, message: string, fields?: Record<string, unknown>): void {
  const line = `${new Date().toISOString()} ${level} ${scope} ${message}${fields ? ` ${safeJson(fields)}` : ''}\n`;
  if (consoleLevel && rank[level] <= rank[consoleLevel]) process.stderr.write(line);
  if (!logFile || rank[level] > rank[fileLevel]) return;
  try {
    if ((statSync(logFile, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(logFile, `${logFile}.1`);
    appendFileSync(logFile, line, { mode: 0o600 });
  } catch (error) {
    // The log is best effort; a full disk must not take an operation down with it.
    process.stderr.write(`log write failed: ${String(error)}\n`);
  }
}

function safeJson(fields: Record<string, unknown>): string {
  return JSON.stringify(fields, (_key, value: unknown) =>
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
  );
}

export function createLogger(scope: string): Logger {
  return {
    error: (message, fields) => write('error', scope, message, fields),
    warn: (message, fields) => write('warn', scope, message, fields),
    info: (message, fields) => write('info', scope, message, fields),
    debug: (message, fields) => write('debug', scope, message, fields),
  };
}
