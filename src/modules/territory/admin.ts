import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../db/client.ts';
import {
  areasFromGeoJson,
  createDepartementTerritory,
  loadGeodata,
  upsertAreas,
  type AreaInput,
} from '../../db/seed/territory.ts';
import { DEFAULT_CATEGORIES } from '../../domain/categories.ts';
import { normalizePhone } from '../../domain/input.ts';
import { audit } from '../../platform/audit.ts';
import { systemCtx, type Ctx } from '../../platform/context.ts';
import { transaction } from '../../platform/transaction.ts';
import * as repo from './repository.ts';
import { TerritoryService, type TerritoryRow } from './service.ts';

// Territory administration from the command line. Errors are French sentences for the person
// at the terminal; the web back office will get its own catalogue-keyed use cases.

export type AdminResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const geoDir = fileURLToPath(new URL('../../db/geo/', import.meta.url));
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The geodata files shipped in src/db/geo, by name (`48-lozere`). */
export async function listGeodata(): Promise<string[]> {
  const files = await readdir(geoDir);
  return files
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * The territory named by `slug`, or, without a slug, the one the web application serves by
 * default (DEFAULT_TERRITORY, else the territory marked default, else the first by name).
 */
export async function findTerritory(
  db: Db,
  slug: string | undefined,
  defaultSlug: string,
): Promise<TerritoryRow | null> {
  if (slug) return repo.findTerritoryBySlug(db, slug);
  return new TerritoryService(db, defaultSlug).resolve(undefined);
}

export interface CreateTerritoryInput {
  slug: string;
  geodata: string;
  hosts: string[];
  helplinePhone: string | null;
  helplineHours: string | null;
}

export interface CreateTerritoryOutcome {
  territory: TerritoryRow;
  communes: number;
  categories: number;
}

/**
 * Creates a département territory from a shipped geodata file: its communes and the default
 * categories, in one transaction, with a `territory.create` audit row.
 */
export async function createTerritory(
  db: Db,
  input: CreateTerritoryInput,
): Promise<AdminResult<CreateTerritoryOutcome>> {
  const problems: string[] = [];
  if (!SLUG.test(input.slug))
    problems.push(
      `Identifiant « ${input.slug} » invalide : lettres minuscules sans accent, chiffres et tirets (40 au plus).`,
    );
  const available = await listGeodata();
  if (!available.includes(input.geodata))
    problems.push(
      `Données géographiques « ${input.geodata} » introuvables. Disponibles : ${available.join(', ')}.`,
    );
  const hosts = input.hosts.map((h) => h.trim().toLowerCase());
  for (const h of hosts)
    if (!HOST.test(h)) problems.push(`Nom d’hôte « ${h} » invalide (exemple : entraide.lozere.fr).`);
  let phone: string | null = null;
  if (input.helplinePhone) {
    phone = normalizePhone(input.helplinePhone);
    if (!phone)
      problems.push(`Numéro de téléphone « ${input.helplinePhone} » invalide (exemple : 04 66 12 34 56).`);
  }
  const hours = input.helplineHours?.trim() || null;
  if (hours && hours.length > 200) problems.push('Horaires trop longs : 200 caractères au plus.');
  if (problems.length > 0) return { ok: false, problems };

  const existing = await repo.listTerritories(db);
  if (existing.some((t) => t.slug === input.slug))
    problems.push(`Le territoire « ${input.slug} » existe déjà.`);
  for (const h of hosts) {
    const owner = existing.find((t) => t.hosts.some((x) => x.toLowerCase() === h));
    if (owner) problems.push(`Le nom d’hôte « ${h} » sert déjà le territoire « ${owner.slug} ».`);
  }
  if (problems.length > 0) return { ok: false, problems };

  const geodata = await loadGeodata(input.geodata);
  const created = await transaction(db, async (tx) => {
    const row = await createDepartementTerritory(tx, geodata, {
      slug: input.slug,
      hosts,
      ...(phone ? { helplinePhone: phone } : {}),
      ...(hours ? { helplineHours: hours } : {}),
    });
    await audit(
      tx,
      systemCtx(row.id, 'cli'),
      'territory.create',
      { type: 'territory', id: row.id },
      { slug: row.slug, geodata: input.geodata, communes: geodata.communes.length },
    );
    return row;
  });
  return {
    ok: true,
    value: { territory: created, communes: geodata.communes.length, categories: DEFAULT_CATEGORIES.length },
  };
}

export interface ImportAreasOutcome {
  imported: number;
  kinds: { commune: number; quartier: number };
}

/**
 * Imports areas (communes or quartiers) from a parsed GeoJSON FeatureCollection. Nothing is
 * written unless every feature is valid; existing areas with the same kind and code are updated.
 * `kind`, when given, overrides the features' own `kind` property.
 */
export async function importAreas(
  db: Db,
  ctx: Ctx,
  collection: unknown,
  opts: { kind?: AreaInput['kind']; source?: string } = {},
): Promise<AdminResult<ImportAreasOutcome>> {
  const { collection: checked, problems } = checkCoordinates(collection);
  const parsed = areasFromGeoJson(checked);
  problems.unshift(...parsed.problems);
  const areas = opts.kind ? parsed.areas.map((a) => ({ ...a, kind: opts.kind! })) : parsed.areas;
  const seen = new Map<string, number>();
  areas.forEach((a, i) => {
    const key = `${a.kind}:${a.code}`;
    if (seen.has(key))
      problems.push(
        `Le code « ${a.code} » (${a.kind}) apparaît deux fois : chaque zone doit avoir son code.`,
      );
    seen.set(key, i);
  });
  if (problems.length === 0 && areas.length === 0) problems.push('Le fichier ne contient aucune zone.');
  if (problems.length > 0) return { ok: false, problems };

  const imported = await transaction(db, async (tx) => {
    const n = await upsertAreas(tx, ctx.territoryId, areas);
    await audit(
      tx,
      ctx,
      'area.import',
      { type: 'territory', id: ctx.territoryId },
      { count: n, codes: areas.slice(0, 50).map((a) => a.code), source: opts.source ?? null },
    );
    return n;
  });
  return {
    ok: true,
    value: {
      imported,
      kinds: {
        commune: areas.filter((a) => a.kind === 'commune').length,
        quartier: areas.filter((a) => a.kind === 'quartier').length,
      },
    },
  };
}

const isPosition = (p: unknown) =>
  Array.isArray(p) &&
  p.length >= 2 &&
  typeof p[0] === 'number' &&
  typeof p[1] === 'number' &&
  Math.abs(p[0]) <= 180 &&
  Math.abs(p[1]) <= 90;
const isRing = (r: unknown) => Array.isArray(r) && r.length >= 4 && r.every(isPosition);
const isPolygon = (p: unknown) => Array.isArray(p) && p.length >= 1 && p.every(isRing);

/**
 * Reports polygons whose coordinates are not rings of [lon, lat] numbers: areasFromGeoJson
 * computes a centroid from them and would throw or store NaN. Such features reach it with a
 * placeholder outline, so that their other properties are still checked.
 */
function checkCoordinates(collection: unknown): { collection: unknown; problems: string[] } {
  const features = (collection as { features?: unknown })?.features;
  if (!Array.isArray(features)) return { collection, problems: [] };
  const problems: string[] = [];
  const cleaned = features.map((f, i) => {
    const feature = f as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown };
    const g = feature?.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return f;
    const valid =
      g.type === 'Polygon'
        ? isPolygon(g.coordinates)
        : Array.isArray(g.coordinates) && g.coordinates.length >= 1 && g.coordinates.every(isPolygon);
    if (valid) return f;
    problems.push(
      `Élément ${i + 1} : coordonnées invalides (anneaux d’au moins 4 positions [longitude, latitude] en degrés).`,
    );
    return { ...feature, geometry: PLACEHOLDER };
  });
  return { collection: { ...(collection as object), features: cleaned }, problems };
}

// A valid triangle standing in for an invalid geometry while the other checks run; never stored
// (a coordinates problem stops the import).
const PLACEHOLDER = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ],
  ],
};
