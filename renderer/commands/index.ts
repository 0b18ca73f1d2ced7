export {
  chordLabel,
  chordsOf,
  commandForPress,
  commandIds,
  commandsOnChord,
  defaultKeymap,
  findConflicts,
  normalizeChord,
  resolveKeymap,
  scopeChain,
  type CommandGroup,
  type CommandId,
  type CommandSpec,
  type Keymap,
  type KeymapOverrides,
  type KeyPress,
  type Scope,
} from './keymap';
export { currentKeymap, resetCommandKeys, setCommandKeys, subscribeKeymap } from './keymapStorage';
export { CommandRegistry, commands, type CommandHandler } from './registry';
export { isTypingTarget, useCommand, useKeyboardCommands, useKeymap } from './useCommands';
