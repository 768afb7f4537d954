import { z } from 'zod';
import { REPORT_REASONS } from '../../db/schema.ts';
import { choice, optionalText } from '../../domain/fields.ts';

/** Limits of a report's fields. */
export const REPORT_LIMITS = { details: 1000 } as const;

/** The report form of any reportable thing (a post, a message, a conversation). */
export const reportInput = z.object({
  reason: choice(REPORT_REASONS).refine((v) => v !== '', { message: 'errors.required' }),
  details: optionalText(REPORT_LIMITS.details),
});
export type ReportInput = { reason: (typeof REPORT_REASONS)[number]; details: string };
