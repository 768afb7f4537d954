/**
 * Start-up benchmark of the real server.
 *
 * - Cold start: an empty data directory (PGlite created, migrations, demo seed).
 * - Warm start: the same directory again.
 *
 * Each run spawns `node --import tsx src/main.ts` (demo mode, LOG_LEVEL=warn, a free loopback
 * port), measures the wall time from the spawn until `GET /healthz` answers 200 and until the
 * first `GET /` answers 200, then sends SIGTERM and checks that the process exits 0 within 10 s
 * (the graceful shutdown). A last pair of runs, in-process, splits the start into its phases.
 * With BENCH_DATABASE_URL the same is measured on PostgreSQL (its schemas are dropped before a
 * cold start, so point it at a throw-away database; it is created when missing).
 *
 *   npm run bench:start
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench npm run bench:start
 *   npm run bench:start -- --cold 3 --warm 5 --no-write
 *
 * Results are printed as Markdown and written to docs/benchmarks.md (unless --no-write).
 * The helpers exported here are shared with tests/bench/home.ts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = resolve(ROOT, 'docs/benchmarks.md');
const GRACE_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
export const max = (xs: number[]) => Math.max(...xs);
export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** GET on loopback without keep-alive; resolves with the status (0 when nobody answers). */
export function httpStatus(port: number, path: string, timeoutMs = 2000): Promise<number> {
  return new Promise((ok) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
        res.on('error', () => ok(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok(0));
    req.end();
  });
}

export interface Server {
  child: ChildProcess;
  pid: number;
  port: number;
  startedAt: number;
  /** The last 64 kB of stdout + stderr. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

/** Environment of a Main-forte server: demo mode, loopback, quiet logs, chosen database. */
export function serverEnv(port: number, db: { dataDir: string } | { url: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATA_DIR', 'PUBLIC_URL', 'SMTP_URL', 'SESSION_SECRET', 'NODE_OPTIONS'])
    delete env[k];
  Object.assign(env, {
    MAIN_FORTE_MODE: 'demo',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    GEOCODER: 'offline',
  });
  if ('url' in db) env.DATABASE_URL = db.url;
  else env.DATA_DIR = db.dataDir;
  return env;
}

/** Spawns a node process (optionally pinned to one CPU with taskset) and keeps its output. */
export function spawnNode(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; port: number; cpu?: number },
): Server {
  const node = [process.execPath, ...args];
  const [cmd, ...argv] = opts.cpu === undefined ? node : ['taskset', '-c', String(opts.cpu), ...node];
  const startedAt = performance.now();
  // taskset execs node, so the pid is the server's own (what /proc/<pid>/status describes).
  const child = spawn(cmd!, argv, { cwd: ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => {
    child.once('exit', (code, signal) => {
      done = true;
      ok({ code, signal });
    });
  });
  return {
    child,
    pid: child.pid!,
    port: opts.port,
    startedAt,
    output: () => out,
    exited,
    hasExited: () => done,
  };
}

/** Spawns `node --import tsx src/main.ts`. */
export function spawnMainForte(
  port: number,
  db: { dataDir: string } | { url: string },
  extra: { cpu?: number; nodeArgs?: string[] } = {},
): Server {
  return spawnNode([...(extra.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    env: serverEnv(port, db),
    port,
    cpu: extra.cpu,
  });
}

/** Polls `path` every 20 ms until it answers 200; returns the ms since the spawn. */
export async function waitFor(server: Server, path: string, timeoutMs = 180_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (server.hasExited()) throw new Error(`the server exited before ${path} answered:\n${server.output()}`);
    if ((await httpStatus(server.port, path, 2000)) === 200) return performance.now() - server.startedAt;
    if (performance.now() > deadline)
      throw new Error(`${path} did not answer 200 within ${timeoutMs} ms:\n${server.output()}`);
    await sleep(20);
  }
}

/** SIGTERM, then waits up to 10 s for the exit (SIGKILL after that). */
export async function stop(server: Server): Promise<{ ok: boolean; code: number | null; ms: number }> {
  const t0 = performance.now();
  if (server.hasExited()) return { ok: false, code: null, ms: 0 };
  server.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    server.exited,
    new Promise<null>((ok) => {
      timer = setTimeout(() => ok(null), GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  if (!result) {
    server.child.kill('SIGKILL');
    await server.exited;
    return { ok: false, code: null, ms };
  }
  return { ok: result.code === 0, code: result.code, ms };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat from the third on (the command name may contain spaces). */
function procStat(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU time (s) a process has used so far (utime + stime, /proc/<pid>/stat); with `children`,
 * plus that of its live child processes (esbuild's helper, for instance).
 */
export function cpuSeconds(pid: number, children = false): number {
  const ticks = (f: string[] | null) => (f ? Number(f[11]) + Number(f[12]) : 0); // fields 14, 15
  let total = ticks(procStat(pid));
  if (children)
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const f = procStat(entry);
      if (f && Number(f[1]) === pid) total += ticks(f); // field 4: parent pid
    }
  return total / CLK_TCK;
}

/** Resident memory of a process, in MiB, from /proc/<pid>/status (VmRSS, or VmHWM for the peak). */
export function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const packageVersion = (name: string) => {
  try {
    return (
      JSON.parse(readFileSync(resolve(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
};

/** Makes sure the database of `url` exists (created from the server's `postgres` database). */
export async function ensurePostgresDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Empties a PostgreSQL database of everything Main-forte creates (for a cold start). */
export async function resetPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of ['public', 'drizzle', 'pgboss'])
      await client.query(`drop schema if exists ${schema} cascade`);
    await client.query('create schema public');
  } finally {
    await client.end();
  }
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
    return rows[0]?.v ?? '?';
  } finally {
    await client.end();
  }
}

/** The PostgreSQL version inside PGlite (a throw-away in-memory instance). */
export async function pgliteVersion(): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  try {
    const { rows } = await db.query<{ v: string }>("select current_setting('server_version') as v");
    return rows[0]?.v ?? '?';
  } finally {
    await db.close();
  }
}

/** The commit measured, and whether the working tree had uncommitted changes. */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain').length > 0;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' plus uncommitted changes' : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

/** The machine and software a result was measured on, as a Markdown list. */
export async function machineMarkdown(postgresUrl?: string, loadAtStart?: number): Promise<string> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model;
  const vm = /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo) ? ' (virtual machine)' : '';
  const pglite = `${packageVersion('@electric-sql/pglite')} (PostgreSQL ${await pgliteVersion()})`;
  const lines = [
    `- Code: ${codeVersion()}`,
    `- Machine: ${os.cpus().length} CPU (\`nproc\`), ${cpu ?? '?'}${vm}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}`,
    `- Node ${process.version}, Fastify ${packageVersion('fastify')}, PGlite ${pglite}` +
      (postgresUrl ? `, PostgreSQL ${await postgresVersion(postgresUrl)} (same machine, loopback)` : ''),
    // Other work on the machine skews every figure; the load average says how much there was.
    `- Load average (1 min) of the machine: ${loadAtStart?.toFixed(2) ?? '?'} before the run, ` +
      `${os.loadavg()[0]!.toFixed(2)} after it`,
  ];
  return lines.join('\n');
}

const HEADER = `# Benchmarks

Measured figures of Main-forte, produced by the scripts in \`tests/bench/\`. Each section
below is rewritten by its script (\`npm run bench:start\`, \`npm run bench:home\`); the notes
outside the generated blocks are written by hand. Numbers only mean something next to the
machine they were measured on, which each section states.
`;

/**
 * Replaces the generated block `name` of docs/benchmarks.md (between its markers), or appends
 * it when absent. Hand-written text outside the markers is kept.
 */
export function writeDocSection(name: string, markdown: string): void {
  const begin = `<!-- bench:${name} begin (generated by tests/bench/${name}.ts) -->`;
  const end = `<!-- bench:${name} end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : HEADER;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  const next =
    i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
  console.log(`\nWritten to ${DOC}`);
}

export function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function commandLine(script: string, argv: string[], postgresUrl?: string): string {
  const rest = argv.length ? ` -- ${argv.join(' ')}` : '';
  return `${postgresUrl ? `BENCH_DATABASE_URL=${redact(postgresUrl)} ` : ''}npm run ${script}${rest}`;
}

/** A database URL without its password. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------------------------
// The start-up benchmark
// ---------------------------------------------------------------------------------------------

interface Run {
  healthz: number;
  /** CPU time the server (and its child processes) used until /healthz answered. */
  cpu: number;
  home: number;
  /** The "démarrage en N ms" main.ts prints: from its first line to `listen` (after imports). */
  inProcess: number;
  stopMs: number;
  stopOk: boolean;
}

type DbTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

async function oneStart(target: DbTarget): Promise<Run> {
  const port = await freePort();
  const server = spawnMainForte(port, target.kind === 'pglite' ? { dataDir: target.dataDir } : target);
  try {
    const healthz = await waitFor(server, '/healthz');
    const cpu = cpuSeconds(server.pid, true) * 1000;
    const home = await waitFor(server, '/');
    const inProcess = Number(/démarrage en (\d+) ms/.exec(server.output())?.[1] ?? NaN);
    const stopped = await stop(server);
    if (!stopped.ok)
      console.error(`  ! SIGTERM: exit code ${stopped.code} after ${fmtMs(stopped.ms)}\n${server.output()}`);
    return { healthz, cpu, home, inProcess, stopMs: stopped.ms, stopOk: stopped.ok };
  } finally {
    if (!server.hasExited()) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
}

interface Phases {
  boot: number;
  import: number;
  open: number;
  migrate: number;
  seed: number;
  buildApp: number;
  jobs: number;
  listen: number;
  firstHome: number;
}

const PHASE_NAMES: Record<keyof Phases, string> = {
  boot: 'Node + tsx boot',
  import: 'module loading',
  open: 'opening the database',
  migrate: 'migrations',
  seed: 'the demo seed',
  buildApp: 'buildApp',
  jobs: 'pg-boss start',
  listen: 'listen',
  firstHome: 'the first page',
};

const PHASE_LABELS: Record<keyof Phases, string> = {
  boot: 'Node + tsx boot (until the first line of the script)',
  import: "Import of the application modules (through tsx's hooks; argon2 dummy hash)",
  open: 'Open the database (PGlite: initdb on a cold start)',
  migrate: 'Migrations',
  seed: 'Demo seed (territory, communes, accounts)',
  buildApp: 'buildApp (esbuild assets, plugins, routes)',
  jobs: 'pg-boss start (creates its schema on a cold start)',
  listen: 'listen',
  firstHome: 'First `GET /` (inject)',
};

/** Child role: the same steps as main.ts, timed one by one; prints one JSON line. */
async function phasesChild(): Promise<void> {
  const boot = performance.now(); // performance.now() counts from the start of the process.
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };
  const [{ buildApp }, { loadEnv }, { openDatabase }, { runMigrations }, { seedDemo }] = await Promise.all([
    import('../../src/app.ts'),
    import('../../src/config/env.ts'),
    import('../../src/db/client.ts'),
    import('../../src/db/migrate.ts'),
    import('../../src/db/seed/demo.ts'),
  ]);
  const p: Partial<Phases> = { boot, import: lap() };
  const env = loadEnv();
  const database = await openDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
  );
  p.open = lap();
  await runMigrations(database, env.DATABASE_URL);
  p.migrate = lap();
  await seedDemo(database.db);
  p.seed = lap();
  const app = await buildApp({ env, database, startJobs: false });
  p.buildApp = lap();
  const { jobs, outbox } = app.platform;
  await jobs.start(() => outbox.deliverPending());
  p.jobs = lap();
  await app.listen({ host: '127.0.0.1', port: 0 });
  p.listen = lap();
  const res = await app.inject({ method: 'GET', url: '/' });
  p.firstHome = lap();
  if (res.statusCode !== 200) throw new Error(`GET / answered ${res.statusCode}`);
  await app.close();
  await database.close();
  console.log(`PHASES ${JSON.stringify(p)}`);
  process.exit(0);
}

async function phasesRun(target: DbTarget): Promise<Phases> {
  const server = spawnNode(['--import', 'tsx', 'tests/bench/start.ts', '--phases'], {
    env: serverEnv(0, target.kind === 'pglite' ? { dataDir: target.dataDir } : target),
    port: 0,
  });
  const { code } = await server.exited;
  const line = /^PHASES (.+)$/m.exec(server.output())?.[1];
  if (code !== 0 || !line) throw new Error(`phase measurement failed (exit ${code}):\n${server.output()}`);
  return JSON.parse(line) as Phases;
}

interface Series {
  label: string;
  kind: 'cold' | 'warm';
  runs: Run[];
}

async function series(
  label: string,
  kind: 'cold' | 'warm',
  n: number,
  target: () => Promise<DbTarget>,
): Promise<Series> {
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) {
    const run = await oneStart(await target());
    console.log(
      `  ${label} ${kind} #${i + 1}: /healthz ${fmtMs(run.healthz)} (CPU ${fmtMs(run.cpu)}), / ${fmtMs(run.home)}, ` +
        `in-process ${fmtMs(run.inProcess)}, SIGTERM → exit ${run.stopOk ? 0 : 'FAILED'} in ${fmtMs(run.stopMs)}`,
    );
    runs.push(run);
  }
  return { label, kind, runs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cold: { type: 'string', default: '3' },
      warm: { type: 'string', default: '5' },
      'no-write': { type: 'boolean', default: false },
      phases: { type: 'boolean', default: false },
    },
  });
  if (values.phases) return phasesChild();
  if (Number(process.versions.node.split('.')[0]) < 24)
    console.warn(`! Node ${process.version}: run through npm (the project's Node 24), not the system node.`);
  const coldN = Number(values.cold);
  const warmN = Number(values.warm);
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const loadAtStart = os.loadavg()[0];

  const tmp = mkdtempSync(resolve(os.tmpdir(), 'mf-bench-start-'));
  const all: Series[] = [];
  const phases: { label: string; cold: Phases; warm: Phases }[] = [];
  try {
    // PGlite: every cold run in a new directory; the warm runs reuse the last one.
    let dir = '';
    let k = 0;
    console.log(`PGlite (data directories under ${tmp})`);
    all.push(
      await series('PGlite', 'cold', coldN, async () => {
        dir = resolve(tmp, `data-${++k}`);
        return { kind: 'pglite', dataDir: dir };
      }),
    );
    all.push(await series('PGlite', 'warm', warmN, async () => ({ kind: 'pglite', dataDir: dir })));
    const phaseDir = resolve(tmp, 'data-phases');
    phases.push({
      label: 'PGlite',
      cold: await phasesRun({ kind: 'pglite', dataDir: phaseDir }),
      warm: await phasesRun({ kind: 'pglite', dataDir: phaseDir }),
    });

    if (pgUrl) {
      console.log(`PostgreSQL (${redact(pgUrl)})`);
      await ensurePostgresDatabase(pgUrl);
      const target: DbTarget = { kind: 'postgres', url: pgUrl };
      all.push(
        await series('PostgreSQL', 'cold', coldN, async () => {
          await resetPostgres(pgUrl);
          return target;
        }),
      );
      all.push(await series('PostgreSQL', 'warm', warmN, async () => target));
      await resetPostgres(pgUrl);
      const cold = await phasesRun(target);
      phases.push({ label: 'PostgreSQL', cold, warm: await phasesRun(target) });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const failures = all.flatMap((s) => s.runs).filter((r) => !r.stopOk).length;
  const machine = await machineMarkdown(pgUrl, loadAtStart);
  const md = report(all, phases, failures, machine, process.argv.slice(2), pgUrl);
  console.log(`\n${md}`);
  if (!values['no-write']) writeDocSection('start', md);
  if (failures) {
    console.error(`\n${failures} run(s) did not exit 0 within 10 s after SIGTERM.`);
    process.exitCode = 1;
  }
}

function report(
  all: Series[],
  phases: { label: string; cold: Phases; warm: Phases }[],
  failures: number,
  machine: string,
  argv: string[],
  pgUrl?: string,
): string {
  const mm = (xs: number[]) => `${fmtMs(median(xs))} / ${fmtMs(max(xs))}`;
  const table = markdownTable(
    [
      'Database',
      'Start',
      'Runs',
      '`/healthz` 200 (median / max)',
      'CPU time² (median)',
      'First `/` 200 (median / max)',
      'In `main()`¹ (median)',
      'SIGTERM → exit 0 (max)',
    ],
    all.map((s) => [
      s.label,
      s.kind,
      String(s.runs.length),
      mm(s.runs.map((r) => r.healthz)),
      fmtMs(median(s.runs.map((r) => r.cpu))),
      mm(s.runs.map((r) => r.home)),
      fmtMs(median(s.runs.map((r) => r.inProcess))),
      `${fmtMs(max(s.runs.map((r) => r.stopMs)))} (${s.runs.filter((r) => r.stopOk).length}/${s.runs.length} ok)`,
    ]),
  );
  const keys = Object.keys(PHASE_LABELS) as (keyof Phases)[];
  const phaseTable = markdownTable(
    ['Phase', ...phases.flatMap((p) => [`${p.label} cold`, `${p.label} warm`])],
    [
      ...keys.map((k) => [PHASE_LABELS[k], ...phases.flatMap((p) => [fmtMs(p.cold[k]), fmtMs(p.warm[k])])]),
      [
        '**Total**',
        ...phases.flatMap((p) =>
          [p.cold, p.warm].map((x) => `**${fmtMs(keys.reduce((a, k) => a + x[k], 0))}**`),
        ),
      ],
    ],
  );
  const summary = phases.map((p) => {
    const top = (x: Phases) => {
      const total = keys.reduce((a, k) => a + x[k], 0);
      return keys
        .map((k) => ({ k, v: x[k] }))
        .sort((a, b) => b.v - a.v)
        .slice(0, 2)
        .map(({ k, v }) => `${PHASE_NAMES[k]} (${Math.round((v / total) * 100)} %)`)
        .join(' and ');
    };
    return `On ${p.label}, a cold start is dominated by ${top(p.cold)}; a warm start by ${top(p.warm)}.`;
  });
  return [
    `## Start-up (cold and warm)`,
    '',
    `Measured on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    machine,
    `- Command: \`${commandLine('bench:start', argv, pgUrl)}\``,
    '',
    'Wall time from `spawn(node --import tsx src/main.ts)` (demo mode, `LOG_LEVEL=warn`) until the ' +
      'answer; a cold start begins from an empty data directory (PGlite) or an emptied database ' +
      '(PostgreSQL): migrations, pg-boss schema and demo seed included. A warm start reuses it.',
    '',
    table,
    '',
    '¹ What `main.ts` prints as “démarrage en N ms”: from its first line to `listen`, so without ' +
      'process boot and module loading. ² CPU time of the server process (all its threads) and of ' +
      'its child processes (esbuild) when `/healthz` first answered, from `/proc/<pid>/stat`: close ' +
      'to the wall time means the start-up is bound by CPU, not by waiting for the disk.' +
      (failures ? ` **${failures} run(s) did not exit 0 within 10 s after SIGTERM.**` : ''),
    '',
    'Where the time goes (one extra run of each, the steps of `main.ts` timed in-process):',
    '',
    phaseTable,
    '',
    summary.join(' '),
  ].join('\n');
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
