import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { geoPoint, publicPointOf, withinRadius, type NearPoint } from '../../db/geo-search.ts';
import {
  account,
  organization,
  organizationInvitation,
  organizationMember,
  project,
  type OrganizationRole,
} from '../../db/schema.ts';

export type OrganizationRow = typeof organization.$inferSelect;
export type NewOrganization = typeof organization.$inferInsert;
export type ProjectRow = typeof project.$inferSelect;

/** Filters of the public directory: validated structures only. */
export interface DirectoryFilters {
  territoryId: string;
  domain?: string | null;
  categoryId?: string | null;
  areaId?: string | null;
  near?: NearPoint | null;
  radiusKm?: number;
  limit: number;
  offset: number;
}

function directoryConditions(f: DirectoryFilters): SQL {
  const parts: SQL[] = [sql`o.territory_id = ${f.territoryId}`, sql`o.validated_at is not null`];
  if (f.domain) parts.push(sql`${f.domain} = any(o.domains)`);
  if (f.categoryId) parts.push(sql`${f.categoryId}::uuid = any(o.category_ids)`);
  // A structure is in a commune when it is based there or covers it.
  if (f.areaId) parts.push(sql`(o.area_id = ${f.areaId}::uuid or ${f.areaId}::uuid = any(o.area_ids))`);
  if (f.near && f.radiusKm) parts.push(withinRadius(publicPointOf('o'), f.near, f.radiusKm));
  return sql.join(parts, sql` and `);
}

/** A page of validated structures, by name (or nearest first around a point), with one more row when there is a next page. */
export async function listDirectory(db: Executor, f: DirectoryFilters) {
  const order = f.near ? sql`${publicPointOf('o')} <-> ${geoPoint(f.near)}, o.id` : sql`o.name, o.id`;
  return queryRows<OrganizationRow & { areaName: string }>(
    db,
    sql`select o.id, o.slug, o.name, o.kind, o.description, o.domains, o.category_ids as "categoryIds",
          o.area_ids as "areaIds", o.area_id as "areaId", o.public_lat as "publicLat", o.public_lon as "publicLon",
          o.show_address as "showAddress", o.address, o.exact_lat as "exactLat", o.exact_lon as "exactLon",
          o.contact_email as "contactEmail", o.contact_phone as "contactPhone", o.website,
          o.validated_at as "validatedAt", o.created_at as "createdAt", a.name as "areaName"
        from organization o join area a on a.id = o.area_id
        where ${directoryConditions(f)}
        order by ${order}
        limit ${f.limit + 1} offset ${f.offset}`,
  );
}

/** Validated structures in a box, for the map: their public point only (approximate, or the public building they chose to show). */
export async function mapDirectory(
  db: Executor,
  f: DirectoryFilters,
  bbox: [number, number, number, number],
  limit: number,
) {
  const [w, s, e, n] = bbox;
  return queryRows<{
    id: string;
    slug: string;
    name: string;
    kind: OrganizationRow['kind'];
    lat: number;
    lon: number;
    areaName: string;
  }>(
    db,
    sql`select o.id, o.slug, o.name, o.kind, o.public_lat as lat, o.public_lon as lon, a.name as "areaName"
        from organization o join area a on a.id = o.area_id
        where ${directoryConditions(f)}
          and o.public_lat between ${s}::float8 and ${n}::float8 and o.public_lon between ${w}::float8 and ${e}::float8
        order by o.name, o.id
        limit ${limit}`,
  );
}

/** How many validated structures match (the directory's « 12 structures »). */
export async function countDirectory(db: Executor, f: DirectoryFilters): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from organization o where ${directoryConditions(f)}`,
  );
  return Number(row?.n ?? 0);
}

export async function findBySlug(db: Executor, territoryId: string, slug: string) {
  const [row] = await db
    .select()
    .from(organization)
    .where(and(eq(organization.territoryId, territoryId), eq(organization.slug, slug)))
    .limit(1);
  return row ?? null;
}

export async function findById(db: Executor, territoryId: string, id: string) {
  const [row] = await db
    .select()
    .from(organization)
    .where(and(eq(organization.territoryId, territoryId), eq(organization.id, id)))
    .limit(1);
  return row ?? null;
}

export async function slugTaken(db: Executor, territoryId: string, slug: string): Promise<boolean> {
  return (await findBySlug(db, territoryId, slug)) !== null;
}

export async function insertOrganization(db: Executor, values: NewOrganization): Promise<OrganizationRow> {
  const [row] = await db.insert(organization).values(values).returning();
  return row!;
}

export async function updateOrganization(db: Executor, id: string, values: Partial<NewOrganization>) {
  await db
    .update(organization)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(organization.id, id));
}

/** Structures waiting for validation, oldest first. */
export async function listPending(db: Executor, territoryId: string) {
  return queryRows<OrganizationRow & { areaName: string; creatorName: string | null }>(
    db,
    sql`select o.id, o.slug, o.name, o.kind, o.siren, o.rna, o.description, o.created_at as "createdAt",
          a.name as "areaName", acc.display_name as "creatorName"
        from organization o join area a on a.id = o.area_id
        left join account acc on acc.id = o.created_by_account_id
        where o.territory_id = ${territoryId} and o.validated_at is null and o.rejected_at is null
        order by o.created_at limit 200`,
  ).then((rows) => rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) })));
}

export async function insertMember(
  db: Executor,
  values: { organizationId: string; accountId: string; role: OrganizationRole },
) {
  await db
    .insert(organizationMember)
    .values(values)
    .onConflictDoUpdate({
      target: [organizationMember.organizationId, organizationMember.accountId],
      // An owner invited again as manager stays owner.
      set: { role: sql`case when ${organizationMember.role} = 'owner' then 'owner' else excluded.role end` },
    });
}

/** The viewer's role in a structure, or null. */
export async function memberRole(
  db: Executor,
  organizationId: string,
  accountId: string,
): Promise<OrganizationRole | null> {
  const [row] = await db
    .select({ role: organizationMember.role })
    .from(organizationMember)
    .where(
      and(eq(organizationMember.organizationId, organizationId), eq(organizationMember.accountId, accountId)),
    )
    .limit(1);
  return row?.role ?? null;
}

/** The team of a structure: names, roles, and their email (shown to the team only). */
export async function listMembers(db: Executor, organizationId: string) {
  return db
    .select({
      accountId: organizationMember.accountId,
      role: organizationMember.role,
      displayName: account.displayName,
      email: account.email,
    })
    .from(organizationMember)
    .innerJoin(account, eq(account.id, organizationMember.accountId))
    .where(eq(organizationMember.organizationId, organizationId))
    .orderBy(organizationMember.createdAt);
}

/** The structures an account belongs to in a territory, with its role. */
export async function listForAccount(db: Executor, territoryId: string, accountId: string) {
  return queryRows<{
    id: string;
    slug: string;
    name: string;
    role: OrganizationRole;
    validatedAt: Date | null;
    rejectedAt: Date | null;
  }>(
    db,
    sql`select o.id, o.slug, o.name, m.role, o.validated_at as "validatedAt", o.rejected_at as "rejectedAt"
        from organization_member m join organization o on o.id = m.organization_id
        where m.account_id = ${accountId} and o.territory_id = ${territoryId}
        order by o.name`,
  );
}

export async function insertInvitation(db: Executor, values: typeof organizationInvitation.$inferInsert) {
  await db.insert(organizationInvitation).values(values);
}

/** Marks a live invitation used and returns it, or null (unknown, used or expired). */
export async function consumeInvitation(db: Executor, tokenHash: string, accountId: string) {
  const [row] = await db
    .update(organizationInvitation)
    .set({ acceptedAt: sql`now()`, acceptedByAccountId: accountId })
    .where(
      and(
        eq(organizationInvitation.tokenHash, tokenHash),
        sql`${organizationInvitation.acceptedAt} is null`,
        sql`${organizationInvitation.expiresAt} > now()`,
      ),
    )
    .returning();
  return row ?? null;
}

/** A live invitation (for the page that asks to confirm), or null. */
export async function peekInvitation(db: Executor, tokenHash: string) {
  const [row] = await queryRows<{
    organizationId: string;
    role: OrganizationRole;
    name: string;
    slug: string;
  }>(
    db,
    sql`select i.organization_id as "organizationId", i.role, o.name, o.slug
        from organization_invitation i join organization o on o.id = i.organization_id
        where i.token_hash = ${tokenHash} and i.accepted_at is null and i.expires_at > now()`,
  );
  return row ?? null;
}

export async function listOpenInvitations(db: Executor, organizationId: string) {
  return db
    .select({
      email: organizationInvitation.email,
      role: organizationInvitation.role,
      createdAt: organizationInvitation.createdAt,
    })
    .from(organizationInvitation)
    .where(
      and(
        eq(organizationInvitation.organizationId, organizationId),
        sql`${organizationInvitation.acceptedAt} is null and ${organizationInvitation.expiresAt} > now()`,
      ),
    )
    .orderBy(organizationInvitation.createdAt);
}

export async function insertProject(db: Executor, values: typeof project.$inferInsert): Promise<ProjectRow> {
  const [row] = await db.insert(project).values(values).returning();
  return row!;
}

/** Projects of validated structures (all of a territory, or one structure's), newest first. */
export async function listProjects(
  db: Executor,
  f: { territoryId: string; organizationId?: string; limit: number; offset: number },
) {
  return queryRows<
    ProjectRow & { organizationName: string; organizationSlug: string; areaName: string | null }
  >(
    db,
    sql`select p.id, p.title, p.description, p.starts_on as "startsOn", p.ends_on as "endsOn", p.link,
          p.created_at as "createdAt", p.organization_id as "organizationId",
          o.name as "organizationName", o.slug as "organizationSlug", a.name as "areaName"
        from project p join organization o on o.id = p.organization_id
        left join area a on a.id = p.area_id
        where p.territory_id = ${f.territoryId} and p.withdrawn_at is null and o.validated_at is not null
          ${f.organizationId ? sql`and p.organization_id = ${f.organizationId}::uuid` : sql``}
        order by p.created_at desc, p.id desc
        limit ${f.limit + 1} offset ${f.offset}`,
  );
}

export async function countProjects(db: Executor, territoryId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from project p join organization o on o.id = p.organization_id
        where p.territory_id = ${territoryId} and p.withdrawn_at is null and o.validated_at is not null`,
  );
  return Number(row?.n ?? 0);
}

/** The accounts to notify for a structure: its owners and managers. */
export async function teamEmails(db: Executor, organizationId: string) {
  return db
    .select({ accountId: account.id, email: account.email, displayName: account.displayName })
    .from(organizationMember)
    .innerJoin(account, eq(account.id, organizationMember.accountId))
    .where(eq(organizationMember.organizationId, organizationId));
}
