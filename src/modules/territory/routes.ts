import type { FastifyInstance } from 'fastify';
import { themeVersion } from './service.ts';
import { HomePage } from './views/Home.tsx';
import { PrivacyPage } from './views/Privacy.tsx';

/** Home page, per-territory theme, and the public description of the territory. */
export async function territoryRoutes(app: FastifyInstance) {
  const { territories } = app.platform;

  app.get('/', async (req, reply) => {
    // Both come from the territory cache: the home page costs no query for a visitor.
    const [categories, areas] = await Promise.all([
      territories.categories(req.territory.id),
      territories.areas(req.territory.id),
    ]);
    const areaCount = areas.length;
    return reply.html(HomePage({ page: reply.page(), categories, areaCount }));
  });

  app.get('/donnees-personnelles', async (_req, reply) => reply.html(PrivacyPage({ page: reply.page() })));

  app.get<{ Params: { file: string } }>('/theme/:file', async (req, reply) => {
    const expected = `${req.territory.slug}.${themeVersion(req.territory)}.css`;
    if (req.params.file !== expected) return reply.callNotFound();
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type('text/css; charset=utf-8')
      .send(territories.themeCss(req.territory));
  });

  app.get('/api/v1/territory', async (req) => {
    const t = req.territory;
    return {
      slug: t.slug,
      name: t.name,
      kind: t.kind,
      inseeCode: t.inseeCode,
      helpline: { phone: t.helplinePhone, hours: t.helplineHours },
      map: {
        center: [t.mapCenterLat, t.mapCenterLon],
        zoom: t.mapZoom,
        bounds: t.bounds,
        tileUrl: t.tileUrl,
      },
      locale: t.locale,
    };
  });
}
