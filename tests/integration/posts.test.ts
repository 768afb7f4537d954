import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, post, report } from '../../src/db/schema.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { createMember, createTestApp, lastMailTo, TestClient, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function categoryId(slug = 'courses') {
  const cats = await t.app.platform.territories.categories(t.territory.id);
  return cats.find((c) => c.slug === slug)!.id;
}

async function publish(client: TestClient, fields: Record<string, string> = {}) {
  const res = await client.post('/annonces', {
    kind: 'request',
    categoryId: await categoryId(),
    title: 'Courses pour mon voisin',
    description: 'Il ne peut plus marcher jusqu’au magasin.',
    commune: 'Mende',
    ...fields,
  });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return res.headers.location!.split('/').pop()!;
}

async function signedIn(opts: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t, opts);
  const client = new TestClient(t.app, t.host);
  await client.logIn(member.email, member.password);
  return { member, client };
}

describe('publishing', () => {
  it('needs a verified account', async () => {
    const { client } = await signedIn({ verified: false });
    const form = await client.get('/annonces/nouvelle');
    expect(form.body).toContain('Confirmez d’abord votre adresse e-mail');
    const res = await client.post('/annonces', {
      kind: 'offer',
      categoryId: await categoryId(),
      title: 'Titre',
      description: 'Texte',
      commune: 'Mende',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Confirmez d’abord votre adresse e-mail');
  });

  it('sends visitors to sign in', async () => {
    const res = await new TestClient(t.app, t.host).get('/annonces/nouvelle');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/connexion');
  });

  it('accepts a commune typed as a postal code or without accents', async () => {
    const { client } = await signedIn();
    const a = await publish(client, { commune: '48200', title: 'Par code postal' });
    const b = await publish(client, { commune: 'saint chely d apcher', title: 'Sans accents' });
    for (const id of [a, b]) {
      const page = await client.get(`/annonces/${id}`);
      expect(page.body).toContain('Saint-Chély-d&#39;Apcher');
    }
  });

  it('refuses an unknown commune and keeps what was typed', async () => {
    const { client } = await signedIn();
    const res = await client.post('/annonces', {
      kind: 'offer',
      categoryId: await categoryId(),
      title: 'Mon titre gardé',
      description: 'Ma description gardée',
      commune: 'Paris',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Cette commune n’est pas sur le territoire');
    expect(res.body).toContain('value="Mon titre gardé"');
    expect(res.body).toContain('Ma description gardée');
  });

  it('limits new accounts to three posts a day', async () => {
    const { client } = await signedIn();
    for (let i = 0; i < 3; i++) await publish(client, { title: `Annonce ${i}` });
    const res = await client.post('/annonces', {
      kind: 'request',
      categoryId: await categoryId(),
      title: 'Une de trop',
      description: 'x',
      commune: 'Mende',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Vous avez publié beaucoup d’annonces aujourd’hui');
  });

  it('refuses a category of another territory', async () => {
    const other = await createTestApp({ database: t.database });
    try {
      const foreign = (await other.app.platform.territories.categories(other.territory.id))[0]!.id;
      const { client } = await signedIn();
      const res = await client.post('/annonces', {
        kind: 'request',
        categoryId: foreign,
        title: 'x',
        description: 'y',
        commune: 'Mende',
      });
      expect(res.statusCode).toBe(422);
    } finally {
      await other.close();
    }
  });
});

describe('the author’s actions', () => {
  it('edits, renews, marks fulfilled; others cannot', async () => {
    const { client, member } = await signedIn();
    const id = await publish(client);
    const { client: stranger } = await signedIn();

    expect((await stranger.get(`/annonces/${id}/modifier`)).statusCode).toBe(404);
    expect((await stranger.post(`/annonces/${id}/retirer`, {})).statusCode).toBe(404);
    expect((await stranger.get(`/annonces/${id}`)).body).not.toContain('C’est votre annonce');

    const edit = await client.post(`/annonces/${id}/modifier`, {
      kind: 'request',
      categoryId: await categoryId('medicaments'),
      title: 'Titre corrigé',
      description: 'Description corrigée',
      commune: 'Marvejols',
    });
    expect(edit.statusCode).toBe(303);
    const page = await stranger.get(`/annonces/${id}`);
    expect(page.body).toContain('Titre corrigé');
    expect(page.body).toContain('Marvejols');

    const [before] = await t.database.db.select().from(post).where(eq(post.id, id));
    await t.database.db
      .update(post)
      .set({ expiresAt: new Date(Date.now() + 86_400_000) })
      .where(eq(post.id, id));
    expect((await client.post(`/annonces/${id}/prolonger`, {})).statusCode).toBe(303);
    const [renewed] = await t.database.db.select().from(post).where(eq(post.id, id));
    expect(renewed!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(before!.authorAccountId).toBe(member.id);

    expect((await client.post(`/annonces/${id}/aide-apportee`, {})).statusCode).toBe(303);
    const done = await stranger.get(`/annonces/${id}`);
    expect(done.body).toContain('l’aide a été apportée');
    expect(done.body).not.toContain('href="/annonces/' + id + '/repondre"');
    const mine = await client.get('/mes-annonces');
    expect(mine.body).toContain('Aide apportée');
  });

  it('hides a withdrawn post from everyone but its author', async () => {
    const { client } = await signedIn();
    const id = await publish(client, { title: 'Bientôt retirée' });
    expect((await client.post(`/annonces/${id}/retirer`, {})).statusCode).toBe(303);
    expect((await new TestClient(t.app, t.host).get(`/annonces/${id}`)).statusCode).toBe(404);
    expect((await client.get(`/annonces/${id}`)).statusCode).toBe(200);
    expect((await new TestClient(t.app, t.host).get('/annonces')).body).not.toContain('Bientôt retirée');
  });
});

describe('reports', () => {
  it('stores one report per member and post, with a reason', async () => {
    const { client } = await signedIn();
    const id = await publish(client);
    const { client: reporter, member } = await signedIn();
    const bad = await reporter.post(`/annonces/${id}/signaler`, { reason: 'nimporte' });
    expect(bad.statusCode).toBe(422);
    const ok = await reporter.post(`/annonces/${id}/signaler`, {
      reason: 'scam',
      details: 'Demande un virement',
    });
    expect(ok.statusCode).toBe(303);
    const again = await reporter.post(`/annonces/${id}/signaler`, { reason: 'other' });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('Vous avez déjà signalé ce contenu');
    const rows = await t.database.db.select().from(report).where(eq(report.subjectId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'scam', reporterAccountId: member.id, subjectType: 'post' });
  });
});

describe('expiry', () => {
  it('expires posts whose date passed and reminds authors three days before', async () => {
    const { client, member } = await signedIn();
    const soon = await publish(client, { title: 'Expire bientôt' });
    const past = await publish(client, { title: 'Déjà expirée' });
    await t.database.db
      .update(post)
      .set({ expiresAt: sql`now() + interval '2 days'` })
      .where(eq(post.id, soon));
    await t.database.db
      .update(post)
      .set({ expiresAt: sql`now() - interval '1 hour'` })
      .where(eq(post.id, past));
    const result = await t.app.platform.posts.expireAndRemind({ mine: 'http://x/mes-annonces' });
    expect(result.expired).toBeGreaterThanOrEqual(1);
    const mail = await lastMailTo(t.database, member.email);
    expect(mail?.subject).toBe('Votre annonce arrive à expiration');
    expect(mail?.text).toContain('Expire bientôt');
    const [expired] = await t.database.db.select().from(post).where(eq(post.id, past));
    expect(expired!.status).toBe('expired');
    // Reminded once only.
    await t.app.platform.posts.expireAndRemind({ mine: 'http://x/mes-annonces' });
    const [again] = await t.database.db.select().from(post).where(eq(post.id, soon));
    expect(again!.expiryRemindedAt).not.toBeNull();
  });
});

describe('privacy of place and person', () => {
  it('never shows exact coordinates, address, email or phone on any public page or API', async () => {
    // The national address API double answers with an exact point for the planted address.
    const exact = { lat: 44.5193781, lon: 3.4987342 };
    const fakeFetch: typeof fetch = async () =>
      new Response(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              geometry: { type: 'Point', coordinates: [exact.lon, exact.lat] },
              properties: {
                label: '17 rue Planquée 48000 Mende',
                score: 0.95,
                type: 'housenumber',
                citycode: '48095',
                postcode: '48000',
              },
            },
          ],
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const app = await createTestApp({
      database: t.database,
      env: { GEOCODER: 'ban' },
      build: { fetch: fakeFetch },
    });
    try {
      const planted = {
        email: `planque.${Date.now()}@secret-exemple.fr`,
        phone: '0611223344',
        address: '17 rue Planquée',
      };
      const author = await createMember(app, { email: planted.email, displayName: 'Huguette Planquée' });
      await app.database.db.update(account).set({ phone: planted.phone }).where(eq(account.id, author.id));
      const ctx: Ctx = {
        territoryId: app.territory.id,
        actor: { accountId: author.id, roles: ['member'] },
        onBehalfOf: null,
        ip: null,
        requestId: 'test',
      };
      const cats = await app.app.platform.territories.categories(app.territory.id);
      const created = await app.app.platform.posts.create(ctx, {
        kind: 'request',
        categoryId: cats[0]!.id,
        title: 'Courses à Mende',
        description: 'Besoin d’aide pour les courses.',
        whenText: '',
        startsOn: '',
        endsOn: '',
        commune: 'Mende',
        address: planted.address,
        showPhone: false,
        showEmail: false,
      });
      expect(created.ok).toBe(true);
      const id = created.ok ? created.value.id : '';
      const [row] = await app.database.db.select().from(post).where(eq(post.id, id));
      expect(row!.exactLat).toBeCloseTo(exact.lat, 6);
      expect(row!.publicLat).not.toBeCloseTo(exact.lat, 4);

      const secrets = [
        planted.email,
        planted.phone,
        '06 11 22 33 44',
        planted.address,
        'Planquée',
        String(exact.lat).slice(0, 7),
        String(exact.lon).slice(0, 6),
      ];
      const visitor = new TestClient(app.app, app.host);
      const { client: other } = await (async () => {
        const m = await createMember(app);
        const c = new TestClient(app.app, app.host);
        await c.logIn(m.email, m.password);
        return { client: c };
      })();
      const seeds = [
        '/',
        '/annonces',
        '/annonces?q=courses',
        // A searcher's own point is echoed back to them; search from elsewhere.
        '/annonces?lat=44.52&lon=3.51&rayon=5&tri=proches',
        '/annonces/categories',
        '/annonces/communes',
        `/annonces/${id}`,
        '/carte',
        '/api/v1/posts',
        '/api/v1/posts?lat=44.52&lon=3.51&rayon=5&tri=proches',
        `/api/v1/posts/${id}`,
        '/api/v1/posts.geojson?bbox=2.9,44.1,4.0,45.0&zoom=12',
        '/api/v1/categories',
        '/api/v1/areas',
        '/api/v1/territory',
      ];
      let crawled = 0;
      for (const client of [visitor, other]) {
        const seen = new Set<string>();
        const queue = [...seeds];
        while (queue.length > 0 && seen.size < 150) {
          const url = queue.shift()!;
          if (seen.has(url)) continue;
          seen.add(url);
          const res = await client.get(url);
          crawled++;
          for (const secret of secrets) expect(res.body, `${url} shows ${secret}`).not.toContain(secret);
          if (String(res.headers['content-type']).startsWith('text/html')) {
            for (const [, href] of res.body.matchAll(/href="(\/[^"#]*)"/g)) {
              const link = href!.replace(/&amp;/g, '&');
              // The development mailbox shows mails by design and does not exist in production.
              if (!link.startsWith('/assets/') && !link.startsWith('/dev/') && !seen.has(link))
                queue.push(link);
            }
          }
        }
      }
      expect(crawled).toBeGreaterThan(30);
    } finally {
      await app.close();
    }
  });
});
