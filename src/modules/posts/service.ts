import type { Db } from '../../db/client.ts';
import type { PostKind, PostStatus, ReportReason } from '../../db/schema.ts';
import { fail, type FieldError, type Result } from '../../domain/fields.ts';
export type { Result } from '../../domain/fields.ts';
import { haversineKm } from '../../domain/geo.ts';
import { can, type Actor } from '../../domain/permissions.ts';
import { approximateDistance } from '../../domain/place-privacy.ts';
import {
  allowedActions,
  dailyPostQuota,
  POST_DURATION,
  postStatus,
  publicName,
  renewedExpiry,
} from '../../domain/posts.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Geocoder } from '../../platform/geocoder.ts';
import { composeMail, type Outbox } from '../../platform/mail.ts';
import { StaleCache } from '../../platform/cache.ts';
import { transaction } from '../../platform/transaction.ts';
import { t } from '../../web/i18n/index.ts';
import * as accountsRepo from '../accounts/repository.ts';
import { Places, type Located } from '../territory/places.ts';
import type { AreaSummary, CategoryRow, TerritoryService } from '../territory/service.ts';
import { insertReport } from '../moderation/repository.ts';
import * as repo from './repository.ts';
import type { PostInput, SearchQuery } from './schemas.ts';

export const PAGE_SIZE = 20;
const DEFAULT_RADIUS_KM = 10;

/** A post as any viewer may see it. Built only here, so private fields cannot leak by accident. */
export interface PublicPost {
  id: string;
  kind: PostKind;
  status: PostStatus;
  title: string;
  description: string;
  excerpt: string;
  whenText: string;
  startsOn: string | null;
  endsOn: string | null;
  category: { id: string; slug: string; name: string };
  area: { id: string; name: string };
  point: { lat: number; lon: number };
  distance: ReturnType<typeof approximateDistance> | null;
  authorName: string;
  publishedAt: Date;
  expiresAt: Date;
}

/** The search as understood by the service, echoed back to the page to fill the filters. */
export interface ResolvedSearch {
  kind: PostKind | null;
  categorySlugs: string[];
  area: AreaSummary | null;
  near: { lat: number; lon: number; label: string } | null;
  radiusKm: number;
  text: string;
  sort: 'nearest' | 'newest';
  problems: Record<string, FieldError>;
}

export interface SearchPage {
  search: ResolvedSearch;
  posts: PublicPost[];
  nextCursor: string | null;
  /** Open posts per category id, or null when not computed (searches around a point). */
  counts: Map<string, number> | null;
  categories: CategoryRow[];
  areas: AreaSummary[];
}

interface Deps {
  db: Db;
  territories: TerritoryService;
  geocoder: Geocoder;
  outbox: Outbox;
}

/** Help posts: publishing, the author's actions, discovery near me, reports. */
export class PostService {
  private readonly places: Places;
  constructor(private readonly deps: Deps) {
    this.places = new Places(deps);
  }

  // Facet counts scan every matching open post (a million at most); a few seconds of staleness
  // is fine for « (12) » beside a category, so they are cached per filter set.
  private readonly countsCache = new StaleCache<Map<string, number>>({
    freshMs: 15_000,
    staleMs: 10 * 60_000,
    maxEntries: 256,
  });

  // Pages of lists without a point are the same for everyone (the landing list above all): they
  // are kept 5 seconds, and forgotten at once when this instance writes a post.
  private readonly pagesCache = new StaleCache<repo.PublicPostRow[]>({
    freshMs: 5_000,
    staleMs: 5_000,
    maxEntries: 512,
  });

  private pageRows(filters: repo.PostSearch): Promise<repo.PublicPostRow[]> {
    if (filters.near) return repo.searchPosts(this.db, filters);
    return this.pagesCache.get(JSON.stringify(filters), () => repo.searchPosts(this.db, filters));
  }

  /** Forgets cached lists and counts after a write, so an author sees their change at once. */
  private forgetLists() {
    this.pagesCache.clear();
    this.countsCache.clear();
  }

  private categoryCounts(filters: repo.PostSearch): Promise<Map<string, number>> {
    const key = JSON.stringify([
      filters.territoryId,
      filters.kind,
      filters.areaId,
      filters.text,
      // Searchers a few hundred metres apart share counts.
      filters.near ? [filters.near.lat.toFixed(2), filters.near.lon.toFixed(2), filters.radiusKm] : null,
    ]);
    return this.countsCache.get(key, () => repo.countByCategory(this.db, filters));
  }

  private get db() {
    return this.deps.db;
  }

  /** Finds an area of the territory from what a person typed: a commune name or a postal code. */
  resolveCommune(territoryId: string, typed: string): Promise<AreaSummary | null> {
    return this.places.resolveCommune(territoryId, typed);
  }

  /** Turns URL filters into a search, geocoding a typed place; bad values become problems. */
  async resolveSearch(territoryId: string, q: SearchQuery): Promise<ResolvedSearch> {
    const problems: Record<string, FieldError> = {};
    const area = q.commune ? await this.resolveCommune(territoryId, q.commune) : null;
    if (q.commune && !area) problems.commune = { key: 'errors.communeUnknown' };
    const near = await this.places.resolveNear(territoryId, q, problems);
    const sort =
      q.tri === 'recentes' || (!near && q.tri !== 'proches') ? 'newest' : near ? 'nearest' : 'newest';
    return {
      kind: q.type === 'offre' ? 'offer' : q.type === 'demande' ? 'request' : null,
      categorySlugs: q.categorie,
      area,
      near,
      radiusKm: q.rayon ?? DEFAULT_RADIUS_KM,
      text: q.q,
      sort,
      problems,
    };
  }

  /** The search's repository filters and the territory's lists, shared by the list and the counts. */
  private async prepare(territoryId: string, q: SearchQuery) {
    const [categories, areas] = await Promise.all([
      this.deps.territories.categories(territoryId),
      this.deps.territories.areas(territoryId),
    ]);
    const search = await this.resolveSearch(territoryId, q);
    const bySlug = new Map(categories.map((c) => [c.slug, c.id]));
    const categoryIds = search.categorySlugs.map((s) => bySlug.get(s)).filter((x): x is string => !!x);
    const filters: repo.PostSearch = {
      territoryId,
      kind: search.kind,
      categoryIds,
      areaId: search.area?.id ?? null,
      near: search.near,
      radiusKm: search.near ? search.radiusKm : undefined,
      text: search.text || null,
      sort: search.sort,
      limit: PAGE_SIZE,
      after: decodeCursor(q.apres),
    };
    return { categories, areas, search, filters };
  }

  /**
   * One page of the public list: a fixed number of queries. Per-category counts come with it
   * when `counts` is 'always', or 'auto' without a point: around an arbitrary point they cannot be
   * cached and cost a scan of every post in the radius (a second at a million posts).
   */
  async search(
    territoryId: string,
    q: SearchQuery,
    opts: { counts: 'auto' | 'none' } = { counts: 'auto' },
  ): Promise<SearchPage> {
    const { categories, areas, search, filters } = await this.prepare(territoryId, q);
    const wantCounts = opts.counts === 'auto' && !search.near;
    const [rows, counts] = await Promise.all([
      this.pageRows(filters),
      wantCounts ? this.categoryCounts(filters) : Promise.resolve(null),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    const last = page.at(-1);
    return {
      search,
      posts: page.map((r) => this.presentRow(r, search.near)),
      nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor(last.sortKey, last.id) : null,
      counts,
      categories,
      areas,
    };
  }

  private presentRow(r: repo.PublicPostRow, near: { lat: number; lon: number } | null): PublicPost {
    return {
      id: r.id,
      kind: r.kind,
      status: 'open',
      title: r.title,
      description: r.excerpt,
      excerpt: r.excerpt,
      whenText: r.whenText,
      startsOn: null,
      endsOn: null,
      category: { id: r.categoryId, slug: r.categorySlug, name: r.categoryName },
      area: { id: r.areaId, name: r.areaName },
      point: { lat: r.publicLat, lon: r.publicLon },
      distance: near ? approximateDistance((r.distanceM ?? 0) / 1000) : null,
      authorName: r.authorName ? publicName(r.authorName) : t('posts.helplineAuthor'),
      publishedAt: r.publishedAt,
      expiresAt: r.expiresAt,
    };
  }

  /**
   * A post for a viewer, or null when it does not exist for them: withdrawn and hidden posts are
   * visible only to their author and to moderators (404 for everyone else).
   */
  async view(
    territoryId: string,
    id: string,
    viewer: Actor | null,
    near: { lat: number; lon: number } | null = null,
  ) {
    const row = await repo.findPost(this.db, territoryId, id);
    if (!row) return null;
    const status = postStatus(row);
    const isAuthor = !!viewer && row.authorAccountId === viewer.accountId;
    if ((status === 'withdrawn' || status === 'hidden') && !isAuthor && !can(viewer, 'hide:post'))
      return null;
    const point = { lat: row.publicLat, lon: row.publicLon };
    const post: PublicPost = {
      id: row.id,
      kind: row.kind,
      status,
      title: row.title,
      description: row.description,
      excerpt: row.description.slice(0, 240),
      whenText: row.whenText,
      startsOn: row.startsOn,
      endsOn: row.endsOn,
      category: { id: row.categoryId, slug: row.categorySlug, name: row.categoryName },
      area: { id: row.areaId, name: row.areaName },
      point,
      distance: near ? approximateDistance(haversineKm(near, point)) : null,
      authorName: row.authorDisplayName ? publicName(row.authorDisplayName) : t('posts.helplineAuthor'),
      publishedAt: row.publishedAt,
      expiresAt: row.expiresAt,
    };
    return { post, isAuthor, actions: isAuthor ? allowedActions(status) : [] };
  }

  /**
   * Who answers to a post and what its author chose to show, or null when it cannot be answered
   * (not open, or not in this territory). A post written by staff for a beneficiary is answered
   * to the staff member who wrote it, never to the beneficiary directly.
   */
  async contactTarget(territoryId: string, id: string) {
    const row = await repo.findPost(this.db, territoryId, id);
    const recipient = row?.authorAccountId ?? row?.createdByAccountId ?? null;
    if (!row || !recipient || postStatus(row) !== 'open') return null;
    return {
      id: row.id,
      title: row.title,
      kind: row.kind,
      recipientAccountId: recipient,
      showPhone: row.showPhone,
      showEmail: row.showEmail,
    };
  }

  /** A post of this author, any status, or null (the « who helped you? » choice). */
  async ownPost(territoryId: string, id: string, viewer: Actor) {
    const row = await repo.findPost(this.db, territoryId, id);
    if (!row || row.authorAccountId !== viewer.accountId) return null;
    return { id: row.id, title: row.title, status: postStatus(row) };
  }

  /** The author's form values for editing (their own private fields included). */
  async editable(territoryId: string, id: string, viewer: Actor) {
    const row = await repo.findPost(this.db, territoryId, id);
    if (!row || !can(viewer, 'update:post', { ownerId: row.authorAccountId })) return null;
    if (!allowedActions(postStatus(row)).includes('edit')) return null;
    return {
      kind: row.kind,
      categoryId: row.categoryId,
      title: row.title,
      description: row.description,
      whenText: row.whenText,
      startsOn: row.startsOn ?? '',
      endsOn: row.endsOn ?? '',
      commune: row.areaName,
      address: row.address ?? '',
      showPhone: row.showPhone ? 'on' : '',
      showEmail: row.showEmail ? 'on' : '',
    };
  }

  /** Where a post is: its area, the private exact point (when an address was given) and the public one. */
  private locate(territoryId: string, input: PostInput): Promise<Result<Located>> {
    return this.places.locate(territoryId, input);
  }

  private async checkCategory(territoryId: string, categoryId: string) {
    const categories = await this.deps.territories.categories(territoryId);
    return categories.some((c) => c.id === categoryId);
  }

  /**
   * Publishes a post for a verified member, within the daily quota. With `ctx.onBehalfOf`, staff
   * (`create:post:any`) publish for a beneficiary: no author account, the staff member recorded as
   * `created_by` (answers go to them, see `contactTarget`), no daily quota.
   */
  async create(ctx: Ctx, input: PostInput): Promise<Result<{ id: string }>> {
    const actor = ctx.actor;
    const onBehalf = ctx.onBehalfOf;
    if (
      !actor ||
      !(onBehalf ? can(actor, 'create:post') : can(actor, 'create:post', { ownerId: actor.accountId }))
    )
      return fail('_form', 'errors.notAllowed');
    const account = await accountsRepo.findAccountById(this.db, actor.accountId);
    if (!account?.emailVerifiedAt) return fail('_form', 'errors.notVerified');
    if (!(await this.checkCategory(ctx.territoryId, input.categoryId)))
      return fail('categoryId', 'errors.choice');
    const since = new Date(Date.now() - 86_400_000);
    if (
      !onBehalf &&
      (await repo.countPostsSince(this.db, actor.accountId, since)) >= dailyPostQuota(account.createdAt)
    )
      return fail('_form', 'errors.quota');
    const place = await this.locate(ctx.territoryId, input);
    if (!place.ok) return place;
    const id = await transaction(this.db, async (tx) => {
      const created = await repo.insertPost(tx, {
        territoryId: ctx.territoryId,
        ...postFields(input, place.value),
        authorAccountId: onBehalf ? null : actor.accountId,
        onBehalfOfBeneficiaryId: onBehalf?.beneficiaryId ?? null,
        createdByAccountId: actor.accountId,
        expiresAt: new Date(Date.now() + POST_DURATION.days * 86_400_000),
      });
      await audit(tx, ctx, 'post.create', { type: 'post', id: created.id });
      return created.id;
    });
    this.forgetLists();
    return { ok: true, value: { id } };
  }

  /** Edits one's own open post. */
  async update(ctx: Ctx, id: string, input: PostInput): Promise<Result> {
    const row = await repo.findPost(this.db, ctx.territoryId, id);
    if (
      !row ||
      !can(ctx.actor, 'update:post', { ownerId: row.authorAccountId }) ||
      !allowedActions(postStatus(row)).includes('edit')
    )
      return fail('_form', 'errors.notAllowed');
    if (!(await this.checkCategory(ctx.territoryId, input.categoryId)))
      return fail('categoryId', 'errors.choice');
    const place = await this.locate(ctx.territoryId, input);
    if (!place.ok) return place;
    await transaction(this.db, async (tx) => {
      await repo.updatePost(tx, id, postFields(input, place.value));
      await audit(tx, ctx, 'post.update', { type: 'post', id });
    });
    this.forgetLists();
    return { ok: true, value: undefined };
  }

  /** Renew, mark fulfilled (« aide apportée ») or withdraw one's own post. */
  async act(ctx: Ctx, id: string, action: 'renew' | 'fulfil' | 'withdraw'): Promise<boolean> {
    const row = await repo.findPost(this.db, ctx.territoryId, id);
    if (!row || !can(ctx.actor, 'update:post', { ownerId: row.authorAccountId })) return false;
    if (!allowedActions(postStatus(row)).includes(action)) return false;
    const now = new Date();
    const change =
      action === 'renew'
        ? { expiresAt: renewedExpiry(now), expiryRemindedAt: null }
        : action === 'fulfil'
          ? { fulfilledAt: now }
          : { withdrawnAt: now };
    const next = {
      expiresAt: row.expiresAt,
      fulfilledAt: row.fulfilledAt,
      withdrawnAt: row.withdrawnAt,
      hiddenAt: row.hiddenAt,
      ...change,
    };
    await transaction(this.db, async (tx) => {
      await repo.updatePost(tx, id, { ...change, status: postStatus(next, now) });
      await audit(tx, ctx, `post.${action}`, { type: 'post', id });
    });
    this.forgetLists();
    return true;
  }

  /** The author's posts, for « Mes annonces ». */
  async mine(territoryId: string, accountId: string) {
    const rows = await repo.listAuthorPosts(this.db, territoryId, accountId);
    return rows.map((r) => {
      const status = postStatus(r);
      return { ...r, status, actions: allowedActions(status) };
    });
  }

  /** Stores a report for the moderation queue (once per member and post). */
  async report(ctx: Ctx, id: string, reason: ReportReason, details: string): Promise<Result> {
    if (!ctx.actor) return fail('_form', 'errors.notAllowed');
    const visible = await this.view(ctx.territoryId, id, ctx.actor);
    if (!visible) return fail('_form', 'errors.notAllowed');
    const stored = await transaction(this.db, async (tx) => {
      const inserted = await insertReport(tx, {
        territoryId: ctx.territoryId,
        subjectType: 'post',
        subjectId: id,
        reporterAccountId: ctx.actor!.accountId,
        reason,
        details,
      });
      if (inserted) await audit(tx, ctx, 'report.create', { type: 'post', id }, { reason });
      return inserted;
    });
    return stored ? { ok: true, value: undefined } : fail('_form', 'errors.alreadyReported');
  }

  /** The daily job: expire posts whose date passed, remind authors 3 days before. */
  async expireAndRemind(links: { mine: string }): Promise<{ expired: number; reminded: number }> {
    const expired = await repo.expireDuePosts(this.db);
    if (expired > 0) this.forgetLists();
    const due = await repo.postsToRemind(this.db, POST_DURATION.reminderDaysBefore);
    for (const p of due) {
      const name = (await this.deps.territories.byId(p.territoryId))?.name ?? '';
      await transaction(this.db, async (tx, afterCommit) => {
        await repo.updatePost(tx, p.id, { expiryRemindedAt: new Date() });
        await this.deps.outbox.queueMail(
          tx,
          afterCommit,
          p.territoryId,
          composeMail({
            to: p.email,
            name: p.displayName,
            territoryName: name,
            subject: 'mail.expirySubject',
            body: 'mail.expiryBody',
            vars: { title: p.title, link: links.mine },
          }),
        );
      });
    }
    return { expired, reminded: due.length };
  }

  /** Open posts per category for a search (without its category filter), cached briefly. */
  async counts(territoryId: string, q: SearchQuery) {
    const { categories, search, filters } = await this.prepare(territoryId, q);
    return { categories, search, counts: await this.categoryCounts(filters) };
  }

  /** Every area with its number of open posts, and every category with its count. */
  async browseCounts(territoryId: string) {
    const [byArea, byCategory] = await Promise.all([
      repo.countOpenByArea(this.db, territoryId),
      repo.countByCategory(this.db, { territoryId, sort: 'newest', limit: 0 }),
    ]);
    return { byArea, byCategory };
  }

  /** Areas and categories for the forms. */
  async formOptions(territoryId: string) {
    const [categories, areas] = await Promise.all([
      this.deps.territories.categories(territoryId),
      this.deps.territories.areas(territoryId),
    ]);
    return { categories, areas };
  }

  // -------------------------------------------------------------------------------------------
  // The map (/carte and /api/v1/posts.geojson). Few posts in view: each one, live. Many: counts
  // per cell, aggregated from an in-memory grid of the whole territory (see `mapGrid`).

  private readonly mapGrids = new Map<string, { grid: MapGrid | null; pending: Promise<MapGrid> | null }>();

  /**
   * The open posts in a box for the map, with the list's filters (kind, categories, commune,
   * words): each post (public point only) when at most MAP_POINT_LIMIT are in view, otherwise
   * cells of about MAP_CELL_PX pixels at this zoom with their counts. A « near » search does not
   * apply: the box is the place filter.
   */
  async mapData(territoryId: string, q: SearchQuery, bbox: MapBbox, zoom: number): Promise<Result<MapData>> {
    const search = await this.resolveSearch(territoryId, {
      ...q,
      pres: '',
      lat: null,
      lon: null,
      rayon: null,
      tri: '',
      apres: '',
    });
    if (Object.keys(search.problems).length > 0) return { ok: false, errors: search.problems };
    const [territory, categories] = await Promise.all([
      this.deps.territories.byId(territoryId),
      this.deps.territories.categories(territoryId),
    ]);
    const bySlug = new Map(categories.map((c) => [c.slug, c]));
    const categoryIds = [
      ...new Set(search.categorySlugs.map((s) => bySlug.get(s)?.id).filter((x): x is string => !!x)),
    ].sort();
    const filters: MapFilters = {
      territoryId,
      kind: search.kind,
      categoryIds,
      areaId: search.area?.id ?? null,
      text: search.text || null,
    };
    const cell = mapCellSize(bbox, zoom, territory?.mapCenterLat ?? 46.5);
    const box = snapToCells(bbox, cell);
    const grid = await this.mapGrid(filters);
    const inView = gridCount(grid, box);
    if (inView > MAP_POINT_LIMIT) {
      const features = gridCells(grid, box, cell);
      return { ok: true, value: { type: 'FeatureCollection', mode: 'cells', total: inView, features } };
    }
    // Few in view: read them now (the GiST index of public points, through a covering circle),
    // so that a post published a second ago is there.
    const found = await repo.mapFeatures(
      this.db,
      { ...filters, ...coveringCircle(box) },
      box,
      cell.lat,
      MAP_POINT_LIMIT,
    );
    if (found.kind === 'cells') {
      // More than the grid said (it is up to MAP_GRID_FRESH_MS old): the database's own cells.
      const features = found.rows.map((r) => cellFeature(r.lat, r.lon, r.n));
      const total = found.rows.reduce((sum, r) => sum + r.n, 0);
      return { ok: true, value: { type: 'FeatureCollection', mode: 'cells', total, features } };
    }
    const features: MapPointFeature[] = found.rows.map((r) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      properties: {
        id: r.id,
        kind: r.kind,
        title: r.title,
        category: bySlug.get(r.categorySlug)?.name ?? '',
        area: r.areaName,
        url: `/annonces/${r.id}`,
      },
    }));
    return {
      ok: true,
      value: { type: 'FeatureCollection', mode: 'points', total: features.length, features },
    };
  }

  /**
   * Open posts counted per public point over the whole territory, for one set of filters. Every
   * zoom's cells are sums of these, so a view of the whole département costs no query. Counting
   * a million posts takes the database most of a second: the grid is kept MAP_GRID_FRESH_MS,
   * then served while a fresh one is computed (one at a time per filter set), and recomputed
   * before answering only when nobody asked for MAP_GRID_KEEP_MS.
   */
  private mapGrid(filters: MapFilters): Promise<MapGrid> {
    const key = JSON.stringify(filters);
    let entry = this.mapGrids.get(key);
    if (entry) this.mapGrids.delete(key); // re-inserted below: the Map's order is the LRU order
    entry ??= { grid: null, pending: null };
    this.mapGrids.set(key, entry);
    if (this.mapGrids.size > MAP_GRID_CACHE_SIZE) this.mapGrids.delete(this.mapGrids.keys().next().value!);
    const current = entry;
    const age = current.grid ? Date.now() - current.grid.at : Infinity;
    if (current.grid && age < MAP_GRID_FRESH_MS) return Promise.resolve(current.grid);
    if (!current.pending) {
      const started = Date.now();
      current.pending = repo
        .mapFeatures(this.db, filters, [-180, -90, 180, 90], MAP_BASE_CELL_DEG, 0)
        .then((found) => {
          const rows = found.kind === 'cells' ? found.rows : [];
          const grid: MapGrid = {
            lat: Float64Array.from(rows, (r) => r.lat),
            lon: Float64Array.from(rows, (r) => r.lon),
            n: Uint32Array.from(rows, (r) => r.n),
            at: started,
          };
          current.grid = grid;
          return grid;
        })
        .finally(() => {
          current.pending = null;
        });
    }
    if (current.grid && age < MAP_GRID_KEEP_MS) {
      current.pending.catch(() => undefined); // a failed refresh keeps the previous grid
      return Promise.resolve(current.grid);
    }
    return current.pending;
  }

  /** The territory's commune outlines as a GeoJSON document (see TerritoryService.outlines). */
  mapAreas(territoryId: string) {
    return this.deps.territories.outlines(territoryId);
  }
}

/** The columns a post takes from its form, shared by creation and edition. */
function postFields(
  input: PostInput,
  place: Omit<repo.NewPost, 'territoryId' | 'kind' | 'categoryId' | 'title' | 'description' | 'expiresAt'>,
) {
  return {
    kind: input.kind as PostKind,
    categoryId: input.categoryId,
    title: input.title,
    description: input.description,
    whenText: input.whenText,
    startsOn: input.startsOn || null,
    endsOn: input.endsOn || null,
    ...place,
    showPhone: input.showPhone,
    showEmail: input.showEmail,
  };
}

/** Opaque pagination cursor: the last row's sort key and id. */
export function encodeCursor(key: number, id: string): string {
  return Buffer.from(`${key}|${id}`).toString('base64url');
}

/** Reads a cursor; anything malformed is treated as « first page ». */
export function decodeCursor(cursor: string | undefined | null): { key: number; id: string } | null {
  if (!cursor) return null;
  const [key, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!key || !id || !Number.isFinite(Number(key)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { key: Number(key), id };
}

// ---------------------------------------------------------------------------------------------
// The map's geometry: cells, boxes, the in-memory grid.

/** [west, south, east, north] in degrees, the GeoJSON bbox order. */
export type MapBbox = [number, number, number, number];

/** At most this many posts in view are sent one by one; beyond, cells with counts. */
export const MAP_POINT_LIMIT = 500;
/** A cell is about this many screen pixels wide, whatever the zoom. */
const MAP_CELL_PX = 80;
/** How far from its cell's centre a cell is drawn, as a share of the cell's size. */
const MAP_CELL_SPREAD = 0.2;
/** At most this many cells across a box: a huge box at a high zoom gets the cells of a lower zoom. */
const MAP_MAX_CELLS_ACROSS = 80;
/** The grid in memory: finer than the ~500 m of public points, so about one entry per point. */
const MAP_BASE_CELL_DEG = 0.001;
const MAP_GRID_FRESH_MS = 30_000;
const MAP_GRID_KEEP_MS = 10 * 60_000;
/** Grids kept (one per filter set; the unfiltered one is by far the most asked). */
const MAP_GRID_CACHE_SIZE = 32;

type PointGeometry = { type: 'Point'; coordinates: [number, number] };

/** One post on the map: its public point and what the popup shows. Nothing private. */
export interface MapPointFeature {
  type: 'Feature';
  geometry: PointGeometry;
  properties: { id: string; kind: PostKind; title: string; category: string; area: string; url: string };
}

/** Several posts counted together, placed at the mean of their public points. */
export interface MapCellFeature {
  type: 'Feature';
  geometry: PointGeometry;
  properties: { count: number };
}

/** A GeoJSON FeatureCollection, with two foreign members: `mode` and `total` (posts in the box). */
export interface MapData {
  type: 'FeatureCollection';
  mode: 'points' | 'cells';
  total: number;
  features: Array<MapPointFeature | MapCellFeature>;
}

export interface MapOutlines {
  version: string;
  body: string;
}

interface MapFilters {
  territoryId: string;
  kind: PostKind | null;
  categoryIds: string[];
  areaId: string | null;
  text: string | null;
}

/** Counts per public point (parallel arrays), and when the count started. */
interface MapGrid {
  lat: Float64Array;
  lon: Float64Array;
  n: Uint32Array;
  at: number;
}

interface CellSize {
  lat: number;
  lon: number;
}

/**
 * Cells about MAP_CELL_PX pixels wide at this zoom (Web Mercator: 256 px for 360° at zoom 0),
 * about square on screen at the territory's latitude; always aligned on the same global grid,
 * so a cell keeps its count when the map is panned.
 */
export function mapCellSize(bbox: MapBbox, zoom: number, refLat: number): CellSize {
  const span = Math.max(bbox[2] - bbox[0], (bbox[3] - bbox[1]) / Math.cos((refLat * Math.PI) / 180));
  const widest = Math.log2((MAP_CELL_PX * 360 * MAP_MAX_CELLS_ACROSS) / (256 * Math.max(span, 1e-9)));
  const z = Math.max(0, Math.min(zoom, Math.floor(widest)));
  const lon = (MAP_CELL_PX * 360) / (256 * 2 ** z);
  return { lon, lat: lon * Math.cos((refLat * Math.PI) / 180) };
}

/** The box grown to whole cells, so that every cell in it is counted whole. */
export function snapToCells(bbox: MapBbox, cell: CellSize): MapBbox {
  return [
    Math.max(-180, Math.floor(bbox[0] / cell.lon) * cell.lon),
    Math.max(-90, Math.floor(bbox[1] / cell.lat) * cell.lat),
    Math.min(180, Math.ceil(bbox[2] / cell.lon) * cell.lon),
    Math.min(90, Math.ceil(bbox[3] / cell.lat) * cell.lat),
  ];
}

const inBox = (box: MapBbox, lat: number, lon: number) =>
  lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3];

function gridCount(grid: MapGrid, box: MapBbox): number {
  let total = 0;
  for (let i = 0; i < grid.n.length; i++) if (inBox(box, grid.lat[i]!, grid.lon[i]!)) total += grid.n[i]!;
  return total;
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
const cellFeature = (lat: number, lon: number, count: number): MapCellFeature => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [round5(lon), round5(lat)] },
  properties: { count },
});

/**
 * The grid's entries in the box summed per cell. A cell is drawn at the weighted mean of its
 * points, kept within the middle of the cell (±MAP_CELL_SPREAD of its size) so that neighbours
 * never overlap on screen.
 */
function gridCells(grid: MapGrid, box: MapBbox, cell: CellSize): MapCellFeature[] {
  const sums = new Map<string, { row: number; col: number; lat: number; lon: number; n: number }>();
  for (let i = 0; i < grid.n.length; i++) {
    const lat = grid.lat[i]!;
    const lon = grid.lon[i]!;
    if (!inBox(box, lat, lon)) continue;
    const n = grid.n[i]!;
    const row = Math.floor(lat / cell.lat);
    const col = Math.floor(lon / cell.lon);
    const key = `${row}:${col}`;
    const sum = sums.get(key);
    if (sum) {
      sum.lat += lat * n;
      sum.lon += lon * n;
      sum.n += n;
    } else sums.set(key, { row, col, lat: lat * n, lon: lon * n, n });
  }
  const within = (mean: number, index: number, size: number) => {
    const centre = (index + 0.5) * size;
    return Math.min(centre + MAP_CELL_SPREAD * size, Math.max(centre - MAP_CELL_SPREAD * size, mean));
  };
  return [...sums.values()].map((s) =>
    cellFeature(within(s.lat / s.n, s.row, cell.lat), within(s.lon / s.n, s.col, cell.lon), s.n),
  );
}

/**
 * A circle around the box, so that the query of its posts can use the GiST index of public
 * points (the box itself is then applied exactly); none for a box of continental size.
 */
function coveringCircle(box: MapBbox): { near?: { lat: number; lon: number }; radiusKm?: number } {
  const centre = { lat: (box[1] + box[3]) / 2, lon: (box[0] + box[2]) / 2 };
  const corners = [
    { lat: box[1], lon: box[0] },
    { lat: box[1], lon: box[2] },
    { lat: box[3], lon: box[0] },
    { lat: box[3], lon: box[2] },
  ];
  const radiusKm = Math.max(...corners.map((c) => haversineKm(centre, c))) * 1.01 + 0.1;
  return radiusKm > 500 ? {} : { near: centre, radiusKm };
}
