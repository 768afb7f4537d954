import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { isProduction, type Env } from './config/env.ts';
import type { Database } from './db/client.ts';
import type { TerritoryRow } from './modules/territory/service.ts';
import { LIMITS } from './domain/limits.ts';
import { accountsRoutes } from './modules/accounts/routes.tsx';
import { AccountService, type Viewer } from './modules/accounts/service.ts';
import { devMailRoutes } from './modules/devmail/routes.tsx';
import { docsRoutes } from './modules/docs/routes.tsx';
import { missionsApiRoutes } from './modules/missions/api.ts';
import { missionsRoutes } from './modules/missions/routes.tsx';
import { MissionService } from './modules/missions/service.ts';
import { VolunteerService } from './modules/missions/volunteers.ts';
import { organizationsRoutes } from './modules/organizations/routes.tsx';
import { OrganizationService } from './modules/organizations/service.ts';
import { Places } from './modules/territory/places.ts';
import { casesApiRoutes } from './modules/cases/api.ts';
import { casesRoutes } from './modules/cases/routes.tsx';
import { CaseService } from './modules/cases/service.ts';
import { conversationsApiRoutes } from './modules/conversations/api.ts';
import { conversationsRoutes } from './modules/conversations/routes.tsx';
import { ConversationService } from './modules/conversations/service.ts';
import { postsApiRoutes } from './modules/posts/api.ts';
import { mapRoutes } from './modules/posts/map.tsx';
import { postsRoutes } from './modules/posts/routes.tsx';
import { PostService } from './modules/posts/service.ts';
import { territoryRoutes } from './modules/territory/routes.ts';
import { TerritoryService, themeVersion } from './modules/territory/service.ts';
import { Assets } from './platform/assets.ts';
import type { Ctx } from './platform/context.ts';
import { Csrf } from './platform/csrf.ts';
import { createBanGeocoder, createOfflineGeocoder, type Geocoder } from './platform/geocoder.ts';
import { Jobs } from './platform/jobs.ts';
import { LiveHub } from './platform/live.ts';
import { Signer } from './platform/signed-token.ts';
import { registerOpenApi } from './platform/openapi.ts';
import { devMailboxTransport, Outbox, smtpTransport, type MailTransport } from './platform/mail.ts';
import { ErrorPage, serverErrorText } from './web/components/ErrorPage.tsx';
import { isMessageKey, t, type MessageKey } from './web/i18n/index.ts';
import type { PageContext } from './web/page.ts';

/** Everything the routes use, built once per app instance. */
export interface Platform {
  env: Env;
  database: Database;
  assets: Assets;
  csrf: Csrf;
  jobs: Jobs;
  outbox: Outbox;
  mailTransport: MailTransport;
  geocoder: Geocoder;
  territories: TerritoryService;
  accounts: AccountService;
  posts: PostService;
  organizations: OrganizationService;
  missions: MissionService;
  volunteers: VolunteerService;
  conversations: ConversationService;
  live: LiveHub;
  cases: CaseService;
  cookies: { session: string; flash: string; secure: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
  interface FastifyRequest {
    territory: TerritoryRow;
    viewer: Viewer | null;
    /** The write context of this request (actor, IP, request id). */
    ctx(): Ctx;
  }
  interface FastifyReply {
    /** What the layout needs; also makes sure the CSRF cookie exists. */
    page(): PageContext;
    /** Sends a rendered page with the doctype. */
    html(body: string | Promise<string>, status?: number): FastifyReply;
    /** Redirects after a POST (303), optionally with a one-time message for the next page. */
    seeOther(url: string, flash?: MessageKey): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Static files and probes: no territory, no session, no CSRF. */
    bare?: boolean;
    /** A POST authenticated by a signed token of its own instead of the CSRF token (RFC 8058). */
    noCsrf?: boolean;
  }
}

export interface BuildOptions {
  env: Env;
  database: Database;
  /** Start pg-boss workers (off in most tests: mail is then delivered right after commit). */
  startJobs?: boolean;
  /** Replaces the mail transport (tests). */
  mailTransport?: MailTransport;
  /** Replaces `fetch` for outside services (tests pass a double; the network is never used). */
  fetch?: typeof fetch;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the Fastify application: core plugins, hooks, then each module's routes. */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { env, database } = opts;
  const production = isProduction(env);
  const app = Fastify({
    logger:
      env.LOG_LEVEL === 'silent'
        ? false
        : { level: env.LOG_LEVEL, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: env.TRUST_PROXY,
    bodyLimit: LIMITS.bodyBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    // A malformed or oversized URL is refused by the router before any hook runs: answer in French.
    frameworkErrors: (error, _req, reply: FastifyReply) => {
      const status = error.statusCode ?? 400;
      return status < 500
        ? reply.code(status).send({ error: 'bad_request', message: t('errors.badRequest') })
        : reply.code(status).send({ error: 'server_error', message: t('error.serverTitle') });
    },
  });
  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);

  const assets = new Assets();
  await assets.buildAll();
  const territories = new TerritoryService(database.db, env.DEFAULT_TERRITORY);
  const jobs = new Jobs(database, log);
  const mailTransport =
    opts.mailTransport ??
    (env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.MAIL_FROM) : devMailboxTransport(database.db));
  if (production && mailTransport.kind === 'dev')
    app.log.warn('SMTP_URL absent : aucun e-mail ne sera envoyé');
  // Without workers (tests, CLI), delivery runs right after the commit instead of in a job.
  const outbox: Outbox = new Outbox(
    database.db,
    mailTransport,
    async () => {
      if (jobs.started) await jobs.kickOutbox();
      else await outbox.deliverPending();
    },
    log,
  );
  const offline = createOfflineGeocoder((territoryId) => territories.areas(territoryId));
  const geocoder =
    env.GEOCODER === 'ban'
      ? createBanGeocoder({ baseUrl: env.BAN_API_URL, fetch: opts.fetch ?? fetch, fallback: offline })
      : offline;
  const organizations = new OrganizationService({ db: database.db, territories, geocoder, outbox });
  const missions = new MissionService({ db: database.db, territories, geocoder, outbox, organizations });
  const posts = new PostService({ db: database.db, territories, geocoder, outbox });
  const publicUrl = env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
  const platform: Platform = {
    env,
    database,
    assets,
    csrf: new Csrf(env.SESSION_SECRET, production ? '__Host-mf_csrf' : 'mf_csrf'),
    jobs,
    outbox,
    mailTransport,
    geocoder,
    territories,
    accounts: new AccountService({ db: database.db, outbox, territories, log }),
    organizations,
    missions,
    volunteers: new VolunteerService({
      db: database.db,
      places: new Places({ territories, geocoder }),
      organizations,
    }),
    posts,
    conversations: new ConversationService({
      db: database.db,
      outbox,
      territories,
      posts,
      signer: new Signer(env.SESSION_SECRET),
      publicUrl,
    }),
    live: new LiveHub(database, log),
    cases: new CaseService({
      db: database.db,
      territories,
      places: new Places({ territories, geocoder }),
      outbox,
      posts,
      publicUrl,
    }),
    cookies: {
      session: production ? '__Host-mf_session' : 'mf_session',
      flash: 'mf_flash',
      secure: production,
    },
  };
  // Each application to a mission has its conversation between the volunteer and the structure.
  missions.conversations = platform.conversations;
  platform.cases.conversations = platform.conversations;
  app.decorate('platform', platform);

  await app.register(fastifyCookie, { secret: env.SESSION_SECRET });
  await app.register(fastifyFormbody, { bodyLimit: LIMITS.bodyBytes, parser: parseForm });
  // Forms are urlencoded and the API speaks JSON: plain text is refused (415) rather than ignored.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyHelmet, {
    // The CSP depends on the territory's tile server, so it is set per request below.
    contentSecurityPolicy: false,
    strictTransportSecurity: production,
    crossOriginEmbedderPolicy: false,
  });

  app.decorateRequest('territory', null as unknown as TerritoryRow);
  app.decorateRequest('viewer', null);
  app.decorateRequest('ctx', function (this: FastifyRequest): Ctx {
    return {
      territoryId: this.territory.id,
      actor: this.viewer ? { accountId: this.viewer.accountId, roles: this.viewer.roles } : null,
      onBehalfOf: null,
      ip: this.ip ?? null,
      requestId: String(this.id),
    };
  });
  app.decorateReply('page', function (this: FastifyReply): PageContext {
    return buildPageContext(this.request, this);
  });
  app.decorateReply('html', function (this: FastifyReply, body: string | Promise<string>, status = 200) {
    this.code(status).type('text/html; charset=utf-8');
    if (typeof body === 'string') return this.send(`<!doctype html>${body}`);
    // Returning the reply from an async handler makes Fastify wait for this later send.
    body.then(
      (b) => this.send(`<!doctype html>${b}`),
      (err: unknown) => this.send(err),
    );
    return this;
  });
  app.decorateReply('seeOther', function (this: FastifyReply, url: string, flash?: MessageKey) {
    if (flash)
      this.setCookie(platform.cookies.flash, flash, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: platform.cookies.secure,
      });
    return this.redirect(url, 303);
  });

  function buildPageContext(req: FastifyRequest, reply: FastifyReply): PageContext {
    const cookies = req.cookies;
    let seed = cookies[platform.csrf.cookieName];
    if (!seed) {
      seed = platform.csrf.newSeed();
      reply.setCookie(platform.csrf.cookieName, seed, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: platform.cookies.secure,
      });
      cookies[platform.csrf.cookieName] = seed;
    }
    let flash: string | null = null;
    const rawFlash = cookies[platform.cookies.flash];
    if (rawFlash) {
      const unsigned = req.unsignCookie(rawFlash);
      // Only catalogue keys are accepted, so the cookie can never carry text of its own.
      if (unsigned.valid && unsigned.value && isMessageKey(unsigned.value)) flash = t(unsigned.value);
      reply.clearCookie(platform.cookies.flash, { path: '/' });
    }
    const territory = req.territory;
    const themeUrl = `/theme/${territory.slug}.${themeVersion(territory)}.css`;
    return {
      territory: {
        slug: territory.slug,
        name: territory.name,
        helplinePhone: territory.helplinePhone,
        helplineHours: territory.helplineHours,
      },
      viewer: req.viewer
        ? {
            accountId: req.viewer.accountId,
            displayName: req.viewer.displayName,
            roles: req.viewer.roles,
            emailVerified: req.viewer.emailVerified,
            unread: req.viewer.unreadConversations,
          }
        : null,
      csrfToken: seed ? platform.csrf.tokenFor(seed) : '',
      assets: { css: assets.url('app.css'), js: assets.url('app.js'), theme: themeUrl },
      flash,
      demo: env.MAIN_FORTE_MODE === 'demo',
      devMailbox: !production && mailTransport.kind === 'dev',
      path: req.url.split('?')[0] ?? '/',
    };
  }

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (req.routeOptions.config?.bare) return;
    const territory = await territories.resolve(req.headers.host);
    if (!territory) {
      reply.code(503).type('text/plain; charset=utf-8');
      return reply.send('Aucun territoire n’est configuré. Lancez « npm run cli -- seed-demo ».');
    }
    req.territory = territory;
    reply.header('content-security-policy', contentSecurityPolicy(territory.tileUrl));
  });

  app.addHook('preHandler', async (req, reply) => {
    if (req.routeOptions.config?.bare || !req.territory) return;
    req.viewer = await platform.accounts.viewerFromSession(
      req.territory.id,
      req.cookies[platform.cookies.session],
    );
    if (UNSAFE_METHODS.has(req.method) && !req.routeOptions.config?.noCsrf && !csrfOk(req)) {
      const api = req.url.startsWith('/api/');
      reply.code(403);
      if (api) return reply.send({ error: 'csrf', message: t('errors.csrf') });
      return reply.html(
        ErrorPage({ page: reply.page(), title: 'error.forbiddenTitle', text: t('errors.csrf') }),
        403,
      );
    }
  });

  function csrfOk(req: FastifyRequest): boolean {
    // Another site's page may post here; browsers say where it came from, and it must be us.
    const origin = req.headers.origin;
    if (origin && origin !== 'null') {
      try {
        if (new URL(origin).host !== req.headers.host) return false;
      } catch {
        return false;
      }
    }
    const body = req.body as Record<string, unknown> | undefined;
    const token = req.headers['x-csrf-token'] ?? (body && typeof body === 'object' ? body._csrf : undefined);
    return platform.csrf.verify(req.cookies[platform.csrf.cookieName], token);
  }

  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        url: req.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith('/api/') || !req.territory)
      return reply.code(404).send({ error: 'not_found', message: t('error.notFoundText') });
    return reply.html(
      ErrorPage({ page: reply.page(), title: 'error.notFoundTitle', text: t('error.notFoundText') }),
      404,
    );
  });

  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) req.log.error({ err: error }, 'unhandled error');
    const message =
      status === 413
        ? t('errors.bodyTooLarge')
        : status === 415
          ? t('errors.unsupportedMedia')
          : status === 500
            ? null
            : t('errors.badRequest');
    if (req.url.startsWith('/api/') || !req.territory) {
      return reply.code(status).send({
        error: status === 500 ? 'server_error' : 'bad_request',
        message: message ?? t('error.serverTitle'),
        requestId: req.id,
      });
    }
    const page = reply.page();
    return reply.html(
      ErrorPage({
        page,
        title: status === 500 ? 'error.serverTitle' : 'error.badRequestTitle',
        text: message ?? serverErrorText(page),
        requestId: status === 500 ? String(req.id) : undefined,
      }),
      status,
    );
  });

  // Before any route: the OpenAPI document is generated from the routes registered after it.
  await registerOpenApi(app);

  app.get('/healthz', { config: { bare: true } }, async (_req, reply) => {
    const up = await database.ping(2000).catch(() => false);
    return reply
      .code(up ? 200 : 503)
      .send({ status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' });
  });

  app.get('/assets/*', { config: { bare: true } }, async (req, reply) => {
    const asset = assets.get(req.url.split('?')[0] ?? '');
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send(t('error.notFoundText'));
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(asset.contentType)
      .send(asset.body);
  });

  await app.register(territoryRoutes);
  await app.register(accountsRoutes);
  await app.register(postsRoutes);
  await app.register(postsApiRoutes);
  await app.register(mapRoutes);
  await app.register(organizationsRoutes);
  await app.register(missionsRoutes);
  await app.register(missionsApiRoutes);
  await app.register(conversationsRoutes);
  await app.register(conversationsApiRoutes);
  await app.register(casesRoutes);
  await app.register(casesApiRoutes);
  await app.register(docsRoutes);
  if (!production) await app.register(devMailRoutes);

  app.addHook('onClose', async () => {
    await jobs.stop();
    await platform.live.close();
  });
  if (opts.startJobs)
    await jobs.start(
      () => outbox.deliverPending(),
      [
        {
          // Every hour: expire posts whose date passed, remind authors three days before.
          name: 'posts-expiry',
          cron: '7 * * * *',
          run: () => platform.posts.expireAndRemind({ mine: `${publicUrl}/mes-annonces` }),
        },
        {
          // Every minute: one mail per conversation left unread (throttled to one per 15 minutes).
          name: 'messages-notify',
          cron: '* * * * *',
          run: () => platform.conversations.notifyUnread(),
        },
        {
          // Every five minutes: offers of cases left unanswered past their delay go back to the queue.
          name: 'cases-escalate',
          cron: '*/5 * * * *',
          run: () => platform.cases.escalate(),
        },
        {
          // Every evening: the digest of unread messages for members who chose it.
          name: 'messages-digest',
          cron: '0 18 * * *',
          run: () => platform.conversations.sendDigests(),
        },
      ],
    );
  return app;
}

/**
 * Parses a urlencoded body as browsers and the URL standard do: an invalid UTF-8 sequence becomes
 * U+FFFD, which the field rules refuse (errors.encoding), instead of being kept as literal « %FF ».
 * A repeated key gives an array; the object has no prototype.
 */
function parseForm(body: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    const previous = form[key];
    form[key] = previous === undefined ? value : [previous, value].flat();
  }
  return form;
}

/** Only this site's own scripts and styles; map tiles from the territory's tile server. */
function contentSecurityPolicy(tileUrl: string): string {
  let tiles: string;
  try {
    const u = new URL(tileUrl.replace(/\{[a-z]\}/g, 'a'));
    tiles = ` ${u.protocol}//${u.host.replace(/^a\./, '*.')}`;
  } catch {
    tiles = '';
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tiles}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
