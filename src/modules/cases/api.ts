import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CASE_STATUSES, CASE_URGENCIES } from '../../db/schema.ts';
import { isUuid, parseInput } from '../../domain/fields.ts';
import {
  apiError,
  described,
  documentationOnly,
  invalidDoc,
  jsonSchema,
  sendInvalid,
} from '../../platform/openapi.ts';
import { t } from '../../web/i18n/index.ts';
import { apiStatusInput } from './schemas.ts';
import type { AssigneeCaseView } from './service.ts';

/**
 * The cases API of structures: `GET /api/v1/cases` and `POST /api/v1/cases/{id}/status`, with a
 * structure's key (`Authorization: Bearer mf_…`, created on its « Accès API » page). It sees what
 * the structure's team sees in « Demandes confiées », nothing more: the contact only once the
 * case is accepted and only if the person agreed to share it. No session, no cookie, no CSRF.
 */

const apiCase = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    number: z.number().int().meta({ description: 'Le numéro du dossier, à rappeler au numéro unique.' }),
    status: z.enum(CASE_STATUSES),
    accepted: z.boolean().meta({ description: 'La structure a accepté la demande.' }),
    urgency: z.enum(CASE_URGENCIES),
    category: z.string(),
    area: z.string().meta({ description: 'La commune.' }),
    name: z.string().meta({ description: 'Civilité et prénom (ou initiale) seulement.' }),
    need: z.string(),
    constraints: z.object({
      mobilityLimited: z.boolean(),
      language: z.string().nullable(),
      hours: z.string().nullable(),
    }),
    contact: z
      .object({ name: z.string(), phone: z.string().nullable(), address: z.string().nullable() })
      .nullable()
      .meta({ description: 'Après acceptation, et seulement si la personne a accepté le partage.' }),
  })
  .strict();

/** A case as the API shows it to the structure it was offered to. */
export function presentApiCase(v: AssigneeCaseView): z.infer<typeof apiCase> {
  return {
    id: v.caseId,
    number: v.number,
    status: v.status,
    accepted: v.accepted,
    urgency: v.urgency,
    category: v.categoryName,
    area: v.areaName,
    name: v.name,
    need: v.need,
    constraints: { mobilityLimited: v.mobilityLimited, language: v.language, hours: v.hours },
    contact: v.contact
      ? { name: v.contact.fullName, phone: v.contact.phone, address: v.contact.address }
      : null,
  };
}

export async function casesApiRoutes(app: FastifyInstance) {
  const { cases } = app.platform;
  const unauthorized = { error: 'unauthenticated', message: '' };

  app.get(
    '/api/v1/cases',
    {
      ...documentationOnly,
      schema: {
        tags: ['dossiers'],
        summary: 'Les demandes confiées à la structure',
        description:
          'Les dossiers du numéro unique orientés vers la structure de la clé (en attente de réponse ou acceptés), du plus récent au plus ancien, 50 par page : pour la suite, repassez la demande avec `apres` égal à `next`.',
        security: [{ structureKey: [] }],
        querystring: jsonSchema(
          z.object({
            apres: z.string().max(80).optional().meta({
              description: 'Curseur de la page suivante : la valeur `next` de la réponse précédente.',
            }),
          }),
          'input',
        ),
        response: {
          200: described(
            z.object({
              items: z.array(apiCase),
              next: z.string().nullable().meta({
                description: 'À passer dans `apres` pour la page suivante ; `null` à la dernière page.',
              }),
            }),
            'Les demandes.',
          ),
          401: described(apiError, 'Clé absente, inconnue ou révoquée.'),
        },
      },
    },
    async (req, reply) => {
      const token = await cases.authenticate(req.territory.id, req.headers.authorization);
      if (!token) return reply.code(401).send({ ...unauthorized, message: t('errors.caseKeyRequired') });
      const { apres } = (req.query ?? {}) as { apres?: unknown };
      const page = await cases.apiList(
        req.territory.id,
        token.organizationId,
        typeof apres === 'string' ? apres.slice(0, 80) : undefined,
      );
      return reply
        .header('cache-control', 'no-store')
        .send({ items: page.items.map(presentApiCase), next: page.next });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/cases/:id/status',
    {
      ...documentationOnly,
      // The structure's key is the proof: no session cookie is read, so there is nothing to forge.
      config: { noCsrf: true },
      schema: {
        tags: ['dossiers'],
        summary: 'Répondre à une demande ou donner des nouvelles',
        description:
          '`accepted` ou `declined` pour une demande en attente ; puis `in_progress` (aide en cours) et `done` (aide apportée). Le numéro unique le voit aussitôt dans le dossier.',
        security: [{ structureKey: [] }],
        params: jsonSchema(z.object({ id: z.string().meta({ format: 'uuid' }) })),
        body: jsonSchema(
          z.object({
            status: z.enum(['accepted', 'declined', 'in_progress', 'done']),
            note: z.string().max(2000).optional(),
          }),
          'input',
        ),
        response: {
          200: described(apiCase, 'Le dossier après le changement.'),
          401: described(apiError, 'Clé absente, inconnue ou révoquée.'),
          404: described(apiError, 'Dossier inconnu, ou pas confié à cette structure.'),
          409: described(apiError, 'Ce changement n’est pas possible maintenant.'),
          422: invalidDoc('Des champs sont à corriger.'),
        },
      },
    },
    async (req, reply) => {
      const token = await cases.authenticate(req.territory.id, req.headers.authorization);
      if (!token) return reply.code(401).send({ ...unauthorized, message: t('errors.caseKeyRequired') });
      if (!isUuid(req.params.id))
        return reply.code(404).send({ error: 'not_found', message: t('api.caseNotFound') });
      const parsed = parseInput(apiStatusInput, req.body);
      if (!parsed.ok) return sendInvalid(reply, 422, parsed.errors);
      const result = await cases.apiSetStatus(
        req.territory.id,
        token,
        req.params.id,
        parsed.value.status as 'accepted' | 'declined' | 'in_progress' | 'done',
        parsed.value.note,
      );
      if (!result.ok) {
        const key = result.errors._form?.key;
        if (key === 'errors.notFound')
          return reply.code(404).send({ error: 'not_found', message: t('api.caseNotFound') });
        return reply.code(409).send({ error: 'conflict', message: t('errors.caseStep') });
      }
      return reply.send(presentApiCase(result.value));
    },
  );
}
