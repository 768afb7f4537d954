import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is under it (PGlite or node-postgres). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A database or an open transaction: what repositories take. */
export type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Raw SQL access with the contract pg-boss expects from a `db` adapter. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Statements sent through Drizzle since opening (tests assert query counts with it). */
  stats: { queries: number };
  raw: SqlExecutor;
  /** Checks that the database answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * LISTEN on a channel: `onPayload` gets every NOTIFY payload, `onResync` is called after a lost
   * listening connection came back (notifications sent meanwhile are lost). Returns the unlisten.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onResync?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseConfig = { url: string } | { dataDir: string };

/** Opens PostgreSQL when given a URL, otherwise PGlite in `dataDir` (`memory://` for tests). */
export async function openDatabase(config: DatabaseConfig, log?: (msg: string, err?: unknown) => void) {
  return 'url' in config ? openPostgres(config.url, log) : openPglite(config.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    dataDir,
    extensions: { cube, earthdistance, btree_gist, pg_trgm, unaccent },
  });
  const stats = { queries: 0 };
  const db = drizzlePglite({ client, schema, logger: counter(stats) }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    stats,
    raw: {
      // PGlite's query() takes one statement; pg-boss sends multi-statement scripts without values.
      async executeSql(text, values) {
        if (values && values.length > 0) return client.query(text, values);
        const results = await client.exec(text);
        return results.at(-1) ?? { rows: [] };
      },
    },
    async ping() {
      await client.query('select 1');
      return true;
    },
    async listen(channel, onPayload) {
      // One process, one connection: NOTIFY is delivered in-process at commit.
      const unlisten = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, log?: (msg: string, err?: unknown) => void): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits 'error'; unhandled, it would crash the process.
  pool.on('error', (err) => log?.('database connection lost', err));
  const stats = { queries: 0 };
  const db = drizzleNodePg({ client: pool, schema, logger: counter(stats) }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    stats,
    raw: { executeSql: (text, values) => pool.query(text, values as unknown[]) },
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          pool.query('select 1'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('ping timeout')), timeoutMs);
          }),
        ]);
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    listen: (channel, onPayload, onResync) => listenPostgres(url, channel, onPayload, onResync, log),
    async close() {
      await pool.end();
    },
  };
}

/**
 * LISTEN on its own connection (a pooled one would be handed to other queries). When the
 * connection drops it is opened again, with a growing pause, and `onResync` tells the listener
 * that notifications may have been missed.
 */
async function listenPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  onResync: (() => void) | undefined,
  log?: (msg: string, err?: unknown) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = 250;
  const ident = `"${channel.replace(/"/g, '""')}"`;
  const connect = async (resync: boolean) => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      c.end().catch(() => undefined);
      if (stopped) return;
      log?.('listening connection lost', err);
      retry = setTimeout(() => void connect(true).catch(() => undefined), delay);
      delay = Math.min(delay * 2, 10_000);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${ident}`);
      delay = 250;
      if (resync) onResync?.();
    } catch (err) {
      lost(err);
      if (!resync) throw err;
    }
  };
  await connect(false);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}

const counter = (stats: { queries: number }) => ({
  logQuery() {
    stats.queries++;
  },
});

/** Rows of a raw SQL query, whichever driver answered. */
export async function queryRows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
