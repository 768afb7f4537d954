import type { Db, Executor } from '../db/client.ts';

export type AfterCommit = (callback: () => unknown) => void;

/**
 * Runs `fn` in a transaction; callbacks registered with `afterCommit` run only once it has
 * committed (so a mail is never announced for a write that rolled back).
 */
export async function transaction<T>(
  db: Db,
  fn: (tx: Executor, afterCommit: AfterCommit) => Promise<T>,
  onCallbackError: (err: unknown) => void = () => undefined,
): Promise<T> {
  const callbacks: Array<() => unknown> = [];
  const result = await db.transaction((tx) => fn(tx, (cb) => callbacks.push(cb)));
  for (const cb of callbacks) {
    try {
      await cb();
    } catch (err) {
      onCallbackError(err);
    }
  }
  return result;
}
