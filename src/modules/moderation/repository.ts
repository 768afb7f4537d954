import type { Executor } from '../../db/client.ts';
import { report, type ReportReason } from '../../db/schema.ts';

/** What may be reported: one shared mechanism for every kind of content. */
export type ReportSubject = 'post' | 'message' | 'conversation' | 'account';

/**
 * Stores a report once per reporter and subject; returns false when it was already reported.
 * A null reporter is the platform itself (scam signals found in a message).
 */
export async function insertReport(
  db: Executor,
  values: {
    territoryId: string;
    subjectType: ReportSubject;
    subjectId: string;
    reporterAccountId: string | null;
    reason: ReportReason;
    details: string;
  },
): Promise<boolean> {
  const rows = await db.insert(report).values(values).onConflictDoNothing().returning({ id: report.id });
  return rows.length > 0;
}
