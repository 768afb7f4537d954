import { and, count, eq, gte, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import {
  afterNearest,
  distanceTo,
  knnDistance,
  nearestPageBound,
  publicPointOf,
  withinRadius,
} from '../../db/geo-search.ts';
import { post, type PostKind, type PostStatus } from '../../db/schema.ts';

export type PostRow = typeof post.$inferSelect;
export type NewPost = typeof post.$inferInsert;

/** Filters of the public search, all optional but the territory. */
export interface PostSearch {
  territoryId: string;
  kind?: PostKind | null;
  categoryIds?: string[];
  areaId?: string | null;
  near?: { lat: number; lon: number } | null;
  radiusKm?: number;
  text?: string | null;
  sort: 'nearest' | 'newest';
  limit: number;
  /** Keyset cursor: the sort key and id of the last row of the previous page. */
  after?: { key: number; id: string } | null;
}

/** A post as the public sees it: no exact place, no contact details, the author's public name. */
export interface PublicPostRow {
  id: string;
  kind: PostKind;
  title: string;
  excerpt: string;
  whenText: string;
  publicLat: number;
  publicLon: number;
  publishedAt: Date;
  expiresAt: Date;
  categoryId: string;
  categorySlug: string;
  categoryName: string;
  areaId: string;
  areaName: string;
  authorName: string;
  /** Metres from the searcher's point (between public points), when a point was given. */
  distanceM: number | null;
  /** The keyset value of this row for the next page. */
  sortKey: number;
}

const postPoint = publicPointOf('p');

/**
 * A French text query made tolerant: every word may be a prefix (« course » finds « courses »),
 * accents are ignored (french_unaccent), and a title close in spelling also matches (trigrams:
 * « medicamant » finds « Médicaments »).
 */
function textCondition(text: string): SQL {
  const words = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2)
    .slice(0, 8);
  if (words.length === 0) return sql`true`;
  const prefixQuery = words.map((w) => `${w}:*`).join(' & ');
  const plain = words.join(' ');
  return sql`(p.search @@ to_tsquery('french_unaccent', ${prefixQuery})
    or ${plain} <% immutable_unaccent(lower(p.title)))`;
}

/** The WHERE clause shared by the list, its counts and the map. `withCategory` false for counts. */
function searchConditions(s: PostSearch, withCategory = true): SQL {
  const parts: SQL[] = [
    sql`p.territory_id = ${s.territoryId}`,
    sql`p.status = 'open'`,
    sql`p.expires_at > now()`,
  ];
  if (s.kind) parts.push(sql`p.kind = ${s.kind}`);
  if (withCategory && s.categoryIds && s.categoryIds.length > 0)
    parts.push(
      sql`p.category_id in (${sql.join(
        s.categoryIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
  if (s.areaId) parts.push(sql`p.area_id = ${s.areaId}`);
  if (s.near && s.radiusKm) parts.push(withinRadius(postPoint, s.near, s.radiusKm));
  if (s.text) parts.push(textCondition(s.text));
  return sql.join(parts, sql` and `);
}

/**
 * One page of open posts matching the search, with one row more than `limit` when there is a
 * next page. Nearest-first uses the GiST index's KNN order; newest-first the partial b-tree.
 */
export async function searchPosts(db: Executor, s: PostSearch): Promise<PublicPostRow[]> {
  const distance = s.near ? distanceTo(postPoint, s.near) : sql`null::float8`;
  // Nearest first orders by the GiST distance `<->` (straight-line metres, the same order as
  // earth_distance), then by id between posts at the same point (a commune's centre holds many).
  // The keyset compares that same value, so that no rounding can put a row on two pages.
  const knn = s.sort === 'nearest' && s.near ? knnDistance(postPoint, s.near) : null;
  const sortKey = knn ?? sql`extract(epoch from p.published_at)`;
  const order = knn
    ? sql`${knn}, p.id`
    : // `nulls last` as in post_open_published_idx: a bare `desc` means `nulls first`, and the
      // index could then not give the order (the planner ignores NOT NULL here) — a full sort.
      sql`p.published_at desc nulls last, p.id desc nulls last`;
  let keyset = sql`true`;
  if (s.after) {
    keyset = knn
      ? afterNearest(knn, sql`p.id`, s.after)
      : sql`(p.published_at, p.id) < (to_timestamp(${s.after.key}::float8), ${s.after.id}::uuid)`;
  }
  // The two-phase nearest-first page (see nearestPageBound in db/geo-search.ts).
  const bound =
    knn && s.near
      ? nearestPageBound({
          from: sql`post p`,
          where: sql`${searchConditions(s)} and ${keyset}`,
          point: postPoint,
          near: s.near,
          limit: s.limit,
        })
      : sql`true`;
  // The page is chosen from `post` alone, then joined: names are looked up for its rows only,
  // not for every post read on the way (thousands at a busy commune centre).
  return queryRows<PublicPostRow>(
    db,
    sql`select p.id, p.kind, p.title, p.excerpt, p.when_text as "whenText",
          p.public_lat as "publicLat", p.public_lon as "publicLon",
          p.published_at as "publishedAt", p.expires_at as "expiresAt",
          c.id as "categoryId", c.slug as "categorySlug", c.name as "categoryName",
          a.id as "areaId", a.name as "areaName",
          coalesce(acc.display_name, '') as "authorName",
          p.distance_m as "distanceM", p.sort_key as "sortKey"
        from (
          select p.id, p.kind, p.title, left(p.description, 240) as excerpt, p.when_text,
            p.public_lat, p.public_lon, p.published_at, p.expires_at, p.category_id, p.area_id,
            p.author_account_id, ${distance} as distance_m, ${sortKey}::float8 as sort_key
          from post p
          where ${searchConditions(s)} and ${keyset} and ${bound}
          order by ${order}
          limit ${s.limit + 1}
        ) p
        join category c on c.id = p.category_id
        join area a on a.id = p.area_id
        left join account acc on acc.id = p.author_account_id
        order by ${knn ? sql`p.sort_key, p.id` : sql`p.published_at desc, p.id desc`}`,
  ).then((rows) => rows.map(normalizeRow));
}

/**
 * Open posts per category for the same search without its category filter (the facet counts).
 * Exact: every matching post is read, so around a town with a million posts this takes over a
 * second (docs/benchmarks.md, « Search »).
 */
export async function countByCategory(db: Executor, s: PostSearch): Promise<Map<string, number>> {
  const rows = await queryRows<{ categoryId: string; n: number }>(
    db,
    sql`select p.category_id as "categoryId", count(*)::int as n from post p
        where ${searchConditions(s, false)} group by p.category_id`,
  );
  return new Map(rows.map((r) => [r.categoryId, Number(r.n)]));
}

/** Open posts per area of a territory (the « par commune » index). */
export async function countOpenByArea(db: Executor, territoryId: string): Promise<Map<string, number>> {
  const rows = await queryRows<{ areaId: string; n: number }>(
    db,
    sql`select p.area_id as "areaId", count(*)::int as n from post p
        where p.territory_id = ${territoryId} and p.status = 'open' and p.expires_at > now()
        group by p.area_id`,
  );
  return new Map(rows.map((r) => [r.areaId, Number(r.n)]));
}

/** Open posts in a bounding box for the map: points when few, grid cells with counts when many. */
export async function mapFeatures(
  db: Executor,
  s: Omit<PostSearch, 'sort' | 'limit' | 'after'>,
  bbox: [number, number, number, number],
  cellDegrees: number,
  pointLimit: number,
): Promise<
  | {
      kind: 'points';
      rows: Array<{
        id: string;
        kind: PostKind;
        title: string;
        lat: number;
        lon: number;
        categorySlug: string;
        areaName: string;
      }>;
    }
  | { kind: 'cells'; rows: Array<{ lat: number; lon: number; n: number }> }
> {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const where = sql`${searchConditions({ ...s, sort: 'newest', limit: 0 })}
    and p.public_lat between ${minLat}::float8 and ${maxLat}::float8
    and p.public_lon between ${minLon}::float8 and ${maxLon}::float8`;
  const points = await queryRows<{
    id: string;
    kind: PostKind;
    title: string;
    lat: number;
    lon: number;
    categorySlug: string;
    areaName: string;
  }>(
    db,
    sql`select p.id, p.kind, p.title, p.public_lat as lat, p.public_lon as lon, c.slug as "categorySlug", a.name as "areaName"
        from post p join category c on c.id = p.category_id join area a on a.id = p.area_id
        where ${where} limit ${pointLimit + 1}`,
  );
  if (points.length <= pointLimit) return { kind: 'points', rows: points };
  const cells = await queryRows<{ lat: number; lon: number; n: number }>(
    db,
    sql`select avg(p.public_lat) as lat, avg(p.public_lon) as lon, count(*)::int as n from post p
        where ${where}
        group by floor(p.public_lat / ${cellDegrees}::float8), floor(p.public_lon / ${cellDegrees}::float8)`,
  );
  return {
    kind: 'cells',
    rows: cells.map((c) => ({ lat: Number(c.lat), lon: Number(c.lon), n: Number(c.n) })),
  };
}

function normalizeRow(r: PublicPostRow): PublicPostRow {
  return {
    ...r,
    publishedAt: new Date(r.publishedAt),
    expiresAt: new Date(r.expiresAt),
    distanceM: r.distanceM === null ? null : Number(r.distanceM),
    sortKey: Number(r.sortKey),
  };
}

/** One post with its category and area names, whatever its status (the service decides who sees it). */
export async function findPost(db: Executor, territoryId: string, id: string) {
  const rows = await queryRows<
    PostRow & {
      categoryName: string;
      categorySlug: string;
      areaName: string;
      authorDisplayName: string | null;
    }
  >(
    db,
    sql`select p.id, p.territory_id as "territoryId", p.kind, p.category_id as "categoryId", p.title, p.description,
          p.when_text as "whenText", p.starts_on as "startsOn", p.ends_on as "endsOn", p.area_id as "areaId",
          p.address, p.exact_lat as "exactLat", p.exact_lon as "exactLon", p.place_precision as "placePrecision",
          p.public_lat as "publicLat", p.public_lon as "publicLon", p.author_account_id as "authorAccountId",
          p.author_organization_id as "authorOrganizationId", p.on_behalf_of_beneficiary_id as "onBehalfOfBeneficiaryId",
          p.created_by_account_id as "createdByAccountId", p.show_phone as "showPhone", p.show_email as "showEmail",
          p.status, p.published_at as "publishedAt", p.expires_at as "expiresAt", p.fulfilled_at as "fulfilledAt",
          p.withdrawn_at as "withdrawnAt", p.hidden_at as "hiddenAt", p.expiry_reminded_at as "expiryRemindedAt",
          p.updated_at as "updatedAt",
          c.name as "categoryName", c.slug as "categorySlug", a.name as "areaName", acc.display_name as "authorDisplayName"
        from post p
        join category c on c.id = p.category_id
        join area a on a.id = p.area_id
        left join account acc on acc.id = p.author_account_id
        where p.territory_id = ${territoryId} and p.id = ${id}::uuid
        limit 1`,
  );
  const row = rows[0];
  if (!row) return null;
  for (const k of [
    'publishedAt',
    'expiresAt',
    'fulfilledAt',
    'withdrawnAt',
    'hiddenAt',
    'expiryRemindedAt',
    'updatedAt',
  ] as const)
    if (row[k] !== null) (row as Record<string, unknown>)[k] = new Date(row[k] as unknown as string);
  return row;
}

export async function insertPost(db: Executor, values: NewPost): Promise<PostRow> {
  const [row] = await db.insert(post).values(values).returning();
  return row!;
}

export async function updatePost(db: Executor, id: string, values: Partial<NewPost>) {
  await db
    .update(post)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(post.id, id));
}

/** The author's own posts, newest first, every status. */
export async function listAuthorPosts(db: Executor, territoryId: string, accountId: string) {
  return db
    .select({
      id: post.id,
      kind: post.kind,
      title: post.title,
      status: post.status,
      publishedAt: post.publishedAt,
      expiresAt: post.expiresAt,
      fulfilledAt: post.fulfilledAt,
      withdrawnAt: post.withdrawnAt,
      hiddenAt: post.hiddenAt,
    })
    .from(post)
    .where(and(eq(post.territoryId, territoryId), eq(post.authorAccountId, accountId)))
    .orderBy(sql`${post.publishedAt} desc`)
    .limit(200);
}

/** Posts an account published since `since` (for the daily quota). */
export async function countPostsSince(db: Executor, accountId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(post)
    .where(and(eq(post.authorAccountId, accountId), gte(post.publishedAt, since)));
  return row?.n ?? 0;
}

/** Marks open posts whose date has passed as expired (run by a job); returns how many. */
export async function expireDuePosts(db: Executor): Promise<number> {
  const rows = await db
    .update(post)
    .set({ status: 'expired' as PostStatus })
    .where(and(eq(post.status, 'open'), sql`${post.expiresAt} <= now()`))
    .returning({ id: post.id });
  return rows.length;
}

/** Open posts expiring within `days` whose author was not reminded yet. */
export async function postsToRemind(db: Executor, days: number) {
  return queryRows<{
    id: string;
    territoryId: string;
    title: string;
    expiresAt: Date;
    email: string;
    displayName: string;
  }>(
    db,
    sql`select p.id, p.territory_id as "territoryId", p.title, p.expires_at as "expiresAt", acc.email, acc.display_name as "displayName"
        from post p join account acc on acc.id = p.author_account_id
        where p.status = 'open' and p.expiry_reminded_at is null
          and p.expires_at <= now() + make_interval(days => ${days}) and p.expires_at > now()
        limit 500`,
  );
}
