import { PgBoss } from 'pg-boss';
import type { Database } from '../db/client.ts';

const OUTBOX_QUEUE = 'outbox-deliver';
const OUTBOX_SWEEP = 'outbox-sweep';

/**
 * Background jobs on pg-boss, in the same database (PostgreSQL or PGlite). The outbox worker
 * delivers mails; a one-minute schedule sweeps anything a crash left behind.
 */
export class Jobs {
  private boss: PgBoss | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  /**
   * Starts pg-boss (creating its schema on first run), the outbox workers, and the scheduled
   * tasks (cron expressions, Europe/Paris), each a queue of its own.
   */
  async start(
    deliverOutbox: () => Promise<unknown>,
    scheduled: Array<{ name: string; cron: string; run: () => Promise<unknown> }> = [],
  ): Promise<void> {
    const boss = new PgBoss({ db: this.database.raw, schema: 'pgboss' });
    boss.on('error', (err) => this.log('job queue error', err));
    await boss.start();
    for (const queue of [OUTBOX_QUEUE, OUTBOX_SWEEP]) await boss.createQueue(queue);
    await boss.work(OUTBOX_QUEUE, { pollingIntervalSeconds: 0.5 }, async () => {
      await deliverOutbox();
    });
    await boss.work(OUTBOX_SWEEP, async () => {
      await deliverOutbox();
    });
    await boss.schedule(OUTBOX_SWEEP, '* * * * *');
    for (const task of scheduled) {
      await boss.createQueue(task.name);
      await boss.work(task.name, async () => {
        await task.run();
      });
      await boss.schedule(task.name, task.cron, null, { tz: 'Europe/Paris' });
    }
    this.boss = boss;
  }

  /** Asks the outbox worker to run soon. */
  async kickOutbox(): Promise<void> {
    if (!this.boss) return;
    await this.boss.send(OUTBOX_QUEUE, {});
  }

  get started() {
    return this.boss !== null;
  }

  /** Stops the workers, letting running jobs finish for up to `timeoutMs`. */
  async stop(timeoutMs = 5000): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, timeout: timeoutMs, close: false });
  }
}
