/**
 * Missions: search at scale and capacity under concurrency.
 *
 * 1. « Missions within 20 km of a point, nearest first » (and the same in one domain), through
 *    the API and as the bare SQL of `searchMissions`, on a territory of BENCH_MISSIONS missions
 *    (default 100,000), generated once by one INSERT … SELECT when fewer are there. Goal, as for
 *    posts: API p95 ≤ 2 × bare p95 + 2 ms.
 * 2. 200 volunteers apply at the same instant to a mission of 10 places (`MissionService.apply`,
 *    all started together): exactly 10 must hold a place, 190 go on the waiting list, and the
 *    slot's `taken` must be 10.
 *
 * Same database choice as tests/bench/search.ts (PGlite in a kept directory, or PostgreSQL at
 * BENCH_DATABASE_URL). Short by default (the machine is shared):
 *
 *   npm run bench:missions
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench5 npm run bench:missions
 *   npm run bench:missions -- --iterations 300 --warmup 30 --no-write
 *
 * Results are printed as Markdown and written to docs/benchmarks.md (unless --no-write).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/db/client.ts';
import { seededRandom } from '../../src/db/seed/demo-posts.ts';
import { DOMAINS } from '../../src/db/schema.ts';
import * as repo from '../../src/modules/missions/repository.ts';
import { MISSION_PAGE_SIZE } from '../../src/modules/missions/service.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { hashPassword } from '../../src/modules/accounts/service.ts';
import {
  captureSql,
  closeAgent,
  ensureBenchTerritory,
  get,
  ms,
  openBenchDatabase,
  pointsInside,
  startApp,
  stats,
  writeSection,
  type Stats,
} from './search.ts';
import { machineMarkdown, markdownTable, redact } from './start.ts';

const BENCH_ORG = 'bench-structure';

/** A validated structure of the bench territory, owning every generated mission. */
async function ensureOrganization(database: Database, territoryId: string): Promise<string> {
  const [found] = await queryRows<{ id: string }>(
    database.db,
    sql`select id from organization where territory_id = ${territoryId} and slug = ${BENCH_ORG}`,
  );
  if (found) return found.id;
  const [row] = await queryRows<{ id: string }>(
    database.db,
    sql`insert into organization (territory_id, slug, name, kind, description, area_id, public_lat, public_lon, validated_at)
        select ${territoryId}, ${BENCH_ORG}, 'Structure de test', 'association', 'Banc d’essai', a.id,
               a.centroid_lat, a.centroid_lon, now()
        from area a where a.territory_id = ${territoryId} order by a.code limit 1
        returning id`,
  );
  return row!.id;
}

/**
 * Missions until the territory has `target`: one statement, seeded, public points on a ~500 m
 * grid inside the département's box, a category (and its domain) each, 1 to 6 places in one
 * slot, a tenth remote, a fifth asking for a skill, days spread over the next year.
 */
async function ensureMissions(
  database: Database,
  territoryId: string,
  organizationId: string,
  target: number,
) {
  const count = async () =>
    Number(
      (
        await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from mission where territory_id = ${territoryId}`,
        )
      )[0]!.n,
    );
  const before = await count();
  if (before >= target) return { total: before, generatedMs: null as number | null };
  const started = performance.now();
  const n = target - before;
  console.log(`Generating ${n.toLocaleString('en')} missions…`);
  await database.db.execute(sql`select setseed(0.48)`);
  await database.db.execute(sql`
    with cats as (select array_agg(id order by position) as ids, array_agg(domain order by position) as domains
                  from category where territory_id = ${territoryId}),
         skills as (select array_agg(id order by position) as ids from skill where territory_id = ${territoryId}),
         areas as (select array_agg(id order by code) as ids from area where territory_id = ${territoryId}),
         g as (select i, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
               from generate_series(1, ${n}) i)
    insert into mission (territory_id, organization_id, title, description, category_id, domain, schedule,
      starts_on, ends_on, volunteers_needed, required_skill_ids, remote_possible, remote_only, area_id,
      public_lat, public_lon, status, published_at)
    select ${territoryId}, ${organizationId}, 'Mission ' || g.i, 'Mission de test numéro ' || g.i,
      cats.ids[1 + floor(g.r1 * array_length(cats.ids, 1))::int],
      cats.domains[1 + floor(g.r1 * array_length(cats.ids, 1))::int],
      'date', current_date + floor(g.r2 * 365)::int, current_date + floor(g.r2 * 365)::int,
      1 + floor(g.r3 * 6)::int,
      case when g.r4 < 0.2 then array[skills.ids[1 + floor(g.r5 * array_length(skills.ids, 1))::int]] else '{}'::uuid[] end,
      g.r4 > 0.9, false,
      areas.ids[1 + floor(g.r5 * array_length(areas.ids, 1))::int],
      round((44.11 + g.r2 * 0.86) / 0.0045) * 0.0045, round((2.98 + g.r5 * 1.0) / 0.0063) * 0.0063,
      'open', now() - (g.r3 * interval '60 days')
    from g, cats, skills, areas`);
  await database.db.execute(sql`
    insert into mission_slot (mission_id, starts_at, capacity)
    select m.id, m.starts_on + time '09:00', m.volunteers_needed from mission m
    where m.territory_id = ${territoryId} and not exists (select 1 from mission_slot s where s.mission_id = m.id)`);
  await database.db.execute(sql`analyze mission`);
  await database.db.execute(sql`analyze mission_slot`);
  return { total: await count(), generatedMs: performance.now() - started };
}

/** 200 volunteers apply at once to 10 places; returns the outcome and how long it took. */
async function concurrentApplications(
  database: Database,
  app: Awaited<ReturnType<typeof startApp>>['app'],
  territoryId: string,
  organizationId: string,
  applicants: number,
  places: number,
) {
  const [cat] = await queryRows<{ id: string; domain: string }>(
    database.db,
    sql`select id, domain from category where territory_id = ${territoryId} order by position limit 1`,
  );
  const [mission] = await queryRows<{ id: string }>(
    database.db,
    sql`insert into mission (territory_id, organization_id, title, description, category_id, domain, schedule,
          volunteers_needed, area_id, public_lat, public_lon, status, published_at)
        select ${territoryId}, ${organizationId}, 'Concurrence', 'Dix places', ${cat!.id}, ${cat!.domain}, 'date',
          ${places}, o.area_id, o.public_lat, o.public_lon, 'open', now()
        from organization o where o.id = ${organizationId}
        returning id`,
  );
  await database.db.execute(
    sql`insert into mission_slot (mission_id, capacity) values (${mission!.id}, ${places})`,
  );
  const hash = await hashPassword('banc-d-essai-concurrence');
  const stamp = Date.now().toString(36);
  const people = await queryRows<{ id: string }>(
    database.db,
    sql`insert into account (email, password_hash, display_name, email_verified_at)
        select 'banc-' || ${stamp} || '-' || i || '@exemple.fr', ${hash}, 'Bénévole ' || i, now()
        from generate_series(1, ${applicants}) i returning id`,
  );
  await database.db.execute(sql`insert into membership (territory_id, account_id)
    select ${territoryId}, id from account where email like ${`banc-${stamp}-%`}`);
  const ctx = (accountId: string): Ctx => ({
    territoryId,
    actor: { accountId, roles: ['member'] },
    onBehalfOf: null,
    ip: null,
    requestId: 'bench',
  });
  const started = performance.now();
  const results = await Promise.all(
    people.map((p) =>
      app.platform.missions.apply(
        ctx(p.id),
        mission!.id,
        { slotId: '', message: '', ageConfirmed: false },
        'http://bench',
      ),
    ),
  );
  const elapsed = performance.now() - started;
  const statuses = results.map((r) => (r.ok ? r.value.status : 'error'));
  const [slot] = await queryRows<{ taken: number; capacity: number }>(
    database.db,
    sql`select taken, capacity from mission_slot where mission_id = ${mission!.id}`,
  );
  const [held] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from application where mission_id = ${mission!.id} and waitlisted_at is null`,
  );
  return {
    pending: statuses.filter((s) => s === 'pending').length,
    waitlisted: statuses.filter((s) => s === 'waitlisted').length,
    errors: statuses.filter((s) => s === 'error').length,
    taken: Number(slot!.taken),
    held: Number(held!.n),
    ms: elapsed,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '30' },
      applicants: { type: 'string', default: '200' },
      places: { type: 'string', default: '10' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  const loadAtStart = os.loadavg()[0]!;
  const bench = await openBenchDatabase();
  const { database } = bench;
  const target = Number(process.env.BENCH_MISSIONS ?? 100_000);
  console.log(
    `Missions benchmark on ${bench.kind} (${bench.where}), ${target.toLocaleString('en')} missions`,
  );
  const territory = await ensureBenchTerritory(database);
  const organizationId = await ensureOrganization(database, territory.id);
  const missions = await ensureMissions(database, territory.id, organizationId, target);
  const { app, port } = await startApp(database);

  const rng = seededRandom(5005);
  const points = pointsInside(territory.geodata, warmup + iterations, 5050);
  type Mode = 'plain' | 'domain';
  const timings: Record<Mode, { api: number[]; bare: number[]; items: number[] }> = {
    plain: { api: [], bare: [], items: [] },
    domain: { api: [], bare: [], items: [] },
  };
  const time = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const startedAt = performance.now();
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    const domain = DOMAINS[Math.floor(rng() * (DOMAINS.length - 1))]!;
    for (const mode of ['plain', 'domain'] as const) {
      const filters: repo.MissionSearch = {
        territoryId: territory.id,
        domain: mode === 'domain' ? domain : null,
        categoryIds: [],
        areaId: null,
        near: point,
        radiusKm: 20,
        from: null,
        to: null,
        skillIds: [],
        remote: false,
        sort: 'nearest',
        limit: MISSION_PAGE_SIZE,
        after: null,
      };
      const bareSql = await captureSql((db) => repo.searchMissions(db, filters));
      const url =
        `/api/v1/missions?lat=${point.lat}&lon=${point.lon}&rayon=20&tri=proches` +
        (mode === 'domain' ? `&domaine=${domain}` : '');
      let items = 0;
      const api = async () => {
        const res = await get(port, url);
        if (res.status !== 200)
          throw new Error(`API answered ${res.status}: ${res.body.toString().slice(0, 300)}`);
        items = (JSON.parse(res.body.toString()) as { items: unknown[] }).items.length;
      };
      const bare = () => database.raw.executeSql(bareSql.sql, bareSql.params);
      let tApi: number;
      let tBare: number;
      if (i % 2 === 0) {
        tApi = await time(api);
        tBare = await time(bare);
      } else {
        tBare = await time(bare);
        tApi = await time(api);
      }
      if (i < warmup) continue;
      timings[mode].api.push(tApi);
      timings[mode].bare.push(tBare);
      timings[mode].items.push(items);
    }
  }
  const searchSeconds = (performance.now() - startedAt) / 1000;
  closeAgent();

  const applicants = Number(values.applicants);
  const places = Number(values.places);
  console.log(`${applicants} applications at once for ${places} places…`);
  const race = await concurrentApplications(database, app, territory.id, organizationId, applicants, places);
  await app.close();

  const triple = (x: Stats) => `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.max)}`;
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const mode of ['plain', 'domain'] as const) {
    const t = timings[mode];
    const api = stats(t.api);
    const bare = stats(t.bare);
    const goal = 2 * bare.p95 + 2;
    const met = api.p95 <= goal;
    rows.push([
      mode === 'plain' ? 'nearest 20 missions within 20 km' : '… in one domain (`domaine`)',
      triple(api),
      triple(bare),
      `${ms(goal)}: ${met ? '**met**' : `**missed** (× ${(api.p95 / goal).toFixed(1)})`}`,
      (t.items.reduce((s, x) => s + x, 0) / t.items.length).toFixed(1),
    ]);
    verdicts.push(`${mode}: API p95 ${ms(api.p95)} vs goal ${ms(goal)} → ${met ? 'met' : 'MISSED'}`);
  }
  const raceOk =
    race.held === places && race.taken === places && race.pending === places && race.errors === 0;
  verdicts.push(
    `race: ${race.pending} pending, ${race.waitlisted} waitlisted, ${race.errors} errors, taken ${race.taken} → ${raceOk ? 'no overbooking' : 'FAILED'}`,
  );
  const machine = await machineMarkdown(bench.url, loadAtStart);
  const argv = process.argv.slice(2);
  const cmd =
    `${bench.url ? `BENCH_DATABASE_URL=${redact(bench.url)} ` : ''}` +
    `${process.env.BENCH_MISSIONS ? `BENCH_MISSIONS=${process.env.BENCH_MISSIONS} ` : ''}npm run bench:missions` +
    (argv.length ? ` -- ${argv.join(' ')}` : '');
  const label = bench.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const md = [
    `## Missions: search and capacity — ${label}, ${missions.total.toLocaleString('en')} missions`,
    '',
    machine,
    `- Command: \`${cmd}\``,
    `- Data: territory \`bench\` (Lozère), ${missions.total.toLocaleString('en')} missions of one structure, one slot each` +
      (missions.generatedMs === null
        ? ', generated by an earlier run.'
        : `, generated in ${(missions.generatedMs / 1000).toFixed(1)} s by one INSERT … SELECT.`),
    `- ${iterations} seeded random points inside the département after ${warmup} warm-up, in ${searchSeconds.toFixed(0)} s; one request at a time.`,
    '',
    markdownTable(
      [
        'Search',
        'API p50 / p95 / max',
        'Bare `searchMissions` p50 / p95 / max',
        'Goal: API p95 ≤ 2 × bare p95 + 2 ms',
        'Items per page (mean)',
      ],
      rows,
    ),
    '',
    '“API” is `GET /api/v1/missions?lat=…&lon=…&rayon=20&tri=proches[&domaine=…]` over HTTP on loopback (keep-alive). “Bare” is the statement `searchMissions` sends for the same filters, captured from Drizzle and run through the raw driver.',
    '',
    `**Capacity under concurrency:** ${applicants} volunteers applied at the same instant (\`MissionService.apply\`, all started together${bench.kind === 'postgres' ? ', over a pool of 10 connections' : '; PGlite has one connection, so transactions queue'}) to one slot of ${places} places, in ${ms(race.ms)}: ` +
      `${race.pending} hold a place, ${race.waitlisted} are on the waiting list, ${race.errors} errors; the slot's \`taken\` is ${race.taken} and ${race.held} applications hold a place — ` +
      `${raceOk ? '**no overbooking**' : '**OVERBOOKED OR FAILED**'}. Each application also opens its conversation with the structure's team and queues two mails.`,
  ].join('\n');
  console.log(`\n${md}\n`);
  console.log(verdicts.join('\n'));
  if (!values['no-write']) await writeSection(`missions-${bench.kind}`, 'missions', md);
  await database.close();
  if (!raceOk) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
