import { randomBytes } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, post } from '../../src/db/schema.ts';
import { parseInput } from '../../src/domain/fields.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { postInput } from '../../src/modules/posts/schemas.ts';
import type { AreaSummary, CategoryRow, TerritoryRow } from '../../src/modules/territory/service.ts';
import {
  createMember,
  createTestApp,
  createTestTerritory,
  TestClient,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
let other: TerritoryRow;
let categories: CategoryRow[];
let areas: AreaSummary[];

// Private details planted on one author and one post: they must appear in no API answer.
const secret = randomBytes(4).toString('hex');
const SECRET_EMAIL = `cachee-${secret}@exemple.fr`;
const SECRET_PHONE = '0466' + String(100000 + (parseInt(secret, 16) % 899999));
const SECRET_ADDRESS = `12 impasse Discrète-${secret}`;
const SECRET_LAST_NAME = `Dupontel${secret}`;
const EXACT = { lat: 44.5171717, lon: 3.5003939 };
/** Every JSON body the API sent in this file, searched for private details at the end. */
const seen: string[] = [];

const ctxFor = (territoryId: string, accountId: string): Ctx => ({
  territoryId,
  actor: { accountId, roles: ['member'] },
  onBehalfOf: null,
  ip: null,
  requestId: 't',
});

/** A verified member whose account is a month old (10 posts a day instead of 3). */
async function oldMember(opts: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t, opts);
  await t.database.db
    .update(account)
    .set({ createdAt: new Date(Date.now() - 30 * 86_400_000) })
    .where(eq(account.id, member.id));
  return member;
}

const categoryId = (slug: string) => categories.find((c) => c.slug === slug)!.id;
const areaNamed = (name: string) => areas.find((a) => a.name === name)!;

/** Publishes through the service, as the form does. */
async function publish(
  territoryId: string,
  accountId: string,
  input: { kind?: string; category: string; title: string; description?: string; commune: string } & Record<
    string,
    unknown
  >,
) {
  const { category, ...rest } = input;
  const parsed = parseInput(postInput, {
    kind: 'offer',
    description: 'Un coup de main entre voisins.',
    categoryId: categoryId(category),
    ...rest,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const created = await t.app.platform.posts.create(ctxFor(territoryId, accountId), parsed.value);
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  return created.value.id;
}

async function api(url: string, host = t.host) {
  const res = await t.app.inject({ method: 'GET', url, headers: { host } });
  seen.push(res.body);
  // The answers are checked field by field below; `json()` gives them untyped.
  return { status: res.statusCode, body: res.json(), res };
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  categories = await t.app.platform.territories.categories(t.territory.id);
  areas = await t.app.platform.territories.areas(t.territory.id);
  const jeanne = await oldMember({ displayName: 'Jeanne M.' });
  const secretive = await oldMember({ displayName: `Paulette ${SECRET_LAST_NAME}`, email: SECRET_EMAIL });
  await t.database.db.update(account).set({ phone: SECRET_PHONE }).where(eq(account.id, secretive.id));

  const tid = t.territory.id;
  ids.courses = await publish(tid, jeanne.id, {
    category: 'courses',
    title: 'Courses au marché le samedi',
    commune: 'Mende',
  });
  ids.medicaments = await publish(tid, secretive.id, {
    kind: 'request',
    category: 'medicaments',
    title: 'Médicaments pour ma voisine',
    description: 'Passer à la pharmacie pour elle. Merci !',
    commune: 'Mende',
    address: SECRET_ADDRESS,
    showPhone: true,
    showEmail: true,
  });
  // An exact point, as a street-level geocoder would have found: private as well.
  await t.database.db
    .update(post)
    .set({ exactLat: EXACT.lat, exactLon: EXACT.lon, placePrecision: 'address' })
    .where(eq(post.id, ids.medicaments));
  ids.transport = await publish(tid, jeanne.id, {
    category: 'transport',
    title: 'Transport vers l’hôpital',
    commune: 'Marvejols',
  });
  ids.bricolage = await publish(tid, jeanne.id, {
    kind: 'request',
    category: 'bricolage',
    title: 'Réparer une étagère',
    commune: 'Langogne',
  });
  ids.florac = await publish(tid, secretive.id, {
    category: 'courses',
    title: 'Courses à Florac',
    commune: 'Florac Trois Rivières',
  });
  ids.withdrawn = await publish(tid, jeanne.id, {
    category: 'cuisine',
    title: 'Soupe retirée',
    commune: 'Mende',
  });
  await t.app.platform.posts.act(ctxFor(tid, jeanne.id), ids.withdrawn, 'withdraw');
  ids.hidden = await publish(tid, jeanne.id, {
    category: 'cuisine',
    title: 'Soupe masquée',
    commune: 'Mende',
  });
  await t.database.db
    .update(post)
    .set({ hiddenAt: new Date(), status: 'hidden' })
    .where(eq(post.id, ids.hidden));

  // A second territory, for pagination and isolation.
  other = await createTestTerritory(t.database);
  t.app.platform.territories.invalidate();
});

afterAll(async () => {
  await t?.close();
});

const titles = (body: { items: Array<{ title: string }> }) => body.items.map((p) => p.title).sort();

describe('GET /api/v1/posts', () => {
  it('lists open posts only, newest first, with public fields; counts come from their own route', async () => {
    const { status, body, res } = await api('/api/v1/posts');
    expect(status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(titles(body)).toEqual(
      [
        'Courses au marché le samedi',
        'Médicaments pour ma voisine',
        'Transport vers l’hôpital',
        'Réparer une étagère',
        'Courses à Florac',
      ].sort(),
    );
    expect(body.items[0].title).toBe('Courses à Florac');
    expect(body.next).toBeNull();
    expect(body.counts).toBeUndefined();
    const counted = await api('/api/v1/posts/counts');
    expect(counted.body.counts).toMatchObject({
      courses: 2,
      medicaments: 1,
      transport: 1,
      bricolage: 1,
      cuisine: 0,
    });
    const meds = body.items.find((p: { id: string }) => p.id === ids.medicaments);
    expect(Object.keys(meds).sort()).toEqual(
      [
        'id',
        'kind',
        'status',
        'title',
        'description',
        'whenText',
        'startsOn',
        'endsOn',
        'category',
        'area',
        'point',
        'distance',
        'authorName',
        'publishedAt',
        'expiresAt',
      ].sort(),
    );
    expect(meds).toMatchObject({
      kind: 'request',
      status: 'open',
      category: { slug: 'medicaments' },
      area: { name: 'Mende' },
      point: { lat: areaNamed('Mende').centroidLat, lon: areaNamed('Mende').centroidLon },
      distance: null,
      authorName: 'Paulette D.',
    });
    expect(new Date(meds.publishedAt).toISOString()).toBe(meds.publishedAt);
  });

  it('filters by kind, category (repeatable) and commune', async () => {
    expect(titles((await api('/api/v1/posts?type=demande')).body)).toEqual([
      'Médicaments pour ma voisine',
      'Réparer une étagère',
    ]);
    const offers = await api('/api/v1/posts?type=offre&categorie=courses');
    expect(titles(offers.body)).toEqual(['Courses au marché le samedi', 'Courses à Florac']);
    // Counts ignore the category filter but keep the others.
    const offerCounts = await api('/api/v1/posts/counts?type=offre&categorie=courses');
    expect(offerCounts.body.counts).toMatchObject({ courses: 2, transport: 1, medicaments: 0 });
    expect(titles((await api('/api/v1/posts?categorie=courses&categorie=transport')).body)).toEqual([
      'Courses au marché le samedi',
      'Courses à Florac',
      'Transport vers l’hôpital',
    ]);
    expect(titles((await api('/api/v1/posts?commune=Marvejols')).body)).toEqual(['Transport vers l’hôpital']);
    expect(
      titles((await api(`/api/v1/posts?commune=${encodeURIComponent('florac trois rivieres')}`)).body),
    ).toEqual(['Courses à Florac']);
  });

  it('finds a misspelled word without accents', async () => {
    expect(titles((await api('/api/v1/posts?q=medicamant')).body)).toEqual(['Médicaments pour ma voisine']);
    expect(titles((await api('/api/v1/posts?q=etagere')).body)).toEqual(['Réparer une étagère']);
    expect((await api('/api/v1/posts?q=soupe')).body.items).toEqual([]);
  });

  it('sorts nearest first within a radius, with an approximate distance', async () => {
    const mende = areaNamed('Mende');
    const near = await api(`/api/v1/posts?lat=${mende.centroidLat}&lon=${mende.centroidLon}&rayon=5`);
    expect(near.status).toBe(200);
    expect(titles(near.body)).toEqual(['Courses au marché le samedi', 'Médicaments pour ma voisine']);
    expect(near.body.items[0].distance).toEqual({ label: 'à moins de 1 km' });

    const wider = await api(`/api/v1/posts?lat=${mende.centroidLat}&lon=${mende.centroidLon}&rayon=50`);
    const names: string[] = wider.body.items.map((p: { area: { name: string } }) => p.area.name);
    expect(names.slice(0, 2)).toEqual(['Mende', 'Mende']);
    expect(new Set(names)).toEqual(new Set(['Mende', 'Marvejols', 'Florac Trois Rivières', 'Langogne']));
    const km = wider.body.items.map((p: { distance: { label: string } }) =>
      p.distance.label === 'à moins de 1 km'
        ? 0
        : Number(p.distance.label.replace(/[^\d,]/g, '').replace(',', '.')),
    );
    expect(km).toEqual([...km].sort((a, b) => a - b));
    // The most recent first when asked.
    const recent = await api(
      `/api/v1/posts?lat=${mende.centroidLat}&lon=${mende.centroidLon}&rayon=50&tri=recentes`,
    );
    expect(recent.body.items[0].title).toBe('Courses à Florac');
    // Near a place typed by a person (offline geocoder: a commune).
    const typed = await api('/api/v1/posts?pres=Marvejols&rayon=3');
    expect(titles(typed.body)).toEqual(['Transport vers l’hôpital']);
  });

  it('refuses bad filters with French messages, never Fastify’s', async () => {
    for (const [query, field, message] of [
      ['rayon=500', 'rayon', 'Cette valeur n’est pas valide.'],
      ['lat=abc&lon=3', 'lat', 'Cette valeur n’est pas valide.'],
      ['type=cadeau', 'type', 'Choisissez une valeur dans la liste.'],
      ['commune=Paris', 'commune', 'Cette commune n’est pas sur le territoire. Choisissez-la dans la liste.'],
      [
        'pres=Zzzyxw',
        'pres',
        'Nous ne trouvons pas ce lieu. Indiquez une commune du territoire ou un code postal.',
      ],
      [`q=${'a'.repeat(101)}`, 'q', 'Ce texte est trop long : 100 caractères au maximum.'],
    ] as const) {
      const { status, body } = await api(`/api/v1/posts?${query}`);
      expect(status, query).toBe(400);
      expect(body).toEqual({
        error: 'invalid',
        message: 'Certaines valeurs ne conviennent pas : corrigez les champs indiqués.',
        fields: { [field]: message },
      });
    }
  });
});

describe('pagination', () => {
  const otherHost = () => `${other.slug}.test`;

  beforeAll(async () => {
    const otherCategories = await t.app.platform.territories.categories(other.id);
    const byCommune = (await t.app.platform.territories.areas(other.id)).map((a) => a.name);
    const created: string[] = [];
    for (let m = 0; m < 5; m++) {
      const member = await oldMember();
      for (let i = 0; i < 10 && created.length < 47; i++) {
        const n = created.length;
        const parsed = parseInput(postInput, {
          kind: n % 2 ? 'offer' : 'request',
          categoryId: otherCategories[n % 3]!.id,
          title: `Annonce numéro ${n}`,
          description: 'Pour tester les pages.',
          commune: byCommune[n % byCommune.length],
        });
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        const res = await t.app.platform.posts.create(ctxFor(other.id, member.id), parsed.value);
        if (!res.ok) throw new Error(JSON.stringify(res.errors));
        created.push(res.value.id);
      }
    }
    // Posts published at the same instant (an import, a batch), older than the others so that a page
    // boundary falls among them (places 32 to 46, boundary after 40): the cursor must not skip or
    // repeat them.
    await t.database.db
      .update(post)
      .set({ publishedAt: sql`date_trunc('hour', now()) - interval '1 hour' + interval '0.123456 second'` })
      .where(inArray(post.id, created.slice(15, 30)));
  });

  async function walk(query: string) {
    const pages: Array<Array<{ id: string; publishedAt: string; area: { name: string } }>> = [];
    let url: string | null = `/api/v1/posts?${query}`;
    while (url && pages.length < 10) {
      const { status, body } = await api(url, otherHost());
      expect(status).toBe(200);
      pages.push(body.items);
      url = body.next ? `/api/v1/posts?${query}&apres=${encodeURIComponent(body.next)}` : null;
    }
    return pages;
  }

  it('covers every post once, newest first, across pages', async () => {
    const pages = await walk('tri=recentes');
    expect(pages.map((p) => p.length)).toEqual([20, 20, 7]);
    const all = pages.flat();
    expect(new Set(all.map((p) => p.id)).size).toBe(47);
    const times = all.map((p) => Date.parse(p.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('covers every post once, nearest first, across pages (many at the same public point)', async () => {
    const mende = (await t.app.platform.territories.areas(other.id)).find((a) => a.name === 'Mende')!;
    const pages = await walk(`lat=${mende.centroidLat}&lon=${mende.centroidLon}&rayon=50`);
    const all = pages.flat();
    expect(all.length).toBe(47);
    expect(new Set(all.map((p) => p.id)).size).toBe(47);
    expect(all[0]!.area.name).toBe('Mende');
  });

  it('keeps each territory’s posts apart', async () => {
    const { body } = await api('/api/v1/posts?q=numero');
    expect(body.items).toEqual([]);
    const { body: theirs } = await api('/api/v1/posts?q=Courses', otherHost());
    expect(theirs.items).toEqual([]);
  });
});

describe('GET /api/v1/posts/{id}', () => {
  it('shows an open post with its full text', async () => {
    const { status, body } = await api(`/api/v1/posts/${ids.medicaments}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: ids.medicaments,
      title: 'Médicaments pour ma voisine',
      description: 'Passer à la pharmacie pour elle. Merci !',
      distance: null,
    });
    const mende = areaNamed('Marvejols');
    const withDistance = await api(
      `/api/v1/posts/${ids.medicaments}?lat=${mende.centroidLat}&lon=${mende.centroidLon}`,
    );
    expect(withDistance.body.distance.label).toMatch(/^à environ \d+ km$/);
  });

  it('answers 404 in French for unknown, withdrawn, hidden or malformed ids', async () => {
    for (const id of [
      '00000000-0000-4000-8000-000000000000',
      ids.withdrawn,
      ids.hidden,
      'pas-un-identifiant',
      `${ids.courses}x`,
    ]) {
      const { status, body } = await api(`/api/v1/posts/${id}`);
      expect(status, id).toBe(404);
      expect(body).toEqual({
        error: 'not_found',
        message: 'Cette annonce n’existe pas ou n’est plus visible.',
      });
    }
    // Another territory's post does not exist here.
    const { status } = await api(`/api/v1/posts/${ids.courses}`, `${other.slug}.test`);
    expect(status).toBe(404);
  });
});

describe('POST /api/v1/posts', () => {
  const valid = () => ({
    kind: 'offer',
    categoryId: categoryId('courses'),
    title: 'Je peux faire vos courses',
    description: 'Le mardi et le jeudi, à Mende.',
    whenText: 'le mardi',
    startsOn: '2026-03-01',
    endsOn: '2026-03-31',
    commune: 'Mende',
    address: SECRET_ADDRESS,
    showPhone: true,
    showEmail: false,
  });

  it('answers 401 without a session', async () => {
    const client = new TestClient(t.app, t.host);
    // postJson reads the cookies before fetching a CSRF cookie: get one first.
    await client.csrfToken();
    const res = await client.postJson('/api/v1/posts', valid());
    seen.push(res.body);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthenticated', message: 'Connectez-vous pour continuer.' });
  });

  it('answers 403 without the CSRF header', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: { host: t.host, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      payload: valid(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'csrf' });
    expect(res.json().message).toMatch(/Rechargez la page/);
  });

  it('answers 422 with one French sentence per field', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const res = await client.postJson('/api/v1/posts', {
      kind: 'cadeau',
      categoryId: 'courses',
      title: '',
      description: 42,
      commune: 'Mende',
    });
    seen.push(res.body);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      error: 'invalid',
      message: 'Certaines valeurs ne conviennent pas : corrigez les champs indiqués.',
      fields: {
        kind: 'Choisissez une valeur dans la liste.',
        categoryId: 'Choisissez une valeur dans la liste.',
        title: 'Ce champ est obligatoire.',
        description: 'Cette valeur n’est pas valide.',
      },
    });
    const dates = await client.postJson('/api/v1/posts', {
      ...valid(),
      startsOn: '2026-04-10',
      endsOn: '2026-04-01',
    });
    expect(dates.statusCode).toBe(422);
    expect(dates.json().fields).toEqual({ endsOn: 'La date de fin doit être après la date de début.' });
    // A commune outside the territory and a category of nobody: refused by the service.
    const outside = await client.postJson('/api/v1/posts', {
      ...valid(),
      categoryId: '00000000-0000-4000-8000-000000000000',
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().fields).toEqual({ categoryId: 'Choisissez une valeur dans la liste.' });
    const paris = await client.postJson('/api/v1/posts', { ...valid(), commune: 'Paris' });
    expect(paris.json().fields).toEqual({
      commune: 'Cette commune n’est pas sur le territoire. Choisissez-la dans la liste.',
    });
    // Not an object at all.
    const array = await client.postJson('/api/v1/posts', [1, 2]);
    expect(array.statusCode).toBe(422);
    expect(array.json().fields.title).toBe('Ce champ est obligatoire.');
  });

  it('answers 400 in French for a body that is not JSON', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: {
        host: t.host,
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': await client.csrfToken(),
        'content-type': 'application/json',
      },
      payload: '{"kind": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', message: 'La demande n’est pas valide.' });
  });

  it('refuses an unverified account (403) and counts the daily quota (429)', async () => {
    const unverified = await createMember(t, { verified: false });
    const client = new TestClient(t.app, t.host);
    await client.logIn(unverified.email, unverified.password);
    const res = await client.postJson('/api/v1/posts', valid());
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'not_verified',
      message: 'Confirmez d’abord votre adresse e-mail : ouvrez le lien reçu par e-mail.',
    });

    const fresh = await createMember(t);
    const busy = new TestClient(t.app, t.host);
    await busy.logIn(fresh.email, fresh.password);
    for (let i = 0; i < 3; i++) expect((await busy.postJson('/api/v1/posts', valid())).statusCode).toBe(201);
    const fourth = await busy.postJson('/api/v1/posts', valid());
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json()).toEqual({
      error: 'quota',
      message: 'Vous avez publié beaucoup d’annonces aujourd’hui. Réessayez demain.',
    });
    const mine = await t.database.db
      .select({ id: post.id })
      .from(post)
      .where(eq(post.authorAccountId, fresh.id));
    expect(mine).toHaveLength(3);
  });

  it('publishes (201) with a Location and the public presentation', async () => {
    const member = await createMember(t, { displayName: `Gaston ${SECRET_LAST_NAME}` });
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const res = await client.postJson('/api/v1/posts', valid());
    seen.push(res.body);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/api/v1/posts/${body.id}`);
    expect(body).toMatchObject({
      kind: 'offer',
      status: 'open',
      title: 'Je peux faire vos courses',
      description: 'Le mardi et le jeudi, à Mende.',
      whenText: 'le mardi',
      startsOn: '2026-03-01',
      endsOn: '2026-03-31',
      category: { slug: 'courses' },
      area: { name: 'Mende' },
      authorName: 'Gaston D.',
      distance: null,
    });
    const again = await api(res.headers.location as string);
    expect(again.body).toEqual(body);
    // The private address was kept for the author, not published.
    const [row] = await t.database.db.select().from(post).where(eq(post.id, body.id));
    expect(row!.address).toBe(SECRET_ADDRESS);
  });
});

describe('categories and areas', () => {
  it('lists the active categories with their French domain', async () => {
    const { status, body } = await api('/api/v1/categories');
    expect(status).toBe(200);
    const list = body as unknown as Array<Record<string, string>>;
    expect(list.map((c) => c.slug)).toEqual(categories.map((c) => c.slug));
    const courses = list.find((c) => c.slug === 'courses')!;
    expect(Object.keys(courses).sort()).toEqual(['domain', 'domainLabel', 'guidance', 'id', 'name', 'slug']);
    expect(courses.domainLabel).toBe('Aide alimentaire et d’urgence');
  });

  it('lists the communes without outlines', async () => {
    const { status, body } = await api('/api/v1/areas');
    expect(status).toBe(200);
    const list = body as unknown as Array<Record<string, unknown>>;
    expect(list.map((a) => a.name)).toEqual(areas.map((a) => a.name));
    expect(list.find((a) => a.name === 'Mende')).toEqual({
      id: areaNamed('Mende').id,
      code: '48095',
      name: 'Mende',
      kind: 'commune',
      postalCodes: ['48000'],
      centroid: { lat: areaNamed('Mende').centroidLat, lon: areaNamed('Mende').centroidLon },
    });
  });
});

describe('privacy', () => {
  it('never publishes an address, an e-mail, a phone, an exact point or a full name', async () => {
    // A few more answers that include the planted post.
    await api(`/api/v1/posts?q=voisine`);
    await api(`/api/v1/posts?commune=Mende&type=demande`);
    await api(`/api/v1/posts/${ids.medicaments}`);
    expect(seen.join('\n')).toContain('Médicaments pour ma voisine');
    const all = seen.join('\n');
    for (const needle of [
      SECRET_EMAIL,
      SECRET_PHONE,
      SECRET_PHONE.replace(/(\d\d)(?=\d)/g, '$1 '),
      SECRET_ADDRESS,
      'Discrète',
      SECRET_LAST_NAME,
      String(EXACT.lat),
      String(EXACT.lon),
      'exemple.fr',
      'showPhone',
      'showEmail',
      'address',
      'exactLat',
    ])
      expect(all, needle).not.toContain(needle);
  });
});
