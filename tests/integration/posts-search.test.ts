import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Executor } from '../../src/db/client.ts';
import { post, type PostKind } from '../../src/db/schema.ts';
import { haversineKm } from '../../src/domain/geo.ts';
import { parseInput } from '../../src/domain/fields.ts';
import * as repo from '../../src/modules/posts/repository.ts';
import { searchQuery } from '../../src/modules/posts/schemas.ts';
import { PAGE_SIZE, type SearchPage } from '../../src/modules/posts/service.ts';
import type { TerritoryRow } from '../../src/modules/territory/service.ts';
import { generatePosts } from '../bench/posts-generator.ts';
import { createTestApp, createTestTerritory, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const MENDE = { lat: 44.52925, lon: 3.48112 };
/** A point `km` kilometres north of `p` (one degree of latitude is 111.2 km). */
const north = (p: { lat: number; lon: number }, km: number) => ({ lat: p.lat + km / 111.195, lon: p.lon });

async function ids(territoryId: string) {
  const cats = await queryRows<{ id: string; slug: string }>(
    t.database.db,
    sql`select id, slug from category where territory_id = ${territoryId}`,
  );
  const areas = await queryRows<{ id: string; code: string }>(
    t.database.db,
    sql`select id, code from area where territory_id = ${territoryId}`,
  );
  return {
    category: (slug: string) => cats.find((c) => c.slug === slug)!.id,
    mende: areas.find((a) => a.code === '48095')!.id,
  };
}

interface Planted {
  kind?: PostKind;
  category?: string;
  title?: string;
  description?: string;
  at?: { lat: number; lon: number };
  publishedAt?: Date;
}

/** Inserts open posts directly (one statement), at Mende unless told; returns their ids in order. */
async function plant(territory: TerritoryRow, posts: Planted[]): Promise<string[]> {
  const ref = await ids(territory.id);
  const rows = await t.database.db
    .insert(post)
    .values(
      posts.map((p, i) => ({
        territoryId: territory.id,
        kind: p.kind ?? 'request',
        categoryId: ref.category(p.category ?? 'courses'),
        title: p.title ?? `Annonce ${i}`,
        description: p.description ?? 'Un coup de main entre voisins.',
        areaId: ref.mende,
        placePrecision: 'commune' as const,
        publicLat: (p.at ?? MENDE).lat,
        publicLon: (p.at ?? MENDE).lon,
        publishedAt: p.publishedAt ?? new Date(Date.now() - i * 60_000),
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      })),
    )
    .returning({ id: post.id });
  return rows.map((r) => r.id);
}

function query(q: Record<string, string | string[]>) {
  const parsed = parseInput(searchQuery, q);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

const search = (territory: TerritoryRow, q: Record<string, string | string[]>): Promise<SearchPage> =>
  t.app.platform.posts.search(territory.id, query(q));

const titles = (page: SearchPage) => page.posts.map((p) => p.title);

/** The statement a repository function sends, captured instead of run. */
async function statementOf(run: (db: Executor) => Promise<unknown>): Promise<SQL> {
  let captured: SQL | null = null;
  const fake = {
    execute: async (q: SQL) => {
      captured = q;
      return { rows: [] };
    },
  } as unknown as Executor;
  await run(fake);
  return captured!;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Order By'?: string;
  Plans?: PlanNode[];
}

/** EXPLAIN (format json) of a statement: the plan tree, and every index scan in it. */
async function explain(statement: SQL) {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement);
  const { rows } = (await t.database.raw.executeSql(`explain (format json) ${text}`, params)) as {
    rows: Array<{ 'QUERY PLAN': unknown }>;
  };
  const raw = rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    nodes.push(n);
    n.Plans?.forEach(walk);
  };
  walk(plan[0]!.Plan);
  return { text: JSON.stringify(plan, null, 1), indexScans: nodes.filter((n) => n['Index Name']) };
}

describe('the search uses the partial indexes of open posts', () => {
  let territory: TerritoryRow;
  let courses: string;
  beforeAll(async () => {
    territory = await createTestTerritory(t.database);
    // A few thousand posts over five communes, then ANALYZE (the generator does it): enough for
    // the planner to choose the indexes on its own, without `enable_seqscan = off`.
    await generatePosts(t.database.db, territory.id, 4000, { seed: 7 });
    courses = (await ids(territory.id)).category('courses');
  }, 120_000);

  const filters = (over: Partial<repo.PostSearch>): repo.PostSearch => ({
    territoryId: territory.id,
    kind: 'request',
    categoryIds: [courses],
    near: MENDE,
    radiusKm: 10,
    sort: 'nearest',
    limit: PAGE_SIZE,
    ...over,
  });

  it('finds the nearest requests of a category within a radius with post_open_geo_idx (KNN order)', async () => {
    const plan = await explain(await statementOf((db) => repo.searchPosts(db, filters({}))));
    const geo = plan.indexScans.filter((n) => n['Index Name'] === 'post_open_geo_idx');
    expect(geo.length, plan.text).toBeGreaterThan(0);
    // The index walks in distance order itself (KNN): the posts of the radius are not all read
    // and sorted. On PostgreSQL 15 and 16 that walk is the sub-query bounding the page.
    expect(
      geo.some((n) => n['Order By']?.includes('<->')),
      plan.text,
    ).toBe(true);
  });

  it('still uses post_open_geo_idx with a text term', async () => {
    const plan = await explain(await statementOf((db) => repo.searchPosts(db, filters({ text: 'courses' }))));
    expect(
      plan.indexScans.map((n) => n['Index Name']),
      plan.text,
    ).toContain('post_open_geo_idx');
  });

  it('lists the newest open posts with post_open_published_idx', async () => {
    const plan = await explain(
      await statementOf((db) =>
        repo.searchPosts(
          db,
          filters({ kind: null, categoryIds: [], near: null, radiusKm: undefined, sort: 'newest' }),
        ),
      ),
    );
    expect(
      plan.indexScans.map((n) => n['Index Name']),
      plan.text,
    ).toContain('post_open_published_idx');
  });
});

describe('the list runs a fixed number of queries', () => {
  let few: TerritoryRow;
  let many: TerritoryRow;
  beforeAll(async () => {
    few = await createTestTerritory(t.database);
    many = await createTestTerritory(t.database);
    await plant(
      few,
      Array.from({ length: 5 }, () => ({})),
    );
    await plant(
      many,
      Array.from({ length: 60 }, (_, i) => ({ at: north(MENDE, i / 10), kind: i % 3 ? 'request' : 'offer' })),
    );
  });

  async function queriesFor(territory: TerritoryRow, q: Record<string, string>) {
    await search(territory, q); // fills the territory's caches (categories, areas)
    const before = t.database.stats.queries;
    const page = await search(territory, q);
    return { n: t.database.stats.queries - before, shown: page.posts.length };
  }

  for (const [name, q] of [
    ['newest first', {}],
    ['nearest first', { lat: String(MENDE.lat), lon: String(MENDE.lon), rayon: '20', tri: 'proches' }],
  ] as const) {
    it(`whatever the page holds (${name})`, async () => {
      const partial = await queriesFor(few, q);
      const full = await queriesFor(many, q);
      expect(partial.shown).toBe(5);
      expect(full.shown).toBe(PAGE_SIZE);
      expect(full.n).toBe(partial.n);
      // The page and the per-category counts.
      expect(full.n).toBeLessThanOrEqual(2);
    });
  }

  it('for the page GET /annonces too', async (ctx) => {
    if (!t.app.hasRoute({ method: 'GET', url: '/annonces' })) return ctx.skip(); // not built yet
    const get = async (territory: TerritoryRow) => {
      const url = '/annonces?type=demande';
      const headers = { host: `${territory.slug}.test` };
      await t.app.inject({ method: 'GET', url, headers });
      const before = t.database.stats.queries;
      const res = await t.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode).toBe(200);
      return t.database.stats.queries - before;
    };
    expect(await get(many)).toBe(await get(few));
  });
});

describe('search results', () => {
  let territory: TerritoryRow;
  beforeAll(async () => {
    territory = await createTestTerritory(t.database);
    await plant(territory, [
      {
        category: 'medicaments',
        title: 'Médicaments à récupérer à la pharmacie',
        description: 'Mon ordonnance est prête.',
      },
      { kind: 'offer', title: 'Je fais vos courses le mardi', description: 'Au supermarché de Mende.' },
      { title: 'Une course urgente', description: 'Du pain et du lait à la boulangerie.' },
      { title: 'Besoin d’un coup de main au nord', description: 'À douze kilomètres.', at: north(MENDE, 12) },
      { title: 'Aide à trois kilomètres', at: north(MENDE, 3) },
      { title: 'Aide à six kilomètres', at: north(MENDE, 6) },
      { title: 'Aide à un kilomètre', at: north(MENDE, 1) },
    ]);
  });

  it('ignores accents: « medicament » finds « Médicaments »', async () => {
    expect(titles(await search(territory, { q: 'medicament' }))).toEqual([
      'Médicaments à récupérer à la pharmacie',
    ]);
  });

  it('finds plurals and singulars: « courses » and « course »', async () => {
    for (const q of ['courses', 'course']) {
      const found = titles(await search(territory, { q }));
      expect(found, q).toContain('Je fais vos courses le mardi');
      expect(found, q).toContain('Une course urgente');
    }
  });

  it('forgives a small typo: « medicamant »', async () => {
    expect(titles(await search(territory, { q: 'medicamant' }))).toContain(
      'Médicaments à récupérer à la pharmacie',
    );
  });

  it('filters by kind and by category', async () => {
    const requests = titles(await search(territory, { type: 'demande', q: 'courses' }));
    expect(requests).toContain('Une course urgente');
    expect(requests).not.toContain('Je fais vos courses le mardi');
    const offers = titles(await search(territory, { type: 'offre' }));
    expect(offers).toEqual(['Je fais vos courses le mardi']);
    const medicines = titles(await search(territory, { categorie: 'medicaments' }));
    expect(medicines).toEqual(['Médicaments à récupérer à la pharmacie']);
    const groceries = titles(await search(territory, { categorie: 'courses' }));
    expect(groceries).not.toContain('Médicaments à récupérer à la pharmacie');
    expect(groceries).toHaveLength(6);
  });

  it('keeps to the radius: a post 12 km away is out at 10 km, in at 15 km', async () => {
    const near = { lat: String(MENDE.lat), lon: String(MENDE.lon), tri: 'proches' };
    expect(titles(await search(territory, { ...near, rayon: '10' }))).not.toContain(
      'Besoin d’un coup de main au nord',
    );
    expect(titles(await search(territory, { ...near, rayon: '15' }))).toContain(
      'Besoin d’un coup de main au nord',
    );
  });

  it('sorts by distance, nearest first', async () => {
    const page = await search(territory, {
      lat: String(MENDE.lat),
      lon: String(MENDE.lon),
      rayon: '15',
      tri: 'proches',
    });
    const km = page.posts.map((p) => haversineKm(MENDE, p.point));
    expect(km).toHaveLength(7);
    expect(km).toEqual([...km].sort((a, b) => a - b));
    expect(titles(page).slice(-4)).toEqual([
      'Aide à un kilomètre',
      'Aide à trois kilomètres',
      'Aide à six kilomètres',
      'Besoin d’un coup de main au nord',
    ]);
  });
});

describe('keyset pagination', () => {
  let territory: TerritoryRow;
  let all: string[];
  beforeAll(async () => {
    territory = await createTestTerritory(t.database);
    // Ties on purpose: 25 posts share the commune's centre, 10 share one publication instant.
    const instant = new Date(Date.now() - 3_600_000);
    all = await plant(
      territory,
      Array.from({ length: 50 }, (_, i) => ({
        at: i < 25 ? MENDE : north(MENDE, (i - 20) / 7),
        publishedAt: i % 5 === 0 ? instant : new Date(Date.now() - i * 1000),
      })),
    );
  });

  async function walk(q: Record<string, string>) {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result: SearchPage = await search(territory, cursor ? { ...q, apres: cursor } : q);
      seen.push(...result.posts.map((p) => p.id));
      sizes.push(result.posts.length);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return { seen, sizes };
  }

  for (const [name, q] of [
    ['nearest first', { lat: String(MENDE.lat), lon: String(MENDE.lon), rayon: '20', tri: 'proches' }],
    ['newest first', { tri: 'recentes' }],
  ] as const) {
    it(`gives three pages with no duplicate and no gap (${name})`, async () => {
      const { seen, sizes } = await walk(q);
      expect(sizes).toEqual([20, 20, 10]);
      expect(new Set(seen).size).toBe(50);
      expect([...seen].sort()).toEqual([...all].sort());
    });
  }
});
