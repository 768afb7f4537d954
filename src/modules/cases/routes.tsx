import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formValues, isUuid, parseInput, submittedValues } from '../../domain/fields.ts';
import { emptyForm, type FormState } from '../../web/components/forms.tsx';
import {
  callbackInput,
  casePostInput,
  closeInput,
  decisionInput,
  duplicateQuery,
  eventInput,
  intakeInput,
  onlineRequestInput,
  progressInput,
  queueQuery,
  routeInput,
  skillInput,
  stepInput,
  withdrawInput,
} from './schemas.ts';
import {
  ApiTokensPage,
  AssigneeCasePage,
  CasePage,
  CasePostPage,
  CaseSheetPage,
  DuplicateNotice,
  InboxPage,
  IntakePage,
  OnlineRequestPage,
  OnlineThanksPage,
  QueuePage,
} from './views/pages.tsx';
import { SkillsToVerifyPage } from './views/skills.tsx';

type IdParams = { Params: { id: string } };

/**
 * The call centre's pages (« Numéro unique », `/console`), the online request form, and
 * « Demandes confiées » for structures and volunteers. Staff pages answer 404 to anyone else.
 */
export async function casesRoutes(app: FastifyInstance) {
  const { cases } = app.platform;

  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.viewer) return req.viewer;
    void reply.seeOther('/connexion');
    return null;
  };
  /** Staff of the call centre, or a 404 (members must not learn the console exists). */
  const staff = (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return null;
    if (!cases.isStaff(req.ctx().actor)) {
      void reply.callNotFound();
      return null;
    }
    return viewer;
  };

  app.get('/console', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const parsed = parseInput(queueQuery, req.query);
    const query = parsed.ok ? parsed.value : { urgence: '', statut: '', commune: '', tri: '' };
    const queue = await cases.queue(req.ctx(), query as never);
    if (!queue) return reply.callNotFound();
    return reply.html(
      QueuePage({ page: reply.page(), queue, filters: parsed.ok ? (query as Record<string, string>) : {} }),
    );
  });

  // Health skills declared by volunteers, confirmed by an operator (or by a structure they applied to).
  app.get('/console/competences', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const list = await app.platform.volunteers.skillsToVerify(req.ctx());
    if (!list) return reply.callNotFound();
    return reply.html(SkillsToVerifyPage({ page: reply.page(), list }));
  });

  app.post('/console/competences', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const body = submittedValues(req.body);
    const [accountId, skillId] = [body.accountId ?? '', body.skillId ?? ''];
    if (!isUuid(accountId) || !isUuid(skillId)) return reply.callNotFound();
    const result = await app.platform.volunteers.verifySkill(
      req.ctx(),
      accountId.toLowerCase(),
      skillId.toLowerCase(),
      null,
    );
    if (!result.ok) return reply.callNotFound();
    return reply.seeOther('/console/competences', 'skills.verifiedFlash');
  });

  const renderIntake = async (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) => {
    const { categories, areas } = await app.platform.posts.formOptions(req.territory.id);
    const v = form.values;
    const duplicates =
      status === 422 && v.known !== 'new'
        ? await cases.duplicates(req.territory.id, {
            phone: v.phone ?? '',
            lastName: v.lastName ?? '',
            commune: v.commune ?? '',
          })
        : [];
    return reply.html(IntakePage({ page: reply.page(), form, categories, areas, duplicates }), status);
  };

  app.get('/console/appel', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return renderIntake(req, reply, emptyForm({ callerKind: 'self' }));
  });

  app.post('/console/appel', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const parsed = parseInput(intakeInput, req.body);
    const result = parsed.ok ? await cases.intake(req.ctx(), parsed.value) : parsed;
    if (!result.ok)
      return renderIntake(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    return reply.seeOther(`/console/dossiers/${result.value.id}`, 'flash.caseCreated');
  });

  // « Déjà connu » while typing: the intake form's script asks for this fragment.
  app.get('/console/doublons', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const parsed = parseInput(duplicateQuery, req.query);
    if (!parsed.ok) return reply.code(400).type('text/html; charset=utf-8').send('');
    const duplicates = await cases.duplicates(req.territory.id, parsed.value);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await DuplicateNotice({ duplicates, choose: true }));
  });

  const renderCase = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    forms: Parameters<typeof CasePage>[0]['forms'] = {},
    status = 200,
  ) => {
    if (!isUuid(id)) return reply.callNotFound();
    const ctx = req.ctx();
    const file = await cases.view(ctx, id);
    if (!file) return reply.callNotFound();
    const [suggestions, skills] = await Promise.all([
      cases.suggestions(ctx, id),
      app.platform.missions.skills(req.territory.id),
    ]);
    return reply.html(
      CasePage({
        page: reply.page(),
        file,
        suggestions: suggestions ?? { organizations: [], volunteers: [] },
        skills,
        forms,
      }),
      status,
    );
  };

  app.get<IdParams>('/console/dossiers/:id', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return renderCase(req, reply, req.params.id);
  });

  app.get<IdParams>('/console/dossiers/:id/fiche', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    if (!isUuid(req.params.id)) return reply.callNotFound();
    const file = await cases.view(req.ctx(), req.params.id, { purpose: 'print' });
    if (!file) return reply.callNotFound();
    return reply.html(CaseSheetPage({ page: reply.page(), file }));
  });

  /** A POST on a case: parse, act, then back to the case (or the case again with the form's errors). */
  const caseAction = <S extends Parameters<typeof parseInput>[0]>(
    path: string,
    schema: S,
    formName: 'event' | 'callback' | 'close' | 'route' | 'skill' | null,
    act: (
      req: FastifyRequest<IdParams>,
      value: never,
    ) => Promise<{ ok: true } | { ok: false; errors: FormState['errors'] }>,
    flash: Parameters<FastifyReply['seeOther']>[1],
  ) =>
    app.post<IdParams>(`/console/dossiers/:id/${path}`, async (req, reply) => {
      if (!staff(req, reply)) return reply;
      if (!isUuid(req.params.id)) return reply.callNotFound();
      const parsed = parseInput(schema, req.body);
      const result = parsed.ok ? await act(req, parsed.value as never) : parsed;
      if (!result.ok) {
        if (result.errors._form?.key === 'errors.notAllowed') return reply.callNotFound();
        const form = { errors: result.errors, values: formValues(req.body) };
        return renderCase(req, reply, req.params.id, formName ? { [formName]: form } : {}, 422);
      }
      return reply.seeOther(`/console/dossiers/${req.params.id}`, flash);
    });

  caseAction(
    'evenements',
    eventInput,
    'event',
    (req, v) => cases.addEvent(req.ctx(), req.params.id, v),
    'flash.caseEvent',
  );
  caseAction(
    'rappel',
    callbackInput,
    'callback',
    (req, v) => cases.setCallback(req.ctx(), req.params.id, v),
    'flash.caseCallback',
  );
  caseAction(
    'cloture',
    closeInput,
    'close',
    (req, v) => cases.close(req.ctx(), req.params.id, v),
    'flash.caseClosed',
  );
  caseAction(
    'orienter',
    routeInput,
    'route',
    (req, v: { organizationId: string; volunteerId: string }) =>
      cases.route(req.ctx(), req.params.id, {
        organizationId: v.organizationId || undefined,
        volunteerId: v.volunteerId || undefined,
      }),
    'flash.caseRouted',
  );
  caseAction(
    'competence',
    skillInput,
    'skill',
    (req, v: { skillId: string | null }) => cases.setSkill(req.ctx(), req.params.id, v.skillId),
    'flash.caseUpdated',
  );
  caseAction(
    'etape',
    stepInput,
    null,
    (req, v: { step: 'qualify' | 'start' | 'take' }) => cases.step(req.ctx(), req.params.id, v.step),
    'flash.caseUpdated',
  );
  caseAction(
    'retirer',
    withdrawInput,
    'route',
    (req, v: { assignmentId: string | null }) =>
      v.assignmentId
        ? cases.withdraw(req.ctx(), req.params.id, v.assignmentId)
        : Promise.resolve({ ok: false as const, errors: { _form: { key: 'errors.notAllowed' } } }),
    'flash.caseUpdated',
  );

  const renderPost = (
    reply: FastifyReply,
    row: { id: string; number: number; areaName: string },
    form: FormState,
    status = 200,
  ) =>
    reply.html(
      CasePostPage({ page: reply.page(), caseId: row.id, number: row.number, areaName: row.areaName, form }),
      status,
    );

  app.get<IdParams>('/console/dossiers/:id/annonce', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    if (!isUuid(req.params.id)) return reply.callNotFound();
    const draft = await cases.postDraft(req.ctx(), req.params.id);
    if (!draft) return reply.callNotFound();
    return renderPost(reply, draft.row, emptyForm({ title: draft.title, description: draft.description }));
  });

  app.post<IdParams>('/console/dossiers/:id/annonce', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    if (!isUuid(req.params.id)) return reply.callNotFound();
    const draft = await cases.postDraft(req.ctx(), req.params.id);
    if (!draft) return reply.callNotFound();
    const parsed = parseInput(casePostInput, req.body);
    const result = parsed.ok ? await cases.publishPost(req.ctx(), req.params.id, parsed.value) : parsed;
    if (!result.ok)
      return renderPost(reply, draft.row, { errors: result.errors, values: formValues(req.body) }, 422);
    return reply.seeOther(`/console/dossiers/${req.params.id}`, 'flash.casePostPublished');
  });

  // ---------------------------------------------------------------------------------------------
  // The online request form (no account)

  const renderOnline = async (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) => {
    const categories = await app.platform.territories.categories(req.territory.id);
    return reply.html(OnlineRequestPage({ page: reply.page(), form, categories }), status);
  };

  app.get('/demander-de-l-aide', async (req, reply) => renderOnline(req, reply, emptyForm()));

  app.post('/demander-de-l-aide', async (req, reply) => {
    const parsed = parseInput(onlineRequestInput, req.body);
    // A robot filled the hidden field: it is told all went well, and nothing is written.
    if (parsed.ok && parsed.value.siteWeb) return reply.seeOther('/demander-de-l-aide/merci');
    const result = parsed.ok ? await cases.submitOnline(req.ctx(), parsed.value) : parsed;
    if (!result.ok)
      return renderOnline(
        req,
        reply,
        { errors: result.errors, values: formValues(req.body) },
        result.errors._form?.key === 'errors.caseRateLimited' ? 429 : 422,
      );
    return reply.seeOther('/demander-de-l-aide/merci');
  });

  app.get('/demander-de-l-aide/merci', async (_req, reply) =>
    reply.html(OnlineThanksPage({ page: reply.page() })),
  );

  // ---------------------------------------------------------------------------------------------
  // « Demandes confiées »: structures and volunteers

  app.get('/demandes-confiees', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const rows = await cases.inbox(req.ctx());
    return reply.html(InboxPage({ page: reply.page(), rows }));
  });

  const renderAssignee = async (
    req: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: FormState,
    status = 200,
  ) => {
    if (!isUuid(req.params.id)) return reply.callNotFound();
    const view = await cases.assigneeView(req.ctx(), req.params.id);
    if (!view) return reply.callNotFound();
    return reply.html(AssigneeCasePage({ page: reply.page(), view, form }), status);
  };

  app.get<IdParams>('/demandes-confiees/:id', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return renderAssignee(req, reply, emptyForm());
  });

  /** A POST of the assignee on a case: parse, act, then where `next` says (or the page again with errors). */
  const assigneeAction = <S extends Parameters<typeof parseInput>[0]>(
    path: string,
    schema: S,
    act: (
      req: FastifyRequest<IdParams>,
      value: never,
    ) => Promise<{ ok: true } | { ok: false; errors: FormState['errors'] }>,
    next: (id: string, value: never) => Parameters<FastifyReply['seeOther']>,
  ) =>
    app.post<IdParams>(`/demandes-confiees/:id/${path}`, async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      if (!isUuid(req.params.id)) return reply.callNotFound();
      const failed = (errors: FormState['errors']) =>
        errors._form?.key === 'errors.notAllowed'
          ? reply.callNotFound()
          : renderAssignee(req, reply, { errors, values: formValues(req.body) }, 422);
      const parsed = parseInput(schema, req.body);
      if (!parsed.ok) return failed(parsed.errors);
      const result = await act(req, parsed.value as never);
      if (!result.ok) return failed(result.errors);
      return reply.seeOther(...next(req.params.id, parsed.value as never));
    });

  assigneeAction(
    'reponse',
    decisionInput,
    (req, v: { decision: string; reason: string }) =>
      cases.decide(req.ctx(), req.params.id, v.decision as 'accept' | 'decline', v.reason),
    (id, v: { decision: string }) =>
      v.decision === 'decline'
        ? ['/demandes-confiees', 'flash.caseDeclined']
        : [`/demandes-confiees/${id}`, 'flash.caseAccepted'],
  );
  assigneeAction(
    'avancement',
    progressInput,
    (req, v: { progress: string; note: string }) =>
      cases.report(req.ctx(), req.params.id, v.progress as 'in_progress' | 'done', v.note),
    (id) => [`/demandes-confiees/${id}`, 'flash.caseUpdated'],
  );

  // ---------------------------------------------------------------------------------------------
  // A structure's API keys

  const managedOrg = async (req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return null;
    // The same slug rule as the structures' pages: anything else is no structure (and no query).
    if (!/^[a-z0-9-]{1,80}$/.test(req.params.slug)) {
      void reply.callNotFound();
      return null;
    }
    const managed = await app.platform.organizations.managed(
      req.territory.id,
      req.params.slug,
      req.ctx().actor,
    );
    if (!managed || !managed.row.validatedAt) {
      void reply.callNotFound();
      return null;
    }
    return managed.row;
  };

  app.get<{ Params: { slug: string } }>('/structures/:slug/api', async (req, reply) => {
    const org = await managedOrg(req, reply);
    if (!org) return reply;
    const tokens = await cases.tokens(org.id);
    return reply.html(ApiTokensPage({ page: reply.page(), organization: org, tokens, created: null }));
  });

  app.post<{ Params: { slug: string } }>('/structures/:slug/api', async (req, reply) => {
    const org = await managedOrg(req, reply);
    if (!org) return reply;
    const created = await cases.createToken(req.ctx(), org.id);
    if (!created.ok) return reply.callNotFound();
    const tokens = await cases.tokens(org.id);
    // Shown once, on this answer only (never stored in clear, never put in a URL).
    return reply
      .header('cache-control', 'no-store')
      .html(ApiTokensPage({ page: reply.page(), organization: org, tokens, created: created.value.token }));
  });

  app.post<{ Params: { slug: string; id: string } }>(
    '/structures/:slug/api/:id/revoquer',
    async (req, reply) => {
      const org = await managedOrg(req, reply);
      if (!org) return reply;
      if (!isUuid(req.params.id)) return reply.callNotFound();
      const done = await cases.revokeToken(req.ctx(), org.id, req.params.id);
      if (!done.ok) return reply.callNotFound();
      return reply.seeOther(`/structures/${org.slug}/api`, 'flash.apiTokenRevoked');
    },
  );
}
