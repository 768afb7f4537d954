import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { isUuid, parseInput, submittedValues } from '../../domain/fields.ts';
import { emptyForm, type FormState } from '../../web/components/forms.tsx';
import { MessagePage } from '../../web/components/MessagePage.tsx';
import { ReportPage } from '../../web/components/ReportPage.tsx';
import { m } from '../../web/i18n/index.ts';
import { reportInput } from '../moderation/schemas.ts';
import { helpedInput, messageInput, messageNumber, notificationsInput, shareInput } from './schemas.ts';
import { conversationTopic, type ThreadView } from './service.ts';
import {
  ConversationListPage,
  MessageItems,
  ReplyPage,
  ThreadPage,
  UnsubscribePage,
} from './views/pages.tsx';

type IdParams = { Params: { id: string } };

/** How often an open stream sends a comment, so proxies keep it open and dead clients are found. */
const HEARTBEAT_MS = 25_000;

/** Conversations: « Répondre », « Mes messages », threads, live stream, sharing, blocks, reports. */
export async function conversationsRoutes(app: FastifyInstance) {
  const { conversations, live } = app.platform;

  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.viewer) return req.viewer;
    void reply.seeOther('/connexion');
    return null;
  };
  const notFound = (reply: FastifyReply) => reply.callNotFound();

  // --- Answering a post ---------------------------------------------------------------------

  const replyTarget = async (req: FastifyRequest<IdParams>) =>
    isUuid(req.params.id)
      ? conversations.replyTarget(req.territory.id, req.params.id, req.ctx().actor!)
      : null;

  app.get<IdParams>('/annonces/:id/repondre', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const target = await replyTarget(req);
    if (!target) return notFound(reply);
    if (target.isAuthor) return reply.redirect(`/annonces/${req.params.id}`, 303);
    if (target.existing) return reply.redirect(`/messages/${target.existing}#ecrire`, 303);
    const form = emptyForm();
    if (!req.viewer!.emailVerified) form.errors._form = { key: 'errors.notVerifiedToWrite' };
    return reply.html(ReplyPage({ page: reply.page(), post: target.post, form }));
  });

  app.post<IdParams>('/annonces/:id/repondre', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const target = await replyTarget(req);
    if (!target) return notFound(reply);
    const parsed = parseInput(messageInput, req.body);
    const result = parsed.ok
      ? await conversations.answerPost(req.ctx(), req.params.id, parsed.value.body)
      : parsed;
    if (!result.ok) {
      const form = { errors: result.errors, values: submittedValues(req.body) };
      return reply.html(ReplyPage({ page: reply.page(), post: target.post, form }), 422);
    }
    return reply.seeOther(`/messages/${result.value.conversationId}#fil`, 'conversations.sent');
  });

  // After « aide apportée », the author says which conversation helped.
  app.post<IdParams>('/annonces/:id/qui-a-aide', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    // Only the author of the post, once the help is given, may say who helped.
    const helpers = await conversations.aboutOwnPost(req.territory.id, req.params.id, req.viewer!);
    if (!helpers) return notFound(reply);
    const parsed = parseInput(helpedInput, req.body);
    const result = parsed.ok
      ? await conversations.markHelped(req.ctx(), req.params.id, parsed.value.conversationId)
      : parsed;
    if (!result.ok) {
      if (result.errors._form) return notFound(reply);
      return reply.seeOther(`/annonces/${req.params.id}`, 'errors.choice');
    }
    return reply.seeOther(`/annonces/${req.params.id}`, 'posts.helpedSaved');
  });

  // --- « Mes messages » and threads -----------------------------------------------------------

  app.get('/messages', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    const [list, notifications] = await Promise.all([
      conversations.list(req.territory.id, viewer.accountId),
      conversations.notificationsOf(viewer.accountId),
    ]);
    return reply.html(ConversationListPage({ page: reply.page(), conversations: list, notifications }));
  });

  app.post('/messages/notifications', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const parsed = parseInput(notificationsInput, req.body);
    if (!parsed.ok) {
      const viewer = req.viewer!;
      const list = await conversations.list(req.territory.id, viewer.accountId);
      return reply.html(
        ConversationListPage({
          page: reply.page(),
          conversations: list,
          notifications: await conversations.notificationsOf(viewer.accountId),
          form: { errors: parsed.errors, values: parsed.values },
        }),
        422,
      );
    }
    await conversations.setNotifications(req.ctx(), parsed.value.notifications as 'each' | 'daily' | 'none');
    return reply.seeOther('/messages', 'conversations.notificationsSaved');
  });

  const renderThread = async (
    req: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: FormState,
    status = 200,
  ) => {
    const before = messageNumber((req.query as Record<string, unknown>).avant);
    const thread = isUuid(req.params.id)
      ? await conversations.thread(req.ctx(), req.params.id, { before })
      : null;
    if (!thread) return notFound(reply);
    return reply.html(ThreadPage({ page: reply.page(), thread, form }), status);
  };

  app.get<IdParams>('/messages/:id', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return renderThread(req, reply, emptyForm());
  });

  app.post<IdParams>('/messages/:id', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const parsed = parseInput(messageInput, req.body);
    const result = parsed.ok ? await conversations.send(req.ctx(), req.params.id, parsed.value.body) : parsed;
    if (!result.ok) {
      if (result.errors._form?.key === 'errors.notAllowed') return notFound(reply);
      return renderThread(req, reply, { errors: result.errors, values: submittedValues(req.body) }, 422);
    }
    return reply.seeOther(`/messages/${req.params.id}#message-${result.value.messageId}`);
  });

  app.post<IdParams>('/messages/:id/partage', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const parsed = parseInput(shareInput, req.body);
    if (!parsed.ok) return renderThread(req, reply, { errors: parsed.errors, values: {} }, 422);
    const { what, share } = parsed.value;
    const result = await conversations.share(
      req.ctx(),
      req.params.id,
      what === 'telephone' ? 'phone' : 'email',
      share === 'oui',
    );
    if (!result.ok) {
      if (result.errors._form?.key === 'errors.notAllowed') return notFound(reply);
      return renderThread(req, reply, { errors: result.errors, values: {} }, 422);
    }
    return reply.seeOther(
      `/messages/${req.params.id}`,
      share === 'oui' ? 'conversations.sharedFlash' : 'conversations.unsharedFlash',
    );
  });

  for (const [path, blocked] of [
    ['bloquer', true],
    ['debloquer', false],
  ] as const) {
    app.post<IdParams>(`/messages/:id/${path}`, async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      if (!isUuid(req.params.id)) return notFound(reply);
      const result = await conversations.block(req.ctx(), req.params.id, blocked);
      if (!result.ok) return notFound(reply);
      return reply.seeOther(
        `/messages/${req.params.id}`,
        blocked ? 'conversations.blockedFlash' : 'conversations.unblockedFlash',
      );
    });
  }

  // --- Reports -----------------------------------------------------------------------------------

  /** The conversation (and message) a report form is about, or null for a 404. */
  const reportTarget = async (req: FastifyRequest<IdParams>) => {
    const query = req.query as Record<string, unknown>;
    const messageId = query.message === undefined ? null : messageNumber(query.message);
    if (query.message !== undefined && messageId === null) return null;
    if (!isUuid(req.params.id)) return null;
    const thread = await conversations.thread(req.ctx(), req.params.id);
    if (!thread || thread.access !== 'participant') return null;
    if (
      messageId !== null &&
      !thread.messages.some((x) => x.id === messageId && !x.mine && x.kind === 'text')
    )
      return null;
    return { thread, messageId };
  };

  const reportPage = (reply: FastifyReply, th: ThreadView, messageId: number | null, form: FormState) =>
    ReportPage({
      page: reply.page(),
      form,
      title: m(messageId ? 'conversations.reportMessageTitle' : 'conversations.reportConversationTitle'),
      lead: m('conversations.reportLead'),
      back: { href: `/messages/${th.id}`, label: th.subject.title },
      action: `/messages/${th.id}/signaler${messageId ? `?message=${messageId}` : ''}`,
    });

  app.get<IdParams>('/messages/:id/signaler', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const target = await reportTarget(req);
    if (!target) return notFound(reply);
    return reply.html(reportPage(reply, target.thread, target.messageId, emptyForm()));
  });

  app.post<IdParams>('/messages/:id/signaler', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const target = await reportTarget(req);
    if (!target) return notFound(reply);
    const parsed = parseInput(reportInput, req.body);
    const result = parsed.ok
      ? await conversations.report(req.ctx(), req.params.id, target.messageId, {
          reason: parsed.value.reason as 'scam',
          details: parsed.value.details,
        })
      : parsed;
    if (!result.ok) {
      const form = { errors: result.errors, values: submittedValues(req.body) };
      return reply.html(reportPage(reply, target.thread, target.messageId, form), 422);
    }
    return reply.seeOther(`/messages/${req.params.id}`, 'conversations.reportedFlash');
  });

  // --- Live updates -------------------------------------------------------------------------------

  /** New messages after `after` as HTML list items, or null when the viewer may not see them. */
  const newItems = async (req: FastifyRequest<IdParams>, after: number) => {
    const messages = await conversations.messagesAfter(req.ctx(), req.params.id, after);
    if (messages === null) return null;
    return {
      last: messages.at(-1)?.id ?? after,
      html: messages.length
        ? await MessageItems({ conversationId: req.params.id, messages, canReport: true })
        : '',
    };
  };

  // The polling fallback (no EventSource, or a proxy that breaks streams): a fragment of <li>.
  app.get<IdParams>('/messages/:id/nouveaux', async (req, reply) => {
    if (!req.viewer || !isUuid(req.params.id)) return notFound(reply);
    const after = messageNumber((req.query as Record<string, unknown>).apres) ?? 0;
    const items = await newItems(req, after);
    if (!items) return notFound(reply);
    return reply
      .header('cache-control', 'no-store')
      .header('x-last-message', String(items.last))
      .type('text/html; charset=utf-8')
      .send(items.html);
  });

  // Open streams would keep the server from closing: end them before it waits for connections.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  // Server-sent events: woken by LISTEN/NOTIFY (any instance may have written the message), then
  // reads what is new for this viewer. `Last-Event-ID` lets a reconnecting browser catch up.
  app.get<IdParams>('/messages/:id/flux', async (req, reply) => {
    const viewer = req.viewer;
    if (!viewer || !isUuid(req.params.id)) return notFound(reply);
    if (!(await conversations.isParticipant(req.territory.id, req.params.id, viewer))) return notFound(reply);
    const lastEventId = req.headers['last-event-id'];
    let last =
      messageNumber(typeof lastEventId === 'string' ? lastEventId : undefined) ??
      messageNumber((req.query as Record<string, unknown>).apres) ??
      0;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write('retry: 3000\n\n');
    streams.add(res);

    let running = false;
    let again = false;
    let closed = false;
    const flush = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const items = await newItems(req, last);
          if (closed) return;
          if (!items) {
            res.end();
            return;
          }
          if (items.html) {
            last = items.last;
            res.write(`id: ${last}\nevent: messages\ndata: ${items.html.replace(/\n/g, '\ndata: ')}\n\n`);
          }
        } while (again && !closed);
      } catch (err) {
        req.log.error({ err }, 'live stream failed');
        res.end();
      } finally {
        running = false;
      }
    };
    const unsubscribe = await live.subscribe(conversationTopic(req.params.id), () => void flush());
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
    await flush();
  });

  // --- Unsubscribing from a mail, without signing in ------------------------------------------------

  const badToken = (reply: FastifyReply) =>
    reply.html(
      MessagePage({
        page: reply.page(),
        title: m('conversations.unsubscribeTitle'),
        text: m('errors.tokenInvalid'),
      }),
      400,
    );

  app.get('/notifications/desabonnement', async (req, reply) => {
    const token = (req.query as Record<string, unknown>).jeton;
    if (!conversations.unsubscribeAccount(token)) return badToken(reply);
    return reply.html(UnsubscribePage({ page: reply.page(), token: String(token), done: false }));
  });

  // Mail clients post here in one click (RFC 8058) without our CSRF token: the signed token is the proof.
  app.post('/notifications/desabonnement', { config: { noCsrf: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const query = req.query as Record<string, unknown>;
    const done = await conversations.unsubscribe(req.ctx(), body.jeton ?? query.jeton);
    if (!done) return badToken(reply);
    return reply.html(UnsubscribePage({ page: reply.page(), token: '', done: true }));
  });
}
