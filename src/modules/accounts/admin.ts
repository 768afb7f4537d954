import { randomInt } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { transaction } from '../../platform/transaction.ts';
import * as repo from './repository.ts';
import type { CreateAdminInput } from './schemas.ts';
import { hashPassword, type Result } from './service.ts';

// No look-alike characters (0/O, 1/l/I): the password is read on a screen and typed by hand.
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of four groups of five characters: about 116 bits, easy to copy. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    // randomInt draws without modulo bias.
    for (let i = 0; i < 5; i++) group += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

export interface CreateAdminOutcome {
  accountId: string;
  /** False when an existing account was promoted. */
  created: boolean;
  /** The password generated for a new account, to show once; null when none was generated. */
  generatedPassword: string | null;
  /** True when the account's password was set (new account, or `password` given). */
  passwordSet: boolean;
  /** An existing account that is suspended stays suspended: the operator should know. */
  suspended: boolean;
}

/**
 * Makes an account administrator (and member) of `ctx.territoryId`, from the command line.
 * Creates the account when the email is unknown (a name is then required; without a password,
 * one is generated), or promotes the existing one, whose password changes only when one is
 * given (its sessions are then closed). The address counts as verified: the person running the
 * command vouches for it. Leaves an `account.create_admin` audit row, never the password.
 */
export async function createAdmin(
  db: Db,
  ctx: Ctx,
  input: CreateAdminInput,
): Promise<Result<CreateAdminOutcome>> {
  const existing = await repo.findAccountByEmail(db, input.email);
  if (!existing && !input.displayName)
    return { ok: false, errors: { displayName: { key: 'errors.required' } } };
  const generatedPassword = !existing && !input.password ? generatePassword() : null;
  const password = input.password ?? generatedPassword;
  const passwordHash = password ? await hashPassword(password) : null;

  const outcome = await transaction(db, async (tx) => {
    let accountId: string;
    let created = false;
    const inserted =
      !existing && passwordHash
        ? await repo.insertAccount(tx, {
            email: input.email,
            passwordHash,
            displayName: input.displayName ?? input.email,
            emailVerifiedAt: new Date(),
          })
        : null;
    if (inserted) {
      accountId = inserted.id;
      created = true;
    } else {
      // Either it existed, or it was created between the look-up and now: promote it.
      const current = existing ?? (await repo.findAccountByEmail(tx, input.email));
      if (!current) throw new Error(`account ${input.email} vanished`);
      accountId = current.id;
      await repo.updateAccount(tx, accountId, {
        emailVerifiedAt: current.emailVerifiedAt ?? new Date(),
        ...(input.password && passwordHash ? { passwordHash } : {}),
      });
      if (input.password) await repo.deleteSessionsOfAccount(tx, accountId);
    }
    await repo.upsertMembership(tx, {
      territoryId: ctx.territoryId,
      accountId,
      roles: ['member', 'admin'],
    });
    const passwordSet = created || !!input.password;
    await audit(
      tx,
      ctx,
      'account.create_admin',
      { type: 'account', id: accountId },
      { created, passwordSet },
    );
    return { accountId, created, passwordSet };
  });
  return {
    ok: true,
    value: {
      ...outcome,
      generatedPassword: outcome.created ? generatedPassword : null,
      suspended: !!existing?.suspendedAt,
    },
  };
}
