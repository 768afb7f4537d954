import { escapeHtml } from '@kitajs/html';
import { eq, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { queryRows, type Db, type Executor } from '../db/client.ts';
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
        headers: mail.headers,
      });
    },
  };
}

/** Keeps mails in the `dev_mail` table, shown at /dev/mails outside production. */
export function devMailboxTransport(db: Db): MailTransport {
  return {
    kind: 'dev',
    async send(mail, outboxId) {
      await db.insert(devMail).values({
        outboxId,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
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

  /**
   * Delivers pending mails. Rows are claimed by one UPDATE (a lease of two minutes) and sent
   * outside any transaction, so a slow SMTP server never holds a database lock; a failed row is
   * retried by later runs, ten times at most.
   */
  async deliverPending(batch = 20): Promise<number> {
    let delivered = 0;
    for (;;) {
      const claimed = await queryRows<{ id: string; payload: OutboxMail }>(
        this.db,
        sql`update ${outbox} set attempts = attempts + 1, locked_until = now() + interval '2 minutes'
            where id in (
              select id from ${outbox}
              where sent_at is null and attempts < 10 and (locked_until is null or locked_until < now())
              order by created_at limit ${batch} for update skip locked)
            returning id, payload`,
      );
      for (const row of claimed) {
        try {
          await this.transport.send(row.payload, row.id);
          await this.db
            .update(outbox)
            .set({ sentAt: sql`now()`, lockedUntil: null })
            .where(eq(outbox.id, row.id));
          delivered++;
        } catch (err) {
          this.log('mail delivery failed', err);
          await this.db
            .update(outbox)
            .set({ lockedUntil: null, lastError: String(err).slice(0, 500) })
            .where(eq(outbox.id, row.id));
        }
      }
      if (claimed.length < batch) return delivered;
    }
  }
}
