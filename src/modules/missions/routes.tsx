import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeclineReason } from '../../db/schema.ts';
import { formValues, isUuid, parseInput, submittedValues } from '../../domain/fields.ts';
import { publicBase } from '../../platform/openapi.ts';
import { ErrorPage } from '../../web/components/ErrorPage.tsx';
import { emptyForm, type FormState } from '../../web/components/forms.tsx';
import { errorMessage, t } from '../../web/i18n/index.ts';
import { mapMessages } from '../posts/map.tsx';
import { inviteInput } from '../organizations/schemas.ts';
import {
  applyInput,
  bulkDecisionInput,
  decisionInput,
  missionDetailsInput,
  missionInput,
  missionSearchQuery,
  profileInput,
  type MissionSearchQuery,
} from './schemas.ts';
import {
  ApplicationsPage,
  DashboardPage,
  MissionFormPage,
  MissionListPage,
  MissionMapPage,
  MissionPage,
  MyApplicationsPage,
  MyOrganizationsPage,
  VolunteerProfilePage,
} from './views/pages.tsx';

type SlugParams = { Params: { slug: string } };
type IdParams = { Params: { id: string } };
const SLUG = /^[a-z0-9-]{1,80}$/;

/** Missions, applications, the structure's dashboard and the volunteer profile (French URLs). */
export async function missionsRoutes(app: FastifyInstance) {
  const { missions, organizations, volunteers } = app.platform;

  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.viewer) return req.viewer;
    void reply.seeOther('/connexion');
    return null;
  };
  const notFound = (reply: FastifyReply) => reply.callNotFound();
  const emptySearch = () =>
    (parseInput(missionSearchQuery, {}) as { ok: true; value: MissionSearchQuery }).value;

  app.get('/missions', async (req, reply) => {
    const parsed = parseInput(missionSearchQuery, req.query);
    const result = await missions.search(req.territory.id, parsed.ok ? parsed.value : emptySearch());
    const raw = submittedValues(req.query);
    const keep = Object.fromEntries(
      (['domaine', 'commune', 'pres', 'rayon', 'du', 'au', 'distance', 'tri'] as const)
        .filter((k) => raw[k])
        .map((k) => [k, raw[k]!.slice(0, 120)]),
    );
    return reply.html(MissionListPage({ page: reply.page(), result, raw: keep }));
  });

  app.get('/missions/carte', async (req, reply) => {
    const [result, outlines] = await Promise.all([
      missions.search(req.territory.id, emptySearch()),
      app.platform.territories.outlines(req.territory.id),
    ]);
    // The posts' map script, told that its points are missions.
    const messages = mapMessages({
      'posts.kind.offer': t('missions.mapKind'),
      'map.letterOffer': t('missions.mapLetter'),
      'map.openPost': t('missions.mapOpen'),
    });
    return reply.html(
      MissionMapPage({
        page: reply.page(),
        territory: req.territory,
        missions: result.missions,
        messages,
        urls: {
          js: app.platform.assets.url('map.js'),
          css: app.platform.assets.url('map.css'),
          areas: `/api/v1/areas.geojson?v=${outlines.version}`,
        },
      }),
    );
  });

  const renderMission = async (
    req: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: FormState,
    status = 200,
  ) => {
    const viewed = await missions.view(req.territory.id, req.params.id.toLowerCase(), req.ctx().actor);
    if (!viewed) return notFound(reply);
    return reply.html(
      MissionPage({
        page: reply.page(),
        mi: viewed.mission,
        slots: viewed.slots,
        team: viewed.team,
        mine: viewed.myApplications,
        form,
      }),
      status,
    );
  };

  app.get<IdParams>('/missions/:id', async (req, reply) => {
    if (!isUuid(req.params.id)) return notFound(reply);
    return renderMission(req, reply, emptyForm());
  });

  app.post<IdParams>('/missions/:id/candidature', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const id = req.params.id.toLowerCase();
    if (!(await missions.view(req.territory.id, id, req.ctx().actor))) return notFound(reply);
    const parsed = parseInput(applyInput, req.body);
    const result = parsed.ok
      ? await missions.apply(req.ctx(), id, parsed.value, publicBase(app, req))
      : parsed;
    if (!result.ok) {
      if (result.errors._form?.key === 'errors.notFound') return notFound(reply);
      return renderMission(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    }
    return reply.seeOther(
      `/missions/${id}`,
      result.value.status === 'waitlisted' ? 'applications.waitlisted' : 'applications.sent',
    );
  });

  for (const [path, how, flash] of [
    ['cloturer', 'close', 'missions.closed'],
    ['annuler', 'cancel', 'missions.cancelled'],
  ] as const)
    app.post<IdParams>(`/missions/:id/${path}`, async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      if (!isUuid(req.params.id)) return notFound(reply);
      const result = await missions.end(req.ctx(), req.params.id.toLowerCase(), how, publicBase(app, req));
      if (!result.ok) return notFound(reply);
      return reply.seeOther(`/missions/${req.params.id.toLowerCase()}`, flash);
    });

  const renderApplications = async (
    req: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: FormState,
    status = 200,
  ) => {
    const data = await missions.applicationsForTeam(
      req.territory.id,
      req.params.id.toLowerCase(),
      req.ctx().actor,
    );
    if (!data) return notFound(reply);
    return reply.html(
      ApplicationsPage({ page: reply.page(), data, slug: data.mission.organizationSlug, form }),
      status,
    );
  };

  app.get<IdParams>('/missions/:id/candidatures', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    return renderApplications(req, reply, emptyForm());
  });

  app.post<IdParams>('/missions/:id/candidatures', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const data = await missions.applicationsForTeam(
      req.territory.id,
      req.params.id.toLowerCase(),
      req.ctx().actor,
    );
    if (!data) return notFound(reply);
    const parsed = parseInput(bulkDecisionInput, req.body);
    if (!parsed.ok)
      return renderApplications(
        req,
        reply,
        { errors: { _form: Object.values(parsed.errors)[0]! }, values: parsed.values },
        422,
      );
    const ours = parsed.value.ids.filter((id) => data.applications.some((a) => a.id === id.toLowerCase()));
    const { done } = await missions.decideMany(
      req.ctx(),
      ours.map((id) => id.toLowerCase()),
      parsed.value.decision as 'accept' | 'decline',
      (parsed.value.reason || null) as DeclineReason | null,
      publicBase(app, req),
    );
    return reply.seeOther(
      `/missions/${data.mission.id}/candidatures`,
      done === parsed.value.ids.length ? 'applications.bulkDone' : 'applications.bulkPartial',
    );
  });

  app.post<IdParams>('/candidatures/:id/decision', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const parsed = parseInput(decisionInput, req.body);
    if (!parsed.ok)
      return reply.html(
        ErrorPage({
          page: reply.page(),
          title: 'error.badRequestTitle',
          text: errorMessage(Object.values(parsed.errors)[0]!),
        }),
        422,
      );
    const result = await missions.decide(
      req.ctx(),
      req.params.id.toLowerCase(),
      parsed.value.decision as 'accept' | 'decline',
      (parsed.value.reason || null) as DeclineReason | null,
      publicBase(app, req),
    );
    if (!result.ok) {
      if (result.errors._form?.key === 'errors.notFound') return notFound(reply);
      return reply.html(
        ErrorPage({
          page: reply.page(),
          title: 'error.badRequestTitle',
          text: errorMessage(result.errors._form!),
        }),
        409,
      );
    }
    return reply.seeOther(
      `/missions/${result.value.missionId}/candidatures`,
      parsed.value.decision === 'accept' ? 'applications.accepted' : 'applications.declined',
    );
  });

  app.post<IdParams>('/candidatures/:id/retirer', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const result = await missions.withdraw(req.ctx(), req.params.id.toLowerCase(), publicBase(app, req));
    if (!result.ok) return notFound(reply);
    return reply.seeOther('/mes-candidatures', 'applications.withdrawn');
  });

  app.get('/mes-candidatures', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    return reply.html(
      MyApplicationsPage({
        page: reply.page(),
        apps: await missions.mine(req.territory.id, req.ctx().actor!),
      }),
    );
  });

  app.get('/mes-structures', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    return reply.html(
      MyOrganizationsPage({
        page: reply.page(),
        orgs: await organizations.mine(req.territory.id, viewer.accountId),
      }),
    );
  });

  // The structure's dashboard, its mission form, and the skills it verifies.
  const renderDashboard = async (
    req: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    inviteForm: FormState,
    status = 200,
  ) => {
    const [dash, team] = await Promise.all([
      missions.dashboard(req.territory.id, req.params.slug, req.ctx().actor),
      organizations.teamPage(req.territory.id, req.params.slug, req.ctx().actor),
    ]);
    if (!dash || !team) return notFound(reply);
    return reply.html(
      DashboardPage({
        page: reply.page(),
        org: dash.organization,
        role: dash.role,
        missions: dash.missions,
        team: {
          page: reply.page(),
          slug: dash.organization.slug,
          role: dash.role,
          members: team.members,
          invitations: team.invitations,
          form: inviteForm,
        },
      }),
      status,
    );
  };

  app.get<SlugParams>('/structures/:slug/gestion', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    return renderDashboard(req, reply, emptyForm());
  });

  app.post<SlugParams>('/structures/:slug/invitations', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    if (!(await organizations.managed(req.territory.id, req.params.slug, req.ctx().actor)))
      return notFound(reply);
    const parsed = parseInput(inviteInput, req.body);
    const base = publicBase(app, req);
    const result = parsed.ok
      ? await organizations.invite(
          req.ctx(),
          req.params.slug,
          parsed.value,
          (token) => `${base}/structures/invitation?jeton=${token}`,
        )
      : parsed;
    if (!result.ok)
      return renderDashboard(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    return reply.seeOther(`/structures/${req.params.slug}/gestion`, 'orgs.invitationSent');
  });

  const renderMissionForm = async (
    req: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    form: FormState,
    status = 200,
  ) => {
    const managed = await organizations.managed(req.territory.id, req.params.slug, req.ctx().actor);
    if (!managed) return notFound(reply);
    const options = await missions.formOptions(req.territory.id);
    return reply.html(
      MissionFormPage({
        page: reply.page(),
        form,
        slug: managed.row.slug,
        name: managed.row.name,
        ...options,
      }),
      status,
    );
  };

  // The team edits what a mission says (its dates and places stay as published).
  const renderEdit = async (
    req: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: FormState | null,
    status = 200,
  ) => {
    const row = isUuid(req.params.id)
      ? await missions.editable(req.ctx(), req.params.id.toLowerCase())
      : null;
    if (!row) return notFound(reply);
    const options = await missions.formOptions(req.territory.id);
    const values: Record<string, string> = {
      title: row.title,
      description: row.description,
      categoryId: row.categoryId,
      requiredSkillIds: row.requiredSkillIds.join(','),
      minAge: row.minAge === null ? '' : String(row.minAge),
      reducedMobility: row.reducedMobility ? 'on' : '',
      remotePossible: row.remotePossible ? 'on' : '',
      remoteOnly: row.remoteOnly ? 'on' : '',
      openToMinors: row.openToMinors ? 'on' : '',
      commune: row.remoteOnly ? '' : row.areaName,
      address: row.address ?? '',
    };
    return reply.html(
      MissionFormPage({
        page: reply.page(),
        form: form ?? emptyForm(values),
        slug: row.organizationSlug,
        name: row.organizationName,
        edit: { id: row.id },
        ...options,
      }),
      status,
    );
  };

  app.get<IdParams>('/missions/:id/modifier', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return renderEdit(req, reply, null);
  });

  app.post<IdParams>('/missions/:id/modifier', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const id = req.params.id.toLowerCase();
    const parsed = parseInput(missionDetailsInput, req.body);
    const result = parsed.ok
      ? await missions.update(req.ctx(), id, parsed.value, publicBase(app, req))
      : parsed;
    if (!result.ok) {
      if (
        result.errors._form?.key === 'errors.notFound' ||
        result.errors._form?.key === 'errors.applicationState'
      )
        return notFound(reply);
      return renderEdit(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    }
    return reply.seeOther(`/missions/${id}`, 'missions.updated');
  });

  app.get<SlugParams>('/structures/:slug/missions/nouvelle', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    return renderMissionForm(req, reply, emptyForm({ schedule: 'date' }));
  });

  app.post<SlugParams>('/structures/:slug/missions', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    if (!(await organizations.managed(req.territory.id, req.params.slug, req.ctx().actor)))
      return notFound(reply);
    const parsed = parseInput(missionInput, req.body);
    const result = parsed.ok ? await missions.create(req.ctx(), req.params.slug, parsed.value) : parsed;
    if (!result.ok)
      return renderMissionForm(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    return reply.seeOther(`/missions/${result.value.id}`, 'missions.created');
  });

  app.post<SlugParams>('/structures/:slug/competences', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    const body = submittedValues(req.body);
    const [accountId, skillId, missionId] = [body.accountId ?? '', body.skillId ?? '', body.missionId ?? ''];
    if (!isUuid(accountId) || !isUuid(skillId) || !isUuid(missionId)) return notFound(reply);
    const result = await volunteers.verifySkill(
      req.ctx(),
      accountId.toLowerCase(),
      skillId.toLowerCase(),
      req.params.slug,
    );
    if (!result.ok) return notFound(reply);
    return reply.seeOther(`/missions/${missionId.toLowerCase()}/candidatures`, 'skills.verifiedFlash');
  });

  // The volunteer profile, on the member's account.
  const renderProfile = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: FormState | null,
    status = 200,
  ) => {
    const viewer = req.viewer!;
    const [{ profile, skills: declared }, skills, areas] = await Promise.all([
      volunteers.profile(req.territory.id, viewer.accountId),
      missions.skills(req.territory.id),
      app.platform.territories.areas(req.territory.id),
    ]);
    const values: Record<string, string> = profile
      ? {
          skillIds: declared.map((s) => s.skillId).join(','),
          days: profile.days.join(','),
          dayParts: profile.dayParts.join(','),
          domains: profile.domains.join(','),
          commune: areas.find((a) => a.id === profile.baseAreaId)?.name ?? '',
          radiusKm: profile.radiusKm === null ? '' : String(profile.radiusKm),
          remoteOk: profile.remoteOk ? 'on' : '',
        }
      : {};
    return reply.html(
      VolunteerProfilePage({ page: reply.page(), form: form ?? emptyForm(values), skills, declared }),
      status,
    );
  };

  app.get('/compte/benevole', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return renderProfile(req, reply, null);
  });

  app.post('/compte/benevole', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const parsed = parseInput(profileInput, req.body);
    const result = parsed.ok ? await volunteers.save(req.ctx(), parsed.value) : parsed;
    if (!result.ok)
      return renderProfile(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    return reply.seeOther('/compte/benevole', 'volunteer.saved');
  });
}
