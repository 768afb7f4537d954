import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import {
  afterNearest,
  distanceTo,
  knnDistance,
  nearestPageBound,
  publicPointOf,
  withinRadius,
  type NearPoint,
} from '../../db/geo-search.ts';
import {
  application,
  mission,
  missionSlot,
  skill,
  volunteerProfile,
  volunteerSkill,
  type DeclineReason,
  type MissionStatus,
} from '../../db/schema.ts';

export type MissionRow = typeof mission.$inferSelect;
export type NewMission = typeof mission.$inferInsert;
export type SlotRow = typeof missionSlot.$inferSelect;
export type ApplicationRow = typeof application.$inferSelect;

/** Filters of the public mission search; all optional but the territory. */
export interface MissionSearch {
  territoryId: string;
  domain?: string | null;
  categoryIds?: string[];
  areaId?: string | null;
  near?: NearPoint | null;
  radiusKm?: number;
  /** Missions that take place (at least partly) between these days. */
  from?: string | null;
  to?: string | null;
  /** Missions asking for at least one of these skills. */
  skillIds?: string[];
  remote?: boolean;
  sort: 'nearest' | 'newest';
  limit: number;
  after?: { key: number; id: string } | null;
}

/** A mission as the public sees it in a list: no address, no team. */
export interface PublicMissionRow {
  id: string;
  title: string;
  excerpt: string;
  status: MissionStatus;
  domain: string;
  schedule: string;
  recurrenceText: string;
  startsOn: string | null;
  endsOn: string | null;
  volunteersNeeded: number;
  placesLeft: number;
  remotePossible: boolean;
  remoteOnly: boolean;
  reducedMobility: boolean;
  openToMinors: boolean;
  requiredSkillIds: string[];
  publicLat: number;
  publicLon: number;
  publishedAt: Date;
  categoryId: string;
  categorySlug: string;
  categoryName: string;
  areaId: string;
  areaName: string;
  organizationName: string;
  organizationSlug: string;
  distanceM: number | null;
  sortKey: number;
}

const missionPoint = publicPointOf('m');

function searchConditions(s: MissionSearch): SQL {
  const parts: SQL[] = [
    sql`m.territory_id = ${s.territoryId}`,
    sql`m.status in ('open', 'full')`,
    sql`(m.ends_on is null or m.ends_on >= current_date)`,
  ];
  if (s.domain) parts.push(sql`m.domain = ${s.domain}`);
  if (s.categoryIds && s.categoryIds.length > 0)
    parts.push(
      sql`m.category_id in (${sql.join(
        s.categoryIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
  if (s.areaId) parts.push(sql`m.area_id = ${s.areaId}::uuid`);
  if (s.near && s.radiusKm) {
    // A remote mission is near everyone when remote ones are asked for.
    const near = withinRadius(missionPoint, s.near, s.radiusKm);
    parts.push(s.remote ? sql`(m.remote_possible or (${near}))` : near);
  }
  if (s.from) parts.push(sql`(m.ends_on is null or m.ends_on >= ${s.from}::date)`);
  if (s.to) parts.push(sql`(m.starts_on is null or m.starts_on <= ${s.to}::date)`);
  if (s.skillIds && s.skillIds.length > 0)
    parts.push(
      sql`m.required_skill_ids && array[${sql.join(
        s.skillIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}]::uuid[]`,
    );
  if (s.remote) parts.push(sql`m.remote_possible`);
  return sql.join(parts, sql` and `);
}

/**
 * One page of listed missions (open or full, not over), with one more row when there is a next
 * page. Nearest-first uses the GiST index's KNN order in two phases, as the posts' search.
 */
export async function searchMissions(db: Executor, s: MissionSearch): Promise<PublicMissionRow[]> {
  const distance = s.near ? distanceTo(missionPoint, s.near) : sql`null::float8`;
  const knn = s.sort === 'nearest' && s.near ? knnDistance(missionPoint, s.near) : null;
  const sortKey = knn ?? sql`extract(epoch from m.published_at)`;
  const order = knn ? sql`${knn}, m.id` : sql`m.published_at desc nulls last, m.id desc nulls last`;
  let keyset = sql`true`;
  if (s.after)
    keyset = knn
      ? afterNearest(knn, sql`m.id`, s.after)
      : sql`(m.published_at, m.id) < (to_timestamp(${s.after.key}::float8), ${s.after.id}::uuid)`;
  const bound =
    knn && s.near && !s.remote
      ? nearestPageBound({
          from: sql`mission m`,
          where: sql`${searchConditions(s)} and ${keyset}`,
          point: missionPoint,
          near: s.near,
          limit: s.limit,
        })
      : sql`true`;
  const rows = await queryRows<PublicMissionRow>(
    db,
    sql`select m.id, m.title, m.excerpt, m.status, m.domain, m.schedule, m.recurrence_text as "recurrenceText",
          m.starts_on as "startsOn", m.ends_on as "endsOn", m.volunteers_needed as "volunteersNeeded",
          (select coalesce(sum(greatest(sl.capacity - sl.taken, 0)), 0)::int from mission_slot sl where sl.mission_id = m.id) as "placesLeft",
          m.remote_possible as "remotePossible", m.remote_only as "remoteOnly",
          m.reduced_mobility as "reducedMobility", m.open_to_minors as "openToMinors",
          m.required_skill_ids as "requiredSkillIds",
          m.public_lat as "publicLat", m.public_lon as "publicLon", m.published_at as "publishedAt",
          c.id as "categoryId", c.slug as "categorySlug", c.name as "categoryName",
          a.id as "areaId", a.name as "areaName", o.name as "organizationName", o.slug as "organizationSlug",
          m.distance_m as "distanceM", m.sort_key as "sortKey"
        from (
          select m.id, m.title, left(m.description, 240) as excerpt, m.status, m.domain, m.schedule,
            m.recurrence_text, m.starts_on, m.ends_on, m.volunteers_needed, m.remote_possible, m.remote_only,
            m.reduced_mobility, m.open_to_minors, m.required_skill_ids, m.public_lat, m.public_lon,
            m.published_at, m.category_id, m.area_id, m.organization_id,
            ${distance} as distance_m, ${sortKey}::float8 as sort_key
          from mission m
          where ${searchConditions(s)} and ${keyset} and ${bound}
          order by ${order}
          limit ${s.limit + 1}
        ) m
        join category c on c.id = m.category_id
        join area a on a.id = m.area_id
        join organization o on o.id = m.organization_id
        order by ${knn ? sql`m.sort_key, m.id` : sql`m.published_at desc, m.id desc`}`,
  );
  return rows.map((r) => ({
    ...r,
    publishedAt: new Date(r.publishedAt),
    distanceM: r.distanceM === null ? null : Number(r.distanceM),
    sortKey: Number(r.sortKey),
    placesLeft: Number(r.placesLeft),
  }));
}

/** Listed missions in a box, for the map (public points only). */
export async function mapMissions(
  db: Executor,
  territoryId: string,
  bbox: [number, number, number, number],
  limit: number,
) {
  const [w, s, e, n] = bbox;
  return queryRows<{
    id: string;
    title: string;
    lat: number;
    lon: number;
    categorySlug: string;
    areaName: string;
    status: MissionStatus;
  }>(
    db,
    sql`select m.id, m.title, m.public_lat as lat, m.public_lon as lon, c.slug as "categorySlug", a.name as "areaName", m.status
        from mission m join category c on c.id = m.category_id join area a on a.id = m.area_id
        where ${searchConditions({ territoryId, sort: 'newest', limit: 0 })}
          and m.public_lat between ${s}::float8 and ${n}::float8 and m.public_lon between ${w}::float8 and ${e}::float8
        limit ${limit}`,
  );
}

/** One mission with its structure, category and area names, whatever its status. */
export async function findMission(db: Executor, territoryId: string, id: string) {
  const [row] = await queryRows<
    MissionRow & {
      categoryName: string;
      categorySlug: string;
      areaName: string;
      organizationName: string;
      organizationSlug: string;
      organizationValidatedAt: Date | null;
    }
  >(
    db,
    sql`select m.id, m.territory_id as "territoryId", m.organization_id as "organizationId", m.title, m.description,
          m.category_id as "categoryId", m.domain, m.schedule, m.recurrence_text as "recurrenceText",
          m.recurrence_days as "recurrenceDays", m.starts_on as "startsOn", m.ends_on as "endsOn",
          m.volunteers_needed as "volunteersNeeded", m.required_skill_ids as "requiredSkillIds", m.min_age as "minAge",
          m.reduced_mobility as "reducedMobility", m.remote_possible as "remotePossible",
          m.open_to_minors as "openToMinors", m.remote_only as "remoteOnly", m.area_id as "areaId", m.address,
          m.exact_lat as "exactLat", m.exact_lon as "exactLon", m.public_lat as "publicLat", m.public_lon as "publicLon",
          m.created_by_account_id as "createdByAccountId", m.status, m.published_at as "publishedAt",
          m.full_at as "fullAt", m.closed_at as "closedAt", m.cancelled_at as "cancelledAt",
          m.created_at as "createdAt", m.updated_at as "updatedAt",
          c.name as "categoryName", c.slug as "categorySlug", a.name as "areaName",
          o.name as "organizationName", o.slug as "organizationSlug", o.validated_at as "organizationValidatedAt"
        from mission m join category c on c.id = m.category_id join area a on a.id = m.area_id
        join organization o on o.id = m.organization_id
        where m.territory_id = ${territoryId} and m.id = ${id}::uuid`,
  );
  if (!row) return null;
  for (const k of ['publishedAt', 'fullAt', 'closedAt', 'cancelledAt', 'createdAt', 'updatedAt'] as const)
    if (row[k] !== null) (row as Record<string, unknown>)[k] = new Date(row[k] as unknown as string);
  return row;
}

export async function insertMission(db: Executor, values: NewMission): Promise<MissionRow> {
  const [row] = await db.insert(mission).values(values).returning();
  return row!;
}

export async function insertSlots(db: Executor, rows: Array<typeof missionSlot.$inferInsert>) {
  if (rows.length > 0) await db.insert(missionSlot).values(rows);
}

export async function listSlots(db: Executor, missionId: string): Promise<SlotRow[]> {
  return db
    .select()
    .from(missionSlot)
    .where(eq(missionSlot.missionId, missionId))
    .orderBy(missionSlot.position);
}

/** Rewrites what a mission says (not its dates, places or lifecycle). */
export async function updateMission(db: Executor, id: string, values: Partial<typeof mission.$inferInsert>) {
  await db
    .update(mission)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(mission.id, id));
}

export async function setMissionLifecycle(
  db: Executor,
  id: string,
  values: Partial<Pick<MissionRow, 'closedAt' | 'cancelledAt' | 'status'>>,
) {
  await db
    .update(mission)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(mission.id, id));
}

/** A structure's missions, newest first, with their places and applications counted. */
export async function listOrganizationMissions(db: Executor, organizationId: string) {
  const rows = await queryRows<{
    id: string;
    title: string;
    status: MissionStatus;
    startsOn: string | null;
    capacity: number;
    taken: number;
    pending: number;
    accepted: number;
    waitlisted: number;
  }>(
    db,
    sql`select m.id, m.title, m.status, m.starts_on as "startsOn",
          (select coalesce(sum(capacity), 0)::int from mission_slot where mission_id = m.id) as capacity,
          (select coalesce(sum(taken), 0)::int from mission_slot where mission_id = m.id) as taken,
          count(ap.id) filter (where ap.accepted_at is null and ap.waitlisted_at is null and ap.declined_at is null and ap.withdrawn_at is null)::int as pending,
          count(ap.id) filter (where ap.accepted_at is not null and ap.declined_at is null and ap.withdrawn_at is null)::int as accepted,
          count(ap.id) filter (where ap.waitlisted_at is not null and ap.declined_at is null and ap.withdrawn_at is null)::int as waitlisted
        from mission m left join application ap on ap.mission_id = m.id
        where m.organization_id = ${organizationId}
        group by m.id
        order by m.created_at desc
        limit 200`,
  );
  return rows.map((r) => ({
    ...r,
    capacity: Number(r.capacity),
    taken: Number(r.taken),
    pending: Number(r.pending),
    accepted: Number(r.accepted),
    waitlisted: Number(r.waitlisted),
  }));
}

/**
 * Locks a slot of a mission for the rest of the transaction (every place change goes through it).
 * FOR NO KEY UPDATE, the lock an UPDATE takes: FOR UPDATE would also wait for the key-share locks
 * that inserting an application puts on its slot, and two applicants would deadlock.
 */
export async function lockSlot(db: Executor, missionId: string, slotId: string) {
  const [row] = await queryRows<{ id: string; capacity: number; taken: number }>(
    db,
    sql`select id, capacity, taken from mission_slot where id = ${slotId}::uuid and mission_id = ${missionId}::uuid for no key update`,
  );
  return row ? { ...row, capacity: Number(row.capacity), taken: Number(row.taken) } : null;
}

/**
 * Takes one place of a slot when one is left (the UPDATE locks the row until the commit), and
 * says how many are left; null when it is full. Never exceeds capacity.
 */
export async function takePlace(db: Executor, slotId: string): Promise<{ left: number } | null> {
  const rows = await queryRows<{ left: number }>(
    db,
    sql`update mission_slot set taken = taken + 1 where id = ${slotId}::uuid and taken < capacity
        returning capacity - taken as "left"`,
  );
  return rows[0] ? { left: Number(rows[0].left) } : null;
}

/** Gives back one place of a locked slot. */
export async function releasePlace(db: Executor, slotId: string) {
  await db.execute(sql`update mission_slot set taken = taken - 1 where id = ${slotId}::uuid and taken > 0`);
}

/** Marks a mission full when no slot has a place left, or open again when one has; returns its status. */
export async function refreshFull(db: Executor, missionId: string) {
  await db.execute(sql`update mission set
      full_at = case when exists (select 1 from mission_slot where mission_id = ${missionId}::uuid and taken < capacity)
        then null else coalesce(full_at, now()) end,
      status = case when status in ('open', 'full') then
        (case when exists (select 1 from mission_slot where mission_id = ${missionId}::uuid and taken < capacity)
          then 'open' else 'full' end)
        else status end
    where id = ${missionId}::uuid`);
}

/** Raw rows carry timestamps as strings (PGlite and pg differ): Dates for an application's. */
function applicationDates<
  T extends {
    createdAt: Date;
    waitlistedAt: Date | null;
    acceptedAt: Date | null;
    declinedAt: Date | null;
    withdrawnAt: Date | null;
    slotStartsAt: Date | null;
  },
>(r: T): T {
  const d = (v: Date | null) => (v === null ? null : new Date(v));
  return {
    ...r,
    createdAt: new Date(r.createdAt),
    waitlistedAt: d(r.waitlistedAt),
    acceptedAt: d(r.acceptedAt),
    declinedAt: d(r.declinedAt),
    withdrawnAt: d(r.withdrawnAt),
    slotStartsAt: d(r.slotStartsAt),
  };
}

/** A volunteer's live application to a slot, if any. */
export async function findLiveApplication(db: Executor, slotId: string, accountId: string) {
  const [row] = await db
    .select()
    .from(application)
    .where(
      and(
        eq(application.slotId, slotId),
        eq(application.volunteerAccountId, accountId),
        sql`${application.withdrawnAt} is null and ${application.declinedAt} is null`,
      ),
    )
    .limit(1);
  return row ?? null;
}

export async function insertApplication(db: Executor, values: typeof application.$inferInsert) {
  const [row] = await db.insert(application).values(values).returning();
  return row!;
}

/** One application with its mission's structure (for rights) and the volunteer's names. */
export async function findApplication(db: Executor, territoryId: string, id: string) {
  const [row] = await queryRows<
    ApplicationRow & {
      organizationId: string;
      missionTitle: string;
      volunteerName: string;
      volunteerEmail: string;
    }
  >(
    db,
    sql`select ap.id, ap.territory_id as "territoryId", ap.mission_id as "missionId", ap.slot_id as "slotId",
          ap.volunteer_account_id as "volunteerAccountId", ap.message, ap.created_at as "createdAt",
          ap.waitlisted_at as "waitlistedAt", ap.promoted_at as "promotedAt", ap.accepted_at as "acceptedAt",
          ap.declined_at as "declinedAt", ap.decline_reason as "declineReason", ap.withdrawn_at as "withdrawnAt",
          ap.decided_by_account_id as "decidedByAccountId",
          m.organization_id as "organizationId", m.title as "missionTitle",
          acc.display_name as "volunteerName", acc.email as "volunteerEmail"
        from application ap join mission m on m.id = ap.mission_id join account acc on acc.id = ap.volunteer_account_id
        where ap.territory_id = ${territoryId} and ap.id = ${id}::uuid`,
  );
  if (!row) return null;
  for (const k of [
    'createdAt',
    'waitlistedAt',
    'promotedAt',
    'acceptedAt',
    'declinedAt',
    'withdrawnAt',
  ] as const)
    if (row[k] !== null) (row as Record<string, unknown>)[k] = new Date(row[k] as unknown as string);
  return row;
}

/** Locks an application row for a decision. */
export async function lockApplication(db: Executor, id: string) {
  const [row] = await db.select().from(application).where(eq(application.id, id)).for('update').limit(1);
  return row ?? null;
}

export async function updateApplication(db: Executor, id: string, values: Partial<ApplicationRow>) {
  await db.update(application).set(values).where(eq(application.id, id));
}

/** The first application of a slot's waiting list, locked, or null. */
export async function firstWaiting(db: Executor, slotId: string) {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`select id from application where slot_id = ${slotId}::uuid and waitlisted_at is not null
          and withdrawn_at is null and declined_at is null
        order by waitlisted_at, id limit 1 for update`,
  );
  return row ?? null;
}

/** A mission's applications for its structure: the contact details only of accepted volunteers. */
export async function listMissionApplications(db: Executor, missionId: string) {
  const rows = await queryRows<
    ApplicationRow & {
      volunteerName: string;
      email: string | null;
      phone: string | null;
      slotStartsAt: Date | null;
    }
  >(
    db,
    sql`select ap.id, ap.mission_id as "missionId", ap.slot_id as "slotId", ap.volunteer_account_id as "volunteerAccountId",
          ap.message, ap.created_at as "createdAt", ap.waitlisted_at as "waitlistedAt", ap.promoted_at as "promotedAt",
          ap.accepted_at as "acceptedAt", ap.declined_at as "declinedAt", ap.decline_reason as "declineReason",
          ap.withdrawn_at as "withdrawnAt", acc.display_name as "volunteerName",
          case when ap.accepted_at is not null and ap.declined_at is null and ap.withdrawn_at is null then acc.email end as email,
          case when ap.accepted_at is not null and ap.declined_at is null and ap.withdrawn_at is null then acc.phone end as phone,
          sl.starts_at as "slotStartsAt"
        from application ap join account acc on acc.id = ap.volunteer_account_id
        join mission_slot sl on sl.id = ap.slot_id
        where ap.mission_id = ${missionId}::uuid
        order by ap.created_at, ap.id`,
  );
  return rows.map(applicationDates);
}

/** A volunteer's applications, newest first. */
export async function listVolunteerApplications(db: Executor, territoryId: string, accountId: string) {
  const rows = await queryRows<
    ApplicationRow & {
      missionTitle: string;
      organizationName: string;
      organizationSlug: string;
      slotStartsAt: Date | null;
    }
  >(
    db,
    sql`select ap.id, ap.mission_id as "missionId", ap.slot_id as "slotId", ap.created_at as "createdAt",
          ap.waitlisted_at as "waitlistedAt", ap.accepted_at as "acceptedAt", ap.declined_at as "declinedAt",
          ap.decline_reason as "declineReason", ap.withdrawn_at as "withdrawnAt",
          m.title as "missionTitle", o.name as "organizationName", o.slug as "organizationSlug", sl.starts_at as "slotStartsAt"
        from application ap join mission m on m.id = ap.mission_id join organization o on o.id = m.organization_id
        join mission_slot sl on sl.id = ap.slot_id
        where ap.territory_id = ${territoryId} and ap.volunteer_account_id = ${accountId}
        order by ap.created_at desc limit 200`,
  );
  return rows.map(applicationDates);
}

/** Live applications of a mission (to tell them it is cancelled). */
export async function liveApplicants(db: Executor, missionId: string) {
  return queryRows<{ id: string; email: string; displayName: string }>(
    db,
    sql`select ap.id, acc.email, acc.display_name as "displayName"
        from application ap join account acc on acc.id = ap.volunteer_account_id
        where ap.mission_id = ${missionId}::uuid and ap.withdrawn_at is null and ap.declined_at is null`,
  );
}

export async function declineAllLive(db: Executor, missionId: string, reason: DeclineReason, by: string) {
  await db.execute(sql`update application set declined_at = now(), decline_reason = ${reason}, decided_by_account_id = ${by}::uuid
    where mission_id = ${missionId}::uuid and withdrawn_at is null and declined_at is null`);
  await db.execute(sql`update mission_slot set taken = 0 where mission_id = ${missionId}::uuid`);
}

// ---------------------------------------------------------------------------------------------
// Skills and volunteer profiles

export async function listSkills(db: Executor, territoryId: string) {
  return db
    .select({ id: skill.id, slug: skill.slug, name: skill.name, health: skill.health })
    .from(skill)
    .where(and(eq(skill.territoryId, territoryId), sql`${skill.archivedAt} is null`))
    .orderBy(skill.position);
}

export async function findProfile(db: Executor, territoryId: string, accountId: string) {
  const [row] = await db
    .select()
    .from(volunteerProfile)
    .where(and(eq(volunteerProfile.territoryId, territoryId), eq(volunteerProfile.accountId, accountId)))
    .limit(1);
  return row ?? null;
}

export async function upsertProfile(db: Executor, values: typeof volunteerProfile.$inferInsert) {
  await db
    .insert(volunteerProfile)
    .values(values)
    .onConflictDoUpdate({
      target: [volunteerProfile.territoryId, volunteerProfile.accountId],
      set: { ...values, updatedAt: sql`now()` },
    });
}

/** Volunteers' declared skills of a territory, with their verification: one query for all of them. */
export async function listVolunteerSkills(db: Executor, territoryId: string, accountIds: string[]) {
  if (accountIds.length === 0) return [];
  return queryRows<{
    accountId: string;
    skillId: string;
    name: string;
    health: boolean;
    verifiedAt: Date | null;
    verifierName: string | null;
    organizationName: string | null;
  }>(
    db,
    sql`select vs.account_id as "accountId", vs.skill_id as "skillId", s.name, s.health, vs.verified_at as "verifiedAt",
          acc.display_name as "verifierName", o.name as "organizationName"
        from volunteer_skill vs join skill s on s.id = vs.skill_id
        left join account acc on acc.id = vs.verified_by_account_id
        left join organization o on o.id = vs.verified_by_organization_id
        where vs.account_id in (${sql.join(
          accountIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) and s.territory_id = ${territoryId}
        order by s.position`,
  ).then((rows) => rows.map((r) => ({ ...r, verifiedAt: r.verifiedAt ? new Date(r.verifiedAt) : null })));
}

/** Replaces the declared skills: kept ones keep their verification, removed ones go. */
export async function setVolunteerSkills(
  db: Executor,
  territoryId: string,
  accountId: string,
  skillIds: string[],
) {
  const keep = skillIds.length
    ? sql`and vs.skill_id not in (${sql.join(
        skillIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  await db.execute(sql`delete from volunteer_skill vs using skill s
    where s.id = vs.skill_id and s.territory_id = ${territoryId} and vs.account_id = ${accountId} ${keep}`);
  if (skillIds.length)
    await db
      .insert(volunteerSkill)
      .values(skillIds.map((skillId) => ({ accountId, skillId })))
      .onConflictDoNothing();
}

/** Records who verified a volunteer's skill of the territory, and when. */
export async function verifySkill(
  db: Executor,
  territoryId: string,
  accountId: string,
  skillId: string,
  by: { accountId: string; organizationId: string | null },
): Promise<boolean> {
  const rows = await db
    .update(volunteerSkill)
    .set({
      verifiedAt: sql`now()`,
      verifiedByAccountId: by.accountId,
      verifiedByOrganizationId: by.organizationId,
    })
    .where(
      and(
        eq(volunteerSkill.accountId, accountId),
        eq(volunteerSkill.skillId, skillId),
        sql`${volunteerSkill.verifiedAt} is null`,
        sql`${volunteerSkill.skillId} in (select id from skill where territory_id = ${territoryId})`,
      ),
    )
    .returning({ skillId: volunteerSkill.skillId });
  return rows.length > 0;
}

/** Has the volunteer applied (at any time) to a mission of this structure? */
export async function hasAppliedTo(
  db: Executor,
  organizationId: string,
  accountId: string,
): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from application ap join mission m on m.id = ap.mission_id
        where m.organization_id = ${organizationId}::uuid and ap.volunteer_account_id = ${accountId}::uuid limit 1`,
  );
  return rows.length > 0;
}

/**
 * The operators' list: health skills declared in the territory and not confirmed yet, oldest
 * first, with the volunteer's name and commune (never their contact details), and how many in all.
 */
export async function listSkillsToVerify(db: Executor, territoryId: string, limit: number) {
  return queryRows<{
    accountId: string;
    displayName: string;
    skillId: string;
    skillName: string;
    declaredAt: Date;
    commune: string | null;
    total: number;
  }>(
    db,
    sql`select vs.account_id as "accountId", acc.display_name as "displayName", vs.skill_id as "skillId",
          s.name as "skillName", vs.declared_at as "declaredAt", a.name as commune,
          (count(*) over ())::int as total
        from volunteer_skill vs
        join skill s on s.id = vs.skill_id
        join account acc on acc.id = vs.account_id
        join membership ms on ms.account_id = acc.id and ms.territory_id = ${territoryId}
        left join volunteer_profile vp on vp.account_id = acc.id and vp.territory_id = ${territoryId}
        left join area a on a.id = vp.base_area_id
        where s.territory_id = ${territoryId} and s.health and s.archived_at is null
          and vs.verified_at is null and acc.suspended_at is null
        order by vs.declared_at, acc.display_name, s.position
        limit ${limit}`,
  ).then((rows) => rows.map((r) => ({ ...r, declaredAt: new Date(r.declaredAt) })));
}

/** The latest confirmations of health skills in the territory: whose, by whom, when. */
export async function listRecentlyVerified(db: Executor, territoryId: string, limit: number) {
  return queryRows<{
    displayName: string;
    skillName: string;
    verifiedAt: Date;
    verifierName: string | null;
    organizationName: string | null;
  }>(
    db,
    sql`select acc.display_name as "displayName", s.name as "skillName", vs.verified_at as "verifiedAt",
          by_acc.display_name as "verifierName", o.name as "organizationName"
        from volunteer_skill vs
        join skill s on s.id = vs.skill_id
        join account acc on acc.id = vs.account_id
        left join account by_acc on by_acc.id = vs.verified_by_account_id
        left join organization o on o.id = vs.verified_by_organization_id
        where s.territory_id = ${territoryId} and s.health and vs.verified_at is not null
        order by vs.verified_at desc
        limit ${limit}`,
  ).then((rows) => rows.map((r) => ({ ...r, verifiedAt: new Date(r.verifiedAt) })));
}
