import type { ApplicationStatus, MissionStatus } from '../db/schema.ts';

/** Limits of a mission's and an application's fields. */
export const MISSION_LIMITS = {
  title: 120,
  description: 3000,
  recurrenceText: 200,
  address: 200,
  message: 1000,
  /** Slots a mission may have (the form shows this many rows). */
  slots: 6,
  capacity: 500,
  minAge: 99,
} as const;

export interface MissionLifecycle {
  publishedAt: Date | null;
  fullAt: Date | null;
  closedAt: Date | null;
  cancelledAt: Date | null;
}

/** The status a mission's timestamps say it has: cancelled and closed first, then full, open. */
export function missionStatus(m: MissionLifecycle): MissionStatus {
  if (m.cancelledAt) return 'cancelled';
  if (m.closedAt) return 'closed';
  if (!m.publishedAt) return 'draft';
  if (m.fullAt) return 'full';
  return 'open';
}

/** May volunteers still apply (a full mission takes them on its waiting list)? */
export const acceptsApplications = (status: MissionStatus) => status === 'open' || status === 'full';

export interface ApplicationLifecycle {
  waitlistedAt: Date | null;
  acceptedAt: Date | null;
  declinedAt: Date | null;
  withdrawnAt: Date | null;
}

/** An application's status from its timestamps. */
export function applicationStatus(a: ApplicationLifecycle): ApplicationStatus {
  if (a.withdrawnAt) return 'withdrawn';
  if (a.declinedAt) return 'declined';
  if (a.acceptedAt) return 'accepted';
  if (a.waitlistedAt) return 'waitlisted';
  return 'pending';
}

/** Does an application in this status hold one of its slot's places? */
export const holdsPlace = (s: ApplicationStatus) => s === 'pending' || s === 'accepted';

/** What the structure may decide on an application in a given status. */
export function structureActions(s: ApplicationStatus): Array<'accept' | 'decline'> {
  if (s === 'pending') return ['accept', 'decline'];
  if (s === 'waitlisted') return ['decline'];
  if (s === 'accepted') return ['decline'];
  return [];
}

export interface DefaultSkill {
  slug: string;
  name: string;
  health: boolean;
}

/**
 * The skills seeded for a new territory. Health professions are verified by a structure or an
 * operator before they count (« à vérifier » until then).
 */
export const DEFAULT_SKILLS: readonly DefaultSkill[] = [
  { slug: 'infirmier', name: 'Infirmier·e', health: true },
  { slug: 'aide-soignant', name: 'Aide-soignant·e', health: true },
  { slug: 'medecin', name: 'Médecin', health: true },
  { slug: 'etudiant-sante', name: 'Étudiant·e en santé', health: true },
  { slug: 'pharmacien', name: 'Pharmacien·ne', health: true },
  { slug: 'permis-b', name: 'Permis de conduire et voiture', health: false },
  { slug: 'cuisine', name: 'Cuisine', health: false },
  { slug: 'bricolage', name: 'Bricolage', health: false },
  { slug: 'informatique', name: 'Aide au numérique', health: false },
  { slug: 'soutien-scolaire', name: 'Soutien scolaire', health: false },
  { slug: 'langues', name: 'Langues étrangères', health: false },
  { slug: 'ecoute', name: 'Écoute et accompagnement', health: false },
];
