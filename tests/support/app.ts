import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.ts';
import { loadEnv, type Env } from '../../src/config/env.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { devMail, type Role } from '../../src/db/schema.ts';
import { createDepartementTerritory, loadGeodata, type GeodataFile } from '../../src/db/seed/territory.ts';
import { parseInput } from '../../src/domain/fields.ts';
import * as accountsRepo from '../../src/modules/accounts/repository.ts';
import { hashPassword } from '../../src/modules/accounts/service.ts';
import { postInput } from '../../src/modules/posts/schemas.ts';
import type { TerritoryRow } from '../../src/modules/territory/service.ts';

/** Which database the integration tests of this run use (see vitest.config.ts). */
export const testDbKind = () => (process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite');

/** A migrated database: PGlite in memory, or the PostgreSQL of TEST_DATABASE_URL. */
export async function openTestDatabase(): Promise<Database> {
  if (testDbKind() === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const database = await openDatabase({ url });
    await runMigrations(database, url);
    return database;
  }
  const database = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database);
  return database;
}

let geodata: GeodataFile | null = null;
/** A small Lozère: the first communes of the real file, enough for tests and fast to insert. */
async function smallGeodata(): Promise<GeodataFile> {
  geodata ??= await loadGeodata('48-lozere');
  const keep = new Set(['48095', '48092', '48140', '48061', '48080']); // Mende, Marvejols, St-Chély, Florac, Langogne
  return { ...geodata, communes: geodata.communes.filter((c) => keep.has(c.code)) };
}

export const uniqueSlug = (prefix = 't') => `${prefix}-${randomBytes(5).toString('hex')}`;

/** A new territory isolated from every other test's data; served at `<slug>.test`. */
export async function createTestTerritory(database: Database, slug = uniqueSlug()): Promise<TerritoryRow> {
  return createDepartementTerritory(database.db, await smallGeodata(), {
    slug,
    hosts: [`${slug}.test`],
    helplinePhone: '0466000000',
    helplineHours: 'Du lundi au vendredi, de 9 h à 17 h',
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  territory: TerritoryRow;
  host: string;
  close(): Promise<void>;
}

/** The whole application on a test database, with one fresh territory. */
export async function createTestApp(
  opts: { env?: Record<string, string>; build?: Partial<BuildOptions>; database?: Database } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await openTestDatabase());
  const territory = await createTestTerritory(database);
  const env: Env = loadEnv({ MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'silent', ...opts.env });
  const app = await buildApp({ env, database, startJobs: false, ...opts.build });
  await app.ready();
  return {
    app,
    database,
    territory,
    host: `${territory.slug}.test`,
    async close() {
      await app.close();
      if (!opts.database) await database.close();
    },
  };
}

/** A browser-like client over `inject()`: keeps cookies, adds the CSRF token to forms. */
export class TestClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    readonly host: string,
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      const expired = c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0;
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.remember(
      await this.app.inject({
        method: 'GET',
        url,
        headers: { host: this.host, cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  /** The CSRF token of this client's cookie (fetching a page first if there is no cookie yet). */
  async csrfToken(): Promise<string> {
    const { csrf } = this.app.platform;
    if (!this.cookies.has(csrf.cookieName)) await this.get('/connexion');
    return csrf.tokenFor(this.cookies.get(csrf.cookieName)!);
  }

  /** Posts a form as a browser would, with the CSRF token unless `csrf: false`. */
  async post(url: string, form: Record<string, string | string[]>, opts: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.append('_csrf', await this.csrfToken());
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: {
          host: this.host,
          cookie: this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: body.toString(),
      }),
    );
  }

  /** Posts JSON with the CSRF header, as the enhanced pages and API clients with a session do. */
  async postJson(url: string, json: unknown) {
    // The token first: fetching it may set the CSRF cookie that the request must carry.
    const token = await this.csrfToken();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { host: this.host, cookie: this.cookieHeader(), 'x-csrf-token': token },
        payload: json as object,
      }),
    );
  }

  /** Signs in through the real form; throws when it fails. */
  async logIn(email: string, password: string) {
    const res = await this.post('/connexion', { email, password });
    if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`);
    return res;
  }
}

export const DEFAULT_PASSWORD = 'une phrase de passe solide';

/** Creates an account directly in the database (verified unless told otherwise). */
export async function createMember(
  t: Pick<TestApp, 'database' | 'territory'>,
  opts: { email?: string; displayName?: string; roles?: Role[]; verified?: boolean; password?: string } = {},
) {
  const email = opts.email ?? `${uniqueSlug('membre')}@exemple.fr`;
  const acc = await accountsRepo.insertAccount(t.database.db, {
    email,
    displayName: opts.displayName ?? 'Jeanne M.',
    passwordHash: await hashPassword(opts.password ?? DEFAULT_PASSWORD),
    emailVerifiedAt: opts.verified === false ? undefined : new Date(),
  });
  if (!acc) throw new Error(`email taken: ${email}`);
  await accountsRepo.upsertMembership(t.database.db, {
    territoryId: t.territory.id,
    accountId: acc.id,
    roles: opts.roles ?? ['member'],
  });
  return { ...acc, password: opts.password ?? DEFAULT_PASSWORD };
}

/**
 * Publishes a post through the service, as the form does (for tests whose subject is not the
 * form): `fields` are the form's fields; the category defaults to the territory's first one.
 */
export async function publishPost(
  t: Pick<TestApp, 'app' | 'territory'>,
  member: { id: string },
  fields: Record<string, string>,
): Promise<string> {
  const { categories } = await t.app.platform.posts.formOptions(t.territory.id);
  const parsed = parseInput(postInput, { kind: 'offer', categoryId: categories[0]!.id, ...fields });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const ctx = {
    territoryId: t.territory.id,
    actor: { accountId: member.id, roles: ['member' as const] },
    onBehalfOf: null,
    ip: null,
    requestId: 'test',
  };
  const created = await t.app.platform.posts.create(ctx, parsed.value);
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  return created.value.id;
}

/** The newest mail kept in the development mailbox for an address. */
export async function lastMailTo(database: Database, to: string) {
  const [mail] = await database.db
    .select()
    .from(devMail)
    .where(eq(devMail.to, to))
    .orderBy(desc(devMail.createdAt))
    .limit(1);
  return mail ?? null;
}

/** The first link of a mail's text. */
export const firstLink = (text: string) => /https?:\/\/\S+/.exec(text)?.[0] ?? null;
