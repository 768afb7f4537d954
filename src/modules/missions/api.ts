import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  APPLICATION_STATUSES,
  DOMAINS,
  MISSION_SCHEDULES,
  MISSION_STATUSES,
  ORGANIZATION_KINDS,
} from '../../db/schema.ts';
import { isUuid, parseInput, type FieldError } from '../../domain/fields.ts';
import { MISSION_LIMITS } from '../../domain/missions.ts';
import { documentationOnly, jsonSchema, publicBase } from '../../platform/openapi.ts';
import { errorMessage, t } from '../../web/i18n/index.ts';
import { directoryQuery, type DirectoryQuery } from '../organizations/schemas.ts';
import type { PublicOrganization } from '../organizations/service.ts';
import { parseBbox } from '../posts/map.tsx';
import { applyInput, missionSearchQuery } from './schemas.ts';
import type { PublicMission } from './service.ts';

/**
 * The JSON API of structures and missions. Same rules as the posts API (posts/api.ts): input
 * validated by the forms' zod schemas, route schemas for documentation only, answers built field
 * by field by the presenters below — no private address, no email or phone of a person.
 */

const uuid = () => z.string().meta({ format: 'uuid' });

const apiOrganization = z
  .object({
    id: uuid(),
    slug: z.string(),
    name: z.string(),
    kind: z.enum(ORGANIZATION_KINDS),
    description: z.string(),
    domains: z.array(z.enum(DOMAINS)),
    categories: z.array(z.object({ slug: z.string(), name: z.string() })),
    area: z.object({ id: uuid(), name: z.string() }).meta({ description: 'La commune de la structure.' }),
    areasCovered: z.array(z.object({ id: uuid(), name: z.string() })),
    point: z.object({ lat: z.number(), lon: z.number() }).meta({
      description:
        'Position approximative, sauf pour un bâtiment public qui a choisi de montrer son adresse.',
    }),
    address: z.string().nullable().meta({ description: 'Seulement pour un bâtiment public qui l’a choisi.' }),
    contact: z
      .object({ email: z.string().nullable(), phone: z.string().nullable(), website: z.string().nullable() })
      .meta({ description: 'Le contact public de la structure.' }),
  })
  .strict();

const apiMission = z
  .object({
    id: uuid(),
    title: z.string(),
    description: z.string().meta({ description: 'Dans la liste, seulement les 240 premiers caractères.' }),
    status: z
      .enum(MISSION_STATUSES)
      .meta({ description: '`open` : des places restent ; `full` : liste d’attente.' }),
    domain: z.enum(DOMAINS),
    schedule: z.enum(MISSION_SCHEDULES),
    recurrence: z.string(),
    startsOn: z.iso.date().nullable(),
    endsOn: z.iso.date().nullable(),
    volunteersNeeded: z.number().int(),
    placesLeft: z.number().int(),
    flags: z.object({
      reducedMobility: z.boolean(),
      remotePossible: z.boolean(),
      remoteOnly: z.boolean(),
      openToMinors: z.boolean(),
    }),
    skills: z.array(z.object({ slug: z.string(), name: z.string(), health: z.boolean() })),
    category: z.object({ id: uuid(), slug: z.string(), name: z.string() }),
    area: z.object({ id: uuid(), name: z.string() }),
    point: z.object({ lat: z.number(), lon: z.number() }).meta({ description: 'Position approximative.' }),
    distance: z.object({ label: z.string() }).nullable(),
    organization: z.object({ slug: z.string(), name: z.string() }),
    publishedAt: z.iso.datetime().nullable(),
  })
  .strict();

const apiError = z.object({ error: z.string(), message: z.string() });
const apiInvalid = apiError.extend({ fields: z.record(z.string(), z.string()) });
const described = (schema: z.ZodType, description: string) => jsonSchema(schema.meta({ description }));

/** A structure as the API publishes it. */
export function presentOrganization(o: PublicOrganization): z.output<typeof apiOrganization> {
  return {
    id: o.id,
    slug: o.slug,
    name: o.name,
    kind: o.kind,
    description: o.description,
    domains: [...o.domains],
    categories: o.categories.map((c) => ({ slug: c.slug, name: c.name })),
    area: { id: o.area.id, name: o.area.name },
    areasCovered: o.areasCovered.map((a) => ({ id: a.id, name: a.name })),
    point: { lat: o.point.lat, lon: o.point.lon },
    address: o.address,
    contact: { email: o.contact.email, phone: o.contact.phone, website: o.contact.website },
  };
}

/** A mission as the API publishes it. */
export function presentMission(mi: PublicMission): z.output<typeof apiMission> {
  return {
    id: mi.id,
    title: mi.title,
    description: mi.description,
    status: mi.status,
    domain: mi.domain,
    schedule: mi.schedule,
    recurrence: mi.recurrenceText,
    startsOn: mi.startsOn,
    endsOn: mi.endsOn,
    volunteersNeeded: mi.volunteersNeeded,
    placesLeft: mi.placesLeft,
    flags: { ...mi.flags },
    skills: mi.skills.map((s) => ({ slug: s.slug, name: s.name, health: s.health })),
    category: { id: mi.category.id, slug: mi.category.slug, name: mi.category.name },
    area: { id: mi.area.id, name: mi.area.name },
    point: { lat: mi.point.lat, lon: mi.point.lon },
    distance: mi.distance ? { label: t(mi.distance.key, { value: mi.distance.value }) } : null,
    organization: { slug: mi.organization.slug, name: mi.organization.name },
    publishedAt: mi.publishedAt ? mi.publishedAt.toISOString() : null,
  };
}

function sendInvalid(reply: FastifyReply, status: 400 | 422, errors: Record<string, FieldError>) {
  const fields: Record<string, string> = {};
  for (const [field, error] of Object.entries(errors)) fields[field] = errorMessage(error);
  return reply.code(status).send({ error: 'invalid', message: t('api.invalid'), fields });
}

const s = (d: string) => z.string().optional().meta({ description: d });

export async function missionsApiRoutes(app: FastifyInstance) {
  const { organizations, missions } = app.platform;
  const notFound = (reply: FastifyReply, key: 'api.organizationNotFound' | 'api.missionNotFound') =>
    reply.code(404).send({ error: 'not_found', message: t(key) });

  app.get(
    '/api/v1/organizations',
    {
      ...documentationOnly,
      schema: {
        tags: ['structures'],
        summary: 'L’annuaire des structures',
        description:
          'Les structures validées du territoire (associations, CCAS, communes…), par ordre alphabétique, 20 par page.',
        querystring: jsonSchema(
          z.object({
            domaine: z.enum(DOMAINS).optional().meta({ description: 'Domaine d’action.' }),
            categorie: s('Type d’aide (son `slug`).'),
            commune: s('Commune où la structure agit (nom ou code postal).'),
            page: z.number().int().min(1).optional().meta({ description: 'Numéro de page.' }),
          }),
          'input',
        ),
        response: {
          200: described(
            z.object({
              items: z.array(apiOrganization),
              total: z.number().int(),
              next: z.number().int().nullable(),
            }),
            'Une page de structures.',
          ),
          400: described(apiInvalid, 'Un filtre ne convient pas.'),
        },
      },
    },
    async (req, reply) => {
      const parsed = parseInput(directoryQuery, req.query);
      if (!parsed.ok) return sendInvalid(reply, 400, parsed.errors);
      const d = await organizations.directory(req.territory.id, parsed.value as DirectoryQuery);
      if (Object.keys(d.problems).length > 0) return sendInvalid(reply, 400, d.problems);
      return {
        items: d.organizations.map(presentOrganization),
        total: d.total,
        next: d.hasNext ? d.page + 1 : null,
      };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/organizations/:slug',
    {
      ...documentationOnly,
      schema: {
        tags: ['structures'],
        summary: 'Une structure',
        description: 'Une structure validée et ses missions ouvertes.',
        params: jsonSchema(
          z.object({ slug: z.string().meta({ description: 'Identifiant lisible de la structure.' }) }),
        ),
        response: {
          200: described(
            apiOrganization.extend({
              missions: z.array(
                z.object({ id: uuid(), title: z.string(), status: z.string(), placesLeft: z.number().int() }),
              ),
            }),
            'La structure.',
          ),
          404: described(apiError, 'Structure inconnue ou pas encore validée.'),
        },
      },
    },
    async (req, reply) => {
      if (!/^[a-z0-9-]{1,80}$/.test(req.params.slug)) return notFound(reply, 'api.organizationNotFound');
      // The API is public: only validated structures, whoever asks.
      const viewed = await organizations.view(req.territory.id, req.params.slug, null);
      if (!viewed) return notFound(reply, 'api.organizationNotFound');
      const listed = await missions.ofOrganization(req.territory.id, viewed.row.id);
      return {
        ...presentOrganization(viewed.organization),
        missions: listed.map((mi) => ({
          id: mi.id,
          title: mi.title,
          status: mi.status,
          placesLeft: mi.placesLeft,
        })),
      };
    },
  );

  app.get(
    '/api/v1/missions',
    {
      ...documentationOnly,
      schema: {
        tags: ['missions'],
        summary: 'Chercher des missions',
        description:
          'Les missions ouvertes ou complètes (liste d’attente) des structures, avec les filtres de la liste du site. 20 par page : pour la suite, repassez la recherche avec `apres` égal à `next`.',
        querystring: jsonSchema(
          z.object({
            domaine: z.enum(DOMAINS).optional(),
            categorie: z
              .array(z.string())
              .optional()
              .meta({ description: 'Types d’aide (`slug`), répétable.' }),
            commune: s('Seulement dans cette commune.'),
            pres: s('Près de ce lieu.'),
            lat: z.number().optional(),
            lon: z.number().optional(),
            rayon: z.number().min(1).max(50).optional().meta({ description: 'Rayon en km (20 par défaut).' }),
            du: z.iso.date().optional().meta({ description: 'Missions qui ont lieu à partir de ce jour.' }),
            au: z.iso.date().optional().meta({ description: 'Missions qui ont lieu jusqu’à ce jour.' }),
            competence: z
              .array(z.string())
              .optional()
              .meta({ description: 'Compétences demandées (`slug`), répétable.' }),
            distance: z
              .enum(['oui'])
              .optional()
              .meta({ description: 'Seulement les missions possibles à distance.' }),
            tri: z.enum(['proches', 'recentes']).optional(),
            apres: s('Curseur de la page suivante.'),
          }),
          'input',
        ),
        response: {
          200: described(
            z.object({ items: z.array(apiMission), next: z.string().nullable() }),
            'Une page de missions.',
          ),
          400: described(apiInvalid, 'Un filtre ne convient pas.'),
        },
      },
    },
    async (req, reply) => {
      const parsed = parseInput(missionSearchQuery, req.query);
      if (!parsed.ok) return sendInvalid(reply, 400, parsed.errors);
      const page = await missions.search(req.territory.id, parsed.value);
      if (Object.keys(page.search.problems).length > 0) return sendInvalid(reply, 400, page.search.problems);
      return { items: page.missions.map(presentMission), next: page.nextCursor };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/missions/:id/applications',
    {
      ...documentationOnly,
      schema: {
        tags: ['missions'],
        summary: 'Candidater à une mission',
        description:
          'La personne connectée candidate. S’il reste une place sur le créneau, elle lui est réservée (`pending`) en attendant la réponse de la structure ; sinon la candidature va sur la liste d’attente (`waitlisted`).',
        security: [{ session: [], csrf: [] }],
        params: jsonSchema(z.object({ id: uuid() })),
        body: jsonSchema(
          z.object({
            slotId: uuid().optional().meta({ description: 'Le créneau, quand la mission en a plusieurs.' }),
            message: z.string().max(MISSION_LIMITS.message).optional(),
            ageConfirmed: z
              .boolean()
              .optional()
              .meta({ description: 'Obligatoire quand la mission a un âge minimum.' }),
          }),
          'input',
        ),
        response: {
          201: described(
            z.object({ id: uuid(), status: z.enum(APPLICATION_STATUSES) }),
            'Candidature enregistrée.',
          ),
          401: described(apiError, 'Personne n’est connecté.'),
          404: described(apiError, 'Mission inconnue.'),
          409: described(apiError, 'Déjà candidat, mission close, ou mission de sa propre structure.'),
          422: described(apiInvalid, 'Des champs sont à corriger.'),
        },
      },
    },
    async (req, reply) => {
      if (!req.viewer)
        return reply.code(401).send({ error: 'unauthenticated', message: t('errors.signInRequired') });
      if (!isUuid(req.params.id)) return notFound(reply, 'api.missionNotFound');
      const parsed = parseInput(applyInput, req.body);
      if (!parsed.ok) return sendInvalid(reply, 422, parsed.errors);
      const result = await missions.apply(
        req.ctx(),
        req.params.id.toLowerCase(),
        parsed.value,
        publicBase(app, req),
      );
      if (!result.ok) {
        const form = result.errors._form;
        if (form?.key === 'errors.notFound') return notFound(reply, 'api.missionNotFound');
        if (form) return reply.code(409).send({ error: 'conflict', message: errorMessage(form) });
        return sendInvalid(reply, 422, result.errors);
      }
      return reply.code(201).send({ id: result.value.id, status: result.value.status });
    },
  );

  app.get(
    '/api/v1/organizations.geojson',
    {
      ...documentationOnly,
      schema: {
        tags: ['structures'],
        summary: 'Structures sur la carte (GeoJSON)',
        description:
          'Les structures validées dans un rectangle, avec les filtres de l’annuaire. Chacune à son point public : ' +
          'approximatif (la commune), ou l’adresse du lieu qui accueille du public quand la structure a choisi de la montrer. ' +
          '`title` est son nom, `category` son type, `url` sa page.',
        querystring: jsonSchema(
          z.object({
            bbox: z.string().meta({ description: '`ouest,sud,est,nord` en degrés.' }),
            domaine: z.enum(DOMAINS).optional().meta({ description: 'Domaine d’action.' }),
            categorie: s('Type d’aide (son `slug`).'),
            commune: s('Commune où la structure agit (nom ou code postal).'),
          }),
          'input',
        ),
        response: { 400: described(apiInvalid, 'Le rectangle ou un filtre ne convient pas.') },
      },
    },
    async (req, reply) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const bbox = parseBbox(query.bbox);
      if (!bbox) {
        const message = t('map.errorBbox');
        return reply.code(400).send({ error: 'invalid', message, fields: { bbox: message } });
      }
      const { domaine, categorie, commune } = query;
      const parsed = parseInput(directoryQuery, { domaine, categorie, commune });
      if (!parsed.ok) return sendInvalid(reply, 400, parsed.errors);
      const rows = await organizations.mapPoints(req.territory.id, parsed.value as DirectoryQuery, bbox);
      const features = rows.map((r) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
        properties: {
          id: r.id,
          kind: 'offer',
          title: r.name,
          category: t(`orgs.kind.${r.kind}`),
          area: r.areaName,
          url: `/structures/${r.slug}`,
        },
      }));
      return reply
        .header('cache-control', 'public, max-age=30')
        .type('application/geo+json; charset=utf-8')
        .send(
          JSON.stringify({ type: 'FeatureCollection', mode: 'points', total: features.length, features }),
        );
    },
  );

  app.get(
    '/api/v1/missions.geojson',
    {
      ...documentationOnly,
      schema: {
        tags: ['missions'],
        summary: 'Missions sur la carte (GeoJSON)',
        description: 'Les missions ouvertes ou complètes dans un rectangle, positions approximatives.',
        querystring: jsonSchema(
          z.object({ bbox: z.string().meta({ description: '`ouest,sud,est,nord` en degrés.' }) }),
          'input',
        ),
        response: { 400: described(apiInvalid, 'Le rectangle ne convient pas.') },
      },
    },
    async (req, reply) => {
      const bbox = parseBbox((req.query as Record<string, unknown>).bbox);
      if (!bbox) {
        const message = t('map.errorBbox');
        return reply.code(400).send({ error: 'invalid', message, fields: { bbox: message } });
      }
      const rows = await missions.mapPoints(req.territory.id, bbox);
      const features = rows.map((r) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
        properties: {
          id: r.id,
          kind: 'offer',
          title: r.title,
          category: r.categorySlug,
          area: r.areaName,
          url: `/missions/${r.id}`,
        },
      }));
      return reply
        .header('cache-control', 'public, max-age=30')
        .type('application/geo+json; charset=utf-8')
        .send(
          JSON.stringify({ type: 'FeatureCollection', mode: 'points', total: features.length, features }),
        );
    },
  );
}
