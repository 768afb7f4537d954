// Builds src/db/geo/<code>-<slug>.json, the committed area data of one département, from
// open data: the 2018 IGN/INSEE outlines in ../shared/data/geo and today's list of communes
// from @etalab/decoupage-administratif.
//
//   node --import tsx scripts/build-geodata.ts 48 lozere
//
// The project never reads ../shared at run time: this script copies what it needs, once.

import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  concatGeometries,
  geometryBbox,
  interiorPoint,
  roundGeometry,
  type Bbox,
  type Geometry,
} from '../src/domain/geo.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIR = path.resolve(ROOT, '../shared/data/geo');
const PACKAGE_DATA = path.join(ROOT, 'node_modules/@etalab/decoupage-administratif/data');
const OUTPUT_DIR = path.join(ROOT, 'src/db/geo');
const ATTRIBUTION = 'Source : IGN – INSEE, 2018 ; communes : @etalab/decoupage-administratif';
const DECIMALS = 5;

// Geometry left unknown: it is checked before use, the source being a file from elsewhere.
type OutlineFeature = { type: 'Feature'; geometry: unknown; properties: { code: string; nom: string } };
type EtalabCommune = {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  codesPostaux?: string[];
  population?: number;
  anciensCodes?: string[];
};
type EtalabDepartement = { code: string; nom: string };

/** One commune as committed in src/db/geo/*.json. */
export type GeodataCommune = {
  code: string;
  name: string;
  postalCodes: string[];
  population: number | null;
  /** [lat, lon], a point inside the outline. */
  centroid: [number, number];
  outline: Geometry;
};

/** The whole committed file for one département. */
export type GeodataFile = {
  attribution: string;
  departement: { code: string; name: string; outline: Geometry; bbox: Bbox; centroid: [number, number] };
  communes: GeodataCommune[];
};

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

function round(value: number): number {
  return Math.round(value * 10 ** DECIMALS) / 10 ** DECIMALS;
}

function isAreaGeometry(geometry: unknown): geometry is Geometry {
  if (typeof geometry !== 'object' || geometry === null) return false;
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  return (type === 'Polygon' || type === 'MultiPolygon') && Array.isArray(coordinates);
}

function centroidOf(geometry: Geometry): [number, number] {
  const point = interiorPoint(geometry);
  return [round(point.lat), round(point.lon)];
}

// Lines of the committed file: one commune per line keeps `git diff` readable when a rebuild
// changes a few communes, without the size of a fully indented file (Prettier ignores it).
function serialize(data: GeodataFile): string {
  const communes = data.communes.map((c) => `    ${JSON.stringify(c)}`).join(',\n');
  return [
    '{',
    `  "attribution": ${JSON.stringify(data.attribution)},`,
    `  "departement": ${JSON.stringify(data.departement)},`,
    '  "communes": [',
    communes,
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** Build the geodata of one département and write it to `outputDir`; returns the data written. */
export async function buildGeodata(code: string, slug: string, outputDir = OUTPUT_DIR): Promise<GeodataFile> {
  const communesFile = path.join(SOURCE_DIR, `communes-${code}-${slug}.geojson`);
  const departementFile = path.join(SOURCE_DIR, `departement-${code}-${slug}.geojson`);

  const outlines = await readJson<{ features: OutlineFeature[] }>(communesFile);
  const departementFeature = await readJson<OutlineFeature>(departementFile);
  const allCommunes = await readJson<EtalabCommune[]>(path.join(PACKAGE_DATA, 'communes.json'));
  const departements = await readJson<EtalabDepartement[]>(path.join(PACKAGE_DATA, 'departements.json'));

  const departementName = departements.find((d) => d.code === code)?.nom;
  if (!departementName) throw new Error(`Département inconnu : ${code}`);
  const departementOutline = departementFeature.geometry;
  if (!isAreaGeometry(departementOutline)) throw new Error(`Contour du département ${code} illisible`);

  const outlineByCode = new Map<string, Geometry>();
  for (const feature of outlines.features) {
    if (!isAreaGeometry(feature.geometry)) {
      console.warn(`⚠ Contour ignoré (ni Polygon ni MultiPolygon) : ${feature.properties.code}`);
      continue;
    }
    outlineByCode.set(feature.properties.code, feature.geometry);
  }

  const current = allCommunes.filter((c) => c.type === 'commune-actuelle' && c.departement === code);
  const currentCodes = new Set(current.map((c) => c.code));
  const used = new Set<string>();
  const communes: GeodataCommune[] = [];
  const merged: string[] = [];
  const skipped: string[] = [];

  for (const commune of current) {
    // A commune nouvelle created after 2018 keeps one of its 2018 codes, whose outline covers
    // only that former commune: add the outlines of its former codes so the area has no gaps.
    // A former code that is itself a current commune (a split) keeps its own outline.
    const parts = [commune.code, ...(commune.anciensCodes ?? [])].filter(
      (c, i) => outlineByCode.has(c) && !used.has(c) && (i === 0 || !currentCodes.has(c)),
    );
    if (parts.length === 0) {
      console.warn(`⚠ Aucun contour 2018 pour ${commune.code} ${commune.nom} ni ses anciens codes : ignorée`);
      skipped.push(commune.code);
      continue;
    }
    parts.forEach((c) => used.add(c));
    if (parts.length > 1 || parts[0] !== commune.code) {
      merged.push(`${commune.code} ${commune.nom} ← ${parts.join(', ')}`);
    }
    const outline = concatGeometries(parts.map((c) => outlineByCode.get(c)!));
    communes.push({
      code: commune.code,
      name: commune.nom,
      postalCodes: [...new Set(commune.codesPostaux ?? [])].sort(),
      population: typeof commune.population === 'number' ? commune.population : null,
      centroid: centroidOf(outline),
      outline: roundGeometry(outline, DECIMALS),
    });
  }

  const collator = new Intl.Collator('fr');
  communes.sort((a, b) => collator.compare(a.name, b.name) || a.code.localeCompare(b.code));

  const data: GeodataFile = {
    attribution: ATTRIBUTION,
    departement: {
      code,
      name: departementName,
      outline: roundGeometry(departementOutline, DECIMALS),
      bbox: geometryBbox(departementOutline).map(round) as Bbox,
      centroid: centroidOf(departementOutline),
    },
    communes,
  };

  await mkdir(outputDir, { recursive: true });
  const outputFile = path.join(outputDir, `${code}-${slug}.json`);
  await writeFile(outputFile, serialize(data));

  const orphans = [...outlineByCode.keys()].filter((c) => !used.has(c));
  console.log(`${path.relative(ROOT, outputFile)} : ${communes.length} communes actuelles écrites`);
  console.log(`  contours 2018 lus : ${outlineByCode.size}, communes actuelles : ${current.length}`);
  if (merged.length > 0) console.log(`  contours fusionnés (anciens codes) :\n    ${merged.join('\n    ')}`);
  if (skipped.length > 0) console.warn(`  ⚠ communes sans contour, ignorées : ${skipped.join(', ')}`);
  if (orphans.length > 0)
    console.warn(`  ⚠ contours 2018 rattachés à aucune commune actuelle : ${orphans.join(', ')}`);
  return data;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [code = '48', slug = 'lozere'] = process.argv.slice(2);
  buildGeodata(code, slug).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
