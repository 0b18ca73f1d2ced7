/**
 * The floors of ARCHITECTURE.md §2 hold only while no import circle spans two folders: a circle
 * inside one folder (a state machine's states, a tool and its helpers) is one unit, one that crosses
 * folders ties two of them into a knot that neither can be read, tested or moved without the other.
 * Every import counts, type-only ones too: they are where the next runtime import is added.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');
const TOPS = ['main', 'native', 'preload', 'renderer'];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [relative(ROOT, path)] : [];
  });
}

/** Each file's repository-relative imports, resolved as TypeScript resolves a relative specifier. */
export function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = normalize(join(dirname(from), specifier));
    return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((c) => known.has(c));
  };
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(read(file), true, true);
      const targets = importedFiles.filter((i) => i.fileName.startsWith('.')).map((i) => resolve(file, i.fileName));
      return [file, [...new Set(targets.filter((t): t is string => t !== undefined))]];
    }),
  );
}

/** The strongly connected groups of more than one file (Tarjan's algorithm, iterative). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        if (group.length > 1) found.push(group.sort());
      }
    }
  }
  return found;
}

test('circles finds a loop across folders and ignores a chain', () => {
  const graph = new Map([
    ['a/x.ts', ['b/y.ts']],
    ['b/y.ts', ['b/z.ts']],
    ['b/z.ts', ['a/x.ts']],
    ['c/w.ts', ['a/x.ts']],
  ]);
  assert.deepEqual(circles(graph), [['a/x.ts', 'b/y.ts', 'b/z.ts']]);
  assert.deepEqual(circles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
});

test('importGraph resolves index files, extensions and type-only imports', () => {
  const sources: Record<string, string> = {
    'main/a/index.ts': "import type { B } from '../b';\nexport { c } from './c';",
    'main/a/c.ts': "import { a } from '.';",
    'main/b/index.tsx': "import x from 'react';",
  };
  const graph = importGraph(Object.keys(sources), (file) => sources[file]!);
  assert.deepEqual(graph.get('main/a/index.ts'), ['main/b/index.tsx', 'main/a/c.ts']);
  assert.deepEqual(graph.get('main/a/c.ts'), ['main/a/index.ts']);
  assert.deepEqual(graph.get('main/b/index.tsx'), []);
});

test('no import circle spans two folders', () => {
  const files = TOPS.flatMap((top) => sourceFiles(join(ROOT, top)));
  assert.ok(files.length > 100, `expected Loupe's sources under ${TOPS.join(', ')}`);
  const graph = importGraph(files, (file) => readFileSync(join(ROOT, file), 'utf8'));
  const crossing = circles(graph).filter((group) => new Set(group.map((file) => dirname(file))).size > 1);
  assert.deepEqual(crossing, [], `import circles across folders:\n${crossing.map((g) => `  ${g.join(' → ')}`).join('\n')}`);
});
