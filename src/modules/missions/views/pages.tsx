import {
  DAY_PARTS,
  DECLINE_REASONS,
  DOMAINS,
  WEEKDAYS,
  type ApplicationStatus,
  type MissionStatus,
  type OrganizationRole,
} from '../../../db/schema.ts';
import { MISSION_LIMITS as L } from '../../../domain/missions.ts';
import {
  CategorySelect,
  CheckboxGroup,
  DateInput,
  InputField,
  TextArea,
} from '../../../web/components/choices.tsx';
import {
  ActionButton,
  attributeText,
  CheckboxField,
  FormNotice,
  FormProblems,
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
  CheckboxFilter,
  PlaceFilter,
  CommuneList,
  DomainFilter,
  FilterActions,
  FilterPanel,
  RadiusFilter,
  SearchProblems,
} from '../../../web/components/search.tsx';
import { formatDate, formatDateTime, m, t } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import { TeamSection } from '../../organizations/views/pages.tsx';
import type { AreaSummary, CategoryRow } from '../../territory/service.ts';
import {
  reasonText,
  type MissionService,
  type PublicMission,
  type PublicSlot,
  type SkillRow,
} from '../service.ts';

type SearchResult = Awaited<ReturnType<MissionService['search']>>;

const STATUS_KEYS = {
  draft: 'missions.status.draft',
  open: 'missions.status.open',
  full: 'missions.status.full',
  closed: 'missions.status.closed',
  cancelled: 'missions.status.cancelled',
} as const;
const APP_STATUS_KEYS = {
  pending: 'applications.status.pending',
  waitlisted: 'applications.status.waitlisted',
  accepted: 'applications.status.accepted',
  declined: 'applications.status.declined',
  withdrawn: 'applications.status.withdrawn',
} as const;
export const missionStatusLabel = (s: MissionStatus) => m(STATUS_KEYS[s]);
export const applicationStatusLabel = (s: ApplicationStatus) => m(APP_STATUS_KEYS[s]);

function slotText(s: { startsAt: Date | null; endsAt: Date | null }): string {
  if (!s.startsAt) return m('missions.slotRecurring');
  const start = formatDateTime(s.startsAt);
  return s.endsAt
    ? t('missions.slotFromTo', { start, end: formatDateTime(s.endsAt).split(' à ').at(-1) ?? '' })
    : start;
}

function whenText(mi: PublicMission): string {
  if (mi.schedule === 'recurring') return mi.recurrenceText;
  if (mi.startsOn && mi.endsOn && mi.startsOn !== mi.endsOn)
    return t('posts.fromTo', { start: formatDate(mi.startsOn), end: formatDate(mi.endsOn) });
  return mi.startsOn ? formatDate(mi.startsOn) : '';
}

function Flags(props: { mi: PublicMission }) {
  const f = props.mi.flags;
  const items = [
    f.remoteOnly ? m('missions.flagRemoteOnly') : f.remotePossible ? m('missions.flagRemote') : '',
    f.reducedMobility ? m('missions.flagMobility') : '',
    f.openToMinors ? m('missions.flagMinors') : '',
  ].filter(Boolean);
  return items.length ? (
    <ul class="tags">
      {items.map((i) => (
        <li class="tag" safe>
          {i}
        </li>
      ))}
    </ul>
  ) : (
    <></>
  );
}

function PlacesBadge(props: { mi: { status: MissionStatus; placesLeft: number } }) {
  return props.mi.status === 'full' ? (
    <span class="status status--full">{m('missions.full')}</span>
  ) : (
    <span class="status status--open" safe>
      {t('missions.placesLeft', { count: props.mi.placesLeft })}
    </span>
  );
}

/** One mission in a list. */
export function MissionCard(props: { mi: PublicMission }) {
  const { mi } = props;
  const when = whenText(mi);
  return (
    <ResultCard
      id={`mission-${mi.id}`}
      href={`/missions/${mi.id}`}
      title={mi.title}
      meta={<PlacesBadge mi={mi} />}
      category={mi.category.name}
      excerpt={mi.description.length >= 240 ? `${mi.description}…` : mi.description}
    >
      <Flags mi={mi} />
      <p class="post-card__place">
        <span safe>{mi.flags.remoteOnly ? m('missions.flagRemoteOnly') : mi.area.name}</span>
        {mi.distance ? <span safe>{` — ${t(mi.distance.key, { value: mi.distance.value })}`}</span> : ''}
        {when ? <span safe>{` · ${when}`}</span> : ''}
      </p>
      <p class="post-card__footer" safe>
        {t('missions.by', { name: mi.organization.name })}
      </p>
    </ResultCard>
  );
}

/** The missions found, as cards. */
function MissionList(props: { missions: PublicMission[]; status?: boolean }) {
  return (
    <CardList count={props.missions.length} empty={m('missions.noResults')} status={props.status}>
      {props.missions.map((mi) => (
        <MissionCard mi={mi} />
      ))}
    </CardList>
  );
}

/** `/missions`: the filters and the list. */
export function MissionListPage(props: {
  page: PageContext;
  result: SearchResult;
  raw: Record<string, string>;
}) {
  const { result, page, raw } = props;
  const s = result.search;
  const nextUrl = () => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(raw)) if (k !== 'apres' && v) q.set(k, v);
    for (const c of s.categorySlugs) q.append('categorie', c);
    for (const c of s.skillSlugs) q.append('competence', c);
    q.set('apres', result.nextCursor ?? '');
    return `/missions?${q.toString()}`;
  };
  return (
    <Layout page={page} title={m('missions.listTitle')}>
      <PageHeading title={m('missions.listTitle')} lead={m('missions.listLead')}>
        <a href="/missions/carte">{m('missions.mapLink')}</a>
        <a href="/structures">{m('nav.organizations')}</a>
        {page.viewer ? <a href="/mes-candidatures">{m('nav.myApplications')}</a> : ''}
        {page.viewer ? <a href="/demandes-confiees">{m('nav.assigned')}</a> : ''}
      </PageHeading>
      <ListLayout
        labelledBy="titre-missions"
        filters={
          <FilterPanel label={m('missions.filters')} active={0}>
            <form method="get" action="/missions" class="filters" aria-label={m('missions.filters')}>
              <DomainFilter value={s.domain ?? ''} />
              <PlaceFilter name="commune" value={raw.commune} />
              <PlaceFilter name="pres" value={raw.pres} />
              <RadiusFilter radii={[5, 10, 20, 30, 50]} value={s.radiusKm} />
              <div class="filters__row">
                <div class="field">
                  <label class="field__label" for="filtre-du">
                    {m('missions.filterFrom')}
                  </label>
                  <input
                    class="field__input"
                    type="date"
                    id="filtre-du"
                    name="du"
                    value={attributeText(s.from)}
                  />
                </div>
                <div class="field">
                  <label class="field__label" for="filtre-au">
                    {m('missions.filterTo')}
                  </label>
                  <input
                    class="field__input"
                    type="date"
                    id="filtre-au"
                    name="au"
                    value={attributeText(s.to)}
                  />
                </div>
              </div>
              <label class="choice">
                <input type="checkbox" name="distance" value="oui" checked={s.remote} />
                <span>{m('missions.filterRemote')}</span>
              </label>
              <CheckboxFilter
                legend={m('missions.filterSkills')}
                name="competence"
                options={result.skills.map((k) => ({ value: k.slug, label: k.name }))}
                checked={s.skillSlugs}
              />
              <CheckboxFilter
                legend={m('posts.filterCategories')}
                name="categorie"
                options={result.categories.map((c) => ({ value: c.slug, label: c.name }))}
                checked={s.categorySlugs}
              />
              <CommuneList id="liste-communes" areas={result.areas} />
              <FilterActions reset="/missions" />
            </form>
          </FilterPanel>
        }
      >
        <h2 id="titre-missions" class="visually-hidden">
          {m('missions.listTitle')}
        </h2>
        <SearchProblems problems={Object.values(s.problems)} />
        <MissionList missions={result.missions} status />
        <Pagination href={result.nextCursor ? nextUrl() : null} label={m('missions.nextPage')} />
      </ListLayout>
    </Layout>
  );
}

const applyLabels = () => ({
  slotId: m('missions.chooseSlot'),
  message: m('missions.applyMessage'),
  ageConfirmed: m('missions.ageConfirm'),
});

/** A mission: what, when, where, places, and the application form (or the person's application). */
export function MissionPage(props: {
  page: PageContext;
  mi: PublicMission;
  slots: PublicSlot[];
  team: boolean;
  mine: Array<{ id: string; status: ApplicationStatus }>;
  form: FormState;
}) {
  const { mi, page, form } = props;
  const live = props.mine.find((a) => a.status !== 'withdrawn' && a.status !== 'declined');
  const open = mi.status === 'open' || mi.status === 'full';
  return (
    <Layout page={page} title={mi.title}>
      <p>
        <a href="/missions">{m('missions.backToList')}</a>
      </p>
      <article class="post" aria-labelledby="titre-mission">
        <p class="post__meta">
          <PlacesBadge mi={mi} />
          <span class="post__category" safe>
            {mi.category.name}
          </span>
        </p>
        <h1 id="titre-mission" safe>
          {mi.title}
        </h1>
        <p>
          <a href={`/structures/${mi.organization.slug}`} safe>
            {t('missions.by', { name: mi.organization.name })}
          </a>
        </p>
        {mi.status === 'full' && !live && !props.team ? (
          <div class="notice notice--warning">{m('missions.fullNotice')}</div>
        ) : (
          ''
        )}
        {mi.status === 'closed' || mi.status === 'cancelled' ? (
          <div class="notice notice--warning">{missionStatusLabel(mi.status)}</div>
        ) : (
          ''
        )}
        <div class="post__description">
          {mi.description.split('\n').map((line) => (
            <p safe>{line}</p>
          ))}
        </div>
        <Flags mi={mi} />
        <dl class="facts">
          <dt>{m('missions.fieldWhen')}</dt>
          <dd>
            <ul class="slot-list">
              {props.slots.map((s) => (
                <li>
                  <span safe>{mi.schedule === 'recurring' ? mi.recurrenceText : slotText(s)}</span>{' '}
                  <span class="choice__count" safe>
                    {s.placesLeft > 0
                      ? t('missions.placesOf', { left: s.placesLeft, total: s.capacity })
                      : t('missions.full')}
                  </span>
                </li>
              ))}
            </ul>
          </dd>
          <dt>{m('posts.fieldCommune')}</dt>
          <dd>
            <span safe>{mi.flags.remoteOnly ? m('missions.flagRemoteOnly') : mi.area.name}</span>
            {mi.distance ? <span safe>{` — ${t(mi.distance.key, { value: mi.distance.value })}`}</span> : ''}
          </dd>
          <dt>{m('missions.fieldNeeded')}</dt>
          <dd safe>{t('missions.needed', { count: mi.volunteersNeeded })}</dd>
          {mi.skills.length > 0 ? (
            <>
              <dt>{m('missions.fieldSkills')}</dt>
              <dd safe>{mi.skills.map((s) => s.name).join(', ')}</dd>
            </>
          ) : (
            ''
          )}
          {mi.minAge ? (
            <>
              <dt>{m('missions.fieldMinAge')}</dt>
              <dd safe>{t('missions.minAge', { age: mi.minAge })}</dd>
            </>
          ) : (
            ''
          )}
        </dl>
        {props.team ? (
          <div class="author-actions">
            <p class="author-actions__lead">
              <strong>{m('missions.yourMission')}</strong>{' '}
              <a href={`/missions/${mi.id}/candidatures`}>{m('missions.seeApplications')}</a>
            </p>
            {open ? (
              <div class="author-actions__buttons">
                <a class="button button--secondary" href={`/missions/${mi.id}/modifier`}>
                  {m('missions.edit')}
                </a>
                <ActionButton
                  action={`/missions/${mi.id}/cloturer`}
                  csrfToken={page.csrfToken}
                  label={m('missions.close')}
                  class="button button--secondary"
                />
                <ActionButton
                  action={`/missions/${mi.id}/annuler`}
                  csrfToken={page.csrfToken}
                  label={m('missions.cancel')}
                  class="button button--danger"
                />
              </div>
            ) : (
              ''
            )}
          </div>
        ) : live ? (
          <div class="notice notice--success">
            <p safe>{t('missions.youApplied', { status: applicationStatusLabel(live.status) })}</p>
            <p>
              <a href="/mes-candidatures">{m('nav.myApplications')}</a>
            </p>
          </div>
        ) : open ? (
          page.viewer ? (
            <section class="panel" aria-labelledby="titre-candidater">
              <h2 id="titre-candidater">{m('missions.applyTitle')}</h2>
              {mi.status === 'full' ? <p>{m('missions.applyWaitlist')}</p> : ''}
              <FormProblems form={form} labels={applyLabels()} />
              <PostForm action={`/missions/${mi.id}/candidature`} csrfToken={page.csrfToken}>
                {props.slots.length > 1 ? (
                  <SelectField
                    form={form}
                    name="slotId"
                    label={m('missions.chooseSlot')}
                    required
                    placeholder={m('missions.chooseSlotPlaceholder')}
                    options={props.slots.map((s) => ({
                      value: s.id,
                      label: `${slotText(s)} — ${s.placesLeft > 0 ? t('missions.placesLeft', { count: s.placesLeft }) : m('missions.waitlistOnly')}`,
                    }))}
                  />
                ) : (
                  ''
                )}
                <TextArea
                  form={form}
                  name="message"
                  label={m('missions.applyMessage')}
                  hint={m('missions.applyMessageHint')}
                  maxlength={L.message}
                  rows={4}
                />
                {mi.minAge ? (
                  <CheckboxField
                    form={form}
                    name="ageConfirmed"
                    label={t('missions.ageConfirmLabel', { age: mi.minAge })}
                  />
                ) : (
                  ''
                )}
                <button type="submit" class="button button--wide">
                  {m('missions.applySubmit')}
                </button>
              </PostForm>
            </section>
          ) : (
            <p class="post__actions">
              <a class="button" href="/connexion">
                {m('missions.applySignIn')}
              </a>
            </p>
          )
        ) : (
          ''
        )}
      </article>
    </Layout>
  );
}

const missionLabels = (): Record<string, string> => ({
  title: m('missions.fieldTitle'),
  description: m('missions.fieldDescription'),
  categoryId: m('posts.fieldCategory'),
  schedule: m('missions.fieldSchedule'),
  recurrenceText: m('missions.fieldRecurrence'),
  recurrencePlaces: m('missions.fieldPlaces'),
  recurrenceTo: m('posts.fieldEndsOn'),
  requiredSkillIds: m('missions.fieldSkills'),
  minAge: m('missions.fieldMinAge'),
  commune: m('posts.fieldCommune'),
  address: m('posts.fieldAddress'),
  ...Object.fromEntries(
    Array.from({ length: L.slots }, (_, i) => i + 1).flatMap((n) => [
      [`slotDay${n}`, t('missions.slotDayN', { n })],
      [`slotStart${n}`, t('missions.slotStartN', { n })],
      [`slotEnd${n}`, t('missions.slotEndN', { n })],
      [`slotPlaces${n}`, t('missions.slotPlacesN', { n })],
    ]),
  ),
});

const SmallInput = (props: { form: FormState; name: string; label: string; type: string; min?: string }) =>
  InputField(props);

/** One slot of the mission form: day, start, end, places. */
function SlotRow(props: { form: FormState; n: number }) {
  const { form, n } = props;
  return (
    <div class="form-row form-row--slot">
      <SmallInput form={form} name={`slotDay${n}`} label={t('missions.slotDayN', { n })} type="date" />
      <SmallInput form={form} name={`slotStart${n}`} label={m('missions.slotStart')} type="time" />
      <SmallInput form={form} name={`slotEnd${n}`} label={m('missions.slotEnd')} type="time" />
      <SmallInput
        form={form}
        name={`slotPlaces${n}`}
        label={m('missions.fieldPlaces')}
        type="number"
        min="1"
      />
    </div>
  );
}

/** The mission form of a structure. */
export function MissionFormPage(props: {
  page: PageContext;
  form: FormState;
  slug: string;
  name: string;
  categories: CategoryRow[];
  areas: AreaSummary[];
  skills: SkillRow[];
  /** Editing a published mission: its dates and places are not in the form. */
  edit?: { id: string };
}) {
  const { form, page, edit } = props;
  const schedule = form.values.schedule ?? 'date';
  const moreSlots = Array.from({ length: L.slots - 1 }, (_, i) => i + 2).some((n) =>
    ['slotDay', 'slotStart', 'slotEnd', 'slotPlaces'].some(
      (f) => form.values[`${f}${n}`] || form.errors[`${f}${n}`],
    ),
  );
  const scheduleError = form.errors.schedule;
  return (
    <FormPage
      page={page}
      title={edit ? m('missions.editTitle') : m('missions.newTitle')}
      lead={props.name}
      intro={edit ? <p class="notice">{m('missions.editSchedule')}</p> : undefined}
      form={form}
      labels={missionLabels()}
      action={edit ? `/missions/${edit.id}/modifier` : `/structures/${props.slug}/missions`}
      submit={edit ? m('missions.submitEdit') : m('missions.submitNew')}
    >
      <TextField
        form={form}
        name="title"
        label={m('missions.fieldTitle')}
        hint={m('missions.fieldTitleHint')}
        required
        maxlength={L.title}
      />
      <TextArea
        form={form}
        name="description"
        label={m('missions.fieldDescription')}
        hint={m('missions.fieldDescriptionHint')}
        maxlength={L.description}
        required
      />
      <CategorySelect form={form} categories={props.categories} />
      {edit ? (
        ''
      ) : (
        <>
          <fieldset class={scheduleError ? 'field field--error' : 'field'} id="champ-schedule">
            <legend class="field__label">{m('missions.fieldSchedule')}</legend>
            <p class="field__hint">{m('missions.fieldScheduleHint')}</p>
            {(['date', 'slots', 'recurring'] as const).map((v) => (
              <label class="choice choice--large">
                <input type="radio" name="schedule" value={v} checked={schedule === v} />
                <span>{m(`missions.schedule.${v}`)}</span>
              </label>
            ))}
          </fieldset>
          <fieldset class="field slots">
            <legend class="field__label">{m('missions.slotsTitle')}</legend>
            <p class="field__hint">{m('missions.slotsHint')}</p>
            <SlotRow form={form} n={1} />
            {/* The other rows fold away (open when one is filled or wrong): without JavaScript too. */}
            <details class="more-slots" open={moreSlots || undefined}>
              <summary class="link-button">{m('missions.moreSlots')}</summary>
              {Array.from({ length: L.slots - 1 }, (_, i) => i + 2).map((n) => (
                <SlotRow form={form} n={n} />
              ))}
            </details>
          </fieldset>
          <fieldset class="field">
            <legend class="field__label">{m('missions.recurrenceTitle')}</legend>
            <p class="field__hint">{m('missions.recurrenceHint')}</p>
            <TextField
              form={form}
              name="recurrenceText"
              label={m('missions.fieldRecurrence')}
              hint={m('missions.fieldRecurrenceHint')}
              maxlength={L.recurrenceText}
            />
            <CheckboxGroup
              form={form}
              name="recurrenceDays"
              legend={m('missions.fieldDays')}
              options={WEEKDAYS.map((d, i) => ({ value: String(i + 1), label: m(`weekday.${d}`) }))}
              columns
            />
            <div class="form-row">
              <DateInput form={form} name="recurrenceFrom" label={m('posts.fieldStartsOn')} />
              <DateInput form={form} name="recurrenceTo" label={m('posts.fieldEndsOn')} />
            </div>
            <SmallInput
              form={form}
              name="recurrencePlaces"
              label={m('missions.fieldPlaces')}
              type="number"
              min="1"
            />
          </fieldset>
        </>
      )}
      <CheckboxGroup
        form={form}
        name="requiredSkillIds"
        legend={m('missions.fieldSkills')}
        hint={m('missions.fieldSkillsHint')}
        options={props.skills.map((s) => ({ value: s.id, label: s.name }))}
        columns
      />
      <SmallInput form={form} name="minAge" label={m('missions.fieldMinAge')} type="number" min="1" />
      <fieldset class="field">
        <legend class="field__label">{m('missions.fieldFlags')}</legend>
        <CheckboxField form={form} name="reducedMobility" label={m('missions.flagMobility')} />
        <CheckboxField form={form} name="remotePossible" label={m('missions.flagRemote')} />
        <CheckboxField form={form} name="remoteOnly" label={m('missions.flagRemoteOnly')} />
        <CheckboxField form={form} name="openToMinors" label={m('missions.flagMinors')} />
      </fieldset>
      <TextField
        form={form}
        name="commune"
        label={m('posts.fieldCommune')}
        hint={m('missions.fieldCommuneHint')}
        maxlength={120}
      />
      <TextField
        form={form}
        name="address"
        label={m('posts.fieldAddress')}
        hint={m('missions.fieldAddressHint')}
        maxlength={L.address}
      />
    </FormPage>
  );
}

/** The structure's dashboard: missions with their places and applications, team, shortcuts. */
export function DashboardPage(props: {
  page: PageContext;
  org: { name: string; slug: string; validatedAt: Date | null };
  role: OrganizationRole;
  missions: Awaited<ReturnType<MissionService['dashboard']>> extends infer D
    ? D extends { missions: infer M }
      ? M
      : never
    : never;
  team: Parameters<typeof TeamSection>[0];
}) {
  const { page, org } = props;
  return (
    <Layout page={page} title={t('dashboard.title', { name: org.name })}>
      <div class="page-heading">
        <h1 safe>{t('dashboard.title', { name: org.name })}</h1>
        {!org.validatedAt ? <div class="notice notice--warning">{m('orgs.pendingNotice')}</div> : ''}
        <p class="page-heading__actions">
          {org.validatedAt ? (
            <>
              <a class="button" href={`/structures/${org.slug}/missions/nouvelle`}>
                {m('missions.publish')}
              </a>
              <a class="button button--secondary" href={`/structures/${org.slug}/projets/nouveau`}>
                {m('projects.newTitle')}
              </a>
            </>
          ) : (
            ''
          )}
          <a href={`/structures/${org.slug}`}>{m('dashboard.publicPage')}</a>
          <a href={`/structures/${org.slug}/modifier`}>{m('orgs.edit')}</a>
        </p>
      </div>
      <section aria-labelledby="titre-missions-gestion">
        <h2 id="titre-missions-gestion">{m('orgs.missionsTitle')}</h2>
        {props.missions.length === 0 ? (
          <p class="empty">{m('orgs.noMissions')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{m('orgs.missionsTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{m('missions.fieldTitle')}</th>
                  <th scope="col">{m('dashboard.status')}</th>
                  <th scope="col">{m('dashboard.places')}</th>
                  <th scope="col">{m('dashboard.applications')}</th>
                </tr>
              </thead>
              <tbody>
                {props.missions.map((mi) => (
                  <tr>
                    <th scope="row">
                      <a href={`/missions/${mi.id}`} safe>
                        {mi.title}
                      </a>
                    </th>
                    <td>{missionStatusLabel(mi.status)}</td>
                    <td safe>{t('dashboard.placesTaken', { taken: mi.taken, capacity: mi.capacity })}</td>
                    <td>
                      <a href={`/missions/${mi.id}/candidatures`} safe>
                        {t('dashboard.counts', {
                          pending: mi.pending,
                          accepted: mi.accepted,
                          waitlisted: mi.waitlisted,
                        })}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <TeamSection {...props.team} />
    </Layout>
  );
}

type TeamApplications = NonNullable<Awaited<ReturnType<MissionService['applicationsForTeam']>>>;

/** One mission's applications for its team: triage one by one or several at once. */
export function ApplicationsPage(props: {
  page: PageContext;
  data: TeamApplications;
  slug: string;
  form: FormState;
}) {
  const { page, data, form } = props;
  const reasons = DECLINE_REASONS.map((r) => ({ value: r, label: reasonText(r) }));
  return (
    <Layout page={page} title={t('applications.title', { title: data.mission.title })}>
      <p>
        <a href={`/structures/${props.slug}/gestion`}>{m('dashboard.back')}</a>
      </p>
      <h1 safe>{t('applications.title', { title: data.mission.title })}</h1>
      <p safe>
        {data.slots
          .map(
            (s) => `${slotText(s)} : ${t('dashboard.placesTaken', { taken: s.taken, capacity: s.capacity })}`,
          )
          .join(' — ')}
      </p>
      <FormNotice form={form} />
      {data.applications.length === 0 ? (
        <p class="empty">{m('applications.none')}</p>
      ) : (
        <>
          <ul class="post-list">
            {data.applications.map((a) => (
              <li class="post-card" id={`candidature-${a.id}`}>
                <article aria-labelledby={`nom-${a.id}`}>
                  <p class="post-card__meta">
                    <span class={`status status--${a.status}`}>{applicationStatusLabel(a.status)}</span>
                    {data.slots.length > 1 ? (
                      <span safe>{slotText({ startsAt: a.slotStartsAt, endsAt: null })}</span>
                    ) : (
                      ''
                    )}
                  </p>
                  <h2 class="post-card__title" id={`nom-${a.id}`}>
                    <label class="choice">
                      <input type="checkbox" name="ids" value={a.id} form="triage-groupe" />
                      <span safe>{a.volunteerName}</span>
                    </label>
                  </h2>
                  {a.message ? (
                    <p class="post-card__excerpt" safe>
                      {a.message}
                    </p>
                  ) : (
                    ''
                  )}
                  {a.skills.length > 0 ? (
                    <ul class="tags">
                      {a.skills.map((s) => (
                        <li class="tag">
                          <span safe>{s.name}</span>
                          {s.health ? (
                            s.verifiedAt ? (
                              <span
                                safe
                              >{` — ${t('skills.verified', { date: formatDate(s.verifiedAt) })}`}</span>
                            ) : (
                              <>
                                {' — '}
                                {m('skills.toVerify')}{' '}
                                <ActionButton
                                  action={`/structures/${props.slug}/competences`}
                                  csrfToken={page.csrfToken}
                                  label={m('skills.verify')}
                                  class="link-button"
                                >
                                  <input type="hidden" name="accountId" value={a.volunteerAccountId} />
                                  <input type="hidden" name="skillId" value={s.skillId} />
                                  <input type="hidden" name="missionId" value={data.mission.id} />
                                </ActionButton>
                              </>
                            )
                          ) : (
                            ''
                          )}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    ''
                  )}
                  {a.status === 'accepted' ? (
                    <p class="contact">
                      {a.email ? (
                        <a href={`mailto:${attributeText(a.email)}`} safe>
                          {a.email}
                        </a>
                      ) : (
                        ''
                      )}
                      {a.phone ? <span safe>{` · ${a.phone}`}</span> : ''}
                    </p>
                  ) : (
                    ''
                  )}
                  {a.status === 'declined' && a.declineReason ? (
                    <p safe>{reasonText(a.declineReason)}</p>
                  ) : (
                    ''
                  )}
                  {a.conversation ? (
                    <p>
                      <a href={attributeText(a.conversation)}>{m('applications.conversation')}</a>
                    </p>
                  ) : (
                    ''
                  )}
                  <div class="author-actions__buttons">
                    {a.status === 'pending' ? (
                      <ActionButton
                        action={`/candidatures/${a.id}/decision`}
                        csrfToken={page.csrfToken}
                        label={m('applications.accept')}
                        describedBy={`nom-${a.id}`}
                      >
                        <input type="hidden" name="decision" value="accept" />
                      </ActionButton>
                    ) : (
                      ''
                    )}
                    {a.status === 'pending' || a.status === 'waitlisted' || a.status === 'accepted' ? (
                      <details class="decline">
                        <summary class="link-button">{m('applications.declineOpen')}</summary>
                        <PostForm
                          action={`/candidatures/${a.id}/decision`}
                          csrfToken={page.csrfToken}
                          class="inline-form decline-form"
                        >
                          <input type="hidden" name="decision" value="decline" />
                          <label class="field__label" for={`motif-${a.id}`}>
                            {m('applications.reason')}
                          </label>
                          <select class="field__select" id={`motif-${a.id}`} name="reason" required>
                            {reasons.map((r) => (
                              <option value={r.value} safe>
                                {r.label}
                              </option>
                            ))}
                          </select>
                          <button
                            type="submit"
                            class="button button--secondary"
                            aria-describedby={`nom-${a.id}`}
                          >
                            {m('applications.decline')}
                          </button>
                        </PostForm>
                      </details>
                    ) : (
                      ''
                    )}
                  </div>
                </article>
              </li>
            ))}
          </ul>
          <section class="panel" aria-labelledby="titre-groupe">
            <h2 id="titre-groupe">{m('applications.bulkTitle')}</h2>
            <p>{m('applications.bulkLead')}</p>
            <form
              method="post"
              action={`/missions/${data.mission.id}/candidatures`}
              novalidate
              class="form"
              id="triage-groupe"
            >
              <input type="hidden" name="_csrf" value={page.csrfToken} />
              <SelectField
                form={form}
                name="decision"
                label={m('applications.bulkDecision')}
                required
                placeholder={m('applications.bulkChoose')}
                options={[
                  { value: 'accept', label: m('applications.accept') },
                  { value: 'decline', label: m('applications.decline') },
                ]}
              />
              <SelectField
                form={form}
                name="reason"
                label={m('applications.reason')}
                placeholder={m('applications.reasonChoose')}
                options={reasons}
              />
              <button type="submit" class="button">
                {m('applications.bulkSubmit')}
              </button>
            </form>
          </section>
        </>
      )}
    </Layout>
  );
}

/** « Mes candidatures ». */
export function MyApplicationsPage(props: {
  page: PageContext;
  apps: Awaited<ReturnType<MissionService['mine']>>;
}) {
  const { page } = props;
  return (
    <Layout page={page} title={m('nav.myApplications')}>
      <h1>{m('nav.myApplications')}</h1>
      <p>
        <a href="/compte/benevole">{m('volunteer.title')}</a>
      </p>
      <CardList count={props.apps.length} empty={m('applications.mineEmpty')}>
        {props.apps.map((a) => (
          <li class="post-card">
            <p class="post-card__meta">
              <span class={`status status--${a.status}`}>{applicationStatusLabel(a.status)}</span>
            </p>
            <h2 class="post-card__title">
              <a href={`/missions/${a.missionId}`} safe>
                {a.missionTitle}
              </a>
            </h2>
            <p class="post-card__footer">
              <a href={`/structures/${a.organizationSlug}`} safe>
                {a.organizationName}
              </a>
              {a.slotStartsAt ? <span safe>{` · ${formatDateTime(a.slotStartsAt)}`}</span> : ''}
            </p>
            {a.status === 'declined' && a.declineReason ? <p safe>{reasonText(a.declineReason)}</p> : ''}
            <div class="author-actions__buttons">
              {a.conversation ? (
                <a class="button button--secondary" href={attributeText(a.conversation)}>
                  {m('applications.conversation')}
                </a>
              ) : (
                ''
              )}
              {a.status === 'pending' || a.status === 'waitlisted' || a.status === 'accepted' ? (
                <ActionButton
                  action={`/candidatures/${a.id}/retirer`}
                  csrfToken={page.csrfToken}
                  label={m('applications.withdraw')}
                  class="button button--danger"
                />
              ) : (
                ''
              )}
            </div>
          </li>
        ))}
      </CardList>
    </Layout>
  );
}

/** The volunteer profile form: skills, availability, where, domains. */
export function VolunteerProfilePage(props: {
  page: PageContext;
  form: FormState;
  skills: SkillRow[];
  declared: Array<{
    skillId: string;
    name: string;
    health: boolean;
    verifiedAt: Date | null;
    verifierName: string | null;
    organizationName: string | null;
  }>;
}) {
  const { form, page } = props;
  return (
    <FormPage
      page={page}
      title={m('volunteer.title')}
      lead={m('volunteer.lead')}
      intro={<HealthSkills declared={props.declared} />}
      form={form}
      labels={{
        skillIds: m('volunteer.skills'),
        days: m('volunteer.days'),
        dayParts: m('volunteer.dayParts'),
        domains: m('volunteer.domains'),
        commune: m('volunteer.commune'),
        radiusKm: m('volunteer.radius'),
      }}
      action="/compte/benevole"
      submit={m('account.save')}
    >
      <CheckboxGroup
        form={form}
        name="skillIds"
        legend={m('volunteer.skills')}
        hint={m('volunteer.skillsHint')}
        options={props.skills.map((s) => ({
          value: s.id,
          label: s.health ? t('skills.healthLabel', { name: s.name }) : s.name,
        }))}
        columns
      />
      <CheckboxGroup
        form={form}
        name="days"
        legend={m('volunteer.days')}
        options={WEEKDAYS.map((d) => ({ value: d, label: m(`weekday.${d}`) }))}
        columns
      />
      <CheckboxGroup
        form={form}
        name="dayParts"
        legend={m('volunteer.dayParts')}
        options={DAY_PARTS.map((d) => ({ value: d, label: m(`daypart.${d}`) }))}
      />
      <CheckboxGroup
        form={form}
        name="domains"
        legend={m('volunteer.domains')}
        options={DOMAINS.map((d) => ({ value: d, label: m(`domain.${d}`) }))}
      />
      <div class="form-row">
        <TextField form={form} name="commune" label={m('volunteer.commune')} maxlength={120} />
        <TextField
          form={form}
          name="radiusKm"
          label={m('volunteer.radius')}
          inputmode="numeric"
          maxlength={3}
        />
      </div>
      <CheckboxField form={form} name="remoteOk" label={m('volunteer.remoteOk')} />
    </FormPage>
  );
}

/** The person's health skills: verified (by whom, when) or waiting for a structure to verify them. */
function HealthSkills(props: {
  declared: Array<{
    name: string;
    health: boolean;
    verifiedAt: Date | null;
    verifierName: string | null;
    organizationName: string | null;
  }>;
}) {
  const health = props.declared.filter((s) => s.health);
  return health.length > 0 ? (
    <ul class="tags">
      {health.map((s) => (
        <li class="tag" safe>
          {s.verifiedAt
            ? t('skills.verifiedBy', {
                skill: s.name,
                by: s.organizationName ?? s.verifierName ?? '',
                date: formatDate(s.verifiedAt),
              })
            : t('skills.pendingVerification', { skill: s.name })}
        </li>
      ))}
    </ul>
  ) : (
    <></>
  );
}

/** « Mes structures »: the structures the person belongs to, and how to declare one. */
export function MyOrganizationsPage(props: {
  page: PageContext;
  orgs: Array<{
    slug: string;
    name: string;
    role: OrganizationRole;
    validatedAt: Date | null;
    rejectedAt: Date | null;
  }>;
}) {
  return (
    <Layout page={props.page} title={m('nav.myOrganizations')}>
      <h1>{m('nav.myOrganizations')}</h1>
      <p>
        <a class="button" href="/structures/nouvelle">
          {m('orgs.declare')}
        </a>
      </p>
      <CardList count={props.orgs.length} empty={m('orgs.mineEmpty')}>
        {props.orgs.map((o) => (
          <li class="post-card">
            <h2 class="post-card__title">
              <a href={`/structures/${o.slug}/gestion`} safe>
                {o.name}
              </a>
            </h2>
            <p class="post-card__footer">
              {o.validatedAt
                ? m('orgs.status.validated')
                : o.rejectedAt
                  ? m('orgs.status.rejected')
                  : m('orgs.status.pending')}
            </p>
          </li>
        ))}
      </CardList>
    </Layout>
  );
}

/** `/missions/carte`: the missions on the map (the posts' map script), the list under it. */
export function MissionMapPage(props: {
  page: PageContext;
  territory: MapTerritory;
  missions: PublicMission[];
  urls: { js: string; css: string; areas: string };
  messages: Record<string, string>;
}) {
  const { page, territory } = props;
  return (
    <Layout page={page} title={m('missions.mapTitle')}>
      <link rel="stylesheet" href={props.urls.css} />
      <script src={props.urls.js} defer></script>
      <PageHeading title={m('missions.mapTitle')} lead={m('missions.mapLead')}>
        <a href="/missions">{m('missions.listTitle')}</a>
      </PageHeading>
      <MapSection
        territory={territory}
        label={t('missions.mapTitle')}
        skipTo="liste-missions"
        skipLabel={t('missions.mapSkip')}
        noScript={t('missions.mapNoScript')}
        points="/api/v1/missions.geojson"
        list="/missions"
        areas={props.urls.areas}
        messages={props.messages}
      />
      <section class="map-list" id="liste-missions" tabindex="-1" aria-labelledby="titre-liste-missions">
        <h2 id="titre-liste-missions">{m('missions.listTitle')}</h2>
        <MissionList missions={props.missions} />
      </section>
    </Layout>
  );
}
