import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadEnv } from '../../src/config/env.ts';
import type { Database } from '../../src/db/client.ts';
import { account } from '../../src/db/schema.ts';
import {
  createMember,
  createTestApp,
  openTestDatabase,
  TestClient,
  testDbKind,
  type TestApp,
} from '../support/app.ts';

/**
 * Live messages: a message written through one app instance reaches a stream open on another,
 * through PostgreSQL LISTEN/NOTIFY (on PGlite, one instance: NOTIFY inside the same process).
 */

let t: TestApp;
let second: { app: FastifyInstance; database: Database } | null = null;
let streamApp: FastifyInstance;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  if (testDbKind() === 'postgres') {
    // A second instance: its own pool and its own listening connection on the same database.
    const database = await openTestDatabase();
    const app = await buildApp({ env: loadEnv({ MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'silent' }), database });
    second = { app, database };
  }
  streamApp = second?.app ?? t.app;
  await streamApp.listen({ port: 0, host: '127.0.0.1' });
  port = (streamApp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await second?.app.close();
  await second?.database.close();
  if (!second) await t.app.close().catch(() => undefined);
  await t?.close().catch(() => undefined);
});

async function member(name: string) {
  const m = await createMember(t, { displayName: name });
  await t.database.db
    .update(account)
    .set({ createdAt: new Date(Date.now() - 30 * 86_400_000) })
    .where(eq(account.id, m.id));
  const client = new TestClient(t.app, t.host);
  await client.logIn(m.email, m.password);
  return client;
}

/** Opens the SSE stream of a conversation on the listening instance; collects its events. */
function openStream(client: TestClient, conversationId: string, after = 0, onPort = port) {
  const events: Array<{ id: string; data: string }> = [];
  const waiters: Array<() => void> = [];
  let status = 0;
  let contentType = '';
  const req = http.get({
    host: '127.0.0.1',
    port: onPort,
    path: `/messages/${conversationId}/flux?apres=${after}`,
    headers: {
      host: t.host,
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      accept: 'text/event-stream',
    },
  });
  const opened = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (!lines.some((l) => l === 'event: messages')) continue;
          events.push({
            id: lines.find((l) => l.startsWith('id: '))?.slice(4) ?? '',
            data: lines
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n'),
          });
          for (const w of waiters.splice(0)) w();
        }
      });
      resolve();
    });
    req.on('error', reject);
  });
  return {
    opened,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    events,
    /** Waits until an event's HTML contains `text`. */
    async waitFor(text: string, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!events.some((e) => e.data.includes(text))) {
        if (Date.now() > deadline) throw new Error(`no event with « ${text} » in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => req.destroy(),
  };
}

describe(`live messages (${testDbKind() === 'postgres' ? 'two instances on PostgreSQL' : 'PGlite'})`, () => {
  it('delivers a message sent on one instance to the stream open on another', async () => {
    const a = await member('Adèle Live');
    const b = await member('Basile Live');
    const postRes = await a.post('/annonces', {
      kind: 'offer',
      categoryId: (await t.app.platform.territories.categories(t.territory.id))[0]!.id,
      title: 'Promenade du chien',
      description: 'Je promène votre chien le soir.',
      commune: 'Mende',
    });
    const postId = postRes.headers.location!.split('/').pop()!;
    const opened = await b.post(`/annonces/${postId}/repondre`, { body: 'Bonjour, avec plaisir !' });
    const id = opened.headers.location!.split('/').pop()!.split('#')[0]!;

    const stream = openStream(b, id);
    await stream.opened;
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    // Catching up: what was there before the stream opened comes first.
    await stream.waitFor('Bonjour, avec plaisir !');

    // A writes through the first instance; B's stream is on the second one.
    expect((await a.post(`/messages/${id}`, { body: 'Message en direct <b>gras</b>' })).statusCode).toBe(303);
    await stream.waitFor('Message en direct');
    const last = stream.events.at(-1)!;
    expect(last.data).toContain('Message en direct &lt;b>gras&lt;/b>');
    expect(last.data).toContain('Adèle L.');
    expect(Number(last.id)).toBeGreaterThan(0);

    // Delivered on the open page: read, so no mail will be sent about it.
    const unread = (await b.get('/api/v1/conversations')).json().items[0].unread;
    expect(unread).toBe(0);

    // Reconnecting with Last-Event-ID gets only what is newer.
    stream.close();
    await a.post(`/messages/${id}`, { body: 'Pendant la coupure' });
    const again = openStream(b, id, Number(last.id));
    await again.opened;
    await again.waitFor('Pendant la coupure');
    expect(again.events.map((e) => e.data).join('')).not.toContain('Message en direct');
    again.close();

    // A third member cannot open the stream.
    const c = await member('Cyril Intrus');
    const intruder = openStream(c, id);
    await intruder.opened;
    expect(intruder.status).toBe(404);
    intruder.close();
  });

  it('closes the server at once while a stream is open', async () => {
    const a = await member('Aude Ferme');
    const b = await member('Bob Ferme');
    const postRes = await a.post('/annonces', {
      kind: 'offer',
      categoryId: (await t.app.platform.territories.categories(t.territory.id))[0]!.id,
      title: 'Arrosage des plantes',
      description: 'Pendant vos vacances.',
      commune: 'Mende',
    });
    const postId = postRes.headers.location!.split('/').pop()!;
    const opened = await b.post(`/annonces/${postId}/repondre`, { body: 'Bonjour' });
    const id = opened.headers.location!.split('/').pop()!.split('#')[0]!;
    // Another instance on the same database, listening on its own port.
    const other = await buildApp({
      env: loadEnv({ MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'silent' }),
      database: t.database,
    });
    await other.listen({ port: 0, host: '127.0.0.1' });
    const stream = openStream(b, id, 0, (other.server.address() as AddressInfo).port);
    await stream.opened;
    await stream.waitFor('Bonjour');
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(3000);
    stream.close();
  });

  it('serves the polling fallback with only what is new', async () => {
    const a = await member('Amélie Poll');
    const b = await member('Boris Poll');
    const postRes = await a.post('/annonces', {
      kind: 'request',
      categoryId: (await t.app.platform.territories.categories(t.territory.id))[0]!.id,
      title: 'Besoin d’un trajet',
      description: 'Pour aller à Mende mardi.',
      commune: 'Mende',
    });
    const postId = postRes.headers.location!.split('/').pop()!;
    const opened = await b.post(`/annonces/${postId}/repondre`, { body: 'Je peux vous conduire.' });
    const id = opened.headers.location!.split('/').pop()!.split('#')[0]!;
    const first = await a.get(`/messages/${id}/nouveaux?apres=0`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Je peux vous conduire.');
    const lastId = first.headers['x-last-message'];
    const none = await a.get(`/messages/${id}/nouveaux?apres=${lastId}`);
    expect(none.body).toBe('');
    await b.post(`/messages/${id}`, { body: 'À quelle heure ?' });
    const next = await a.get(`/messages/${id}/nouveaux?apres=${lastId}`);
    expect(next.body).toContain('À quelle heure ?');
    expect(next.body).not.toContain('Je peux vous conduire.');
  });
});
