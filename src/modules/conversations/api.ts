import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MESSAGE_KINDS } from '../../db/schema.ts';
import { MESSAGE_LIMITS, SCAM_SIGNALS } from '../../domain/conversations.ts';
import { isUuid, parseInput, type FieldError } from '../../domain/fields.ts';
import {
  apiError,
  described,
  documentationOnly,
  invalidDoc,
  jsonSchema,
  sendInvalid,
} from '../../platform/openapi.ts';
import { errorMessage, t } from '../../web/i18n/index.ts';
import { messageInput, messageNumber } from './schemas.ts';
import type { ThreadMessage, ThreadView } from './service.ts';

/**
 * The JSON API of the signed-in person's conversations (`/api/v1/conversations…`). Like the
 * HTML pages, a conversation the viewer does not take part in answers 404; presenters list every
 * field that goes out, and a participant's phone or email appears only while they share it.
 */

const uuid = () => z.string().meta({ format: 'uuid' });

const apiConversation = z.object({
  id: uuid(),
  subject: z.object({ type: z.string(), title: z.string() }),
  with: z.string().meta({ description: 'Les autres participants (prénom et initiale).' }),
  unread: z.number().int().meta({ description: 'Messages non lus.' }),
  lastMessageAt: z.string().meta({ format: 'date-time' }),
});

const apiMessage = z.object({
  id: z.number().int().meta({ description: 'Numéro du message (croissant dans une conversation).' }),
  kind: z.enum(MESSAGE_KINDS).meta({
    description:
      '`text` : un message ; `share_*` et `unshare_*` : un partage de coordonnées commencé ou arrêté.',
  }),
  mine: z.boolean(),
  senderName: z.string(),
  body: z.string(),
  createdAt: z.string().meta({ format: 'date-time' }),
  warnings: z.array(z.enum(SCAM_SIGNALS)).meta({
    description: 'Signaux d’arnaque trouvés dans un message reçu (jamais dans les siens).',
  }),
  seen: z.boolean().meta({ description: 'Votre message a été lu par les autres participants.' }),
});

const apiThread = z.object({
  id: uuid(),
  subject: z.object({ type: z.string(), id: uuid(), title: z.string() }),
  participants: z.array(
    z.object({
      name: z.string(),
      phone: z.string().nullable().meta({ description: 'Seulement si la personne le partage avec vous.' }),
      email: z.string().nullable().meta({ description: 'Seulement si la personne le partage avec vous.' }),
    }),
  ),
  canWrite: z.boolean(),
  messages: z.array(apiMessage),
  olderBefore: z.number().int().nullable().meta({ description: 'Pour la page précédente : `avant=`.' }),
});

const presentMessage = (x: ThreadMessage): z.output<typeof apiMessage> => ({
  id: x.id,
  kind: x.kind,
  mine: x.mine,
  senderName: x.senderName,
  body: x.body,
  createdAt: x.createdAt.toISOString(),
  warnings: [...x.warnings],
  seen: x.seen,
});

const presentThread = (th: ThreadView): z.output<typeof apiThread> => ({
  id: th.id,
  subject: { type: th.subject.type, id: th.subject.id, title: th.subject.title },
  participants: th.others.map((o) => ({ name: o.name, phone: o.phone, email: o.email })),
  canWrite: th.closed === null,
  messages: th.messages.map(presentMessage),
  olderBefore: th.olderBefore,
});

const idParams = (description: string) => jsonSchema(z.object({ id: uuid().meta({ description }) }));
const notFoundDoc = described(apiError, 'Conversation inconnue, ou vous n’y participez pas.');
const unauthenticatedDoc = described(apiError, 'Personne n’est connecté.');
const bodyDoc = jsonSchema(
  z.object({
    body: z.string().min(1).max(MESSAGE_LIMITS.body).meta({ description: 'Le texte du message.' }),
  }),
  'input',
);

type IdParams = { Params: { id: string } };

export async function conversationsApiRoutes(app: FastifyInstance) {
  const { conversations } = app.platform;

  const unauthenticated = (reply: FastifyReply) =>
    reply.code(401).send({ error: 'unauthenticated', message: t('errors.signInRequired') });
  const notFound = (reply: FastifyReply) =>
    reply.code(404).send({ error: 'not_found', message: t('api.conversationNotFound') });

  /** A refused write: 404 when the conversation is not the viewer's, 403 for a rule, 422 for fields. */
  const refused = (reply: FastifyReply, errors: Record<string, FieldError>) => {
    const form = errors._form;
    if (form?.key === 'errors.notAllowed') return notFound(reply);
    if (form?.key === 'errors.conversationQuota')
      return reply.code(429).send({ error: 'quota', message: errorMessage(form) });
    if (form) return reply.code(403).send({ error: 'forbidden', message: errorMessage(form) });
    return sendInvalid(reply, 422, errors);
  };

  const thread = async (req: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const query = req.query as Record<string, unknown>;
    const before = query.avant === undefined ? null : messageNumber(query.avant);
    if (query.avant !== undefined && before === null)
      return sendInvalid(reply, 400, { avant: { key: 'errors.invalid' } });
    const found = await conversations.thread(req.ctx(), req.params.id, { before });
    if (!found || found.access !== 'participant') return notFound(reply);
    return presentThread(found);
  };

  app.get(
    '/api/v1/conversations',
    {
      ...documentationOnly,
      schema: {
        tags: ['messages'],
        summary: 'Mes conversations',
        description: 'Les conversations de la personne connectée, les plus récentes d’abord (200 au plus).',
        security: [{ session: [] }],
        response: {
          200: described(z.object({ items: z.array(apiConversation) }), 'Les conversations.'),
          401: unauthenticatedDoc,
        },
      },
    },
    async (req, reply) => {
      if (!req.viewer) return unauthenticated(reply);
      const list = await conversations.list(req.territory.id, req.viewer.accountId);
      return {
        items: list.map((c) => ({
          id: c.id,
          subject: { type: c.subjectType, title: c.subjectTitle },
          with: c.with,
          unread: c.unread,
          lastMessageAt: c.lastMessageAt.toISOString(),
        })),
      };
    },
  );

  app.get<IdParams>(
    '/api/v1/conversations/:id/messages',
    {
      ...documentationOnly,
      schema: {
        tags: ['messages'],
        summary: 'Les messages d’une conversation',
        description:
          'Les 100 derniers messages (du plus ancien au plus récent), les participants et ce qu’ils partagent avec vous. Lire la conversation la marque comme lue.',
        security: [{ session: [] }],
        params: idParams('Identifiant de la conversation.'),
        querystring: jsonSchema(
          z.object({
            avant: z.number().int().optional().meta({ description: 'Les messages avant ce numéro.' }),
          }),
          'input',
        ),
        response: {
          200: described(apiThread, 'La conversation.'),
          400: invalidDoc('`avant` n’est pas un numéro de message.'),
          401: unauthenticatedDoc,
          404: notFoundDoc,
        },
      },
    },
    async (req, reply) => {
      if (!req.viewer) return unauthenticated(reply);
      if (!isUuid(req.params.id)) return notFound(reply);
      return thread(req, reply);
    },
  );

  app.post<IdParams>(
    '/api/v1/conversations/:id/messages',
    {
      ...documentationOnly,
      schema: {
        tags: ['messages'],
        summary: 'Écrire dans une conversation',
        description: 'Ajoute un message. Refusé si l’un des participants a bloqué l’autre.',
        security: [{ session: [], csrf: [] }],
        params: idParams('Identifiant de la conversation.'),
        body: bodyDoc,
        response: {
          201: described(apiMessage, 'Le message envoyé.'),
          401: unauthenticatedDoc,
          403: described(apiError, 'Conversation fermée (blocage) ou jeton anti-falsification absent.'),
          404: notFoundDoc,
          422: invalidDoc('Le message est vide ou trop long.'),
        },
      },
    },
    async (req, reply) => {
      if (!req.viewer) return unauthenticated(reply);
      if (!isUuid(req.params.id)) return notFound(reply);
      const parsed = parseInput(messageInput, req.body);
      if (!parsed.ok) return sendInvalid(reply, 422, parsed.errors);
      const sent = await conversations.send(req.ctx(), req.params.id, parsed.value.body);
      if (!sent.ok) return refused(reply, sent.errors);
      const [created] =
        (await conversations.messagesAfter(req.ctx(), req.params.id, sent.value.messageId - 1)) ?? [];
      if (!created) return notFound(reply);
      return reply.code(201).send(presentMessage(created));
    },
  );

  app.post<IdParams>(
    '/api/v1/posts/:id/conversations',
    {
      ...documentationOnly,
      schema: {
        tags: ['messages'],
        summary: 'Répondre à une annonce',
        description:
          'Ouvre la conversation avec l’auteur de l’annonce (une par personne et par annonce) avec un premier message ; si elle existe déjà, le message y est ajouté. Ce que l’auteur a choisi de montrer dans son annonce (téléphone, e-mail) vous est partagé.',
        security: [{ session: [], csrf: [] }],
        params: idParams('Identifiant de l’annonce.'),
        body: bodyDoc,
        response: {
          201: {
            ...described(apiThread, 'La conversation.'),
            headers: { location: { type: 'string', description: 'Adresse de la conversation dans l’API.' } },
          },
          401: unauthenticatedDoc,
          403: described(apiError, 'Adresse e-mail non confirmée, personne bloquée, ou jeton absent.'),
          404: described(apiError, 'Annonce inconnue, fermée, ou la vôtre.'),
          422: invalidDoc('Le message est vide ou trop long.'),
          429: described(apiError, 'Trop de nouvelles conversations aujourd’hui.'),
        },
      },
    },
    async (req, reply) => {
      if (!req.viewer) return unauthenticated(reply);
      if (!isUuid(req.params.id)) return notFound(reply);
      const parsed = parseInput(messageInput, req.body);
      if (!parsed.ok) return sendInvalid(reply, 422, parsed.errors);
      const opened = await conversations.answerPost(req.ctx(), req.params.id, parsed.value.body);
      if (!opened.ok) return refused(reply, opened.errors);
      const found = await conversations.thread(req.ctx(), opened.value.conversationId);
      if (!found) return notFound(reply);
      return reply
        .code(201)
        .header('location', `/api/v1/conversations/${found.id}/messages`)
        .send(presentThread(found));
    },
  );
}
