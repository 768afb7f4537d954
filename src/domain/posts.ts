import type { PostStatus } from '../db/schema.ts';

/** Limits of a post's fields, shared by the form, the API schema and the service. */
export const POST_LIMITS = {
  title: 120,
  description: 2000,
  whenText: 200,
  address: 200,
} as const;

/** How long a post stays published, and when its author is reminded before it expires. */
export const POST_DURATION = { days: 30, reminderDaysBefore: 3 } as const;

/** Posts an account may publish per day: fewer while the account is new (spam and scams). */
export function dailyPostQuota(accountCreatedAt: Date, now = new Date()): number {
  const ageDays = (now.getTime() - accountCreatedAt.getTime()) / 86_400_000;
  return ageDays < 7 ? 3 : 10;
}

export interface PostLifecycle {
  expiresAt: Date;
  fulfilledAt: Date | null;
  withdrawnAt: Date | null;
  hiddenAt: Date | null;
}

/** The status a post's timestamps say it has (moderation first, then the author's choices). */
export function postStatus(p: PostLifecycle, now = new Date()): PostStatus {
  if (p.hiddenAt) return 'hidden';
  if (p.withdrawnAt) return 'withdrawn';
  if (p.fulfilledAt) return 'fulfilled';
  if (p.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'open';
}

/** What the author may do with their post in a given status. */
export function allowedActions(status: PostStatus): Array<'edit' | 'renew' | 'fulfil' | 'withdraw'> {
  switch (status) {
    case 'open':
      return ['edit', 'renew', 'fulfil', 'withdraw'];
    case 'expired':
      return ['renew', 'fulfil', 'withdraw'];
    default:
      return [];
  }
}

/** The new expiry of a renewed post: 30 days from now. */
export const renewedExpiry = (now = new Date()) => new Date(now.getTime() + POST_DURATION.days * 86_400_000);

/** « Jeanne Martin » → « Jeanne M. »: what the public sees of a person's name. */
export function publicName(displayName: string): string {
  const parts = displayName.trim().split(/\s+/);
  if (parts.length < 2) return parts[0] ?? '';
  const last = parts.at(-1)!;
  // Already abbreviated (« Jeanne M. ») or a role suffix in parentheses: keep as is.
  if (/^[\p{Lu}]\.$/u.test(last) || last.startsWith('(')) return displayName.trim();
  return `${parts.slice(0, -1).join(' ')} ${last[0]!.toLocaleUpperCase('fr')}.`;
}
