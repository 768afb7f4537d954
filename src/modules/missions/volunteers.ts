import type { Db } from '../../db/client.ts';
import type { DayPart, Domain, Weekday } from '../../db/schema.ts';
import { fail, ok, type Result } from '../../domain/fields.ts';
import { can, type Actor } from '../../domain/permissions.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { transaction } from '../../platform/transaction.ts';
import type { OrganizationService } from '../organizations/service.ts';
import type { Places } from '../territory/places.ts';
import * as repo from './repository.ts';
import type { ProfileInput } from './schemas.ts';

/** How many skills to confirm the operators' list shows at once (oldest first). */
const SKILLS_TO_VERIFY_PAGE = 100;

/**
 * Volunteer profiles: skills (health ones « à vérifier » until a structure or an operator confirms
 * them), availability, where, and domains of interest — what the alerts of a later issue will read.
 */
export class VolunteerService {
  constructor(private readonly deps: { db: Db; places: Places; organizations: OrganizationService }) {}

  private get db() {
    return this.deps.db;
  }

  /** The profile form's values and the declared skills with their verification. */
  async profile(territoryId: string, accountId: string) {
    const [profile, skills] = await Promise.all([
      repo.findProfile(this.db, territoryId, accountId),
      repo.listVolunteerSkills(this.db, territoryId, [accountId]),
    ]);
    return { profile, skills };
  }

  /** Saves the signed-in member's volunteer profile. */
  async save(ctx: Ctx, input: ProfileInput): Promise<Result> {
    const actor = ctx.actor;
    if (!actor || !can(actor, 'update:account', { ownerId: actor.accountId }))
      return fail('_form', 'errors.notAllowed');
    const skills = await repo.listSkills(this.db, ctx.territoryId);
    if (!input.skillIds.every((id) => skills.some((s) => s.id === id)))
      return fail('skillIds', 'errors.choice');
    let baseAreaId: string | null = null;
    if (input.commune) {
      const area = await this.deps.places.resolveCommune(ctx.territoryId, input.commune);
      if (!area) return fail('commune', 'errors.communeUnknown');
      baseAreaId = area.id;
    }
    if (input.radiusKm !== null && !baseAreaId) return fail('commune', 'errors.required');
    await transaction(this.db, async (tx) => {
      await repo.upsertProfile(tx, {
        territoryId: ctx.territoryId,
        accountId: actor.accountId,
        days: input.days as Weekday[],
        dayParts: input.dayParts as DayPart[],
        areaIds: baseAreaId ? [baseAreaId] : [],
        baseAreaId,
        radiusKm: input.radiusKm,
        domains: input.domains as Domain[],
        remoteOk: input.remoteOk,
      });
      await repo.setVolunteerSkills(tx, ctx.territoryId, actor.accountId, input.skillIds);
      await audit(tx, ctx, 'volunteer.profile', { type: 'account', id: actor.accountId });
    });
    return ok(undefined);
  }

  /**
   * Confirms a volunteer's (health) skill: by an operator or admin of the territory, or by the
   * team of a structure the volunteer applied to; who and when are recorded.
   */
  async verifySkill(
    ctx: Ctx,
    volunteerAccountId: string,
    skillId: string,
    organizationSlug: string | null,
  ): Promise<Result> {
    const actor: Actor | null = ctx.actor;
    if (!actor) return fail('_form', 'errors.notAllowed');
    let organizationId: string | null = null;
    if (organizationSlug) {
      const managed = await this.deps.organizations.managed(ctx.territoryId, organizationSlug, actor);
      if (!managed || !(await repo.hasAppliedTo(this.db, managed.row.id, volunteerAccountId)))
        return fail('_form', 'errors.notAllowed');
      organizationId = managed.row.id;
    } else if (!can(actor, 'verify:skill')) return fail('_form', 'errors.notAllowed');
    return transaction(this.db, async (tx) => {
      const done = await repo.verifySkill(tx, ctx.territoryId, volunteerAccountId, skillId, {
        accountId: actor.accountId,
        organizationId,
      });
      if (!done) return fail('_form', 'errors.notAllowed');
      await audit(
        tx,
        ctx,
        'skill.verify',
        { type: 'account', id: volunteerAccountId },
        { skillId, organizationId },
      );
      return ok(undefined);
    });
  }

  /** The operators' list of health skills to confirm, and the latest confirmations; null if not allowed. */
  async skillsToVerify(ctx: Ctx) {
    if (!can(ctx.actor, 'verify:skill')) return null;
    const [pending, recent] = await Promise.all([
      repo.listSkillsToVerify(this.db, ctx.territoryId, SKILLS_TO_VERIFY_PAGE),
      repo.listRecentlyVerified(this.db, ctx.territoryId, 10),
    ]);
    return { pending, total: pending[0]?.total ?? 0, recent };
  }
}
