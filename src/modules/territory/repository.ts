import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { area, category, territory } from '../../db/schema.ts';

export type TerritoryRow = typeof territory.$inferSelect;
export type CategoryRow = typeof category.$inferSelect;
export type AreaRow = typeof area.$inferSelect;
export type AreaSummary = Pick<
  AreaRow,
  'id' | 'code' | 'name' | 'kind' | 'postalCodes' | 'centroidLat' | 'centroidLon' | 'population'
>;

/** All territories (a deployment has a handful), for host resolution. */
export const listTerritories = (db: Executor) => db.select().from(territory).orderBy(asc(territory.name));

export async function findTerritoryBySlug(db: Executor, slug: string): Promise<TerritoryRow | null> {
  const [row] = await db.select().from(territory).where(eq(territory.slug, slug)).limit(1);
  return row ?? null;
}

/** Active categories of a territory, in their display order. */
export const listActiveCategories = (db: Executor, territoryId: string) =>
  db
    .select()
    .from(category)
    .where(and(eq(category.territoryId, territoryId), isNull(category.archivedAt)))
    .orderBy(asc(category.position), asc(category.name));

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'base' });

/** Areas of a territory without their outlines (light enough for a select list), in French order. */
export async function listAreas(db: Executor, territoryId: string): Promise<AreaSummary[]> {
  const rows = await db
    .select({
      id: area.id,
      code: area.code,
      name: area.name,
      kind: area.kind,
      postalCodes: area.postalCodes,
      centroidLat: area.centroidLat,
      centroidLon: area.centroidLon,
      population: area.population,
    })
    .from(area)
    .where(eq(area.territoryId, territoryId));
  return rows.sort((a, b) => frenchOrder.compare(a.name, b.name));
}

export async function findArea(
  db: Executor,
  territoryId: string,
  areaId: string,
): Promise<AreaSummary | null> {
  const [row] = await db
    .select({
      id: area.id,
      code: area.code,
      name: area.name,
      kind: area.kind,
      postalCodes: area.postalCodes,
      centroidLat: area.centroidLat,
      centroidLon: area.centroidLon,
      population: area.population,
    })
    .from(area)
    .where(and(eq(area.territoryId, territoryId), eq(area.id, areaId)))
    .limit(1);
  return row ?? null;
}

/** Outlines of a territory's areas, by code (for the map's GeoJSON). */
export const listAreaOutlines = (db: Executor, territoryId: string) =>
  db
    .select({ code: area.code, name: area.name, outline: area.outline })
    .from(area)
    .where(eq(area.territoryId, territoryId))
    .orderBy(asc(area.code));
