import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { DOMAINS, POST_KINDS, POST_STATUSES } from '../../db/schema.ts';
import { parseInput, isUuid } from '../../domain/fields.ts';
import { POST_LIMITS } from '../../domain/posts.ts';
import {
  apiError,
  described,
  documentationOnly,
  documentRoute,
  invalidDoc,
  jsonSchema,
  sendInvalid,
} from '../../platform/openapi.ts';
import { errorMessage, t } from '../../web/i18n/index.ts';
import type { AreaSummary, CategoryRow } from '../territory/service.ts';
import { postInput, searchQuery } from './schemas.ts';
import type { PublicPost } from './service.ts';

/**
 * The JSON API of help posts, categories and areas (`/api/v1/…`).
 *
 * Input is validated by the same zod schemas as the HTML forms (`parseInput`, French messages).
 * The route `schema` objects only document the API (OpenAPI, /api/docs): `documentationOnly`
 * turns Fastify's own validation and serialization off, and every answer is built field by field
 * by a presenter below, so a private column can never slip into a response.
 */

/** An identifier, documented by its format (any hexadecimal UUID is accepted, whatever its version). */
const uuid = () => z.string().meta({ format: 'uuid' });

// ---------------------------------------------------------------------------------------------
// Documentation of the inputs. The validating schemas (schemas.ts) accept loose form input
// (`z.unknown()` then transforms), which JSON Schema cannot describe; these describe the same
// fields for people. `satisfies Record<keyof shape, …>` makes the compiler check that both
// list exactly the same fields.

const searchDoc = {
  type: z
    .enum(['offre', 'demande'])
    .optional()
    .meta({ description: 'Seulement les offres, ou les demandes.' }),
  categorie: z.array(z.string().max(60)).max(20).optional().meta({
    description:
      'Type d’aide (son `slug`, voir /api/v1/categories). Répétable : `categorie=courses&categorie=transport`.',
  }),
  commune: z
    .string()
    .max(120)
    .optional()
    .meta({ description: 'Seulement dans cette commune (nom ou code postal).', examples: ['Mende'] }),
  pres: z.string().max(120).optional().meta({
    description: 'Près de ce lieu (commune, code postal ou adresse), à la place de `lat` et `lon`.',
  }),
  lat: z.number().min(-90).max(90).optional().meta({ description: 'Latitude du point de recherche.' }),
  lon: z.number().min(-180).max(180).optional().meta({ description: 'Longitude du point de recherche.' }),
  rayon: z
    .number()
    .min(1)
    .max(50)
    .optional()
    .meta({ description: 'Rayon en kilomètres autour du point (10 par défaut).' }),
  q: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'Mots recherchés ; accents et petites fautes de frappe sont tolérés.' }),
  tri: z.enum(['proches', 'recentes']).optional().meta({
    description:
      'Ordre : les plus proches d’abord (quand un point est donné, par défaut) ou les plus récentes.',
  }),
  apres: z
    .string()
    .max(80)
    .optional()
    .meta({ description: 'Curseur de la page suivante : la valeur `next` de la réponse précédente.' }),
} satisfies Record<keyof typeof searchQuery.shape, z.ZodType>;

const postDoc = {
  kind: z.enum(POST_KINDS).meta({ description: '`offer` : je propose ; `request` : je demande.' }),
  categoryId: uuid().meta({ description: 'Identifiant du type d’aide (voir /api/v1/categories).' }),
  title: z.string().min(1).max(POST_LIMITS.title).meta({ description: 'Titre court.' }),
  description: z
    .string()
    .min(1)
    .max(POST_LIMITS.description)
    .meta({ description: 'Ce qui est proposé ou demandé, sur plusieurs lignes si besoin.' }),
  whenText: z
    .string()
    .max(POST_LIMITS.whenText)
    .optional()
    .meta({ description: 'Quand, en quelques mots (« le samedi matin »).' }),
  startsOn: z.iso.date().optional().meta({ description: 'Date de début (AAAA-MM-JJ).' }),
  endsOn: z.iso.date().optional().meta({ description: 'Date de fin (AAAA-MM-JJ), après le début.' }),
  commune: z.string().min(1).max(120).meta({ description: 'Commune du territoire (nom ou code postal).' }),
  address: z.string().max(POST_LIMITS.address).optional().meta({
    description:
      'Adresse, facultative et jamais publiée : elle sert seulement à situer l’annonce à environ 500 m près.',
  }),
  showPhone: z
    .boolean()
    .optional()
    .meta({ description: 'Montrer mon téléphone aux personnes connectées qui répondent.' }),
  showEmail: z
    .boolean()
    .optional()
    .meta({ description: 'Montrer mon adresse e-mail aux personnes connectées qui répondent.' }),
} satisfies Record<keyof typeof postInput.shape, z.ZodType>;

const postExample = {
  kind: 'offer',
  categoryId: '00000000-0000-4000-8000-000000000000',
  title: 'Courses le samedi matin',
  description: 'Je vais au marché de Mende chaque samedi et peux rapporter des courses.',
  whenText: 'le samedi matin',
  commune: 'Mende',
};

const nearQuery = searchQuery.pick({ lat: true, lon: true });

// ---------------------------------------------------------------------------------------------
// Documentation of the outputs, and the presenters that build them field by field.

const apiPost = z
  .object({
    id: uuid(),
    kind: z.enum(POST_KINDS).meta({ description: '`offer` (offre) ou `request` (demande).' }),
    status: z.enum(POST_STATUSES),
    title: z.string(),
    description: z
      .string()
      .meta({ description: 'Le texte ; dans la liste, seulement ses 240 premiers caractères.' }),
    whenText: z.string(),
    startsOn: z.iso.date().nullable(),
    endsOn: z.iso.date().nullable(),
    category: z.object({ id: uuid(), slug: z.string(), name: z.string() }),
    area: z.object({ id: uuid(), name: z.string() }).meta({ description: 'La commune.' }),
    point: z.object({ lat: z.number(), lon: z.number() }).meta({
      description: 'Position approximative : centre de la commune, ou d’un carré d’environ 500 m.',
    }),
    distance: z
      .object({ label: z.string().meta({ examples: ['à environ 2,5 km'] }) })
      .nullable()
      .meta({ description: 'Distance approximative, quand un point de recherche est donné.' }),
    authorName: z.string().meta({ description: 'Prénom et initiale de la personne qui publie.' }),
    publishedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .strict();
export type ApiPost = z.output<typeof apiPost>;

const apiPostList = z
  .object({
    items: z.array(apiPost),
    next: z
      .string()
      .nullable()
      .meta({ description: 'À passer dans `apres` pour la page suivante ; `null` à la dernière page.' }),
  })
  .strict();

const apiPostCounts = z
  .object({
    counts: z.record(z.string(), z.number().int()).meta({
      description:
        'Nombre d’annonces par type d’aide (`slug`), pour la même recherche sans le filtre `categorie`.',
    }),
  })
  .strict();

const apiCategory = z
  .object({
    id: uuid(),
    slug: z.string(),
    name: z.string(),
    guidance: z.string().meta({ description: 'Conseils pour ce type d’aide.' }),
    domain: z.enum(DOMAINS),
    domainLabel: z.string().meta({ description: 'Le domaine, en français.' }),
  })
  .strict();

const apiArea = z
  .object({
    id: uuid(),
    code: z.string().meta({ description: 'Code INSEE de la commune.' }),
    name: z.string(),
    kind: z.enum(['commune', 'quartier']),
    postalCodes: z.array(z.string()),
    centroid: z.object({ lat: z.number(), lon: z.number() }),
  })
  .strict();

/** A post as the API publishes it. Lists every field on purpose: nothing else goes out. */
export function presentPost(p: PublicPost): ApiPost {
  return {
    id: p.id,
    kind: p.kind,
    status: p.status,
    title: p.title,
    description: p.description,
    whenText: p.whenText,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    category: { id: p.category.id, slug: p.category.slug, name: p.category.name },
    area: { id: p.area.id, name: p.area.name },
    point: { lat: p.point.lat, lon: p.point.lon },
    distance: p.distance ? { label: t(p.distance.key, { value: p.distance.value }) } : null,
    authorName: p.authorName,
    publishedAt: p.publishedAt.toISOString(),
    expiresAt: p.expiresAt.toISOString(),
  };
}

export function presentCategory(c: CategoryRow): z.output<typeof apiCategory> {
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    guidance: c.guidance,
    domain: c.domain,
    domainLabel: t(`domain.${c.domain}`),
  };
}

export function presentArea(a: AreaSummary): z.output<typeof apiArea> {
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    kind: a.kind,
    postalCodes: [...a.postalCodes],
    centroid: { lat: a.centroidLat, lon: a.centroidLon },
  };
}

// ---------------------------------------------------------------------------------------------

const notFoundDoc = described(apiError, 'Annonce inconnue, retirée ou masquée.');

// The map's routes (map.tsx) declare no schema: they are documented here, with the API.
const mapPosts = z.object({
  type: z.literal('FeatureCollection'),
  mode: z.enum(['points', 'cells']).meta({ description: 'Un point par annonce, ou des groupes.' }),
  total: z.number().int().meta({ description: 'Nombre d’annonces dans le rectangle.' }),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.object({
        type: z.literal('Point'),
        coordinates: z.array(z.number()).meta({ description: '[longitude, latitude], approximatives.' }),
      }),
      properties: z.record(z.string(), z.unknown()).meta({
        description:
          'Pour un point : `id`, `kind`, `title`, `category`, `area`, `url`. Pour un groupe : `count`.',
      }),
    }),
  ),
});
const mapAreas = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({ code: z.string(), name: z.string() }),
      geometry: z.unknown().meta({ description: 'Contour simplifié (Polygon ou MultiPolygon).' }),
    }),
  ),
});
documentRoute('GET /api/v1/posts.geojson', {
  tags: ['annonces'],
  summary: 'Annonces sur la carte (GeoJSON)',
  description:
    'Les annonces ouvertes dans un rectangle, pour la carte : une par une quand elles sont peu nombreuses, sinon des groupes avec leur nombre. Les positions sont approximatives. Les filtres de la liste s’appliquent, sauf la recherche autour d’un point : le rectangle en tient lieu.',
  querystring: jsonSchema(
    z.object({
      bbox: z.string().meta({
        description: 'Le rectangle : `ouest,sud,est,nord` en degrés (longitudes et latitudes).',
        examples: ['3.3,44.4,3.7,44.7'],
      }),
      zoom: z.number().int().min(0).max(22).optional().meta({
        description: 'Niveau de zoom de la carte (taille des groupes) ; déduit du rectangle s’il manque.',
      }),
      type: searchDoc.type,
      categorie: searchDoc.categorie,
      commune: z
        .string()
        .max(120)
        .optional()
        .meta({ description: 'Seulement dans cette commune (nom ou code postal).' }),
      q: searchDoc.q,
    }),
    'input',
  ),
  produces: ['application/geo+json'],
  response: {
    200: described(mapPosts, 'Une collection GeoJSON.'),
    400: invalidDoc('Le rectangle, le zoom ou un filtre ne convient pas.'),
  },
});
documentRoute('GET /api/v1/areas.geojson', {
  tags: ['territoire'],
  summary: 'Contours des communes (GeoJSON)',
  description:
    'Les contours simplifiés des communes du territoire, pour la carte. Avec `v`, la version donnée par la page de la carte, la réponse peut être gardée en cache sans limite.',
  querystring: jsonSchema(
    z.object({ v: z.string().optional().meta({ description: 'Version des contours.' }) }),
    'input',
  ),
  produces: ['application/geo+json'],
  response: {
    200: described(mapAreas, 'Une collection GeoJSON.'),
    304: { type: 'null', description: 'Pas de changement depuis la version gardée en cache (`ETag`).' },
  },
});

const sendNotFound = (reply: FastifyReply) =>
  reply.code(404).send({ error: 'not_found', message: t('api.postNotFound') });

export async function postsApiRoutes(app: FastifyInstance) {
  const { posts, territories } = app.platform;

  app.get(
    '/api/v1/posts',
    {
      ...documentationOnly,
      schema: {
        tags: ['annonces'],
        summary: 'Chercher des annonces',
        description:
          'Les annonces ouvertes, avec les mêmes filtres que la liste du site. 20 par page : pour la suite, repassez la même recherche avec `apres` égal à `next`.',
        querystring: jsonSchema(z.object(searchDoc), 'input'),
        response: {
          200: described(apiPostList, 'Une page d’annonces.'),
          400: invalidDoc('Un filtre ne convient pas (commune ou lieu introuvable, nombre hors limites…).'),
        },
      },
    },
    async (req, reply) => {
      const parsed = parseInput(searchQuery, req.query);
      if (!parsed.ok) return sendInvalid(reply, 400, parsed.errors);
      // Counts have their own route: computing them on every page would cost more than the search.
      const page = await posts.search(req.territory.id, parsed.value, { counts: 'none' });
      if (Object.keys(page.search.problems).length > 0) return sendInvalid(reply, 400, page.search.problems);
      return { items: page.posts.map(presentPost), next: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/posts/counts',
    {
      ...documentationOnly,
      schema: {
        tags: ['annonces'],
        summary: 'Compter les annonces par type d’aide',
        description:
          'Pour les mêmes filtres que la recherche : le nombre d’annonces ouvertes de chaque type d’aide (sans tenir compte du filtre `categorie`). Les nombres peuvent dater de quelques secondes.',
        querystring: jsonSchema(z.object(searchDoc), 'input'),
        response: {
          200: described(apiPostCounts, 'Les nombres par type d’aide.'),
          400: invalidDoc('Un filtre ne convient pas.'),
        },
      },
    },
    async (req, reply) => {
      const parsed = parseInput(searchQuery, req.query);
      if (!parsed.ok) return sendInvalid(reply, 400, parsed.errors);
      const result = await posts.counts(req.territory.id, parsed.value);
      if (Object.keys(result.search.problems).length > 0)
        return sendInvalid(reply, 400, result.search.problems);
      const counts: Record<string, number> = {};
      for (const c of result.categories) counts[c.slug] = result.counts.get(c.id) ?? 0;
      return { counts };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/posts/:id',
    {
      ...documentationOnly,
      schema: {
        tags: ['annonces'],
        summary: 'Une annonce',
        description:
          'Une annonce, avec son texte complet. Avec `lat` et `lon`, sa distance approximative. Une annonce retirée ou masquée n’est visible que de son auteur et de la modération.',
        params: jsonSchema(
          z.object({
            id: uuid().meta({
              description: 'Identifiant de l’annonce.',
              examples: ['3f1c9a52-8d4e-4b7a-9c61-2e5d7f0a1b23'],
            }),
          }),
        ),
        querystring: jsonSchema(z.object({ lat: searchDoc.lat, lon: searchDoc.lon }), 'input'),
        response: {
          200: described(apiPost, 'L’annonce.'),
          400: invalidDoc('`lat` ou `lon` ne convient pas.'),
          404: notFoundDoc,
        },
      },
    },
    async (req, reply) => {
      const near = parseInput(nearQuery, req.query);
      if (!near.ok) return sendInvalid(reply, 400, near.errors);
      const id = req.params.id;
      if (!isUuid(id)) return sendNotFound(reply);
      const { lat, lon } = near.value;
      const point = lat !== null && lon !== null ? { lat, lon } : null;
      const found = await posts.view(req.territory.id, id.toLowerCase(), req.ctx().actor, point);
      if (!found) return sendNotFound(reply);
      return presentPost(found.post);
    },
  );

  app.post(
    '/api/v1/posts',
    {
      ...documentationOnly,
      schema: {
        tags: ['annonces'],
        summary: 'Publier une annonce',
        description:
          'Publie une offre ou une demande au nom de la personne connectée (adresse e-mail confirmée). Trois annonces par jour au plus pendant la première semaine du compte.',
        security: [{ session: [], csrf: [] }],
        body: jsonSchema(z.object(postDoc).meta({ examples: [postExample] }), 'input'),
        response: {
          201: {
            ...described(apiPost, 'Annonce publiée.'),
            headers: { location: { type: 'string', description: 'Adresse de l’annonce dans l’API.' } },
          },
          401: described(apiError, 'Personne n’est connecté.'),
          403: described(
            apiError,
            'Jeton anti-falsification absent ou faux (`csrf`), adresse e-mail non confirmée (`not_verified`) ou action non permise (`forbidden`).',
          ),
          422: invalidDoc('Des champs sont à corriger.'),
          429: described(apiError, 'Trop d’annonces publiées aujourd’hui.'),
        },
      },
    },
    async (req, reply) => {
      if (!req.viewer)
        return reply.code(401).send({ error: 'unauthenticated', message: t('errors.signInRequired') });
      const parsed = parseInput(postInput, req.body);
      if (!parsed.ok) return sendInvalid(reply, 422, parsed.errors);
      const ctx = req.ctx();
      const created = await posts.create(ctx, parsed.value);
      if (!created.ok) {
        const form = created.errors._form;
        if (form?.key === 'errors.quota')
          return reply.code(429).send({ error: 'quota', message: errorMessage(form) });
        if (form)
          return reply.code(403).send({
            error: form.key === 'errors.notVerified' ? 'not_verified' : 'forbidden',
            message: errorMessage(form),
          });
        return sendInvalid(reply, 422, created.errors);
      }
      const found = await posts.view(ctx.territoryId, created.value.id, ctx.actor);
      if (!found) return sendNotFound(reply);
      return reply
        .code(201)
        .header('location', `/api/v1/posts/${found.post.id}`)
        .send(presentPost(found.post));
    },
  );

  app.get(
    '/api/v1/categories',
    {
      ...documentationOnly,
      schema: {
        tags: ['territoire'],
        summary: 'Les types d’aide',
        description: 'Les types d’aide proposés sur ce territoire, dans l’ordre du site.',
        response: { 200: described(z.array(apiCategory), 'Les types d’aide.') },
      },
    },
    async (req) => (await territories.categories(req.territory.id)).map(presentCategory),
  );

  app.get(
    '/api/v1/areas',
    {
      ...documentationOnly,
      schema: {
        tags: ['territoire'],
        summary: 'Les communes',
        description: 'Les communes du territoire, dans l’ordre alphabétique, sans leurs contours.',
        response: { 200: described(z.array(apiArea), 'Les communes.') },
      },
    },
    async (req) => (await territories.areas(req.territory.id)).map(presentArea),
  );
}
