import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formValues, isUuid, parseInput, submittedValues } from '../../domain/fields.ts';
import { emptyForm, type FormState } from '../../web/components/forms.tsx';
import { ErrorPage } from '../../web/components/ErrorPage.tsx';
import { t } from '../../web/i18n/index.ts';
import { mapMessages } from '../posts/map.tsx';
import { directoryQuery, organizationInput, projectInput, rejectInput } from './schemas.ts';
import {
  AdminOrganizationsPage,
  DirectoryPage,
  InvitationPage,
  OrganizationFormPage,
  OrganizationMapPage,
  OrganizationPage,
  ProjectFormPage,
  ProjectsPage,
} from './views/pages.tsx';

type SlugParams = { Params: { slug: string } };
type IdParams = { Params: { id: string } };
const SLUG = /^[a-z0-9-]{1,80}$/;

/** Structures: directory, public page, declaration, admin validation, invitations, projects. */
export async function organizationsRoutes(app: FastifyInstance) {
  const { organizations, missions } = app.platform;

  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.viewer) return req.viewer;
    void reply.seeOther('/connexion');
    return null;
  };
  const notFound = (reply: FastifyReply) => reply.callNotFound();

  app.get('/structures', async (req, reply) => {
    const parsed = parseInput(directoryQuery, req.query);
    const query = parsed.ok
      ? parsed.value
      : (parseInput(directoryQuery, {}) as { ok: true; value: never }).value;
    const d = await organizations.directory(req.territory.id, query);
    const raw = submittedValues(req.query);
    const keep = Object.fromEntries(
      (['domaine', 'categorie', 'commune'] as const)
        .filter((k) => raw[k])
        .map((k) => [k, raw[k]!.slice(0, 120)]),
    );
    return reply.html(DirectoryPage({ page: reply.page(), d, raw: keep }));
  });

  app.get('/structures/carte', async (req, reply) => {
    const parsed = parseInput(directoryQuery, req.query);
    const query = parsed.ok
      ? { ...parsed.value, page: '' }
      : (parseInput(directoryQuery, {}) as { ok: true; value: never }).value;
    const [d, outlines] = await Promise.all([
      organizations.directory(req.territory.id, query),
      app.platform.territories.outlines(req.territory.id),
    ]);
    const raw = submittedValues(req.query);
    const keep = Object.fromEntries(
      (['domaine', 'categorie', 'commune'] as const)
        .filter((k) => raw[k])
        .map((k) => [k, raw[k]!.slice(0, 120)]),
    );
    // The posts' map script, told that its points are structures.
    const messages = mapMessages({
      'posts.kind.offer': t('orgs.mapKind'),
      'map.letterOffer': t('orgs.mapLetter'),
      'map.openPost': t('orgs.mapOpen'),
    });
    return reply.html(
      OrganizationMapPage({
        page: reply.page(),
        territory: req.territory,
        d,
        raw: keep,
        messages,
        urls: {
          js: app.platform.assets.url('map.js'),
          css: app.platform.assets.url('map.css'),
          areas: `/api/v1/areas.geojson?v=${outlines.version}`,
        },
      }),
    );
  });

  const renderForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: FormState,
    status = 200,
    edit?: Parameters<typeof OrganizationFormPage>[0]['edit'],
  ) => {
    const { categories, areas } = await organizations.formOptions(req.territory.id);
    return reply.html(OrganizationFormPage({ page: reply.page(), form, categories, areas, edit }), status);
  };

  // The team edits its structure: the declaration form, filled in.
  const editing = async (req: FastifyRequest<SlugParams>, reply: FastifyReply) => {
    if (!signedIn(req, reply)) return null;
    const managed = SLUG.test(req.params.slug)
      ? await organizations.managed(req.territory.id, req.params.slug, req.ctx().actor)
      : null;
    if (!managed) {
      void notFound(reply);
      return null;
    }
    const o = managed.row;
    return {
      slug: o.slug,
      validated: o.validatedAt !== null,
      identity: { name: o.name, kind: o.kind, siren: o.siren ?? '', rna: o.rna ?? '' },
      row: o,
    };
  };

  app.get<SlugParams>('/structures/:slug/modifier', async (req, reply) => {
    const e = await editing(req, reply);
    if (!e) return reply;
    const o = e.row;
    const areas = await app.platform.territories.areas(req.territory.id);
    const areaName = (id: string) => areas.find((a) => a.id === id)?.name ?? '';
    const values: Record<string, string> = {
      name: o.name,
      kind: o.kind,
      siren: o.siren ?? '',
      rna: o.rna ?? '',
      description: o.description,
      domains: o.domains.join(','),
      categoryIds: o.categoryIds.join(','),
      commune: areaName(o.areaId),
      communes: o.areaIds
        .filter((id) => id !== o.areaId)
        .map(areaName)
        .filter(Boolean)
        .join(', '),
      address: o.address ?? '',
      showAddress: o.showAddress ? 'on' : '',
      contactEmail: o.contactEmail ?? '',
      contactPhone: o.contactPhone ?? '',
      website: o.website ?? '',
    };
    return renderForm(req, reply, emptyForm(values), 200, e);
  });

  app.post<SlugParams>('/structures/:slug/modifier', async (req, reply) => {
    const e = await editing(req, reply);
    if (!e) return reply;
    const parsed = parseInput(organizationInput, req.body);
    const result = parsed.ok ? await organizations.update(req.ctx(), e.slug, parsed.value) : parsed;
    if (!result.ok)
      return renderForm(req, reply, { errors: result.errors, values: formValues(req.body) }, 422, e);
    return reply.seeOther(
      `/structures/${e.slug}/gestion`,
      result.value.resubmitted ? 'orgs.resubmitted' : 'orgs.updated',
    );
  });

  app.get('/structures/nouvelle', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return renderForm(req, reply, emptyForm());
  });

  app.post('/structures', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const parsed = parseInput(organizationInput, req.body);
    const result = parsed.ok ? await organizations.create(req.ctx(), parsed.value) : parsed;
    if (!result.ok)
      return renderForm(req, reply, { errors: result.errors, values: formValues(req.body) }, 422);
    return reply.seeOther(`/structures/${result.value.slug}/gestion`, 'orgs.created');
  });

  app.get('/projets', async (req, reply) => {
    const raw = submittedValues(req.query).page ?? '';
    const page = /^[1-9]\d{0,4}$/.test(raw) ? Number(raw) : 1;
    const r = await organizations.projects(req.territory.id, { page });
    return reply.html(
      ProjectsPage({
        page: reply.page(),
        projects: r.projects,
        total: r.total ?? 0,
        hasNext: r.hasNext,
        pageNo: page,
      }),
    );
  });

  app.get<SlugParams>('/structures/:slug', async (req, reply) => {
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    const viewed = await organizations.view(req.territory.id, req.params.slug, req.ctx().actor);
    if (!viewed) return notFound(reply);
    const [projects, listed] = await Promise.all([
      organizations.projects(req.territory.id, { organizationId: viewed.row.id }),
      missions.ofOrganization(req.territory.id, viewed.row.id),
    ]);
    return reply.html(
      OrganizationPage({
        page: reply.page(),
        o: viewed.organization,
        team: viewed.access.role !== null,
        rejectionReason: viewed.access.role ? viewed.row.rejectionReason : null,
        projects: projects.projects,
        missions: listed,
      }),
    );
  });

  app.get<SlugParams>('/structures/:slug/projets/nouveau', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    const managed = await organizations.managed(req.territory.id, req.params.slug, req.ctx().actor);
    if (!managed) return notFound(reply);
    return reply.html(
      ProjectFormPage({
        page: reply.page(),
        form: emptyForm(),
        slug: managed.row.slug,
        name: managed.row.name,
      }),
    );
  });

  app.post<SlugParams>('/structures/:slug/projets', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!SLUG.test(req.params.slug)) return notFound(reply);
    const managed = await organizations.managed(req.territory.id, req.params.slug, req.ctx().actor);
    if (!managed) return notFound(reply);
    const parsed = parseInput(projectInput, req.body);
    const result = parsed.ok
      ? await organizations.createProject(req.ctx(), req.params.slug, parsed.value)
      : parsed;
    if (!result.ok)
      return reply.html(
        ProjectFormPage({
          page: reply.page(),
          form: { errors: result.errors, values: formValues(req.body) },
          slug: managed.row.slug,
          name: managed.row.name,
        }),
        422,
      );
    return reply.seeOther(`/structures/${managed.row.slug}`, 'projects.created');
  });

  app.get('/structures/invitation', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const token = submittedValues(req.query).jeton ?? '';
    const found = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await organizations.peekInvitation(token) : null;
    if (!found)
      return reply.html(
        ErrorPage({ page: reply.page(), title: 'orgs.invitationTitle', text: t('errors.tokenInvalid') }),
        400,
      );
    return reply.html(InvitationPage({ page: reply.page(), token, name: found.name, role: found.role }));
  });

  app.post('/structures/invitation', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const token =
      typeof (req.body as Record<string, unknown>)?.jeton === 'string'
        ? (req.body as { jeton: string }).jeton
        : '';
    const result = /^[A-Za-z0-9_-]{20,100}$/.test(token)
      ? await organizations.acceptInvitation(req.ctx(), token)
      : ({ ok: false } as const);
    if (!result.ok)
      return reply.html(
        ErrorPage({ page: reply.page(), title: 'orgs.invitationTitle', text: t('errors.tokenInvalid') }),
        400,
      );
    return reply.seeOther(`/structures/${result.value.slug}/gestion`, 'orgs.joined');
  });

  // Territory administration: the validation queue.
  const renderAdmin = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form = emptyForm(),
    formFor: string | null = null,
    status = 200,
  ) => {
    const pending = await organizations.pending(req.ctx());
    if (!pending) return notFound(reply);
    return reply.html(AdminOrganizationsPage({ page: reply.page(), pending, form, formFor }), status);
  };

  app.get('/admin/structures', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return renderAdmin(req, reply);
  });

  app.post<IdParams>('/admin/structures/:id/valider', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const result = await organizations.decide(req.ctx(), req.params.id.toLowerCase(), { validate: true });
    if (!result.ok) return notFound(reply);
    return reply.seeOther('/admin/structures', 'orgs.validated');
  });

  app.post<IdParams>('/admin/structures/:id/refuser', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    if (!isUuid(req.params.id) || !(await organizations.pending(req.ctx()))) return notFound(reply);
    const parsed = parseInput(rejectInput, req.body);
    if (!parsed.ok)
      return renderAdmin(
        req,
        reply,
        { errors: parsed.errors, values: parsed.values },
        req.params.id.toLowerCase(),
        422,
      );
    const result = await organizations.decide(req.ctx(), req.params.id.toLowerCase(), {
      validate: false,
      reason: parsed.value.reason,
    });
    if (!result.ok) return notFound(reply);
    return reply.seeOther('/admin/structures', 'orgs.rejected');
  });
}
