import {
  DOMAINS,
  ORGANIZATION_KINDS,
  ORGANIZATION_ROLES,
  type OrganizationKind,
  type OrganizationRole,
} from '../../../db/schema.ts';
import { ORGANIZATION_LIMITS as L } from '../../../domain/organizations.ts';
import { categoryOptions, CheckboxGroup, DateInput, TextArea } from '../../../web/components/choices.tsx';
import {
  ActionButton,
  attributeText,
  CheckboxField,
  ErrorSummary,
  fieldErrorsOnly,
  PostForm,
  SelectField,
  TextField,
  type FormState,
} from '../../../web/components/forms.tsx';
import { FormPage } from '../../../web/components/FormPage.tsx';
import { Layout } from '../../../web/components/Layout.tsx';
import { CardList, ListLayout, PageHeading, Pagination, ResultCard } from '../../../web/components/lists.tsx';
import { MapSection, type MapTerritory } from '../../../web/components/map.tsx';
import {
  PlaceFilter,
  CommuneList,
  DomainFilter,
  FilterActions,
  SearchProblems,
} from '../../../web/components/search.tsx';
import { formatDate, formatNumber, m, t } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import type { AreaSummary, CategoryRow } from '../../territory/service.ts';
import type { OrganizationService, PublicOrganization } from '../service.ts';

type Directory = Awaited<ReturnType<OrganizationService['directory']>>;
type Projects = Awaited<ReturnType<OrganizationService['projects']>>['projects'];

const KIND_KEYS = {
  association: 'orgs.kind.association',
  ccas: 'orgs.kind.ccas',
  commune: 'orgs.kind.commune',
  sante: 'orgs.kind.sante',
  entreprise: 'orgs.kind.entreprise',
  autre: 'orgs.kind.autre',
} as const;
const ROLE_KEYS = { owner: 'orgs.role.owner', manager: 'orgs.role.manager' } as const;

export const kindLabel = (k: keyof typeof KIND_KEYS) => m(KIND_KEYS[k]);
export const roleLabel = (r: OrganizationRole) => m(ROLE_KEYS[r]);

const orgLabels = () => ({
  name: m('orgs.fieldName'),
  kind: m('orgs.fieldKind'),
  siren: m('orgs.fieldSiren'),
  rna: m('orgs.fieldRna'),
  description: m('orgs.fieldDescription'),
  domains: m('orgs.fieldDomains'),
  categoryIds: m('orgs.fieldCategories'),
  commune: m('orgs.fieldCommune'),
  communes: m('orgs.fieldCommunes'),
  address: m('orgs.fieldAddress'),
  contactEmail: m('orgs.fieldContactEmail'),
  contactPhone: m('orgs.fieldContactPhone'),
  website: m('orgs.fieldWebsite'),
});

/** « Déclarer une structure »: the creation form. */
/**
 * The declaration form, or the team's edit form (`edit`): once the structure is validated, what
 * the admin checked (name, kind, SIREN, RNA) is shown, not editable.
 */
export function OrganizationFormPage(props: {
  page: PageContext;
  form: FormState;
  categories: CategoryRow[];
  areas: AreaSummary[];
  edit?: {
    slug: string;
    validated: boolean;
    /** What the admin checked, as it is in the database (shown, and sent back, when validated). */
    identity: { name: string; kind: OrganizationKind; siren: string; rna: string };
  };
}) {
  const { form, page, edit } = props;
  const id = edit?.identity;
  return (
    <FormPage
      page={page}
      title={edit ? m('orgs.editTitle') : m('orgs.newTitle')}
      lead={edit ? m('orgs.editLead') : m('orgs.newLead')}
      intro={
        edit ? (
          <p class="notice">{edit.validated ? m('orgs.editLocked') : m('orgs.editRejected')}</p>
        ) : undefined
      }
      form={form}
      labels={orgLabels()}
      action={edit ? `/structures/${edit.slug}/modifier` : '/structures'}
      submit={edit ? m('orgs.submitEdit') : m('orgs.submitNew')}
    >
      {edit?.validated && id ? (
        <>
          <dl class="facts org-identity">
            <dt>{m('orgs.fieldName')}</dt>
            <dd safe>{id.name}</dd>
            <dt>{m('orgs.fieldKind')}</dt>
            <dd>{kindLabel(id.kind)}</dd>
            {id.siren ? (
              <>
                <dt>{m('orgs.fieldSiren')}</dt>
                <dd safe>{id.siren}</dd>
              </>
            ) : (
              ''
            )}
            {id.rna ? (
              <>
                <dt>{m('orgs.fieldRna')}</dt>
                <dd safe>{id.rna}</dd>
              </>
            ) : (
              ''
            )}
          </dl>
          {(['name', 'kind', 'siren', 'rna'] as const).map((k) => (
            <input type="hidden" name={k} value={id[k]} />
          ))}
        </>
      ) : (
        <>
          <TextField form={form} name="name" label={m('orgs.fieldName')} required maxlength={L.name} />
          <SelectField
            form={form}
            name="kind"
            label={m('orgs.fieldKind')}
            required
            placeholder={m('orgs.chooseKind')}
            options={ORGANIZATION_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
          />
          <div class="form-row">
            <TextField
              form={form}
              name="siren"
              label={m('orgs.fieldSiren')}
              hint={m('orgs.fieldSirenHint')}
              inputmode="numeric"
              maxlength={20}
            />
            <TextField
              form={form}
              name="rna"
              label={m('orgs.fieldRna')}
              hint={m('orgs.fieldRnaHint')}
              maxlength={20}
            />
          </div>
        </>
      )}
      <TextArea
        form={form}
        name="description"
        label={m('orgs.fieldDescription')}
        hint={m('orgs.fieldDescriptionHint')}
        maxlength={L.description}
        required
      />
      <CheckboxGroup
        form={form}
        name="domains"
        legend={m('orgs.fieldDomains')}
        options={DOMAINS.map((d) => ({ value: d, label: m(`domain.${d}`) }))}
      />
      <CheckboxGroup
        form={form}
        name="categoryIds"
        legend={m('orgs.fieldCategories')}
        columns
        options={categoryOptions(props.categories)}
      />
      <TextField
        form={form}
        name="commune"
        label={m('orgs.fieldCommune')}
        hint={m('posts.fieldCommuneHint')}
        required
        maxlength={120}
      />
      <TextField
        form={form}
        name="communes"
        label={m('orgs.fieldCommunes')}
        hint={m('orgs.fieldCommunesHint')}
        maxlength={1000}
      />
      <TextField
        form={form}
        name="address"
        label={m('orgs.fieldAddress')}
        hint={m('orgs.fieldAddressHint')}
        autocomplete="street-address"
        maxlength={L.address}
      />
      <CheckboxField form={form} name="showAddress" label={m('orgs.showAddress')} />
      <fieldset class="field">
        <legend class="field__label">{m('orgs.contactTitle')}</legend>
        <p class="field__hint">{m('orgs.contactLead')}</p>
        <TextField
          form={form}
          name="contactEmail"
          label={m('orgs.fieldContactEmail')}
          type="email"
          maxlength={254}
        />
        <TextField
          form={form}
          name="contactPhone"
          label={m('orgs.fieldContactPhone')}
          type="tel"
          maxlength={25}
        />
        <TextField
          form={form}
          name="website"
          label={m('orgs.fieldWebsite')}
          hint={m('orgs.fieldWebsiteHint')}
          maxlength={L.website}
        />
      </fieldset>
    </FormPage>
  );
}

function StatusNotice(props: { o: PublicOrganization; reason: string | null }) {
  if (props.o.status === 'validated') return <></>;
  if (props.o.status === 'pending')
    return <div class="notice notice--warning">{m('orgs.pendingNotice')}</div>;
  return (
    <div class="notice notice--warning">
      <p>{m('orgs.rejectedNotice')}</p>
      {props.reason ? <p safe>{props.reason}</p> : ''}
    </div>
  );
}

/** The public page of a structure: what it does, where, how to reach it, its projects and missions. */
export function OrganizationPage(props: {
  page: PageContext;
  o: PublicOrganization;
  team: boolean;
  rejectionReason: string | null;
  projects: Projects;
  missions: Array<{ id: string; title: string; placesLeft: number; status: string }>;
}) {
  const { o, page } = props;
  return (
    <Layout page={page} title={o.name}>
      <p>
        <a href="/structures">{m('orgs.backToDirectory')}</a>
      </p>
      <article class="post" aria-labelledby="titre-structure">
        <p class="post__meta">
          <span class="badge badge--org">{kindLabel(o.kind)}</span>
        </p>
        <h1 id="titre-structure" safe>
          {o.name}
        </h1>
        <StatusNotice o={o} reason={props.rejectionReason} />
        {props.team ? (
          <p>
            <a class="button" href={`/structures/${o.slug}/gestion`}>
              {m('orgs.manage')}
            </a>{' '}
            <a class="button button--secondary" href={`/structures/${o.slug}/modifier`}>
              {m('orgs.edit')}
            </a>
          </p>
        ) : (
          ''
        )}
        <div class="post__description">
          {o.description.split('\n').map((line) => (
            <p safe>{line}</p>
          ))}
        </div>
        <dl class="facts">
          <dt>{m('orgs.fieldCommune')}</dt>
          <dd>
            <span safe>{o.area.name}</span>
            {o.address ? (
              <>
                <br />
                <span safe>{o.address}</span>
              </>
            ) : (
              ''
            )}
          </dd>
          {o.areasCovered.length > 0 ? (
            <>
              <dt>{m('orgs.areasCovered')}</dt>
              <dd safe>{o.areasCovered.map((a) => a.name).join(', ')}</dd>
            </>
          ) : (
            ''
          )}
          {o.domains.length > 0 ? (
            <>
              <dt>{m('orgs.fieldDomains')}</dt>
              <dd safe>{o.domains.map((d) => m(`domain.${d}`)).join(', ')}</dd>
            </>
          ) : (
            ''
          )}
          {o.categories.length > 0 ? (
            <>
              <dt>{m('orgs.fieldCategories')}</dt>
              <dd safe>{o.categories.map((c) => c.name).join(', ')}</dd>
            </>
          ) : (
            ''
          )}
          {o.contact.email || o.contact.phone || o.contact.website ? (
            <>
              <dt>{m('orgs.contactTitle')}</dt>
              <dd>
                {o.contact.phone ? (
                  <p>
                    <a href={`tel:${o.contact.phone.replace(/\s/g, '')}`} safe>
                      {o.contact.phone}
                    </a>
                  </p>
                ) : (
                  ''
                )}
                {o.contact.email ? (
                  <p>
                    <a href={`mailto:${attributeText(o.contact.email)}`} safe>
                      {o.contact.email}
                    </a>
                  </p>
                ) : (
                  ''
                )}
                {o.contact.website ? (
                  <p>
                    <a href={attributeText(o.contact.website)} rel="nofollow noopener" safe>
                      {o.contact.website}
                    </a>
                  </p>
                ) : (
                  ''
                )}
              </dd>
            </>
          ) : (
            ''
          )}
        </dl>
      </article>
      <section aria-labelledby="titre-missions-structure">
        <h2 id="titre-missions-structure">{m('orgs.missionsTitle')}</h2>
        <CardList count={props.missions.length} empty={m('orgs.noMissions')}>
          {props.missions.map((mi) => (
            <li class="post-card">
              <h3 class="post-card__title">
                <a href={`/missions/${mi.id}`} safe>
                  {mi.title}
                </a>
              </h3>
              <p class="post-card__footer" safe>
                {mi.status === 'full'
                  ? m('missions.full')
                  : t('missions.placesLeft', { count: mi.placesLeft })}
              </p>
            </li>
          ))}
        </CardList>
      </section>
      <section aria-labelledby="titre-projets-structure">
        <h2 id="titre-projets-structure">{m('projects.title')}</h2>
        <CardList count={props.projects.length} empty={m('projects.none')}>
          <ProjectItems projects={props.projects} />
        </CardList>
      </section>
    </Layout>
  );
}

/** The directory of validated structures, with its filters (a GET form: works without JavaScript). */
export function DirectoryPage(props: { page: PageContext; d: Directory; raw: Record<string, string> }) {
  const { d, page, raw } = props;
  const next = new URLSearchParams({ ...raw, page: String(d.page + 1) }).toString();
  const query = new URLSearchParams(raw).toString();
  return (
    <Layout page={page} title={m('orgs.directoryTitle')}>
      <PageHeading title={m('orgs.directoryTitle')} lead={m('orgs.directoryLead')}>
        <a class="button" href="/structures/nouvelle">
          {m('orgs.declare')}
        </a>
        <a href="/projets">{m('projects.title')}</a>
        <a href="/missions">{m('nav.missions')}</a>
      </PageHeading>
      <ListLayout
        labelledBy="titre-structures"
        filters={
          <>
            <DirectoryFilterForm action="/structures" d={d} raw={raw} />
            <p>
              <a href={attributeText(`/structures/carte${query ? `?${query}` : ''}`)}>{m('orgs.mapLink')}</a>
            </p>
            <p>
              <a href="/missions/carte">{m('missions.mapLink')}</a>
            </p>
          </>
        }
      >
        <h2 id="titre-structures" class="results-count" role="status" safe>
          {t('orgs.count', { count: formatNumber(d.total) })}
        </h2>
        <SearchProblems problems={Object.values(d.problems)} />
        <OrganizationList d={d} />
        <Pagination href={d.hasNext ? `/structures?${next}` : null} label={m('orgs.nextPage')} />
      </ListLayout>
    </Layout>
  );
}

/** The structures found, as cards. */
function OrganizationList(props: { d: Directory }) {
  return (
    <CardList count={props.d.organizations.length} empty={m('orgs.noResults')}>
      {props.d.organizations.map((o) => (
        <OrganizationCard o={o} />
      ))}
    </CardList>
  );
}

/** The directory's filters (a GET form), on the list and on its map. */
function DirectoryFilterForm(props: { action: string; d: Directory; raw: Record<string, string> }) {
  const { d, raw } = props;
  return (
    <form method="get" action={props.action} class="filters" aria-label={m('orgs.filters')}>
      <DomainFilter value={raw.domaine ?? ''} />
      <div class="field">
        <label class="field__label" for="filtre-categorie">
          {m('orgs.fieldCategories')}
        </label>
        <select class="field__select" id="filtre-categorie" name="categorie">
          <option value="">{m('map.filterCategoryAll')}</option>
          {d.categories.map((c) => (
            <option value={c.slug} selected={raw.categorie === c.slug} safe>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <PlaceFilter name="commune" value={raw.commune} hint>
        <CommuneList id="liste-communes" areas={d.areas} />
      </PlaceFilter>
      <FilterActions reset={props.action} />
    </form>
  );
}

/** The directory on a map (the same filters): the list under it is the page without JavaScript. */
export function OrganizationMapPage(props: {
  page: PageContext;
  territory: MapTerritory;
  d: Directory;
  raw: Record<string, string>;
  urls: { js: string; css: string; areas: string };
  messages: Record<string, string>;
}) {
  const { page, d, raw } = props;
  const query = new URLSearchParams(raw).toString();
  const suffix = query ? `?${query}` : '';
  return (
    <Layout page={page} title={m('orgs.mapTitle')}>
      <link rel="stylesheet" href={props.urls.css} />
      <script src={props.urls.js} defer></script>
      <PageHeading title={m('orgs.mapTitle')} lead={m('orgs.mapLead')}>
        <a href={attributeText(`/structures${suffix}`)}>{m('orgs.mapBackToList')}</a>
      </PageHeading>
      <DirectoryFilterForm action="/structures/carte" d={d} raw={raw} />
      <SearchProblems problems={Object.values(d.problems)} />
      <MapSection
        territory={props.territory}
        label={t('orgs.mapTitle')}
        skipTo="liste-structures"
        skipLabel={t('orgs.mapSkip')}
        noScript={t('orgs.mapNoScript')}
        points={`/api/v1/organizations.geojson${suffix}`}
        list={`/structures${suffix}`}
        areas={props.urls.areas}
        messages={props.messages}
      />
      <section class="map-list" id="liste-structures" tabindex="-1" aria-labelledby="titre-liste-structures">
        <h2 id="titre-liste-structures" safe>
          {t('orgs.count', { count: formatNumber(d.total) })}
        </h2>
        <OrganizationList d={d} />
        {d.hasNext ? (
          <p>
            <a class="button button--secondary" href={attributeText(`/structures${suffix}`)}>
              {m('orgs.mapListAll')}
            </a>
          </p>
        ) : (
          ''
        )}
      </section>
    </Layout>
  );
}

function OrganizationCard(props: { o: PublicOrganization }) {
  const { o } = props;
  return (
    <ResultCard
      id={`structure-${o.id}`}
      href={`/structures/${o.slug}`}
      title={o.name}
      meta={<span class="badge badge--org">{kindLabel(o.kind)}</span>}
      category={o.domains.map((d) => m(`domain.${d}`)).join(' · ')}
      excerpt={o.description.length > 240 ? `${o.description.slice(0, 240)}…` : o.description}
    >
      <p class="post-card__place" safe>
        {o.area.name}
      </p>
    </ResultCard>
  );
}

/** Projects and initiatives, as cards (the `<li>` of a CardList). */
function ProjectItems(props: { projects: Projects; showOrganization?: boolean }) {
  return (
    <>
      {props.projects.map((p) => (
        <li class="post-card">
          <article aria-labelledby={`projet-${p.id}`}>
            <h3 class="post-card__title" id={`projet-${p.id}`} safe>
              {p.title}
            </h3>
            {props.showOrganization ? (
              <p class="post-card__meta">
                <a href={`/structures/${p.organizationSlug}`} safe>
                  {p.organizationName}
                </a>
              </p>
            ) : (
              ''
            )}
            <p class="post-card__excerpt" safe>
              {p.description}
            </p>
            <p class="post-card__footer">
              {p.areaName ? <span safe>{p.areaName}</span> : ''}
              {p.startsOn ? (
                <span safe>{` · ${t('posts.from', { date: formatDate(p.startsOn) })}`}</span>
              ) : (
                ''
              )}
              {p.endsOn ? <span safe>{` · ${t('posts.until', { date: formatDate(p.endsOn) })}`}</span> : ''}
              {p.link ? (
                <>
                  {' · '}
                  <a href={attributeText(p.link)} rel="nofollow noopener">
                    {m('projects.link')}
                  </a>
                </>
              ) : (
                ''
              )}
            </p>
          </article>
        </li>
      ))}
    </>
  );
}

/** « Projets et initiatives » of the territory. */
export function ProjectsPage(props: {
  page: PageContext;
  projects: Projects;
  total: number;
  hasNext: boolean;
  pageNo: number;
}) {
  return (
    <Layout page={props.page} title={m('projects.title')}>
      <PageHeading
        title={m('projects.title')}
        lead={t('projects.count', { count: formatNumber(props.total) })}
      />
      <CardList count={props.projects.length} empty={m('projects.none')}>
        <ProjectItems projects={props.projects} showOrganization />
      </CardList>
      <Pagination
        href={props.hasNext ? `/projets?page=${props.pageNo + 1}` : null}
        label={m('orgs.nextPage')}
      />
    </Layout>
  );
}

/** The project form of a structure. */
export function ProjectFormPage(props: { page: PageContext; form: FormState; slug: string; name: string }) {
  const { form, page } = props;
  return (
    <FormPage
      page={page}
      title={m('projects.newTitle')}
      lead={props.name}
      form={form}
      action={`/structures/${props.slug}/projets`}
      submit={m('projects.submit')}
      labels={{
        title: m('projects.fieldTitle'),
        description: m('projects.fieldDescription'),
        startsOn: m('posts.fieldStartsOn'),
        endsOn: m('posts.fieldEndsOn'),
        commune: m('posts.fieldCommune'),
        link: m('projects.fieldLink'),
      }}
    >
      <TextField
        form={form}
        name="title"
        label={m('projects.fieldTitle')}
        required
        maxlength={L.projectTitle}
      />
      <TextArea
        form={form}
        name="description"
        label={m('projects.fieldDescription')}
        maxlength={L.projectDescription}
        required
      />
      <div class="form-row">
        <DateInput form={form} name="startsOn" label={m('posts.fieldStartsOn')} />
        <DateInput form={form} name="endsOn" label={m('posts.fieldEndsOn')} />
      </div>
      <TextField form={form} name="commune" label={m('posts.fieldCommune')} maxlength={120} />
      <TextField
        form={form}
        name="link"
        label={m('projects.fieldLink')}
        hint={m('orgs.fieldWebsiteHint')}
        maxlength={L.website}
      />
    </FormPage>
  );
}

/** The admin's queue: structures waiting for validation, each with « Valider » and « Refuser ». */
export function AdminOrganizationsPage(props: {
  page: PageContext;
  pending: Awaited<ReturnType<OrganizationService['pending']>> & object;
  form: FormState;
  formFor: string | null;
}) {
  const { page } = props;
  return (
    <Layout page={page} title={m('orgs.adminTitle')}>
      <h1>{m('orgs.adminTitle')}</h1>
      <p class="lead">{m('orgs.adminLead')}</p>
      <CardList count={props.pending.length} empty={m('orgs.adminEmpty')}>
        {props.pending.map((o) => {
          const form = props.formFor === o.id ? props.form : { errors: {}, values: {} };
          return (
            <li class="post-card">
              <article aria-labelledby={`attente-${o.id}`}>
                <p class="post-card__meta">
                  <span class="badge badge--org">{kindLabel(o.kind)}</span>
                  <span safe>{o.areaName}</span>
                </p>
                <h2 class="post-card__title" id={`attente-${o.id}`}>
                  <a href={`/structures/${o.slug}`} safe>
                    {o.name}
                  </a>
                </h2>
                <p class="post-card__excerpt" safe>
                  {o.description}
                </p>
                <p class="post-card__footer">
                  <span safe>
                    {t('orgs.declaredBy', { name: o.creatorName ?? '', date: formatDate(o.createdAt) })}
                  </span>
                  {o.siren ? <span safe>{` · SIREN ${o.siren}`}</span> : ''}
                  {o.rna ? <span safe>{` · RNA ${o.rna}`}</span> : ''}
                </p>
                <div class="author-actions__buttons">
                  <ActionButton
                    action={`/admin/structures/${o.id}/valider`}
                    csrfToken={page.csrfToken}
                    label={m('orgs.validate')}
                  />
                </div>
                <PostForm action={`/admin/structures/${o.id}/refuser`} csrfToken={page.csrfToken}>
                  <TextArea
                    form={{ errors: form.errors, values: form.values }}
                    name="reason"
                    label={m('orgs.rejectReason')}
                    hint={m('orgs.rejectReasonHint')}
                    maxlength={L.rejectionReason}
                    required
                    rows={2}
                  />
                  <button type="submit" class="button button--danger">
                    {m('orgs.reject')}
                  </button>
                </PostForm>
              </article>
            </li>
          );
        })}
      </CardList>
    </Layout>
  );
}

/** The page an invitation link opens: join the team (signed in). */
export function InvitationPage(props: {
  page: PageContext;
  token: string;
  name: string;
  role: OrganizationRole;
}) {
  return (
    <Layout page={props.page} title={m('orgs.invitationTitle')}>
      <div class="panel narrow">
        <h1>{m('orgs.invitationTitle')}</h1>
        <p safe>{t('orgs.invitationLead', { name: props.name, role: roleLabel(props.role) })}</p>
        <PostForm action="/structures/invitation" csrfToken={props.page.csrfToken}>
          <input type="hidden" name="jeton" value={attributeText(props.token)} />
          <button type="submit" class="button">
            {m('orgs.invitationAccept')}
          </button>
        </PostForm>
      </div>
    </Layout>
  );
}

/** The team box of the dashboard: members, open invitations, the invitation form. */
export function TeamSection(props: {
  page: PageContext;
  slug: string;
  role: OrganizationRole;
  members: Array<{ displayName: string; email: string; role: OrganizationRole }>;
  invitations: Array<{ email: string; role: OrganizationRole }>;
  form: FormState;
}) {
  const { form } = props;
  return (
    <section class="panel" aria-labelledby="titre-equipe">
      <h2 id="titre-equipe">{m('orgs.teamTitle')}</h2>
      <ul>
        {props.members.map((mb) => (
          <li>
            <span safe>{mb.displayName}</span> — <span safe>{mb.email}</span> ({roleLabel(mb.role)})
          </li>
        ))}
        {props.invitations.map((i) => (
          <li>
            <span safe>{i.email}</span> — {m('orgs.invited')} ({roleLabel(i.role)})
          </li>
        ))}
      </ul>
      <h3>{m('orgs.inviteTitle')}</h3>
      <ErrorSummary
        form={fieldErrorsOnly(form)}
        labels={{ email: m('account.email'), role: m('orgs.fieldRole') }}
      />
      <PostForm action={`/structures/${props.slug}/invitations`} csrfToken={props.page.csrfToken}>
        <TextField
          form={form}
          name="email"
          label={m('account.email')}
          type="email"
          required
          maxlength={254}
        />
        <SelectField
          form={form}
          name="role"
          label={m('orgs.fieldRole')}
          required
          placeholder={m('orgs.chooseRole')}
          options={ORGANIZATION_ROLES.filter((r) => props.role === 'owner' || r !== 'owner').map((r) => ({
            value: r,
            label: roleLabel(r),
          }))}
        />
        <button type="submit" class="button">
          {m('orgs.inviteSubmit')}
        </button>
      </PostForm>
    </section>
  );
}
