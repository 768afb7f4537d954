import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { post, type PostKind } from '../../src/db/schema.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { MAP_POINT_LIMIT } from '../../src/modules/posts/service.ts';
import type { TerritoryRow } from '../../src/modules/territory/service.ts';
import {
  createMember,
  createTestApp,
  createTestTerritory,
  TestClient,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const MENDE = { lat: 44.51777, lon: 3.50139 };
const FLORAC = { lat: 44.32402, lon: 3.59314 };
/** The small test Lozère (Mende, Marvejols, Saint-Chély, Florac, Langogne) and around. */
const WHOLE = '2.9,44.1,4.0,45.0';
const AROUND_MENDE = '3.40,44.45,3.60,44.60';
const AROUND_FLORAC = '3.55,44.28,3.65,44.36';

interface Planted {
  kind?: PostKind;
  category?: string;
  title?: string;
  area?: string;
  at: { lat: number; lon: number };
}

/** Inserts open posts in one statement (public point as given); returns their ids. */
async function plant(territory: TerritoryRow, posts: Planted[]): Promise<string[]> {
  const cats = await queryRows<{ id: string; slug: string }>(
    t.database.db,
    sql`select id, slug from category where territory_id = ${territory.id}`,
  );
  const areas = await queryRows<{ id: string; code: string }>(
    t.database.db,
    sql`select id, code from area where territory_id = ${territory.id}`,
  );
  const rows = await t.database.db
    .insert(post)
    .values(
      posts.map((p, i) => ({
        territoryId: territory.id,
        kind: p.kind ?? 'request',
        categoryId: cats.find((c) => c.slug === (p.category ?? 'courses'))!.id,
        title: p.title ?? `Annonce ${i}`,
        description: 'Un coup de main entre voisins.',
        areaId: areas.find((a) => a.code === (p.area ?? '48095'))!.id,
        placePrecision: 'commune' as const,
        publicLat: p.at.lat,
        publicLon: p.at.lon,
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      })),
    )
    .returning({ id: post.id });
  return rows.map((r) => r.id);
}

/** `n` points on the ~500 m grid around Mende, `per` posts on each. */
const aroundMende = (n: number, per = 1) =>
  Array.from({ length: n * per }, (_, i) => {
    const k = Math.floor(i / per);
    return { lat: MENDE.lat - 0.03 + (k % 20) * 0.0045, lon: MENDE.lon - 0.04 + Math.floor(k / 20) * 0.0063 };
  });

interface Collection {
  type: string;
  mode: 'points' | 'cells';
  total: number;
  features: Array<{
    type: string;
    geometry: { type: string; coordinates: [number, number] };
    properties: Record<string, unknown>;
  }>;
}

async function geojson(query: string, host = t.host) {
  const res = await t.app.inject({ url: `/api/v1/posts.geojson?${query}`, headers: { host } });
  return { res, body: res.statusCode === 200 ? (res.json() as Collection) : null };
}

describe('GET /api/v1/posts.geojson', () => {
  let mende: string[];
  let florac: string[];
  beforeAll(async () => {
    mende = await plant(t.territory, [
      { at: MENDE, kind: 'offer', title: 'Jardinage à Mende' },
      { at: MENDE, kind: 'request', title: 'Courses à Mende', category: 'medicaments' },
      { at: { lat: MENDE.lat + 0.01, lon: MENDE.lon } },
    ]);
    florac = await plant(t.territory, [
      { at: FLORAC, area: '48061', kind: 'offer', title: 'Bricolage à Florac' },
      { at: FLORAC, area: '48061' },
    ]);
  });

  it('answers the posts in the box, one by one, with their public point and a link', async () => {
    const { res, body } = await geojson(`bbox=${AROUND_MENDE}&zoom=12`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(body!.type).toBe('FeatureCollection');
    expect(body!.mode).toBe('points');
    expect(body!.total).toBe(3);
    expect(body!.features.map((f) => f.properties.id).sort()).toEqual([...mende].sort());
    const garden = body!.features.find((f) => f.properties.title === 'Jardinage à Mende')!;
    expect(garden.geometry).toEqual({ type: 'Point', coordinates: [MENDE.lon, MENDE.lat] });
    expect(garden.properties).toEqual({
      id: mende[0],
      kind: 'offer',
      title: 'Jardinage à Mende',
      category: 'Courses et produits de première nécessité',
      area: 'Mende',
      url: `/annonces/${mende[0]}`,
    });

    const around = await geojson(`bbox=${AROUND_FLORAC}&zoom=12`);
    expect(around.body!.features.map((f) => f.properties.id).sort()).toEqual([...florac].sort());
    const whole = await geojson(`bbox=${WHOLE}&zoom=9`);
    expect(whole.body!.mode).toBe('points');
    expect(whole.body!.total).toBe(5);
  });

  it('applies the filters of the list: kind, category, commune, words', async () => {
    const titles = async (filters: string) =>
      (await geojson(`bbox=${WHOLE}&zoom=9&${filters}`)).body!.features.map((f) => f.properties.title).sort();
    expect(await titles('type=offre')).toEqual(['Bricolage à Florac', 'Jardinage à Mende']);
    expect(await titles('categorie=medicaments')).toEqual(['Courses à Mende']);
    expect(await titles('commune=Florac')).toEqual(['Annonce 1', 'Bricolage à Florac']);
    expect(await titles('q=bricolage')).toEqual(['Bricolage à Florac']);
    expect(await titles('type=demande&commune=Mende')).toEqual(['Annonce 2', 'Courses à Mende']);
    // A « near » search of the list does not apply: the box is the place filter.
    expect(await titles('lat=44.32&lon=3.59&rayon=1')).toHaveLength(5);
  });

  it('refuses a bad box or zoom with a French message', async () => {
    for (const query of [
      '',
      'bbox=',
      'bbox=3.4,44.4,3.6',
      'bbox=3.4,44.4,3.6,44.6,1',
      'bbox=a,b,c,d',
      'bbox=3.6,44.4,3.4,44.6', // west east of east
      'bbox=3.4,44.6,3.6,44.4',
      'bbox=3.4,-91,3.6,44.6',
      'bbox=-181,44.4,3.6,44.6',
      'bbox=1e2,44.4,3.6,44.6',
      'bbox=3.4,44.4,3.6,44.6&bbox=3.4,44.4,3.6,44.6',
    ]) {
      const { res } = await geojson(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({
        error: 'invalid',
        message: expect.stringContaining('bbox='),
      });
    }
    for (const zoom of ['abc', '23', '9.5', '-1', '100']) {
      const { res } = await geojson(`bbox=${AROUND_MENDE}&zoom=${zoom}`);
      expect(res.statusCode, zoom).toBe(400);
      expect(res.json().message).toContain('zoom');
    }
    const commune = await geojson(`bbox=${AROUND_MENDE}&zoom=12&commune=Lyon`);
    expect(commune.res.statusCode).toBe(400);
    expect(commune.res.json().message).toBe(
      'Cette commune n’est pas sur le territoire. Choisissez-la dans la liste.',
    );
    const kind = await geojson(`bbox=${AROUND_MENDE}&zoom=12&type=tout`);
    expect(kind.res.statusCode).toBe(400);
    expect(kind.res.json().message).toBe('Choisissez une valeur dans la liste.');
    // Without zoom, one is derived from the box.
    expect((await geojson(`bbox=${AROUND_MENDE}`)).res.statusCode).toBe(200);
  });

  it('never sends an exact point, an address, an e-mail or a phone', async () => {
    const author = await createMember(t, { email: `cache.${Date.now()}@secret-exemple.fr` });
    const ctx: Ctx = {
      territoryId: t.territory.id,
      actor: { accountId: author.id, roles: ['member'] },
      onBehalfOf: null,
      ip: null,
      requestId: 't',
    };
    const cats = await t.app.platform.territories.categories(t.territory.id);
    const created = await t.app.platform.posts.create(ctx, {
      kind: 'offer',
      categoryId: cats[0]!.id,
      title: 'Promenade du chien',
      description: 'Appelez-moi.',
      whenText: '',
      startsOn: '',
      endsOn: '',
      commune: 'Mende',
      address: '12 impasse Introuvable-Secrète',
      showPhone: true,
      showEmail: true,
    });
    expect(created.ok).toBe(true);
    const id = created.ok ? created.value.id : '';
    // As if the address had been geocoded: a private exact point, never to be published.
    await t.database.db
      .update(post)
      .set({ exactLat: 44.5171717, exactLon: 3.4979797, placePrecision: 'address' })
      .where(eq(post.id, id));
    const secrets = [
      'Introuvable',
      author.email,
      '44.51717',
      '3.49797',
      'exact',
      'address',
      'email',
      'phone',
    ];
    for (const query of [`bbox=${AROUND_MENDE}&zoom=14`, `bbox=${WHOLE}&zoom=9`, `bbox=${WHOLE}&zoom=6`]) {
      const { res, body } = await geojson(query);
      for (const secret of secrets) expect(res.body, `${query}: ${secret}`).not.toContain(secret);
      for (const f of body!.features)
        expect(Object.keys(f.properties).sort()).toEqual(['area', 'category', 'id', 'kind', 'title', 'url']);
    }
    expect(
      (await geojson(`bbox=${AROUND_MENDE}&zoom=14`)).body!.features.map((f) => f.properties.id),
    ).toContain(id);
  });
});

describe('many posts in view: cells with counts', () => {
  let other: TerritoryRow;
  const host = () => `${other.slug}.test`;
  beforeAll(async () => {
    // A territory of its own: its grid in memory is built once these posts are there.
    other = await createTestTerritory(t.database);
    t.app.platform.territories.invalidate(); // served at its host from now on
    await plant(other, [
      ...aroundMende(250, 2).map((at) => ({ at })), // 500 « courses » on 250 points
      ...aroundMende(100).map((at) => ({ at, category: 'medicaments', kind: 'offer' as const })),
      { at: FLORAC, area: '48061', title: 'Seule à Florac', category: 'medicaments', kind: 'offer' },
    ]);
  });

  it('sends cells with counts over the limit, and points up to it', async () => {
    expect(MAP_POINT_LIMIT).toBe(500);
    const whole = (await geojson(`bbox=${WHOLE}&zoom=9`, host())).body!;
    expect(whole.mode).toBe('cells');
    expect(whole.total).toBe(601);
    expect(whole.features.reduce((sum, f) => sum + (f.properties.count as number), 0)).toBe(601);
    for (const f of whole.features) {
      expect(Object.keys(f.properties)).toEqual(['count']);
      expect(f.properties.count).toBeGreaterThan(0);
      expect(f.geometry.type).toBe('Point');
    }
    // Exactly the limit: still one by one.
    const courses = (await geojson(`bbox=${WHOLE}&zoom=9&categorie=courses`, host())).body!;
    expect(courses.mode).toBe('points');
    expect(courses.total).toBe(500);
    expect(courses.features).toHaveLength(500);
    // Zoomed on Florac, only one post is in view.
    const florac = (await geojson(`bbox=${AROUND_FLORAC}&zoom=13`, host())).body!;
    expect(florac.mode).toBe('points');
    expect(florac.features.map((f) => f.properties.title)).toEqual(['Seule à Florac']);
  });

  it('makes cells smaller as the zoom grows, and keeps counts whole when the box moves', async () => {
    const at = async (bbox: string, zoom: number) =>
      (await geojson(`bbox=${bbox}&zoom=${zoom}`, host())).body!;
    const z8 = await at(WHOLE, 8);
    const z11 = await at(AROUND_MENDE, 11);
    const z13 = await at(AROUND_MENDE, 13);
    expect(z8.mode).toBe('cells');
    expect(z11.mode).toBe('cells');
    expect(z8.features.length).toBeLessThan(z11.features.length);
    expect(z11.features.length).toBeLessThan(z13.features.length);
    // The same cell, seen from two boxes, has the same count (cells are aligned on one grid).
    const shifted = await at('3.41,44.46,3.61,44.61', 11);
    const key = (f: Collection['features'][number]) => f.geometry.coordinates.join(',');
    const counts = new Map(shifted.features.map((f) => [key(f), f.properties.count]));
    const common = z11.features.filter((f) => counts.has(key(f)));
    expect(common.length).toBeGreaterThan(0);
    for (const f of common) expect(counts.get(key(f))).toBe(f.properties.count);
  });

  it('stays right when posts are added after the grid was computed', async () => {
    await plant(other, [{ at: MENDE, title: 'Une de plus' }]);
    // The grid in memory still says 500 « courses »; the live query sees 501 and sends cells.
    const courses = (await geojson(`bbox=${WHOLE}&zoom=9&categorie=courses`, host())).body!;
    expect(courses.mode).toBe('cells');
    expect(courses.total).toBe(501);
  });

  it('stays fast on a view of the whole territory (no query once the grid is built)', async () => {
    // A filter set asked for the first time: its grid is computed now, then serves every zoom.
    const first = (await geojson(`bbox=${WHOLE}&zoom=9&type=demande`, host())).body!;
    expect(first.mode).toBe('cells');
    const before = t.database.stats.queries;
    for (let i = 0; i < 5; i++) {
      const { body } = await geojson(`bbox=${WHOLE}&zoom=${7 + i}&type=demande`, host());
      expect(body!.total).toBe(first.total);
    }
    expect(t.database.stats.queries - before).toBe(0);
  });
});

describe('GET /api/v1/areas.geojson', () => {
  it('answers the outlines of the communes, cached with an ETag', async () => {
    const res = await t.app.inject({ url: '/api/v1/areas.geojson', headers: { host: t.host } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    const body = res.json() as {
      type: string;
      features: Array<{ properties: Record<string, string>; geometry: { type: string } }>;
    };
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.map((f) => f.properties.name).sort()).toEqual(
      ['Florac Trois Rivières', 'Langogne', 'Marvejols', 'Mende', "Saint-Chély-d'Apcher"].sort(),
    );
    for (const f of body.features) {
      expect(Object.keys(f.properties).sort()).toEqual(['code', 'name']);
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    }
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{12}"$/);
    const again = await t.app.inject({
      url: '/api/v1/areas.geojson',
      headers: { host: t.host, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const versioned = await t.app.inject({
      url: `/api/v1/areas.geojson?v=${etag.slice(1, -1)}`,
      headers: { host: t.host },
    });
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});

describe('GET /carte', () => {
  it('shows the map container with its settings, the filters and the list below', async () => {
    const client = new TestClient(t.app, t.host);
    const res = await client.get('/carte');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>Carte des annonces</h1>');
    expect(html).toMatch(/<a href="\/carte" aria-current="page">Carte<\/a>/);
    expect(html).toMatch(/<a href="\/annonces">Annonces<\/a>/);
    const container = /<div id="carte"[^>]*>/.exec(html)?.[0] ?? '';
    expect(container).toContain('role="region"');
    expect(container).toContain('aria-label="Carte des annonces"');
    expect(container).toContain(`data-center="${t.territory.mapCenterLat},${t.territory.mapCenterLon}"`);
    expect(container).toContain(`data-zoom="${t.territory.mapZoom}"`);
    expect(container).toMatch(/data-bounds="[-\d.]+,[-\d.]+,[-\d.]+,[-\d.]+"/);
    expect(container).toContain('data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"');
    expect(container).toMatch(/data-areas="\/api\/v1\/areas\.geojson\?v=[0-9a-f]{12}"/);
    expect(container).toContain('data-posts="/api/v1/posts.geojson"');
    expect(container).toContain('data-messages="{&#34;map.loading&#34;');
    // Without JavaScript: a note in the container, a note for screen readers, the list.
    expect(html).toContain('La carte a besoin de JavaScript.');
    expect(html).toContain('class="visually-hidden">La carte montre les mêmes annonces');
    expect(html).toContain('href="#liste-annonces"');
    expect(html).toContain('Jardinage à Mende');
    expect(html).toContain('href="/annonces">Voir la liste complète</a>');
    // Its own assets, hashed and served.
    const css = /href="(\/assets\/map\.[0-9a-f]{10}\.css)"/.exec(html)?.[1];
    const js = /src="(\/assets\/map\.[0-9a-f]{10}\.js)"/.exec(html)?.[1];
    expect(css && js).toBeTruthy();
    const style = await client.get(css!);
    expect(style.statusCode).toBe(200);
    expect(style.body).toContain('.leaflet-container');
    expect((await client.get(js!)).statusCode).toBe(200);
    // Leaflet's images, under the hashed names its stylesheet gives them.
    const images = [...style.body.matchAll(/url\("?(\/assets\/[^")]+\.png)"?\)/g)].map((x) => x[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      const img = await client.get(image);
      expect(img.statusCode, image).toBe(200);
      expect(img.headers['content-type']).toBe('image/png');
    }
  });

  it('keeps the filters in the map’s data and in the link to the full list', async () => {
    const res = await new TestClient(t.app, t.host).get('/carte?type=offre&commune=Florac&q=&pres=Mende');
    const html = res.body;
    expect(html).toContain(
      'data-posts="/api/v1/posts.geojson?type=offre&amp;commune=Florac+Trois+Rivi%C3%A8res"',
    );
    expect(html).toContain('data-list="/annonces?type=offre&amp;commune=Florac+Trois+Rivi%C3%A8res"');
    expect(html).toContain('data-focus="48061"');
    expect(html).toContain('href="/annonces?type=offre&amp;commune=Florac+Trois+Rivi%C3%A8res"');
    expect(html).toContain('<option value="offre" selected>');
    expect(html).toContain('Bricolage à Florac');
    expect(html).not.toContain('Jardinage à Mende');
  });

  it('says when a filter is not understood, and still shows the map', async () => {
    const res = await new TestClient(t.app, t.host).get('/carte?commune=Lyon');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Cette commune n’est pas sur le territoire.');
    expect(res.body).toContain('data-map');
    expect(res.body).toContain('value="Lyon"');
  });
});
