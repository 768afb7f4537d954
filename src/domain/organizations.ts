import type { OrganizationKind } from '../db/schema.ts';

/** Limits of a structure's and a project's fields, shared by forms, API and services. */
export const ORGANIZATION_LIMITS = {
  name: 120,
  description: 3000,
  website: 200,
  address: 200,
  rejectionReason: 500,
  projectTitle: 120,
  projectDescription: 2000,
} as const;

/** How long an invitation link to a structure's team stays valid. */
export const INVITATION_DAYS = 14;

/** A structure's state, from its timestamps. */
export type OrganizationStatus = 'pending' | 'validated' | 'rejected';
export function organizationStatus(o: {
  validatedAt: Date | null;
  rejectedAt: Date | null;
}): OrganizationStatus {
  if (o.validatedAt) return 'validated';
  if (o.rejectedAt) return 'rejected';
  return 'pending';
}

/**
 * A SIREN number: 9 digits whose Luhn checksum is right (spaces allowed when typed). The one
 * exception to Luhn, La Poste (356 000 000), is accepted as INSEE does.
 */
export function normalizeSiren(value: string): string | null {
  const digits = value.replace(/[\s.]/g, '');
  if (!/^\d{9}$/.test(digits)) return null;
  if (digits === '356000000') return digits;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(digits[8 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0 ? digits : null;
}

/** An RNA number (répertoire national des associations): « W » then 9 digits, e.g. W481000123. */
export function normalizeRna(value: string): string | null {
  const compact = value.replace(/\s/g, '').toUpperCase();
  return /^W\d{9}$/.test(compact) ? compact : null;
}

/** A URL slug from a name: « Secours populaire — Mende » → « secours-populaire-mende ». */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'structure';
}

/** Only public buildings may show their exact address, and only when the structure chooses to. */
export const mayShowAddress = (kind: OrganizationKind) => kind !== 'autre';
