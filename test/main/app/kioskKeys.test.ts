/** Issue #16: in a kiosk window only the PIN leaves — the menu's accelerators never fire there. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKioskBlockedKey } from '../../../main/app/kioskKeys';

const key = (key: string, modifiers: Partial<{ control: boolean; meta: boolean; alt: boolean }> = {}, type = 'keyDown') => ({
  type,
  key,
  control: false,
  meta: false,
  alt: false,
  ...modifiers,
});

describe('issue #16: keys in a kiosk window', () => {
  it('stops the chords that quit, minimise, close or leave full screen', () => {
    for (const input of [key('q', { control: true }), key('q', { meta: true }), key('m', { control: true }), key('w', { meta: true }), key('F4', { alt: true }), key('F11'), key('F12')]) {
      assert.equal(isKioskBlockedKey(input), true, JSON.stringify(input));
    }
  });

  it('lets the PIN pad and plain keys through', () => {
    for (const input of [key('1'), key('9'), key('Enter'), key('Escape'), key('Backspace'), key('ArrowLeft'), key('q', { control: true }, 'keyUp')]) {
      assert.equal(isKioskBlockedKey(input), false, JSON.stringify(input));
    }
  });
});
