import type { Db, Executor } from '../../db/client.ts';
import type { Domain, OrganizationKind, OrganizationRole } from '../../db/schema.ts';
import { fail, ok, type Result } from '../../domain/fields.ts';
import {
  INVITATION_DAYS,
  mayShowAddress,
  organizationStatus,
  slugify,
  type OrganizationStatus,
} from '../../domain/organizations.ts';
import { can, type Actor } from '../../domain/permissions.ts';
import { formatPhone } from '../../domain/input.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Geocoder } from '../../platform/geocoder.ts';
import { composeMail, type Outbox } from '../../platform/mail.ts';
import { transaction, type AfterCommit } from '../../platform/transaction.ts';
import { hashToken, newToken } from '../accounts/service.ts';
import { joinApplicationConversations } from '../conversations/repository.ts';
import { Places } from '../territory/places.ts';
import type { AreaSummary, CategoryRow, TerritoryService } from '../territory/service.ts';
import * as repo from './repository.ts';
import type { DirectoryQuery, OrganizationInput, ProjectInput } from './schemas.ts';

export const DIRECTORY_PAGE_SIZE = 20;

/** A structure as any visitor may see it; built only here, field by field. */
export interface PublicOrganization {
  id: string;
  slug: string;
  name: string;
  kind: OrganizationKind;
  status: OrganizationStatus;
  description: string;
  domains: Domain[];
  categories: Array<{ slug: string; name: string }>;
  area: { id: string; name: string };
  areasCovered: Array<{ id: string; name: string }>;
  point: { lat: number; lon: number };
  /** Only for a public building that chose to show it. */
  address: string | null;
  contact: { email: string | null; phone: string | null; website: string | null };
  validatedAt: Date | null;
}

/** What the team sees of its own structure beyond the public page. */
export interface OrganizationAccess {
  role: OrganizationRole | null;
  /** An admin of the territory (validation). */
  admin: boolean;
}

interface Deps {
  db: Db;
  territories: TerritoryService;
  geocoder: Geocoder;
  outbox: Outbox;
}

/** Slugs that are pages under `/structures/` (a structure named « Carte » is `carte-2`). */
const RESERVED_SLUGS = new Set(['nouvelle', 'invitation', 'carte']);

/** Structures: creation, validation by the territory, team and invitations, directory, projects. */
export class OrganizationService {
  private readonly places: Places;
  constructor(private readonly deps: Deps) {
    this.places = new Places(deps);
  }

  private get db() {
    return this.deps.db;
  }

  private async territoryName(territoryId: string) {
    return (await this.deps.territories.byId(territoryId))?.name ?? '';
  }

  /** Turns a row into its public view (names of categories and areas from the cached lists). */
  async present(row: repo.OrganizationRow): Promise<PublicOrganization> {
    const [categories, areas] = await Promise.all([
      this.deps.territories.categories(row.territoryId),
      this.deps.territories.areas(row.territoryId),
    ]);
    return presentOrganization(row, categories, areas);
  }

  /** Form options: categories and areas of the territory. */
  async formOptions(territoryId: string) {
    const [categories, areas] = await Promise.all([
      this.deps.territories.categories(territoryId),
      this.deps.territories.areas(territoryId),
    ]);
    return { categories, areas };
  }

  /** The communes typed in « other communes », or the field in error. */
  private async resolveCommunes(territoryId: string, typed: string): Promise<Result<string[]>> {
    const names = typed
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, 60);
    const ids: string[] = [];
    for (const name of names) {
      const area = await this.places.resolveCommune(territoryId, name);
      if (!area) return fail('communes', 'errors.communeUnknown');
      ids.push(area.id);
    }
    return ok([...new Set(ids)]);
  }

  /**
   * The columns a declaration or an edit writes, checked: categories of the territory, a known
   * place and communes covered. A public building shown by choice (and allowed for its kind) is
   * placed at its address; otherwise approximately, so the public point never gives away a
   * private address.
   */
  private async fields(territoryId: string, input: OrganizationInput) {
    const categories = await this.deps.territories.categories(territoryId);
    if (!input.categoryIds.every((id) => categories.some((c) => c.id === id)))
      return fail('categoryIds', 'errors.choice');
    const place = await this.places.locate(territoryId, input);
    if (!place.ok) return place;
    const covered = await this.resolveCommunes(territoryId, input.communes);
    if (!covered.ok) return covered;
    const showAddress = input.showAddress && mayShowAddress(input.kind as OrganizationKind);
    return ok({
      name: input.name,
      kind: input.kind as OrganizationKind,
      siren: input.siren,
      rna: input.rna,
      description: input.description,
      domains: input.domains as Domain[],
      categoryIds: input.categoryIds,
      areaIds: covered.value,
      contactEmail: input.contactEmail || null,
      contactPhone: input.contactPhone,
      website: input.website || null,
      areaId: place.value.areaId,
      address: place.value.address,
      exactLat: place.value.exactLat,
      exactLon: place.value.exactLon,
      publicLat: showAddress && place.value.exactLat !== null ? place.value.exactLat : place.value.publicLat,
      publicLon: showAddress && place.value.exactLon !== null ? place.value.exactLon : place.value.publicLon,
      showAddress,
    });
  }

  /** A member creates a structure: pending until an admin validates it; the creator becomes its owner. */
  async create(ctx: Ctx, input: OrganizationInput): Promise<Result<{ slug: string }>> {
    const actor = ctx.actor;
    if (!actor || !can(actor, 'create:organization', { ownerId: actor.accountId }))
      return fail('_form', 'errors.notAllowed');
    const values = await this.fields(ctx.territoryId, input);
    if (!values.ok) return values;
    const base = slugify(input.name);
    let slug = base;
    for (let i = 2; RESERVED_SLUGS.has(slug) || (await repo.slugTaken(this.db, ctx.territoryId, slug)); i++)
      slug = `${base}-${i}`;
    const territoryName = await this.territoryName(ctx.territoryId);
    return transaction(this.db, async (tx, afterCommit) => {
      const created = await repo.insertOrganization(tx, {
        territoryId: ctx.territoryId,
        slug,
        ...values.value,
        createdByAccountId: actor.accountId,
      });
      await repo.insertMember(tx, { organizationId: created.id, accountId: actor.accountId, role: 'owner' });
      await audit(tx, ctx, 'organization.create', { type: 'organization', id: created.id });
      await this.mailTeam(tx, afterCommit, ctx.territoryId, created.id, territoryName, {
        subject: 'mail.orgPendingSubject',
        body: 'mail.orgPendingBody',
        vars: { name: created.name },
      });
      return ok({ slug });
    });
  }

  /**
   * The team edits its structure (the address stays as private as at the declaration). Once
   * validated, what the admin checked — name, kind, SIREN and RNA — stays as it is (only the
   * territory's team changes it); a rejected structure, once edited, waits for validation again.
   */
  async update(ctx: Ctx, slug: string, input: OrganizationInput): Promise<Result<{ resubmitted: boolean }>> {
    const managed = await this.managed(ctx.territoryId, slug, ctx.actor);
    if (!managed) return fail('_form', 'errors.notAllowed');
    const row = managed.row;
    const checked = row.validatedAt
      ? { ...input, name: row.name, kind: row.kind, siren: row.siren, rna: row.rna }
      : input;
    const values = await this.fields(ctx.territoryId, checked);
    if (!values.ok) return values;
    const resubmitted = organizationStatus(row) === 'rejected';
    const territoryName = await this.territoryName(ctx.territoryId);
    return transaction(this.db, async (tx, afterCommit) => {
      await repo.updateOrganization(tx, row.id, {
        ...values.value,
        ...(resubmitted ? { rejectedAt: null, rejectionReason: null } : {}),
        updatedAt: new Date(),
      });
      await audit(tx, ctx, 'organization.update', { type: 'organization', id: row.id }, { resubmitted });
      if (resubmitted)
        await this.mailTeam(tx, afterCommit, ctx.territoryId, row.id, territoryName, {
          subject: 'mail.orgPendingSubject',
          body: 'mail.orgPendingBody',
          vars: { name: values.value.name },
        });
      return ok({ resubmitted });
    });
  }

  /**
   * A structure for a viewer, or null when it does not exist for them: a pending or rejected
   * structure is seen only by its team and the territory's admins (404 for everyone else).
   */
  async view(territoryId: string, slug: string, viewer: Actor | null) {
    const row = await repo.findBySlug(this.db, territoryId, slug);
    if (!row) return null;
    const access = await this.access(row, viewer);
    if (!row.validatedAt && !access.role && !access.admin) return null;
    return { organization: await this.present(row), access, row };
  }

  /** The viewer's role in the structure, and whether they administer the territory. */
  async access(row: { id: string }, viewer: Actor | null): Promise<OrganizationAccess> {
    if (!viewer) return { role: null, admin: false };
    return {
      role: await repo.memberRole(this.db, row.id, viewer.accountId),
      admin: can(viewer, 'validate:organization'),
    };
  }

  /** The structure when the viewer is in its team (owner or manager), or null. */
  async managed(territoryId: string, slug: string, viewer: Actor | null) {
    if (!viewer) return null;
    const row = await repo.findBySlug(this.db, territoryId, slug);
    if (!row) return null;
    const role = await repo.memberRole(this.db, row.id, viewer.accountId);
    return role ? { row, role } : null;
  }

  /** A structure by id in the territory, whatever its status (for missions). */
  byId(territoryId: string, id: string) {
    return repo.findById(this.db, territoryId, id);
  }

  /** Is the account in the team of this structure? (Used by missions.) */
  async isTeam(organizationId: string, accountId: string): Promise<boolean> {
    return (await repo.memberRole(this.db, organizationId, accountId)) !== null;
  }

  /** The team's accounts (for mails and conversations). */
  team(organizationId: string, db: Executor = this.db) {
    return repo.teamEmails(db, organizationId);
  }

  /** The directory's filters from its query: an unknown category or commune matches nothing. */
  private async directoryFilters(territoryId: string, q: DirectoryQuery) {
    const { categories, areas } = await this.formOptions(territoryId);
    const problems: Record<string, { key: string }> = {};
    const area = q.commune ? await this.places.resolveCommune(territoryId, q.commune) : null;
    if (q.commune && !area) problems.commune = { key: 'errors.communeUnknown' };
    const category = q.categorie ? categories.find((c) => c.slug === q.categorie) : null;
    const page = q.page ? Number(q.page) : 1;
    const filters: repo.DirectoryFilters = {
      territoryId,
      domain: q.domaine || null,
      categoryId: category?.id ?? (q.categorie ? '00000000-0000-0000-0000-000000000000' : null),
      areaId: area?.id ?? null,
      limit: DIRECTORY_PAGE_SIZE,
      offset: (page - 1) * DIRECTORY_PAGE_SIZE,
    };
    return { filters, problems, area, page, categories, areas };
  }

  /** Validated structures in a box for the map, at their public point (the one their page shows). */
  async mapPoints(territoryId: string, q: DirectoryQuery, bbox: [number, number, number, number]) {
    const { filters } = await this.directoryFilters(territoryId, q);
    return repo.mapDirectory(this.db, filters, bbox, 1000);
  }

  /** The public directory: validated structures with filters. */
  async directory(territoryId: string, q: DirectoryQuery) {
    const { filters, problems, area, page, categories, areas } = await this.directoryFilters(territoryId, q);
    const [rows, total] = await Promise.all([
      repo.listDirectory(this.db, filters),
      repo.countDirectory(this.db, filters),
    ]);
    return {
      organizations: rows
        .slice(0, DIRECTORY_PAGE_SIZE)
        .map((r) => presentOrganization({ ...r, territoryId } as repo.OrganizationRow, categories, areas)),
      total,
      page,
      hasNext: rows.length > DIRECTORY_PAGE_SIZE,
      area,
      categories,
      areas,
      problems,
    };
  }

  /** Structures waiting for the admin's decision. */
  async pending(ctx: Ctx) {
    if (!can(ctx.actor, 'validate:organization')) return null;
    return repo.listPending(this.db, ctx.territoryId);
  }

  /** An admin validates or rejects (with a reason) a pending structure; its team is told by mail. */
  async decide(
    ctx: Ctx,
    id: string,
    decision: { validate: true } | { validate: false; reason: string },
  ): Promise<Result> {
    if (!can(ctx.actor, 'validate:organization')) return fail('_form', 'errors.notAllowed');
    const row = await repo.findById(this.db, ctx.territoryId, id);
    if (!row || organizationStatus(row) !== 'pending') return fail('_form', 'errors.notAllowed');
    const territoryName = await this.territoryName(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      if (decision.validate)
        await repo.updateOrganization(tx, id, {
          validatedAt: new Date(),
          validatedByAccountId: ctx.actor!.accountId,
        });
      else
        await repo.updateOrganization(tx, id, { rejectedAt: new Date(), rejectionReason: decision.reason });
      await audit(
        tx,
        ctx,
        decision.validate ? 'organization.validate' : 'organization.reject',
        { type: 'organization', id },
        decision.validate ? {} : { reason: decision.reason },
      );
      await this.mailTeam(
        tx,
        afterCommit,
        ctx.territoryId,
        id,
        territoryName,
        decision.validate
          ? { subject: 'mail.orgValidatedSubject', body: 'mail.orgValidatedBody', vars: { name: row.name } }
          : {
              subject: 'mail.orgRejectedSubject',
              body: 'mail.orgRejectedBody',
              vars: { name: row.name, reason: decision.reason },
            },
      );
    });
    return ok(undefined);
  }

  private async mailTeam(
    tx: Executor,
    afterCommit: AfterCommit,
    territoryId: string,
    organizationId: string,
    territoryName: string,
    mail: {
      subject: Parameters<typeof composeMail>[0]['subject'];
      body: Parameters<typeof composeMail>[0]['body'];
      vars: Record<string, string>;
    },
  ) {
    for (const member of await repo.teamEmails(tx, organizationId))
      await this.deps.outbox.queueMail(
        tx,
        afterCommit,
        territoryId,
        composeMail({ to: member.email, name: member.displayName, territoryName, ...mail }),
      );
  }

  /** The team page's data: members with their emails, open invitations. Team only. */
  async teamPage(territoryId: string, slug: string, viewer: Actor | null) {
    const managed = await this.managed(territoryId, slug, viewer);
    if (!managed) return null;
    const [members, invitations] = await Promise.all([
      repo.listMembers(this.db, managed.row.id),
      repo.listOpenInvitations(this.db, managed.row.id),
    ]);
    return { ...managed, organization: await this.present(managed.row), members, invitations };
  }

  /** The owner invites someone by email; the mail carries a link valid INVITATION_DAYS days. */
  async invite(
    ctx: Ctx,
    slug: string,
    input: { email: string; role: string },
    link: (token: string) => string,
  ): Promise<Result> {
    const managed = await this.managed(ctx.territoryId, slug, ctx.actor);
    if (!managed) return fail('_form', 'errors.notAllowed');
    // Managers may invite managers; only an owner makes another owner.
    if (input.role === 'owner' && managed.role !== 'owner') return fail('role', 'errors.notAllowed');
    const { token, hash } = newToken();
    const territoryName = await this.territoryName(ctx.territoryId);
    await transaction(this.db, async (tx, afterCommit) => {
      await repo.insertInvitation(tx, {
        organizationId: managed.row.id,
        email: input.email,
        role: input.role as OrganizationRole,
        tokenHash: hash,
        invitedByAccountId: ctx.actor!.accountId,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      });
      await audit(
        tx,
        ctx,
        'organization.invite',
        { type: 'organization', id: managed.row.id },
        { role: input.role },
      );
      await this.deps.outbox.queueMail(
        tx,
        afterCommit,
        ctx.territoryId,
        composeMail({
          to: input.email,
          name: '',
          territoryName,
          subject: 'mail.inviteSubject',
          body: 'mail.inviteBody',
          vars: { name: managed.row.name, link: link(token) },
        }),
      );
    });
    return ok(undefined);
  }

  /** What an invitation link offers (for the confirmation page), or null. */
  peekInvitation(token: string) {
    return repo.peekInvitation(this.db, hashToken(token));
  }

  /** The signed-in person joins the team with the invitation's role. */
  async acceptInvitation(ctx: Ctx, token: string): Promise<Result<{ slug: string }>> {
    if (!ctx.actor) return fail('_form', 'errors.notAllowed');
    return transaction(this.db, async (tx) => {
      const inv = await repo.consumeInvitation(tx, hashToken(token), ctx.actor!.accountId);
      if (!inv) return fail('_form', 'errors.tokenInvalid');
      const row = await repo.findById(tx, ctx.territoryId, inv.organizationId);
      if (!row) return fail('_form', 'errors.tokenInvalid');
      await repo.insertMember(tx, {
        organizationId: row.id,
        accountId: ctx.actor!.accountId,
        role: inv.role,
      });
      await joinApplicationConversations(tx, row.id, ctx.actor!.accountId);
      await audit(tx, ctx, 'organization.join', { type: 'organization', id: row.id }, { role: inv.role });
      return ok({ slug: row.slug });
    });
  }

  /** The structures of the signed-in person. */
  mine(territoryId: string, accountId: string) {
    return repo.listForAccount(this.db, territoryId, accountId);
  }

  /** The team adds a project or initiative to a validated structure's page. */
  async createProject(ctx: Ctx, slug: string, input: ProjectInput): Promise<Result<{ id: string }>> {
    const managed = await this.managed(ctx.territoryId, slug, ctx.actor);
    if (!managed) return fail('_form', 'errors.notAllowed');
    if (!managed.row.validatedAt) return fail('_form', 'errors.orgNotValidated');
    let areaId: string | null = null;
    if (input.commune) {
      const area = await this.places.resolveCommune(ctx.territoryId, input.commune);
      if (!area) return fail('commune', 'errors.communeUnknown');
      areaId = area.id;
    }
    return transaction(this.db, async (tx) => {
      const created = await repo.insertProject(tx, {
        territoryId: ctx.territoryId,
        organizationId: managed.row.id,
        title: input.title,
        description: input.description,
        startsOn: input.startsOn || null,
        endsOn: input.endsOn || null,
        areaId,
        link: input.link || null,
      });
      await audit(tx, ctx, 'project.create', { type: 'project', id: created.id });
      return ok({ id: created.id });
    });
  }

  /** Projects of validated structures (one structure's when `organizationId`), with the total. */
  async projects(territoryId: string, opts: { organizationId?: string; page?: number } = {}) {
    const page = opts.page ?? 1;
    const [rows, total] = await Promise.all([
      repo.listProjects(this.db, {
        territoryId,
        organizationId: opts.organizationId,
        limit: DIRECTORY_PAGE_SIZE,
        offset: (page - 1) * DIRECTORY_PAGE_SIZE,
      }),
      opts.organizationId ? Promise.resolve(null) : repo.countProjects(this.db, territoryId),
    ]);
    return {
      projects: rows.slice(0, DIRECTORY_PAGE_SIZE),
      total,
      page,
      hasNext: rows.length > DIRECTORY_PAGE_SIZE,
    };
  }
}

/** The public view of a structure: no private address, no team, nothing the public should not see. */
export function presentOrganization(
  row: repo.OrganizationRow,
  categories: CategoryRow[],
  areas: AreaSummary[],
): PublicOrganization {
  const areaName = (id: string) => areas.find((a) => a.id === id)?.name ?? '';
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind,
    status: organizationStatus(row),
    description: row.description,
    domains: [...row.domains],
    categories: categories
      .filter((c) => row.categoryIds.includes(c.id))
      .map((c) => ({ slug: c.slug, name: c.name })),
    area: { id: row.areaId, name: areaName(row.areaId) },
    areasCovered: row.areaIds.map((id) => ({ id, name: areaName(id) })).filter((a) => a.name),
    point: { lat: row.publicLat, lon: row.publicLon },
    address: row.showAddress ? row.address : null,
    contact: {
      email: row.contactEmail,
      phone: row.contactPhone ? formatPhone(row.contactPhone) : null,
      website: row.website,
    },
    validatedAt: row.validatedAt,
  };
}
