/**
 * Delivery latency of a message (issue 4): from the start of the send request to the arrival of
 * that message on the other participant's open server-sent-events stream.
 *
 * - PostgreSQL, when BENCH_DATABASE_URL is set (the database is created when missing, migrated,
 *   and gets `jit = off` as docs/operations.md requires): a new territory, two members A and B,
 *   a post of A answered by B (the conversation), created through the services and an in-process
 *   app. Then TWO app instances, each in its own process (this file with `--instance`: `buildApp`
 *   with its own pool and its own LISTEN connection, LOG_LEVEL=warn, no pg-boss workers, the same
 *   SESSION_SECRET), each listening on its own loopback port. A signs in on instance 1, B on
 *   instance 2 (the real form, over HTTP).
 * - B opens `GET /messages/:id/flux` on instance 2 (plain `http` request; `event: messages`
 *   blocks are parsed); A sends the messages through instance 1 with
 *   `POST /api/v1/conversations/:id/messages` (session cookie and `x-csrf-token`), one at a time:
 *   the next one leaves once the previous one has been answered and seen on the stream, after a
 *   short pause. Each message carries a unique marker; its delivery latency is the time from the
 *   start of its send request to the arrival of the stream event holding that marker. The send
 *   request's own latency (until its 201 answer) is reported beside it.
 * - PGlite (always): the same with a single instance in this process, on an embedded in-memory
 *   database, for comparison.
 *
 * A few warm-up messages are sent first and not counted. The measured part of each database
 * stops after --max-seconds whatever the count; a message not seen within --timeout ms is lost.
 *
 *   npm run bench:messages
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_messages npm run bench:messages
 *   npm run bench:messages -- --messages 1000 --warmup 20 --pause 2 --timeout 5000 --max-seconds 45 --no-write
 *
 * Results are printed as Markdown and written to docs/benchmarks.md (unless --no-write).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadEnv } from '../../src/config/env.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { createMember, createTestTerritory, TestClient, uniqueSlug } from '../support/app.ts';
import { openBenchDatabase } from './search.ts';
import {
  commandLine,
  cpuSeconds,
  freePort,
  machineMarkdown,
  markdownTable,
  redact,
  serverEnv,
  sleep,
  spawnNode,
  stop,
  waitFor,
  writeDocSection,
  type Server,
} from './start.ts';

const GOAL_P95_MS = 100;

const { values: opts } = parseArgs({
  options: {
    instance: { type: 'boolean', default: false },
    messages: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '20' },
    pause: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '5000' },
    'max-seconds': { type: 'string', default: '45' },
    'no-write': { type: 'boolean', default: false },
  },
});

// ---------------------------------------------------------------------------------------------
// Child role: one app instance on PostgreSQL
// ---------------------------------------------------------------------------------------------

/** `--instance`: buildApp on DATABASE_URL, listening on PORT; prints one READY line. */
async function instance(): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('--instance needs DATABASE_URL');
  const database = await openDatabase({ url: env.DATABASE_URL }, (msg, err) => console.error(msg, err));
  const app = await buildApp({ env, database, startJobs: false });
  await app.listen({ host: '127.0.0.1', port: env.PORT });
  const { rows } = (await database.raw.executeSql('show jit')) as { rows: Array<{ jit: string }> };
  console.log(`READY pid=${process.pid} jit=${rows[0]?.jit ?? '?'}`);
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      try {
        await app.close();
        await database.close();
      } finally {
        process.exit(0);
      }
    })();
  });
}

// ---------------------------------------------------------------------------------------------
// The conversation: a territory, two members, a post of A answered by B
// ---------------------------------------------------------------------------------------------

interface Member {
  email: string;
  password: string;
}

interface Conversation {
  host: string;
  id: string;
  a: Member;
  b: Member;
}

/** Creates the territory, the members and the conversation through `app` (in-process inject). */
async function prepare(database: Database, app: FastifyInstance): Promise<Conversation> {
  const territory = await createTestTerritory(database, uniqueSlug('bench-messages'));
  const host = `${territory.slug}.test`;
  const t = { database, territory };
  const a = await createMember(t, { displayName: 'Annie Banc' });
  const b = await createMember(t, { displayName: 'Bruno Essai' });
  const ca = new TestClient(app, host);
  await ca.logIn(a.email, a.password);
  const categories = await app.platform.territories.categories(territory.id);
  const published = await ca.post('/annonces', {
    kind: 'offer',
    categoryId: categories[0]!.id,
    title: 'Je fais vos courses le samedi',
    description: 'Je passe au marché de Mende chaque samedi matin.',
    commune: 'Mende',
  });
  if (published.statusCode !== 303) throw new Error(`publishing answered ${published.statusCode}`);
  const postId = published.headers.location!.split('/').pop()!;
  const cb = new TestClient(app, host);
  await cb.logIn(b.email, b.password);
  const answered = await cb.post(`/annonces/${postId}/repondre`, { body: 'Bonjour, je suis intéressé.' });
  if (answered.statusCode !== 303) throw new Error(`answering answered ${answered.statusCode}`);
  const id = answered.headers.location!.split('/').pop()!.split('#')[0]!;
  return { host, id, a, b };
}

// ---------------------------------------------------------------------------------------------
// HTTP: a small cookie jar, the sign-in form, the JSON send, the event stream
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

class Session {
  readonly cookies = new Map<string, string>();
  csrf = '';
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    readonly port: number,
    readonly host: string,
  ) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  send(method: string, path: string, body?: { type: string; text: string }, extra = {}): Promise<Answer> {
    return new Promise((ok, fail) => {
      const headers: Record<string, string | number> = {
        host: this.host,
        cookie: this.cookieHeader(),
        ...extra,
      };
      if (body) {
        headers['content-type'] = body.type;
        headers['content-length'] = Buffer.byteLength(body.text);
      }
      const req = request(
        { host: '127.0.0.1', port: this.port, path, method, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const c of res.headers['set-cookie'] ?? []) {
              const [pair] = c.split(';');
              const eq = pair!.indexOf('=');
              const name = pair!.slice(0, eq).trim();
              const value = pair!.slice(eq + 1).trim();
              if (value === '' || /max-age=0\b/i.test(c)) this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(body?.text);
    });
  }

  /** The `_csrf` of a page's forms (the token of this session's CSRF cookie). */
  async readCsrf(path: string) {
    const page = await this.send('GET', path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (page.status !== 200 || !token) throw new Error(`GET ${path}: ${page.status}, no CSRF token`);
    this.csrf = token;
  }

  /** Signs in through the real form, then reads the CSRF token from `then`. */
  async logIn(member: Member, then: string) {
    await this.readCsrf('/connexion');
    const form = new URLSearchParams({ _csrf: this.csrf, email: member.email, password: member.password });
    const res = await this.send('POST', '/connexion', {
      type: 'application/x-www-form-urlencoded',
      text: form.toString(),
    });
    if (res.status !== 303) throw new Error(`sign-in on port ${this.port} answered ${res.status}`);
    await this.readCsrf(then);
  }

  close() {
    this.agent.destroy();
  }
}

interface Stream {
  req: ClientRequest;
  /** Event ids in the order they came. */
  ids: number[];
  closed: boolean;
}

/**
 * Opens the event stream of `path` and calls `onMarker` for each marker found in the data of an
 * `event: messages` block, with the time that block arrived.
 */
function openStream(
  session: Session,
  path: string,
  marker: RegExp,
  onMarker: (n: number, at: number) => void,
): Promise<Stream> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: session.port,
        path,
        agent: false,
        headers: { host: session.host, cookie: session.cookieHeader(), accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          fail(new Error(`GET ${path} answered ${res.statusCode}`));
          res.resume();
          return;
        }
        const stream: Stream = { req, ids: [], closed: false };
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('id:')) stream.ids.push(Number(line.slice(3).trim()));
              else if (line.startsWith('data:')) data.push(line.slice(5));
            }
            if (event !== 'messages') continue;
            for (const m of data.join('\n').matchAll(marker)) onMarker(Number(m[1]), at);
          }
        });
        res.on('close', () => (stream.closed = true));
        ok(stream);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// The measurement
// ---------------------------------------------------------------------------------------------

interface Measured {
  delivery: number[];
  send: number[];
  /** Messages whose stream event came before the send request's answer. */
  deliveredFirst: number;
  /** Per message: arrival on the stream minus the send answer (negative when the event came first). */
  gap: number[];
  lost: number;
  duplicates: number;
  /** Event ids not strictly increasing. */
  disorder: number;
  wallSeconds: number;
  stoppedEarly: boolean;
}

async function measure(conv: Conversation, sendPort: number, streamPort: number): Promise<Measured> {
  const n = Number(opts.messages);
  const warmup = Number(opts.warmup);
  const pause = Number(opts.pause);
  const timeoutMs = Number(opts.timeout);
  const threadPath = `/messages/${conv.id}`;
  const sender = new Session(sendPort, conv.host);
  const reader = new Session(streamPort, conv.host);
  await sender.logIn(conv.a, threadPath);
  await reader.logIn(conv.b, threadPath);

  const tag = randomBytes(4).toString('hex');
  const arrived = new Map<number, number>();
  const waiting = new Map<number, (at: number) => void>();
  let duplicates = 0;
  const stream = await openStream(
    reader,
    `${threadPath}/flux`,
    new RegExp(`mfb${tag}x(\\d+)`, 'g'),
    (i, at) => {
      if (arrived.has(i)) return void duplicates++;
      arrived.set(i, at);
      waiting.get(i)?.(at);
    },
  );

  const delivery: number[] = [];
  const send: number[] = [];
  let deliveredFirst = 0;
  const gap: number[] = [];
  let lost = 0;
  let stoppedEarly = false;
  const t0 = performance.now();
  const deadline = t0 + Number(opts['max-seconds']) * 1000;
  try {
    for (let i = 0; i < warmup + n; i++) {
      if (stream.closed) throw new Error('the event stream closed during the run');
      if (performance.now() > deadline) {
        stoppedEarly = true;
        break;
      }
      let timer: NodeJS.Timeout | undefined;
      const seen = new Promise<number | null>((ok) => {
        waiting.set(i, ok);
        timer = setTimeout(() => ok(null), timeoutMs);
      });
      const body = JSON.stringify({ body: `Bonjour, voici le message ${i} de l'essai (mfb${tag}x${i}).` });
      const start = performance.now();
      const res = await sender.send(
        'POST',
        `/api/v1/conversations/${conv.id}/messages`,
        { type: 'application/json', text: body },
        { 'x-csrf-token': sender.csrf },
      );
      const answered = performance.now();
      if (res.status !== 201) throw new Error(`send ${i} answered ${res.status}: ${res.body.slice(0, 300)}`);
      const at = await seen;
      clearTimeout(timer);
      waiting.delete(i);
      if (i >= warmup) {
        send.push(answered - start);
        if (at === null) lost++;
        else {
          delivery.push(at - start);
          gap.push(at - answered);
          if (at < answered) deliveredFirst++;
        }
      }
      if (pause > 0) await sleep(pause);
    }
  } finally {
    stream.req.destroy();
    sender.close();
    reader.close();
  }
  let disorder = 0;
  for (let k = 1; k < stream.ids.length; k++) if (stream.ids[k]! <= stream.ids[k - 1]!) disorder++;
  return {
    delivery,
    send,
    deliveredFirst,
    gap,
    lost,
    duplicates,
    disorder,
    wallSeconds: (performance.now() - t0) / 1000,
    stoppedEarly,
  };
}

// ---------------------------------------------------------------------------------------------
// The two set-ups
// ---------------------------------------------------------------------------------------------

interface Row {
  label: string;
  result: Measured;
  /** CPU seconds each instance used during the measured part. */
  instanceCpu: number[];
}

const testEnv = () => loadEnv({ MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'warn' });

/** Two instances in two processes on PostgreSQL. */
async function onPostgres(): Promise<{
  row: Row;
  jit: { server: string; database: string; instances: string[] };
}> {
  const bench = await openBenchDatabase(); // BENCH_DATABASE_URL: created, jit = off, migrated
  const url = bench.url!;
  const { database } = bench;
  const secret = randomBytes(32).toString('hex');
  const servers: Server[] = [];
  try {
    // The instances boot (a few seconds of module loading) while the conversation is prepared.
    for (let k = 0; k < 2; k++) {
      const port = await freePort();
      const env = { ...serverEnv(port, { url }), MAIN_FORTE_MODE: 'test', SESSION_SECRET: secret };
      servers.push(spawnNode(['--import', 'tsx', 'tests/bench/messages.ts', '--instance'], { env, port }));
    }
    const setupApp = await buildApp({ env: testEnv(), database, startJobs: false });
    let conv: Conversation;
    try {
      conv = await prepare(database, setupApp);
    } finally {
      await setupApp.close();
      await database.close();
    }
    for (const s of servers) await waitFor(s, '/healthz', 60_000);
    const instances = servers.map((s) => /READY .*jit=(\S+)/.exec(s.output())?.[1] ?? '?');
    console.log(
      `  instances: pid ${servers[0]!.pid} on :${servers[0]!.port} (sends), ` +
        `pid ${servers[1]!.pid} on :${servers[1]!.port} (stream); jit ${instances.join(' / ')}`,
    );
    const cpu0 = servers.map((s) => cpuSeconds(s.pid));
    const result = await measure(conv, servers[0]!.port, servers[1]!.port);
    const instanceCpu = servers.map((s, k) => cpuSeconds(s.pid) - cpu0[k]!);
    for (const s of servers) {
      const stopped = await stop(s);
      if (!stopped.ok) console.error(`  ! instance ${s.pid} did not exit 0 after SIGTERM:\n${s.output()}`);
    }
    return {
      row: { label: `PostgreSQL, two instances (two processes)`, result, instanceCpu },
      jit: { ...(await serverJit(url)), instances },
    };
  } finally {
    for (const s of servers)
      if (!s.hasExited()) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
  }
}

/** `jit` as the server is configured (a session of the `postgres` database) and in the benchmark database. */
async function serverJit(url: string): Promise<{ server: string; database: string }> {
  const show = async (u: string) => {
    const client = new pg.Client({ connectionString: u });
    await client.connect();
    try {
      return (await client.query<{ jit: string }>('show jit')).rows[0]?.jit ?? '?';
    } finally {
      await client.end();
    }
  };
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return { server: await show(admin.toString()), database: await show(url) };
}

/** One instance in this process on PGlite in memory. */
async function onPglite(): Promise<Row> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database);
  const app = await buildApp({ env: testEnv(), database, startJobs: false });
  try {
    const conv = await prepare(database, app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cpu0 = process.cpuUsage();
    const result = await measure(conv, port, port);
    const cpu = process.cpuUsage(cpu0);
    return {
      label: 'PGlite, one instance (in the benchmark process)',
      result,
      instanceCpu: [(cpu.user + cpu.system) / 1e6],
    };
  } finally {
    await app.close();
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

function summary(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
    max: s.at(-1) ?? NaN,
  };
}

const ms = (x: number) => (Number.isNaN(x) ? '–' : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const signed = (x: number) => (x >= 0 ? `+${ms(x)}` : `−${ms(-x)}`);
const four = (xs: number[]) => {
  const s = summary(xs);
  return `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
};

function printRow(r: Row) {
  const x = r.result;
  console.log(
    `  ${r.label}: ${x.delivery.length} delivered, ${x.lost} lost, in ${x.wallSeconds.toFixed(1)} s; ` +
      `delivery p50/p95/p99/max ${four(x.delivery)}; send ${four(x.send)}`,
  );
}

async function main(): Promise<void> {
  if (opts.instance) return instance();
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const load = os.loadavg();
  const rows: Row[] = [];
  let jit: Awaited<ReturnType<typeof onPostgres>>['jit'] | null = null;
  if (pgUrl) {
    console.log(`PostgreSQL (${redact(pgUrl)}), two instances`);
    const pgRun = await onPostgres();
    rows.push(pgRun.row);
    jit = pgRun.jit;
    printRow(pgRun.row);
  } else
    console.warn('! BENCH_DATABASE_URL is not set: only PGlite is measured (the goal is on PostgreSQL).');
  console.log('PGlite (memory://), one instance');
  const pgliteRow = await onPglite();
  rows.push(pgliteRow);
  printRow(pgliteRow);

  const argv = process.argv.slice(2);
  const loadEnd = os.loadavg();
  const table = markdownTable(
    [
      'Set-up',
      'Messages',
      'Delivery p50 / p95 / p99 / max',
      'Send request p50 / p95 / p99 / max',
      'Event − send answer p50 / p95 (event first)',
      'Lost',
      'Wall time',
      'Instance CPU',
      `Goal: delivery p95 < ${GOAL_P95_MS} ms`,
    ],
    rows.map((r) => {
      const x = r.result;
      const p95 = summary(x.delivery).p95;
      return [
        r.label,
        `${x.delivery.length + x.lost}${x.stoppedEarly ? ' (stopped by --max-seconds)' : ''}`,
        four(x.delivery),
        four(x.send),
        `${signed(summary(x.gap).p50)} / ${signed(summary(x.gap).p95)} (${x.deliveredFirst})`,
        String(x.lost + x.duplicates + x.disorder),
        `${x.wallSeconds.toFixed(1)} s`,
        r.instanceCpu.map((c) => `${c.toFixed(1)} s`).join(' + '),
        x.lost === 0 && p95 < GOAL_P95_MS ? '**met**' : '**missed**',
      ];
    }),
  );
  const md = [
    '## Conversations: delivery latency on the live stream (issue 4)',
    '',
    `Measured on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    await machineMarkdown(pgUrl, load[0]),
    `- Load average (1 / 5 / 15 min, as \`uptime\`): ${load.map((l) => l.toFixed(2)).join(', ')} before, ` +
      `${loadEnd.map((l) => l.toFixed(2)).join(', ')} after; ${os.cpus().length} CPUs shared with other work, nothing pinned.`,
    ...(jit
      ? [
          `- PostgreSQL \`jit\`: \`${jit.server}\` in the server's configuration; \`${jit.database}\` in the ` +
            `benchmark database (\`ALTER DATABASE … SET jit = off\`); \`show jit\` in the instances: ` +
            `${jit.instances.map((j) => `\`${j}\``).join(' / ')}.`,
        ]
      : []),
    `- Command: \`${commandLine('bench:messages', argv, pgUrl)}\``,
    `- ${opts.messages} messages measured after ${opts.warmup} warm-up ones, one at a time: A sends with ` +
      '`POST /api/v1/conversations/:id/messages` (session cookie, `x-csrf-token`, keep-alive); the next ' +
      `leaves once the previous one was answered and seen on B's stream, then ${opts.pause} ms of pause. ` +
      "B's stream is `GET /messages/:id/flux`, open for the whole run.",
    '- PostgreSQL: A on instance 1, B on instance 2, two processes (`tests/bench/messages.ts --instance`: ' +
      '`buildApp` with its own pool and LISTEN connection, `LOG_LEVEL=warn`, no pg-boss workers) and the ' +
      'benchmark process, all on loopback. PGlite: one instance inside the benchmark process, in memory.',
    '',
    table,
    '',
    '“Delivery” runs from the start of the send request to the arrival of the `event: messages` block ' +
      'holding that message on the other stream: the sending instance commits (the `NOTIFY` goes out at ' +
      'commit), PostgreSQL wakes the LISTEN connection of every instance, the streaming instance reads ' +
      'what is new for B, marks it read and writes the event. “Send request” is until the 201 answer, ' +
      'which reads the message back after the commit: the event can come first. “Event − send answer” ' +
      'is, per message, the arrival on the stream minus the arrival of the 201 answer (negative when ' +
      'the event came first; in brackets, how many came first): what reaching the other stream adds ' +
      'beyond the send itself. “Lost” counts messages not seen within ' +
      `${opts.timeout} ms, seen twice, or event ids out of order. “Instance CPU” is the CPU time of each ` +
      'instance during the measured part (PGlite: the whole benchmark process, client included). ' +
      'Percentiles by nearest rank.',
  ].join('\n');
  console.log(`\n${md}\n`);
  // docs/benchmarks.md is left out of Prettier: only this section is rewritten, as bench:start does.
  if (!opts['no-write']) writeDocSection('messages', md);
  if (rows.some((r) => r.result.lost + r.result.duplicates + r.result.disorder > 0)) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
