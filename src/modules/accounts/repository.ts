import { and, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { account, emailToken, loginAttempt, membership, session, type Role } from '../../db/schema.ts';

export type AccountRow = typeof account.$inferSelect;
export type TokenPurpose = (typeof emailToken.$inferSelect)['purpose'];

export async function findAccountByEmail(db: Executor, email: string): Promise<AccountRow | null> {
  const [row] = await db
    .select()
    .from(account)
    .where(sql`lower(${account.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

export async function findAccountById(db: Executor, id: string): Promise<AccountRow | null> {
  const [row] = await db.select().from(account).where(eq(account.id, id)).limit(1);
  return row ?? null;
}

/** Inserts an account; returns null when the email is already taken (unique index). */
export async function insertAccount(
  db: Executor,
  values: {
    email: string;
    passwordHash: string;
    displayName: string;
    isDemo?: boolean;
    emailVerifiedAt?: Date;
  },
): Promise<AccountRow | null> {
  const [row] = await db.insert(account).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function updateAccount(
  db: Executor,
  id: string,
  values: Partial<Pick<AccountRow, 'displayName' | 'phone' | 'passwordHash' | 'emailVerifiedAt'>>,
) {
  await db.update(account).set(values).where(eq(account.id, id));
}

/** Ensures the account belongs to the territory; adds `roles` to the ones it has. */
export async function upsertMembership(
  db: Executor,
  values: { territoryId: string; accountId: string; roles?: Role[]; homeAreaId?: string | null },
) {
  const roles = values.roles ?? ['member'];
  await db
    .insert(membership)
    .values({ ...values, roles })
    .onConflictDoUpdate({
      target: [membership.territoryId, membership.accountId],
      set: {
        roles: sql`array(select distinct unnest(${membership.roles} || excluded.roles) order by 1)`,
      },
    });
}

export async function findMembership(db: Executor, territoryId: string, accountId: string) {
  const [row] = await db
    .select()
    .from(membership)
    .where(and(eq(membership.territoryId, territoryId), eq(membership.accountId, accountId)))
    .limit(1);
  return row ?? null;
}

export async function setHomeArea(
  db: Executor,
  territoryId: string,
  accountId: string,
  homeAreaId: string | null,
) {
  await db
    .update(membership)
    .set({ homeAreaId })
    .where(and(eq(membership.territoryId, territoryId), eq(membership.accountId, accountId)));
}

export async function insertEmailToken(
  db: Executor,
  values: { accountId: string; purpose: TokenPurpose; tokenHash: string; expiresAt: Date },
) {
  await db.insert(emailToken).values(values);
}

/** Tokens of a purpose issued to an account since `since` (to limit mails sent to one address). */
export async function countRecentTokens(db: Executor, accountId: string, purpose: TokenPurpose, since: Date) {
  const [row] = await db
    .select({ n: count() })
    .from(emailToken)
    .where(
      and(
        eq(emailToken.accountId, accountId),
        eq(emailToken.purpose, purpose),
        gt(emailToken.createdAt, since),
      ),
    );
  return row?.n ?? 0;
}

/** Marks a valid, unused token as used and returns its account, in one statement (no double use). */
export async function consumeEmailToken(db: Executor, tokenHash: string, purpose: TokenPurpose) {
  const [row] = await db
    .update(emailToken)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(emailToken.tokenHash, tokenHash),
        eq(emailToken.purpose, purpose),
        isNull(emailToken.usedAt),
        gt(emailToken.expiresAt, sql`now()`),
      ),
    )
    .returning({ accountId: emailToken.accountId });
  return row?.accountId ?? null;
}

/** Is this token valid and unused right now (without using it)? */
export async function peekEmailToken(db: Executor, tokenHash: string, purpose: TokenPurpose) {
  const [row] = await db
    .select({ accountId: emailToken.accountId })
    .from(emailToken)
    .where(
      and(
        eq(emailToken.tokenHash, tokenHash),
        eq(emailToken.purpose, purpose),
        isNull(emailToken.usedAt),
        gt(emailToken.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return row?.accountId ?? null;
}

export async function countFailures(db: Executor, key: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(loginAttempt)
    .where(and(eq(loginAttempt.key, key), gt(loginAttempt.at, since)));
  return row?.n ?? 0;
}

export async function recordFailures(db: Executor, keys: string[]) {
  await db.insert(loginAttempt).values(keys.map((key) => ({ key })));
}

export async function clearFailures(db: Executor, keys: string[]) {
  await db.delete(loginAttempt).where(inArray(loginAttempt.key, keys));
}

export async function insertSession(db: Executor, values: typeof session.$inferInsert) {
  await db.insert(session).values(values);
}

/** A live session with what every page needs about its account, in one query. */
export async function findSession(db: Executor, id: string, territoryId: string) {
  const [row] = await db
    .select({
      sessionId: session.id,
      lastSeenAt: session.lastSeenAt,
      accountId: account.id,
      displayName: account.displayName,
      emailVerifiedAt: account.emailVerifiedAt,
      suspendedAt: account.suspendedAt,
      roles: membership.roles,
      // « Mes messages » shows how many conversations have news: an index walk, no extra query.
      unreadConversations: sql<number>`(select count(*)::int
        from conversation_participant cp join conversation c on c.id = cp.conversation_id
        where cp.account_id = ${account.id} and c.territory_id = ${session.territoryId}
          and c.last_message_at > cp.last_read_at
          and exists (select 1 from message m
            where m.conversation_id = c.id and m.kind = 'text' and m.hidden_at is null
              and m.sender_account_id is distinct from cp.account_id and m.created_at > cp.last_read_at))`,
    })
    .from(session)
    .innerJoin(account, eq(account.id, session.accountId))
    .leftJoin(
      membership,
      and(eq(membership.accountId, account.id), eq(membership.territoryId, session.territoryId)),
    )
    .where(and(eq(session.id, id), eq(session.territoryId, territoryId), gt(session.expiresAt, sql`now()`)))
    .limit(1);
  return row ?? null;
}

export async function touchSession(db: Executor, id: string, expiresAt: Date) {
  await db
    .update(session)
    .set({ lastSeenAt: sql`now()`, expiresAt })
    .where(eq(session.id, id));
}

export async function deleteSession(db: Executor, id: string) {
  await db.delete(session).where(eq(session.id, id));
}

export async function deleteSessionsOfAccount(db: Executor, accountId: string) {
  await db.delete(session).where(eq(session.accountId, accountId));
}
