/**
 * The command registry: which commands can run now, and what they do. Screens register handlers
 * while mounted (`useCommand`); the key dispatcher, buttons and the help overlay run and list
 * commands through here, so a toolbar button and its shortcut are the same code.
 */
import type { CommandId } from './keymap';

export interface CommandHandler {
  run: () => void;
  /** False: the command is shown but does nothing now (and its key falls through). */
  isEnabled?: () => boolean;
}

type Listener = () => void;

export class CommandRegistry {
  private readonly handlers = new Map<CommandId, CommandHandler[]>();
  private readonly listeners = new Set<Listener>();

  /** Adds a handler; the latest registration wins until it is removed. */
  register(id: CommandId, handler: CommandHandler): () => void {
    const stack = this.handlers.get(id) ?? [];
    stack.push(handler);
    this.handlers.set(id, stack);
    this.notify();
    return () => {
      const current = this.handlers.get(id);
      if (!current) return;
      const index = current.indexOf(handler);
      if (index >= 0) current.splice(index, 1);
      if (current.length === 0) this.handlers.delete(id);
      this.notify();
    };
  }

  private handler(id: CommandId): CommandHandler | undefined {
    return this.handlers.get(id)?.at(-1);
  }

  has(id: CommandId): boolean {
    return this.handler(id) !== undefined;
  }

  isEnabled(id: CommandId): boolean {
    const handler = this.handler(id);
    return handler !== undefined && (handler.isEnabled?.() ?? true);
  }

  /** Runs the command if it is registered and enabled; says whether it ran. */
  run(id: CommandId): boolean {
    const handler = this.handler(id);
    if (!handler || !(handler.isEnabled?.() ?? true)) return false;
    handler.run();
    return true;
  }

  registered(): CommandId[] {
    return [...this.handlers.keys()];
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The window's registry. */
export const commands = new CommandRegistry();
