import { z } from 'zod';
import {
  checkbox,
  choice,
  isoDate,
  optionalNumber,
  optionalText,
  requiredLongText,
  requiredText,
  isUuid,
} from '../../domain/fields.ts';
import { POST_LIMITS } from '../../domain/posts.ts';
import { POST_KINDS } from '../../db/schema.ts';

const msg = (key: string) => key;

/** The post form (HTML) and `POST /api/v1/posts` (JSON). */
export const postInput = z
  .object({
    kind: choice(POST_KINDS).refine((v) => v !== '', { message: msg('errors.required') }),
    categoryId: optionalText(64)
      .refine((v) => v !== '', { message: msg('errors.required') })
      .refine((v) => v === '' || isUuid(v), {
        message: msg('errors.choice'),
      }),
    title: requiredText(POST_LIMITS.title),
    description: requiredLongText(POST_LIMITS.description),
    whenText: optionalText(POST_LIMITS.whenText),
    startsOn: isoDate(),
    endsOn: isoDate(),
    commune: requiredText(120),
    address: optionalText(POST_LIMITS.address),
    showPhone: checkbox(),
    showEmail: checkbox(),
  })
  .superRefine((v, ctx) => {
    if (v.startsOn && v.endsOn && v.endsOn < v.startsOn)
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: msg('errors.endBeforeStart') });
  });
export type PostInput = z.output<typeof postInput>;

const number = optionalNumber;

/** The discovery filters, all in the URL so a search can be shared and works without JavaScript. */
export const searchQuery = z.object({
  type: choice(['offre', 'demande']),
  categorie: z
    .unknown()
    .transform((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().max(60, msg('errors.invalid'))).max(20, msg('errors.invalid'))),
  commune: optionalText(120),
  pres: optionalText(120),
  lat: number(-90, 90),
  lon: number(-180, 180),
  rayon: number(1, 50),
  q: optionalText(100),
  tri: choice(['proches', 'recentes']),
  apres: optionalText(80),
});
export type SearchQuery = z.output<typeof searchQuery>;
