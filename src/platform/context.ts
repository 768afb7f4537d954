import type { Actor } from '../domain/permissions.ts';

/**
 * Who is doing a write, for whom, and from where. Every use case that writes takes one, so the
 * audit log can say « the operator X, for the beneficiary Y, from request Z ».
 */
export interface Ctx {
  territoryId: string;
  actor: Actor | null;
  onBehalfOf: { beneficiaryId: string } | null;
  ip: string | null;
  requestId: string | null;
}

/** A context for the command line and jobs: no person, no request. */
export const systemCtx = (territoryId: string, requestId = 'system'): Ctx => ({
  territoryId,
  actor: null,
  onBehalfOf: null,
  ip: null,
  requestId,
});
