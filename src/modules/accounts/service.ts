import { createHash, randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { Db, Executor } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import { ok, fail, type Result } from '../../domain/fields.ts';
export type { Result } from '../../domain/fields.ts';
import { DURATIONS, LOGIN_THROTTLE } from '../../domain/limits.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { composeMail, type Outbox } from '../../platform/mail.ts';
import { transaction, type AfterCommit } from '../../platform/transaction.ts';
import type { TerritoryService } from '../territory/service.ts';
import * as repo from './repository.ts';
import type { LogInInput, ProfileInput, SignUpInput } from './schemas.ts';

// Argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum.
const ARGON2ID = 2 as Algorithm;
export const hashPassword = (password: string) => hash(password, { algorithm: ARGON2ID });
// Verified when the email is unknown, so that a miss takes as long as a wrong password.
const DUMMY_HASH = await hashPassword('main-forte-dummy-password');

/** A random token for a cookie or a link, and the SHA-256 stored in its place. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface Viewer {
  sessionId: string;
  accountId: string;
  displayName: string;
  roles: Role[];
  emailVerified: boolean;
  /** Conversations with messages the viewer has not read (the badge of « Mes messages »). */
  unreadConversations: number;
}

interface Deps {
  db: Db;
  outbox: Outbox;
  territories: TerritoryService;
  log: (msg: string, err?: unknown) => void;
}

/** Sign-up, email verification, sign-in and out, password reset, profile. */
export class AccountService {
  constructor(private readonly deps: Deps) {}

  private get db() {
    return this.deps.db;
  }

  /**
   * Creates an account and sends the verification mail. When the email already has an account,
   * that account's owner gets a mail instead, and the caller sees the same answer: sign-up never
   * reveals whether an address is registered.
   */
  async signUp(ctx: Ctx, input: SignUpInput, links: LinkBuilder): Promise<Result> {
    if (input.homeAreaId && !(await this.deps.territories.findArea(ctx.territoryId, input.homeAreaId)))
      return fail('homeAreaId', 'errors.choice');
    const territoryName = await this.territoryName(ctx.territoryId);
    const passwordHash = await hashPassword(input.password);
    await transaction(this.db, async (tx, afterCommit) => {
      const created = await repo.insertAccount(tx, {
        email: input.email,
        passwordHash,
        displayName: input.displayName,
      });
      if (!created) {
        const existing = await repo.findAccountByEmail(tx, input.email);
        if (!existing) return;
        const since = new Date(Date.now() - 3600_000);
        // Stay quiet if this address was already warned recently (no mail bombing).
        if ((await repo.countRecentTokens(tx, existing.id, 'reset_password', since)) >= 3) return;
        await this.deps.outbox.queueMail(
          tx,
          afterCommit,
          ctx.territoryId,
          composeMail({
            to: existing.email,
            name: existing.displayName,
            territoryName,
            subject: 'mail.existingAccountSubject',
            body: 'mail.existingAccountBody',
            vars: { link: links.login(), resetLink: links.resetRequest() },
          }),
        );
        return;
      }
      await repo.upsertMembership(tx, {
        territoryId: ctx.territoryId,
        accountId: created.id,
        homeAreaId: input.homeAreaId,
      });
      await this.queueVerification(tx, afterCommit, ctx, created, territoryName, links);
      await audit(
        tx,
        { ...ctx, actor: ctx.actor ?? { accountId: created.id, roles: ['member'] } },
        'account.signup',
        {
          type: 'account',
          id: created.id,
        },
      );
    });
    return ok(undefined);
  }

  private async queueVerification(
    tx: Executor,
    afterCommit: AfterCommit,
    ctx: Ctx,
    acc: { id: string; email: string; displayName: string },
    territoryName: string,
    links: LinkBuilder,
  ) {
    const { token, hash: tokenHash } = newToken();
    await repo.insertEmailToken(tx, {
      accountId: acc.id,
      purpose: 'verify_email',
      tokenHash,
      expiresAt: new Date(Date.now() + DURATIONS.verifyEmailHours * 3600_000),
    });
    await this.deps.outbox.queueMail(
      tx,
      afterCommit,
      ctx.territoryId,
      composeMail({
        to: acc.email,
        name: acc.displayName,
        territoryName,
        subject: 'mail.verifySubject',
        body: 'mail.verifyBody',
        vars: { link: links.verify(token) },
      }),
    );
  }

  /** Sends a new verification mail to a signed-in, unverified account (three an hour at most). */
  async resendVerification(ctx: Ctx, accountId: string, links: LinkBuilder): Promise<void> {
    const territoryName = await this.territoryName(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      const acc = await repo.findAccountById(tx, accountId);
      if (!acc || acc.emailVerifiedAt) return;
      const since = new Date(Date.now() - 3600_000);
      if ((await repo.countRecentTokens(tx, acc.id, 'verify_email', since)) >= 3) return;
      await this.queueVerification(tx, afterCommit, ctx, acc, territoryName, links);
    });
  }

  /** Confirms an email address from the link sent by mail. */
  async verifyEmail(ctx: Ctx, token: string): Promise<boolean> {
    if (!token) return false;
    return transaction(this.db, async (tx) => {
      const accountId = await repo.consumeEmailToken(tx, hashToken(token), 'verify_email');
      if (!accountId) return false;
      await repo.updateAccount(tx, accountId, { emailVerifiedAt: new Date() });
      await audit(tx, ctx, 'account.verify_email', { type: 'account', id: accountId });
      return true;
    });
  }

  /**
   * Checks credentials with throttling per email and per IP, then opens a new session (a new id
   * at every sign-in, so a session id planted before cannot be reused).
   */
  async logIn(
    ctx: Ctx,
    input: LogInInput,
    client: { userAgent: string | null },
  ): Promise<Result<{ token: string }>> {
    const since = new Date(Date.now() - DURATIONS.loginWindowMinutes * 60_000);
    const emailKey = `email:${input.email}`;
    const ipKey = `ip:${ctx.ip ?? 'unknown'}`;
    const [byEmail, byIp] = await Promise.all([
      repo.countFailures(this.db, emailKey, since),
      repo.countFailures(this.db, ipKey, since),
    ]);
    if (byEmail >= LOGIN_THROTTLE.perEmail || byIp >= LOGIN_THROTTLE.perIp)
      return fail('email', 'errors.throttled');

    const acc = await repo.findAccountByEmail(this.db, input.email);
    const valid = await verify(acc?.passwordHash ?? DUMMY_HASH, input.password).catch(() => false);
    if (!acc || !valid) {
      await repo.recordFailures(this.db, [emailKey, ipKey]);
      return fail('email', 'errors.badCredentials');
    }
    if (acc.suspendedAt) return fail('email', 'errors.suspended');

    const { token, hash: sessionId } = newToken();
    await transaction(this.db, async (tx) => {
      await repo.clearFailures(tx, [emailKey]);
      await repo.upsertMembership(tx, { territoryId: ctx.territoryId, accountId: acc.id });
      await repo.insertSession(tx, {
        id: sessionId,
        accountId: acc.id,
        territoryId: ctx.territoryId,
        expiresAt: new Date(Date.now() + DURATIONS.sessionDays * 86400_000),
        ip: ctx.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
      });
      await audit(tx, { ...ctx, actor: { accountId: acc.id, roles: [] } }, 'account.login', {
        type: 'account',
        id: acc.id,
      });
    });
    return ok({ token });
  }

  /** The viewer behind a session cookie, or null. Refreshes the expiry at most every 5 minutes. */
  async viewerFromSession(territoryId: string, token: string | undefined): Promise<Viewer | null> {
    if (!token || token.length > 100) return null;
    const id = hashToken(token);
    const row = await repo.findSession(this.db, id, territoryId);
    if (!row || row.suspendedAt) return null;
    if (Date.now() - row.lastSeenAt.getTime() > 5 * 60_000) {
      await repo.touchSession(this.db, id, new Date(Date.now() + DURATIONS.sessionDays * 86400_000));
    }
    return {
      sessionId: id,
      accountId: row.accountId,
      displayName: row.displayName,
      roles: row.roles ?? ['member'],
      emailVerified: row.emailVerifiedAt !== null,
      unreadConversations: Number(row.unreadConversations ?? 0),
    };
  }

  /** Destroys the session server-side. */
  async logOut(ctx: Ctx, viewer: Viewer): Promise<void> {
    await transaction(this.db, async (tx) => {
      await repo.deleteSession(tx, viewer.sessionId);
      await audit(tx, ctx, 'account.logout', { type: 'account', id: viewer.accountId });
    });
  }

  /** Sends a reset link if the address has an account; the answer is the same either way. */
  async requestPasswordReset(ctx: Ctx, email: string, links: LinkBuilder): Promise<void> {
    const territoryName = await this.territoryName(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      const acc = await repo.findAccountByEmail(tx, email);
      if (!acc) return;
      const since = new Date(Date.now() - 3600_000);
      if ((await repo.countRecentTokens(tx, acc.id, 'reset_password', since)) >= 3) return;
      const { token, hash: tokenHash } = newToken();
      await repo.insertEmailToken(tx, {
        accountId: acc.id,
        purpose: 'reset_password',
        tokenHash,
        expiresAt: new Date(Date.now() + DURATIONS.resetPasswordMinutes * 60_000),
      });
      await this.deps.outbox.queueMail(
        tx,
        afterCommit,
        ctx.territoryId,
        composeMail({
          to: acc.email,
          name: acc.displayName,
          territoryName,
          subject: 'mail.resetSubject',
          body: 'mail.resetBody',
          vars: { link: links.reset(token) },
        }),
      );
    });
  }

  /** Is a reset link still usable (to show the form, or say it expired)? */
  async isResetTokenValid(token: string): Promise<boolean> {
    return !!token && (await repo.peekEmailToken(this.db, hashToken(token), 'reset_password')) !== null;
  }

  /** Sets a new password from a reset link and signs the account out everywhere. */
  async resetPassword(ctx: Ctx, token: string, password: string): Promise<Result> {
    const passwordHash = await hashPassword(password);
    const done = await transaction(this.db, async (tx) => {
      const accountId = await repo.consumeEmailToken(tx, hashToken(token), 'reset_password');
      if (!accountId) return false;
      // Receiving the link proves the address too.
      await repo.updateAccount(tx, accountId, { passwordHash, emailVerifiedAt: new Date() });
      await repo.deleteSessionsOfAccount(tx, accountId);
      await repo.clearFailures(tx, [`email:${(await repo.findAccountById(tx, accountId))?.email ?? ''}`]);
      await audit(tx, ctx, 'account.reset_password', { type: 'account', id: accountId });
      return true;
    });
    return done ? ok(undefined) : fail('token', 'errors.tokenInvalid');
  }

  /** The profile form's current values. */
  async profile(territoryId: string, accountId: string) {
    const acc = await repo.findAccountById(this.db, accountId);
    if (!acc) return null;
    const m = await repo.findMembership(this.db, territoryId, accountId);
    return {
      displayName: acc.displayName,
      email: acc.email,
      phone: acc.phone,
      homeAreaId: m?.homeAreaId ?? null,
      roles: m?.roles ?? [],
    };
  }

  /** Updates one's own profile. */
  async updateProfile(ctx: Ctx, accountId: string, input: ProfileInput): Promise<Result> {
    if (input.homeAreaId && !(await this.deps.territories.findArea(ctx.territoryId, input.homeAreaId)))
      return fail('homeAreaId', 'errors.choice');
    await transaction(this.db, async (tx) => {
      await repo.updateAccount(tx, accountId, { displayName: input.displayName, phone: input.phone });
      await repo.setHomeArea(tx, ctx.territoryId, accountId, input.homeAreaId);
      await audit(tx, ctx, 'account.update_profile', { type: 'account', id: accountId });
    });
    return ok(undefined);
  }

  private async territoryName(territoryId: string) {
    return (await this.deps.territories.byId(territoryId))?.name ?? '';
  }
}

/** Absolute links put in mails; built by the HTTP layer, which knows the public URL. */
export interface LinkBuilder {
  verify(token: string): string;
  reset(token: string): string;
  login(): string;
  resetRequest(): string;
}
