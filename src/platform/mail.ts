import { escapeHtml } from '@kitajs/html';
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Db, Executor } from '../db/client.ts';
import { devMail, outbox, type OutboxMail } from '../db/schema.ts';
import { t, type MessageKey } from '../web/i18n/index.ts';
import type { AfterCommit } from './transaction.ts';

/** Where mails go: an SMTP server, or the development mailbox kept in the database. */
export interface MailTransport {
  readonly kind: 'smtp' | 'dev';
  send(mail: OutboxMail, outboxId: string): Promise<void>;
}

/** Sends through SMTP with nodemailer (`smtp://user:pass@host:587`). */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
  };
}

/** Keeps mails in the `dev_mail` table, shown at /dev/mails outside production. */
export function devMailboxTransport(db: Db): MailTransport {
  return {
    kind: 'dev',
    async send(mail, outboxId) {
      await db.insert(devMail).values({ outboxId, ...mail });
    },
  };
}

/** Builds a French mail from catalogue keys: greeting, body, signature; links become clickable. */
export function composeMail(opts: {
  to: string;
  name: string;
  territoryName: string;
  subject: MessageKey;
  body: MessageKey;
  vars?: Record<string, string>;
}): OutboxMail {
  const parts = [
    t('mail.greeting', { name: opts.name }),
    t(opts.body, opts.vars),
    t('mail.signature', { territory: opts.territoryName }),
  ];
  const text = parts.join('\n\n');
  const html = parts
    .map(
      (p) =>
        `<p>${escapeHtml(p)
          .replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')
          .replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n');
  return { to: opts.to, subject: t(opts.subject), text, html };
}

/** The outbox: mails are written in the caller's transaction and delivered after it commits. */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    /** Asks for a delivery run soon (a pg-boss job, or a direct run when jobs are off). */
    private readonly kick: () => Promise<void>,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  /** Queues a mail inside `tx`; delivery is requested once the transaction commits. */
  async queueMail(tx: Executor, afterCommit: AfterCommit, territoryId: string, mail: OutboxMail) {
    await tx.insert(outbox).values({ territoryId, kind: 'mail', payload: mail });
    afterCommit(() => this.kick());
  }

  /** Delivers pending mails, a batch at a time; failures are retried on later runs (10 tries). */
  async deliverPending(batch = 20): Promise<number> {
    let delivered = 0;
    for (;;) {
      const sent = await this.db.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(outbox)
          .where(and(isNull(outbox.sentAt), lt(outbox.attempts, 10)))
          .orderBy(asc(outbox.createdAt))
          .limit(batch)
          .for('update', { skipLocked: true });
        for (const row of rows) {
          try {
            await this.transport.send(row.payload, row.id);
            await tx
              .update(outbox)
              .set({ sentAt: sql`now()` })
              .where(eq(outbox.id, row.id));
          } catch (err) {
            this.log('mail delivery failed', err);
            await tx
              .update(outbox)
              .set({ attempts: sql`${outbox.attempts} + 1`, lastError: String(err).slice(0, 500) })
              .where(eq(outbox.id, row.id));
          }
        }
        return rows.length;
      });
      delivered += sent;
      if (sent < batch) return delivered;
    }
  }
}
