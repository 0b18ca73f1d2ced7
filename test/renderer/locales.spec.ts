import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const renderer = path.resolve(import.meta.dirname, '../../renderer');
/** The app's shared strings and every feature's own namespace. */
const localeDirs = ['app', 'features/dataset', 'features/project', 'features/projects', 'features/settings', 'features/labeling', 'features/models'].map((dir) => path.join(renderer, dir, 'locales'));

/** Leaf keys, with i18next plural suffixes folded (Korean has no `_one`). */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, `${prefix}${prefix ? '.' : ''}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`));
}

test('English and Korean translate the same keys', async () => {
  for (const localeDir of localeDirs) {
    const read = async (language: string) =>
      new Set(keysOf(JSON.parse(await readFile(path.join(localeDir, `${language}.json`), 'utf8'))));
    const en = await read('en');
    const ko = await read('ko');
    expect([...en].filter((key) => !ko.has(key)), localeDir).toEqual([]);
    expect([...ko].filter((key) => !en.has(key)), localeDir).toEqual([]);
  }
});

test('a key lives in one namespace: no feature repeats a key of the app’s', async () => {
  const app = new Set(keysOf(JSON.parse(await readFile(path.join(localeDirs[0]!, 'en.json'), 'utf8'))));
  for (const localeDir of localeDirs.slice(1)) {
    const own = keysOf(JSON.parse(await readFile(path.join(localeDir, 'en.json'), 'utf8')));
    expect(own.filter((key) => app.has(key)), localeDir).toEqual([]);
  }
});
