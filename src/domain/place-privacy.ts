import type { LatLon } from './geo.ts';

/**
 * Privacy of place. The public never sees where someone lives: a post's public point is the
 * centre of a fixed grid cell (about 500 m), or the commune's centroid when the commune is small
 * or sparse (where one cell could single out a house). The point is a pure function of the exact
 * point, so looking many times gives the same answer and never averages out to the address.
 */
export const GRID_METERS = 500;
/** Below this population a commune is shown as a whole (its centroid), not as a grid cell. */
export const SPARSE_POPULATION = 2000;

const METERS_PER_DEGREE_LAT = 111_320;

/** The centre of the ~`meters` grid cell containing the point. */
export function snapToGrid(point: LatLon, meters = GRID_METERS): LatLon {
  const latStep = meters / METERS_PER_DEGREE_LAT;
  const row = Math.floor(point.lat / latStep);
  const lat = (row + 0.5) * latStep;
  // Column width follows the cell row's latitude, so a cell is the same everywhere in that row.
  const lonStep = meters / (METERS_PER_DEGREE_LAT * Math.cos((lat * Math.PI) / 180));
  const col = Math.floor(point.lon / lonStep);
  return { lat: round6(lat), lon: round6((col + 0.5) * lonStep) };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export interface AreaForPrivacy {
  centroidLat: number;
  centroidLon: number;
  population: number | null;
}

/** The point shown to the public for an exact point in an area. */
export function publicPoint(
  exact: LatLon | null,
  area: AreaForPrivacy,
  precision: 'address' | 'commune',
): LatLon {
  const centroid = { lat: area.centroidLat, lon: area.centroidLon };
  if (!exact || precision === 'commune') return centroid;
  if (area.population !== null && area.population < SPARSE_POPULATION) return centroid;
  return snapToGrid(exact);
}

/**
 * A distance as people say it, never precise enough to locate anyone: « à moins de 1 km »,
 * « à environ 1,5 km » (half-kilometres under 10 km), « à environ 12 km ».
 */
export function approximateDistance(km: number): {
  key: 'distance.under1' | 'distance.about';
  value: string;
} {
  if (km < 1) return { key: 'distance.under1', value: '1' };
  const rounded = km < 10 ? Math.round(km * 2) / 2 : Math.round(km);
  return { key: 'distance.about', value: new Intl.NumberFormat('fr-FR').format(rounded) };
}
