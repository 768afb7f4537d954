import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows as rawRows, type Executor } from '../../db/client.ts';
import {
  beneficiary,
  caseAssignment,
  caseEvent,
  helpCase,
  organizationApiToken,
  type AssigneeKind,
  type CallerKind,
  type CaseChannel,
  type CaseEventKind,
  type CaseOutcome,
  type CaseStatus,
  type CaseUrgency,
  type CallResult,
  type Domain,
} from '../../db/schema.ts';

export type BeneficiaryRow = typeof beneficiary.$inferSelect;
export type NewBeneficiary = typeof beneficiary.$inferInsert;
export type CaseRow = typeof helpCase.$inferSelect;
export type NewCase = typeof helpCase.$inferInsert;
export type AssignmentRow = typeof caseAssignment.$inferSelect;

// Every query here is scoped to a territory: a case id from another territory finds nothing.

/**
 * Rows of a raw query with their types restored: drivers answer timestamps and bigints as
 * strings (differently on PGlite and PostgreSQL), so `*At` fields become dates and `number` a number.
 */
async function queryRows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const rows = await rawRows<Record<string, unknown>>(db, query);
  for (const row of rows)
    for (const [key, value] of Object.entries(row)) {
      if (value === null || value === undefined) continue;
      if (key.endsWith('At') && !(value instanceof Date)) row[key] = new Date(value as string);
      else if ((key === 'number' || (key === 'id' && typeof value !== 'string')) && typeof value !== 'number')
        row[key] = Number(value);
    }
  return rows as T[];
}

export async function insertBeneficiary(db: Executor, values: NewBeneficiary): Promise<BeneficiaryRow> {
  const [row] = await db.insert(beneficiary).values(values).returning();
  return row!;
}

export async function findBeneficiary(db: Executor, territoryId: string, id: string) {
  const [row] = await db
    .select()
    .from(beneficiary)
    .where(and(eq(beneficiary.territoryId, territoryId), eq(beneficiary.id, id)));
  return row ?? null;
}

export async function insertCase(db: Executor, values: NewCase): Promise<CaseRow> {
  const [row] = await db.insert(helpCase).values(values).returning();
  return row!;
}

export async function updateCase(db: Executor, id: string, values: Partial<NewCase>) {
  await db
    .update(helpCase)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(helpCase.id, id));
}

/** A case with what every staff view of it shows (beneficiary, category, commune, operator). */
export interface CaseDetailRow extends CaseRow {
  civility: 'mme' | 'm' | null;
  firstName: string | null;
  lastName: string | null;
  beneficiaryPhone: string | null;
  address: string | null;
  exactLat: number | null;
  exactLon: number | null;
  categoryName: string;
  categoryDomain: Domain;
  skillName: string | null;
  areaName: string;
  areaCode: string;
  centroidLat: number;
  centroidLon: number;
  operatorName: string | null;
}

export async function findCase(db: Executor, territoryId: string, id: string): Promise<CaseDetailRow | null> {
  const [row] = await queryRows<CaseDetailRow>(
    db,
    sql`select c.id, c.territory_id as "territoryId", c.number, c.beneficiary_id as "beneficiaryId",
          c.channel, c.caller_kind as "callerKind", c.caller_name as "callerName", c.caller_phone as "callerPhone",
          c.caller_email as "callerEmail", c.caller_relationship as "callerRelationship",
          c.category_id as "categoryId", c.need, c.urgency, c.mobility_limited as "mobilityLimited",
          c.language, c.hours, c.skill_id as "skillId", sk.name as "skillName",
          c.area_id as "areaId", c.consent_keep_at as "consentKeepAt",
          c.consent_share_at as "consentShareAt", c.operator_account_id as "operatorAccountId",
          c.created_by_account_id as "createdByAccountId", c.status, c.created_at as "createdAt",
          c.qualified_at as "qualifiedAt", c.routed_at as "routedAt", c.accepted_at as "acceptedAt",
          c.started_at as "startedAt", c.done_at as "doneAt", c.cancelled_at as "cancelledAt",
          c.unreachable_at as "unreachableAt", c.escalated_at as "escalatedAt", c.callback_at as "callbackAt",
          c.callback_note as "callbackNote", c.outcome, c.outcome_note as "outcomeNote", c.helped_by as "helpedBy",
          c.post_id as "postId", c.updated_at as "updatedAt",
          b.civility, b.first_name as "firstName", b.last_name as "lastName", b.phone as "beneficiaryPhone",
          b.address, b.exact_lat as "exactLat", b.exact_lon as "exactLon",
          cat.name as "categoryName", cat.domain as "categoryDomain",
          a.name as "areaName", a.code as "areaCode", a.centroid_lat as "centroidLat", a.centroid_lon as "centroidLon",
          op.display_name as "operatorName"
        from help_case c
        join beneficiary b on b.id = c.beneficiary_id
        join category cat on cat.id = c.category_id
        join area a on a.id = c.area_id
        left join account op on op.id = c.operator_account_id
        left join skill sk on sk.id = c.skill_id
        where c.territory_id = ${territoryId} and c.id = ${id}`,
  );
  return row ?? null;
}

/** A known person found by the « déjà connu » check, with their cases still open. */
export interface DuplicateRow {
  beneficiaryId: string;
  civility: 'mme' | 'm' | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  areaName: string | null;
  samePhone: boolean;
  openCases: Array<{ id: string; number: number; status: CaseStatus }>;
}

/**
 * People already known in the territory: the same phone number, or the same last name (accents
 * and case aside) in the same commune. At most five, each with its open cases.
 */
export async function findDuplicates(
  db: Executor,
  territoryId: string,
  q: { phone: string | null; lastName: string | null; areaId: string | null },
): Promise<DuplicateRow[]> {
  const conditions = [];
  if (q.phone) conditions.push(sql`b.phone = ${q.phone}`);
  if (q.lastName && q.areaId)
    conditions.push(
      sql`(immutable_unaccent(lower(b.last_name)) = immutable_unaccent(lower(${q.lastName})) and b.area_id = ${q.areaId})`,
    );
  if (conditions.length === 0) return [];
  return queryRows<DuplicateRow>(
    db,
    sql`select b.id as "beneficiaryId", b.civility, b.first_name as "firstName", b.last_name as "lastName",
          b.phone, a.name as "areaName", coalesce(b.phone = ${q.phone ?? ''}, false) as "samePhone",
          coalesce((select json_agg(json_build_object('id', c.id, 'number', c.number, 'status', c.status)
                                    order by c.created_at desc)
                    from help_case c
                    where c.beneficiary_id = b.id and c.status not in ('done', 'cancelled', 'unreachable')),
                   '[]'::json) as "openCases"
        from beneficiary b left join area a on a.id = b.area_id
        where b.territory_id = ${territoryId} and (${sql.join(conditions, sql` or `)})
        order by b.created_at desc
        limit 5`,
  );
}

/** A line of the queue. */
export interface QueueRow {
  id: string;
  number: number;
  status: CaseStatus;
  urgency: CaseUrgency;
  channel: CaseChannel;
  createdAt: Date;
  escalatedAt: Date | null;
  callbackAt: Date | null;
  callbackNote: string | null;
  civility: 'mme' | 'm' | null;
  firstName: string | null;
  lastName: string | null;
  categoryName: string;
  areaName: string;
  need: string;
  operatorName: string | null;
  assignee: string | null;
}

export interface QueueFilters {
  territoryId: string;
  urgency: CaseUrgency | null;
  status: CaseStatus | null;
  areaId: string | null;
  sort: 'age' | 'urgency';
  limit: number;
}

/**
 * Open cases (the partial index), most pressing first: escalated ones, then by urgency and age,
 * or by age only. One query, whatever the number of lines (names, category, commune, assignee).
 */
export async function listQueue(db: Executor, f: QueueFilters): Promise<QueueRow[]> {
  const where = [
    sql`c.territory_id = ${f.territoryId}`,
    sql`c.status not in ('done', 'cancelled', 'unreachable')`,
  ];
  if (f.urgency) where.push(sql`c.urgency = ${f.urgency}`);
  if (f.status) where.push(sql`c.status = ${f.status}`);
  if (f.areaId) where.push(sql`c.area_id = ${f.areaId}`);
  const urgencyRank = sql`case c.urgency when 'today' then 0 when 'week' then 1 else 2 end`;
  const order =
    f.sort === 'age'
      ? sql`c.created_at asc, c.id`
      : sql`(c.escalated_at is not null and c.routed_at is null) desc, ${urgencyRank}, c.created_at asc, c.id`;
  return queryRows<QueueRow>(
    db,
    sql`select c.id, c.number, c.status, c.urgency, c.channel, c.created_at as "createdAt",
          case when c.routed_at is null then c.escalated_at end as "escalatedAt",
          c.callback_at as "callbackAt", c.callback_note as "callbackNote",
          b.civility, b.first_name as "firstName", b.last_name as "lastName",
          cat.name as "categoryName", a.name as "areaName", left(c.need, 160) as need,
          op.display_name as "operatorName",
          (select coalesce(o.name, v.display_name) from case_assignment ca
             left join organization o on o.id = ca.organization_id
             left join account v on v.id = ca.volunteer_account_id
           where ca.case_id = c.id and ca.declined_at is null and ca.expired_at is null and ca.withdrawn_at is null
           order by ca.offered_at desc limit 1) as assignee
        from help_case c
        join beneficiary b on b.id = c.beneficiary_id
        join category cat on cat.id = c.category_id
        join area a on a.id = c.area_id
        left join account op on op.id = c.operator_account_id
        where ${sql.join(where, sql` and `)}
        order by ${order}
        limit ${f.limit}`,
  );
}

/** Call-backs due by `until`, on open cases, earliest first. */
export async function dueCallbacks(db: Executor, territoryId: string, until: Date) {
  return queryRows<{
    id: string;
    number: number;
    callbackAt: Date;
    callbackNote: string | null;
    civility: 'mme' | 'm' | null;
    firstName: string | null;
    lastName: string | null;
  }>(
    db,
    sql`select c.id, c.number, c.callback_at as "callbackAt", c.callback_note as "callbackNote",
          b.civility, b.first_name as "firstName", b.last_name as "lastName"
        from help_case c join beneficiary b on b.id = c.beneficiary_id
        where c.territory_id = ${territoryId} and c.callback_at is not null and c.callback_at <= ${until}
        order by c.callback_at
        limit 50`,
  );
}

export async function insertEvent(
  db: Executor,
  values: {
    caseId: string;
    kind: CaseEventKind;
    callResult?: CallResult | null;
    code?: string | null;
    body?: string;
    authorAccountId: string | null;
  },
) {
  await db.insert(caseEvent).values(values);
}

export async function listEvents(db: Executor, caseId: string) {
  return queryRows<{
    id: number;
    kind: CaseEventKind;
    callResult: CallResult | null;
    code: string | null;
    body: string;
    authorName: string | null;
    createdAt: Date;
  }>(
    db,
    sql`select e.id, e.kind, e.call_result as "callResult", e.code, e.body, a.display_name as "authorName",
          e.created_at as "createdAt"
        from case_event e left join account a on a.id = e.author_account_id
        where e.case_id = ${caseId}
        order by e.id desc
        limit 200`,
  );
}

export async function insertAssignment(db: Executor, values: typeof caseAssignment.$inferInsert) {
  const [row] = await db.insert(caseAssignment).values(values).returning();
  return row!;
}

export async function updateAssignment(
  db: Executor,
  id: string,
  values: Partial<typeof caseAssignment.$inferInsert>,
) {
  await db.update(caseAssignment).set(values).where(eq(caseAssignment.id, id));
}

export interface AssignmentView {
  id: string;
  kind: AssigneeKind;
  organizationId: string | null;
  organizationName: string | null;
  organizationSlug: string | null;
  volunteerAccountId: string | null;
  volunteerName: string | null;
  offeredAt: Date;
  acceptedAt: Date | null;
  declinedAt: Date | null;
  declineReason: string | null;
  expiredAt: Date | null;
  withdrawnAt: Date | null;
}

export async function listAssignments(db: Executor, caseId: string): Promise<AssignmentView[]> {
  return queryRows<AssignmentView>(
    db,
    sql`select ca.id, ca.kind, ca.organization_id as "organizationId", o.name as "organizationName",
          o.slug as "organizationSlug", ca.volunteer_account_id as "volunteerAccountId",
          v.display_name as "volunteerName", ca.offered_at as "offeredAt", ca.accepted_at as "acceptedAt",
          ca.declined_at as "declinedAt", ca.decline_reason as "declineReason", ca.expired_at as "expiredAt",
          ca.withdrawn_at as "withdrawnAt"
        from case_assignment ca
        left join organization o on o.id = ca.organization_id
        left join account v on v.id = ca.volunteer_account_id
        where ca.case_id = ${caseId}
        order by ca.offered_at desc`,
  );
}

export async function findAssignment(db: Executor, territoryId: string, id: string) {
  const [row] = await db
    .select()
    .from(caseAssignment)
    .where(and(eq(caseAssignment.territoryId, territoryId), eq(caseAssignment.id, id)));
  return row ?? null;
}

/** Live offers (not declined, expired nor withdrawn) of a case. */
export async function liveAssignments(db: Executor, caseId: string) {
  return queryRows<AssignmentRow>(
    db,
    sql`select id, kind, organization_id as "organizationId", volunteer_account_id as "volunteerAccountId",
          offered_at as "offeredAt", accepted_at as "acceptedAt"
        from case_assignment
        where case_id = ${caseId} and declined_at is null and expired_at is null and withdrawn_at is null`,
  );
}

/**
 * Offers still unanswered past their case's escalation delay, claimed for the escalation job
 * (`FOR UPDATE SKIP LOCKED`: two instances never escalate the same offer twice).
 */
export async function claimOverdueOffers(db: Executor, now: Date, delays: Record<CaseUrgency, number>) {
  return queryRows<{ id: string; caseId: string; territoryId: string; urgency: CaseUrgency }>(
    db,
    sql`select ca.id, ca.case_id as "caseId", ca.territory_id as "territoryId", c.urgency
        from case_assignment ca join help_case c on c.id = ca.case_id
        where ca.accepted_at is null and ca.declined_at is null and ca.expired_at is null and ca.withdrawn_at is null
          and c.status not in ('done', 'cancelled', 'unreachable')
          and ca.offered_at < ${now}::timestamptz - make_interval(secs => case c.urgency
                when 'today' then ${delays.today / 1000}::float8
                when 'week' then ${delays.week / 1000}::float8
                else ${delays.flexible / 1000}::float8 end)
        order by ca.offered_at
        limit 100
        for update of ca skip locked`,
  );
}

/** What an assignee (a structure's team member or a volunteer) sees in their list. */
export interface InboxRow {
  assignmentId: string;
  caseId: string;
  number: number;
  kind: AssigneeKind;
  organizationName: string | null;
  offeredAt: Date;
  acceptedAt: Date | null;
  status: CaseStatus;
  urgency: CaseUrgency;
  categoryName: string;
  areaName: string;
  need: string;
  civility: 'mme' | 'm' | null;
  firstName: string | null;
  lastName: string | null;
}

/**
 * Live offers made to this account as a volunteer, or to the structures whose team it is in,
 * newest first: the only cases a member outside the call centre can see.
 */
export async function listInbox(db: Executor, territoryId: string, accountId: string): Promise<InboxRow[]> {
  return queryRows<InboxRow>(
    db,
    sql`select ca.id as "assignmentId", c.id as "caseId", c.number, ca.kind, o.name as "organizationName",
          ca.offered_at as "offeredAt", ca.accepted_at as "acceptedAt", c.status, c.urgency,
          cat.name as "categoryName", a.name as "areaName", left(c.need, 200) as need,
          b.civility, b.first_name as "firstName", b.last_name as "lastName"
        from case_assignment ca
        join help_case c on c.id = ca.case_id
        join beneficiary b on b.id = c.beneficiary_id
        join category cat on cat.id = c.category_id
        join area a on a.id = c.area_id
        left join organization o on o.id = ca.organization_id
        where ca.territory_id = ${territoryId}
          and ca.declined_at is null and ca.expired_at is null and ca.withdrawn_at is null
          and (ca.volunteer_account_id = ${accountId}
               or ca.organization_id in (select organization_id from organization_member where account_id = ${accountId}))
        order by ca.offered_at desc
        limit 200`,
  );
}

/** The live offer of this case to this account (as a volunteer or through a structure), or null. */
export async function assignmentFor(db: Executor, territoryId: string, caseId: string, accountId: string) {
  const [row] = await queryRows<{
    id: string;
    kind: AssigneeKind;
    organizationId: string | null;
    organizationName: string | null;
    offeredAt: Date;
    acceptedAt: Date | null;
  }>(
    db,
    sql`select ca.id, ca.kind, ca.organization_id as "organizationId", o.name as "organizationName",
          ca.offered_at as "offeredAt", ca.accepted_at as "acceptedAt"
        from case_assignment ca left join organization o on o.id = ca.organization_id
        where ca.territory_id = ${territoryId} and ca.case_id = ${caseId}
          and ca.declined_at is null and ca.expired_at is null and ca.withdrawn_at is null
          and (ca.volunteer_account_id = ${accountId}
               or ca.organization_id in (select organization_id from organization_member where account_id = ${accountId}))
        order by ca.accepted_at is not null desc, ca.offered_at desc
        limit 1`,
  );
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// Suggestions. Both queries read every candidate of the territory once, filter in SQL and return
// a handful; see docs/benchmarks.md (10,000 volunteers, 1,000 structures).

/**
 * Kilometres between a row's point and `q`, on the plane tangent at `q`: within a département the
 * error is under 1 %, enough to rank and to say « 2,3 km », and much cheaper than earth_distance
 * (no trigonometry per row, which counts on PGlite).
 */
function planarKm(lat: SQL, lon: SQL, q: { lat: number; lon: number }): SQL {
  const kx = 111.195 * Math.cos((q.lat * Math.PI) / 180);
  return sql`sqrt(power((${lat} - ${q.lat}::float8) * 111.195, 2) + power((${lon} - ${q.lon}::float8) * ${kx}::float8, 2))`;
}

export interface OrganizationSuggestionRow {
  id: string;
  slug: string;
  name: string;
  coversArea: boolean;
  coversCategory: boolean;
  distanceKm: number;
  /** Mean time to accept, over the last 90 days; null when it never accepted. */
  meanAcceptMs: number | null;
  live: number;
}

/** Validated structures that cover the case's commune or are near it, and its category or domain. */
export async function suggestOrganizations(
  db: Executor,
  q: {
    territoryId: string;
    areaId: string;
    categoryId: string;
    domain: Domain;
    lat: number;
    lon: number;
    limit: number;
  },
): Promise<OrganizationSuggestionRow[]> {
  return queryRows<OrganizationSuggestionRow>(
    db,
    sql`with candidates as (
          select o.id, o.slug, o.name,
            (o.area_id = ${q.areaId} or ${q.areaId}::uuid = any(o.area_ids)) as "coversArea",
            (${q.categoryId}::uuid = any(o.category_ids)) as "coversCategory",
            ${planarKm(sql`coalesce(o.exact_lat, o.public_lat)`, sql`coalesce(o.exact_lon, o.public_lon)`, q)} as "distanceKm"
          from organization o
          where o.territory_id = ${q.territoryId} and o.validated_at is not null
            and (${q.categoryId}::uuid = any(o.category_ids) or ${q.domain} = any(o.domains))
        ), best as (
          select * from candidates
          where "coversArea" or "distanceKm" <= 30
          order by "coversArea" desc, "coversCategory" desc, "distanceKm"
          limit ${q.limit}
        )
        select best.*,
          (select extract(epoch from avg(ca.accepted_at - ca.offered_at)) * 1000
             from case_assignment ca
            where ca.organization_id = best.id and ca.accepted_at is not null
              and ca.offered_at > now() - interval '90 days')::float8 as "meanAcceptMs",
          (select count(*) from case_assignment ca
            where ca.organization_id = best.id and ca.declined_at is null and ca.expired_at is null
              and ca.withdrawn_at is null)::int as live
        from best
        order by "coversArea" desc, "coversCategory" desc, "distanceKm"`,
  );
}

export interface VolunteerSuggestionRow {
  accountId: string;
  displayName: string;
  distanceKm: number;
  radiusKm: number | null;
  availableToday: boolean;
  lastSolicitedAt: Date | null;
  hasSkill: boolean;
}

/**
 * Volunteers whose profile takes the category's domain or who have the case's useful skill (a
 * health one once confirmed), whose radius (from their base commune's centre) reaches the person,
 * not suspended; those with the skill first, then available today, then the least recently
 * solicited, then the nearest. The distances from the person to the communes' centres come from
 * the caller (`areaKm`, computed from the cached communes, at most 100 km: the largest radius),
 * so the query joins numbers instead of computing a distance per volunteer; the last offer of
 * each volunteer is one grouped read of the last 180 days of offers (older ones count as never),
 * not a lookup per candidate.
 */
export async function suggestVolunteers(
  db: Executor,
  q: {
    territoryId: string;
    domain: Domain;
    areaKm: Array<{ id: string; km: number }>;
    weekday: string;
    skillId: string | null;
    excludeAccountIds: string[];
    limit: number;
  },
): Promise<VolunteerSuggestionRow[]> {
  if (q.areaKm.length === 0) return [];
  const exclude = q.excludeAccountIds.length
    ? sql`and p.account_id not in (${sql.join(
        q.excludeAccountIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  const available = sql`(cardinality(p.days) = 0 or ${q.weekday} = any(p.days))`;
  const hasSkill = q.skillId
    ? sql`exists (select 1 from volunteer_skill vs join skill s on s.id = vs.skill_id
        where vs.account_id = p.account_id and vs.skill_id = ${q.skillId}
          and (not s.health or vs.verified_at is not null))`
    : sql`false`;
  return queryRows<VolunteerSuggestionRow>(
    db,
    sql`with d as (
          select * from json_to_recordset(${JSON.stringify(q.areaKm)}::json) as x(id uuid, km float8)
        ), near as (
          select p.account_id, p.radius_km, ${available} as available, d.km, x.has_skill
          from volunteer_profile p join d on d.id = p.base_area_id
            cross join lateral (select ${hasSkill} as has_skill) x
          where p.territory_id = ${q.territoryId}
            and (${q.domain} = any(p.domains) or x.has_skill)
            and d.km <= coalesce(p.radius_km, 0) + 0.5
            ${exclude}
        ), solicited as (
          select ca.volunteer_account_id as account_id, max(ca.offered_at) as last_at
          from case_assignment ca
          where ca.territory_id = ${q.territoryId} and ca.kind = 'volunteer'
            and ca.offered_at > now() - interval '180 days'
          group by ca.volunteer_account_id
        ), ranked as (
          -- Ranked before the accounts are read: a few lookups instead of one per candidate
          -- (a suspended account is rare; four times the page leaves room for some).
          select near.*, s.last_at from near left join solicited s on s.account_id = near.account_id
          order by near.has_skill desc, near.available desc, s.last_at asc nulls first, near.km, near.account_id
          limit ${q.limit * 4}
        )
        select r.account_id as "accountId", acc.display_name as "displayName", r.km as "distanceKm",
          r.radius_km as "radiusKm", r.available as "availableToday", r.last_at as "lastSolicitedAt",
          r.has_skill as "hasSkill"
        from ranked r join account acc on acc.id = r.account_id
        where acc.suspended_at is null
        order by r.has_skill desc, r.available desc, r.last_at asc nulls first, r.km, r.account_id
        limit ${q.limit}`,
  );
}

/** A member of the territory who has a volunteer profile there (the only people a case goes to). */
export async function volunteerAccount(db: Executor, territoryId: string, accountId: string) {
  const [row] = await queryRows<{ id: string; email: string; displayName: string }>(
    db,
    sql`select acc.id, acc.email, acc.display_name as "displayName"
        from volunteer_profile p join account acc on acc.id = p.account_id
        where p.territory_id = ${territoryId} and p.account_id = ${accountId} and acc.suspended_at is null`,
  );
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// API tokens of structures.

export async function insertToken(db: Executor, values: typeof organizationApiToken.$inferInsert) {
  await db.insert(organizationApiToken).values(values);
}

export async function findActiveToken(db: Executor, tokenHash: string) {
  const [row] = await queryRows<{ id: string; organizationId: string; territoryId: string }>(
    db,
    sql`select t.id, t.organization_id as "organizationId", o.territory_id as "territoryId"
        from organization_api_token t join organization o on o.id = t.organization_id
        where t.token_hash = ${tokenHash} and t.revoked_at is null and o.validated_at is not null`,
  );
  return row ?? null;
}

export async function touchToken(db: Executor, id: string) {
  await db
    .update(organizationApiToken)
    .set({ lastUsedAt: new Date() })
    .where(eq(organizationApiToken.id, id));
}

export async function listTokens(db: Executor, organizationId: string) {
  return queryRows<{ id: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }>(
    db,
    sql`select id, prefix, created_at as "createdAt", last_used_at as "lastUsedAt"
        from organization_api_token where organization_id = ${organizationId} and revoked_at is null
        order by created_at desc`,
  );
}

export async function revokeToken(db: Executor, organizationId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(organizationApiToken)
    .set({ revokedAt: new Date() })
    .where(and(eq(organizationApiToken.organizationId, organizationId), eq(organizationApiToken.id, id)))
    .returning({ id: organizationApiToken.id });
  return rows.length > 0;
}

/** Cases offered to a structure (live offers), for the API. */
export async function listOrganizationCases(
  db: Executor,
  organizationId: string,
  page: { after: { key: number; id: string } | null; limit: number },
) {
  // Keyset on (offered_at, id), newest first; the key is offered_at in whole epoch microseconds
  // (exact in a JavaScript number until the year 2255).
  const micros = sql`(extract(epoch from ca.offered_at) * 1000000)::bigint`;
  const after = page.after
    ? sql`and (${micros}, ca.id) < (${page.after.key}::bigint, ${page.after.id}::uuid)`
    : sql``;
  return queryRows<{ caseId: string; assignmentId: string; key: string }>(
    db,
    sql`select ca.case_id as "caseId", ca.id as "assignmentId", ${micros}::text as key
        from case_assignment ca
        where ca.organization_id = ${organizationId}
          and ca.declined_at is null and ca.expired_at is null and ca.withdrawn_at is null
          ${after}
        order by ca.offered_at desc, ca.id desc
        limit ${page.limit}`,
  );
}

/** Online requests recorded from this IP (audit rows) since a moment: the form's rate limit. */
export async function countOnlineRequestsSince(
  db: Executor,
  territoryId: string,
  ip: string | null,
  since: Date,
) {
  const [row] = await queryRows<{ byIp: number; all: number }>(
    db,
    sql`select count(*) filter (where ip = ${ip ?? ''})::int as "byIp", count(*)::int as "all"
        from audit_event
        where territory_id = ${territoryId} and action = 'case.submit_online' and at > ${since}`,
  );
  return row ?? { byIp: 0, all: 0 };
}

export type { CallerKind, CaseOutcome };

/**
 * Sets (or clears) a case's useful skill; a skill must be one of the territory's, not archived.
 * Returns the skill's name (or '' when cleared), or null when nothing was changed.
 */
export async function setCaseSkill(
  db: Executor,
  territoryId: string,
  caseId: string,
  skillId: string | null,
): Promise<string | null> {
  const [row] = await queryRows<{ name: string }>(
    db,
    sql`update help_case c set skill_id = s.id, updated_at = now()
        from (select ${skillId}::uuid as id) wanted
        left join skill s on s.id = wanted.id and s.territory_id = ${territoryId} and s.archived_at is null
        where c.territory_id = ${territoryId} and c.id = ${caseId}
          and (wanted.id is null or s.id is not null)
        returning coalesce(s.name, '') as name`,
  );
  return row ? row.name : null;
}
