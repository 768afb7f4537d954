import fastifySwagger from '@fastify/swagger';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RouteShorthandOptions,
} from 'fastify';
import { z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import type { FieldError } from '../domain/fields.ts';
import { errorMessage, t } from '../web/i18n/index.ts';

/**
 * The OpenAPI document of the JSON API, generated from the routes' own `schema` objects by
 * @fastify/swagger and served at `/api/openapi.json`; `/api/docs` renders it as a page.
 *
 * Route schemas are documentation only: validation stays with zod (`parseInput`, French
 * messages) and responses are built by explicit presenters. A documented route spreads
 * `documentationOnly` into its options so that Fastify neither validates with Ajv (English
 * messages) nor serializes with fast-json-stringify (which drops or coerces fields silently).
 */
export const documentationOnly = {
  validatorCompiler: () => (value: unknown) => ({ value }),
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
} satisfies Pick<RouteShorthandOptions, 'validatorCompiler' | 'serializerCompiler'>;

/** JSON Schema of a zod schema, for a route's `schema` (no `$schema` key, which OpenAPI does not want). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

/** The tags of the document, in the order the documentation page shows them. */
export const API_TAGS = [
  { name: 'annonces', description: 'Les annonces d’entraide : offres et demandes d’aide.' },
  {
    name: 'messages',
    description: 'Les conversations de la personne connectée avec d’autres membres.',
  },
  { name: 'territoire', description: 'Le territoire : communes, types d’aide, carte.' },
  {
    name: 'structures',
    description: 'Les structures (associations, CCAS, communes…) validées du territoire.',
  },
  { name: 'missions', description: 'Les missions de bénévolat des structures et les candidatures.' },
  {
    name: 'dossiers',
    description: 'Les demandes du numéro unique confiées à une structure (avec la clé API de la structure).',
  },
  { name: 'compte', description: 'La personne connectée.' },
  { name: 'technique', description: 'Supervision et description de l’API.' },
] as const;

/** An error answer: a stable code and a French sentence. */
export const apiError = z.object({ error: z.string(), message: z.string() });
const apiInvalid = apiError.extend({
  fields: z
    .record(z.string(), z.string())
    .meta({ description: 'Un message en français par champ à corriger.' }),
});
/** A documented JSON Schema with its description. */
export const described = (schema: z.ZodType, description: string) => jsonSchema(schema.meta({ description }));
/** The documentation of a 400/422 answer with field errors. */
export const invalidDoc = (description: string) => described(apiInvalid, description);

/** Field errors in French, one sentence per field. */
export function sendInvalid(reply: FastifyReply, status: 400 | 422, errors: Record<string, FieldError>) {
  const fields: Record<string, string> = {};
  for (const [field, error] of Object.entries(errors)) fields[field] = errorMessage(error);
  return reply.code(status).send({ error: 'invalid', message: t('api.invalid'), fields });
}

const errorBody = z
  .object({
    error: z.string().meta({ description: 'Code stable de l’erreur, par exemple `not_found`.' }),
    message: z.string().meta({ description: 'Phrase en français à montrer à la personne.' }),
  })
  .meta({ description: 'Erreur' });

/**
 * Documentation of routes that declare no schema of their own (owned by other modules or
 * registered by the application shell). A route's own schema, when it has one, wins.
 */
const FALLBACK: Record<string, FastifySchema> = {
  'GET /healthz': {
    tags: ['technique'],
    summary: 'État du service',
    description: 'Répond 200 quand la base de données répond, 503 sinon. Pour la supervision.',
    response: {
      200: jsonSchema(
        z
          .object({ status: z.literal('ok'), database: z.literal('up') })
          .meta({ description: 'Le service et sa base de données fonctionnent.' }),
      ),
      503: jsonSchema(
        z
          .object({ status: z.literal('unavailable'), database: z.literal('down') })
          .meta({ description: 'La base de données ne répond pas.' }),
      ),
    },
  },
  'GET /api/v1/territory': {
    tags: ['territoire'],
    summary: 'Le territoire',
    description: 'Nom, numéro d’appel unique et réglages de la carte du territoire servi à cette adresse.',
    response: {
      200: jsonSchema(
        z
          .object({
            slug: z.string(),
            name: z.string(),
            kind: z.string(),
            inseeCode: z.string().nullable(),
            helpline: z.object({ phone: z.string().nullable(), hours: z.string().nullable() }),
            map: z.object({
              center: z.array(z.number()).meta({ description: '[latitude, longitude]' }),
              zoom: z.number(),
              bounds: z.unknown(),
              tileUrl: z.string(),
            }),
            locale: z.string(),
          })
          .meta({ description: 'Le territoire.' }),
      ),
    },
  },
  'GET /api/v1/me': {
    tags: ['compte'],
    summary: 'La personne connectée',
    description: 'Nom public, rôles sur ce territoire et confirmation de l’adresse e-mail.',
    security: [{ session: [] }],
    response: {
      200: jsonSchema(
        z
          .object({
            displayName: z.string(),
            roles: z.array(z.string()),
            emailVerified: z.boolean(),
          })
          .meta({ description: 'La personne connectée.' }),
      ),
      401: jsonSchema(errorBody.meta({ description: 'Personne n’est connecté.' })),
    },
  },
  'GET /api/openapi.json': {
    tags: ['technique'],
    summary: 'Ce document OpenAPI',
    description:
      'La description de l’API au format OpenAPI 3.1. Une version lisible est à l’adresse /api/docs.',
    response: { 200: { type: 'object', description: 'Le document OpenAPI.' } },
  },
};

/**
 * Documents a route whose module declares no schema of its own (the map's GeoJSON routes):
 * used when the document is generated, so it may be called at any time before the first request.
 */
export function documentRoute(
  key: `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`,
  schema: FastifySchema,
) {
  FALLBACK[key] = schema;
}

/** Is this route part of the public API documentation? JSON under /api/ and the health probe. */
const isDocumented = (url: string) => url === '/healthz' || url.startsWith('/api/');

/**
 * Registers @fastify/swagger on the root instance (so it sees every route registered after it)
 * and serves the document. Call it before any route is registered.
 */
export async function registerOpenApi(app: FastifyInstance) {
  const { cookies, csrf } = app.platform;
  await app.register(fastifySwagger, {
    mode: 'dynamic',
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Main-forte API',
        version: pkg.version,
        description: [
          'L’API de Main-forte, plateforme d’entraide entre habitants d’un territoire.',
          'Chaque territoire a sa propre adresse ; l’API répond pour le territoire de l’adresse appelée.',
          'Les lectures sont publiques. Les positions des annonces sont approximatives (centre de la commune ou d’un carré d’environ 500 m) : les adresses, e-mails et téléphones ne sont jamais publiés.',
          'Les écritures demandent une session (le cookie de connexion du site) et, contre la falsification de requêtes, l’en-tête `x-csrf-token` : le jeton est celui du champ caché `_csrf` des formulaires du site.',
          'Les erreurs sont en JSON : `{ "error": "code", "message": "phrase en français" }`, avec `fields` (un message par champ) quand des valeurs ne conviennent pas.',
        ].join('\n\n'),
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
      },
      tags: API_TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: cookies.session, description: 'Session du site.' },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: 'x-csrf-token',
            description: `Jeton anti-falsification, lié au cookie ${csrf.cookieName}.`,
          },
          structureKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'La clé API d’une structure (page « Accès API » de la structure).',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? route.method[0] : route.method;
      if (!isDocumented(url)) return { schema: { ...schema, hide: true }, url };
      const fallback = FALLBACK[`${method} ${url}`];
      // A route that documents itself (has a summary) keeps its own schema.
      if (fallback && !schema?.summary) return { schema: { ...fallback, ...schema }, url };
      return { schema, url };
    },
  });

  app.get(
    '/api/openapi.json',
    { ...documentationOnly, schema: FALLBACK['GET /api/openapi.json'] },
    async (req, reply) => {
      reply.header('cache-control', 'no-cache');
      return openApiDocument(app, req);
    },
  );
}

/** The document, with this request's address as its server. */
export function openApiDocument(app: FastifyInstance, req: FastifyRequest): OpenApiDocument {
  const doc = app.swagger() as unknown as OpenApiDocument;
  const base = publicBase(app, req);
  return { ...doc, servers: [{ url: base, description: req.territory?.name ?? '' }] };
}

/** The site's address as the person sees it. */
export function publicBase(app: FastifyInstance, req: FastifyRequest): string {
  return (app.platform.env.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

/** The parts of an OpenAPI 3.1 document that the documentation page reads. */
export interface SchemaObject {
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  examples?: unknown[];
  example?: unknown;
}
export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
  example?: unknown;
}
export interface MediaObject {
  schema?: SchemaObject;
  example?: unknown;
}
export interface OperationObject {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, MediaObject> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaObject> }>;
  security?: Array<Record<string, string[]>>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', OperationObject>>>;
  components?: { securitySchemes?: Record<string, { type: string; in?: string; name?: string }> };
}
