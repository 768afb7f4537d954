/**
 * A small in-memory cache for values that may be a little stale (facet counts, map grids): fresh
 * for `freshMs`, then served while one background refresh runs, for up to `staleMs`. Loads of the
 * same key share one promise, and the oldest entries go when `maxEntries` is reached.
 */
export class StaleCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly opts: { freshMs: number; staleMs: number; maxEntries: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value of `key`, loading it with `load` when missing or too old. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age < this.opts.freshMs) return hit.value;
    if (hit && age < this.opts.staleMs) {
      void this.refresh(key, load).catch(() => undefined);
      return hit.value;
    }
    return this.refresh(key, load);
  }

  private refresh(key: string, load: () => Promise<V>): Promise<V> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load()
      .then((value) => {
        this.entries.delete(key);
        this.entries.set(key, { at: this.now(), value });
        while (this.entries.size > this.opts.maxEntries)
          this.entries.delete(this.entries.keys().next().value!);
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  clear(): void {
    this.entries.clear();
  }
}
