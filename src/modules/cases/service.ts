import { createHash, randomBytes } from 'node:crypto';
import type { Db, Executor } from '../../db/client.ts';
import type { CallerKind, CaseOutcome, CaseStatus, CaseUrgency, Domain } from '../../db/schema.ts';
import { WEEKDAYS } from '../../db/schema.ts';
import {
  caseActions,
  caseStatus,
  CASE_LIMITS,
  discreetName,
  ESCALATION_DELAY_MS,
  fullName,
  isClosed,
  type CaseLifecycle,
} from '../../domain/cases.ts';
import { fail, ok, type Result } from '../../domain/fields.ts';
import { haversineKm } from '../../domain/geo.ts';
import { normalizePhone } from '../../domain/input.ts';
import { can, type Actor } from '../../domain/permissions.ts';
import { POST_LIMITS } from '../../domain/posts.ts';
import { audit } from '../../platform/audit.ts';
import { systemCtx, type Ctx } from '../../platform/context.ts';
import { composeMail, type Outbox } from '../../platform/mail.ts';
import { transaction } from '../../platform/transaction.ts';
import { t, type MessageKey } from '../../web/i18n/index.ts';
import type { ConversationService } from '../conversations/service.ts';
import * as orgRepo from '../organizations/repository.ts';
import { decodeCursor, encodeCursor, type PostService } from '../posts/service.ts';
import type { Located, Places } from '../territory/places.ts';
import type { TerritoryService } from '../territory/service.ts';
import * as repo from './repository.ts';
import type {
  CallbackInput,
  CloseInput,
  EventInput,
  IntakeInput,
  OnlineRequestInput,
  QueueQuery,
} from './schemas.ts';

interface Deps {
  db: Db;
  territories: TerritoryService;
  places: Places;
  outbox: Outbox;
  posts: PostService;
  /** The site's address for links in mails. */
  publicUrl: string;
}

/** Lines of the queue shown at once. */
export const QUEUE_LIMIT = 200;
const SUGGESTIONS = 5;
/** Cases a page of the structures' API (`GET /api/v1/cases`). */
export const CASES_API_PAGE = 50;

/** A suggestion for routing, with the reasons an operator reads out (« 2,3 km, couvre Mende… »). */
export interface OrganizationSuggestion {
  id: string;
  slug: string;
  name: string;
  distanceKm: number;
  coversArea: boolean;
  coversCategory: boolean;
  meanAcceptMs: number | null;
  live: number;
}
export interface VolunteerSuggestion {
  accountId: string;
  name: string;
  distanceKm: number;
  radiusKm: number | null;
  availableToday: boolean;
  lastSolicitedAt: Date | null;
  /** Has the case's useful skill (confirmed, for a health one). */
  hasSkill: boolean;
}

/** What a structure or a volunteer sees of a case offered to them. Built only here. */
export interface AssigneeCaseView {
  caseId: string;
  number: number;
  assignmentId: string;
  organizationName: string | null;
  accepted: boolean;
  status: CaseStatus;
  name: string;
  areaName: string;
  categoryName: string;
  need: string;
  urgency: CaseUrgency;
  mobilityLimited: boolean;
  language: string | null;
  hours: string | null;
  /** Only once accepted, and only when the person agreed to share it. */
  contact: { fullName: string; phone: string | null; address: string | null } | null;
  consentShare: boolean;
  operatorName: string | null;
}

/** The person as both request forms (by phone, online) describe them, placed in their commune. */
function newBeneficiary(
  territoryId: string,
  input: { civility: string; firstName: string; lastName: string; phone: string | null },
  place: Located,
): repo.NewBeneficiary {
  return {
    territoryId,
    civility: (input.civility || null) as 'mme' | 'm' | null,
    firstName: input.firstName || null,
    lastName: input.lastName,
    phone: input.phone,
    address: place.address,
    areaId: place.areaId,
    exactLat: place.exactLat,
    exactLon: place.exactLon,
  };
}

/** The case as both request forms describe it: who asks, for what, how soon, where. */
function newCase(
  territoryId: string,
  beneficiaryId: string,
  input: {
    callerKind: string;
    callerName: string;
    callerPhone: string | null;
    need: string;
    urgency: string;
  },
  categoryId: string,
  areaId: string,
) {
  return {
    territoryId,
    beneficiaryId,
    callerKind: input.callerKind as CallerKind,
    callerName: input.callerName || null,
    callerPhone: input.callerPhone,
    categoryId,
    need: input.need,
    urgency: input.urgency as CaseUrgency,
    areaId,
  };
}

/** The timeline's code for each step an operator takes on a case. */
const STEP_EVENTS = { qualify: 'qualified', start: 'in_progress', take: 'taken' } as const;

/**
 * What a structure or a volunteer sees of a case offered to them (page and API alike): the full
 * name, phone and address only once accepted, and only if the person agreed to share them.
 */
function assigneeCaseView(
  caseId: string,
  row: repo.CaseDetailRow,
  a: { id: string; organizationName: string | null; acceptedAt: Date | null },
): AssigneeCaseView {
  const share = !!a.acceptedAt && !!row.consentShareAt;
  return {
    caseId,
    number: row.number,
    assignmentId: a.id,
    organizationName: a.organizationName,
    accepted: !!a.acceptedAt,
    status: row.status,
    name: discreetName(row),
    areaName: row.areaName,
    categoryName: row.categoryName,
    need: row.need,
    urgency: row.urgency,
    mobilityLimited: row.mobilityLimited,
    language: row.language,
    hours: row.hours,
    contact: share ? { fullName: fullName(row), phone: row.beneficiaryPhone, address: row.address } : null,
    consentShare: !!row.consentShareAt,
    operatorName: row.operatorName,
  };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The call centre: intake by phone and online, duplicates, the queue, the case file and its
 * timeline, call-backs, routing to structures and volunteers, escalation, closing, the API of
 * structures. Beneficiaries and cases are the territory's operators' and admins' (`read:case:any`);
 * a structure or a volunteer sees only what was offered to them.
 */
export class CaseService {
  /** Set by the app once conversations exist (they are built from the same platform). */
  conversations: ConversationService | null = null;

  constructor(private readonly deps: Deps) {}

  private get db() {
    return this.deps.db;
  }

  /** Is the actor call-centre staff of this territory? */
  isStaff(actor: Actor | null) {
    return can(actor, 'read:case');
  }

  private async categoryOf(territoryId: string, categoryId: string) {
    const categories = await this.deps.territories.categories(territoryId);
    return categories.find((c) => c.id === categoryId) ?? null;
  }

  /** The « déjà connu » check: people of the territory with this phone, or this last name in this commune. */
  async duplicates(territoryId: string, q: { phone: string; lastName: string; commune: string }) {
    const phone = q.phone ? normalizePhone(q.phone) : null;
    const lastName = q.lastName.trim().length >= 2 ? q.lastName.trim() : null;
    const area = q.commune && lastName ? await this.deps.places.resolveCommune(territoryId, q.commune) : null;
    const rows = await repo.findDuplicates(this.db, territoryId, {
      phone,
      lastName,
      areaId: area?.id ?? null,
    });
    return rows.map((r) => ({ ...r, name: fullName(r) }));
  }

  /**
   * Registers a call: the person (new, or one already known when the operator chose them after a
   * « déjà connu » notice), the need, the consents. A phone intake is triaged at once (qualified).
   */
  async intake(ctx: Ctx, input: IntakeInput): Promise<Result<{ id: string }>> {
    const actor = ctx.actor;
    if (!actor || !can(actor, 'create:case') || !can(actor, 'create:beneficiary'))
      return fail('_form', 'errors.notAllowed');
    const category = await this.categoryOf(ctx.territoryId, input.categoryId);
    if (!category) return fail('categoryId', 'errors.choice');
    const place = await this.deps.places.locate(ctx.territoryId, input);
    if (!place.ok) return place;
    let known: repo.BeneficiaryRow | null = null;
    if (input.known && input.known !== 'new') {
      known = await repo.findBeneficiary(this.db, ctx.territoryId, input.known);
      if (!known) return fail('known', 'errors.choice');
    } else if (input.known === '') {
      const found = await this.duplicates(ctx.territoryId, {
        phone: input.phone ?? '',
        lastName: input.lastName,
        commune: input.commune,
      });
      if (found.length > 0) return fail('known', 'errors.caseKnown');
    }
    const now = new Date();
    const id = await transaction(this.db, async (tx) => {
      const person = known
        ? known
        : await repo.insertBeneficiary(tx, {
            ...newBeneficiary(ctx.territoryId, input, place.value),
            createdByAccountId: actor.accountId,
          });
      const forPerson: Ctx = { ...ctx, onBehalfOf: { beneficiaryId: person.id } };
      const created = await repo.insertCase(tx, {
        ...newCase(ctx.territoryId, person.id, input, category.id, place.value.areaId),
        channel: 'phone',
        callerRelationship: input.callerRelationship || null,
        mobilityLimited: input.mobilityLimited,
        language: input.language || null,
        hours: input.hours || null,
        consentKeepAt: now,
        consentShareAt: input.consentShare ? now : null,
        operatorAccountId: actor.accountId,
        createdByAccountId: actor.accountId,
        status: 'qualified',
        qualifiedAt: now,
      });
      await repo.insertEvent(tx, {
        caseId: created.id,
        kind: 'status',
        code: 'created_phone',
        authorAccountId: actor.accountId,
      });
      if (!known) await audit(tx, forPerson, 'beneficiary.create', { type: 'beneficiary', id: person.id });
      await audit(tx, forPerson, 'case.create', { type: 'case', id: created.id }, { channel: 'phone' });
      return created.id;
    });
    return ok({ id });
  }

  /**
   * The online request form (no account): a new case in the queue, never merged with a known
   * person (the public must learn nothing of who is known); operators see « déjà connu » on it.
   * Limited per IP address and per territory and hour.
   */
  async submitOnline(ctx: Ctx, input: OnlineRequestInput): Promise<Result<{ id: string }>> {
    const since = new Date(Date.now() - 3_600_000);
    const counts = await repo.countOnlineRequestsSince(this.db, ctx.territoryId, ctx.ip, since);
    if (counts.byIp >= CASE_LIMITS.onlinePerIpPerHour || counts.all >= CASE_LIMITS.onlinePerTerritoryPerHour)
      return fail('_form', 'errors.caseRateLimited');
    const category = await this.categoryOf(ctx.territoryId, input.categoryId);
    if (!category) return fail('categoryId', 'errors.choice');
    const place = await this.deps.places.locate(ctx.territoryId, input);
    if (!place.ok) return place;
    const territory = await this.deps.territories.byId(ctx.territoryId);
    const now = new Date();
    const id = await transaction(this.db, async (tx, afterCommit) => {
      const person = await repo.insertBeneficiary(tx, newBeneficiary(ctx.territoryId, input, place.value));
      const created = await repo.insertCase(tx, {
        ...newCase(ctx.territoryId, person.id, input, category.id, place.value.areaId),
        channel: 'online',
        callerEmail: input.callerEmail || null,
        // The form's single box covers both: keeping the data and sharing what is needed.
        consentKeepAt: now,
        consentShareAt: now,
        status: 'new',
      });
      await repo.insertEvent(tx, {
        caseId: created.id,
        kind: 'status',
        code: 'created_online',
        authorAccountId: null,
      });
      const forPerson: Ctx = { ...ctx, onBehalfOf: { beneficiaryId: person.id } };
      await audit(tx, forPerson, 'case.submit_online', { type: 'case', id: created.id });
      if (input.callerEmail)
        await this.deps.outbox.queueMail(
          tx,
          afterCommit,
          ctx.territoryId,
          composeMail({
            to: input.callerEmail,
            name: input.callerName || t('cases.mailSomeone'),
            territoryName: territory?.name ?? '',
            subject: 'mail.caseReceivedSubject',
            body: 'mail.caseReceivedBody',
            vars: { number: String(created.number), phone: territory?.helplinePhone ?? '' },
          }),
        );
      return created.id;
    });
    return ok({ id });
  }

  /** The queue: open cases by urgency and age (or age only), filtered, and the call-backs due today. */
  async queue(ctx: Ctx, q: QueueQuery) {
    if (!this.isStaff(ctx.actor)) return null;
    const area = q.commune ? await this.deps.places.resolveCommune(ctx.territoryId, q.commune) : null;
    const endOfDay = new Date();
    endOfDay.setHours(23, 59, 59, 999);
    const [rows, callbacks] = await Promise.all([
      repo.listQueue(this.db, {
        territoryId: ctx.territoryId,
        urgency: (q.urgence || null) as CaseUrgency | null,
        status: (q.statut || null) as CaseStatus | null,
        areaId: area?.id ?? null,
        sort: q.tri === 'anciennete' ? 'age' : 'urgency',
        limit: QUEUE_LIMIT,
      }),
      repo.dueCallbacks(this.db, ctx.territoryId, endOfDay),
    ]);
    return {
      rows: rows.map((r) => ({ ...r, name: fullName(r) })),
      callbacks: callbacks.map((c) => ({ ...c, name: fullName(c) })),
      communeUnknown: !!q.commune && !area,
    };
  }

  /**
   * A case file for staff, or null (404) for anyone else. Each opening is audited: who read
   * which person's file, and when.
   */
  async view(ctx: Ctx, id: string, opts: { purpose?: 'read' | 'print' } = {}) {
    if (!this.isStaff(ctx.actor) || !can(ctx.actor, 'read:beneficiary')) return null;
    const row = await repo.findCase(this.db, ctx.territoryId, id);
    if (!row) return null;
    const [events, assignments, known] = await Promise.all([
      repo.listEvents(this.db, id),
      repo.listAssignments(this.db, id),
      repo.findDuplicates(this.db, ctx.territoryId, {
        phone: row.beneficiaryPhone,
        lastName: row.lastName,
        areaId: row.areaId,
      }),
    ]);
    await audit(
      this.db,
      { ...ctx, onBehalfOf: { beneficiaryId: row.beneficiaryId } },
      opts.purpose === 'print' ? 'beneficiary.print' : 'beneficiary.read',
      { type: 'case', id },
    );
    const status = row.status;
    // Other people (or other open cases of this person) that look like the same one.
    const others = known
      .map((k) => ({
        ...k,
        name: fullName(k),
        openCases: k.openCases.filter((c) => c.id !== id),
      }))
      .filter((k) => k.beneficiaryId !== row.beneficiaryId || k.openCases.length > 0);
    return {
      row,
      name: fullName(row),
      status,
      actions: caseActions(status),
      events,
      assignments,
      known: others,
    };
  }

  private async load(ctx: Ctx, id: string) {
    if (!can(ctx.actor, 'update:case')) return null;
    return repo.findCase(this.db, ctx.territoryId, id);
  }

  /** Applies a lifecycle change: the stored status follows the timestamps. */
  private async change(tx: Executor, row: CaseLifecycle & { id: string }, change: Partial<repo.NewCase>) {
    const next = { ...row, ...change } as CaseLifecycle;
    await repo.updateCase(tx, row.id, { ...change, status: caseStatus(next) });
    return caseStatus(next);
  }

  /** A note, or a call and how it went (reached, voicemail, no answer), on the timeline. */
  async addEvent(ctx: Ctx, id: string, input: EventInput): Promise<Result> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    if (input.kind === 'call' && !input.callResult) return fail('callResult', 'errors.required');
    if (input.kind === 'note' && !input.body) return fail('body', 'errors.required');
    await transaction(this.db, async (tx) => {
      await this.addToTimeline(tx, ctx, id, {
        kind: input.kind as 'note' | 'call',
        callResult: input.kind === 'call' ? (input.callResult as 'reached') : null,
        body: input.body,
      });
      await audit(tx, this.forCase(ctx, row), `case.${input.kind}`, { type: 'case', id });
    });
    return ok(undefined);
  }

  /** A line on the case's timeline, signed by the operator acting now. */
  private addToTimeline(
    tx: Executor,
    ctx: Ctx,
    id: string,
    event: Omit<Parameters<typeof repo.insertEvent>[1], 'caseId' | 'authorAccountId'>,
  ) {
    return repo.insertEvent(tx, { caseId: id, ...event, authorAccountId: ctx.actor!.accountId });
  }

  private forCase(ctx: Ctx, row: { beneficiaryId: string }): Ctx {
    return { ...ctx, onBehalfOf: { beneficiaryId: row.beneficiaryId } };
  }

  /** The skill the help needs (« compétence utile »): volunteers who have it are suggested first. */
  async setSkill(ctx: Ctx, id: string, skillId: string | null): Promise<Result> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    return transaction(this.db, async (tx) => {
      const name = await repo.setCaseSkill(tx, ctx.territoryId, id, skillId);
      if (name === null) return fail('skillId', 'errors.choice');
      await this.addToTimeline(tx, ctx, id, {
        kind: 'routing',
        code: skillId ? 'skill' : 'skill_cleared',
        body: name,
      });
      await audit(tx, this.forCase(ctx, row), 'case.skill', { type: 'case', id }, { skillId });
      return ok(undefined);
    });
  }

  /** « Rappeler le … » (Europe/Paris time), or no reminder when the date is empty. */
  async setCallback(ctx: Ctx, id: string, input: CallbackInput): Promise<Result> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    const at = input.date ? parisTime(input.date, input.time || '09:00') : null;
    if (input.date && !at) return fail('date', 'errors.date');
    await transaction(this.db, async (tx) => {
      await repo.updateCase(tx, id, { callbackAt: at, callbackNote: at ? input.note || null : null });
      await this.addToTimeline(tx, ctx, id, {
        kind: 'callback',
        code: at ? 'set' : 'cleared',
        body: at ? `${at.toISOString()}|${input.note}` : '',
      });
      await audit(tx, this.forCase(ctx, row), at ? 'case.callback_set' : 'case.callback_clear', {
        type: 'case',
        id,
      });
    });
    return ok(undefined);
  }

  /** Qualify (an online request checked by phone), start (help under way), or take (follow it). */
  async step(ctx: Ctx, id: string, action: 'qualify' | 'start' | 'take'): Promise<Result> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    if (action !== 'take' && !caseActions(row.status).includes(action))
      return fail('_form', 'errors.caseStep');
    const now = new Date();
    await transaction(this.db, async (tx) => {
      if (action === 'take') await repo.updateCase(tx, id, { operatorAccountId: ctx.actor!.accountId });
      else
        await this.change(
          tx,
          row,
          action === 'qualify'
            ? { qualifiedAt: now }
            : { startedAt: now, qualifiedAt: row.qualifiedAt ?? now },
        );
      await this.addToTimeline(tx, ctx, id, { kind: 'status', code: STEP_EVENTS[action] });
      await audit(tx, this.forCase(ctx, row), `case.${action}`, { type: 'case', id });
    });
    return ok(undefined);
  }

  /** Closes a case: done (with its outcome and who helped), cancelled or unreachable; optional follow-up call. */
  async close(ctx: Ctx, id: string, input: CloseInput): Promise<Result> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    if (isClosed(row.status)) return fail('_form', 'errors.caseStep');
    if (input.closing === 'done' && !input.outcome) return fail('outcome', 'errors.required');
    const followUp = input.followUpDate ? parisTime(input.followUpDate, '10:00') : null;
    if (input.followUpDate && !followUp) return fail('followUpDate', 'errors.date');
    const now = new Date();
    const stamp =
      input.closing === 'done'
        ? { doneAt: now }
        : input.closing === 'cancelled'
          ? { cancelledAt: now }
          : { unreachableAt: now };
    await transaction(this.db, async (tx) => {
      await this.change(tx, row, {
        ...stamp,
        outcome: input.closing === 'done' ? (input.outcome as CaseOutcome) : null,
        outcomeNote: input.outcomeNote || null,
        helpedBy: input.helpedBy || null,
        callbackAt: followUp,
        callbackNote: followUp ? t('cases.followUpNote') : null,
      });
      // Offers still waiting are withdrawn: nobody must accept a closed case.
      for (const a of await repo.liveAssignments(tx, id))
        if (!a.acceptedAt) await repo.updateAssignment(tx, a.id, { withdrawnAt: now });
      await this.addToTimeline(tx, ctx, id, {
        kind: 'status',
        code: input.closing,
        body: [input.outcome, input.helpedBy, input.outcomeNote].filter(Boolean).join(' — '),
      });
      await audit(
        tx,
        this.forCase(ctx, row),
        `case.${input.closing}`,
        { type: 'case', id },
        { outcome: input.outcome },
      );
    });
    return ok(undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Routing

  /** Ranked, explained suggestions for a case: structures, then volunteers. Staff only. */
  async suggestions(ctx: Ctx, id: string) {
    if (!this.isStaff(ctx.actor)) return null;
    const row = await repo.findCase(this.db, ctx.territoryId, id);
    if (!row) return null;
    return this.suggestFor(row);
  }

  /** The suggestions of a loaded case (also what the benchmark measures). */
  async suggestFor(row: {
    territoryId: string;
    id: string;
    areaId: string;
    categoryId: string;
    categoryDomain: Domain;
    skillId: string | null;
    exactLat: number | null;
    exactLon: number | null;
    centroidLat: number;
    centroidLon: number;
  }) {
    const point = { lat: row.exactLat ?? row.centroidLat, lon: row.exactLon ?? row.centroidLon };
    const live = await repo.liveAssignments(this.db, row.id);
    const weekday = parisWeekday(new Date());
    const [organizations, volunteers] = await Promise.all([
      repo.suggestOrganizations(this.db, {
        territoryId: row.territoryId,
        areaId: row.areaId,
        categoryId: row.categoryId,
        domain: row.categoryDomain,
        ...point,
        limit: SUGGESTIONS,
      }),
      repo.suggestVolunteers(this.db, {
        territoryId: row.territoryId,
        domain: row.categoryDomain,
        areaKm: await this.areaDistances(row.territoryId, point),
        weekday,
        skillId: row.skillId,
        excludeAccountIds: live.map((a) => a.volunteerAccountId).filter((x): x is string => !!x),
        limit: SUGGESTIONS,
      }),
    ]);
    const offered = new Set(live.map((a) => a.organizationId));
    return {
      organizations: organizations
        .filter((o) => !offered.has(o.id))
        .map((o): OrganizationSuggestion => ({
          id: o.id,
          slug: o.slug,
          name: o.name,
          distanceKm: o.distanceKm,
          coversArea: o.coversArea,
          coversCategory: o.coversCategory,
          meanAcceptMs: o.meanAcceptMs,
          live: o.live,
        })),
      volunteers: volunteers.map((v): VolunteerSuggestion => ({
        accountId: v.accountId,
        name: v.displayName,
        distanceKm: v.distanceKm,
        radiusKm: v.radiusKm,
        availableToday: v.availableToday,
        lastSolicitedAt: v.lastSolicitedAt,
        hasSkill: v.hasSkill,
      })),
    };
  }

  /** Kilometres from a point to the centre of each commune within 100 km (the largest radius). */
  private async areaDistances(territoryId: string, point: { lat: number; lon: number }) {
    const areas = await this.deps.territories.areas(territoryId);
    const out: Array<{ id: string; km: number }> = [];
    for (const a of areas) {
      const km = haversineKm(point, { lat: a.centroidLat, lon: a.centroidLon });
      if (km <= 100) out.push({ id: a.id, km: Math.round(km * 100) / 100 });
    }
    return out;
  }

  /**
   * Offers the case to a structure (its team is mailed; it accepts or declines in « Demandes
   * confiées ») or to a volunteer (mailed, and a conversation about the case is opened between
   * the operator and them). The case becomes « orienté » until someone accepts.
   */
  async route(ctx: Ctx, id: string, to: { organizationId?: string; volunteerId?: string }): Promise<Result> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    if (isClosed(row.status)) return fail('_form', 'errors.caseStep');
    const vars = {
      category: row.categoryName,
      area: row.areaName,
      link: `${this.deps.publicUrl}/demandes-confiees/${id}`,
    };
    const live = await repo.liveAssignments(this.db, id);
    if (to.organizationId) {
      const org = await orgRepo.findById(this.db, ctx.territoryId, to.organizationId);
      if (!org || !org.validatedAt) return fail('organizationId', 'errors.choice');
      if (live.some((a) => a.organizationId === org.id))
        return fail('organizationId', 'errors.caseAlreadyOffered');
      await this.offer(ctx, id, row, {
        to: { kind: 'organization', organizationId: org.id },
        name: org.name,
        action: 'case.route',
        detail: { organizationId: org.id },
        recipients: (tx) => orgRepo.teamEmails(tx, org.id),
        mail: 'mail.caseOfferedOrgBody',
        vars: { organization: org.name, ...vars },
      });
      return ok(undefined);
    }
    if (to.volunteerId) {
      const volunteer = await repo.volunteerAccount(this.db, ctx.territoryId, to.volunteerId);
      if (!volunteer) return fail('volunteerId', 'errors.choice');
      if (live.some((a) => a.volunteerAccountId === volunteer.id))
        return fail('volunteerId', 'errors.caseAlreadyOffered');
      await this.offer(ctx, id, row, {
        to: { kind: 'volunteer', volunteerAccountId: volunteer.id },
        name: volunteer.displayName,
        action: 'case.assign',
        detail: { volunteerId: volunteer.id },
        recipients: async () => [volunteer],
        mail: 'mail.caseOfferedVolunteerBody',
        vars,
      });
      // A conversation about the case between the operator and the volunteer (no personal data in it).
      await this.conversations
        ?.open(ctx, {
          subject: { type: 'case', id },
          others: [{ accountId: volunteer.id }],
          firstMessage: t('cases.assignFirstMessage', {
            number: String(row.number),
            category: row.categoryName,
            area: row.areaName,
          }),
        })
        .catch(() => undefined);
      return ok(undefined);
    }
    return fail('_form', 'errors.choice');
  }

  /**
   * One offer, to a structure or a volunteer: the assignment, the case « orienté », a line on the
   * timeline, the audit, and a mail to each person who may answer it.
   */
  private async offer(
    ctx: Ctx,
    id: string,
    row: repo.CaseDetailRow,
    offer: {
      to:
        { kind: 'organization'; organizationId: string } | { kind: 'volunteer'; volunteerAccountId: string };
      name: string;
      action: 'case.route' | 'case.assign';
      detail: Record<string, string>;
      recipients: (tx: Executor) => Promise<Array<{ email: string; displayName: string }>>;
      mail: MessageKey;
      vars: Record<string, string>;
    },
  ) {
    const territory = await this.deps.territories.byId(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      await repo.insertAssignment(tx, {
        territoryId: ctx.territoryId,
        caseId: id,
        ...offer.to,
        offeredByAccountId: ctx.actor!.accountId,
      });
      await this.markRouted(tx, row);
      await this.addToTimeline(tx, ctx, id, { kind: 'routing', code: 'offered', body: offer.name });
      await audit(tx, this.forCase(ctx, row), offer.action, { type: 'case', id }, offer.detail);
      for (const person of await offer.recipients(tx))
        await this.deps.outbox.queueMail(
          tx,
          afterCommit,
          ctx.territoryId,
          composeMail({
            to: person.email,
            name: person.displayName,
            territoryName: territory?.name ?? '',
            subject: 'mail.caseOfferedSubject',
            body: offer.mail,
            vars: offer.vars,
          }),
        );
    });
  }

  private async markRouted(tx: Executor, row: repo.CaseDetailRow) {
    // Routing again after an escalation or a refusal: the flag goes, the case waits for an answer.
    if (!row.acceptedAt)
      await this.change(tx, row, {
        routedAt: new Date(),
        qualifiedAt: row.qualifiedAt ?? new Date(),
        escalatedAt: null,
      });
  }

  /** Withdraws an unanswered offer (the operator found someone else). */
  async withdraw(ctx: Ctx, id: string, assignmentId: string): Promise<Result> {
    const row = await this.load(ctx, id);
    const a = row ? await repo.findAssignment(this.db, ctx.territoryId, assignmentId) : null;
    if (!row || !a || a.caseId !== id || a.acceptedAt || a.declinedAt || a.expiredAt || a.withdrawnAt)
      return fail('_form', 'errors.notAllowed');
    await transaction(this.db, async (tx) => {
      await repo.updateAssignment(tx, a.id, { withdrawnAt: new Date() });
      await this.afterOfferEnded(tx, row);
      await this.addToTimeline(tx, ctx, id, { kind: 'routing', code: 'withdrawn' });
      await audit(tx, this.forCase(ctx, row), 'case.withdraw_offer', { type: 'case', id });
    });
    return ok(undefined);
  }

  /** When the last live offer of an unaccepted case ends, the case is back in the queue (qualified). */
  private async afterOfferEnded(tx: Executor, row: repo.CaseDetailRow, flag?: Date) {
    const live = await repo.liveAssignments(tx, row.id);
    if (live.length === 0 && !row.acceptedAt && !isClosed(row.status))
      await this.change(tx, row, { routedAt: null, ...(flag ? { escalatedAt: flag } : {}) });
    else if (flag) await repo.updateCase(tx, row.id, { escalatedAt: flag });
  }

  // -------------------------------------------------------------------------------------------
  // Structures and volunteers: « Demandes confiées »

  /** The cases offered to the viewer (as a volunteer or through their structures). */
  async inbox(ctx: Ctx) {
    if (!ctx.actor) return [];
    const rows = await repo.listInbox(this.db, ctx.territoryId, ctx.actor.accountId);
    return rows.map((r) => ({ ...r, name: discreetName(r) }));
  }

  /**
   * A case as its assignee sees it, or null (404) when it was not offered to them: first name,
   * commune and need; the full name, phone and address only once accepted, and only if the person
   * agreed to share them (that reading is audited).
   */
  async assigneeView(ctx: Ctx, caseId: string): Promise<AssigneeCaseView | null> {
    if (!ctx.actor) return null;
    const a = await repo.assignmentFor(this.db, ctx.territoryId, caseId, ctx.actor.accountId);
    if (!a) return null;
    const row = await repo.findCase(this.db, ctx.territoryId, caseId);
    if (!row) return null;
    const view = assigneeCaseView(caseId, row, a);
    if (view.contact)
      await audit(this.db, this.forCase(ctx, row), 'beneficiary.read_by_assignee', {
        type: 'case',
        id: caseId,
      });
    return view;
  }

  /** The assignee accepts or declines an offer; the time to accept is what operators see. */
  async decide(ctx: Ctx, caseId: string, decision: 'accept' | 'decline', reason = ''): Promise<Result> {
    if (!ctx.actor) return fail('_form', 'errors.notAllowed');
    const a = await repo.assignmentFor(this.db, ctx.territoryId, caseId, ctx.actor.accountId);
    const row = a ? await repo.findCase(this.db, ctx.territoryId, caseId) : null;
    if (!a || !row) return fail('_form', 'errors.notAllowed');
    return this.decideAssignment(ctx, row, a, decision, reason, ctx.actor.accountId);
  }

  private async decideAssignment(
    ctx: Ctx,
    row: repo.CaseDetailRow,
    a: { id: string; acceptedAt: Date | null; organizationName?: string | null },
    decision: 'accept' | 'decline',
    reason: string,
    deciderId: string | null,
  ): Promise<Result> {
    if (a.acceptedAt || isClosed(row.status)) return fail('_form', 'errors.caseStep');
    const now = new Date();
    await transaction(this.db, async (tx) => {
      if (decision === 'accept') {
        await repo.updateAssignment(tx, a.id, { acceptedAt: now, decidedByAccountId: deciderId });
        if (!row.acceptedAt)
          await this.change(tx, row, { acceptedAt: now, routedAt: row.routedAt ?? now, escalatedAt: null });
      } else {
        await repo.updateAssignment(tx, a.id, {
          declinedAt: now,
          declineReason: reason || null,
          decidedByAccountId: deciderId,
        });
        await this.afterOfferEnded(tx, row);
      }
      await repo.insertEvent(tx, {
        caseId: row.id,
        kind: 'routing',
        code: decision === 'accept' ? 'accepted' : 'declined',
        body: [a.organizationName, reason].filter(Boolean).join(' — '),
        authorAccountId: deciderId,
      });
      await audit(
        tx,
        this.forCase(ctx, row),
        `case.${decision}`,
        { type: 'case', id: row.id },
        { assignmentId: a.id },
      );
    });
    return ok(undefined);
  }

  /** The assignee says the help is under way, or given (the operator is told on the timeline). */
  async report(ctx: Ctx, caseId: string, what: 'in_progress' | 'done', note = ''): Promise<Result> {
    if (!ctx.actor) return fail('_form', 'errors.notAllowed');
    const a = await repo.assignmentFor(this.db, ctx.territoryId, caseId, ctx.actor.accountId);
    const row = a ? await repo.findCase(this.db, ctx.territoryId, caseId) : null;
    if (!a || !row || !a.acceptedAt) return fail('_form', 'errors.notAllowed');
    return this.reportProgress(ctx, row, what, note, ctx.actor.accountId, a.organizationName);
  }

  private async reportProgress(
    ctx: Ctx,
    row: repo.CaseDetailRow,
    what: 'in_progress' | 'done',
    note: string,
    authorId: string | null,
    by: string | null,
  ): Promise<Result> {
    if (isClosed(row.status)) return fail('_form', 'errors.caseStep');
    const now = new Date();
    await transaction(this.db, async (tx) => {
      if (what === 'in_progress') await this.change(tx, row, { startedAt: row.startedAt ?? now });
      else
        await this.change(tx, row, {
          startedAt: row.startedAt ?? now,
          doneAt: now,
          outcome: 'helped',
          helpedBy: by ?? row.helpedBy,
        });
      await repo.insertEvent(tx, {
        caseId: row.id,
        kind: 'status',
        code: what === 'done' ? 'done_by_assignee' : 'in_progress_by_assignee',
        body: [by, note].filter(Boolean).join(' — '),
        authorAccountId: authorId,
      });
      await audit(tx, this.forCase(ctx, row), `case.assignee_${what}`, { type: 'case', id: row.id });
    });
    return ok(undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Escalation

  /**
   * The escalation job: offers unanswered past their urgency's delay expire; a case left with no
   * live offer goes back to the queue, flagged (`escalated_at`), with a line on its timeline.
   */
  async escalate(now = new Date()): Promise<number> {
    return transaction(this.db, async (tx) => {
      const overdue = await repo.claimOverdueOffers(tx, now, ESCALATION_DELAY_MS);
      for (const o of overdue) {
        await repo.updateAssignment(tx, o.id, { expiredAt: now });
        const row = await repo.findCase(tx, o.territoryId, o.caseId);
        if (!row) continue;
        await this.afterOfferEnded(tx, row, now);
        await repo.insertEvent(tx, {
          caseId: o.caseId,
          kind: 'routing',
          code: 'escalated',
          authorAccountId: null,
        });
        await audit(
          tx,
          { ...systemCtx(o.territoryId, 'cases-escalate'), onBehalfOf: { beneficiaryId: row.beneficiaryId } },
          'case.escalate',
          {
            type: 'case',
            id: o.caseId,
          },
        );
      }
      return overdue.length;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Publishing an anonymised request for the beneficiary

  /** The form's starting values: the need without any name, the commune only. */
  async postDraft(ctx: Ctx, id: string) {
    const row = await this.load(ctx, id);
    if (!row) return null;
    return {
      title: t('cases.postTitleDraft', { category: row.categoryName, area: row.areaName }).slice(
        0,
        POST_LIMITS.title,
      ),
      description: '',
      row,
    };
  }

  /**
   * Publishes a request post on the beneficiary's behalf (PostService with `onBehalfOf`): the
   * public sees the commune's approximate point, never the address; answers go to the operator.
   */
  async publishPost(
    ctx: Ctx,
    id: string,
    input: { title: string; description: string },
  ): Promise<Result<{ postId: string }>> {
    const row = await this.load(ctx, id);
    if (!row) return fail('_form', 'errors.notAllowed');
    if (isClosed(row.status)) return fail('_form', 'errors.caseStep');
    const created = await this.deps.posts.create(this.forCase(ctx, row), {
      kind: 'request',
      categoryId: row.categoryId,
      title: input.title,
      description: input.description,
      whenText: '',
      startsOn: '',
      endsOn: '',
      commune: row.areaName,
      address: '',
      showPhone: false,
      showEmail: false,
    });
    if (!created.ok) return created;
    await transaction(this.db, async (tx) => {
      await repo.updateCase(tx, id, { postId: created.value.id });
      await this.addToTimeline(tx, ctx, id, { kind: 'routing', code: 'post', body: input.title });
    });
    return ok({ postId: created.value.id });
  }

  // -------------------------------------------------------------------------------------------
  // The API of structures

  /** A structure's new API key, shown once; only its hash is kept. */
  async createToken(ctx: Ctx, organizationId: string): Promise<Result<{ token: string }>> {
    if (!ctx.actor || !(await orgRepo.memberRole(this.db, organizationId, ctx.actor.accountId)))
      return fail('_form', 'errors.notAllowed');
    const token = `mf_${randomBytes(24).toString('base64url')}`;
    await transaction(this.db, async (tx) => {
      await repo.insertToken(tx, {
        organizationId,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 8),
        createdByAccountId: ctx.actor!.accountId,
      });
      await audit(tx, ctx, 'organization.api_token_create', { type: 'organization', id: organizationId });
    });
    return ok({ token });
  }

  async revokeToken(ctx: Ctx, organizationId: string, tokenId: string): Promise<Result> {
    if (!ctx.actor || !(await orgRepo.memberRole(this.db, organizationId, ctx.actor.accountId)))
      return fail('_form', 'errors.notAllowed');
    const done = await transaction(this.db, async (tx) => {
      const revoked = await repo.revokeToken(tx, organizationId, tokenId);
      if (revoked)
        await audit(tx, ctx, 'organization.api_token_revoke', { type: 'organization', id: organizationId });
      return revoked;
    });
    return done ? ok(undefined) : fail('_form', 'errors.notAllowed');
  }

  tokens(organizationId: string) {
    return repo.listTokens(this.db, organizationId);
  }

  /** The structure behind a bearer token of this territory, or null. */
  async authenticate(territoryId: string, header: string | undefined) {
    const m = /^Bearer\s+(mf_[A-Za-z0-9_-]{20,60})$/.exec(header ?? '');
    if (!m) return null;
    const found = await repo.findActiveToken(this.db, hashToken(m[1]!));
    if (!found || found.territoryId !== territoryId) return null;
    await repo.touchToken(this.db, found.id);
    return found;
  }

  /** The cases offered to a structure, as the API presents them (same rules as the inbox page). */
  /**
   * One page of the cases offered to a structure, newest first (`CASES_API_PAGE` a page): the
   * cursor `apres` is the previous page's `next`; a malformed one reads as the first page.
   */
  async apiList(territoryId: string, organizationId: string, apres?: string, limit = CASES_API_PAGE) {
    const rows = await repo.listOrganizationCases(this.db, organizationId, {
      after: decodeCursor(apres),
      limit: limit + 1,
    });
    const items: AssigneeCaseView[] = [];
    for (const { caseId } of rows.slice(0, limit)) {
      const view = await this.organizationView(territoryId, organizationId, caseId);
      if (view) items.push(view);
    }
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, next: last ? encodeCursor(Number(last.key), last.assignmentId) : null };
  }

  private async organizationView(territoryId: string, organizationId: string, caseId: string) {
    const rows = await repo.listAssignments(this.db, caseId);
    const a = rows.find(
      (r) => r.organizationId === organizationId && !r.declinedAt && !r.expiredAt && !r.withdrawnAt,
    );
    const row = a ? await repo.findCase(this.db, territoryId, caseId) : null;
    if (!a || !row) return null;
    return assigneeCaseView(caseId, row, a);
  }

  /** `POST /api/v1/cases/{id}/status` for a structure: accept, decline, under way, done. */
  async apiSetStatus(
    territoryId: string,
    token: { id: string; organizationId: string },
    caseId: string,
    status: 'accepted' | 'declined' | 'in_progress' | 'done',
    note: string,
  ): Promise<Result<AssigneeCaseView>> {
    const view = await this.organizationView(territoryId, token.organizationId, caseId);
    const row = view ? await repo.findCase(this.db, territoryId, caseId) : null;
    if (!view || !row) return fail('_form', 'errors.notFound');
    const ctx: Ctx = { ...systemCtx(territoryId, `api-token:${token.id}`) };
    const result =
      status === 'accepted' || status === 'declined'
        ? await this.decideAssignment(
            ctx,
            row,
            {
              id: view.assignmentId,
              acceptedAt: view.accepted ? new Date() : null,
              organizationName: view.organizationName,
            },
            status === 'accepted' ? 'accept' : 'decline',
            note,
            null,
          )
        : view.accepted
          ? await this.reportProgress(ctx, row, status, note, null, view.organizationName)
          : fail('_form', 'errors.caseStep');
    if (!result.ok) return result;
    const after = await this.organizationView(territoryId, token.organizationId, caseId);
    return after ? ok(after) : fail('_form', 'errors.notFound');
  }
}

/** A day and a time in Europe/Paris as an instant, or null when the day does not exist. */
export function parisTime(date: string, time: string): Date | null {
  const probe = new Date(`${date}T${time}:00Z`);
  if (Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== date) return null;
  // The offset of Paris at that moment (+1 or +2), read from Intl.
  const local = new Date(probe.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
  const utc = new Date(probe.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(probe.getTime() - (local.getTime() - utc.getTime()));
}

/** Today's weekday in Paris, as the volunteer profiles spell it (« lundi »…). */
export function parisWeekday(now: Date): string {
  const name = now.toLocaleDateString('en-US', { timeZone: 'Europe/Paris', weekday: 'short' });
  const index = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(name);
  return WEEKDAYS[Math.max(0, index)]!;
}
