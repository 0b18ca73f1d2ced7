import { useEffect, useRef, useSyncExternalStore } from 'react';
import { commandForPress, type CommandId, type Keymap, type Scope } from './keymap';
import { currentKeymap, subscribeKeymap } from './keymapStorage';
import { commands } from './registry';

/**
 * Registers a handler for a command while the component is mounted. The latest `run` and
 * `isEnabled` are always used, so callers can pass closures over their state.
 */
export function useCommand(id: CommandId, run: () => void, isEnabled?: () => boolean): void {
  const ref = useRef({ run, isEnabled });
  ref.current = { run, isEnabled };
  useEffect(
    () =>
      commands.register(id, {
        run: () => ref.current.run(),
        isEnabled: () => ref.current.isEnabled?.() ?? true,
      }),
    [id],
  );
}

export function useKeymap(): Keymap {
  return useSyncExternalStore(subscribeKeymap, currentKeymap);
}

/** True when keys typed now belong to a text field, not to shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}

/**
 * The key dispatcher: while mounted, key presses outside text fields and modal dialogs run the
 * command the keymap binds them to in `scope` (narrowest scope first). `scope` may be a function,
 * read at each key press (the box scope depends on the tool's state, which changes without renders).
 */
export function useKeyboardCommands(scope: Scope | (() => Scope), enabled = true): void {
  const keymap = useKeymap();
  const state = useRef({ scope, keymap, enabled });
  state.current = { scope, keymap, enabled };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const { scope: current, keymap: map, enabled: on } = state.current;
      if (!on || event.defaultPrevented || event.isComposing) return;
      if (isTypingTarget(event.target)) return;
      // A modal dialog owns the keyboard while it is open.
      if (document.querySelector('dialog[open]')) return;
      const active = typeof current === 'function' ? current() : current;
      const id = commandForPress(map, event, active, (candidate) => commands.isEnabled(candidate));
      if (!id) return;
      event.preventDefault();
      commands.run(id);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
