import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { DEFAULT_CATEGORIES } from '../../domain/categories.ts';
import { DEFAULT_SKILLS } from '../../domain/missions.ts';
import { interiorPoint, type Bbox, type Geometry } from '../../domain/geo.ts';
import type { Executor } from '../client.ts';
import { area, category, skill, territory } from '../schema.ts';

/** The shape of `src/db/geo/<code>-<slug>.json`, built by scripts/build-geodata.ts. */
export interface GeodataFile {
  attribution: string;
  departement: { code: string; name: string; outline: Geometry; bbox: Bbox; centroid: [number, number] };
  communes: Array<{
    code: string;
    name: string;
    postalCodes: string[];
    population: number | null;
    centroid: [number, number];
    outline: Geometry;
  }>;
}

/** Reads a geodata file shipped with the project (e.g. `48-lozere`). */
export async function loadGeodata(name: string): Promise<GeodataFile> {
  const path = fileURLToPath(new URL(`../geo/${name}.json`, import.meta.url));
  return JSON.parse(await readFile(path, 'utf8')) as GeodataFile;
}

export interface AreaInput {
  code: string;
  name: string;
  kind: 'commune' | 'quartier';
  postalCodes: string[];
  population: number | null;
  outline: Geometry | null;
  centroid: { lat: number; lon: number };
}

/**
 * Turns a GeoJSON FeatureCollection into areas. Properties: `code` (INSEE or local code) and
 * `nom` or `name`; optional `codesPostaux`/`postalCodes`, `population`, `kind`. The centroid is a
 * point inside the outline.
 */
export function areasFromGeoJson(collection: unknown): { areas: AreaInput[]; problems: string[] } {
  const problems: string[] = [];
  const areas: AreaInput[] = [];
  const features = (collection as { features?: unknown[] })?.features;
  if (!Array.isArray(features))
    return { areas, problems: ['Le fichier n’est pas une FeatureCollection GeoJSON.'] };
  features.forEach((f, i) => {
    const feature = f as { properties?: Record<string, unknown>; geometry?: Geometry };
    const p = feature.properties ?? {};
    const code = typeof p.code === 'string' ? p.code.trim() : '';
    const name = typeof p.nom === 'string' ? p.nom : typeof p.name === 'string' ? p.name : '';
    const geometry = feature.geometry;
    if (!code || !name)
      return problems.push(`Élément ${i + 1} : propriétés « code » et « nom » obligatoires.`);
    if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon'))
      return problems.push(
        `Élément ${i + 1} (${code}) : la géométrie doit être un Polygon ou un MultiPolygon.`,
      );
    const postal = p.codesPostaux ?? p.postalCodes;
    areas.push({
      code,
      name: name.trim(),
      kind: p.kind === 'quartier' ? 'quartier' : 'commune',
      postalCodes: Array.isArray(postal) ? postal.filter((x): x is string => typeof x === 'string') : [],
      population: typeof p.population === 'number' ? p.population : null,
      outline: geometry,
      centroid: interiorPoint(geometry),
    });
  });
  return { areas, problems };
}

/** Inserts or updates areas of a territory by (kind, code); returns how many were written. */
export async function upsertAreas(db: Executor, territoryId: string, areas: AreaInput[]): Promise<number> {
  if (areas.length === 0) return 0;
  const rows = areas.map((a) => ({
    territoryId,
    kind: a.kind,
    code: a.code,
    name: a.name,
    postalCodes: a.postalCodes,
    population: a.population,
    outline: a.outline,
    centroidLat: a.centroid.lat,
    centroidLon: a.centroid.lon,
  }));
  await db
    .insert(area)
    .values(rows)
    .onConflictDoUpdate({
      target: [area.territoryId, area.kind, area.code],
      set: {
        name: sql`excluded.name`,
        postalCodes: sql`excluded.postal_codes`,
        population: sql`excluded.population`,
        outline: sql`excluded.outline`,
        centroidLat: sql`excluded.centroid_lat`,
        centroidLon: sql`excluded.centroid_lon`,
      },
    });
  return rows.length;
}

/** Creates a département territory from a geodata file, with its communes and default categories. */
export async function createDepartementTerritory(
  db: Executor,
  geodata: GeodataFile,
  opts: {
    slug: string;
    helplinePhone?: string;
    helplineHours?: string;
    hosts?: string[];
    isDefault?: boolean;
  },
) {
  const d = geodata.departement;
  const [row] = await db
    .insert(territory)
    .values({
      slug: opts.slug,
      name: d.name,
      kind: 'departement',
      inseeCode: d.code,
      hosts: opts.hosts ?? [],
      isDefault: opts.isDefault ?? false,
      helplinePhone: opts.helplinePhone ?? null,
      helplineHours: opts.helplineHours ?? null,
      mapCenterLat: d.centroid[0],
      mapCenterLon: d.centroid[1],
      mapZoom: 9,
      bounds: d.bbox,
      outline: d.outline,
    })
    .returning();
  const created = row!;
  await upsertAreas(
    db,
    created.id,
    geodata.communes.map((c) => ({
      code: c.code,
      name: c.name,
      kind: 'commune' as const,
      postalCodes: c.postalCodes,
      population: c.population,
      outline: c.outline,
      centroid: { lat: c.centroid[0], lon: c.centroid[1] },
    })),
  );
  await db.insert(category).values(
    DEFAULT_CATEGORIES.map((c, i) => ({
      territoryId: created.id,
      slug: c.slug,
      name: c.name,
      guidance: c.guidance,
      domain: c.domain,
      position: i,
    })),
  );
  await db
    .insert(skill)
    .values(DEFAULT_SKILLS.map((s, i) => ({ territoryId: created.id, ...s, position: i })));
  return created;
}
