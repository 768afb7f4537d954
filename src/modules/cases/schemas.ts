import { z } from 'zod';
import {
  checkbox,
  choice,
  email,
  isUuid,
  mustAccept,
  optionalId,
  optionalPhone,
  optionalText,
  requiredLongText,
  requiredText,
} from '../../domain/fields.ts';
import { CASE_LIMITS } from '../../domain/cases.ts';
import { CALL_RESULTS, CALLER_KINDS, CASE_OUTCOMES, CASE_STATUSES, CASE_URGENCIES } from '../../db/schema.ts';

const msg = (key: string) => key;
const required = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine((v) => v !== '', { message: msg('errors.required') });
const categoryId = () =>
  optionalText(64)
    .refine((v) => v !== '', { message: msg('errors.required') })
    .refine((v) => v === '' || isUuid(v), { message: msg('errors.choice') });

/** The person helped, as the intake form and the online form take it. */
const person = {
  civility: choice(['mme', 'm']),
  firstName: optionalText(CASE_LIMITS.name),
  lastName: requiredText(CASE_LIMITS.name),
  phone: optionalPhone(),
  commune: requiredText(120),
  address: optionalText(CASE_LIMITS.address),
};
const need = {
  categoryId: categoryId(),
  need: requiredLongText(CASE_LIMITS.need),
  urgency: required(choice(CASE_URGENCIES)),
};

/** The operator's intake form: one call, in under a minute. */
export const intakeInput = z.object({
  callerKind: required(choice(CALLER_KINDS)),
  callerName: optionalText(CASE_LIMITS.name),
  callerPhone: optionalPhone(),
  callerRelationship: optionalText(CASE_LIMITS.relationship),
  ...person,
  ...need,
  mobilityLimited: checkbox(),
  language: optionalText(CASE_LIMITS.language),
  hours: optionalText(CASE_LIMITS.hours),
  consentKeep: mustAccept(),
  consentShare: checkbox(),
  /** After a « déjà connu » notice: the known person's id (a new request for them) or `new`. */
  known: optionalText(64).refine((v) => v === '' || v === 'new' || isUuid(v), {
    message: msg('errors.choice'),
  }),
});
export type IntakeInput = z.output<typeof intakeInput>;

/** The online request form (no account): the same queue, with consent and a honeypot. */
export const onlineRequestInput = z
  .object({
    callerKind: required(choice(['self', 'relative'])),
    callerName: optionalText(CASE_LIMITS.name),
    callerPhone: optionalPhone(),
    callerEmail: optionalText(254),
    ...person,
    ...need,
    consent: mustAccept(),
    /** Hidden from people; robots fill it. Checked by the route, which then pretends all went well. */
    siteWeb: optionalText(200),
  })
  .superRefine((v, ctx) => {
    if (v.callerEmail && !email().safeParse(v.callerEmail).success)
      ctx.addIssue({ code: 'custom', path: ['callerEmail'], message: msg('errors.email') });
    // Someone must be reachable: the person's phone, or the relative's phone or email.
    if (!v.phone && !v.callerPhone && !v.callerEmail)
      ctx.addIssue({ code: 'custom', path: ['phone'], message: msg('errors.caseContactNeeded') });
  });
export type OnlineRequestInput = z.output<typeof onlineRequestInput>;

/** The « déjà connu » check while typing (query of the fragment endpoint). */
export const duplicateQuery = z.object({
  phone: optionalText(40),
  lastName: optionalText(CASE_LIMITS.name),
  commune: optionalText(120),
});

/** A note or a call on the timeline. */
export const eventInput = z.object({
  kind: required(choice(['note', 'call'])),
  callResult: choice(CALL_RESULTS),
  body: optionalText(CASE_LIMITS.note),
});
export type EventInput = z.output<typeof eventInput>;

/** « Rappeler le … »: a day and an optional time, or nothing to clear the reminder. */
export const callbackInput = z.object({
  date: optionalText(10).refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), {
    message: msg('errors.date'),
  }),
  time: optionalText(5).refine((v) => v === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), {
    message: msg('errors.time'),
  }),
  note: optionalText(CASE_LIMITS.note),
});
export type CallbackInput = z.output<typeof callbackInput>;

/** Closing a case: the outcome, who helped, and an optional follow-up call. */
export const closeInput = z.object({
  closing: required(choice(['done', 'cancelled', 'unreachable'])),
  outcome: choice(CASE_OUTCOMES),
  helpedBy: optionalText(CASE_LIMITS.name * 2),
  outcomeNote: optionalText(CASE_LIMITS.outcomeNote),
  followUpDate: optionalText(10).refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), {
    message: msg('errors.date'),
  }),
});
export type CloseInput = z.output<typeof closeInput>;

/** Route to a structure or assign a volunteer (the ids come from the suggestions). */
export const routeInput = z.object({
  organizationId: optionalText(64).refine((v) => v === '' || isUuid(v), { message: msg('errors.choice') }),
  volunteerId: optionalText(64).refine((v) => v === '' || isUuid(v), { message: msg('errors.choice') }),
});

/** A structure's or volunteer's answer to a routed case. */
export const decisionInput = z.object({
  decision: required(choice(['accept', 'decline'])),
  reason: optionalText(CASE_LIMITS.declineReason),
});

/** `POST /api/v1/cases/{id}/status`. */
export const apiStatusInput = z.object({
  status: required(choice(['accepted', 'declined', 'in_progress', 'done'])),
  note: optionalText(CASE_LIMITS.note),
});

/** The queue's filters, in the URL. */
export const queueQuery = z.object({
  urgence: choice(CASE_URGENCIES),
  statut: choice(CASE_STATUSES),
  commune: optionalText(120),
  tri: choice(['anciennete', 'urgence']),
});
export type QueueQuery = z.output<typeof queueQuery>;

/** The anonymised request post written for the beneficiary. */
export const casePostInput = z.object({
  title: requiredText(100),
  description: requiredLongText(2000),
});

/** A step on a case: qualify, start, or take it as one's own. */
export const stepInput = z.object({ step: required(choice(['qualify', 'start', 'take'])) });

/** The case's useful skill (« compétence utile »), or none. */
export const skillInput = z.object({ skillId: optionalId() });

/** Withdrawing an unanswered offer. */
export const withdrawInput = z.object({ assignmentId: optionalId() });

/** The assignee's news: under way, or done. */
export const progressInput = z.object({
  progress: required(choice(['in_progress', 'done'])),
  note: optionalText(CASE_LIMITS.note),
});
