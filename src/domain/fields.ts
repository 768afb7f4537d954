import { z } from 'zod';
import { cleanText, normalizePhone, textProblem } from './input.ts';
import { LIMITS } from './limits.ts';

/**
 * Field schemas shared by HTML forms and the JSON API. Error messages are catalogue keys
 * (`errors.*`), optionally followed by `|` and a parameter, so one schema serves every language.
 */
const msg = (key: string, param?: string | number) => (param === undefined ? key : `${key}|${param}`);

function text(opts: { max: number; multiline?: boolean; required: boolean }) {
  return z
    .unknown()
    .transform((v, ctx) => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') {
        ctx.addIssue({ code: 'custom', message: msg('errors.invalid') });
        return z.NEVER;
      }
      const problem = textProblem(v, opts.multiline);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: msg(`errors.${problem}`) });
        return z.NEVER;
      }
      return cleanText(v);
    })
    .superRefine((v, ctx) => {
      if (opts.required && v.length === 0) ctx.addIssue({ code: 'custom', message: msg('errors.required') });
      if (v.length > opts.max) ctx.addIssue({ code: 'custom', message: msg('errors.tooLong', opts.max) });
    });
}

/** A required single-line text. */
export const requiredText = (max: number = LIMITS.shortText.max) => text({ max, required: true });
/** An optional single-line text ('' when absent). */
export const optionalText = (max: number = LIMITS.shortText.max) => text({ max, required: false });
/** A required multi-line text. */
export const requiredLongText = (max: number = LIMITS.longText.max) =>
  text({ max, required: true, multiline: true });

/** An email address, lower-cased. */
export const email = () =>
  requiredText(LIMITS.email.max)
    .transform((v) => v.toLowerCase())
    .refine((v) => v === '' || /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[a-z]{2,}$/i.test(v), {
      message: msg('errors.email'),
    });

/** A new password: length only, as current guidance recommends (no composition rules). */
export const newPassword = () =>
  z.unknown().superRefine((v, ctx) => {
    if (typeof v !== 'string' || v.length === 0) {
      ctx.addIssue({ code: 'custom', message: msg('errors.required') });
    } else if ([...v].length < LIMITS.password.min) {
      ctx.addIssue({ code: 'custom', message: msg('errors.passwordTooShort', LIMITS.password.min) });
    } else if (v.length > LIMITS.password.max) {
      ctx.addIssue({ code: 'custom', message: msg('errors.tooLong', LIMITS.password.max) });
    } else if (textProblem(v)) {
      ctx.addIssue({ code: 'custom', message: msg('errors.control') });
    }
  }) as z.ZodType<string>;

/**
 * A password typed to sign in: presence and size, and no character that `newPassword` refuses
 * (such a password cannot exist, so the attempt is garbage, not a failed sign-in to count).
 */
export const currentPassword = () =>
  z.unknown().superRefine((v, ctx) => {
    if (typeof v !== 'string' || v.length === 0)
      ctx.addIssue({ code: 'custom', message: msg('errors.required') });
    else if (v.length > LIMITS.password.max)
      ctx.addIssue({ code: 'custom', message: msg('errors.tooLong', LIMITS.password.max) });
    else if (textProblem(v)) ctx.addIssue({ code: 'custom', message: msg(`errors.${textProblem(v)}`) });
  }) as z.ZodType<string>;

/** An optional phone number, normalised to digits (null when empty). */
export const optionalPhone = () =>
  optionalText(LIMITS.phone.max).transform((v, ctx) => {
    if (v === '') return null;
    const phone = normalizePhone(v);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: msg('errors.phone') });
      return z.NEVER;
    }
    return phone;
  });

/** An optional identifier chosen in a list (null when empty). */
export const optionalId = () =>
  optionalText(64).transform((v, ctx) => {
    if (v === '') return null;
    if (!isUuid(v)) {
      ctx.addIssue({ code: 'custom', message: msg('errors.choice') });
      return z.NEVER;
    }
    return v.toLowerCase();
  });

/** One of a fixed list of values, or '' when nothing was chosen. */
export const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  optionalText(40).refine((v) => v === '' || (values as readonly string[]).includes(v), {
    message: msg('errors.choice'),
  }) as unknown as z.ZodType<T[number] | ''>;

/** A checkbox that must be ticked. */
export const mustAccept = () =>
  z.unknown().refine((v) => v === 'on' || v === 'true' || v === true, { message: msg('errors.mustAccept') });

export interface FieldError {
  key: string;
  param?: string;
}

/** What a use case answers: its value, or French errors per field (`_form` for the whole form). */
export type Result<T = void> = { ok: true; value: T } | { ok: false; errors: Record<string, FieldError> };
/** A successful result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
/** A refusal on one field with a catalogue key. */
export const fail = (field: string, key: string): Result<never> => ({
  ok: false,
  errors: { [field]: { key } },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Is this a UUID (the form of every id in URLs and forms)? */
export const isUuid = (value: string) => UUID.test(value);
export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; errors: Record<string, FieldError>; values: Record<string, string> };

/**
 * Validates untrusted input (a parsed form or JSON body). On failure, returns the first error of
 * each field and the submitted values as strings, so the form can be shown again as it was.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const source = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  // An absent field is an empty one: forms omit unticked boxes and empty selects.
  const shape = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const filled = { ...Object.fromEntries(shape.map((k) => [k, ''])), ...source };
  const result = schema.safeParse(filled);
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, FieldError> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (errors[field]) continue;
    const [key, param] = issue.message.startsWith('errors.') ? issue.message.split('|') : ['errors.invalid'];
    errors[field] = param === undefined ? { key: key! } : { key: key!, param };
  }
  return { ok: false, errors, values: submittedValues(source) };
}

/** The string fields of a submitted form, passwords left out, to fill the form again. */
export function submittedValues(input: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!input || typeof input !== 'object') return values;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (typeof v === 'string' && !/password/i.test(k)) values[k] = v.slice(0, LIMITS.longText.max);
  }
  return values;
}

/** An optional day, AAAA-MM-JJ as date inputs send it ('' when absent). */
export const isoDate = () =>
  optionalText(10).refine(
    (v) => v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))),
    { message: msg('errors.date') },
  );

/** A checkbox: ticked or not. */
export const checkbox = () => z.unknown().transform((v) => v === 'on' || v === 'true' || v === true);

/** An optional number within bounds (a comma is a decimal point), null when absent. */
export const optionalNumber = (min: number, max: number) =>
  optionalText(20).transform((v, ctx) => {
    if (v === '') return null;
    const n = Number(v.replace(',', '.'));
    if (!Number.isFinite(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: msg('errors.invalid') });
      return z.NEVER;
    }
    return n;
  });

/**
 * Several values of a repeated field (checkboxes, `categorie=a&categorie=b`), each checked by
 * `item`; at most `max`.
 */
export const manyOf = (item: (v: string) => boolean, max = 50) =>
  z.unknown().transform((v, ctx) => {
    const list = v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v];
    if (list.length > max || !list.every((x) => typeof x === 'string' && x.length <= 80 && item(x))) {
      ctx.addIssue({ code: 'custom', message: msg('errors.choice') });
      return z.NEVER;
    }
    return [...new Set(list as string[])];
  });

/** Form values to show again: repeated fields joined with commas (checkbox groups read them back). */
export function formValues(input: unknown): Record<string, string> {
  const values = submittedValues(input);
  if (input && typeof input === 'object')
    for (const [k, v] of Object.entries(input as Record<string, unknown>))
      if (Array.isArray(v)) values[k] = v.filter((x) => typeof x === 'string').join(',');
  return values;
}
