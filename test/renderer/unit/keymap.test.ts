import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  chordLabel,
  chordsOf,
  commandForPress,
  commandIds,
  commandsOnChord,
  defaultKeymap,
  findConflicts,
  normalizeChord,
  resolveKeymap,
  type KeyPress,
} from '../../../renderer/commands/keymap';

const press = (key: string, code: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('the default keymap', () => {
  it('binds no key twice where both commands could be live', () => {
    assert.deepEqual(findConflicts(resolveKeymap()), []);
  });

  it('spells every chord in its normal form', () => {
    for (const id of commandIds) {
      for (const key of defaultKeymap[id].keys) assert.equal(normalizeChord(key), key, `${id}: ${key}`);
    }
  });

  it('uses namespace:verb ids', () => {
    for (const id of commandIds) assert.match(id, /^[a-z]+:[a-z0-9-]+$/);
  });

  it('declares only shadows of commands that exist, in scopes it sits in', () => {
    for (const id of commandIds) {
      for (const shadowed of (defaultKeymap[id] as { shadows?: readonly string[] }).shadows ?? []) {
        assert.ok(commandIds.includes(shadowed as never), `${id} shadows unknown ${shadowed}`);
      }
    }
  });
});

describe('when keys are remapped', () => {
  it('reports a key given to two commands of the same scope', () => {
    const keymap = resolveKeymap({ 'view:fit': ['R'] });
    assert.deepEqual(findConflicts(keymap), [{ chord: 'R', commands: ['view:fit', 'box:repeat-previous'] }]);
    assert.deepEqual(commandsOnChord(resolveKeymap(), 'R', 'image', 'view:fit'), ['box:repeat-previous']);
  });

  it('allows the same key in scopes that are never live together', () => {
    assert.deepEqual(findConflicts(resolveKeymap({ 'grid:open': ['R'] })), []);
  });

  it('runs the remapped command on its new key only', () => {
    const keymap = resolveKeymap({ 'edit:undo': ['U'] });
    assert.equal(commandForPress(keymap, press('u', 'KeyU'), 'grid'), 'edit:undo');
    assert.equal(commandForPress(keymap, press('z', 'KeyZ', { ctrlKey: true }), 'grid'), undefined);
  });
});

describe('when a key is pressed', () => {
  it('reads letters and digits from the physical key, whatever the layout', () => {
    assert.deepEqual(chordsOf(press('ㄱ', 'KeyR')), ['R']);
    assert.deepEqual(chordsOf(press('!', 'Digit1', { shiftKey: true })), ['Shift+1']);
    assert.deepEqual(chordsOf(press('z', 'KeyZ', { metaKey: true, shiftKey: true })), ['Mod+Shift+Z']);
    assert.deepEqual(chordsOf(press('3', 'Numpad3')), ['3']);
  });

  it('reads symbols from the character, with Shift implied', () => {
    assert.deepEqual(chordsOf(press('?', 'Slash', { shiftKey: true })), ['?']);
    assert.deepEqual(chordsOf(press('+', 'Equal', { shiftKey: true })), ['+']);
    assert.deepEqual(chordsOf(press('+', 'NumpadAdd')), ['+']);
    assert.deepEqual(chordsOf(press('ArrowLeft', 'ArrowLeft', { shiftKey: true })), ['Shift+ArrowLeft']);
  });

  it('prefers the narrowest scope: arrows nudge a selected box, else change image', () => {
    const keymap = resolveKeymap();
    const right = press('ArrowRight', 'ArrowRight');
    assert.equal(commandForPress(keymap, right, 'box'), 'box:nudge-right');
    assert.equal(commandForPress(keymap, right, 'image'), 'image:next');
    assert.equal(commandForPress(keymap, right, 'grid'), 'grid:cursor-next');
    assert.equal(commandForPress(keymap, press('2', 'Digit2'), 'box'), 'box:set-label-2');
    assert.equal(commandForPress(keymap, press('2', 'Digit2'), 'image'), 'label:assign-2');
    assert.equal(commandForPress(keymap, press('@', 'Digit2', { shiftKey: true }), 'grid'), 'label:remove-2');
  });

  it('falls through to a wider scope when the narrow command cannot run', () => {
    const keymap = resolveKeymap();
    const id = commandForPress(keymap, press('ArrowRight', 'ArrowRight'), 'box', (candidate) => candidate !== 'box:nudge-right');
    assert.equal(id, 'image:next');
  });

  it('accepts Ctrl+Y and Ctrl+Shift+Z for redo', () => {
    const keymap = resolveKeymap();
    assert.equal(commandForPress(keymap, press('y', 'KeyY', { ctrlKey: true }), 'image'), 'edit:redo');
    assert.equal(commandForPress(keymap, press('Z', 'KeyZ', { ctrlKey: true, shiftKey: true }), 'image'), 'edit:redo');
  });
});

describe('the help overlay', () => {
  it('prints chords as on the keys', () => {
    assert.deepEqual(chordLabel('Mod+Shift+Z', false), ['Ctrl', 'Shift', 'Z']);
    assert.deepEqual(chordLabel('Mod+Shift+Z', true), ['⌘', '⇧', 'Z']);
    assert.deepEqual(chordLabel('Shift+ArrowLeft', false), ['Shift', '←']);
    assert.deepEqual(chordLabel('+', false), ['+']);
  });

  it('has every command described in English and Korean', () => {
    const dir = join(import.meta.dirname, '../../../renderer/features/labeling/locales');
    for (const language of ['en', 'ko']) {
      const bundle = JSON.parse(readFileSync(join(dir, `${language}.json`), 'utf8')) as Record<string, Record<string, string>>;
      for (const id of commandIds) {
        const key = defaultKeymap[id].description.replace(/^labeling:commands\./, '');
        assert.equal(typeof bundle.commands?.[key], 'string', `${language}: ${id}`);
      }
    }
  });

  it('has the same keys in English and Korean', () => {
    const dir = join(import.meta.dirname, '../../../renderer/features/labeling/locales');
    const keysOf = (value: unknown, prefix = ''): string[] =>
      typeof value !== 'object' || value === null
        ? [prefix]
        : Object.entries(value).flatMap(([key, child]) => keysOf(child, `${prefix}${prefix ? '.' : ''}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`));
    const read = (language: string) => new Set(keysOf(JSON.parse(readFileSync(join(dir, `${language}.json`), 'utf8'))));
    const en = read('en');
    const ko = read('ko');
    assert.deepEqual([...en].filter((key) => !ko.has(key)), []);
    assert.deepEqual([...ko].filter((key) => !en.has(key)), []);
  });
});
