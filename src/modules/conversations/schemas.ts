import { z } from 'zod';
import { MESSAGE_NOTIFICATIONS } from '../../db/schema.ts';
import { MESSAGE_LIMITS } from '../../domain/conversations.ts';
import { choice, optionalId, requiredLongText } from '../../domain/fields.ts';

/** A message: the « Répondre » form, the thread's form and the API. */
export const messageInput = z.object({ body: requiredLongText(MESSAGE_LIMITS.body) });

/** « Partager mon numéro / mon e-mail », or stop. */
export const shareInput = z.object({
  what: choice(['telephone', 'email'] as const).refine((v) => v !== '', { message: 'errors.required' }),
  share: choice(['oui', 'non'] as const).refine((v) => v !== '', { message: 'errors.required' }),
});

/** How new messages are announced by mail. */
export const notificationsInput = z.object({
  notifications: choice(MESSAGE_NOTIFICATIONS).refine((v) => v !== '', { message: 'errors.required' }),
});

/** A message number in a query (`?message=12`, `?avant=12`, `?apres=12`), or null. */
export const messageNumber = (value: unknown): number | null => {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** « Qui vous a aidé ? »: one of the post's conversations. */
export const helpedInput = z.object({
  conversationId: optionalId().refine((v) => v !== null, {
    message: 'errors.required',
  }) as unknown as z.ZodType<string>,
});
