import { describe, expect, it } from 'vitest';
import { StaleCache } from '../../src/platform/cache.ts';

describe('StaleCache', () => {
  it('serves fresh values, then stale ones while refreshing once, then reloads', async () => {
    let now = 0;
    let loads = 0;
    const cache = new StaleCache<number>({ freshMs: 10, staleMs: 100, maxEntries: 2 }, () => now);
    // Each load takes a few milliseconds, like a query.
    const load = async () => {
      const n = ++loads;
      await new Promise((r) => setTimeout(r, 5));
      return n;
    };
    expect(await cache.get('a', load)).toBe(1);
    now = 5;
    expect(await cache.get('a', load)).toBe(1);
    now = 50;
    expect(await cache.get('a', load)).toBe(1); // stale, refresh started
    expect(await cache.get('a', load)).toBe(1); // same refresh, not a second one
    expect(loads).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(await cache.get('a', load)).toBe(2);
    now = 500;
    expect(await cache.get('a', load)).toBe(3); // too old: waits for the load
  });

  it('shares one load between concurrent callers and evicts the oldest key', async () => {
    let loads = 0;
    const cache = new StaleCache<number>({ freshMs: 1000, staleMs: 1000, maxEntries: 2 });
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return loads;
    };
    const [x, y] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect(x).toBe(y);
    expect(loads).toBe(1);
    await cache.get('l', load);
    await cache.get('m', load);
    await cache.get('k', load);
    expect(loads).toBe(4);
  });
});
