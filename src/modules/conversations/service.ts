import type { Db, Executor } from '../../db/client.ts';
import type { ConversationSubject, MessageKind, MessageNotifications, OutboxMail } from '../../db/schema.ts';
import {
  NOTIFY,
  SAFETY_ADVICE_UNTIL_SENT,
  scamSignals,
  type ScamSignal,
} from '../../domain/conversations.ts';
import { fail, ok, type Result } from '../../domain/fields.ts';
import { can, type Actor } from '../../domain/permissions.ts';
import { publicName } from '../../domain/posts.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { LiveHub } from '../../platform/live.ts';
import { composeMail, type Outbox } from '../../platform/mail.ts';
import type { Signer } from '../../platform/signed-token.ts';
import { transaction } from '../../platform/transaction.ts';
import { t } from '../../web/i18n/index.ts';
import * as accountsRepo from '../accounts/repository.ts';
import { insertReport } from '../moderation/repository.ts';
import type { ReportInput } from '../moderation/schemas.ts';
import type { PostService } from '../posts/service.ts';
import type { TerritoryService } from '../territory/service.ts';
import * as repo from './repository.ts';

/** Messages shown at once on a thread; older ones behind « messages précédents ». */
export const THREAD_PAGE = 100;
/** Conversations listed in « Mes messages ». */
export const LIST_LIMIT = 200;
/** New conversations an account may open per day: fewer while it is new (spam and scams). */
const DAILY_NEW_CONVERSATIONS = { newAccount: 10, established: 30 };
const UNSUBSCRIBE = 'unsubscribe:messages';

/** The live-update topic of a conversation. */
export const conversationTopic = (id: string) => `conversation:${id}`;

/** A message as one viewer sees it. */
export interface ThreadMessage {
  id: number;
  kind: MessageKind;
  mine: boolean;
  senderName: string;
  body: string;
  createdAt: Date;
  /** Scam signals, shown to the recipients only (the sender is not told what was detected). */
  warnings: ScamSignal[];
  /** The viewer's own message has been read by every other participant (« Lu »). */
  seen: boolean;
}

/** Another participant as the viewer sees them: contact details only when they share them. */
export interface ThreadParticipant {
  accountId: string;
  name: string;
  phone: string | null;
  email: string | null;
  blockedByViewer: boolean;
  blocksViewer: boolean;
}

/** A conversation as one viewer sees it. Built only here, so private fields cannot leak by accident. */
export interface ThreadView {
  id: string;
  subject: { type: ConversationSubject; id: string; title: string; href: string | null };
  /** `moderator`: read through a report, read-only and audited. */
  access: 'participant' | 'moderator';
  me: { phoneShared: boolean; emailShared: boolean; hasPhone: boolean; sent: number };
  others: ThreadParticipant[];
  messages: ThreadMessage[];
  /** The id to ask for older messages with, or null. */
  olderBefore: number | null;
  /** Why the viewer cannot write here, or null when they can. */
  closed: 'blockedByViewer' | 'blocksViewer' | 'moderator' | null;
  showSafety: boolean;
  helped: boolean;
}

interface Deps {
  db: Db;
  outbox: Outbox;
  territories: TerritoryService;
  posts: PostService;
  signer: Signer;
  /** The site's address for links in mails (`PUBLIC_URL`, or the local address). */
  publicUrl: string;
}

/** Conversations between members: answering, messages, chosen disclosure, blocks, reports, mails. */
export class ConversationService {
  constructor(private readonly deps: Deps) {}

  private get db() {
    return this.deps.db;
  }

  /** What the « Répondre » page needs, or null when the post cannot be answered by this viewer. */
  async replyTarget(territoryId: string, postId: string, viewer: Actor) {
    const target = await this.deps.posts.contactTarget(territoryId, postId);
    if (!target) return null;
    const existing = await repo.findBySubjectAndOpener(
      this.db,
      territoryId,
      { type: 'post', id: postId },
      viewer.accountId,
    );
    return { post: target, existing, isAuthor: target.recipientAccountId === viewer.accountId };
  }

  /**
   * Answers a post: opens the conversation between the viewer and the post's author (or returns
   * the one they already have) with a first message. The author's contact preference on the post
   * is applied: what they chose to show is shared with the person answering.
   */
  async answerPost(ctx: Ctx, postId: string, body: string): Promise<Result<{ conversationId: string }>> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const target = await this.deps.posts.contactTarget(ctx.territoryId, postId);
    if (!target || target.recipientAccountId === actor.accountId) return fail('_form', 'errors.notAllowed');
    const existing = await repo.findBySubjectAndOpener(
      this.db,
      ctx.territoryId,
      { type: 'post', id: postId },
      actor.accountId,
    );
    if (existing) {
      const sent = await this.send(ctx, existing, body);
      return sent.ok ? ok({ conversationId: existing }) : sent;
    }
    return this.open(ctx, {
      subject: { type: 'post', id: postId },
      others: [
        {
          accountId: target.recipientAccountId,
          phoneShared: target.showPhone,
          emailShared: target.showEmail,
        },
      ],
      firstMessage: body,
    });
  }

  /**
   * Opens a conversation about any subject between the actor and others, with a first message
   * (missions, applications and call-centre cases use this too). Refused when a block stands
   * between the actor and one of them, or past the daily limit of new conversations.
   */
  async open(
    ctx: Ctx,
    opts: {
      subject: { type: ConversationSubject; id: string };
      others: Array<{ accountId: string; phoneShared?: boolean; emailShared?: boolean }>;
      firstMessage: string;
    },
  ): Promise<Result<{ conversationId: string }>> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const sender = await accountsRepo.findAccountById(this.db, actor.accountId);
    if (!sender) return fail('_form', 'errors.notAllowed');
    if (!sender.emailVerifiedAt) return fail('_form', 'errors.notVerifiedToWrite');
    for (const other of opts.others)
      if (await repo.blockedEitherWay(this.db, actor.accountId, other.accountId))
        return fail('_form', 'errors.conversationClosed');
    const ageDays = (Date.now() - sender.createdAt.getTime()) / 86_400_000;
    const quota = ageDays < 7 ? DAILY_NEW_CONVERSATIONS.newAccount : DAILY_NEW_CONVERSATIONS.established;
    const since = new Date(Date.now() - 86_400_000);
    if ((await repo.countOpenedSince(this.db, actor.accountId, since)) >= quota)
      return fail('_form', 'errors.conversationQuota');
    const flags = scamSignals(opts.firstMessage, { firstMessage: true, senderCreatedAt: sender.createdAt });
    const id = await transaction(this.db, async (tx) => {
      const created = await repo.insertConversation(tx, {
        territoryId: ctx.territoryId,
        subject: opts.subject,
        openerId: actor.accountId,
        participants: [
          { accountId: actor.accountId, phoneShared: false, emailShared: false },
          ...opts.others.map((o) => ({
            accountId: o.accountId,
            phoneShared: !!o.phoneShared,
            emailShared: !!o.emailShared,
          })),
        ],
      });
      if (!created) return null;
      // The shares the post's author chose in advance are recorded in the thread like any other.
      for (const o of opts.others) {
        if (o.phoneShared) await this.recordEvent(tx, created, o.accountId, 'share_phone');
        if (o.emailShared) await this.recordEvent(tx, created, o.accountId, 'share_email');
      }
      await this.writeMessage(tx, ctx, created, opts.firstMessage, flags);
      await audit(
        tx,
        ctx,
        'conversation.open',
        { type: 'conversation', id: created },
        {
          subjectType: opts.subject.type,
          subjectId: opts.subject.id,
        },
      );
      return created;
    });
    if (!id) {
      // Opened at the same instant by another click: answer in the existing conversation.
      const existing = await repo.findBySubjectAndOpener(
        this.db,
        ctx.territoryId,
        opts.subject,
        actor.accountId,
      );
      if (!existing) return fail('_form', 'errors.notAllowed');
      const sent = await this.send(ctx, existing, opts.firstMessage);
      return sent.ok ? ok({ conversationId: existing }) : sent;
    }
    return ok({ conversationId: id });
  }

  private async recordEvent(tx: Executor, conversationId: string, accountId: string, kind: MessageKind) {
    await repo.insertMessage(tx, { conversationId, senderAccountId: accountId, kind, body: '', flags: [] });
    await LiveHub.announce(tx, conversationTopic(conversationId));
  }

  /** Inserts a text message, flags it for moderators when it carries scam signals, wakes the streams. */
  private async writeMessage(
    tx: Executor,
    ctx: Ctx,
    conversationId: string,
    body: string,
    flags: ScamSignal[],
  ) {
    const msg = await repo.insertMessage(tx, {
      conversationId,
      senderAccountId: ctx.actor!.accountId,
      kind: 'text',
      body,
      flags,
    });
    // The sender has read their own conversation up to here.
    await repo.markRead(tx, conversationId, ctx.actor!.accountId);
    if (flags.length > 0) {
      await insertReport(tx, {
        territoryId: ctx.territoryId,
        subjectType: 'message',
        subjectId: String(msg.id),
        reporterAccountId: null,
        reason: 'scam',
        details: t('conversations.autoReport', { signals: flags.join(', ') }),
      });
    }
    await LiveHub.announce(tx, conversationTopic(conversationId));
    return msg;
  }

  /**
   * Who may see a conversation: its participants, and moderators when it (or one of its
   * messages) was reported — that reading is audited. Anyone else: null (a 404).
   */
  private async access(ctx: Ctx, conversationId: string) {
    const actor = ctx.actor;
    if (!actor) return null;
    const head = await repo.findThreadHead(this.db, ctx.territoryId, conversationId, actor.accountId);
    if (!head) return null;
    if (head.participants.some((p) => p.accountId === actor.accountId))
      return { head, as: 'participant' as const };
    if (can(actor, 'read:report') && (await repo.isReported(this.db, conversationId))) {
      await audit(this.db, ctx, 'conversation.read_by_moderator', {
        type: 'conversation',
        id: conversationId,
      });
      return { head, as: 'moderator' as const };
    }
    return null;
  }

  /** Does this conversation exist for this viewer? (participants only; the stream and the API) */
  async isParticipant(territoryId: string, conversationId: string, viewer: Actor): Promise<boolean> {
    const head = await repo.findThreadHead(this.db, territoryId, conversationId, viewer.accountId);
    return !!head?.participants.some((p) => p.accountId === viewer.accountId);
  }

  /** The viewer's conversation about a subject (an application to a mission…), or null. */
  async forSubject(
    territoryId: string,
    subject: { type: ConversationSubject; id: string },
    viewer: Actor,
  ): Promise<string | null> {
    for (const row of await repo.listBySubject(this.db, territoryId, subject))
      if (await this.isParticipant(territoryId, row.id, viewer)) return row.id;
    return null;
  }

  /**
   * A thread for its viewer: three queries whatever its length (the head with participants, one
   * page of messages, the read mark). Null when the viewer may not see it.
   */
  async thread(
    ctx: Ctx,
    conversationId: string,
    opts: { before?: number | null } = {},
  ): Promise<ThreadView | null> {
    const found = await this.access(ctx, conversationId);
    if (!found) return null;
    const { head, as } = found;
    const viewerId = ctx.actor!.accountId;
    const rows = await repo.listMessages(this.db, conversationId, {
      limit: THREAD_PAGE + 1,
      before: opts.before ?? null,
    });
    const hasOlder = rows.length > THREAD_PAGE;
    const page = hasOlder ? rows.slice(1) : rows;
    if (as === 'participant' && !opts.before) await repo.markRead(this.db, conversationId, viewerId);
    return this.present(head, page, viewerId, as, hasOlder ? (page[0]?.id ?? null) : null);
  }

  /** Messages after `after`, for the live stream and the polling fallback; marks them read. */
  async messagesAfter(ctx: Ctx, conversationId: string, after: number): Promise<ThreadMessage[] | null> {
    const actor = ctx.actor;
    if (!actor) return null;
    const head = await repo.findThreadHead(this.db, ctx.territoryId, conversationId, actor.accountId);
    if (!head || !head.participants.some((p) => p.accountId === actor.accountId)) return null;
    const rows = await repo.listMessages(this.db, conversationId, { limit: THREAD_PAGE, after });
    if (rows.length > 0) await repo.markRead(this.db, conversationId, actor.accountId);
    return this.present(head, rows, actor.accountId, 'participant', null).messages;
  }

  private present(
    head: repo.ThreadHead,
    rows: repo.MessageRow[],
    viewerId: string,
    as: 'participant' | 'moderator',
    olderBefore: number | null,
  ): ThreadView {
    const names = new Map(head.participants.map((p) => [p.accountId, publicName(p.displayName)]));
    const me = head.participants.find((p) => p.accountId === viewerId);
    const otherRows = head.participants.filter((p) => p.accountId !== viewerId);
    const others: ThreadParticipant[] = otherRows.map((p) => ({
      accountId: p.accountId,
      name: publicName(p.displayName),
      // A moderator reading through a report sees what the participants shared with each other
      // only as « shared »: the details themselves stay between the participants.
      phone: as === 'participant' && p.phoneSharedAt && p.phone ? p.phone : null,
      email: as === 'participant' && p.emailSharedAt ? p.email : null,
      blockedByViewer: p.blockedByViewer,
      blocksViewer: p.blocksViewer,
    }));
    const closed =
      as === 'moderator'
        ? 'moderator'
        : others.some((o) => o.blockedByViewer)
          ? 'blockedByViewer'
          : others.some((o) => o.blocksViewer)
            ? 'blocksViewer'
            : null;
    return {
      id: head.id,
      subject: {
        type: head.subjectType,
        id: head.subjectId,
        title: head.subjectTitle ?? subjectFallback(head.subjectType),
        href: head.subjectHref,
      },
      access: as,
      me: {
        phoneShared: !!me?.phoneSharedAt,
        emailShared: !!me?.emailSharedAt,
        hasPhone: !!me?.phone,
        sent: me?.sent ?? 0,
      },
      others,
      messages: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        mine: r.senderAccountId === viewerId,
        senderName: (r.senderAccountId && names.get(r.senderAccountId)) || t('conversations.formerMember'),
        body: r.body,
        createdAt: r.createdAt,
        warnings: r.senderAccountId === viewerId ? [] : (r.flags as ScamSignal[]),
        seen:
          r.senderAccountId === viewerId &&
          otherRows.length > 0 &&
          otherRows.every((p) => p.lastReadAt.getTime() >= r.createdAt.getTime()),
      })),
      olderBefore,
      closed,
      showSafety: as === 'participant' && (me?.sent ?? 0) < SAFETY_ADVICE_UNTIL_SENT,
      helped: !!head.helpedAt,
    };
  }

  /** Sends a message. Refused when a block stands between the participants. */
  async send(ctx: Ctx, conversationId: string, body: string): Promise<Result<{ messageId: number }>> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const head = await repo.findThreadHead(this.db, ctx.territoryId, conversationId, actor.accountId);
    const me = head?.participants.find((p) => p.accountId === actor.accountId);
    if (!head || !me) return fail('_form', 'errors.notAllowed');
    if (head.participants.some((p) => p.blockedByViewer || p.blocksViewer))
      return fail('_form', 'errors.conversationClosed');
    const flags = scamSignals(body, { firstMessage: me.sent === 0, senderCreatedAt: me.createdAt });
    const msg = await transaction(this.db, (tx) => this.writeMessage(tx, ctx, conversationId, body, flags));
    return ok({ messageId: msg.id });
  }

  /**
   * Starts or stops showing one's phone or email to the other participants of this conversation.
   * Each change is recorded in the thread and in the audit log.
   */
  async share(ctx: Ctx, conversationId: string, what: 'phone' | 'email', share: boolean): Promise<Result> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const head = await repo.findThreadHead(this.db, ctx.territoryId, conversationId, actor.accountId);
    const me = head?.participants.find((p) => p.accountId === actor.accountId);
    if (!head || !me) return fail('_form', 'errors.notAllowed');
    if (share && what === 'phone' && !me.phone) return fail('_form', 'errors.noPhoneToShare');
    await transaction(this.db, async (tx) => {
      if (!(await repo.setShare(tx, conversationId, actor.accountId, what, share))) return;
      const kind: MessageKind = `${share ? 'share' : 'unshare'}_${what}`;
      await this.recordEvent(tx, conversationId, actor.accountId, kind);
      await audit(tx, ctx, `conversation.${kind}`, { type: 'conversation', id: conversationId });
    });
    return ok(undefined);
  }

  /** Blocks (or unblocks) the other participants of a conversation: no more messages either way. */
  async block(ctx: Ctx, conversationId: string, blocked: boolean): Promise<Result> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const head = await repo.findThreadHead(this.db, ctx.territoryId, conversationId, actor.accountId);
    if (!head?.participants.some((p) => p.accountId === actor.accountId))
      return fail('_form', 'errors.notAllowed');
    await transaction(this.db, async (tx) => {
      for (const p of head.participants) {
        if (p.accountId === actor.accountId) continue;
        const changed = blocked
          ? await repo.insertBlock(tx, actor.accountId, p.accountId)
          : await repo.deleteBlock(tx, actor.accountId, p.accountId);
        if (changed)
          await audit(
            tx,
            ctx,
            blocked ? 'account.block' : 'account.unblock',
            { type: 'account', id: p.accountId },
            {
              conversationId,
            },
          );
      }
      await LiveHub.announce(tx, conversationTopic(conversationId));
    });
    return ok(undefined);
  }

  /** Reports a conversation, or one message of it, for the moderation queue. */
  async report(
    ctx: Ctx,
    conversationId: string,
    messageId: number | null,
    input: ReportInput,
  ): Promise<Result> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const head = await repo.findThreadHead(this.db, ctx.territoryId, conversationId, actor.accountId);
    if (!head?.participants.some((p) => p.accountId === actor.accountId))
      return fail('_form', 'errors.notAllowed');
    if (messageId !== null) {
      const [msg] = await repo.listMessages(this.db, conversationId, { limit: 1, after: messageId - 1 });
      if (!msg || msg.id !== messageId || msg.senderAccountId === actor.accountId)
        return fail('_form', 'errors.notAllowed');
    }
    const subject =
      messageId !== null
        ? { type: 'message' as const, id: String(messageId) }
        : { type: 'conversation' as const, id: conversationId };
    const stored = await transaction(this.db, async (tx) => {
      const inserted = await insertReport(tx, {
        territoryId: ctx.territoryId,
        subjectType: subject.type,
        subjectId: subject.id,
        reporterAccountId: actor.accountId,
        reason: input.reason,
        details: input.details,
      });
      if (inserted) await audit(tx, ctx, 'report.create', subject, { reason: input.reason, conversationId });
      return inserted;
    });
    return stored ? ok(undefined) : fail('_form', 'errors.alreadyReported');
  }

  /** « Mes messages »: one query. */
  async list(territoryId: string, accountId: string) {
    const rows = await repo.listForAccount(this.db, territoryId, accountId, LIST_LIMIT);
    return rows.map((r) => ({
      id: r.id,
      subjectType: r.subjectType,
      subjectTitle: r.subjectTitle ?? subjectFallback(r.subjectType),
      with: (r.others ?? '').split(', ').filter(Boolean).map(publicName).join(', '),
      lastMessageAt: r.lastMessageAt,
      unread: r.unread,
      excerpt: r.lastBody ? r.lastBody.slice(0, 140) : '',
    }));
  }

  /** The conversations about one of the viewer's fulfilled posts (to say who helped), or null. */
  async aboutOwnPost(territoryId: string, postId: string, viewer: Actor) {
    const own = await this.deps.posts.ownPost(territoryId, postId, viewer);
    if (!own || own.status !== 'fulfilled') return null;
    const rows = await repo.listBySubject(this.db, territoryId, { type: 'post', id: postId });
    return rows.map((r) => ({ id: r.id, name: publicName(r.openerName), helped: !!r.helpedAt }));
  }

  /**
   * The author of a fulfilled post says which conversation brought the help: feeds the statistics
   * (help given, time to first answer).
   */
  async markHelped(ctx: Ctx, postId: string, conversationId: string): Promise<Result> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const own = await this.deps.posts.ownPost(ctx.territoryId, postId, actor);
    if (!own || own.status !== 'fulfilled') return fail('_form', 'errors.notAllowed');
    const rows = await repo.listBySubject(this.db, ctx.territoryId, { type: 'post', id: postId });
    if (!rows.some((r) => r.id === conversationId)) return fail('conversationId', 'errors.choice');
    await transaction(this.db, async (tx) => {
      await repo.markHelped(tx, conversationId);
      await audit(tx, ctx, 'conversation.helped', { type: 'conversation', id: conversationId }, { postId });
    });
    return ok(undefined);
  }

  /** Help given through conversations and the median time to a first answer, for the statistics. */
  figures(territoryId: string) {
    return repo.helpFigures(this.db, territoryId);
  }

  /** How an account wants to hear about new messages. */
  async notificationsOf(accountId: string): Promise<MessageNotifications> {
    return (await repo.notificationsOf(this.db, accountId)) ?? 'each';
  }

  /** Chooses how new messages are announced by mail. */
  async setNotifications(ctx: Ctx, value: MessageNotifications): Promise<void> {
    const actor = ctx.actor!;
    await transaction(this.db, async (tx) => {
      await repo.setNotifications(tx, actor.accountId, value);
      await audit(tx, ctx, 'account.notifications', { type: 'account', id: actor.accountId }, { value });
    });
  }

  /** The one-click unsubscribe link of every message mail (works without signing in). */
  unsubscribeLink(accountId: string): string {
    return `${this.deps.publicUrl}/notifications/desabonnement?jeton=${this.deps.signer.sign(UNSUBSCRIBE, accountId)}`;
  }

  /** Whose token this is, or null when it is not a valid unsubscribe token. */
  unsubscribeAccount(token: unknown): string | null {
    return this.deps.signer.verify(UNSUBSCRIBE, token);
  }

  /** Turns message mails off for the account of a valid token. */
  async unsubscribe(ctx: Ctx, token: unknown): Promise<boolean> {
    const accountId = this.unsubscribeAccount(token);
    if (!accountId) return false;
    const found = await accountsRepo.findAccountById(this.db, accountId);
    if (!found) return false;
    await transaction(this.db, async (tx) => {
      await repo.setNotifications(tx, accountId, 'none');
      await audit(tx, ctx, 'account.unsubscribe', { type: 'account', id: accountId });
    });
    return true;
  }

  /**
   * The mail sweep (every minute): one mail per conversation with messages left unread for a
   * minute, at most one per conversation and recipient every 15 minutes, for members who chose
   * « à chaque message ». Returns the number of mails queued.
   */
  async notifyUnread(now = new Date()): Promise<number> {
    return transaction(this.db, async (tx, afterCommit) => {
      const notices = await repo.claimUnreadNotices(
        tx,
        now,
        new Date(now.getTime() - NOTIFY.graceMs),
        new Date(now.getTime() - NOTIFY.throttleMs),
      );
      for (const n of notices) {
        const territory = await this.deps.territories.byId(n.territoryId);
        const mail = composeMail({
          to: n.email,
          name: n.displayName,
          territoryName: territory?.name ?? '',
          subject: 'mail.newMessageSubject',
          body: 'mail.newMessageBody',
          vars: {
            sender: publicName(n.senderName ?? ''),
            subject: n.subjectTitle ?? t('conversations.subjectGone'),
            count: String(n.unread),
            link: `${this.deps.publicUrl}/messages/${n.conversationId}`,
            unsubscribe: this.unsubscribeLink(n.accountId),
          },
        });
        await this.deps.outbox.queueMail(
          tx,
          afterCommit,
          n.territoryId,
          this.withUnsubscribe(mail, n.accountId),
        );
      }
      return notices.length;
    });
  }

  /** The daily digest for members who chose it: one mail listing their unread conversations. */
  async sendDigests(now = new Date()): Promise<number> {
    return transaction(this.db, async (tx, afterCommit) => {
      const rows = await repo.claimDigests(tx, now, new Date(now.getTime() - NOTIFY.graceMs));
      const byAccount = new Map<string, repo.DigestRow[]>();
      for (const r of rows) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
      for (const [accountId, list] of byAccount) {
        const first = list[0]!;
        const territory = await this.deps.territories.byId(first.territoryId);
        const lines = list
          .map((r) =>
            t('mail.digestLine', {
              subject: r.subjectTitle ?? t('conversations.subjectGone'),
              count: String(r.unread),
              link: `${this.deps.publicUrl}/messages/${r.conversationId}`,
            }),
          )
          .join('\n');
        const mail = composeMail({
          to: first.email,
          name: first.displayName,
          territoryName: territory?.name ?? '',
          subject: 'mail.digestSubject',
          body: 'mail.digestBody',
          vars: { lines, unsubscribe: this.unsubscribeLink(accountId) },
        });
        await this.deps.outbox.queueMail(
          tx,
          afterCommit,
          first.territoryId,
          this.withUnsubscribe(mail, accountId),
        );
      }
      return byAccount.size;
    });
  }

  /** RFC 8058 headers: mail clients show « se désabonner » and post to the link in one click. */
  private withUnsubscribe(mail: OutboxMail, accountId: string): OutboxMail {
    return {
      ...mail,
      headers: {
        'List-Unsubscribe': `<${this.unsubscribeLink(accountId)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  }
}

/** The title of a subject that has none of its own: a call-centre case, or a post that is gone. */
function subjectFallback(type: ConversationSubject): string {
  return type === 'case' ? t('cases.conversationSubject') : t('conversations.subjectGone');
}
