import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const localeDir = path.resolve(import.meta.dirname, '../../renderer/app/locales');

/** Leaf keys, with i18next plural suffixes folded (Korean has no `_one`). */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, `${prefix}${prefix ? '.' : ''}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`));
}

test('English and Korean translate the same keys', async () => {
  const read = async (language: string) =>
    new Set(keysOf(JSON.parse(await readFile(path.join(localeDir, `${language}.json`), 'utf8'))));
  const en = await read('en');
  const ko = await read('ko');
  expect([...en].filter((key) => !ko.has(key))).toEqual([]);
  expect([...ko].filter((key) => !en.has(key))).toEqual([]);
});
