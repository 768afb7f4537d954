import {
  DOMAINS,
  ORGANIZATION_KINDS,
  ORGANIZATION_ROLES,
  type OrganizationRole,
} from '../../../db/schema.ts';
import { ORGANIZATION_LIMITS as L } from '../../../domain/organizations.ts';
import {
  CheckboxGroup,
  fieldErrorsOnly,
  FormNotice,
  InputField,
  TextArea,
} from '../../../web/components/choices.tsx';
import {
  attributeText,
  CheckboxField,
  ErrorSummary,
  PostForm,
  SelectField,
  TextField,
  type FormState,
} from '../../../web/components/forms.tsx';
import { Layout } from '../../../web/components/Layout.tsx';
import { errorMessage, formatDate, formatNumber, m, t } from '../../../web/i18n/index.ts';
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
export function OrganizationFormPage(props: {
  page: PageContext;
  form: FormState;
  categories: CategoryRow[];
  areas: AreaSummary[];
}) {
  const { form, page } = props;
  return (
    <Layout page={page} title={m('orgs.newTitle')}>
      <div class="narrow">
        <h1>{m('orgs.newTitle')}</h1>
        <p class="lead">{m('orgs.newLead')}</p>
        <FormNotice form={form} />
        <ErrorSummary form={fieldErrorsOnly(form)} labels={orgLabels()} />
        <PostForm action="/structures" csrfToken={page.csrfToken}>
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
            options={props.categories.map((c) => ({ value: c.id, label: c.name }))}
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
          <button type="submit" class="button button--wide">
            {m('orgs.submitNew')}
          </button>
        </PostForm>
      </div>
    </Layout>
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
        {props.missions.length === 0 ? (
          <p class="empty">{m('orgs.noMissions')}</p>
        ) : (
          <ul class="post-list">
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
          </ul>
        )}
      </section>
      <section aria-labelledby="titre-projets-structure">
        <h2 id="titre-projets-structure">{m('projects.title')}</h2>
        {props.projects.length === 0 ? (
          <p class="empty">{m('projects.none')}</p>
        ) : (
          <ProjectList projects={props.projects} />
        )}
      </section>
    </Layout>
  );
}

/** The directory of validated structures, with its filters (a GET form: works without JavaScript). */
export function DirectoryPage(props: { page: PageContext; d: Directory; raw: Record<string, string> }) {
  const { d, page, raw } = props;
  const problems = Object.values(d.problems);
  const next = new URLSearchParams({ ...raw, page: String(d.page + 1) }).toString();
  return (
    <Layout page={page} title={m('orgs.directoryTitle')}>
      <div class="page-heading">
        <h1>{m('orgs.directoryTitle')}</h1>
        <p class="lead">{m('orgs.directoryLead')}</p>
        <p class="page-heading__actions">
          <a class="button" href="/structures/nouvelle">
            {m('orgs.declare')}
          </a>
          <a href="/projets">{m('projects.title')}</a>
          <a href="/missions">{m('nav.missions')}</a>
        </p>
      </div>
      <div class="list-layout">
        <aside class="list-layout__filters">
          <form method="get" action="/structures" class="filters" aria-label={m('orgs.filters')}>
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
            <div class="field">
              <label class="field__label" for="filtre-commune">
                {m('posts.filterCommune')}
              </label>
              <p class="field__hint" id="aide-filtre-commune">
                {m('posts.filterCommuneHint')}
              </p>
              <input
                class="field__input"
                id="filtre-commune"
                name="commune"
                list="liste-communes"
                value={attributeText(raw.commune)}
                autocomplete="off"
                maxlength={120}
                aria-describedby="aide-filtre-commune"
              />
              <datalist id="liste-communes">
                {d.areas.map((a) => (
                  <option value={attributeText(a.name)}></option>
                ))}
              </datalist>
            </div>
            <p class="filters__actions">
              <button type="submit" class="button">
                {m('posts.apply')}
              </button>
              <a href="/structures">{m('posts.reset')}</a>
            </p>
          </form>
          <p>
            <a href="/missions/carte">{m('missions.mapLink')}</a>
          </p>
        </aside>
        <section class="list-layout__results" aria-labelledby="titre-structures">
          <h2 id="titre-structures" class="results-count" role="status" safe>
            {t('orgs.count', { count: formatNumber(d.total) })}
          </h2>
          {problems.length > 0 ? (
            <div class="notice notice--warning" role="status">
              {problems.map((e) => (
                <p safe>{errorMessage(e)}</p>
              ))}
            </div>
          ) : (
            ''
          )}
          {d.organizations.length === 0 ? (
            <p class="empty">{m('orgs.noResults')}</p>
          ) : (
            <ul class="post-list">
              {d.organizations.map((o) => (
                <OrganizationCard o={o} />
              ))}
            </ul>
          )}
          {d.hasNext ? (
            <nav class="pagination" aria-label="Pagination">
              <a class="button button--secondary" href={attributeText(`/structures?${next}`)}>
                {m('orgs.nextPage')}
              </a>
            </nav>
          ) : (
            ''
          )}
        </section>
      </div>
    </Layout>
  );
}

function OrganizationCard(props: { o: PublicOrganization }) {
  const { o } = props;
  return (
    <li class="post-card">
      <article aria-labelledby={`structure-${o.id}`}>
        <p class="post-card__meta">
          <span class="badge badge--org">{kindLabel(o.kind)}</span>
          <span class="post-card__category" safe>
            {o.domains.map((d) => m(`domain.${d}`)).join(' · ')}
          </span>
        </p>
        <h3 class="post-card__title" id={`structure-${o.id}`}>
          <a href={`/structures/${o.slug}`} safe>
            {o.name}
          </a>
        </h3>
        <p class="post-card__excerpt" safe>
          {o.description.length > 240 ? `${o.description.slice(0, 240)}…` : o.description}
        </p>
        <p class="post-card__place" safe>
          {o.area.name}
        </p>
      </article>
    </li>
  );
}

/** Projects and initiatives, as cards. */
export function ProjectList(props: { projects: Projects; showOrganization?: boolean }) {
  return (
    <ul class="post-list">
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
    </ul>
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
      <div class="page-heading">
        <h1>{m('projects.title')}</h1>
        <p class="lead" safe>
          {t('projects.count', { count: formatNumber(props.total) })}
        </p>
      </div>
      {props.projects.length === 0 ? (
        <p class="empty">{m('projects.none')}</p>
      ) : (
        <ProjectList projects={props.projects} showOrganization />
      )}
      {props.hasNext ? (
        <nav class="pagination" aria-label="Pagination">
          <a class="button button--secondary" href={`/projets?page=${props.pageNo + 1}`}>
            {m('orgs.nextPage')}
          </a>
        </nav>
      ) : (
        ''
      )}
    </Layout>
  );
}

/** The project form of a structure. */
export function ProjectFormPage(props: { page: PageContext; form: FormState; slug: string; name: string }) {
  const { form, page } = props;
  return (
    <Layout page={page} title={m('projects.newTitle')}>
      <div class="narrow">
        <h1>{m('projects.newTitle')}</h1>
        <p class="lead" safe>
          {props.name}
        </p>
        <FormNotice form={form} />
        <ErrorSummary
          form={fieldErrorsOnly(form)}
          labels={{
            title: m('projects.fieldTitle'),
            description: m('projects.fieldDescription'),
            startsOn: m('posts.fieldStartsOn'),
            endsOn: m('posts.fieldEndsOn'),
            commune: m('posts.fieldCommune'),
            link: m('projects.fieldLink'),
          }}
        />
        <PostForm action={`/structures/${props.slug}/projets`} csrfToken={page.csrfToken}>
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
          <button type="submit" class="button button--wide">
            {m('projects.submit')}
          </button>
        </PostForm>
      </div>
    </Layout>
  );
}

/** An optional date field (type=date), keeping its value and showing its error. */
export const DateInput = (props: { form: FormState; name: string; label: string }) =>
  InputField({ ...props, type: 'date', optional: true });

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
      {props.pending.length === 0 ? (
        <p class="empty">{m('orgs.adminEmpty')}</p>
      ) : (
        <ul class="post-list">
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
                    <PostForm
                      action={`/admin/structures/${o.id}/valider`}
                      csrfToken={page.csrfToken}
                      class="inline-form"
                    >
                      <button type="submit" class="button">
                        {m('orgs.validate')}
                      </button>
                    </PostForm>
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
        </ul>
      )}
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

/** The « Domaine » filter of the directory and of the mission search. */
export function DomainFilter(props: { value: string }) {
  return (
    <div class="field">
      <label class="field__label" for="filtre-domaine">
        {m('orgs.fieldDomains')}
      </label>
      <select class="field__select" id="filtre-domaine" name="domaine">
        <option value="">{m('orgs.allDomains')}</option>
        {DOMAINS.map((d) => (
          <option value={d} selected={props.value === d}>
            {m(`domain.${d}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
