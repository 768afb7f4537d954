import { z } from 'zod';
import { DOMAINS, ORGANIZATION_KINDS, ORGANIZATION_ROLES } from '../../db/schema.ts';
import {
  checkbox,
  choice,
  email,
  isoDate,
  isUuid,
  manyOf,
  optionalPhone,
  optionalText,
  requiredLongText,
  requiredText,
} from '../../domain/fields.ts';
import { normalizeRna, normalizeSiren, ORGANIZATION_LIMITS as L } from '../../domain/organizations.ts';

const required = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine((v) => v !== '', { message: 'errors.required' });

/** An optional web address: http(s) only, so a link can never run script. */
const optionalUrl = () =>
  optionalText(L.website).refine((v) => v === '' || /^https?:\/\/[^\s<>"']+\.[^\s<>"']+$/i.test(v), {
    message: 'errors.url',
  });

const optionalEmail = () =>
  optionalText(254)
    .transform((v) => v.toLowerCase())
    .refine((v) => v === '' || /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[a-z]{2,}$/i.test(v), {
      message: 'errors.email',
    });

/** The structure form (HTML) — created by a member, validated by an admin. */
export const organizationInput = z.object({
  name: requiredText(L.name),
  kind: required(choice(ORGANIZATION_KINDS)),
  siren: optionalText(20).transform((v, ctx) => {
    if (v === '') return null;
    const n = normalizeSiren(v);
    if (!n) ctx.addIssue({ code: 'custom', message: 'errors.siren' });
    return n;
  }),
  rna: optionalText(20).transform((v, ctx) => {
    if (v === '') return null;
    const n = normalizeRna(v);
    if (!n) ctx.addIssue({ code: 'custom', message: 'errors.rna' });
    return n;
  }),
  description: requiredLongText(L.description),
  domains: manyOf((v) => (DOMAINS as readonly string[]).includes(v), DOMAINS.length),
  categoryIds: manyOf(isUuid, 40),
  commune: requiredText(120),
  /** Other communes covered, separated by commas. */
  communes: optionalText(1000),
  address: optionalText(L.address),
  showAddress: checkbox(),
  contactEmail: optionalEmail(),
  contactPhone: optionalPhone(),
  website: optionalUrl(),
});
export type OrganizationInput = z.output<typeof organizationInput>;

/** An admin's refusal: a reason the structure will read. */
export const rejectInput = z.object({ reason: requiredLongText(L.rejectionReason) });

/** An invitation to the team. */
export const inviteInput = z.object({ email: email(), role: required(choice(ORGANIZATION_ROLES)) });

/** A project or initiative. */
export const projectInput = z
  .object({
    title: requiredText(L.projectTitle),
    description: requiredLongText(L.projectDescription),
    startsOn: isoDate(),
    endsOn: isoDate(),
    commune: optionalText(120),
    link: optionalUrl(),
  })
  .superRefine((v, ctx) => {
    if (v.startsOn && v.endsOn && v.endsOn < v.startsOn)
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'errors.endBeforeStart' });
  });
export type ProjectInput = z.output<typeof projectInput>;

/** The directory's filters, in the URL. */
export const directoryQuery = z.object({
  domaine: choice(DOMAINS),
  categorie: optionalText(60),
  commune: optionalText(120),
  page: optionalText(6).refine((v) => v === '' || /^[1-9]\d{0,4}$/.test(v), { message: 'errors.invalid' }),
});
export type DirectoryQuery = z.output<typeof directoryQuery>;
