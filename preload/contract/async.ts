/**
 * The async toolkit main and the renderer share: bounded parallel work (`mapLimited`) and a queue
 * that keeps work on the same keys in order (`KeyedSequencer`). A plain module that imports nothing.
 */

/** `fn` over every item with at most `limit` calls running at once; results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Runs tasks in order per key: a task waits for the tasks queued before it on any of its keys, and
 * a task on `'all'` waits for every task before it and holds back every task after it. A task with
 * nothing to wait for starts at once, synchronously inside `run` (a request leaves inside the key
 * press that asked for it).
 */
export class KeyedSequencer<K> {
  private readonly tails = new Map<K, Promise<void>>();
  private barrier: Promise<void> = Promise.resolve();
  /** The last `'all'` task has not settled yet. */
  private barrierBusy = false;

  /**
   * Queue `task` on `keys`; `settle(ok)` runs when it has finished or failed, before the next task
   * on those keys starts. Returns the task's own promise.
   */
  run<T>(keys: readonly K[] | 'all', task: () => Promise<T>, settle: (ok: boolean) => void): Promise<T> {
    const all = keys === 'all';
    const isClear = !this.barrierBusy && (all ? this.tails.size === 0 : keys.every((key) => !this.tails.has(key)));
    const waitFor = all ? [...this.tails.values(), this.barrier] : [...keys.flatMap((key) => this.tails.get(key) ?? []), this.barrier];
    const started = isClear ? task() : Promise.all(waitFor).then(task);
    const settled = started.then(
      () => settle(true),
      () => settle(false),
    );
    if (all) {
      this.barrier = settled;
      this.barrierBusy = true;
      void settled.then(() => {
        if (this.barrier === settled) this.barrierBusy = false;
      });
    } else
      for (const key of keys) {
        this.tails.set(key, settled);
        void settled.then(() => {
          if (this.tails.get(key) === settled) this.tails.delete(key);
        });
      }
    return started;
  }

  /** Resolves when every task queued so far has settled. */
  async settled(): Promise<void> {
    await Promise.all([...this.tails.values(), this.barrier]);
  }
}
