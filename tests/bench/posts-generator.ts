/**
 * Bulk generator of posts for benchmarks and planner tests: N posts over a territory's communes,
 * written in SQL (`INSERT … SELECT … FROM generate_series`) so that a million rows take a minute
 * or two, not an hour of round trips.
 *
 * - Communes are drawn by population (a table of 1,000 slots, each commune holding slots in
 *   proportion to its inhabitants, at least one), like the demo posts.
 * - Texts come from the demo sentences (`composeDemoPost`): 40 variants per category and kind,
 *   so full-text search meets real French words (« courses », « médicaments », « chien »…).
 * - Places follow the privacy rule of `publicPoint`: half the posts have an exact point within
 *   ~1.5 km of the commune's centre, shown as its 500 m grid cell in communes of 2,000
 *   inhabitants or more and as the commune's centroid elsewhere; the other half are commune-level.
 * - Mostly open (86 %), then fulfilled (6 %), expired (5 %) and withdrawn (3 %), published over
 *   the last 45 days, with timestamps that agree with `postStatus`.
 * - Deterministic for a seed: `setseed()` before each chunk, ids from md5(seed, row number).
 *
 * Foreign-key triggers are skipped (`session_replication_role = replica`) when the role is a
 * superuser: every reference is valid by construction. For large batches (≥ 50,000 rows) the secondary indexes of `post` are dropped and rebuilt
 * after the load, inside the same transaction (a failure leaves the table as it was): building a
 * GIN or GiST index once is several times faster than updating it row by row. ANALYZE follows.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/client.ts';
import { account } from '../../src/db/schema.ts';
import { composeDemoPost, seededRandom } from '../../src/db/seed/demo-posts.ts';
import { POST_KINDS } from '../../src/db/schema.ts';

export interface GenerateOptions {
  seed?: number;
  /** Rows per INSERT statement (progress is reported between chunks). */
  chunk?: number;
  /** Drop and rebuild the secondary indexes around the load; by default when n ≥ 50,000. */
  rebuildIndexes?: boolean;
  log?: (msg: string) => void;
}

export interface GenerateResult {
  inserted: number;
  /** Wall time of the whole generation (inserts, index rebuild, ANALYZE). */
  ms: number;
  insertMs: number;
  indexMs: number;
  analyzeMs: number;
}

const VARIANTS = 40;
const SLOTS = 1000;
const AUTHORS = 40;

/** Inserts `n` generated posts in the territory, then ANALYZEs the table. */
export async function generatePosts(
  db: Db,
  territoryId: string,
  n: number,
  opts: GenerateOptions = {},
): Promise<GenerateResult> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const chunk = opts.chunk ?? 100_000;
  const log = opts.log ?? (() => {});
  const rebuild = opts.rebuildIndexes ?? n >= 50_000;

  const areas = await queryRows<{
    id: string;
    name: string;
    lat: number;
    lon: number;
    population: number | null;
  }>(
    db,
    sql`select id, name, centroid_lat as lat, centroid_lon as lon, population from area
        where territory_id = ${territoryId} and kind = 'commune' order by code`,
  );
  const categories = await queryRows<{ id: string; slug: string }>(
    db,
    sql`select id, slug from category where territory_id = ${territoryId} and archived_at is null order by position`,
  );
  if (areas.length === 0 || categories.length === 0)
    throw new Error('territory without communes or categories');

  // Commune slots by population (every commune at least one slot).
  const weights = areas.map((a) => Math.max(a.population ?? 100, 1));
  const total = weights.reduce((s, w) => s + w, 0);
  const slots: number[] = [];
  areas.forEach((_, i) => {
    const k = Math.max(1, Math.round((weights[i]! / total) * SLOTS));
    for (let j = 0; j < k; j++) slots.push(i + 1);
  });

  // Texts: VARIANTS per (category, kind), in this order: index = ((c-1)*2 + k) * VARIANTS + v + 1.
  const rng = seededRandom(seed);
  const texts: Array<[string, string, string]> = [];
  for (const c of categories)
    for (const kind of POST_KINDS)
      for (let v = 0; v < VARIANTS; v++) {
        const place = areas[slots[Math.floor(rng() * slots.length)]! - 1]!.name;
        const t = composeDemoPost(rng, c.slug, kind, place);
        texts.push([t.title, t.description, t.whenText]);
      }

  // A few authors, shared by every generated post of the territory (created once).
  const tag = territoryId.slice(0, 8);
  await db
    .insert(account)
    .values(
      Array.from({ length: AUTHORS }, (_, i) => ({
        email: `generated-${tag}-${i}@example.invalid`,
        passwordHash: '!',
        displayName: `Auteur${i} G.`,
        emailVerifiedAt: new Date(),
      })),
    )
    .onConflictDoNothing();
  const authors = await queryRows<{ id: string }>(
    db,
    sql`select id from account where email like ${`generated-${tag}-%@example.invalid`} order by email`,
  );

  const [{ offset } = { offset: 0 }] = await queryRows<{ offset: number }>(
    db,
    sql`select count(*)::int as "offset" from post where territory_id = ${territoryId}`,
  );
  const pgArray = (xs: Array<string | number>) => `{${xs.join(',')}}`;
  const params = {
    areaIds: pgArray(areas.map((a) => a.id)),
    lats: pgArray(areas.map((a) => a.lat)),
    lons: pgArray(areas.map((a) => a.lon)),
    pops: pgArray(areas.map((a) => a.population ?? 0)),
    slots: pgArray(slots),
    cats: pgArray(categories.map((c) => c.id)),
    authors: pgArray(authors.map((a) => a.id)),
    texts: JSON.stringify(texts),
  };

  let insertMs = 0;
  let indexMs = 0;
  await db.transaction(async (tx) => {
    let dropped: Array<{ name: string; def: string }> = [];
    if (rebuild) {
      dropped = (
        await queryRows<{ name: string; def: string }>(
          tx,
          sql`select indexname as name, indexdef as def from pg_indexes
              where schemaname = current_schema() and tablename = 'post' and indexname <> 'post_pkey'`,
        )
      ).filter((i) => !/\bUNIQUE\b/.test(i.def));
      for (const i of dropped) await tx.execute(sql.raw(`drop index "${i.name}"`));
    }
    // Every reference is valid by construction: skip the foreign-key triggers when allowed
    // (superuser, as on a bench database or PGlite). They cost about a quarter of the insert.
    const [role] = await queryRows<{ su: boolean }>(
      tx,
      sql`select rolsuper as su from pg_roles where rolname = current_user`,
    );
    if (role?.su) await tx.execute(sql`set local session_replication_role = replica`);
    const t0 = performance.now();
    for (let done = 0; done < n; done += chunk) {
      const size = Math.min(chunk, n - done);
      // A seed per chunk keeps the rows the same whatever the chunk boundaries before it.
      await tx.execute(sql`select setseed(${((seed * 7919 + done) % 1_000_003) / 1_000_003}::float8)`);
      await tx.execute(insertSql(territoryId, size, offset + done, seed, params));
      log(
        `  ${(done + size).toLocaleString('en')} / ${n.toLocaleString('en')} rows (${fmtS(performance.now() - t0)})`,
      );
    }
    insertMs = performance.now() - t0;
    if (dropped.length > 0) {
      const t1 = performance.now();
      await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
      for (const i of dropped) {
        const t = performance.now();
        await tx.execute(sql.raw(i.def));
        log(`  index ${i.name} rebuilt (${fmtS(performance.now() - t)})`);
      }
      indexMs = performance.now() - t1;
    }
  });
  const t2 = performance.now();
  await db.execute(sql`analyze post`);
  const analyzeMs = performance.now() - t2;
  return { inserted: n, ms: performance.now() - started, insertMs, indexMs, analyzeMs };
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function insertSql(
  territoryId: string,
  n: number,
  offset: number,
  seed: number,
  p: Record<'areaIds' | 'lats' | 'lons' | 'pops' | 'slots' | 'cats' | 'authors' | 'texts', string>,
) {
  const latStep = 500 / 111_320;
  return sql`
    with v as (
      select ${p.areaIds}::uuid[] as area_ids, ${p.lats}::float8[] as lats, ${p.lons}::float8[] as lons,
             ${p.pops}::int[] as pops, ${p.slots}::int[] as slots, ${p.cats}::uuid[] as cats,
             ${p.authors}::uuid[] as authors, ${p.texts}::jsonb as texts,
             cardinality(${p.slots}::int[]) as nslots, cardinality(${p.cats}::uuid[]) as ncats,
             cardinality(${p.authors}::uuid[]) as nauthors, now() as now
    ),
    x as (
      select g, v.slots[1 + floor(random() * v.nslots)::int] as a, 1 + floor(random() * v.ncats)::int as c,
             floor(random() * 2)::int as k, floor(random() * ${VARIANTS})::int as tv,
             random() < 0.5 as has_address, random() as rx, random() as ry, random() as fate,
             random() as age, random() as during, 1 + floor(random() * v.nauthors)::int as au
      from generate_series(1, ${n}::int) g, v
    ),
    e as (
      select x.*, v.lats[x.a] + (x.rx * 2 - 1) * 1500 / 111320.0 as elat,
             v.lons[x.a] + (x.ry * 2 - 1) * 1500 / (111320.0 * cos(radians(v.lats[x.a]))) as elon,
             v.pops[x.a] >= 2000 as gridded,
             case when x.fate < 0.86 then 'open' when x.fate < 0.92 then 'fulfilled'
                  when x.fate < 0.97 then 'expired' else 'withdrawn' end as status,
             v.now - case when x.fate >= 0.92 and x.fate < 0.97 then (31 + x.age * 14) else x.age * 45 end
               * interval '1 day' as published_at,
             ((x.c - 1) * 2 + x.k) * ${VARIANTS} + x.tv as ti
      from x, v
    ),
    s as (
      select e.*, (floor(e.elat / ${latStep}::float8) + 0.5) * ${latStep}::float8 as glat,
             e.published_at + interval '30 days' as expires_first
      from e
    )
    insert into post (id, territory_id, kind, category_id, title, description, when_text, area_id, address,
      exact_lat, exact_lon, place_precision, public_lat, public_lon, author_account_id, created_by_account_id,
      status, published_at, expires_at, fulfilled_at, withdrawn_at, updated_at)
    select md5(${String(seed)} || '-' || ${territoryId}::text || '-' || (${offset}::int + s.g))::uuid,
      ${territoryId}::uuid,
      case when s.k = 0 then 'offer' else 'request' end,
      v.cats[s.c],
      v.texts -> s.ti ->> 0, v.texts -> s.ti ->> 1, v.texts -> s.ti ->> 2,
      v.area_ids[s.a],
      case when s.has_address then (1 + (s.g % 40))::text || ' rue du Pont' end,
      case when s.has_address then round(s.elat::numeric, 6)::float8 end,
      case when s.has_address then round(s.elon::numeric, 6)::float8 end,
      case when s.has_address then 'address' else 'commune' end,
      case when s.has_address and s.gridded then round(s.glat::numeric, 6)::float8 else v.lats[s.a] end,
      case when s.has_address and s.gridded
        then round(((floor(s.elon / (500 / (111320.0 * cos(radians(s.glat))))) + 0.5)
                    * (500 / (111320.0 * cos(radians(s.glat)))))::numeric, 6)::float8
        else v.lons[s.a] end,
      v.authors[s.au], v.authors[s.au],
      s.status, s.published_at,
      case when s.status = 'open' and s.expires_first <= v.now + interval '1 hour'
        then s.expires_first + interval '30 days' else s.expires_first end,
      case when s.status = 'fulfilled' then s.published_at + (least(v.now, s.expires_first) - s.published_at) * s.during end,
      case when s.status = 'withdrawn' then s.published_at + (least(v.now, s.expires_first) - s.published_at) * s.during end,
      s.published_at
    from s, v`;
}
