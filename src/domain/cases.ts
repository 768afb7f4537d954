import type { CaseStatus, CaseUrgency } from '../db/schema.ts';

/** Limits of the call centre's fields, defined once for the forms, the API and the services. */
export const CASE_LIMITS = {
  need: 2000,
  note: 2000,
  name: 80,
  relationship: 80,
  address: 200,
  language: 60,
  hours: 120,
  outcomeNote: 1000,
  declineReason: 300,
  /** Online requests accepted per IP address and hour (spam). */
  onlinePerIpPerHour: 5,
  /** Online requests accepted per territory and hour, whoever sends them (a flood). */
  onlinePerTerritoryPerHour: 200,
} as const;

/**
 * How long a routed case may wait for an acceptance before it goes back to the queue, flagged
 * (« escalade »), by urgency. The territory's operators read the queue all day: four hours for
 * « aujourd'hui » leaves time to find someone else the same day.
 */
export const ESCALATION_DELAY_MS: Readonly<Record<CaseUrgency, number>> = {
  today: 4 * 3_600_000,
  week: 48 * 3_600_000,
  flexible: 5 * 86_400_000,
};

/** The order of urgencies in the queue: the most pressing first. */
export const URGENCY_RANK: Readonly<Record<CaseUrgency, number>> = { today: 0, week: 1, flexible: 2 };

export interface CaseLifecycle {
  qualifiedAt: Date | null;
  routedAt: Date | null;
  acceptedAt: Date | null;
  startedAt: Date | null;
  doneAt: Date | null;
  cancelledAt: Date | null;
  unreachableAt: Date | null;
}

/** A case's status, read from its timestamps (the last step reached wins; closings win over all). */
export function caseStatus(c: CaseLifecycle): CaseStatus {
  if (c.doneAt) return 'done';
  if (c.cancelledAt) return 'cancelled';
  if (c.unreachableAt) return 'unreachable';
  if (c.startedAt) return 'in_progress';
  if (c.acceptedAt) return 'accepted';
  if (c.routedAt) return 'routed';
  if (c.qualifiedAt) return 'qualified';
  return 'new';
}

/** Closed cases leave the queue; nothing but a note can be added to them. */
export const isClosed = (status: CaseStatus) =>
  status === 'done' || status === 'cancelled' || status === 'unreachable';

/** The steps an operator may take from a status (routing has its own actions). */
export function caseActions(status: CaseStatus): Array<'qualify' | 'start' | 'close'> {
  if (isClosed(status)) return [];
  const actions: Array<'qualify' | 'start' | 'close'> = [];
  if (status === 'new') actions.push('qualify');
  if (status === 'accepted' || status === 'routed' || status === 'qualified') actions.push('start');
  actions.push('close');
  return actions;
}

/**
 * What a structure or a volunteer sees of the person before accepting: a civility and a first
 * name (« Mme Jeanne »), or a civility and an initial (« Mme M. »). Never the whole name.
 */
export function discreetName(b: {
  civility: 'mme' | 'm' | null;
  firstName: string | null;
  lastName: string | null;
}): string {
  const civility = b.civility === 'mme' ? 'Mme' : b.civility === 'm' ? 'M.' : '';
  const first = b.firstName?.trim();
  if (first) return [civility, first].filter(Boolean).join(' ');
  const initial = b.lastName?.trim()[0];
  return [civility, initial ? `${initial.toLocaleUpperCase('fr')}.` : ''].filter(Boolean).join(' ') || '—';
}

/** The name staff see: « Mme Jeanne Martin ». */
export function fullName(b: {
  civility: 'mme' | 'm' | null;
  firstName: string | null;
  lastName: string | null;
}): string {
  const civility = b.civility === 'mme' ? 'Mme' : b.civility === 'm' ? 'M.' : '';
  return [civility, b.firstName?.trim(), b.lastName?.trim()].filter(Boolean).join(' ') || '—';
}

/** The name compared to find a person already known: lower case, no accents, single spaces. */
export const comparableName = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/** A duration in French words for operators: « 45 min », « 3 h », « 2 j ». */
export function shortDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} j`;
}

/** A distance for operators (exact, staff only): « 800 m », « 2,3 km », « 14 km ». */
export function staffDistance(km: number): string {
  if (km < 1) return `${Math.max(100, Math.round(km * 10) * 100)} m`;
  if (km < 10) return `${km.toFixed(1).replace('.', ',')} km`;
  return `${Math.round(km)} km`;
}
