/**
 * A plain object React screens read through useSyncExternalStore: `version` goes up on every change
 * the screens show, and `subscribe` tells them when. The labeling session, entry list, edit log and
 * box tool are stores of this kind.
 */
export class VersionedStore {
  /** Bumped on every change the screens show. */
  version = 0;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
