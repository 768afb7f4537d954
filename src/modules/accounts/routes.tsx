import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseInput, submittedValues } from '../../domain/fields.ts';
import { DURATIONS } from '../../domain/limits.ts';
import { emptyForm } from '../../web/components/forms.tsx';
import { MessagePage } from '../../web/components/MessagePage.tsx';
import { m } from '../../web/i18n/index.ts';
import {
  logInInput,
  profileInput,
  resetPasswordInput,
  resetRequestInput,
  signUpInput,
  tokenQuery,
} from './schemas.ts';
import type { LinkBuilder } from './service.ts';
import { AccountPage, LogInPage, ResetPasswordPage, ResetRequestPage, SignUpPage } from './views/pages.tsx';

/** Sign-up, verification, sign-in/out, password reset and profile pages (French URLs). */
export async function accountsRoutes(app: FastifyInstance) {
  const { accounts, territories, env, cookies } = app.platform;

  const links = (req: FastifyRequest): LinkBuilder => {
    const base = env.PUBLIC_URL ?? `${req.protocol}://${req.host}`;
    return {
      verify: (token) => `${base}/compte/verifier?jeton=${token}`,
      reset: (token) => `${base}/mot-de-passe/nouveau?jeton=${token}`,
      login: () => `${base}/connexion`,
      resetRequest: () => `${base}/mot-de-passe-oublie`,
    };
  };
  const requireViewer = (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.viewer) {
      void reply.seeOther('/connexion');
      return null;
    }
    return req.viewer;
  };

  app.get('/inscription', async (req, reply) => {
    if (req.viewer) return reply.seeOther('/compte');
    const areas = await territories.areas(req.territory.id);
    return reply.html(SignUpPage({ page: reply.page(), form: emptyForm(), areas }));
  });

  app.post('/inscription', async (req, reply) => {
    const parsed = parseInput(signUpInput, req.body);
    const result = parsed.ok ? await accounts.signUp(req.ctx(), parsed.value, links(req)) : parsed;
    if (!result.ok) {
      const areas = await territories.areas(req.territory.id);
      const form = { errors: result.errors, values: submittedValues(req.body) };
      return reply.html(SignUpPage({ page: reply.page(), form, areas }), 422);
    }
    return reply.seeOther('/inscription/verifiez');
  });

  app.get('/inscription/verifiez', async (_req, reply) =>
    reply.html(
      MessagePage({ page: reply.page(), title: m('signup.checkMailTitle'), text: m('signup.checkMailText') }),
    ),
  );

  app.get('/compte/verifier', async (req, reply) => {
    const query = parseInput(tokenQuery, req.query);
    const verified = query.ok && (await accounts.verifyEmail(req.ctx(), query.value.jeton));
    if (!verified)
      return reply.html(
        MessagePage({ page: reply.page(), title: m('verify.failedTitle'), text: m('errors.tokenInvalid') }),
        400,
      );
    return reply.html(
      MessagePage({
        page: reply.page(),
        title: m('verify.successTitle'),
        text: m('verify.successText'),
        children: (
          <p>
            <a class="button" href={req.viewer ? '/compte' : '/connexion'}>
              {req.viewer ? m('layout.myAccount') : m('layout.signIn')}
            </a>
          </p>
        ),
      }),
    );
  });

  app.post('/compte/renvoyer-confirmation', async (req, reply) => {
    const viewer = requireViewer(req, reply);
    if (!viewer) return reply;
    await accounts.resendVerification(req.ctx(), viewer.accountId, links(req));
    return reply.seeOther('/compte', 'verify.resent');
  });

  app.get('/connexion', async (req, reply) => {
    if (req.viewer) return reply.seeOther('/compte');
    return reply.html(LogInPage({ page: reply.page(), form: emptyForm() }));
  });

  app.post('/connexion', async (req, reply) => {
    const parsed = parseInput(logInInput, req.body);
    const result = parsed.ok
      ? await accounts.logIn(req.ctx(), parsed.value, { userAgent: req.headers['user-agent'] ?? null })
      : parsed;
    if (!result.ok) {
      const values = parsed.ok ? { email: parsed.value.email } : { email: parsed.values.email ?? '' };
      const status = result.errors.email?.key === 'errors.throttled' ? 429 : 422;
      return reply.html(LogInPage({ page: reply.page(), form: { errors: result.errors, values } }), status);
    }
    // A session opened by someone else before sign-in must not survive it.
    if (req.viewer) await accounts.logOut(req.ctx(), req.viewer);
    reply.setCookie(cookies.session, result.value.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: cookies.secure,
      maxAge: DURATIONS.sessionDays * 86400,
    });
    return reply.seeOther('/', 'login.success');
  });

  app.post('/deconnexion', async (req, reply) => {
    if (req.viewer) await accounts.logOut(req.ctx(), req.viewer);
    reply.clearCookie(cookies.session, {
      path: '/',
      secure: cookies.secure,
      httpOnly: true,
      sameSite: 'lax',
    });
    return reply.seeOther('/', 'logout.done');
  });

  app.get('/mot-de-passe-oublie', async (_req, reply) =>
    reply.html(ResetRequestPage({ page: reply.page(), form: emptyForm() })),
  );

  app.post('/mot-de-passe-oublie', async (req, reply) => {
    const parsed = parseInput(resetRequestInput, req.body);
    if (!parsed.ok) return reply.html(ResetRequestPage({ page: reply.page(), form: parsed }), 422);
    await accounts.requestPasswordReset(req.ctx(), parsed.value.email, links(req));
    return reply.seeOther('/mot-de-passe-oublie/envoye');
  });

  app.get('/mot-de-passe-oublie/envoye', async (_req, reply) =>
    reply.html(
      MessagePage({ page: reply.page(), title: m('reset.requestTitle'), text: m('reset.requestSent') }),
    ),
  );

  app.get('/mot-de-passe/nouveau', async (req, reply) => {
    const query = parseInput(tokenQuery, req.query);
    const token = query.ok ? query.value.jeton : '';
    if (!(await accounts.isResetTokenValid(token)))
      return reply.html(
        MessagePage({ page: reply.page(), title: m('verify.failedTitle'), text: m('errors.tokenInvalid') }),
        400,
      );
    return reply.html(ResetPasswordPage({ page: reply.page(), form: emptyForm(), token }));
  });

  app.post('/mot-de-passe/nouveau', async (req, reply) => {
    const parsed = parseInput(resetPasswordInput, req.body);
    if (!parsed.ok) {
      const token = typeof parsed.values.token === 'string' ? parsed.values.token : '';
      return reply.html(ResetPasswordPage({ page: reply.page(), form: parsed, token }), 422);
    }
    const result = await accounts.resetPassword(req.ctx(), parsed.value.token, parsed.value.password);
    if (!result.ok)
      return reply.html(
        MessagePage({ page: reply.page(), title: m('verify.failedTitle'), text: m('errors.tokenInvalid') }),
        400,
      );
    return reply.seeOther('/connexion', 'reset.done');
  });

  app.get('/compte', async (req, reply) => {
    const viewer = requireViewer(req, reply);
    if (!viewer) return reply;
    const [profile, areas] = await Promise.all([
      accounts.profile(req.territory.id, viewer.accountId),
      territories.areas(req.territory.id),
    ]);
    if (!profile) return reply.seeOther('/connexion');
    const form = emptyForm({
      displayName: profile.displayName,
      phone: profile.phone ?? '',
      homeAreaId: profile.homeAreaId ?? '',
    });
    return reply.html(
      AccountPage({ page: reply.page(), form, email: profile.email, roles: profile.roles, areas }),
    );
  });

  app.post('/compte', async (req, reply) => {
    const viewer = requireViewer(req, reply);
    if (!viewer) return reply;
    const parsed = parseInput(profileInput, req.body);
    const result = parsed.ok
      ? await accounts.updateProfile(req.ctx(), viewer.accountId, parsed.value)
      : parsed;
    if (!result.ok) {
      const [profile, areas] = await Promise.all([
        accounts.profile(req.territory.id, viewer.accountId),
        territories.areas(req.territory.id),
      ]);
      return reply.html(
        AccountPage({
          page: reply.page(),
          form: { errors: result.errors, values: submittedValues(req.body) },
          email: profile?.email ?? '',
          roles: profile?.roles ?? [],
          areas,
        }),
        422,
      );
    }
    return reply.seeOther('/compte', 'account.saved');
  });

  app.get('/api/v1/me', async (req, reply) => {
    if (!req.viewer)
      return reply.code(401).send({ error: 'unauthenticated', message: m('errors.signInRequired') });
    const profile = await accounts.profile(req.territory.id, req.viewer.accountId);
    return {
      displayName: profile?.displayName,
      roles: profile?.roles,
      emailVerified: req.viewer.emailVerified,
    };
  });
}
