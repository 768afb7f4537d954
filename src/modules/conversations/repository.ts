import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import {
  account,
  accountBlock,
  conversation,
  conversationParticipant,
  message,
  type ConversationSubject,
  type MessageKind,
  type MessageNotifications,
} from '../../db/schema.ts';

/**
 * The number of text messages of conversation `c` (the alias every query below uses) that `who`
 * did not write and that arrived after `readAt`; messages hidden by moderation do not count.
 */
const unreadCount = (who: SQL | string, readAt: SQL) =>
  sql`(select count(*)::int from ${message} m
        where m.conversation_id = c.id and m.kind = 'text' and m.hidden_at is null
          and m.sender_account_id is distinct from ${who} and m.created_at > ${readAt})`;

/**
 * The subject of conversation `c`: a post `p`, or a mission `sm` (itself, or through an
 * application `sa`). `subjectTitle` and `subjectHref` read them.
 */
const subjectJoin = sql`left join post p on c.subject_type = 'post' and p.id = c.subject_id
        left join application sa on c.subject_type = 'application' and sa.id = c.subject_id
        left join mission sm on sm.id = case
          when c.subject_type = 'mission' then c.subject_id
          when c.subject_type = 'application' then sa.mission_id end`;
const subjectTitle = sql`coalesce(p.title, sm.title)`;
/** Where the subject is shown on the site (null when it has no public page or is gone). */
const subjectHref = sql`case when p.id is not null then '/annonces/' || p.id::text
          when sm.id is not null then '/missions/' || sm.id::text end`;

// SQL only. Every read is scoped to a territory and, for a member, to the conversations they take
// part in: visibility is decided inside the query, never by filtering rows in memory.

/** The conversation one person opened about a subject, if any. */
export async function findBySubjectAndOpener(
  db: Executor,
  territoryId: string,
  subject: { type: ConversationSubject; id: string },
  openerId: string,
): Promise<string | null> {
  const [row] = await db
    .select({ id: conversation.id })
    .from(conversation)
    .where(
      and(
        eq(conversation.territoryId, territoryId),
        eq(conversation.subjectType, subject.type),
        eq(conversation.subjectId, subject.id),
        eq(conversation.openedByAccountId, openerId),
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

/**
 * Creates a conversation with its participants; returns null when the opener already has one
 * about this subject (two clicks at once: the unique index decides).
 */
export async function insertConversation(
  db: Executor,
  values: {
    territoryId: string;
    subject: { type: ConversationSubject; id: string };
    openerId: string;
    participants: Array<{ accountId: string; phoneShared: boolean; emailShared: boolean }>;
  },
): Promise<string | null> {
  const [row] = await db
    .insert(conversation)
    .values({
      territoryId: values.territoryId,
      subjectType: values.subject.type,
      subjectId: values.subject.id,
      openedByAccountId: values.openerId,
    })
    .onConflictDoNothing()
    .returning({ id: conversation.id });
  if (!row) return null;
  await db.insert(conversationParticipant).values(
    values.participants.map((p) => ({
      conversationId: row.id,
      accountId: p.accountId,
      // Nothing read yet; the opener's first message marks it read for them.
      lastReadAt: new Date(0),
      phoneSharedAt: p.phoneShared ? sql`now()` : null,
      emailSharedAt: p.emailShared ? sql`now()` : null,
    })),
  );
  return row.id;
}

/** Conversations opened by an account since a moment (the daily limit on new contacts). */
export async function countOpenedSince(db: Executor, accountId: string, since: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${conversation}
        where opened_by_account_id = ${accountId} and created_at >= ${since.toISOString()}`,
  );
  return row?.n ?? 0;
}

/** Adds a message (or a recorded event) and moves the conversation to the top of the lists. */
export async function insertMessage(
  db: Executor,
  values: {
    conversationId: string;
    senderAccountId: string | null;
    kind: MessageKind;
    body: string;
    flags: string[];
  },
): Promise<{ id: number; createdAt: Date }> {
  const [row] = await db
    .insert(message)
    .values(values)
    .returning({ id: message.id, createdAt: message.createdAt });
  await db
    .update(conversation)
    .set({ lastMessageAt: sql`now()` })
    .where(eq(conversation.id, values.conversationId));
  return row!;
}

/** Has the sender written in this conversation before? (scam signals of a first message) */
export async function hasWritten(db: Executor, conversationId: string, accountId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from ${message}
        where conversation_id = ${conversationId} and sender_account_id = ${accountId} and kind = 'text' limit 1`,
  );
  return rows.length > 0;
}

/** One participant of a thread, with the private fields the service decides to show or not. */
export interface ParticipantRow {
  accountId: string;
  displayName: string;
  email: string;
  phone: string | null;
  createdAt: Date;
  lastReadAt: Date;
  phoneSharedAt: Date | null;
  emailSharedAt: Date | null;
  /** Text messages this participant has sent here. */
  sent: number;
  /** The viewer blocked this participant. */
  blockedByViewer: boolean;
  /** This participant blocked the viewer. */
  blocksViewer: boolean;
}

export interface ThreadHead {
  id: string;
  territoryId: string;
  subjectType: ConversationSubject;
  subjectId: string;
  subjectTitle: string | null;
  subjectHref: string | null;
  subjectAuthorId: string | null;
  openedByAccountId: string;
  createdAt: Date;
  helpedAt: Date | null;
  participants: ParticipantRow[];
}

/**
 * A conversation with its participants, in one query, or null when it does not exist in the
 * territory. `viewerId` only computes the block flags: access is the service's decision.
 */
export async function findThreadHead(
  db: Executor,
  territoryId: string,
  conversationId: string,
  viewerId: string,
): Promise<ThreadHead | null> {
  const rows = await queryRows<
    Omit<ThreadHead, 'participants'> & { [K in keyof ParticipantRow as `p_${K}`]: ParticipantRow[K] }
  >(
    db,
    sql`select c.id, c.territory_id as "territoryId", c.subject_type as "subjectType", c.subject_id as "subjectId",
          ${subjectTitle} as "subjectTitle", ${subjectHref} as "subjectHref", p.author_account_id as "subjectAuthorId",
          c.opened_by_account_id as "openedByAccountId", c.created_at as "createdAt", c.helped_at as "helpedAt",
          cp.account_id as "p_accountId", a.display_name as "p_displayName", a.email as "p_email",
          a.phone as "p_phone", a.created_at as "p_createdAt", cp.last_read_at as "p_lastReadAt",
          cp.phone_shared_at as "p_phoneSharedAt", cp.email_shared_at as "p_emailSharedAt",
          (select count(*)::int from ${message} m
            where m.conversation_id = c.id and m.sender_account_id = cp.account_id and m.kind = 'text') as "p_sent",
          exists (select 1 from ${accountBlock} b
            where b.blocker_account_id = ${viewerId} and b.blocked_account_id = cp.account_id) as "p_blockedByViewer",
          exists (select 1 from ${accountBlock} b
            where b.blocker_account_id = cp.account_id and b.blocked_account_id = ${viewerId}) as "p_blocksViewer"
        from ${conversation} c
        join ${conversationParticipant} cp on cp.conversation_id = c.id
        join ${account} a on a.id = cp.account_id
        ${subjectJoin}
        where c.id = ${conversationId} and c.territory_id = ${territoryId}
        order by cp.created_at, cp.account_id`,
  );
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    territoryId: first.territoryId,
    subjectType: first.subjectType,
    subjectId: first.subjectId,
    subjectTitle: first.subjectTitle,
    subjectHref: first.subjectHref,
    subjectAuthorId: first.subjectAuthorId,
    openedByAccountId: first.openedByAccountId,
    createdAt: new Date(first.createdAt),
    helpedAt: first.helpedAt ? new Date(first.helpedAt) : null,
    participants: rows.map((r) => ({
      accountId: r.p_accountId,
      displayName: r.p_displayName,
      email: r.p_email,
      phone: r.p_phone,
      createdAt: new Date(r.p_createdAt),
      lastReadAt: new Date(r.p_lastReadAt),
      phoneSharedAt: r.p_phoneSharedAt ? new Date(r.p_phoneSharedAt) : null,
      emailSharedAt: r.p_emailSharedAt ? new Date(r.p_emailSharedAt) : null,
      sent: r.p_sent,
      blockedByViewer: r.p_blockedByViewer,
      blocksViewer: r.p_blocksViewer,
    })),
  };
}

export interface MessageRow {
  id: number;
  senderAccountId: string | null;
  kind: MessageKind;
  body: string;
  flags: string[];
  createdAt: Date;
}

/**
 * Messages of a conversation, oldest first: the newest `limit` ones before `before`, or those
 * after `after` (live updates). Messages hidden by moderation are left out.
 */
export async function listMessages(
  db: Executor,
  conversationId: string,
  opts: { limit: number; before?: number | null; after?: number | null },
): Promise<MessageRow[]> {
  const rows = await queryRows<MessageRow>(
    db,
    sql`select id::int as id, sender_account_id as "senderAccountId", kind, body, flags, created_at as "createdAt"
        from ${message}
        where conversation_id = ${conversationId} and hidden_at is null
          ${opts.before ? sql`and id < ${opts.before}` : sql``}
          ${opts.after ? sql`and id > ${opts.after}` : sql``}
        order by id ${opts.after ? sql`asc` : sql`desc`}
        limit ${opts.limit}`,
  );
  const list = rows.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt) }));
  return opts.after ? list : list.reverse();
}

/** Marks the conversation read by a participant up to now. */
export async function markRead(db: Executor, conversationId: string, accountId: string): Promise<void> {
  await db
    .update(conversationParticipant)
    .set({ lastReadAt: sql`greatest(${conversationParticipant.lastReadAt}, now())` })
    .where(
      and(
        eq(conversationParticipant.conversationId, conversationId),
        eq(conversationParticipant.accountId, accountId),
      ),
    );
}

/** Starts or stops sharing the phone or the email; returns false when nothing changed. */
export async function setShare(
  db: Executor,
  conversationId: string,
  accountId: string,
  what: 'phone' | 'email',
  share: boolean,
): Promise<boolean> {
  const column =
    what === 'phone' ? conversationParticipant.phoneSharedAt : conversationParticipant.emailSharedAt;
  const rows = await db
    .update(conversationParticipant)
    .set(
      what === 'phone'
        ? { phoneSharedAt: share ? sql`now()` : null }
        : { emailSharedAt: share ? sql`now()` : null },
    )
    .where(
      and(
        eq(conversationParticipant.conversationId, conversationId),
        eq(conversationParticipant.accountId, accountId),
        share ? sql`${column} is null` : sql`${column} is not null`,
      ),
    )
    .returning({ id: conversationParticipant.conversationId });
  return rows.length > 0;
}

/** A row of « Mes messages ». */
export interface ConversationListRow {
  id: string;
  subjectType: ConversationSubject;
  subjectId: string;
  subjectTitle: string | null;
  others: string | null;
  lastMessageAt: Date;
  unread: number;
  lastBody: string | null;
}

/** The conversations of an account in a territory, newest first, with unread counts: one query. */
export async function listForAccount(
  db: Executor,
  territoryId: string,
  accountId: string,
  limit: number,
): Promise<ConversationListRow[]> {
  const rows = await queryRows<ConversationListRow>(
    db,
    sql`select c.id, c.subject_type as "subjectType", c.subject_id as "subjectId", ${subjectTitle} as "subjectTitle",
          c.last_message_at as "lastMessageAt",
          (select string_agg(a.display_name, ', ' order by a.display_name)
             from ${conversationParticipant} o join ${account} a on a.id = o.account_id
            where o.conversation_id = c.id and o.account_id <> ${accountId}) as others,
          ${unreadCount(accountId, sql`me.last_read_at`)} as unread,
          (select m.body from ${message} m
            where m.conversation_id = c.id and m.kind = 'text' and m.hidden_at is null
            order by m.id desc limit 1) as "lastBody"
        from ${conversationParticipant} me
        join ${conversation} c on c.id = me.conversation_id
        ${subjectJoin}
        where me.account_id = ${accountId} and c.territory_id = ${territoryId}
        order by c.last_message_at desc, c.id desc
        limit ${limit}`,
  );
  return rows.map((r) => ({ ...r, lastMessageAt: new Date(r.lastMessageAt) }));
}

/** The conversations about one subject (the author's « who helped you? » choice). */
export async function listBySubject(
  db: Executor,
  territoryId: string,
  subject: { type: ConversationSubject; id: string },
): Promise<Array<{ id: string; openedByAccountId: string; openerName: string; helpedAt: Date | null }>> {
  return queryRows(
    db,
    sql`select c.id, c.opened_by_account_id as "openedByAccountId", a.display_name as "openerName",
          c.helped_at as "helpedAt"
        from ${conversation} c join ${account} a on a.id = c.opened_by_account_id
        where c.territory_id = ${territoryId} and c.subject_type = ${subject.type} and c.subject_id = ${subject.id}
        order by c.created_at`,
  );
}

/** Records that a conversation brought the help. */
export async function markHelped(db: Executor, conversationId: string): Promise<void> {
  await db
    .update(conversation)
    .set({ helpedAt: sql`now()` })
    .where(eq(conversation.id, conversationId));
}

/** Blocks an account; returns false when it was already blocked. */
export async function insertBlock(db: Executor, blockerId: string, blockedId: string): Promise<boolean> {
  const rows = await db
    .insert(accountBlock)
    .values({ blockerAccountId: blockerId, blockedAccountId: blockedId })
    .onConflictDoNothing()
    .returning({ id: accountBlock.blockedAccountId });
  return rows.length > 0;
}

/** Lifts a block; returns false when there was none. */
export async function deleteBlock(db: Executor, blockerId: string, blockedId: string): Promise<boolean> {
  const rows = await db
    .delete(accountBlock)
    .where(and(eq(accountBlock.blockerAccountId, blockerId), eq(accountBlock.blockedAccountId, blockedId)))
    .returning({ id: accountBlock.blockedAccountId });
  return rows.length > 0;
}

/** Is there a block between these two accounts, in either direction? */
export async function blockedEitherWay(db: Executor, a: string, b: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from ${accountBlock}
        where (blocker_account_id = ${a} and blocked_account_id = ${b})
           or (blocker_account_id = ${b} and blocked_account_id = ${a}) limit 1`,
  );
  return rows.length > 0;
}

/** Is there an open report on this conversation or on one of its messages? (moderators' access) */
export async function isReported(db: Executor, conversationId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from report r
        where (r.subject_type = 'conversation' and r.subject_id = ${conversationId})
           or (r.subject_type = 'message' and r.subject_id in
                (select id::text from ${message} where conversation_id = ${conversationId}))
        limit 1`,
  );
  return rows.length > 0;
}

/** A participant to mail about unread messages of one conversation. */
export interface UnreadNotice {
  conversationId: string;
  accountId: string;
  email: string;
  displayName: string;
  territoryId: string;
  subjectTitle: string | null;
  senderName: string;
  unread: number;
}

/**
 * Participants who want a mail per conversation and have unread messages older than `readBy`
 * (they were not read on the open thread in time), not mailed about this conversation since
 * `throttledSince`. Claims them: `last_notified_at` is set in the same statement, so two
 * instances running the sweep never mail twice.
 */
export async function claimUnreadNotices(
  db: Executor,
  now: Date,
  readBy: Date,
  throttledSince: Date,
): Promise<UnreadNotice[]> {
  return queryRows<UnreadNotice>(
    db,
    sql`with due as (
          select cp.conversation_id, cp.account_id
          from ${conversation} c
          join ${conversationParticipant} cp on cp.conversation_id = c.id
          join ${account} a on a.id = cp.account_id
          where c.last_message_at > ${new Date(now.getTime() - 7 * 86_400_000).toISOString()}
            and c.last_message_at > cp.last_read_at
            and a.message_notifications = 'each' and a.suspended_at is null
            and (cp.last_notified_at is null or cp.last_notified_at <= ${throttledSince.toISOString()})
            and exists (select 1 from ${message} m
              where m.conversation_id = c.id and m.kind = 'text' and m.hidden_at is null
                and m.sender_account_id is distinct from cp.account_id
                and m.created_at > cp.last_read_at
                and m.created_at > coalesce(cp.last_notified_at, '-infinity'::timestamptz)
                and m.created_at <= ${readBy.toISOString()})
          for update of cp skip locked
        ), claimed as (
          update ${conversationParticipant} cp set last_notified_at = ${now.toISOString()}
          from due where cp.conversation_id = due.conversation_id and cp.account_id = due.account_id
          returning cp.conversation_id, cp.account_id, cp.last_read_at
        )
        select cl.conversation_id as "conversationId", cl.account_id as "accountId", a.email,
          a.display_name as "displayName", c.territory_id as "territoryId", ${subjectTitle} as "subjectTitle",
          (select sa.display_name from ${message} m join ${account} sa on sa.id = m.sender_account_id
            where m.conversation_id = c.id and m.kind = 'text' and m.sender_account_id <> cl.account_id
            order by m.id desc limit 1) as "senderName",
          ${unreadCount(sql`cl.account_id`, sql`cl.last_read_at`)} as unread
        from claimed cl
        join ${conversation} c on c.id = cl.conversation_id
        join ${account} a on a.id = cl.account_id
        ${subjectJoin}`,
  );
}

/** An account's unread conversations for its daily digest. */
export interface DigestRow {
  accountId: string;
  email: string;
  displayName: string;
  territoryId: string;
  conversationId: string;
  subjectTitle: string | null;
  unread: number;
}

/**
 * Accounts that chose a daily digest, with their conversations holding unread messages that
 * arrived since their last digest. Claims the accounts (`last_digest_at`) in the same statement.
 */
export async function claimDigests(db: Executor, now: Date, readBy: Date): Promise<DigestRow[]> {
  return queryRows<DigestRow>(
    db,
    sql`with due as (
          select a.id, a.last_digest_at from ${account} a
          where a.message_notifications = 'daily' and a.suspended_at is null
            and (a.last_digest_at is null or a.last_digest_at <= ${new Date(now.getTime() - 20 * 3_600_000).toISOString()})
            and exists (select 1 from ${conversationParticipant} cp
              join ${conversation} c on c.id = cp.conversation_id
              join ${message} m on m.conversation_id = c.id
              where cp.account_id = a.id and c.last_message_at > cp.last_read_at
                and m.kind = 'text' and m.hidden_at is null and m.sender_account_id is distinct from a.id
                and m.created_at > cp.last_read_at and m.created_at <= ${readBy.toISOString()}
                and m.created_at > coalesce(a.last_digest_at, '-infinity'::timestamptz))
          for update of a skip locked
        ), claimed as (
          update ${account} a set last_digest_at = ${now.toISOString()} from due where a.id = due.id
          returning a.id, a.email, a.display_name, due.last_digest_at as previous
        )
        select cl.id as "accountId", cl.email, cl.display_name as "displayName", c.territory_id as "territoryId",
          c.id as "conversationId", ${subjectTitle} as "subjectTitle",
          ${unreadCount(sql`cl.id`, sql`cp.last_read_at`)} as unread
        from claimed cl
        join ${conversationParticipant} cp on cp.account_id = cl.id
        join ${conversation} c on c.id = cp.conversation_id
        ${subjectJoin}
        where c.last_message_at > cp.last_read_at
          and c.last_message_at > coalesce(cl.previous, '-infinity'::timestamptz)
        order by cl.id, c.last_message_at desc`,
  );
}

/** How an account wants to hear about new messages (null: no such account). */
export async function notificationsOf(db: Executor, accountId: string): Promise<MessageNotifications | null> {
  const [row] = await db
    .select({ value: account.messageNotifications })
    .from(account)
    .where(eq(account.id, accountId))
    .limit(1);
  return row?.value ?? null;
}

/** Sets how an account wants to hear about new messages. */
export async function setNotifications(db: Executor, accountId: string, value: MessageNotifications) {
  await db.update(account).set({ messageNotifications: value }).where(eq(account.id, accountId));
}

/** Help given and time to first answer, for the statistics. */
export async function helpFigures(db: Executor, territoryId: string) {
  const [row] = await queryRows<{
    helped: number;
    answered: number;
    medianFirstAnswerMinutes: number | null;
  }>(
    db,
    sql`with firsts as (
          select p.id, min(c.created_at) - p.published_at as delay
          from post p join ${conversation} c on c.subject_type = 'post' and c.subject_id = p.id
          where p.territory_id = ${territoryId}
          group by p.id, p.published_at
        )
        select (select count(*)::int from ${conversation}
                 where territory_id = ${territoryId} and helped_at is not null) as helped,
               (select count(*)::int from firsts) as answered,
               (select round((extract(epoch from percentile_cont(0.5) within group (order by delay)) / 60)::numeric, 1)::float8
                  from firsts) as "medianFirstAnswerMinutes"`,
  );
  return row ?? { helped: 0, answered: 0, medianFirstAnswerMinutes: null };
}

/**
 * A new member of a structure's team joins the conversations of the structure's applications, on
 * the team's side, as if they had been there: earlier messages count as read for them.
 */
export async function joinApplicationConversations(db: Executor, organizationId: string, accountId: string) {
  await db.execute(sql`insert into conversation_participant (conversation_id, account_id)
    select c.id, ${accountId}::uuid from conversation c
      join application ap on c.subject_type = 'application' and ap.id = c.subject_id
      join mission mi on mi.id = ap.mission_id
    where mi.organization_id = ${organizationId} and ap.volunteer_account_id <> ${accountId}::uuid
    on conflict do nothing`);
}
