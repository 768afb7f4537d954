import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../../platform/openapi.ts';
import { ApiDocsPage } from './ApiDocs.tsx';

/** `/api/docs`: the OpenAPI document as a readable French page. */
export async function docsRoutes(app: FastifyInstance) {
  const { cookies, csrf } = app.platform;

  // An HTML page: not part of the API it documents.
  app.get('/api/docs', { schema: { hide: true } }, async (req, reply) =>
    reply.html(
      ApiDocsPage({
        page: reply.page(),
        doc: openApiDocument(app, req),
        cookies: { session: cookies.session, csrf: csrf.cookieName },
      }),
    ),
  );
}
