/**
 * Routing suggestions for one case (`CaseService.suggestFor`: the structures and the volunteers
 * queries), on a territory of 10,000 volunteers and 1,000 structures.
 *
 * - Database: PostgreSQL when BENCH_DATABASE_URL is set, otherwise PGlite in memory (the data
 *   is generated at each run: a few seconds).
 * - Data: the Lozère territory (slug `bench-cases`, 152 communes); BENCH_VOLUNTEERS volunteers
 *   (default 10,000) based in a random commune with a radius of 2–30 km, 1–3 domains and random
 *   days, and 0–2 skills (a health one confirmed for half); BENCH_STRUCTURES validated structures (default 1,000) in a random commune covering 1–8
 *   communes and 1–4 categories; 2,000 past offers so « least recently solicited » and « answers
 *   in 4 h on average » have history to read.
 * - One case per iteration, in a random commune and category, half with a useful skill (seeded), 30 warm-up then 300
 *   measured, one at a time; bounded to --max-seconds (default 60).
 *
 *   npm run bench:cases
 *   npm run bench:cases -- --iterations 300 --no-write
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { seededRandom } from '../../src/db/seed/demo-posts.ts';
import { createDepartementTerritory, loadGeodata } from '../../src/db/seed/territory.ts';
import { DOMAINS, WEEKDAYS } from '../../src/db/schema.ts';
import { haversineKm } from '../../src/domain/geo.ts';
import * as repo from '../../src/modules/cases/repository.ts';
import { CaseService } from '../../src/modules/cases/service.ts';
import { Places } from '../../src/modules/territory/places.ts';
import { TerritoryService } from '../../src/modules/territory/service.ts';
import { createOfflineGeocoder } from '../../src/platform/geocoder.ts';
import { machineMarkdown, markdownTable, redact } from './start.ts';
import { ms, preparePostgresDatabase, stats, writeSection } from './search.ts';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    'max-seconds': { type: 'string', default: '60' },
    'no-write': { type: 'boolean', default: false },
  },
});

const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 10_000);
const STRUCTURES = Number(process.env.BENCH_STRUCTURES ?? 1_000);
const postgresUrl = process.env.BENCH_DATABASE_URL;

async function main() {
  const loadAtStart = os.loadavg()[0];
  if (postgresUrl) await preparePostgresDatabase(postgresUrl);
  const database: Database = postgresUrl
    ? await openDatabase({ url: postgresUrl })
    : await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database, postgresUrl);
  const db = database.db;
  const geodata = await loadGeodata('48-lozere');
  await db.execute(sql`delete from territory where slug = 'bench-cases'`);
  const territory = await createDepartementTerritory(db, geodata, {
    slug: 'bench-cases',
    hosts: ['bench-cases.localhost'],
  });
  const areas = await db.execute(
    sql`select id, centroid_lat, centroid_lon from area where territory_id = ${territory.id}`,
  );
  const areaRows = (areas as unknown as { rows: Array<{ id: string }> }).rows;
  const cats = (
    (await db.execute(
      sql`select id, domain from category where territory_id = ${territory.id}`,
    )) as unknown as {
      rows: Array<{ id: string; domain: string }>;
    }
  ).rows;
  const rnd = seededRandom(6);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[], n: number) => [...new Set(Array.from({ length: n }, () => pick(xs)))];
  const started = Date.now();

  // Accounts and volunteer profiles, in batches of 1,000 (one INSERT … SELECT each).
  for (let i = 0; i < VOLUNTEERS; i += 1000) {
    const n = Math.min(1000, VOLUNTEERS - i);
    const rows = Array.from({ length: n }, (_, k) => ({
      email: `benevole-${i + k}-${territory.id.slice(0, 8)}@bench.invalid`,
      area: pick(areaRows).id,
      radius: 2 + Math.floor(rnd() * 29),
      domains: some(DOMAINS.slice(0, 4), 1 + Math.floor(rnd() * 3)),
      days: rnd() < 0.3 ? [] : some(WEEKDAYS, 1 + Math.floor(rnd() * 5)),
    }));
    await db.execute(sql`
      with input as (
        select * from json_to_recordset(${JSON.stringify(rows)}::json)
          as x(email text, area uuid, radius int, domains text[], days text[])
      ), acc as (
        insert into account (email, password_hash, display_name, email_verified_at)
        select email, 'x', 'Bénévole ' || substr(md5(email), 1, 5), now() from input
        returning id, email
      )
      insert into volunteer_profile (territory_id, account_id, area_ids, base_area_id, radius_km, domains, days)
      select ${territory.id}, acc.id, array[input.area], input.area, input.radius, input.domains, input.days
      from acc join input using (email)`);
  }
  // 0–2 skills each, a health one confirmed for half of them (deterministic: hashes, not random()).
  await db.execute(sql`
    insert into volunteer_skill (account_id, skill_id, verified_at)
    select p.account_id, s.id,
           case when s.health and hashtext(p.account_id::text || s.id::text) % 2 = 0 then null else now() end
    from volunteer_profile p
    cross join lateral (
      select id, health from skill where territory_id = ${territory.id}
      order by md5(p.account_id::text || id::text)
      limit abs(hashtext(p.account_id::text)) % 3
    ) s
    where p.territory_id = ${territory.id}`);
  const skillIds = (
    (await db.execute(sql`select id from skill where territory_id = ${territory.id}`)) as unknown as {
      rows: Array<{ id: string }>;
    }
  ).rows.map((r) => r.id);
  const orgRows = Array.from({ length: STRUCTURES }, (_, k) => {
    const home = pick(areaRows) as { id: string; centroid_lat: number; centroid_lon: number };
    const categories = some(cats, 1 + Math.floor(rnd() * 4));
    return {
      slug: `structure-${k}`,
      area: home.id,
      lat: home.centroid_lat,
      lon: home.centroid_lon,
      areas: [home.id, ...some(areaRows, Math.floor(rnd() * 8)).map((a) => a.id)],
      categories: categories.map((c) => c.id),
      domains: [...new Set(categories.map((c) => c.domain))],
    };
  });
  await db.execute(sql`
    insert into organization (territory_id, slug, name, kind, description, area_id, public_lat, public_lon,
                              area_ids, category_ids, domains, validated_at)
    select ${territory.id}, slug, 'Structure ' || slug, 'association', 'Banc d’essai', area, lat, lon,
           areas, categories, domains, now()
    from json_to_recordset(${JSON.stringify(orgRows)}::json)
      as x(slug text, area uuid, lat float8, lon float8, areas uuid[], categories uuid[], domains text[])`);
  // History: a beneficiary, a case and 2,000 past offers, accepted after 1–8 hours.
  const history = (
    (await db.execute(sql`
      with b as (insert into beneficiary (territory_id, last_name, area_id) values (${territory.id}, 'Historique', ${areaRows[0]!.id}) returning id)
      insert into help_case (territory_id, beneficiary_id, channel, caller_kind, category_id, need, urgency, area_id, status, done_at)
      select ${territory.id}, b.id, 'phone', 'self', ${cats[0]!.id}, 'historique', 'week', ${areaRows[0]!.id}, 'done', now() from b
      returning id`)) as unknown as { rows: Array<{ id: string }> }
  ).rows[0]!.id;
  await db.execute(sql`
    insert into case_assignment (territory_id, case_id, kind, organization_id, volunteer_account_id, offered_at, accepted_at)
    select ${territory.id}, ${history}, case when g % 2 = 0 then 'organization' else 'volunteer' end,
           case when g % 2 = 0 then (select id from organization where territory_id = ${territory.id} order by md5(g::text || id::text) limit 1) end,
           case when g % 2 = 1 then (select account_id from volunteer_profile where territory_id = ${territory.id} order by md5(g::text || account_id::text) limit 1) end,
           now() - (g || ' hours')::interval, now() - (g || ' hours')::interval + ((1 + g % 8) || ' hours')::interval
    from generate_series(1, 2000) g`);
  await db.execute(sql`analyze`);
  const generatedIn = (Date.now() - started) / 1000;

  const territories = new TerritoryService(db, 'bench-cases');
  const service = new CaseService({
    db,
    territories,
    places: new Places({
      territories,
      geocoder: createOfflineGeocoder((id) => territories.areas(id) as never),
    }),
    outbox: null as never,
    posts: null as never,
    publicUrl: 'http://bench.localhost',
  });
  const catDomain = new Map(cats.map((c) => [c.id, c.domain]));
  const areaFull = areaRows as Array<{ id: string; centroid_lat: number; centroid_lon: number }>;
  const times: number[] = [];
  const orgTimes: number[] = [];
  const volTimes: number[] = [];
  const areaKmOf = (p: { centroid_lat: number; centroid_lon: number }) =>
    areaFull
      .map((x) => ({
        id: x.id,
        km: haversineKm(
          { lat: p.centroid_lat, lon: p.centroid_lon },
          { lat: x.centroid_lat, lon: x.centroid_lon },
        ),
      }))
      .filter((x) => x.km <= 100);
  let orgs = 0;
  let vols = 0;
  const iterations = Number(args.iterations);
  const warmup = Number(args.warmup);
  const deadline = Date.now() + Number(args['max-seconds']) * 1000;
  for (let i = 0; i < warmup + iterations && Date.now() < deadline; i++) {
    const a = pick(areaFull);
    const c = pick(cats);
    // Half of the cases name a useful skill.
    const skillId = rnd() < 0.5 ? pick(skillIds) : null;
    const t0 = performance.now();
    const s = await service.suggestFor({
      territoryId: territory.id,
      id: '00000000-0000-0000-0000-000000000000',
      areaId: a.id,
      categoryId: c.id,
      categoryDomain: catDomain.get(c.id) as never,
      skillId,
      exactLat: null,
      exactLon: null,
      centroidLat: a.centroid_lat,
      centroidLon: a.centroid_lon,
    });
    const elapsed = performance.now() - t0;
    // Each query alone, for the breakdown (PGlite runs one statement at a time anyway).
    const t1 = performance.now();
    await repo.suggestOrganizations(db, {
      territoryId: territory.id,
      areaId: a.id,
      categoryId: c.id,
      domain: catDomain.get(c.id) as never,
      lat: a.centroid_lat,
      lon: a.centroid_lon,
      limit: 5,
    });
    const t2 = performance.now();
    await repo.suggestVolunteers(db, {
      territoryId: territory.id,
      domain: catDomain.get(c.id) as never,
      areaKm: areaKmOf(a),
      weekday: 'mardi',
      skillId,
      excludeAccountIds: [],
      limit: 5,
    });
    const t3 = performance.now();
    if (i >= warmup) {
      orgTimes.push(t2 - t1);
      volTimes.push(t3 - t2);
      times.push(elapsed);
      orgs += s.organizations.length;
      vols += s.volunteers.length;
    }
  }
  const st = stats(times);
  const fmt = (x: { p50: number; p95: number; max: number }) => `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.max)}`;
  const goal = st.p95 < 50 ? '**met**' : '**missed**';
  const markdown = [
    `## Routing suggestions for one case — ${postgresUrl ? 'PostgreSQL' : 'PGlite'}, ${VOLUNTEERS.toLocaleString('en')} volunteers, ${STRUCTURES.toLocaleString('en')} structures`,
    '',
    await machineMarkdown(postgresUrl, loadAtStart),
    `- Command: \`${postgresUrl ? `BENCH_DATABASE_URL=${redact(postgresUrl)} ` : ''}npm run bench:cases\``,
    ...(postgresUrl
      ? ['- PostgreSQL `jit`: `off` in the benchmark database (`ALTER DATABASE … SET jit = off`).']
      : []),
    `- Data: territory \`bench-cases\` (Lozère, 152 communes), generated in ${generatedIn.toFixed(1)} s; 2,000 past offers as history.`,
    `- ${times.length} cases (seeded random commune and category, half of them with a useful skill; volunteers have 0–2 skills, a health one confirmed for half) after ${warmup} warm-up, one at a time; \`CaseService.suggestFor\` (live offers of the case, then the structures and the volunteers queries in parallel).`,
    '',
    markdownTable(
      [
        'Suggestions for one case',
        'p50 / p95 / max',
        'Goal: p95 < 50 ms',
        'Structures / volunteers suggested (mean)',
      ],
      [
        [
          '5 structures + 5 volunteers (`suggestFor`)',
          `${ms(st.p50)} / ${ms(st.p95)} / ${ms(st.max)}`,
          goal,
          `${(orgs / times.length).toFixed(1)} / ${(vols / times.length).toFixed(1)}`,
        ],
        ['… structures query alone', fmt(stats(orgTimes)), '', ''],
        ['… volunteers query alone', fmt(stats(volTimes)), '', ''],
      ],
    ),
  ].join('\n');
  console.log(markdown);
  if (!args['no-write'])
    await writeSection(`cases-${postgresUrl ? 'postgres' : 'pglite'}`, 'cases', markdown);
  await database.close();
}

await main();
