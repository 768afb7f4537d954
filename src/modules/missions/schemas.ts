import { z } from 'zod';
import { DAY_PARTS, DECLINE_REASONS, DOMAINS, MISSION_SCHEDULES, WEEKDAYS } from '../../db/schema.ts';
import {
  checkbox,
  choice,
  isoDate,
  isUuid,
  manyOf,
  optionalNumber,
  optionalText,
  requiredLongText,
  requiredText,
} from '../../domain/fields.ts';
import { MISSION_LIMITS as L } from '../../domain/missions.ts';

const required = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine((v) => v !== '', { message: 'errors.required' });

const time = () =>
  optionalText(5).refine((v) => v === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { message: 'errors.time' });
const places = () =>
  optionalNumber(1, L.capacity).refine((v) => v === null || Number.isInteger(v), 'errors.invalid');

/** The slot rows of the mission form: `slotDay1`, `slotStart1`, `slotEnd1`, `slotPlaces1`… */
const slotFields = Object.fromEntries(
  Array.from({ length: L.slots }, (_, i) => i + 1).flatMap((n) => [
    [`slotDay${n}`, isoDate()],
    [`slotStart${n}`, time()],
    [`slotEnd${n}`, time()],
    [`slotPlaces${n}`, places()],
  ]),
) as Record<string, z.ZodType>;

/** What a mission says besides its dates and places: the same fields on creation and on edit. */
const detailFields = {
  title: requiredText(L.title),
  description: requiredLongText(L.description),
  categoryId: required(optionalText(64)).refine((v) => v === '' || isUuid(v), { message: 'errors.choice' }),
  requiredSkillIds: manyOf(isUuid, 30),
  minAge: optionalNumber(1, L.minAge).refine((v) => v === null || Number.isInteger(v), 'errors.invalid'),
  reducedMobility: checkbox(),
  remotePossible: checkbox(),
  remoteOnly: checkbox(),
  openToMinors: checkbox(),
  commune: optionalText(120),
  address: optionalText(L.address),
};

/** A place is needed unless the mission is entirely remote. */
const placeNeeded = (v: { remoteOnly: boolean; commune: string }, ctx: z.RefinementCtx) => {
  if (!v.remoteOnly && !v.commune)
    ctx.addIssue({ code: 'custom', path: ['commune'], message: 'errors.required' });
};

/** The mission form (HTML). A single date uses the first slot row; a recurrence its own fields. */
export const missionInput = z
  .object({
    ...detailFields,
    schedule: required(choice(MISSION_SCHEDULES)),
    ...slotFields,
    recurrenceText: optionalText(L.recurrenceText),
    recurrenceDays: manyOf((v) => /^[1-7]$/.test(v), 7),
    recurrenceFrom: isoDate(),
    recurrenceTo: isoDate(),
    recurrencePlaces: places(),
  })
  .superRefine((v, ctx) => {
    const r = v as Record<string, unknown>;
    placeNeeded(v, ctx);
    if (v.schedule === 'recurring') {
      if (!v.recurrenceText)
        ctx.addIssue({ code: 'custom', path: ['recurrenceText'], message: 'errors.required' });
      if (v.recurrencePlaces === null)
        ctx.addIssue({ code: 'custom', path: ['recurrencePlaces'], message: 'errors.required' });
      if (v.recurrenceFrom && v.recurrenceTo && v.recurrenceTo < v.recurrenceFrom)
        ctx.addIssue({ code: 'custom', path: ['recurrenceTo'], message: 'errors.endBeforeStart' });
      return;
    }
    const rows = v.schedule === 'date' ? [1] : Array.from({ length: L.slots }, (_, i) => i + 1);
    let filled = 0;
    for (const n of rows) {
      const day = r[`slotDay${n}`];
      const places = r[`slotPlaces${n}`];
      const any = day || r[`slotStart${n}`] || r[`slotEnd${n}`] || places !== null;
      if (!any) continue;
      filled++;
      if (!day) ctx.addIssue({ code: 'custom', path: [`slotDay${n}`], message: 'errors.required' });
      if (places === null)
        ctx.addIssue({ code: 'custom', path: [`slotPlaces${n}`], message: 'errors.required' });
      const start = r[`slotStart${n}`] as string;
      const end = r[`slotEnd${n}`] as string;
      if (start && end && end <= start)
        ctx.addIssue({ code: 'custom', path: [`slotEnd${n}`], message: 'errors.endBeforeStart' });
    }
    if (filled === 0) ctx.addIssue({ code: 'custom', path: ['slotDay1'], message: 'errors.required' });
  });
export type MissionInput = z.output<typeof missionInput>;

/** The edit form: what the mission says; its dates and places stay as published. */
export const missionDetailsInput = z.object(detailFields).superRefine(placeNeeded);
export type MissionDetailsInput = z.output<typeof missionDetailsInput>;

/** Applying to a mission: the slot (when several), a message, the age confirmed when asked. */
export const applyInput = z.object({
  slotId: optionalText(64).refine((v) => v === '' || isUuid(v), { message: 'errors.choice' }),
  message: optionalText(L.message * 2).pipe(z.string().max(L.message, 'errors.tooLong|1000')),
  ageConfirmed: checkbox(),
});
export type ApplyInput = z.output<typeof applyInput>;

/** The structure's decision on one application. */
export const decisionInput = z
  .object({
    decision: required(choice(['accept', 'decline'] as const)),
    reason: choice(DECLINE_REASONS),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'decline' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.required' });
  });

/** The same decision on several applications at once (the dashboard's checkboxes). */
export const bulkDecisionInput = z
  .object({
    ids: manyOf(isUuid, 200).refine((v) => v.length > 0, { message: 'errors.noneSelected' }),
    decision: required(choice(['accept', 'decline'] as const)),
    reason: choice(DECLINE_REASONS),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'decline' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.required' });
  });

/** The volunteer profile form. */
export const profileInput = z.object({
  skillIds: manyOf(isUuid, 40),
  days: manyOf((v) => (WEEKDAYS as readonly string[]).includes(v), 7),
  dayParts: manyOf((v) => (DAY_PARTS as readonly string[]).includes(v), 3),
  domains: manyOf((v) => (DOMAINS as readonly string[]).includes(v), DOMAINS.length),
  /** Where the volunteer can help: required, the alerts need a place. */
  commune: requiredText(120),
  radiusKm: optionalNumber(1, 100).refine((v) => v === null || Number.isInteger(v), 'errors.invalid'),
  remoteOk: checkbox(),
});
export type ProfileInput = z.output<typeof profileInput>;

/** The mission search filters, in the URL. */
export const missionSearchQuery = z.object({
  domaine: choice(DOMAINS),
  categorie: manyOf((v) => /^[a-z0-9-]{1,60}$/.test(v), 20),
  commune: optionalText(120),
  pres: optionalText(120),
  lat: optionalNumber(-90, 90),
  lon: optionalNumber(-180, 180),
  rayon: optionalNumber(1, 50),
  du: isoDate(),
  au: isoDate(),
  competence: manyOf((v) => /^[a-z0-9-]{1,60}$/.test(v), 20),
  distance: choice(['oui']),
  tri: choice(['proches', 'recentes']),
  apres: optionalText(80),
});
export type MissionSearchQuery = z.output<typeof missionSearchQuery>;
