import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { postInput, searchQuery } from '../../src/modules/posts/schemas.ts';
import type { OpenApiDocument } from '../../src/platform/openapi.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let doc: OpenApiDocument;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ url: '/api/openapi.json', headers: { host: t.host } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/json');
  doc = res.json();
});
afterAll(async () => {
  await t?.close();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })),
  );

describe('/api/openapi.json', () => {
  it('is an OpenAPI 3.1 document in French, served for this address', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('Main-forte API');
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.info.description).toContain('entraide');
    expect(doc.servers?.[0]?.url).toBe(`http://${t.host}`);
    expect(doc.tags?.map((x) => x.name)).toEqual([
      'annonces',
      'messages',
      'territoire',
      'structures',
      'missions',
      'dossiers',
      'compte',
      'technique',
    ]);
  });

  it('documents the API routes, and only them', () => {
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/posts',
      '/api/v1/posts/{id}',
      '/api/v1/categories',
      '/api/v1/areas',
      '/api/v1/territory',
      '/api/v1/me',
      '/api/v1/conversations',
      '/api/v1/conversations/{id}/messages',
      '/api/v1/posts/{id}/conversations',
      '/api/v1/organizations',
      '/api/v1/organizations/{slug}',
      '/api/v1/missions',
      '/api/v1/missions/{id}/applications',
      '/api/v1/missions.geojson',
      '/api/v1/organizations.geojson',
      '/api/openapi.json',
      '/healthz',
    ])
      expect(paths).toContain(p);
    // The map's route belongs to another module: documented whenever it exists.
    for (const p of ['/api/v1/posts.geojson', '/api/v1/areas.geojson'])
      if (t.app.hasRoute({ method: 'GET', url: p })) expect(paths).toContain(p);
    for (const p of paths)
      expect(p === '/healthz' || p.startsWith('/api/v1/') || p === '/api/openapi.json').toBe(true);
    expect(paths).not.toContain('/api/docs');
    for (const { path, method, op } of operations()) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect([
        'annonces',
        'messages',
        'territoire',
        'structures',
        'missions',
        'dossiers',
        'compte',
        'technique',
      ]).toContain(op.tags?.[0]);
      expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });

  it('describes the same filters and fields as the zod schemas that validate them', () => {
    const list = doc.paths['/api/v1/posts']!.get!;
    expect(list.parameters!.map((p) => p.name).sort()).toEqual(Object.keys(searchQuery.shape).sort());
    expect(list.parameters!.every((p) => p.in === 'query' && !p.required)).toBe(true);
    const categorie = list.parameters!.find((p) => p.name === 'categorie')!;
    expect(categorie.schema?.type).toBe('array');
    expect(Object.keys(list.responses!)).toEqual(['200', '400']);
    const item = list.responses!['200']!.content!['application/json']!.schema!.properties!.items!.items!;
    expect(Object.keys(item.properties!).sort()).toEqual(
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

    const create = doc.paths['/api/v1/posts']!.post!;
    const body = create.requestBody!.content!['application/json']!;
    expect(Object.keys(body.schema!.properties!).sort()).toEqual(Object.keys(postInput.shape).sort());
    expect(body.schema!.required!.sort()).toEqual(['categoryId', 'commune', 'description', 'kind', 'title']);
    expect(body.example).toMatchObject({ kind: 'offer', commune: 'Mende' });
    expect(Object.keys(create.responses!)).toEqual(['201', '401', '403', '422', '429']);
    expect(create.security).toEqual([{ session: [], csrf: [] }]);

    // The map's route declares no schema; the generator documents it.
    if (t.app.hasRoute({ method: 'GET', url: '/api/v1/posts.geojson' })) {
      const map = doc.paths['/api/v1/posts.geojson']!.get!;
      expect(map.parameters!.find((p) => p.name === 'bbox')).toMatchObject({ in: 'query', required: true });
      expect(Object.keys(map.responses!['200']!.content!)).toEqual(['application/geo+json']);
    }

    const one = doc.paths['/api/v1/posts/{id}']!.get!;
    expect(one.parameters!.find((p) => p.in === 'path')).toMatchObject({ name: 'id', required: true });
    expect(Object.keys(one.responses!)).toEqual(['200', '400', '404']);
  });

  it('does not change how requests are validated: Fastify’s own messages never appear', async () => {
    const res = await t.app.inject({ url: '/api/v1/posts?rayon=0&lat=north', headers: { host: t.host } });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({
      lat: 'Cette valeur n’est pas valide.',
      rayon: 'Cette valeur n’est pas valide.',
    });
    expect(res.body).not.toMatch(/must be|querystring/);
  });
});

describe('/api/docs', () => {
  it('renders every operation of the document as a readable page', async () => {
    const res = await t.app.inject({ url: '/api/docs', headers: { host: t.host } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(html).toContain('<h1>Documentation de l’API</h1>');
    for (const { path, method, op } of operations()) {
      expect(html).toContain(`${method.toUpperCase()} ${path}`);
      expect(html).toContain(op.summary!);
    }
    expect(html).toContain('href="/api/openapi.json"');
    // Parameters, body fields, response codes and a curl example.
    expect(html).toContain('<code>categorie</code>');
    expect(html).toContain('<code>categoryId</code>');
    expect(html).toContain('<th scope="row">422</th>');
    expect(html).toContain(`curl -X POST &#39;http://${t.host}/api/v1/posts&#39;`);
    expect(html).toContain('x-csrf-token: JETON');
    expect(html).toContain(`curl &#39;http://${t.host}/api/v1/posts?commune=Mende&#39;`);
    // No script of its own: the layout's file only.
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('is built for screen readers: table headers with a scope, headings without gaps', async () => {
    const html = (await t.app.inject({ url: '/api/docs', headers: { host: t.host } })).body;
    const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
    for (const th of main.match(/<th\b[^>]*>/g) ?? []) expect(th).toMatch(/scope="(col|row)"/);
    const levels = [...main.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    const ids = [...main.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, target] of main.matchAll(/href="#([^"]+)"/g)) expect(ids).toContain(target);
  });
});
