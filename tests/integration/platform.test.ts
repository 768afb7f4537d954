import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadEnv } from '../../src/config/env.ts';
import { openDatabase } from '../../src/db/client.ts';
import { account, category } from '../../src/db/schema.ts';
import {
  createMember,
  createTestApp,
  createTestTerritory,
  lastMailTo,
  openTestDatabase,
  TestClient,
  testDbKind,
  uniqueSlug,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { host: t.host, ...headers } });

describe('HTTP basics', () => {
  it('answers /healthz with the database state', async () => {
    const res = await get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it('sends a strict CSP and security headers on pages', async () => {
    const res = await get('/');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('gives every response a request id, and keeps a sane one given by a proxy', async () => {
    expect((await get('/')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get('/', { 'x-request-id': 'lb-1234' })).headers['x-request-id']).toBe('lb-1234');
    expect((await get('/', { 'x-request-id': '<script>' })).headers['x-request-id']).not.toContain('<');
  });

  it('serves assets under hashed names with a one-year cache', async () => {
    const home = await get('/');
    const css = /href="(\/assets\/app\.[0-9a-f]{10}\.css)"/.exec(home.body)?.[1];
    const js = /src="(\/assets\/app\.[0-9a-f]{10}\.js)"/.exec(home.body)?.[1];
    expect(css && js).toBeTruthy();
    for (const url of [css!, js!]) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await get('/assets/app.0000000000.css')).statusCode).toBe(404);
    const theme = /href="(\/theme\/[^"]+\.css)"/.exec(home.body)?.[1];
    const themeRes = await get(theme!);
    expect(themeRes.body).toContain('--color-primary:#1d4e89');
  });

  it('answers unknown pages with a French 404 page, and JSON under /api', async () => {
    const page = await get('/cette-page-n-existe-pas');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page introuvable');
    expect(page.body).toContain('lang="fr"');
    const api = await get('/api/v1/rien');
    expect(api.statusCode).toBe(404);
    expect(api.json().message).toMatch(/n’existe pas/);
  });

  it('answers a crash with a French 500 page quoting the request id, and keeps serving', async () => {
    const env = loadEnv({ MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'silent' });
    const app = await buildApp({ env, database: t.database });
    app.get('/boum', async () => {
      throw new Error('panne simulée');
    });
    await app.ready();
    try {
      const res = await app.inject({ method: 'GET', url: '/boum', headers: { host: t.host } });
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Un problème est survenu');
      expect(res.body).toContain(String(res.headers['x-request-id']));
      expect(res.body).not.toContain('panne simulée');
      expect((await app.inject({ method: 'GET', url: '/', headers: { host: t.host } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('shows the territory, its help line and its categories on the home page', async () => {
    const res = await get('/');
    expect(res.body).toContain('L’entraide en Lozère');
    expect(res.body).toContain('04 66 00 00 00');
    expect(res.body).toContain('Courses et produits de première nécessité');
    expect(res.body).toContain('Aide administrative et numérique');
    expect(res.body).toContain('Garde exceptionnelle d’enfants');
  });
});

describe('territories', () => {
  it('never shows data of territory A in territory B', async () => {
    const other = await createTestTerritory(t.database, uniqueSlug('autre'));
    await t.database.db
      .update(category)
      .set({ name: 'Catégorie secrète de B' })
      .where(eq(category.territoryId, other.id));
    t.app.platform.territories.invalidate();
    const a = await get('/');
    const b = await t.app.inject({ method: 'GET', url: '/', headers: { host: `${other.slug}.test` } });
    expect(b.body).toContain('Catégorie secrète de B');
    expect(a.body).not.toContain('Catégorie secrète de B');
    const apiB = await t.app.inject({
      method: 'GET',
      url: '/api/v1/territory',
      headers: { host: `${other.slug}.test` },
    });
    expect(apiB.json().slug).toBe(other.slug);
  });

  it('does not accept a session of territory A on territory B', async () => {
    const other = await createTestTerritory(t.database, uniqueSlug('autre'));
    t.app.platform.territories.invalidate();
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    expect((await client.get('/compte')).statusCode).toBe(200);
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: '/compte',
      headers: { host: `${other.slug}.test`, cookie: `mf_session=${client.cookies.get('mf_session')}` },
    });
    expect(elsewhere.statusCode).toBe(303);
  });
});

describe('production mode', () => {
  it('uses __Host- secure cookies and has no development mailbox', async () => {
    const env = loadEnv({
      MAIN_FORTE_MODE: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: 'postgres://inutilise',
      SESSION_SECRET: 'x'.repeat(40),
      PUBLIC_URL: 'https://entraide.example',
    });
    const sent: string[] = [];
    const app = await buildApp({
      env,
      database: t.database,
      mailTransport: { kind: 'smtp', send: async (m) => void sent.push(m.to) },
    });
    await app.ready();
    try {
      const res = await app.inject({ method: 'GET', url: '/connexion', headers: { host: t.host } });
      const cookie = [res.headers['set-cookie']].flat().join(';');
      expect(cookie).toContain('__Host-mf_csrf=');
      expect(cookie).toContain('Secure');
      expect(res.headers['strict-transport-security']).toBeTruthy();
      expect(
        (await app.inject({ method: 'GET', url: '/dev/mails', headers: { host: t.host } })).statusCode,
      ).toBe(404);
      expect(res.body).not.toContain('/dev/mails');
      expect(res.body).not.toContain('Version de démonstration');
    } finally {
      await app.close();
    }
  });

  it('refuses to start without its secrets', () => {
    expect(() => loadEnv({ MAIN_FORTE_MODE: 'production' })).toThrow(/SESSION_SECRET/);
  });
});

describe('jobs', () => {
  it('delivers queued mail through the pg-boss worker after commit', async () => {
    const withJobs = await createTestApp({ database: t.database, build: { startJobs: true } });
    try {
      const client = new TestClient(withJobs.app, withJobs.host);
      const email = `${uniqueSlug('job')}@exemple.fr`;
      const res = await client.post('/inscription', {
        displayName: 'Odile',
        email,
        password: 'une phrase de passe solide',
        consent: 'on',
      });
      expect(res.statusCode).toBe(303);
      let mail = null;
      for (let i = 0; i < 40 && !mail; i++) {
        await new Promise((r) => setTimeout(r, 250));
        mail = await lastMailTo(t.database, email);
      }
      expect(mail?.subject).toBe('Confirmez votre adresse e-mail');
    } finally {
      await withJobs.close();
    }
  });
});

describe.runIf(testDbKind() === 'postgres')('production start-up', () => {
  it('refuses to start in production on a database holding demo accounts', async () => {
    await createMember(t, { email: `${uniqueSlug('demo')}@demo.main-forte.fr` }).then((m) =>
      t.database.db.update(account).set({ isDemo: true }).where(eq(account.id, m.id)),
    );
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        MAIN_FORTE_MODE: 'production',
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        SESSION_SECRET: 's'.repeat(40),
        PUBLIC_URL: 'https://entraide.example',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Refus de démarrer en production');
  });
});

describe.runIf(testDbKind() === 'postgres')('database outage', () => {
  it('answers 503 on /healthz while PostgreSQL is unreachable, without crashing, and recovers', async () => {
    // A TCP proxy in front of PostgreSQL that the test can cut and restore.
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const sockets = new Set<net.Socket>();
    const makeProxy = () =>
      net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
    let proxy = makeProxy();
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    const url = new URL(target);
    url.port = String(port);
    url.hostname = '127.0.0.1';
    const database = await openDatabase({ url: url.toString() });
    const shared = await openTestDatabase();
    const slugged = await createTestApp({ database: shared });
    const env = loadEnv({ MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'silent' });
    const app = await buildApp({ env, database });
    await app.ready();
    const health = async () =>
      (await app.inject({ method: 'GET', url: '/healthz', headers: { host: slugged.host } })).statusCode;
    try {
      expect(await health()).toBe(200);
      const closed = new Promise<void>((r) => proxy.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      expect(await health()).toBe(503);
      expect(await health()).toBe(503);
      proxy = makeProxy();
      await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = await health();
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      await app.close();
      await database.close();
      await slugged.close();
      await shared.close();
      proxy.close();
      for (const s of sockets) s.destroy();
    }
  });
});
