import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';

/** The PostgreSQL channel every instance listens on. */
export const LIVE_CHANNEL = 'main_forte_live';

type Listener = () => void;

/**
 * Live updates across app instances: a write announces « topic X changed » with NOTIFY in its
 * transaction (so it is delivered only if it commits), every instance LISTENs once and wakes the
 * open streams of that topic, which then read what is new from the database. The payload is
 * only a topic name: nothing private travels through PostgreSQL's notification queue.
 */
export class LiveHub {
  private readonly topics = new Map<string, Set<Listener>>();
  private unlisten: (() => Promise<void>) | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: (msg: string, err?: unknown) => void = () => undefined,
  ) {}

  /** Starts listening (once, on the first subscriber). */
  private ensureListening(): Promise<void> {
    this.starting ??= this.database
      .listen(
        LIVE_CHANNEL,
        (topic) => this.wake(topic),
        // Notifications may have been lost while the connection was down: every stream catches up.
        () => {
          for (const topic of this.topics.keys()) this.wake(topic);
        },
      )
      .then((unlisten) => {
        this.unlisten = unlisten;
      })
      .catch((err: unknown) => {
        this.starting = null;
        throw err;
      });
    return this.starting;
  }

  private wake(topic: string) {
    for (const listener of this.topics.get(topic) ?? []) {
      try {
        listener();
      } catch (err) {
        this.log('live listener failed', err);
      }
    }
  }

  /** Calls `listener` whenever `topic` is announced; returns the unsubscribe function. */
  async subscribe(topic: string, listener: Listener): Promise<() => void> {
    await this.ensureListening();
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.topics.get(topic) === set) this.topics.delete(topic);
    };
  }

  /** Number of open subscriptions (tests, metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.topics.values()) n += set.size;
    return n;
  }

  /** Announces `topic` from inside `tx`: listeners everywhere are woken once it commits. */
  static async announce(tx: Executor, topic: string): Promise<void> {
    await tx.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${topic})`);
  }

  async close(): Promise<void> {
    this.topics.clear();
    const unlisten = this.unlisten;
    this.unlisten = null;
    this.starting = null;
    await unlisten?.();
  }
}
