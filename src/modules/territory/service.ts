import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import * as repo from './repository.ts';
import type { AreaSummary, CategoryRow, TerritoryRow } from './repository.ts';

export type { AreaSummary, CategoryRow, TerritoryRow };

interface Snapshot {
  at: number;
  territories: TerritoryRow[];
  byHost: Map<string, TerritoryRow>;
  fallback: TerritoryRow | null;
}

const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * Territories change rarely and are read on every request, so they are cached for a short time
 * (several app instances converge within `ttlMs` after an admin edit).
 */
export class TerritoryService {
  private snapshot: Snapshot | null = null;
  private readonly categoriesCache = new Map<string, { at: number; rows: CategoryRow[] }>();
  private readonly areasCache = new Map<string, { at: number; rows: AreaSummary[] }>();
  private readonly outlinesCache = new Map<
    string,
    { at: number; value: { version: string; body: string } }
  >();

  constructor(
    private readonly db: Db,
    private readonly defaultSlug: string,
    private readonly ttlMs = 30_000,
  ) {}

  private async load(): Promise<Snapshot> {
    if (this.snapshot && Date.now() - this.snapshot.at < this.ttlMs) return this.snapshot;
    const territories = await repo.listTerritories(this.db);
    const byHost = new Map<string, TerritoryRow>();
    for (const t of territories) for (const h of t.hosts) byHost.set(h.toLowerCase(), t);
    const fallback =
      territories.find((t) => t.slug === this.defaultSlug) ??
      territories.find((t) => t.isDefault) ??
      territories[0] ??
      null;
    this.snapshot = { at: Date.now(), territories, byHost, fallback };
    return this.snapshot;
  }

  /** The territory served at `host` (port ignored), or the default one; null when none exists. */
  async resolve(host: string | undefined): Promise<TerritoryRow | null> {
    const snap = await this.load();
    const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
    return snap.byHost.get(name) ?? snap.fallback;
  }

  /**
   * The areas' outlines as a GeoJSON FeatureCollection (code, name), serialised once and
   * versioned by content so the map can cache it for long.
   */
  async outlines(territoryId: string): Promise<{ version: string; body: string }> {
    const hit = this.outlinesCache.get(territoryId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const rows = await repo.listAreaOutlines(this.db, territoryId);
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: rows.flatMap((r) =>
        r.outline
          ? [{ type: 'Feature', properties: { code: r.code, name: r.name }, geometry: r.outline }]
          : [],
      ),
    });
    const value = { version: createHash('sha256').update(body).digest('hex').slice(0, 12), body };
    this.outlinesCache.set(territoryId, { at: Date.now(), value });
    return value;
  }

  /** A territory by id, from the cache. */
  async byId(id: string): Promise<TerritoryRow | null> {
    return (await this.load()).territories.find((t) => t.id === id) ?? null;
  }

  /** Forgets cached territories and categories (after an edit, or in tests). */
  invalidate(): void {
    this.snapshot = null;
    this.categoriesCache.clear();
    this.areasCache.clear();
    this.outlinesCache.clear();
  }

  /** Active categories of a territory, cached like territories. */
  async categories(territoryId: string): Promise<CategoryRow[]> {
    const hit = this.categoriesCache.get(territoryId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.rows;
    const rows = await repo.listActiveCategories(this.db, territoryId);
    this.categoriesCache.set(territoryId, { at: Date.now(), rows });
    return rows;
  }

  /** Areas of a territory (no outlines), cached like categories; the same array between reloads. */
  async areas(territoryId: string): Promise<AreaSummary[]> {
    const hit = this.areasCache.get(territoryId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.rows;
    const rows = await repo.listAreas(this.db, territoryId);
    this.areasCache.set(territoryId, { at: Date.now(), rows });
    return rows;
  }

  findArea(territoryId: string, areaId: string) {
    return repo.findArea(this.db, territoryId, areaId);
  }

  /** The territory's colours as CSS custom properties; only strict hex colours get through. */
  themeCss(t: Pick<TerritoryRow, 'colorPrimary' | 'colorAccent'>): string {
    const primary = HEX_COLOUR.test(t.colorPrimary) ? t.colorPrimary : '#1d4e89';
    const accent = HEX_COLOUR.test(t.colorAccent) ? t.colorAccent : '#b34000';
    return `:root{--color-primary:${primary};--color-accent:${accent}}`;
  }
}

/** A short version of a territory's colours, so the theme URL changes when they do. */
export function themeVersion(t: Pick<TerritoryRow, 'colorPrimary' | 'colorAccent'>): string {
  return `${t.colorPrimary}${t.colorAccent}`
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase()
    .slice(0, 12);
}
