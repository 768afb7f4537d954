import type { Db, Executor } from '../../db/client.ts';
import type {
  ApplicationStatus,
  DeclineReason,
  Domain,
  MissionSchedule,
  MissionStatus,
} from '../../db/schema.ts';
import { fail, ok, type FieldError, type Result } from '../../domain/fields.ts';
import { haversineKm } from '../../domain/geo.ts';
import {
  acceptsApplications,
  applicationStatus,
  holdsPlace,
  missionStatus,
  structureActions,
} from '../../domain/missions.ts';
import { MISSION_LIMITS } from '../../domain/missions.ts';
import type { Actor } from '../../domain/permissions.ts';
import { approximateDistance } from '../../domain/place-privacy.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Geocoder } from '../../platform/geocoder.ts';
import { composeMail, type Outbox } from '../../platform/mail.ts';
import { transaction, type AfterCommit } from '../../platform/transaction.ts';
import { t, type MessageKey } from '../../web/i18n/index.ts';
import * as accountsRepo from '../accounts/repository.ts';
import type { OrganizationService } from '../organizations/service.ts';
import { decodeCursor, encodeCursor } from '../posts/service.ts';
import { Places } from '../territory/places.ts';
import type { AreaSummary, CategoryRow, TerritoryService } from '../territory/service.ts';
import * as repo from './repository.ts';
import type { ApplyInput, MissionDetailsInput, MissionInput, MissionSearchQuery } from './schemas.ts';

export const MISSION_PAGE_SIZE = 20;
const DEFAULT_RADIUS_KM = 20;

export interface SkillRow {
  id: string;
  slug: string;
  name: string;
  health: boolean;
}

/** A mission as any viewer may see it: no address (unless it is the structure's public one), no team. */
export interface PublicMission {
  id: string;
  title: string;
  description: string;
  status: MissionStatus;
  domain: Domain;
  schedule: MissionSchedule;
  recurrenceText: string;
  startsOn: string | null;
  endsOn: string | null;
  volunteersNeeded: number;
  placesLeft: number;
  flags: { reducedMobility: boolean; remotePossible: boolean; remoteOnly: boolean; openToMinors: boolean };
  minAge: number | null;
  skills: Array<{ slug: string; name: string; health: boolean }>;
  category: { id: string; slug: string; name: string };
  area: { id: string; name: string };
  point: { lat: number; lon: number };
  distance: ReturnType<typeof approximateDistance> | null;
  organization: { name: string; slug: string };
  publishedAt: Date | null;
}

export interface PublicSlot {
  id: string;
  startsAt: Date | null;
  endsAt: Date | null;
  capacity: number;
  placesLeft: number;
}

export interface ResolvedMissionSearch {
  domain: Domain | null;
  categorySlugs: string[];
  area: AreaSummary | null;
  near: { lat: number; lon: number; label: string } | null;
  radiusKm: number;
  from: string;
  to: string;
  skillSlugs: string[];
  remote: boolean;
  sort: 'nearest' | 'newest';
  problems: Record<string, FieldError>;
}

interface Deps {
  db: Db;
  territories: TerritoryService;
  geocoder: Geocoder;
  outbox: Outbox;
  organizations: OrganizationService;
}

/**
 * The conversations module, as missions use it: each application gets a conversation between
 * the volunteer and the structure's team (opened once the application is stored).
 */
export interface ApplicationConversations {
  open(
    ctx: Ctx,
    opts: {
      subject: { type: 'application'; id: string };
      others: Array<{ accountId: string }>;
      firstMessage: string;
    },
  ): Promise<Result<{ conversationId: string }>>;
  forSubject(
    territoryId: string,
    subject: { type: 'application'; id: string },
    viewer: Actor,
  ): Promise<string | null>;
}

/** Missions of structures: publishing, search, applications with places and a waiting list. */
export class MissionService {
  private readonly places: Places;
  conversations: ApplicationConversations | null = null;

  constructor(private readonly deps: Deps) {
    this.places = new Places(deps);
  }

  private get db() {
    return this.deps.db;
  }

  private async territoryName(territoryId: string) {
    return (await this.deps.territories.byId(territoryId))?.name ?? '';
  }

  /** The territory's skill list (including the health professions). */
  skills(territoryId: string): Promise<SkillRow[]> {
    return repo.listSkills(this.db, territoryId);
  }

  async formOptions(territoryId: string) {
    const [categories, areas, skills] = await Promise.all([
      this.deps.territories.categories(territoryId),
      this.deps.territories.areas(territoryId),
      this.skills(territoryId),
    ]);
    return { categories, areas, skills };
  }

  /** The team of a structure publishes a mission; a structure must be validated first. */
  /**
   * The columns of what a mission says (not its dates), checked: a category and skills of the
   * territory, a known place — or, entirely remote, the structure's public point.
   */
  private async details(
    territoryId: string,
    organization: { areaId: string; publicLat: number; publicLon: number },
    input: MissionDetailsInput,
  ) {
    const { categories, skills } = await this.formOptions(territoryId);
    const category = categories.find((c) => c.id === input.categoryId);
    if (!category) return fail('categoryId', 'errors.choice');
    if (!input.requiredSkillIds.every((id) => skills.some((s) => s.id === id)))
      return fail('requiredSkillIds', 'errors.choice');
    const place = input.commune
      ? await this.places.locate(territoryId, { commune: input.commune, address: input.address })
      : ok({
          areaId: organization.areaId,
          address: null,
          exactLat: null,
          exactLon: null,
          placePrecision: 'commune' as const,
          publicLat: organization.publicLat,
          publicLon: organization.publicLon,
        });
    if (!place.ok) return place;
    return ok({
      title: input.title,
      description: input.description,
      categoryId: category.id,
      domain: category.domain,
      requiredSkillIds: input.requiredSkillIds,
      minAge: input.minAge,
      reducedMobility: input.reducedMobility,
      remotePossible: input.remotePossible || input.remoteOnly,
      remoteOnly: input.remoteOnly,
      openToMinors: input.openToMinors,
      areaId: place.value.areaId,
      address: place.value.address,
      exactLat: place.value.exactLat,
      exactLon: place.value.exactLon,
      publicLat: place.value.publicLat,
      publicLon: place.value.publicLon,
    });
  }

  async create(ctx: Ctx, slug: string, input: MissionInput): Promise<Result<{ id: string }>> {
    const managed = await this.deps.organizations.managed(ctx.territoryId, slug, ctx.actor);
    if (!managed) return fail('_form', 'errors.notAllowed');
    if (!managed.row.validatedAt) return fail('_form', 'errors.orgNotValidated');
    const details = await this.details(ctx.territoryId, managed.row, input);
    if (!details.ok) return details;
    const slots = slotsOf(input);
    const days = slots.map((s) => s.startsAt).filter((d): d is Date => d !== null);
    const isoDay = (d: Date) => d.toISOString().slice(0, 10);
    const startsOn =
      input.schedule === 'recurring'
        ? input.recurrenceFrom || null
        : days.length
          ? isoDay(new Date(Math.min(...days.map((d) => d.getTime()))))
          : null;
    const endsOn =
      input.schedule === 'recurring'
        ? input.recurrenceTo || null
        : days.length
          ? isoDay(new Date(Math.max(...days.map((d) => d.getTime()))))
          : null;
    return transaction(this.db, async (tx) => {
      const now = new Date();
      const created = await repo.insertMission(tx, {
        territoryId: ctx.territoryId,
        organizationId: managed.row.id,
        ...details.value,
        schedule: input.schedule as MissionSchedule,
        recurrenceText: input.schedule === 'recurring' ? input.recurrenceText : '',
        recurrenceDays: input.schedule === 'recurring' ? input.recurrenceDays.map(Number) : [],
        startsOn,
        endsOn,
        volunteersNeeded: slots.reduce((n, s) => n + s.capacity, 0),
        createdByAccountId: ctx.actor!.accountId,
        // Published at once: the structure is validated and answers for its missions.
        publishedAt: now,
        status: 'open',
      });
      await repo.insertSlots(
        tx,
        slots.map((s, i) => ({ missionId: created.id, ...s, position: i })),
      );
      await audit(tx, ctx, 'mission.create', { type: 'mission', id: created.id });
      return ok({ id: created.id });
    });
  }

  /** Turns URL filters into a search (places geocoded, unknown names said as problems). */
  async resolveSearch(territoryId: string, q: MissionSearchQuery): Promise<ResolvedMissionSearch> {
    const problems: Record<string, FieldError> = {};
    const area = q.commune ? await this.places.resolveCommune(territoryId, q.commune) : null;
    if (q.commune && !area) problems.commune = { key: 'errors.communeUnknown' };
    const near = await this.places.resolveNear(territoryId, q, problems);
    const sort = near && q.tri !== 'recentes' ? 'nearest' : 'newest';
    if (q.du && q.au && q.au < q.du) problems.au = { key: 'errors.endBeforeStart' };
    return {
      domain: (q.domaine || null) as Domain | null,
      categorySlugs: q.categorie,
      area,
      near,
      radiusKm: q.rayon ?? DEFAULT_RADIUS_KM,
      from: q.du,
      to: q.au,
      skillSlugs: q.competence,
      remote: q.distance === 'oui',
      sort,
      problems,
    };
  }

  /** One page of the public mission list, and the lists the filters need. */
  async search(territoryId: string, q: MissionSearchQuery) {
    const [{ categories, areas, skills }, search] = await Promise.all([
      this.formOptions(territoryId),
      this.resolveSearch(territoryId, q),
    ]);
    const bySlug = new Map(categories.map((c) => [c.slug, c.id]));
    const skillBySlug = new Map(skills.map((s) => [s.slug, s.id]));
    const none = '00000000-0000-0000-0000-000000000000';
    const rows = await repo.searchMissions(this.db, {
      territoryId,
      domain: search.domain,
      categoryIds: search.categorySlugs.map((s) => bySlug.get(s) ?? none),
      areaId: search.area?.id ?? null,
      near: search.near,
      radiusKm: search.near ? search.radiusKm : undefined,
      from: search.from || null,
      to: search.to || null,
      skillIds: search.skillSlugs.map((s) => skillBySlug.get(s) ?? none),
      remote: search.remote,
      sort: search.sort,
      limit: MISSION_PAGE_SIZE,
      after: decodeCursor(q.apres),
    });
    const page = rows.slice(0, MISSION_PAGE_SIZE);
    const last = page.at(-1);
    return {
      search,
      missions: page.map((r) => presentRow(r, skills, search.near)),
      nextCursor: rows.length > MISSION_PAGE_SIZE && last ? encodeCursor(last.sortKey, last.id) : null,
      categories,
      areas,
      skills,
    };
  }

  /** Listed missions in a box for the map. */
  mapPoints(territoryId: string, bbox: [number, number, number, number]) {
    return repo.mapMissions(this.db, territoryId, bbox, 1000);
  }

  /**
   * A mission for a viewer, or null when it does not exist for them: a draft, or a mission of a
   * structure not validated, is seen only by the structure's team.
   */
  async view(
    territoryId: string,
    id: string,
    viewer: Actor | null,
    near: { lat: number; lon: number } | null = null,
  ) {
    const row = await repo.findMission(this.db, territoryId, id);
    if (!row) return null;
    const team = await this.onTeam(viewer, row.organizationId);
    const status = missionStatus(row);
    if ((status === 'draft' || !row.organizationValidatedAt) && !team) return null;
    const [slots, skills] = await Promise.all([repo.listSlots(this.db, id), this.skills(territoryId)]);
    const publicSlots: PublicSlot[] = slots.map((s) => ({
      id: s.id,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      capacity: s.capacity,
      placesLeft: Math.max(0, s.capacity - s.taken),
    }));
    const point = { lat: row.publicLat, lon: row.publicLon };
    const mission: PublicMission = {
      id: row.id,
      title: row.title,
      description: row.description,
      status,
      domain: row.domain,
      schedule: row.schedule,
      recurrenceText: row.recurrenceText,
      startsOn: row.startsOn,
      endsOn: row.endsOn,
      volunteersNeeded: row.volunteersNeeded,
      placesLeft: publicSlots.reduce((n, s) => n + s.placesLeft, 0),
      flags: {
        reducedMobility: row.reducedMobility,
        remotePossible: row.remotePossible,
        remoteOnly: row.remoteOnly,
        openToMinors: row.openToMinors,
      },
      minAge: row.minAge,
      skills: skills
        .filter((s) => row.requiredSkillIds.includes(s.id))
        .map((s) => ({ slug: s.slug, name: s.name, health: s.health })),
      category: { id: row.categoryId, slug: row.categorySlug, name: row.categoryName },
      area: { id: row.areaId, name: row.areaName },
      point,
      distance: near ? approximateDistance(haversineKm(near, point)) : null,
      organization: { name: row.organizationName, slug: row.organizationSlug },
      publishedAt: row.publishedAt,
    };
    const mine =
      viewer && !team
        ? (await repo.listVolunteerApplications(this.db, territoryId, viewer.accountId)).filter(
            (a) => a.missionId === id,
          )
        : [];
    return {
      mission,
      slots: publicSlots,
      team,
      organizationId: row.organizationId,
      myApplications: mine.map((a) => ({
        id: a.id,
        status: applicationStatus(a),
        slotStartsAt: a.slotStartsAt,
      })),
    };
  }

  /**
   * A volunteer applies: a place of the slot is held at once when one is left (pending, for the
   * structure to accept or decline), otherwise the application joins the slot's waiting list.
   * The slot row is locked for the decision, so two applicants never get the same last place.
   */
  async apply(
    ctx: Ctx,
    missionId: string,
    input: ApplyInput,
    base: string,
  ): Promise<Result<{ id: string; status: ApplicationStatus }>> {
    const actor = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    const row = await repo.findMission(this.db, ctx.territoryId, missionId);
    if (!row || !row.organizationValidatedAt || missionStatus(row) === 'draft')
      return fail('_form', 'errors.notFound');
    if (!acceptsApplications(missionStatus(row))) return fail('_form', 'errors.missionClosed');
    if (await this.deps.organizations.isTeam(row.organizationId, actor.accountId))
      return fail('_form', 'errors.ownMission');
    if (row.minAge && !input.ageConfirmed) return fail('ageConfirmed', 'errors.mustAccept');
    const slots = await repo.listSlots(this.db, missionId);
    const slot = input.slotId
      ? slots.find((s) => s.id === input.slotId)
      : slots.length === 1
        ? slots[0]
        : null;
    if (!slot) return fail('slotId', input.slotId ? 'errors.choice' : 'errors.required');
    const territoryName = await this.territoryName(ctx.territoryId);
    const team = await this.deps.organizations.team(row.organizationId);
    const volunteer = await this.volunteerAccount(actor.accountId);
    let result: Result<{ id: string; status: ApplicationStatus }>;
    try {
      result = await transaction(this.db, async (tx, afterCommit) => {
        // Everything that does not depend on a place being left comes first, so that the slot's
        // row lock (taken below, held until the commit) covers as little work as possible.
        if (await repo.findLiveApplication(tx, slot.id, actor.accountId))
          return fail('_form', 'errors.alreadyApplied');
        const created = await repo.insertApplication(tx, {
          territoryId: ctx.territoryId,
          missionId,
          slotId: slot.id,
          volunteerAccountId: actor.accountId,
          message: input.message,
          waitlistedAt: new Date(),
        });
        const vars = { title: row.title, name: row.organizationName, volunteer: volunteer.displayName };
        for (const member of team)
          await this.mail(
            tx,
            afterCommit,
            ctx.territoryId,
            territoryName,
            member,
            'mail.applicationNewSubject',
            'mail.applicationNewBody',
            { ...vars, link: `${base}/structures/${row.organizationSlug}/gestion` },
          );
        // The place: one conditional UPDATE (it locks the slot's row). When the slot looks full,
        // wait for the lock and try again: a place freed by a transaction that was running
        // could not yet see this application on the waiting list, so it gave the place back.
        let take = await repo.takePlace(tx, slot.id);
        if (!take) {
          if (!(await repo.lockSlot(tx, missionId, slot.id))) return fail('slotId', 'errors.choice');
          take = await repo.takePlace(tx, slot.id);
        }
        const placed = take !== null;
        if (placed) {
          await repo.updateApplication(tx, created.id, { waitlistedAt: null });
          if (take!.left === 0) await repo.refreshFull(tx, missionId);
        }
        const status: ApplicationStatus = placed ? 'pending' : 'waitlisted';
        await audit(tx, ctx, 'application.create', { type: 'application', id: created.id }, { status });
        await this.mail(
          tx,
          afterCommit,
          ctx.territoryId,
          territoryName,
          volunteer,
          placed ? 'mail.applicationSentSubject' : 'mail.applicationWaitlistSubject',
          placed ? 'mail.applicationSentBody' : 'mail.applicationWaitlistBody',
          { ...vars, link: `${base}/mes-candidatures` },
        );
        return ok({ id: created.id, status });
      });
    } catch (err) {
      // The unique index caught a second live application sent at the same instant.
      if (
        (err as { code?: string; cause?: { code?: string } }).code === '23505' ||
        (err as { cause?: { code?: string } }).cause?.code === '23505'
      )
        return fail('_form', 'errors.alreadyApplied');
      throw err;
    }
    // The conversation between the volunteer and the team, after the commit (it has its own
    // transaction). A block or the daily limit leaves the application without one.
    if (result.ok && this.conversations)
      await this.conversations.open(ctx, {
        subject: { type: 'application', id: result.value.id },
        others: team.filter((m) => m.accountId !== actor.accountId).map((m) => ({ accountId: m.accountId })),
        firstMessage: input.message || t('applications.conversationStart', { title: row.title }),
      });
    return result;
  }

  private async volunteerAccount(accountId: string) {
    const acc = await accountsRepo.findAccountById(this.db, accountId);
    return { accountId, email: acc?.email ?? '', displayName: acc?.displayName ?? '' };
  }

  private async mail(
    tx: Executor,
    afterCommit: AfterCommit,
    territoryId: string,
    territoryName: string,
    to: { email: string; displayName: string },
    subject: MessageKey,
    body: MessageKey,
    vars: Record<string, string>,
  ) {
    if (!to.email) return;
    await this.deps.outbox.queueMail(
      tx,
      afterCommit,
      territoryId,
      composeMail({ to: to.email, name: to.displayName, territoryName, subject, body, vars }),
    );
  }

  /**
   * Gives back the place an application held: the first of the waiting list takes it (and is
   * told), or the slot has one more free place. Runs with the slot locked.
   */
  private async freePlace(
    tx: Executor,
    afterCommit: AfterCommit,
    ctx: Ctx,
    app: { missionId: string; slotId: string },
    mailVars: { territoryName: string; title: string; name: string; base: string },
  ) {
    await repo.lockSlot(tx, app.missionId, app.slotId);
    const next = await repo.firstWaiting(tx, app.slotId);
    if (next) {
      await repo.updateApplication(tx, next.id, { waitlistedAt: null, promotedAt: new Date() });
      await audit(tx, ctx, 'application.promote', { type: 'application', id: next.id });
      const promoted = await repo.findApplication(tx, ctx.territoryId, next.id);
      if (promoted)
        await this.mail(
          tx,
          afterCommit,
          ctx.territoryId,
          mailVars.territoryName,
          { email: promoted.volunteerEmail, displayName: promoted.volunteerName },
          'mail.applicationPromotedSubject',
          'mail.applicationPromotedBody',
          { title: mailVars.title, name: mailVars.name, link: `${mailVars.base}/mes-candidatures` },
        );
    } else {
      await repo.releasePlace(tx, app.slotId);
      await repo.refreshFull(tx, app.missionId);
    }
  }

  /** The structure accepts or declines (with a coded reason) one application. */
  async decide(
    ctx: Ctx,
    applicationId: string,
    decision: 'accept' | 'decline',
    reason: DeclineReason | null,
    base: string,
  ): Promise<Result<{ missionId: string }>> {
    const app = await repo.findApplication(this.db, ctx.territoryId, applicationId);
    if (!app || !(await this.onTeam(ctx.actor, app.organizationId))) return fail('_form', 'errors.notFound');
    const mission = await repo.findMission(this.db, ctx.territoryId, app.missionId);
    if (!mission) return fail('_form', 'errors.notFound');
    const territoryName = await this.territoryName(ctx.territoryId);
    return transaction(this.db, async (tx, afterCommit) => {
      // Locked in the same order as everywhere: the slot, then the application.
      await repo.lockSlot(tx, app.missionId, app.slotId);
      const current = await repo.lockApplication(tx, applicationId);
      if (!current) return fail('_form', 'errors.notFound');
      const status = applicationStatus(current);
      if (!structureActions(status).includes(decision)) return fail('_form', 'errors.applicationState');
      const vars = { title: mission.title, name: mission.organizationName, link: `${base}/mes-candidatures` };
      const to = { email: app.volunteerEmail, displayName: app.volunteerName };
      if (decision === 'accept') {
        await repo.updateApplication(tx, applicationId, {
          acceptedAt: new Date(),
          decidedByAccountId: ctx.actor!.accountId,
        });
        await audit(tx, ctx, 'application.accept', { type: 'application', id: applicationId });
        await this.mail(
          tx,
          afterCommit,
          ctx.territoryId,
          territoryName,
          to,
          'mail.applicationAcceptedSubject',
          'mail.applicationAcceptedBody',
          vars,
        );
      } else {
        await repo.updateApplication(tx, applicationId, {
          declinedAt: new Date(),
          declineReason: reason ?? 'other',
          decidedByAccountId: ctx.actor!.accountId,
        });
        await audit(tx, ctx, 'application.decline', { type: 'application', id: applicationId }, { reason });
        if (holdsPlace(status))
          await this.freePlace(tx, afterCommit, ctx, app, {
            territoryName,
            title: mission.title,
            name: mission.organizationName,
            base,
          });
        await this.mail(
          tx,
          afterCommit,
          ctx.territoryId,
          territoryName,
          to,
          'mail.applicationDeclinedSubject',
          'mail.applicationDeclinedBody',
          {
            ...vars,
            reason: reasonText(reason ?? 'other'),
          },
        );
      }
      return ok({ missionId: app.missionId });
    });
  }

  /** The same decision on several applications, one by one; says how many were applied. */
  async decideMany(
    ctx: Ctx,
    ids: string[],
    decision: 'accept' | 'decline',
    reason: DeclineReason | null,
    base: string,
  ): Promise<{ done: number; refused: number }> {
    let done = 0;
    for (const id of ids) if ((await this.decide(ctx, id, decision, reason, base)).ok) done++;
    return { done, refused: ids.length - done };
  }

  /** The volunteer withdraws their application; a held place goes to the waiting list. */
  async withdraw(ctx: Ctx, applicationId: string, base: string): Promise<Result> {
    const app = await repo.findApplication(this.db, ctx.territoryId, applicationId);
    if (!app || !ctx.actor || app.volunteerAccountId !== ctx.actor.accountId)
      return fail('_form', 'errors.notFound');
    const mission = await repo.findMission(this.db, ctx.territoryId, app.missionId);
    const territoryName = await this.territoryName(ctx.territoryId);
    return transaction(this.db, async (tx, afterCommit) => {
      await repo.lockSlot(tx, app.missionId, app.slotId);
      const current = await repo.lockApplication(tx, applicationId);
      if (!current) return fail('_form', 'errors.notFound');
      const status = applicationStatus(current);
      if (status === 'withdrawn' || status === 'declined') return fail('_form', 'errors.applicationState');
      await repo.updateApplication(tx, applicationId, { withdrawnAt: new Date() });
      await audit(tx, ctx, 'application.withdraw', { type: 'application', id: applicationId });
      if (holdsPlace(status))
        await this.freePlace(tx, afterCommit, ctx, app, {
          territoryName,
          title: mission?.title ?? '',
          name: mission?.organizationName ?? '',
          base,
        });
      for (const member of await this.deps.organizations.team(app.organizationId, tx))
        await this.mail(
          tx,
          afterCommit,
          ctx.territoryId,
          territoryName,
          member,
          'mail.applicationWithdrawnSubject',
          'mail.applicationWithdrawnBody',
          {
            title: mission?.title ?? '',
            volunteer: app.volunteerName,
          },
        );
      return ok(undefined);
    });
  }

  /** The team closes (no more applications) or cancels (every live application declined, told) a mission. */
  async end(ctx: Ctx, missionId: string, how: 'close' | 'cancel', base: string): Promise<Result> {
    const row = await repo.findMission(this.db, ctx.territoryId, missionId);
    if (!row || !(await this.onTeam(ctx.actor, row.organizationId))) return fail('_form', 'errors.notFound');
    const status = missionStatus(row);
    if (status === 'cancelled' || status === 'closed') return fail('_form', 'errors.applicationState');
    const territoryName = await this.territoryName(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      if (how === 'close')
        await repo.setMissionLifecycle(tx, missionId, { closedAt: new Date(), status: 'closed' });
      else {
        const live = await repo.liveApplicants(tx, missionId);
        await repo.declineAllLive(tx, missionId, 'cancelled', ctx.actor!.accountId);
        await repo.setMissionLifecycle(tx, missionId, { cancelledAt: new Date(), status: 'cancelled' });
        for (const a of live)
          await this.mail(
            tx,
            afterCommit,
            ctx.territoryId,
            territoryName,
            a,
            'mail.missionCancelledSubject',
            'mail.missionCancelledBody',
            {
              title: row.title,
              name: row.organizationName,
              link: `${base}/missions`,
            },
          );
      }
      await audit(tx, ctx, how === 'close' ? 'mission.close' : 'mission.cancel', {
        type: 'mission',
        id: missionId,
      });
    });
    return ok(undefined);
  }

  /** A mission its team may edit (open or full), with its commune's name; null otherwise. */
  async editable(ctx: Ctx, missionId: string) {
    const row = await repo.findMission(this.db, ctx.territoryId, missionId);
    if (!row || !(await this.onTeam(ctx.actor, row.organizationId))) return null;
    const status = missionStatus(row);
    return status === 'cancelled' || status === 'closed' ? null : row;
  }

  /**
   * The team edits what an open or full mission says; its dates and places stay as published.
   * When the place changes, the volunteers who applied (and did not withdraw) are told by mail.
   */
  async update(ctx: Ctx, missionId: string, input: MissionDetailsInput, base: string): Promise<Result> {
    const row = await repo.findMission(this.db, ctx.territoryId, missionId);
    if (!row || !(await this.onTeam(ctx.actor, row.organizationId))) return fail('_form', 'errors.notFound');
    const status = missionStatus(row);
    if (status === 'cancelled' || status === 'closed') return fail('_form', 'errors.applicationState');
    const organization = await this.deps.organizations.byId(ctx.territoryId, row.organizationId);
    if (!organization) return fail('_form', 'errors.notFound');
    const details = await this.details(ctx.territoryId, organization, input);
    if (!details.ok) return details;
    const moved =
      details.value.areaId !== row.areaId ||
      (details.value.address ?? '') !== (row.address ?? '') ||
      details.value.remoteOnly !== row.remoteOnly;
    const territoryName = await this.territoryName(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      await repo.updateMission(tx, missionId, details.value);
      if (moved)
        for (const a of await repo.liveApplicants(tx, missionId))
          await this.mail(
            tx,
            afterCommit,
            ctx.territoryId,
            territoryName,
            a,
            'mail.missionMovedSubject',
            'mail.missionMovedBody',
            {
              title: details.value.title,
              name: row.organizationName,
              link: `${base}/missions/${missionId}`,
            },
          );
      await audit(tx, ctx, 'mission.update', { type: 'mission', id: missionId }, { moved });
    });
    return ok(undefined);
  }

  /** The structure's dashboard: its missions with counts, and each mission's applications. */
  async dashboard(territoryId: string, slug: string, viewer: Actor | null) {
    const managed = await this.deps.organizations.managed(territoryId, slug, viewer);
    if (!managed) return null;
    const missions = await repo.listOrganizationMissions(this.db, managed.row.id);
    return { organization: managed.row, role: managed.role, missions };
  }

  /** A structure's listed missions (open or full), for its public page. */
  async ofOrganization(territoryId: string, organizationId: string) {
    const rows = await repo.listOrganizationMissions(this.db, organizationId);
    return rows
      .filter((r) => r.status === 'open' || r.status === 'full')
      .map((r) => ({
        id: r.id,
        title: r.title,
        status: r.status,
        placesLeft: Math.max(0, r.capacity - r.taken),
      }));
  }

  /** Whether the person is on the team of the structure (no one is, signed out). */
  private async onTeam(actor: Actor | null | undefined, organizationId: string): Promise<boolean> {
    return !!actor && (await this.deps.organizations.isTeam(organizationId, actor.accountId));
  }

  /** One mission's applications for its team: contact details only of the accepted ones. */
  async applicationsForTeam(territoryId: string, missionId: string, viewer: Actor | null) {
    const row = await repo.findMission(this.db, territoryId, missionId);
    if (!row || !viewer || !(await this.onTeam(viewer, row.organizationId))) return null;
    const [apps, slots, skills] = await Promise.all([
      repo.listMissionApplications(this.db, missionId),
      repo.listSlots(this.db, missionId),
      this.skills(territoryId),
    ]);
    const declared = await repo.listVolunteerSkills(
      this.db,
      territoryId,
      apps.map((a) => a.volunteerAccountId),
    );
    const withSkills = await Promise.all(
      apps.map(async (a) => ({
        ...a,
        status: applicationStatus(a),
        skills: declared.filter(
          (s) => s.accountId === a.volunteerAccountId && skills.some((k) => k.id === s.skillId),
        ),
        conversation: await this.conversationLink(territoryId, a.id, viewer),
      })),
    );
    return { mission: row, slots, applications: withSkills };
  }

  private async conversationLink(territoryId: string, applicationId: string, viewer: Actor) {
    const id = await this.conversations?.forSubject(
      territoryId,
      { type: 'application', id: applicationId },
      viewer,
    );
    return id ? `/messages/${id}` : null;
  }

  /** The volunteer's applications. */
  async mine(territoryId: string, viewer: Actor) {
    const rows = await repo.listVolunteerApplications(this.db, territoryId, viewer.accountId);
    return Promise.all(
      rows.map(async (r) => ({
        ...r,
        status: applicationStatus(r),
        conversation: await this.conversationLink(territoryId, r.id, viewer),
      })),
    );
  }
}

/** The slots a mission form describes (one row for a date, the filled rows, or the recurrence). */
function slotsOf(
  input: MissionInput,
): Array<{ startsAt: Date | null; endsAt: Date | null; capacity: number }> {
  if (input.schedule === 'recurring')
    return [{ startsAt: null, endsAt: null, capacity: input.recurrencePlaces ?? 1 }];
  const r = input as unknown as Record<string, unknown>;
  const rows =
    input.schedule === 'date' ? [1] : Array.from({ length: MISSION_LIMITS.slots }, (_, i) => i + 1);
  const at = (day: string, time: string) => (time ? parisTime(day, time) : parisTime(day, '00:00'));
  return rows
    .filter((n) => r[`slotDay${n}`])
    .map((n) => {
      const day = r[`slotDay${n}`] as string;
      const start = r[`slotStart${n}`] as string;
      const end = r[`slotEnd${n}`] as string;
      return {
        startsAt: at(day, start),
        endsAt: end ? at(day, end) : null,
        capacity: r[`slotPlaces${n}`] as number,
      };
    });
}

/** A day and a time on a French clock, as an instant. */
function parisTime(day: string, time: string): Date {
  const guess = new Date(`${day}T${time}:00Z`);
  const paris = new Date(guess.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
  const utc = new Date(guess.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(guess.getTime() - (paris.getTime() - utc.getTime()));
}

const REASON_TEXT: Record<DeclineReason, MessageKey> = {
  profile: 'applications.reason.profile',
  skills: 'applications.reason.skills',
  availability: 'applications.reason.availability',
  full: 'applications.reason.full',
  cancelled: 'applications.reason.cancelled',
  other: 'applications.reason.other',
};
/** A decline reason in French (for mails and pages). */
export function reasonText(reason: DeclineReason): string {
  return t(REASON_TEXT[reason]);
}

function presentRow(
  r: repo.PublicMissionRow,
  skills: SkillRow[],
  near: { lat: number; lon: number } | null,
): PublicMission {
  return {
    id: r.id,
    title: r.title,
    description: r.excerpt,
    status: r.status,
    domain: r.domain as Domain,
    schedule: r.schedule as MissionSchedule,
    recurrenceText: r.recurrenceText,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    volunteersNeeded: r.volunteersNeeded,
    placesLeft: r.placesLeft,
    flags: {
      reducedMobility: r.reducedMobility,
      remotePossible: r.remotePossible,
      remoteOnly: r.remoteOnly,
      openToMinors: r.openToMinors,
    },
    minAge: null,
    skills: skills
      .filter((s) => r.requiredSkillIds.includes(s.id))
      .map((s) => ({ slug: s.slug, name: s.name, health: s.health })),
    category: { id: r.categoryId, slug: r.categorySlug, name: r.categoryName },
    area: { id: r.areaId, name: r.areaName },
    point: { lat: r.publicLat, lon: r.publicLon },
    distance: near && r.distanceM !== null ? approximateDistance(r.distanceM / 1000) : null,
    organization: { name: r.organizationName, slug: r.organizationSlug },
    publishedAt: r.publishedAt,
  };
}

export type { CategoryRow };
