import type { PostStatus } from '../../../db/schema.ts';
import { POST_LIMITS } from '../../../domain/posts.ts';
import { FormPage } from '../../../web/components/FormPage.tsx';
import { Layout } from '../../../web/components/Layout.tsx';
import { CategorySelect, DateInput } from '../../../web/components/choices.tsx';
import {
  ActionButton,
  CheckboxField,
  PostForm,
  TextAreaField,
  TextField,
  type FormState,
} from '../../../web/components/forms.tsx';
import { CardList, ListLayout, PageHeading, Pagination } from '../../../web/components/lists.tsx';
import { CommuneList, FilterPanel, SearchProblems } from '../../../web/components/search.tsx';
import { errorMessage, formatDate, m, t } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import type { AreaSummary, CategoryRow } from '../../territory/service.ts';
import type { PostService, PublicPost, SearchPage } from '../service.ts';
import { activeFilterCount, FilterForm, KindBadge, PostCard, searchParams } from './components.tsx';

/** `/annonces` (and the browse pages): filters, results, pagination. */
export function PostListPage(props: {
  page: PageContext;
  result: SearchPage;
  raw: { pres: string; commune: string };
  title: string;
  lead: string;
  action: string;
}) {
  const { result, page } = props;
  return (
    <Layout page={page} title={props.title}>
      <PageHeading title={props.title} lead={props.lead}>
        <a class="button" href="/annonces/nouvelle">
          {m('posts.publish')}
        </a>
        {page.viewer ? <a href="/mes-annonces">{m('nav.myPosts')}</a> : ''}
      </PageHeading>
      <ListLayout
        labelledBy="titre-resultats"
        filters={
          <>
            <FilterPanel label={m('posts.filters')} active={activeFilterCount(result.search)}>
              <FilterForm
                action={props.action}
                search={result.search}
                raw={props.raw}
                categories={result.categories}
                counts={result.counts}
                areas={result.areas}
              />
            </FilterPanel>
            <nav class="browse-links" aria-label={m('posts.browseCategories')}>
              <a href="/annonces/categories">{m('posts.browseCategories')}</a>
              <a href="/annonces/communes">{m('posts.browseAreas')}</a>
            </nav>
          </>
        }
      >
        <h2 id="titre-resultats" class="visually-hidden">
          {m('posts.listTitle')}
        </h2>
        <SearchProblems problems={Object.values(result.search.problems)} />
        {result.posts.length > 0 ? (
          <p class="results-count" role="status" safe>
            {t('posts.resultsCount', { count: result.posts.length })}
          </p>
        ) : (
          ''
        )}
        <CardList count={result.posts.length} empty={m('posts.noResults')} status>
          {result.posts.map((p) => (
            <PostCard post={p} />
          ))}
        </CardList>
        <Pagination
          href={
            result.nextCursor
              ? `${props.action}${searchParams(result.search, { apres: result.nextCursor })}`
              : null
          }
          label={m('posts.nextPage')}
        />
      </ListLayout>
    </Layout>
  );
}

const STATUS_NOTICE: Partial<
  Record<
    PostStatus,
    | 'posts.statusNotice.fulfilled'
    | 'posts.statusNotice.expired'
    | 'posts.statusNotice.withdrawn'
    | 'posts.statusNotice.hidden'
  >
> = {
  fulfilled: 'posts.statusNotice.fulfilled',
  expired: 'posts.statusNotice.expired',
  withdrawn: 'posts.statusNotice.withdrawn',
  hidden: 'posts.statusNotice.hidden',
};

function postDates(p: PublicPost): string | null {
  if (p.startsOn && p.endsOn)
    return t('posts.fromTo', { start: formatDate(p.startsOn), end: formatDate(p.endsOn) });
  if (p.startsOn) return t('posts.from', { date: formatDate(p.startsOn) });
  if (p.endsOn) return t('posts.until', { date: formatDate(p.endsOn) });
  return null;
}

/** One post: everything public about it, « Répondre », « Signaler », and the author's actions. */
export function PostPage(props: {
  page: PageContext;
  post: PublicPost;
  isAuthor: boolean;
  actions: PostAction[];
  /** For the author: the people who answered, to say who helped once the help is given. */
  helpers?: Array<{ id: string; name: string; helped: boolean }>;
}) {
  const { post: p, page } = props;
  const notice = STATUS_NOTICE[p.status];
  const dates = postDates(p);
  return (
    <Layout page={page} title={p.title}>
      <p>
        <a href="/annonces">{m('posts.backToList')}</a>
      </p>
      <article class="post" aria-labelledby="titre-annonce">
        <p class="post__meta">
          <KindBadge kind={p.kind} />
          <a class="post__category" href={`/annonces/categorie/${p.category.slug}`} safe>
            {p.category.name}
          </a>
        </p>
        <h1 id="titre-annonce" safe>
          {p.title}
        </h1>
        {notice ? <div class="notice notice--warning">{m(notice)}</div> : ''}
        <div class="post__description">
          {p.description.split('\n').map((line) => (
            <p safe>{line}</p>
          ))}
        </div>
        <dl class="facts">
          {p.whenText ? (
            <>
              <dt>{m('posts.fieldWhen')}</dt>
              <dd safe>{p.whenText}</dd>
            </>
          ) : (
            ''
          )}
          {dates ? (
            <>
              <dt>{m('posts.fieldStartsOn')}</dt>
              <dd safe>{dates}</dd>
            </>
          ) : (
            ''
          )}
          <dt>{m('posts.fieldCommune')}</dt>
          <dd>
            <span safe>{p.area.name}</span>
            {p.distance ? (
              <>
                {' — '}
                <span safe>{t(p.distance.key, { value: p.distance.value })}</span>
              </>
            ) : (
              ''
            )}
            <br />
            <small safe>{t('posts.placeApprox', { area: p.area.name })}</small>
          </dd>
          <dt>{m('posts.author')}</dt>
          <dd safe>{p.authorName}</dd>
          <dt>{m('posts.dates')}</dt>
          <dd>
            <span safe>{t('posts.publishedOn', { date: formatDate(p.publishedAt) })}</span>
            <br />
            <span safe>{t('posts.expiresOn', { date: formatDate(p.expiresAt) })}</span>
          </dd>
        </dl>
        {props.isAuthor ? (
          <>
            <AuthorActions page={page} id={p.id} actions={props.actions} />
            {p.status === 'fulfilled' && props.helpers?.length ? (
              <WhoHelped page={page} id={p.id} helpers={props.helpers} />
            ) : (
              ''
            )}
          </>
        ) : p.status === 'open' ? (
          <p class="post__actions">
            <a class="button" href={page.viewer ? `/annonces/${p.id}/repondre` : `/connexion`}>
              {page.viewer ? m('posts.reply') : m('posts.replySignIn')}
            </a>
          </p>
        ) : (
          ''
        )}
        <p class="safety-tip">{m('posts.safetyTip')}</p>
        {!props.isAuthor ? (
          <p>
            <a class="report-link" href={`/annonces/${p.id}/signaler`}>
              {m('posts.report')}
            </a>
          </p>
        ) : (
          ''
        )}
      </article>
    </Layout>
  );
}

type PostAction = 'edit' | 'renew' | 'fulfil' | 'withdraw';

/** A refusal of the whole form (`_form`) as a notice, then the summary of the fields' errors. */
function AuthorActions(props: { page: PageContext; id: string; actions: PostAction[] }) {
  const { id, actions, page } = props;
  return (
    <div class="author-actions">
      <p class="author-actions__lead">
        <strong>{m('posts.yourPost')}</strong> <a href="/mes-annonces">{m('nav.myPosts')}</a>
      </p>
      <div class="author-actions__buttons">
        {actions.includes('edit') ? (
          <a class="button button--secondary" href={`/annonces/${id}/modifier`}>
            {m('posts.edit')}
          </a>
        ) : (
          ''
        )}
        {actions.includes('renew') ? (
          <ActionButton
            action={`/annonces/${id}/prolonger`}
            csrfToken={page.csrfToken}
            label={m('posts.renew')}
            class="button button--secondary"
          />
        ) : (
          ''
        )}
        {actions.includes('fulfil') ? (
          <ActionButton
            action={`/annonces/${id}/aide-apportee`}
            csrfToken={page.csrfToken}
            label={m('posts.fulfil')}
          />
        ) : (
          ''
        )}
        {actions.includes('withdraw') ? (
          <ActionButton
            action={`/annonces/${id}/retirer`}
            csrfToken={page.csrfToken}
            label={m('posts.withdraw')}
            class="button button--danger"
          />
        ) : (
          ''
        )}
      </div>
    </div>
  );
}

/** After « aide apportée »: the author says which conversation helped (for the statistics). */
function WhoHelped(props: {
  page: PageContext;
  id: string;
  helpers: Array<{ id: string; name: string; helped: boolean }>;
}) {
  const helped = props.helpers.filter((h) => h.helped);
  if (helped.length > 0)
    return (
      <p class="notice notice--success" safe>
        {t('posts.helpedBy', { names: helped.map((h) => h.name).join(', ') })}
      </p>
    );
  return (
    <div class="panel">
      <PostForm action={`/annonces/${props.id}/qui-a-aide`} csrfToken={props.page.csrfToken}>
        <fieldset class="field">
          <legend class="field__label">{m('posts.whoHelped')}</legend>
          <p class="field__hint">{m('posts.whoHelpedHint')}</p>
          {props.helpers.map((h, i) => (
            <div class="field--radio">
              <input type="radio" name="conversationId" id={`aide-par-${i}`} value={h.id} />{' '}
              <label for={`aide-par-${i}`} safe>
                {h.name}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="button">
          {m('posts.whoHelpedSubmit')}
        </button>
      </PostForm>
    </div>
  );
}

const postLabels = () => ({
  _form: m('posts.newTitle'),
  // « Vous… » alone would not say which field is meant in the error summary.
  kind: m('posts.filterKind'),
  categoryId: m('posts.fieldCategory'),
  title: m('posts.fieldTitle'),
  description: m('posts.fieldDescription'),
  whenText: m('posts.fieldWhen'),
  startsOn: m('posts.fieldStartsOn'),
  endsOn: m('posts.fieldEndsOn'),
  commune: m('posts.fieldCommune'),
  address: m('posts.fieldAddress'),
});

/** The publishing form, new or edit; a plain form with errors in place. */
export function PostFormPage(props: {
  page: PageContext;
  form: FormState;
  categories: CategoryRow[];
  areas: AreaSummary[];
  editId?: string;
}) {
  const { form, page } = props;
  const title = props.editId ? m('posts.editTitle') : m('posts.newTitle');
  const kind = form.values.kind ?? '';
  const kindError = form.errors.kind;
  return (
    <FormPage
      page={page}
      title={title}
      lead={m('posts.formLead')}
      form={form}
      labels={postLabels()}
      action={props.editId ? `/annonces/${props.editId}/modifier` : '/annonces'}
      submit={props.editId ? m('posts.submitEdit') : m('posts.submitNew')}
    >
      <fieldset class={kindError ? 'field field--error' : 'field'} id="champ-kind">
        <legend class="field__label">{m('posts.fieldKind')}</legend>
        {kindError ? (
          <p class="field__error" id="erreur-kind">
            <span class="visually-hidden">{m('form.errorPrefix')} </span>
            <span safe>{errorMessage(kindError)}</span>
          </p>
        ) : (
          ''
        )}
        <label class="choice choice--large">
          <input
            type="radio"
            name="kind"
            value="request"
            checked={kind === 'request'}
            aria-describedby={kindError ? 'erreur-kind' : undefined}
          />
          <span>{m('posts.kindLong.request')}</span>
        </label>
        <label class="choice choice--large">
          <input
            type="radio"
            name="kind"
            value="offer"
            checked={kind === 'offer'}
            aria-describedby={kindError ? 'erreur-kind' : undefined}
          />
          <span>{m('posts.kindLong.offer')}</span>
        </label>
      </fieldset>
      <CategorySelect form={form} categories={props.categories} />
      <TextField
        form={form}
        name="title"
        label={m('posts.fieldTitle')}
        hint={m('posts.fieldTitleHint')}
        required
        maxlength={POST_LIMITS.title}
      />
      <TextAreaField
        form={form}
        name="description"
        label={m('posts.fieldDescription')}
        hint={m('posts.fieldDescriptionHint')}
        maxlength={POST_LIMITS.description}
      />
      <TextField
        form={form}
        name="whenText"
        label={m('posts.fieldWhen')}
        hint={m('posts.fieldWhenHint')}
        maxlength={POST_LIMITS.whenText}
      />
      <div class="form-row">
        <DateInput form={form} name="startsOn" label={m('posts.fieldStartsOn')} />
        <DateInput form={form} name="endsOn" label={m('posts.fieldEndsOn')} />
      </div>
      <TextField
        form={form}
        name="commune"
        label={m('posts.fieldCommune')}
        hint={m('posts.fieldCommuneHint')}
        required
        autocomplete="off"
        maxlength={120}
        list="communes-annonce"
      />
      <CommuneList id="communes-annonce" areas={props.areas} postalCodes />
      <TextField
        form={form}
        name="address"
        label={m('posts.fieldAddress')}
        hint={m('posts.fieldAddressHint')}
        autocomplete="street-address"
        maxlength={POST_LIMITS.address}
      />
      <fieldset class="field">
        <legend class="field__label">{m('posts.contactTitle')}</legend>
        <p class="field__hint">{m('posts.contactLead')}</p>
        <CheckboxField form={form} name="showPhone" label={m('posts.showPhone')} />
        <CheckboxField form={form} name="showEmail" label={m('posts.showEmail')} />
      </fieldset>
    </FormPage>
  );
}

/** « Mes annonces »: every post of the author with its state and actions. */
export function MyPostsPage(props: { page: PageContext; posts: Awaited<ReturnType<PostService['mine']>> }) {
  const { page } = props;
  return (
    <Layout page={page} title={m('posts.mineTitle')}>
      <h1>{m('posts.mineTitle')}</h1>
      <p>
        <a class="button" href="/annonces/nouvelle">
          {m('posts.publish')}
        </a>
      </p>
      <CardList count={props.posts.length} empty={m('posts.mineEmpty')}>
        {props.posts.map((p) => (
          <li class="post-card">
            <p class="post-card__meta">
              <KindBadge kind={p.kind} />
              <span class={`status status--${p.status}`}>{m(`posts.status.${p.status}`)}</span>
            </p>
            <h2 class="post-card__title">
              <a href={`/annonces/${p.id}`} safe>
                {p.title}
              </a>
            </h2>
            <p class="post-card__footer">
              <span safe>{t('posts.publishedOn', { date: formatDate(p.publishedAt) })}</span>
              {p.status === 'open' ? (
                <>
                  {' · '}
                  <span safe>{t('posts.expiresOn', { date: formatDate(p.expiresAt) })}</span>
                </>
              ) : (
                ''
              )}
            </p>
            <AuthorActions page={page} id={p.id} actions={p.actions} />
          </li>
        ))}
      </CardList>
    </Layout>
  );
}

/** The report form of a post. */
/** Index pages: every category, or every commune, with its number of open posts. */
export function BrowsePage(props: {
  page: PageContext;
  title: string;
  items: Array<{ href: string; label: string; count: number }>;
}) {
  return (
    <Layout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <ul class="browse-grid">
        {props.items.map((i) => (
          <li>
            <a href={i.href}>
              <span safe>{i.label}</span>{' '}
              <span class="choice__count" safe>
                {t('posts.openCount', { count: i.count })}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
