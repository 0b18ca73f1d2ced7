/**
 * The Dockerfile cannot be built where the tests run; what can be read is checked: a build stage and
 * a final stage from a slim Node image without compilers, the final stage running as a user that is
 * not root with the home on a volume, serving headless beyond loopback over what tls.ts demands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '../../..');
const lines = readFileSync(join(root, 'Dockerfile'), 'utf8')
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const stages = lines.reduce<string[][]>((all, line) => (line.startsWith('FROM ') ? [...all, [line]] : (all.at(-1)!.push(line), all)), []);

describe('the Dockerfile', () => {
  it('builds in one stage and runs from another, slim, with no compilers installed or copied in', () => {
    assert.equal(stages.length, 2);
    assert.match(stages[0]![0]!, /^FROM node:20-bookworm AS build$/);
    const final = stages[1]!;
    assert.match(final[0]!, /^FROM node:20-bookworm-slim AS runtime$/);
    assert.ok(!final.some((line) => /apt-get|build-essential|g\+\+|gcc|make|python3/.test(line)), final.join('\n'));
    for (const copy of final.filter((line) => line.startsWith('COPY'))) assert.match(copy, /--from=build/);
    assert.ok(stages[0]!.some((line) => line.includes('npm prune --omit=dev')), 'dev dependencies are pruned before the copy');
  });

  it('runs loupe serve headless on 0.0.0.0 as a user that is not root, with the home on a volume', () => {
    const final = stages[1]!;
    const user = final.filter((line) => line.startsWith('USER '));
    assert.deepEqual(user, ['USER node']);
    assert.ok(final.indexOf('USER node') < final.findIndex((line) => line.startsWith('ENTRYPOINT')));
    assert.ok(final.some((line) => /^ENV .*LOUPE_HOME=\/data/.test(line)));
    assert.ok(final.includes('VOLUME ["/data"]'));
    const entry = JSON.parse(final.find((line) => line.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length)) as string[];
    assert.deepEqual(entry.slice(0, 6), ['node', 'main/cli/bin.mjs', 'serve', '--host', '0.0.0.0', '--port']);
    // Off loopback the server refuses plain HTTP unless told by name (tls.ts): the image must not say so for the user.
    assert.ok(!entry.includes('--insecure-http'));
  });

  it('keeps the build context free of what the image makes itself', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const path of ['node_modules', 'dist', '.git']) assert.ok(ignored.includes(path), path);
  });
});
