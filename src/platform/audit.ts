import type { Executor } from '../db/client.ts';
import { auditEvent } from '../db/schema.ts';
import type { Ctx } from './context.ts';

/** Records one action in the audit log, in the caller's transaction. */
export async function audit(
  tx: Executor,
  ctx: Ctx,
  action: string,
  subject: { type: string; id?: string | null },
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(auditEvent).values({
    territoryId: ctx.territoryId,
    actorAccountId: ctx.actor?.accountId ?? null,
    onBehalfOfBeneficiaryId: ctx.onBehalfOf?.beneficiaryId ?? null,
    action,
    subjectType: subject.type,
    subjectId: subject.id ?? null,
    data,
    ip: ctx.ip,
    requestId: ctx.requestId,
  });
}
