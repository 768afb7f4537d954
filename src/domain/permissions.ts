import type { Role } from '../db/schema.ts';

/**
 * Permissions are strings `verb:entity:own|any`. A role grants a list of them; `can` is the one
 * place that answers whether an actor may act, and it denies anything not granted.
 */
export type Scope = 'own' | 'any';
export type Action = `${string}:${string}`;
export type Permission = `${Action}:${Scope}`;

const MEMBER: Permission[] = [
  'read:account:own',
  'update:account:own',
  'create:post:own',
  'update:post:own',
  'create:report:own',
  'create:organization:own',
];
const MODERATOR: Permission[] = [
  ...MEMBER,
  'read:report:any',
  'hide:post:any',
  'suspend:account:any',
  'read:audit:any',
];
const OPERATOR: Permission[] = [
  ...MEMBER,
  'create:beneficiary:any',
  'read:beneficiary:any',
  'update:beneficiary:any',
  'create:case:any',
  'read:case:any',
  'update:case:any',
  'create:post:any',
  'verify:skill:any',
];
const ADMIN: Permission[] = [
  ...new Set([...MODERATOR, ...OPERATOR]),
  'update:territory:any',
  'create:area:any',
  'update:area:any',
  'create:category:any',
  'update:category:any',
  'update:membership:any',
  'read:stats:any',
  'export:data:any',
  'validate:organization:any',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  member: MEMBER,
  moderator: MODERATOR,
  operator: OPERATOR,
  admin: ADMIN,
};

export interface Actor {
  accountId: string;
  roles: readonly Role[];
}

/** May `actor` perform `action` on a resource owned by `ownerId`? Deny by default. */
export function can(actor: Actor | null, action: Action, resource?: { ownerId: string | null }): boolean {
  if (!actor) return false;
  const granted = new Set(actor.roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []));
  if (granted.has(`${action}:any`)) return true;
  return granted.has(`${action}:own`) && resource !== undefined && resource.ownerId === actor.accountId;
}

/** True when the actor holds a staff role (anything beyond member) in the territory. */
export const isStaff = (actor: Actor | null) => !!actor && actor.roles.some((r) => r !== 'member');
