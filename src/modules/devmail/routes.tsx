import { isUuid } from '../../domain/fields.ts';
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { devMail } from '../../db/schema.ts';
import { Layout } from '../../web/components/Layout.tsx';
import { formatDateTime, m } from '../../web/i18n/index.ts';

/**
 * The development mailbox: mails kept instead of sent when no SMTP server is configured.
 * Registered only outside production (see app.ts), so it cannot leak mails of real people.
 */
export async function devMailRoutes(app: FastifyInstance) {
  const { db } = app.platform.database;

  app.get('/dev/mails', async (_req, reply) => {
    const mails = await db
      .select({ id: devMail.id, to: devMail.to, subject: devMail.subject, createdAt: devMail.createdAt })
      .from(devMail)
      .orderBy(desc(devMail.createdAt))
      .limit(100);
    return reply.html(
      <Layout page={reply.page()} title={m('mailbox.title')}>
        <h1>{m('mailbox.title')}</h1>
        <p class="lead">{m('mailbox.lead')}</p>
        {mails.length === 0 ? (
          <p>{m('mailbox.empty')}</p>
        ) : (
          <div class="table-wrapper">
            <table class="table table--stack">
              <thead>
                <tr>
                  <th scope="col">{m('mailbox.subject')}</th>
                  <th scope="col">{m('mailbox.to')}</th>
                  <th scope="col">{m('mailbox.date')}</th>
                </tr>
              </thead>
              <tbody>
                {mails.map((m) => (
                  <tr>
                    <td>
                      <a href={`/dev/mails/${m.id}`} safe>
                        {m.subject}
                      </a>
                    </td>
                    <td safe>{m.to}</td>
                    <td safe>{formatDateTime(m.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Layout>,
    );
  });

  app.get<{ Params: { id: string } }>('/dev/mails/:id', async (req, reply) => {
    if (!isUuid(req.params.id)) return reply.callNotFound();
    const [mail] = await db.select().from(devMail).where(eq(devMail.id, req.params.id)).limit(1);
    if (!mail) return reply.callNotFound();
    return reply.html(
      <Layout page={reply.page()} title={mail.subject}>
        <p>
          <a href="/dev/mails">{m('mailbox.back')}</a>
        </p>
        <h1 safe>{mail.subject}</h1>
        <dl class="facts">
          <dt>{m('mailbox.to')}</dt>
          <dd safe>{mail.to}</dd>
          <dt>{m('mailbox.date')}</dt>
          <dd safe>{formatDateTime(mail.createdAt)}</dd>
        </dl>
        <div class="mail-body">
          {mail.text.split('\n').map((line) => (
            <p>
              {/* Links anywhere in a line are clickable, as in a mail client. */}
              {line.split(/(https?:\/\/\S+)/).map((part, i) =>
                i % 2 === 1 ? (
                  <a href={part} safe>
                    {part}
                  </a>
                ) : (
                  <span safe>{part}</span>
                ),
              )}
            </p>
          ))}
        </div>
      </Layout>,
    );
  });
}
