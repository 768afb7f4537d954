import { CALL_RESULTS, CASE_OUTCOMES, type CaseStatus, type CaseUrgency } from '../../../db/schema.ts';
import { CASE_LIMITS, shortDuration, staffDistance } from '../../../domain/cases.ts';
import { formatPhone } from '../../../domain/input.ts';
import { POST_LIMITS } from '../../../domain/posts.ts';
import { fieldErrorsOnly, FormNotice, TextArea } from '../../../web/components/choices.tsx';
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
import { formatDateTime, m, t } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import type { AreaSummary, CategoryRow } from '../../territory/service.ts';
import type { AssigneeCaseView, CaseService } from '../service.ts';
import { HelplineNotice, PersonField, PostButton, SuggestionList } from './components.tsx';

type Queue = NonNullable<Awaited<ReturnType<CaseService['queue']>>>;
type CaseFile = NonNullable<Awaited<ReturnType<CaseService['view']>>>;
type Suggestions = NonNullable<Awaited<ReturnType<CaseService['suggestions']>>>;
type Duplicates = Awaited<ReturnType<CaseService['duplicates']>>;
type Inbox = Awaited<ReturnType<CaseService['inbox']>>;

const STATUS_KEYS = {
  new: 'cases.status.new',
  qualified: 'cases.status.qualified',
  routed: 'cases.status.routed',
  accepted: 'cases.status.accepted',
  in_progress: 'cases.status.in_progress',
  done: 'cases.status.done',
  cancelled: 'cases.status.cancelled',
  unreachable: 'cases.status.unreachable',
} as const;
const URGENCY_KEYS = {
  today: 'cases.urgency.today',
  week: 'cases.urgency.week',
  flexible: 'cases.urgency.flexible',
} as const;
const CALL_KEYS = {
  reached: 'cases.call.reached',
  voicemail: 'cases.call.voicemail',
  no_answer: 'cases.call.no_answer',
} as const;
const OUTCOME_KEYS = {
  helped: 'cases.outcome.helped',
  solved_otherwise: 'cases.outcome.solved_otherwise',
  no_longer_needed: 'cases.outcome.no_longer_needed',
  no_solution: 'cases.outcome.no_solution',
} as const;
const STEP_KEYS = {
  qualify: 'cases.qualify',
  start: 'cases.start',
  take: 'cases.take',
} as const;
const CALLER_KEYS = {
  self: 'cases.caller.self',
  relative: 'cases.caller.relative',
  professional: 'cases.caller.professional',
  other: 'cases.caller.other',
} as const;

export const statusLabel = (s: CaseStatus) => m(STATUS_KEYS[s]);
export const urgencyLabel = (u: CaseUrgency) => m(URGENCY_KEYS[u]);

function StatusTag(props: { status: CaseStatus }) {
  return <span class={`case-status case-status--${props.status}`}>{statusLabel(props.status)}</span>;
}
function UrgencyTag(props: { urgency: CaseUrgency }) {
  return <span class={`urgency urgency--${props.urgency}`}>{urgencyLabel(props.urgency)}</span>;
}

/** The call centre's sub-navigation. */
export function ConsoleNav(props: { current: 'queue' | 'intake' | 'skills' }) {
  return (
    <nav class="console-nav" aria-label={m('cases.consoleNav')}>
      <a href="/console" aria-current={props.current === 'queue' ? 'page' : undefined}>
        {m('cases.queueTitle')}
      </a>
      <a href="/console/competences" aria-current={props.current === 'skills' ? 'page' : undefined}>
        {m('skills.verifyTitle')}
      </a>
      <a
        class="button button--small"
        href="/console/appel"
        aria-current={props.current === 'intake' ? 'page' : undefined}
      >
        {m('cases.newCall')}
      </a>
    </nav>
  );
}

const age = (d: Date) => shortDuration(Date.now() - d.getTime());

/** The queue: call-backs due, then open cases by urgency and age. */
export function QueuePage(props: { page: PageContext; queue: Queue; filters: Record<string, string> }) {
  const { queue, filters } = props;
  return (
    <Layout page={props.page} title={m('cases.queueTitle')}>
      <ConsoleNav current="queue" />
      <h1>{m('cases.queueTitle')}</h1>
      {queue.callbacks.length > 0 ? (
        <section class="panel callbacks" aria-labelledby="rappels">
          <h2 id="rappels">{m('cases.callbacksDue')}</h2>
          <ul class="plain-list">
            {queue.callbacks.map((c) => (
              <li>
                <a href={`/console/dossiers/${c.id}`}>
                  <span safe>{t('cases.numberShort', { number: c.number })}</span> —{' '}
                  <span safe>{c.name}</span>
                </a>{' '}
                <span class="muted" safe>
                  {`${formatDateTime(c.callbackAt)}${c.callbackNote ? ` — ${c.callbackNote}` : ''}`}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}
      <form
        method="get"
        action="/console"
        class="queue-filters"
        role="search"
        aria-label={m('cases.filters')}
      >
        <div class="field">
          <label class="field__label" for="f-urgence">
            {m('cases.urgencyLabel')}
          </label>
          <select class="field__select" id="f-urgence" name="urgence">
            <option value="">{m('cases.allUrgencies')}</option>
            {(['today', 'week', 'flexible'] as const).map((u) => (
              <option value={u} selected={filters.urgence === u}>
                {urgencyLabel(u)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="f-statut">
            {m('cases.statusLabel')}
          </label>
          <select class="field__select" id="f-statut" name="statut">
            <option value="">{m('cases.allStatuses')}</option>
            {(['new', 'qualified', 'routed', 'accepted', 'in_progress'] as const).map((s) => (
              <option value={s} selected={filters.statut === s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="f-commune">
            {m('cases.communeLabel')}
          </label>
          <input class="field__input" id="f-commune" name="commune" value={attributeText(filters.commune)} />
        </div>
        <div class="field">
          <label class="field__label" for="f-tri">
            {m('cases.sortLabel')}
          </label>
          <select class="field__select" id="f-tri" name="tri">
            <option value="urgence" selected={filters.tri !== 'anciennete'}>
              {m('cases.sortUrgency')}
            </option>
            <option value="anciennete" selected={filters.tri === 'anciennete'}>
              {m('cases.sortAge')}
            </option>
          </select>
        </div>
        <button type="submit" class="button button--secondary">
          {m('cases.filter')}
        </button>
      </form>
      {queue.communeUnknown ? (
        <p class="notice notice--warning" role="status">
          {m('errors.communeUnknown')}
        </p>
      ) : (
        ''
      )}
      <p class="muted" safe>
        {t('cases.queueCount', { count: queue.rows.length })}
      </p>
      {queue.rows.length === 0 ? (
        <p>{m('cases.queueEmpty')}</p>
      ) : (
        <ol class="case-list">
          {queue.rows.map((r) => (
            <li class={r.escalatedAt ? 'case-item case-item--escalated' : 'case-item'}>
              <div class="case-item__head">
                <a class="case-item__link" href={`/console/dossiers/${r.id}`}>
                  <span safe>{t('cases.numberShort', { number: r.number })}</span> —{' '}
                  <span safe>{r.name}</span>
                </a>
                <UrgencyTag urgency={r.urgency} />
                <StatusTag status={r.status} />
                {r.escalatedAt ? <span class="flag">{m('cases.escalatedFlag')}</span> : ''}
                {r.channel === 'online' ? <span class="tag">{m('cases.channelOnline')}</span> : ''}
              </div>
              <p class="case-item__meta" safe>
                {`${r.categoryName} · ${r.areaName} · ${t('cases.ageAgo', { age: age(r.createdAt) })}${
                  r.assignee ? ` · ${t('cases.offeredTo', { name: r.assignee })}` : ''
                }`}
              </p>
              <p class="case-item__need" safe>
                {r.need}
              </p>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

const INTAKE_LABELS = () => ({
  callerKind: m('cases.f.callerKind'),
  callerName: m('cases.f.callerName'),
  callerPhone: m('cases.f.callerPhone'),
  callerRelationship: m('cases.f.callerRelationship'),
  civility: m('cases.f.civility'),
  firstName: m('cases.f.firstName'),
  lastName: m('cases.f.lastName'),
  phone: m('cases.f.phone'),
  commune: m('cases.f.commune'),
  address: m('cases.f.address'),
  categoryId: m('cases.f.categoryId'),
  need: m('cases.f.need'),
  urgency: m('cases.f.urgency'),
  language: m('cases.f.language'),
  hours: m('cases.f.hours'),
  consentKeep: m('cases.f.consentKeep'),
  consentShare: m('cases.f.consentShare'),
  known: m('cases.f.known'),
  callerEmail: m('cases.f.callerEmail'),
  consent: m('cases.f.consent'),
});

/** The « déjà connu » notice: known people with links to their open cases, and the choice to make. */
export function DuplicateNotice(props: { duplicates: Duplicates; form?: FormState; choose: boolean }) {
  if (props.duplicates.length === 0) return <div id="deja-connu" aria-live="polite"></div>;
  const chosen = props.form?.values.known ?? '';
  return (
    <div id="deja-connu" aria-live="polite">
      <div class="notice notice--warning known">
        <p class="known__title">
          <strong>{m('cases.knownTitle')}</strong>
        </p>
        <ul class="plain-list">
          {props.duplicates.map((d) => (
            <li>
              <span safe>{d.name}</span>
              {d.areaName ? <span safe>{` (${d.areaName})`}</span> : ''}
              {d.samePhone ? <span safe>{` — ${m('cases.knownSamePhone')}`}</span> : ''}
              {d.openCases.length > 0 ? (
                <>
                  {' — '}
                  {d.openCases.map((c) => (
                    <a href={`/console/dossiers/${c.id}`} safe>
                      {t('cases.openCaseLink', { number: c.number, status: statusLabel(c.status) })}
                    </a>
                  ))}
                </>
              ) : (
                <span safe>{` — ${m('cases.knownNoOpenCase')}`}</span>
              )}
            </li>
          ))}
        </ul>
        {props.choose ? (
          <fieldset class="field" id="champ-known">
            <legend class="field__label">{m('cases.knownChoose')}</legend>
            {props.duplicates.map((d) => (
              <label class="choice">
                <input
                  type="radio"
                  name="known"
                  value={d.beneficiaryId}
                  checked={chosen === d.beneficiaryId}
                />
                <span safe>{t('cases.knownSamePerson', { name: d.name })}</span>
              </label>
            ))}
            <label class="choice">
              <input type="radio" name="known" value="new" checked={chosen === 'new'} />
              <span>{m('cases.knownOtherPerson')}</span>
            </label>
          </fieldset>
        ) : (
          ''
        )}
      </div>
    </div>
  );
}

/** The two required choices both request forms ask the same way: the kind of help, and how soon. */
const REQUEST_CHOICES = {
  categoryId: { label: 'cases.f.categoryId', placeholder: 'cases.chooseCategory' },
  urgency: { label: 'cases.f.urgency', placeholder: 'cases.chooseUrgency' },
} as const;

function RequestChoice(props: {
  form: FormState;
  name: keyof typeof REQUEST_CHOICES;
  options: Array<{ value: string; label: string }>;
}) {
  const choice = REQUEST_CHOICES[props.name];
  return (
    <SelectField
      form={props.form}
      name={props.name}
      label={m(choice.label)}
      required
      placeholder={m(choice.placeholder)}
      options={props.options}
    />
  );
}

const categoryOptions = (categories: CategoryRow[]) =>
  categories.map((c) => ({ value: c.id, label: c.name }));
const urgencyOptions = () =>
  (['today', 'week', 'flexible'] as const).map((u) => ({ value: u, label: urgencyLabel(u) }));

/** The intake form, made for a phone call: keyboard only, the first field focused, the consent sentence to read. */
export function IntakePage(props: {
  page: PageContext;
  form: FormState;
  categories: CategoryRow[];
  areas: AreaSummary[];
  duplicates: Duplicates;
}) {
  const { form } = props;
  const v = form.values;
  const labels = INTAKE_LABELS();
  const hasErrors = Object.keys(form.errors).length > 0;
  return (
    <Layout page={props.page} title={m('cases.intakeTitle')}>
      <ConsoleNav current="intake" />
      <h1>{m('cases.intakeTitle')}</h1>
      <p class="lead">{m('cases.intakeLead')}</p>
      <FormNotice form={form} />
      <ErrorSummary form={fieldErrorsOnly(form)} labels={labels} />
      <PostForm action="/console/appel" csrfToken={props.page.csrfToken} class="form intake">
        <fieldset class="intake__group">
          <legend>{m('cases.groupPerson')}</legend>
          <div class="field-row">
            <div class="field field--narrow">
              <label class="field__label" for="champ-civility">
                {labels.civility} <span class="field__optional">({m('form.optional')})</span>
              </label>
              <select class="field__select" id="champ-civility" name="civility" autofocus={!hasErrors}>
                <option value="">—</option>
                <option value="mme" selected={v.civility === 'mme'}>
                  {m('cases.civility.mme')}
                </option>
                <option value="m" selected={v.civility === 'm'}>
                  {m('cases.civility.m')}
                </option>
              </select>
            </div>
            <PersonField form={form} name="lastName" channel="phone" />
            <PersonField form={form} name="firstName" channel="phone" />
          </div>
          <div class="field-row">
            <PersonField form={form} name="phone" channel="phone" hint={m('cases.phoneHint')} />
            <PersonField form={form} name="commune" channel="phone" hint={m('cases.communeHint')} />
          </div>
          <PersonField form={form} name="address" channel="phone" hint={m('cases.addressHint')} />
          <DuplicateNotice duplicates={props.duplicates} form={form} choose={true} />
        </fieldset>
        <fieldset class="intake__group">
          <legend>{m('cases.groupNeed')}</legend>
          <div class="field-row">
            <RequestChoice form={form} name="categoryId" options={categoryOptions(props.categories)} />
            <RequestChoice form={form} name="urgency" options={urgencyOptions()} />
          </div>
          <TextArea
            form={form}
            name="need"
            label={labels.need}
            hint={m('cases.needHint')}
            maxlength={CASE_LIMITS.need}
            required
            rows={3}
          />
          <CheckboxField form={form} name="mobilityLimited" label={m('cases.f.mobilityLimited')} />
          <div class="field-row">
            <TextField
              form={form}
              name="hours"
              label={labels.hours}
              hint={m('cases.hoursHint')}
              maxlength={CASE_LIMITS.hours}
              autocomplete="off"
            />
            <TextField
              form={form}
              name="language"
              label={labels.language}
              maxlength={CASE_LIMITS.language}
              autocomplete="off"
            />
          </div>
        </fieldset>
        <fieldset class="intake__group">
          <legend>{m('cases.groupCaller')}</legend>
          <SelectField
            form={{ ...form, values: { ...v, callerKind: v.callerKind ?? 'self' } }}
            name="callerKind"
            label={labels.callerKind}
            required
            placeholder={m('cases.chooseCaller')}
            options={(['self', 'relative', 'professional', 'other'] as const).map((k) => ({
              value: k,
              label: m(CALLER_KEYS[k]),
            }))}
          />
          <div class="field-row">
            <PersonField form={form} name="callerName" channel="phone" />
            <TextField
              form={form}
              name="callerRelationship"
              label={labels.callerRelationship}
              hint={m('cases.relationshipHint')}
              maxlength={CASE_LIMITS.relationship}
              autocomplete="off"
            />
            <PersonField form={form} name="callerPhone" channel="phone" />
          </div>
        </fieldset>
        <fieldset class="intake__group">
          <legend>{m('cases.groupConsent')}</legend>
          <blockquote class="read-out">
            <p class="read-out__label">{m('cases.readOutLabel')}</p>
            <p safe>{t('cases.readOut', { territory: props.page.territory.name })}</p>
          </blockquote>
          <CheckboxField form={form} name="consentKeep" label={labels.consentKeep} required />
          <CheckboxField form={form} name="consentShare" label={labels.consentShare} />
        </fieldset>
        <button type="submit" class="button button--wide">
          {m('cases.intakeSubmit')}
        </button>
      </PostForm>
    </Layout>
  );
}

function Fact(props: { label: string; value: string | null | undefined }) {
  if (!props.value) return <></>;
  return (
    <>
      <dt safe>{props.label}</dt>
      <dd safe>{props.value}</dd>
    </>
  );
}

function eventText(e: CaseFile['events'][number]): string {
  if (e.kind === 'call')
    return `${m('cases.timelineCall')} — ${e.callResult ? m(CALL_KEYS[e.callResult]) : ''}`;
  if (e.kind === 'note') return m('cases.timelineNote');
  if (e.kind === 'callback') {
    if (e.code !== 'set') return m('cases.timelineCallbackCleared');
    const [iso] = e.body.split('|');
    return t('cases.timelineCallbackSet', { when: iso ? formatDateTime(new Date(iso)) : '' });
  }
  const key = `cases.event.${e.code ?? ''}`;
  const known: Record<string, string> = {
    'cases.event.created_phone': m('cases.event.created_phone'),
    'cases.event.created_online': m('cases.event.created_online'),
    'cases.event.qualified': m('cases.event.qualified'),
    'cases.event.in_progress': m('cases.event.in_progress'),
    'cases.event.taken': m('cases.event.taken'),
    'cases.event.done': m('cases.event.done'),
    'cases.event.cancelled': m('cases.event.cancelled'),
    'cases.event.unreachable': m('cases.event.unreachable'),
    'cases.event.offered': m('cases.event.offered'),
    'cases.event.accepted': m('cases.event.accepted'),
    'cases.event.declined': m('cases.event.declined'),
    'cases.event.withdrawn': m('cases.event.withdrawn'),
    'cases.event.escalated': m('cases.event.escalated'),
    'cases.event.post': m('cases.event.post'),
    'cases.event.skill': m('cases.event.skill'),
    'cases.event.skill_cleared': m('cases.event.skill_cleared'),
    'cases.event.done_by_assignee': m('cases.event.done_by_assignee'),
    'cases.event.in_progress_by_assignee': m('cases.event.in_progress_by_assignee'),
  };
  return known[key] ?? key;
}

function eventBody(e: CaseFile['events'][number]): string {
  if (e.kind === 'callback') return e.body.split('|').slice(1).join('|');
  return e.body;
}

/** A structure to offer the case to, with why (distance, communes and domain covered, how fast it answers). */
function organizationSuggestion(o: Suggestions['organizations'][number], r: CaseFile['row']) {
  return {
    id: o.id,
    name: o.name,
    reasons: [
      staffDistance(o.distanceKm),
      o.coversArea ? t('cases.whyCovers', { area: r.areaName }) : m('cases.whyNear'),
      o.coversCategory
        ? t('cases.whyCategory', { category: r.categoryName.toLowerCase() })
        : m('cases.whyDomain'),
      o.meanAcceptMs !== null
        ? t('cases.whyResponds', { duration: shortDuration(o.meanAcceptMs) })
        : m('cases.whyNoHistory'),
      o.live > 0 ? t('cases.whyLive', { count: o.live }) : '',
    ],
  };
}

/** A volunteer to offer the case to, with why (the skill, distance, radius, availability, when last asked). */
function volunteerSuggestion(v: Suggestions['volunteers'][number], r: CaseFile['row']) {
  return {
    id: v.accountId,
    name: v.name,
    reasons: [
      v.hasSkill && r.skillName ? t('cases.whySkill', { skill: r.skillName }) : '',
      staffDistance(v.distanceKm),
      v.radiusKm ? t('cases.whyRadius', { radius: v.radiusKm }) : '',
      v.availableToday ? m('cases.whyAvailableToday') : m('cases.whyNotToday'),
      v.lastSolicitedAt
        ? t('cases.whySolicited', { duration: shortDuration(Date.now() - v.lastSolicitedAt.getTime()) })
        : m('cases.whyNeverSolicited'),
    ],
  };
}

/** A case file: the person, the need, routing, the timeline and the forms to act on it. */
export function CasePage(props: {
  page: PageContext;
  file: CaseFile;
  suggestions: Suggestions;
  /** The territory's skills, for « Compétence utile ». */
  skills: Array<{ id: string; name: string }>;
  forms: Partial<Record<'event' | 'callback' | 'close' | 'route' | 'skill', FormState>>;
}) {
  const { file } = props;
  const r = file.row;
  const closed = file.actions.length === 0;
  const empty: FormState = { errors: {}, values: {} };
  const eventForm = props.forms.event ?? empty;
  const callbackForm = props.forms.callback ?? empty;
  const closeForm = props.forms.close ?? empty;
  const routeForm = props.forms.route ?? empty;
  const skillForm = props.forms.skill ?? { errors: {}, values: { skillId: r.skillId ?? '' } };
  const csrf = props.page.csrfToken;
  const routeAction = `/console/dossiers/${r.id}/orienter`;
  // The steps offered as buttons: those the case's status allows, and following it for another operator's case.
  const steps: Array<keyof typeof STEP_KEYS> = (['qualify', 'start'] as const).filter((s) =>
    file.actions.includes(s),
  );
  if (r.operatorAccountId !== props.page.viewer?.accountId) steps.push('take');
  return (
    <Layout page={props.page} title={t('cases.caseTitle', { number: r.number })}>
      <ConsoleNav current="queue" />
      <div class="case-head">
        <h1>
          <span safe>{t('cases.caseTitle', { number: r.number })}</span> — <span safe>{file.name}</span>
        </h1>
        <p class="case-head__tags">
          <UrgencyTag urgency={r.urgency} />
          <StatusTag status={file.status} />
          {r.escalatedAt && !r.routedAt ? <span class="flag">{m('cases.escalatedFlag')}</span> : ''}
          <a class="button button--secondary button--small" href={`/console/dossiers/${r.id}/fiche`}>
            {m('cases.printSheet')}
          </a>
        </p>
      </div>
      {file.known.length > 0 ? <DuplicateNotice duplicates={file.known} choose={false} /> : ''}
      <div class="case-grid">
        <section class="panel" aria-labelledby="personne">
          <h2 id="personne">{m('cases.person')}</h2>
          <dl class="facts">
            <Fact
              label={m('cases.f.phone')}
              value={r.beneficiaryPhone ? formatPhone(r.beneficiaryPhone) : m('cases.none')}
            />
            <Fact label={m('cases.f.commune')} value={r.areaName} />
            <Fact label={m('cases.f.address')} value={r.address} />
            <Fact
              label={m('cases.caller')}
              value={[
                m(CALLER_KEYS[r.callerKind]),
                r.callerName,
                r.callerRelationship,
                r.callerPhone ? formatPhone(r.callerPhone) : null,
                r.callerEmail,
              ]
                .filter(Boolean)
                .join(' · ')}
            />
            <Fact
              label={m('cases.consents')}
              value={r.consentShareAt ? m('cases.consentShareYes') : m('cases.consentShareNo')}
            />
            <Fact label={m('cases.operator')} value={r.operatorName ?? m('cases.none')} />
            <Fact
              label={m('cases.createdAt')}
              value={`${formatDateTime(r.createdAt)} (${r.channel === 'online' ? m('cases.channelOnline') : m('cases.channelPhone')})`}
            />
          </dl>
        </section>
        <section class="panel" aria-labelledby="besoin">
          <h2 id="besoin">{m('cases.need')}</h2>
          <p class="tag" safe>
            {r.categoryName}
          </p>
          <p class="case-need" safe>
            {r.need}
          </p>
          <dl class="facts">
            <Fact label={m('cases.f.mobilityLimited')} value={r.mobilityLimited ? m('cases.yes') : null} />
            <Fact label={m('cases.f.hours')} value={r.hours} />
            <Fact label={m('cases.f.language')} value={r.language} />
            <Fact label={m('cases.outcomeLabel')} value={r.outcome ? m(OUTCOME_KEYS[r.outcome]) : null} />
            <Fact label={m('cases.f.helpedBy')} value={r.helpedBy} />
            <Fact label={m('cases.f.outcomeNote')} value={r.outcomeNote} />
          </dl>
          {r.postId ? (
            <p>
              <a href={`/annonces/${r.postId}`}>{m('cases.seePost')}</a>
            </p>
          ) : (
            ''
          )}
          {!closed ? (
            <div class="actions">
              {steps.map((step) => (
                <PostButton
                  action={`/console/dossiers/${r.id}/etape`}
                  csrfToken={csrf}
                  name="step"
                  value={step}
                  buttonClass="button button--secondary button--small"
                >
                  {m(STEP_KEYS[step])}
                </PostButton>
              ))}
              {!r.postId ? (
                <a class="button button--secondary button--small" href={`/console/dossiers/${r.id}/annonce`}>
                  {m('cases.publishPost')}
                </a>
              ) : (
                ''
              )}
            </div>
          ) : (
            ''
          )}
        </section>
      </div>

      <section class="panel" aria-labelledby="orientation">
        <h2 id="orientation">{m('cases.routing')}</h2>
        {file.assignments.length > 0 ? (
          <ul class="plain-list assignments">
            {file.assignments.map((a) => (
              <li>
                <strong safe>{a.organizationName ?? a.volunteerName ?? ''}</strong>{' '}
                <span class="muted">
                  {a.kind === 'organization' ? m('cases.kindOrganization') : m('cases.kindVolunteer')}
                </span>
                {' — '}
                <span safe>
                  {a.acceptedAt
                    ? t('cases.acceptedIn', {
                        duration: shortDuration(a.acceptedAt.getTime() - a.offeredAt.getTime()),
                      })
                    : a.declinedAt
                      ? t('cases.declinedReason', { reason: a.declineReason ?? '' })
                      : a.expiredAt
                        ? m('cases.expired')
                        : a.withdrawnAt
                          ? m('cases.withdrawn')
                          : t('cases.waitingSince', {
                              duration: shortDuration(Date.now() - a.offeredAt.getTime()),
                            })}
                </span>
                {!a.acceptedAt && !a.declinedAt && !a.expiredAt && !a.withdrawnAt && !closed ? (
                  <PostButton
                    action={`/console/dossiers/${r.id}/retirer`}
                    csrfToken={csrf}
                    name="assignmentId"
                    value={a.id}
                    buttonClass="link-button"
                  >
                    {m('cases.withdrawOffer')}
                  </PostButton>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{m('cases.noRouting')}</p>
        )}
        {!closed ? (
          <>
            <FormNotice form={routeForm} />
            <SuggestionList
              field="organizationId"
              action={routeAction}
              csrfToken={csrf}
              items={props.suggestions.organizations.map((o) => organizationSuggestion(o, r))}
            />
            <SuggestionList
              field="volunteerId"
              action={routeAction}
              csrfToken={csrf}
              items={props.suggestions.volunteers.map((v) => volunteerSuggestion(v, r))}
            >
              <PostForm action={`/console/dossiers/${r.id}/competence`} csrfToken={csrf} class="skill-filter">
                <SelectField
                  form={skillForm}
                  name="skillId"
                  label={m('cases.skillLabel')}
                  hint={m('cases.skillHint')}
                  placeholder={m('cases.skillNone')}
                  options={props.skills.map((k) => ({ value: k.id, label: k.name }))}
                />
                <button type="submit" class="button button--secondary button--small">
                  {m('cases.skillSubmit')}
                </button>
              </PostForm>
            </SuggestionList>
          </>
        ) : (
          ''
        )}
      </section>

      <div class="case-grid">
        <section class="panel" aria-labelledby="suivi">
          <h2 id="suivi">{m('cases.addEvent')}</h2>
          <FormNotice form={eventForm} />
          <PostForm action={`/console/dossiers/${r.id}/evenements`} csrfToken={csrf}>
            <fieldset class="field" id="champ-kind">
              <legend class="field__label">{m('cases.eventKind')}</legend>
              <div class="choices">
                {CALL_RESULTS.map((c) => (
                  <label class="choice">
                    <input
                      type="radio"
                      name="callResult"
                      value={c}
                      checked={eventForm.values.callResult === c}
                    />
                    <span>{m(CALL_KEYS[c])}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <TextArea
              form={eventForm}
              name="body"
              label={m('cases.f.body')}
              maxlength={CASE_LIMITS.note}
              rows={2}
            />
            <div class="actions">
              <button type="submit" class="button button--small" name="kind" value="call">
                {m('cases.recordCall')}
              </button>
              <button type="submit" class="button button--secondary button--small" name="kind" value="note">
                {m('cases.recordNote')}
              </button>
            </div>
          </PostForm>
          <h3>{m('cases.callbackTitle')}</h3>
          {r.callbackAt ? (
            <p class="notice" safe>
              {t('cases.callbackPlanned', { when: formatDateTime(r.callbackAt), note: r.callbackNote ?? '' })}
            </p>
          ) : (
            ''
          )}
          <FormNotice form={callbackForm} />
          <PostForm action={`/console/dossiers/${r.id}/rappel`} csrfToken={csrf}>
            <div class="field-row">
              <DateField form={callbackForm} name="date" label={m('cases.f.callbackDate')} />
              <div class={callbackForm.errors.time ? 'field field--error' : 'field'}>
                <label class="field__label" for="champ-time">
                  {m('cases.f.callbackTime')} <span class="field__optional">({m('form.optional')})</span>
                </label>
                <input
                  class="field__input"
                  type="time"
                  id="champ-time"
                  name="time"
                  value={attributeText(callbackForm.values.time)}
                />
              </div>
            </div>
            <TextField
              form={callbackForm}
              name="note"
              label={m('cases.f.callbackNote')}
              maxlength={CASE_LIMITS.note}
            />
            <button type="submit" class="button button--secondary button--small">
              {r.callbackAt ? m('cases.callbackChange') : m('cases.callbackSet')}
            </button>
          </PostForm>
        </section>
        {!closed ? (
          <section class="panel" aria-labelledby="cloture">
            <h2 id="cloture">{m('cases.closeTitle')}</h2>
            <FormNotice form={closeForm} />
            <ErrorSummary
              form={fieldErrorsOnly(closeForm)}
              labels={{
                outcome: m('cases.outcomeLabel'),
                closing: m('cases.closing'),
                followUpDate: m('cases.f.followUpDate'),
              }}
            />
            <PostForm action={`/console/dossiers/${r.id}/cloture`} csrfToken={csrf}>
              <SelectField
                form={{ ...closeForm, values: { closing: 'done', ...closeForm.values } }}
                name="closing"
                label={m('cases.closing')}
                required
                placeholder="—"
                options={[
                  { value: 'done', label: m('cases.status.done') },
                  { value: 'unreachable', label: m('cases.status.unreachable') },
                  { value: 'cancelled', label: m('cases.status.cancelled') },
                ]}
              />
              <SelectField
                form={closeForm}
                name="outcome"
                label={m('cases.outcomeLabel')}
                placeholder={m('cases.chooseOutcome')}
                options={CASE_OUTCOMES.map((o) => ({ value: o, label: m(OUTCOME_KEYS[o]) }))}
              />
              <TextField
                form={closeForm}
                name="helpedBy"
                label={m('cases.f.helpedBy')}
                maxlength={CASE_LIMITS.name * 2}
              />
              <TextArea
                form={closeForm}
                name="outcomeNote"
                label={m('cases.f.outcomeNote')}
                maxlength={CASE_LIMITS.outcomeNote}
                rows={2}
              />
              <DateField
                form={closeForm}
                name="followUpDate"
                label={m('cases.f.followUpDate')}
                hint={m('cases.followUpHint')}
              />
              <button type="submit" class="button button--small">
                {m('cases.closeSubmit')}
              </button>
            </PostForm>
          </section>
        ) : (
          ''
        )}
      </div>

      <section class="panel" aria-labelledby="historique">
        <h2 id="historique">{m('cases.timeline')}</h2>
        <ol class="timeline">
          {file.events.map((e) => (
            <li class={`timeline__item timeline__item--${e.kind}`}>
              <p class="timeline__what">
                <strong safe>{eventText(e)}</strong>{' '}
                <span class="muted" safe>
                  {`${formatDateTime(e.createdAt)}${e.authorName ? ` · ${e.authorName}` : ''}`}
                </span>
              </p>
              {eventBody(e) ? (
                <p class="timeline__body" safe>
                  {eventBody(e)}
                </p>
              ) : (
                ''
              )}
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}

function DateField(props: { form: FormState; name: string; label: string; hint?: string }) {
  const error = props.form.errors[props.name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={`champ-${props.name}`}>
        <span safe>{props.label}</span> <span class="field__optional">({m('form.optional')})</span>
      </label>
      {props.hint ? (
        <p class="field__hint" safe>
          {props.hint}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p class="field__error" id={`erreur-${props.name}`}>
          {m('errors.date')}
        </p>
      ) : (
        ''
      )}
      <input
        class="field__input"
        type="date"
        id={`champ-${props.name}`}
        name={props.name}
        value={attributeText(props.form.values[props.name])}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

/** The printable case sheet (for volunteers without a smartphone): what to do, where, whom to call. */
export function CaseSheetPage(props: { page: PageContext; file: CaseFile }) {
  const r = props.file.row;
  const accepted = props.file.assignments.find((a) => a.acceptedAt);
  return (
    <Layout page={props.page} title={t('cases.sheetTitle', { number: r.number })}>
      <article class="case-sheet">
        <p class="no-print">
          <a href={`/console/dossiers/${r.id}`}>{m('cases.backToCase')}</a>
        </p>
        <h1 safe>{t('cases.sheetTitle', { number: r.number })}</h1>
        <p class="case-sheet__territory" safe>
          {`${m('app.name')} — ${props.page.territory.name}`}
        </p>
        <dl class="facts case-sheet__facts">
          <Fact label={m('cases.person')} value={props.file.name} />
          <Fact
            label={m('cases.f.phone')}
            value={
              r.consentShareAt && r.beneficiaryPhone
                ? formatPhone(r.beneficiaryPhone)
                : m('cases.sheetViaHelpline')
            }
          />
          <Fact
            label={m('cases.f.address')}
            value={r.consentShareAt ? (r.address ?? r.areaName) : r.areaName}
          />
          <Fact label={m('cases.f.commune')} value={r.areaName} />
          <Fact label={m('cases.need')} value={`${r.categoryName} — ${r.need}`} />
          <Fact label={m('cases.f.urgency')} value={urgencyLabel(r.urgency)} />
          <Fact label={m('cases.f.hours')} value={r.hours} />
          <Fact label={m('cases.f.mobilityLimited')} value={r.mobilityLimited ? m('cases.yes') : null} />
          <Fact label={m('cases.f.language')} value={r.language} />
          <Fact
            label={m('cases.sheetWho')}
            value={accepted ? (accepted.organizationName ?? accepted.volunteerName) : null}
          />
        </dl>
        <p class="case-sheet__helpline" safe>
          {t('cases.sheetHelpline', {
            phone: props.page.territory.helplinePhone ? formatPhone(props.page.territory.helplinePhone) : '',
            number: r.number,
          })}
        </p>
        <p class="case-sheet__safety">{m('cases.sheetSafety')}</p>
        <p class="case-sheet__lines">{m('cases.sheetNotes')}</p>
      </article>
    </Layout>
  );
}

/** Publishing an anonymised request for the beneficiary: no name, no address, the commune only. */
export function CasePostPage(props: {
  page: PageContext;
  caseId: string;
  number: number;
  areaName: string;
  form: FormState;
}) {
  const { form } = props;
  return (
    <Layout page={props.page} title={m('cases.publishPost')}>
      <p>
        <a href={`/console/dossiers/${props.caseId}`}>{m('cases.backToCase')}</a>
      </p>
      <h1>{m('cases.publishPost')}</h1>
      <p class="lead" safe>
        {t('cases.publishLead', { area: props.areaName })}
      </p>
      <FormNotice form={form} />
      <ErrorSummary
        form={fieldErrorsOnly(form)}
        labels={{ title: m('posts.fieldTitle'), description: m('posts.fieldDescription') }}
      />
      <PostForm action={`/console/dossiers/${props.caseId}/annonce`} csrfToken={props.page.csrfToken}>
        <TextField
          form={form}
          name="title"
          label={m('posts.fieldTitle')}
          required
          maxlength={POST_LIMITS.title}
        />
        <TextArea
          form={form}
          name="description"
          label={m('posts.fieldDescription')}
          hint={m('cases.publishHint')}
          required
          maxlength={POST_LIMITS.description}
        />
        <button type="submit" class="button">
          {m('cases.publishSubmit')}
        </button>
      </PostForm>
    </Layout>
  );
}

/** The online request form: no account needed; consent, and a field robots fill. */
export function OnlineRequestPage(props: { page: PageContext; form: FormState; categories: CategoryRow[] }) {
  const { form } = props;
  const labels = INTAKE_LABELS();
  return (
    <Layout page={props.page} title={m('cases.onlineTitle')}>
      <div class="narrow">
        <h1>{m('cases.onlineTitle')}</h1>
        <p class="lead">{m('cases.onlineLead')}</p>
        <HelplineNotice phone={props.page.territory.helplinePhone} />
        <FormNotice form={form} />
        <ErrorSummary form={fieldErrorsOnly(form)} labels={labels} />
        <PostForm action="/demander-de-l-aide" csrfToken={props.page.csrfToken}>
          <SelectField
            form={form}
            name="callerKind"
            label={m('cases.onlineWho')}
            required
            placeholder={m('cases.chooseCaller')}
            options={[
              { value: 'self', label: m('cases.onlineForMe') },
              { value: 'relative', label: m('cases.onlineForRelative') },
            ]}
          />
          <fieldset class="intake__group">
            <legend>{m('cases.onlinePerson')}</legend>
            <SelectField
              form={form}
              name="civility"
              label={labels.civility}
              placeholder="—"
              options={[
                { value: 'mme', label: m('cases.civility.mme') },
                { value: 'm', label: m('cases.civility.m') },
              ]}
            />
            <PersonField form={form} name="lastName" channel="online" />
            <PersonField form={form} name="firstName" channel="online" />
            <PersonField form={form} name="phone" channel="online" hint={m('cases.phoneHint')} />
            <PersonField form={form} name="commune" channel="online" />
            <PersonField form={form} name="address" channel="online" hint={m('cases.onlineAddressHint')} />
          </fieldset>
          <fieldset class="intake__group">
            <legend>{m('cases.onlineYou')}</legend>
            <p class="field__hint">{m('cases.onlineYouHint')}</p>
            <PersonField form={form} name="callerName" channel="online" />
            <PersonField form={form} name="callerPhone" channel="online" />
            <TextField
              form={form}
              name="callerEmail"
              label={labels.callerEmail}
              type="email"
              maxlength={254}
              autocomplete="email"
            />
          </fieldset>
          <fieldset class="intake__group">
            <legend>{m('cases.groupNeed')}</legend>
            <RequestChoice form={form} name="categoryId" options={categoryOptions(props.categories)} />
            <TextArea
              form={form}
              name="need"
              label={m('cases.onlineNeed')}
              maxlength={CASE_LIMITS.need}
              required
              rows={4}
            />
            <RequestChoice form={form} name="urgency" options={urgencyOptions()} />
          </fieldset>
          <div class="hp" aria-hidden="true">
            <label for="champ-siteWeb">{m('cases.honeypot')}</label>
            <input id="champ-siteWeb" name="siteWeb" type="text" tabindex="-1" autocomplete="off" value="" />
          </div>
          <p class="field__hint">{m('cases.onlineConsentText')}</p>
          <CheckboxField form={form} name="consent" label={labels.consent} required />
          <button type="submit" class="button button--wide">
            {m('cases.onlineSubmit')}
          </button>
        </PostForm>
      </div>
    </Layout>
  );
}

/** After the online form. */
export function OnlineThanksPage(props: { page: PageContext }) {
  return (
    <Layout page={props.page} title={m('cases.onlineThanksTitle')}>
      <div class="narrow">
        <h1>{m('cases.onlineThanksTitle')}</h1>
        <p class="lead">{m('cases.onlineThanksText')}</p>
        <HelplineNotice phone={props.page.territory.helplinePhone} />
        <p>
          <a href="/">{m('layout.home')}</a>
        </p>
      </div>
    </Layout>
  );
}

/** « Demandes confiées »: what structures and volunteers were asked to take. */
export function InboxPage(props: { page: PageContext; rows: Inbox }) {
  return (
    <Layout page={props.page} title={m('cases.inboxTitle')}>
      <h1>{m('cases.inboxTitle')}</h1>
      <p class="lead">{m('cases.inboxLead')}</p>
      {props.rows.length === 0 ? (
        <p>{m('cases.inboxEmpty')}</p>
      ) : (
        <ol class="case-list">
          {props.rows.map((r) => (
            <li class="case-item">
              <div class="case-item__head">
                <a class="case-item__link" href={`/demandes-confiees/${r.caseId}`} safe>
                  {`${r.categoryName} — ${r.areaName}`}
                </a>
                <UrgencyTag urgency={r.urgency} />
                <span class="tag">{r.acceptedAt ? m('cases.youAccepted') : m('cases.toAnswer')}</span>
              </div>
              <p class="case-item__meta" safe>
                {`${r.name}${r.organizationName ? ` · ${r.organizationName}` : ''} · ${t('cases.ageAgo', { age: age(r.offeredAt) })}`}
              </p>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

/** One case offered to the viewer: accept or decline; the contact once accepted (with consent). */
export function AssigneeCasePage(props: { page: PageContext; view: AssigneeCaseView; form: FormState }) {
  const v = props.view;
  const csrf = props.page.csrfToken;
  return (
    <Layout page={props.page} title={t('cases.assigneeTitle', { category: v.categoryName })}>
      <p>
        <a href="/demandes-confiees">{m('cases.inboxTitle')}</a>
      </p>
      <h1 safe>{t('cases.assigneeTitle', { category: v.categoryName })}</h1>
      <p>
        <UrgencyTag urgency={v.urgency} /> <StatusTag status={v.status} />
      </p>
      {v.organizationName ? (
        <p class="muted" safe>
          {t('cases.offeredToOrg', { name: v.organizationName })}
        </p>
      ) : (
        ''
      )}
      <FormNotice form={props.form} />
      <section class="panel">
        <dl class="facts">
          <Fact label={m('cases.person')} value={v.contact ? v.contact.fullName : v.name} />
          <Fact label={m('cases.f.commune')} value={v.areaName} />
          <Fact label={m('cases.need')} value={v.need} />
          <Fact label={m('cases.f.hours')} value={v.hours} />
          <Fact label={m('cases.f.mobilityLimited')} value={v.mobilityLimited ? m('cases.yes') : null} />
          <Fact label={m('cases.f.language')} value={v.language} />
          {v.contact ? (
            <>
              <Fact
                label={m('cases.f.phone')}
                value={v.contact.phone ? formatPhone(v.contact.phone) : m('cases.none')}
              />
              <Fact label={m('cases.f.address')} value={v.contact.address ?? v.areaName} />
            </>
          ) : (
            ''
          )}
          <Fact label={m('cases.operator')} value={v.operatorName} />
        </dl>
        {!v.accepted ? (
          <p class="notice">{m('cases.contactAfterAccept')}</p>
        ) : !v.contact ? (
          <p class="notice" safe>
            {t('cases.contactViaHelpline', {
              phone: props.page.territory.helplinePhone
                ? formatPhone(props.page.territory.helplinePhone)
                : '',
            })}
          </p>
        ) : (
          ''
        )}
      </section>
      {!v.accepted && v.status !== 'done' && v.status !== 'cancelled' && v.status !== 'unreachable' ? (
        <section class="panel" aria-labelledby="reponse">
          <h2 id="reponse">{m('cases.yourAnswer')}</h2>
          <PostForm action={`/demandes-confiees/${v.caseId}/reponse`} csrfToken={csrf}>
            <TextField
              form={props.form}
              name="reason"
              label={m('cases.f.declineReason')}
              maxlength={CASE_LIMITS.declineReason}
            />
            <div class="actions">
              <button type="submit" class="button" name="decision" value="accept">
                {m('cases.accept')}
              </button>
              <button type="submit" class="button button--secondary" name="decision" value="decline">
                {m('cases.decline')}
              </button>
            </div>
          </PostForm>
        </section>
      ) : v.accepted && (v.status === 'accepted' || v.status === 'in_progress' || v.status === 'routed') ? (
        <section class="panel" aria-labelledby="avancement">
          <h2 id="avancement">{m('cases.progressTitle')}</h2>
          <PostForm action={`/demandes-confiees/${v.caseId}/avancement`} csrfToken={csrf}>
            <TextField
              form={props.form}
              name="note"
              label={m('cases.f.progressNote')}
              maxlength={CASE_LIMITS.note}
            />
            <div class="actions">
              {v.status !== 'in_progress' ? (
                <button type="submit" class="button button--secondary" name="progress" value="in_progress">
                  {m('cases.markInProgress')}
                </button>
              ) : (
                ''
              )}
              <button type="submit" class="button" name="progress" value="done">
                {m('cases.markDone')}
              </button>
            </div>
          </PostForm>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}

/** A structure's API keys for the cases API. */
export function ApiTokensPage(props: {
  page: PageContext;
  organization: { slug: string; name: string };
  tokens: Array<{ id: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }>;
  created: string | null;
}) {
  const csrf = props.page.csrfToken;
  return (
    <Layout page={props.page} title={m('cases.apiTitle')}>
      <p>
        <a href={`/structures/${props.organization.slug}/gestion`} safe>
          {props.organization.name}
        </a>
      </p>
      <h1>{m('cases.apiTitle')}</h1>
      <p class="lead">{m('cases.apiLead')}</p>
      {props.created ? (
        <div class="notice notice--success" role="status">
          <p>{m('cases.apiCreated')}</p>
          <p>
            <code class="token" safe>
              {props.created}
            </code>
          </p>
        </div>
      ) : (
        ''
      )}
      {props.tokens.length > 0 ? (
        <ul class="plain-list">
          {props.tokens.map((tk) => (
            <li>
              <code safe>{`${tk.prefix}…`}</code>{' '}
              <span class="muted" safe>
                {t('cases.apiTokenInfo', {
                  created: formatDateTime(tk.createdAt),
                  used: tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : m('cases.never'),
                })}
              </span>
              <PostForm
                action={`/structures/${props.organization.slug}/api/${tk.id}/revoquer`}
                csrfToken={csrf}
                class="inline-form"
              >
                <button type="submit" class="link-button">
                  {m('cases.apiRevoke')}
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
      ) : (
        <p>{m('cases.apiNone')}</p>
      )}
      <PostForm action={`/structures/${props.organization.slug}/api`} csrfToken={csrf}>
        <button type="submit" class="button">
          {m('cases.apiCreate')}
        </button>
      </PostForm>
    </Layout>
  );
}
