/**
 * The map of the whole département: `GET /api/v1/posts.geojson?bbox=<département>&zoom=9` on a
 * territory of N posts — gzipped size of the answer and latency over 100 calls — and the
 * database's aggregation behind it, timed bare with its EXPLAIN ANALYZE.
 *
 * Same database and data as tests/bench/search.ts (PostgreSQL at BENCH_DATABASE_URL, 1,000,000
 * posts; otherwise PGlite, 200,000 posts; BENCH_POSTS to change). The app is built in-process
 * (LOG_LEVEL=silent) and called over HTTP on loopback, one request at a time. The first call is
 * reported apart: the service then counts every open post of the territory per public point
 * (its in-memory grid, kept 30 s and refreshed in the background); the next calls are served
 * from that grid. The statements the app sends during the first call are recorded, then run
 * bare (5 times) and explained.
 *
 *   npm run bench:map
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench npm run bench:map
 *   npm run bench:map -- --calls 100 --no-write
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { machineMarkdown, markdownTable, redact } from './start.ts';
import {
  closeAgent,
  ensureBenchTerritory,
  ensurePosts,
  generationLine,
  get,
  ms,
  openBenchDatabase,
  startApp,
  stats,
  writeSection,
} from './search.ts';

const GOAL_GZIP_BYTES = 50 * 1024;
const GOAL_P95_MS = 50;

async function main() {
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: '100' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const calls = Number(values.calls);
  const loadAtStart = os.loadavg()[0]!;

  const bench = await openBenchDatabase();
  const { database } = bench;
  const target = Number(process.env.BENCH_POSTS ?? (bench.kind === 'postgres' ? 1_000_000 : 200_000));
  console.log(`Map benchmark on ${bench.kind} (${bench.where}), ${target.toLocaleString('en')} posts`);
  const territory = await ensureBenchTerritory(database);
  const posts = await ensurePosts(database, territory.id, target);
  const [w, s, e, n] = territory.geodata.departement.bbox;
  const path = `/api/v1/posts.geojson?bbox=${w},${s},${e},${n}&zoom=9`;

  // Record what the app sends to the database during the first call.
  const recorded: Array<{ sql: string; params: unknown[]; ms: number }> = [];
  const db = database.db as unknown as { execute: (q: SQL) => Promise<unknown> };
  const execute = db.execute.bind(db);
  const dialect = new PgDialect();
  db.execute = async (q: SQL) => {
    const t = performance.now();
    try {
      return await execute(q);
    } finally {
      const { sql, params } = dialect.sqlToQuery(q);
      recorded.push({ sql, params, ms: performance.now() - t });
    }
  };

  const { app, port } = await startApp(database);
  const call = async () => {
    const t = performance.now();
    const res = await get(port, path);
    const elapsed = performance.now() - t;
    if (res.status !== 200)
      throw new Error(`${path} answered ${res.status}: ${res.body.toString().slice(0, 300)}`);
    return { elapsed, body: res.body };
  };
  const first = await call();
  db.execute = execute;
  const statements = recorded.filter((r) => /\bfrom post\b/.test(r.sql));
  const times: number[] = [];
  let body = first.body;
  for (let i = 0; i < calls; i++) {
    const r = await call();
    times.push(r.elapsed);
    body = r.body;
  }
  await app.close();
  closeAgent();

  const geojson = JSON.parse(body.toString()) as { mode?: string; total?: number; features: unknown[] };
  const gzip = gzipSync(body).length;
  const t = stats(times);

  // The recorded statements, bare (5 runs, the median) and explained.
  const bare: Array<{ sql: string; median: number; plan: string }> = [];
  for (const st of statements) {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await database.raw.executeSql(st.sql, st.params);
      runs.push(performance.now() - t0);
    }
    const { rows } = (await database.raw.executeSql(`explain (analyze, buffers) ${st.sql}`, st.params)) as {
      rows: Array<{ 'QUERY PLAN': string }>;
    };
    bare.push({
      sql: st.sql,
      median: [...runs].sort((a, b) => a - b)[2]!,
      plan: rows.map((r) => r['QUERY PLAN']).join('\n'),
    });
  }

  const sizeOk = gzip <= GOAL_GZIP_BYTES;
  const p95Ok = t.p95 <= GOAL_P95_MS;
  const label = bench.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const argv = process.argv.slice(2);
  const cmd =
    `${bench.url ? `BENCH_DATABASE_URL=${redact(bench.url)} ` : ''}` +
    `${process.env.BENCH_POSTS ? `BENCH_POSTS=${process.env.BENCH_POSTS} ` : ''}npm run bench:map` +
    (argv.length ? ` -- ${argv.join(' ')}` : '');
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const md = [
    `## Map of the whole département — ${label}, ${posts.total.toLocaleString('en')} posts`,
    '',
    await machineMarkdown(bench.url, loadAtStart),
    `- Command: \`${cmd}\``,
    `- Data: territory \`bench\` (Lozère), ${posts.open.toLocaleString('en')} open posts; ` +
      `${generationLine(posts.generated, posts.total)}.`,
    `- \`GET ${path}\`, over HTTP on loopback, one call at a time.`,
    '',
    markdownTable(
      ['Measure', 'Value', 'Goal'],
      [
        [
          'Answer',
          `${geojson.features.length} features (mode \`${geojson.mode ?? '?'}\`, total ${geojson.total ?? '?'}), ${kib(body.length)}`,
          '',
        ],
        ['Gzipped (`zlib.gzipSync`)', kib(gzip), `≤ 50 KiB: ${sizeOk ? '**met**' : '**missed**'}`],
        ['First call (the grid is computed)', ms(first.elapsed), ''],
        [
          `Next ${calls} calls p50 / p95 / max`,
          `${ms(t.p50)} / ${ms(t.p95)} / ${ms(t.max)}`,
          `p95 ≤ 50 ms: ${p95Ok ? '**met**' : '**missed**'}`,
        ],
        ...bare.map((b, i) => [
          `Statement ${i + 1} of the first call, bare (median of 5)`,
          ms(b.median),
          `${b.median <= GOAL_P95_MS ? 'within' : `**${(b.median / GOAL_P95_MS).toFixed(1)} × over**`} 50 ms`,
        ]),
      ],
    ),
    '',
    ...bare.flatMap((b, i) => [
      `<details><summary>Statement ${i + 1}: SQL and EXPLAIN (ANALYZE, BUFFERS)</summary>`,
      '',
      '```sql',
      b.sql.replace(/\s+/g, ' ').trim(),
      '```',
      '',
      '```',
      b.plan,
      '```',
      '',
      '</details>',
      '',
    ]),
  ].join('\n');
  console.log(`\n${md}\n`);
  if (!values['no-write']) await writeSection(`map-${bench.kind}`, 'map', md);
  await database.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
