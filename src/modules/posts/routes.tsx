import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReportReason } from '../../db/schema.ts';
import { parseInput, submittedValues, isUuid } from '../../domain/fields.ts';
import { emptyForm, type FormState } from '../../web/components/forms.tsx';
import { m, t, type MessageKey } from '../../web/i18n/index.ts';
import { ReportPage } from '../../web/components/ReportPage.tsx';
import { reportInput } from '../moderation/schemas.ts';
import { postInput, searchQuery, type SearchQuery } from './schemas.ts';
import { BrowsePage, MyPostsPage, PostFormPage, PostListPage, PostPage } from './views/pages.tsx';

type IdParams = { Params: { id: string } };

/** Help posts: list and filters, browse pages, post page, publishing form, « Mes annonces », reports. */
export async function postsRoutes(app: FastifyInstance) {
  const { posts } = app.platform;

  /** Parses the list's query; unusable values are dropped (and said) rather than failing the page. */
  const readSearch = (
    req: FastifyRequest,
  ): { query: SearchQuery; raw: { pres: string; commune: string } } => {
    const parsed = parseInput(searchQuery, req.query);
    const raw = submittedValues(req.query);
    const query = parsed.ok
      ? parsed.value
      : (parseInput(searchQuery, {}) as { ok: true; value: SearchQuery }).value;
    return { query, raw: { pres: raw.pres ?? '', commune: raw.commune ?? '' } };
  };

  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.viewer) return req.viewer;
    void reply.seeOther('/connexion');
    return null;
  };

  const notFound = (reply: FastifyReply) => reply.callNotFound();

  app.get('/annonces', async (req, reply) => {
    const { query, raw } = readSearch(req);
    const result = await posts.search(req.territory.id, query);
    return reply.html(
      PostListPage({
        page: reply.page(),
        result,
        raw,
        title: m('posts.listTitle'),
        lead: m('posts.listLead'),
        action: '/annonces',
      }),
    );
  });

  app.get<{ Params: { slug: string } }>('/annonces/categorie/:slug', async (req, reply) => {
    const { query, raw } = readSearch(req);
    const categories = await app.platform.territories.categories(req.territory.id);
    const category = categories.find((c) => c.slug === req.params.slug);
    if (!category) return notFound(reply);
    const result = await posts.search(req.territory.id, { ...query, categorie: [category.slug] });
    return reply.html(
      PostListPage({
        page: reply.page(),
        result,
        raw,
        title: t('posts.categoryPageTitle', { name: category.name }),
        lead: category.guidance,
        action: `/annonces/categorie/${category.slug}`,
      }),
    );
  });

  app.get<{ Params: { code: string } }>('/annonces/commune/:code', async (req, reply) => {
    const { query, raw } = readSearch(req);
    const areas = await app.platform.territories.areas(req.territory.id);
    const area = areas.find((a) => a.code === req.params.code);
    if (!area) return notFound(reply);
    const result = await posts.search(req.territory.id, { ...query, commune: area.name });
    return reply.html(
      PostListPage({
        page: reply.page(),
        result,
        raw: { ...raw, commune: area.name },
        title: t('posts.areaPageTitle', { name: area.name }),
        lead: m('posts.listLead'),
        action: `/annonces/commune/${area.code}`,
      }),
    );
  });

  app.get('/annonces/categories', async (req, reply) => {
    const [categories, counts] = await Promise.all([
      app.platform.territories.categories(req.territory.id),
      posts.browseCounts(req.territory.id),
    ]);
    const items = categories.map((c) => ({
      href: `/annonces/categorie/${c.slug}`,
      label: c.name,
      count: counts.byCategory.get(c.id) ?? 0,
    }));
    return reply.html(BrowsePage({ page: reply.page(), title: m('posts.browseCategories'), items }));
  });

  app.get('/annonces/communes', async (req, reply) => {
    const [areas, counts] = await Promise.all([
      app.platform.territories.areas(req.territory.id),
      posts.browseCounts(req.territory.id),
    ]);
    const items = areas
      .map((a) => ({
        href: `/annonces/commune/${a.code}`,
        label: a.name,
        count: counts.byArea.get(a.id) ?? 0,
      }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'fr'));
    return reply.html(BrowsePage({ page: reply.page(), title: m('posts.browseAreas'), items }));
  });

  const renderForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: FormState,
    status = 200,
    editId?: string,
  ) => {
    const { categories, areas } = await posts.formOptions(req.territory.id);
    return reply.html(PostFormPage({ page: reply.page(), form, categories, areas, editId }), status);
  };

  app.get('/annonces/nouvelle', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    const form = emptyForm();
    if (!viewer.emailVerified) form.errors._form = { key: 'errors.notVerified' };
    return renderForm(req, reply, form);
  });

  app.post('/annonces', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    const parsed = parseInput(postInput, req.body);
    const result = parsed.ok ? await posts.create(req.ctx(), parsed.value) : parsed;
    if (!result.ok)
      return renderForm(req, reply, { errors: result.errors, values: submittedValues(req.body) }, 422);
    return reply.seeOther(`/annonces/${result.value.id}`, 'posts.created');
  });

  app.get<IdParams>('/annonces/:id', async (req, reply) => {
    if (!isUuid(req.params.id)) return notFound(reply);
    const viewed = await posts.view(req.territory.id, req.params.id, req.ctx().actor);
    if (!viewed) return notFound(reply);
    const helpers =
      viewed.isAuthor && viewed.post.status === 'fulfilled'
        ? await app.platform.conversations.aboutOwnPost(req.territory.id, req.params.id, req.viewer!)
        : null;
    return reply.html(
      PostPage({
        page: reply.page(),
        post: viewed.post,
        isAuthor: viewed.isAuthor,
        actions: viewed.actions,
        helpers: helpers ?? undefined,
      }),
    );
  });

  app.get<IdParams>('/annonces/:id/modifier', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const values = await posts.editable(req.territory.id, req.params.id, req.ctx().actor!);
    if (!values) return notFound(reply);
    return renderForm(req, reply, emptyForm(values), 200, req.params.id);
  });

  app.post<IdParams>('/annonces/:id/modifier', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    if (!isUuid(req.params.id)) return notFound(reply);
    const parsed = parseInput(postInput, req.body);
    const result = parsed.ok ? await posts.update(req.ctx(), req.params.id, parsed.value) : parsed;
    if (!result.ok) {
      if (result.errors._form?.key === 'errors.notAllowed') return notFound(reply);
      return renderForm(
        req,
        reply,
        { errors: result.errors, values: submittedValues(req.body) },
        422,
        req.params.id,
      );
    }
    return reply.seeOther(`/annonces/${req.params.id}`, 'posts.updated');
  });

  const actions: Array<[string, 'renew' | 'fulfil' | 'withdraw', MessageKey]> = [
    ['prolonger', 'renew', 'posts.renewed'],
    ['aide-apportee', 'fulfil', 'posts.fulfilled'],
    ['retirer', 'withdraw', 'posts.withdrawn'],
  ];
  for (const [path, action, flash] of actions) {
    app.post<IdParams>(`/annonces/:id/${path}`, async (req, reply) => {
      const viewer = signedIn(req, reply);
      if (!viewer) return reply;
      if (!isUuid(req.params.id)) return notFound(reply);
      if (!(await posts.act(req.ctx(), req.params.id, action))) return notFound(reply);
      return reply.seeOther(action === 'withdraw' ? '/mes-annonces' : `/annonces/${req.params.id}`, flash);
    });
  }

  app.get('/mes-annonces', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    return reply.html(
      MyPostsPage({ page: reply.page(), posts: await posts.mine(req.territory.id, viewer.accountId) }),
    );
  });

  const reportPage = (reply: FastifyReply, post: { id: string; title: string }, form: FormState) =>
    ReportPage({
      page: reply.page(),
      form,
      title: m('posts.reportTitle'),
      lead: m('posts.reportLead'),
      back: { href: `/annonces/${post.id}`, label: post.title },
      action: `/annonces/${post.id}/signaler`,
    });

  const visiblePost = async (req: FastifyRequest<IdParams>) =>
    isUuid(req.params.id) ? posts.view(req.territory.id, req.params.id, req.ctx().actor) : null;

  app.get<IdParams>('/annonces/:id/signaler', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    const viewed = await visiblePost(req);
    if (!viewed) return notFound(reply);
    return reply.html(reportPage(reply, viewed.post, emptyForm()));
  });

  app.post<IdParams>('/annonces/:id/signaler', async (req, reply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    const viewed = await visiblePost(req);
    if (!viewed) return notFound(reply);
    const parsed = parseInput(reportInput, req.body);
    const result = parsed.ok
      ? await posts.report(
          req.ctx(),
          req.params.id,
          parsed.value.reason as ReportReason,
          parsed.value.details,
        )
      : parsed;
    if (!result.ok)
      return reply.html(
        reportPage(reply, viewed.post, { errors: result.errors, values: submittedValues(req.body) }),
        422,
      );
    return reply.seeOther(`/annonces/${req.params.id}`, 'posts.reported');
  });
}
