// Pure geometry helpers for commune outlines. No I/O, no dependencies.
//
// Coordinates follow GeoJSON: positions are [lon, lat] in WGS 84. Area and centroid are computed
// in the plane of (lon, lat) degrees: a centroid is preserved by affine maps, so the cos(lat)
// stretch between degrees and kilometres does not move it; over a commune or a département the
// variation of that stretch with latitude is negligible.

/** A point as the application code reads it (the GeoJSON order is [lon, lat]). */
export type LatLon = { lat: number; lon: number };

/** A GeoJSON position: [lon, lat]. */
export type Position = [number, number];

/** A linear ring: closed (first position repeated last) or not, both are accepted. */
export type Ring = Position[];

/** A GeoJSON Polygon geometry: one outer ring, then holes. */
export type PolygonGeometry = { type: 'Polygon'; coordinates: Ring[] };

/** A GeoJSON MultiPolygon geometry. */
export type MultiPolygonGeometry = { type: 'MultiPolygon'; coordinates: Ring[][] };

/** The only geometries the application stores: area and territory outlines. */
export type Geometry = PolygonGeometry | MultiPolygonGeometry;

/** [minLon, minLat, maxLon, maxLat], the GeoJSON bbox order. */
export type Bbox = [number, number, number, number];

const EARTH_RADIUS_KM = 6371.0088;

/** The polygons of a geometry, each as a list of rings (outer ring first). */
export function geometryPolygons(geometry: Geometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

// Shoelace sum over a ring, returned with the first moments so that one pass serves both the
// area and the centroid. Works whether or not the ring repeats its first position.
function ringMoments(ring: Ring): { area: number; cx: number; cy: number } {
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  const n = ring.length;
  if (n < 3) return { area: 0, cx: 0, cy: 0 };
  // Shift to the first vertex: keeps the products small and the sums precise.
  const [x0, y0] = ring[0]!;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = ring[i]!;
    const [bx, by] = ring[(i + 1) % n]!;
    const x1 = ax - x0;
    const y1 = ay - y0;
    const x2 = bx - x0;
    const y2 = by - y0;
    const cross = x1 * y2 - x2 * y1;
    twiceArea += cross;
    cx += (x1 + x2) * cross;
    cy += (y1 + y2) * cross;
  }
  const area = twiceArea / 2;
  if (area === 0) return { area: 0, cx: 0, cy: 0 };
  return { area, cx: cx / (6 * area) + x0, cy: cy / (6 * area) + y0 };
}

// Unsigned area of a polygon (outer ring minus holes) and its centroid, in degree units.
function polygonMoments(polygon: Ring[]): { area: number; lon: number; lat: number } {
  let area = 0;
  let sx = 0;
  let sy = 0;
  polygon.forEach((ring, index) => {
    const m = ringMoments(ring);
    // Ring orientation varies between sources: take the outer ring as positive and holes as
    // negative whatever their winding.
    const a = Math.abs(m.area) * (index === 0 ? 1 : -1);
    area += a;
    sx += m.cx * a;
    sy += m.cy * a;
  });
  if (area <= 0) return { area: 0, lon: 0, lat: 0 };
  return { area, lon: sx / area, lat: sy / area };
}

function vertexMean(polygon: Ring[]): LatLon {
  const outer = polygon[0] ?? [];
  if (outer.length === 0) throw new Error('Polygone vide : aucun point');
  let lon = 0;
  let lat = 0;
  for (const [x, y] of outer) {
    lon += x;
    lat += y;
  }
  return { lat: lat / outer.length, lon: lon / outer.length };
}

/** Planar area of a geometry in square degrees (holes subtracted); only useful to compare shapes. */
export function geometryArea(geometry: Geometry): number {
  return geometryPolygons(geometry).reduce((sum, polygon) => sum + polygonMoments(polygon).area, 0);
}

/** Area-weighted centroid of one polygon given as GeoJSON rings (outer first, then holes). */
export function polygonCentroid(polygon: Ring[]): LatLon {
  const m = polygonMoments(polygon);
  // A degenerate (zero-area) polygon has no centroid; the mean of its vertices is the honest answer.
  if (m.area === 0) return vertexMean(polygon);
  return { lat: m.lat, lon: m.lon };
}

/** Area-weighted centroid of a Polygon or MultiPolygon (may fall outside a concave shape). */
export function geometryCentroid(geometry: Geometry): LatLon {
  const polygons = geometryPolygons(geometry);
  let area = 0;
  let lon = 0;
  let lat = 0;
  for (const polygon of polygons) {
    const m = polygonMoments(polygon);
    area += m.area;
    lon += m.lon * m.area;
    lat += m.lat * m.area;
  }
  if (area === 0) {
    const first = polygons[0];
    if (!first) throw new Error('Géométrie vide : aucun polygone');
    return vertexMean(first);
  }
  return { lat: lat / area, lon: lon / area };
}

// Even-odd ray casting against one ring, casting towards +lon.
function pointInRing(lat: number, lon: number, ring: Ring): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function pointInPolygon(lat: number, lon: number, polygon: Ring[]): boolean {
  const [outer, ...holes] = polygon;
  if (!outer || !pointInRing(lat, lon, outer)) return false;
  return !holes.some((hole) => pointInRing(lat, lon, hole));
}

/** Whether a point lies inside a Polygon or MultiPolygon, holes excluded (boundary: unspecified). */
export function pointInGeometry(lat: number, lon: number, geometry: Geometry): boolean {
  return geometryPolygons(geometry).some((polygon) => pointInPolygon(lat, lon, polygon));
}

/** Bounding box of a geometry as [minLon, minLat, maxLon, maxLat]. */
export function geometryBbox(geometry: Geometry): Bbox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const polygon of geometryPolygons(geometry)) {
    for (const ring of polygon) {
      for (const [lon, lat] of ring) {
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
      }
    }
  }
  if (minLon === Infinity) throw new Error('Géométrie vide : pas de boîte englobante');
  return [minLon, minLat, maxLon, maxLat];
}

/** Great-circle distance in kilometres between two points. */
export function haversineKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

// Midpoint of the widest inside stretch of a horizontal line across one polygon, or null when
// the line misses it. Crossings are taken over every ring, so holes split the stretches.
function widestStretchAt(lat: number, polygon: Ring[]): { lon: number; width: number } | null {
  const crossings: number[] = [];
  for (const ring of polygon) {
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > lat !== yj > lat) crossings.push(((xj - xi) * (lat - yi)) / (yj - yi) + xi);
    }
  }
  crossings.sort((p, q) => p - q);
  let best: { lon: number; width: number } | null = null;
  // Even-odd rule: stretches between crossings 0–1, 2–3, … are inside.
  for (let k = 0; k + 1 < crossings.length; k += 2) {
    const width = crossings[k + 1]! - crossings[k]!;
    if (!best || width > best.width) best = { lon: (crossings[k]! + crossings[k + 1]!) / 2, width };
  }
  return best;
}

/**
 * A point guaranteed inside the geometry, close to its centroid: the area-weighted centroid
 * when it falls inside, else the centroid of the largest polygon, else the middle of the widest
 * horizontal stretch across the largest polygon (a cheap "pole of inaccessibility").
 */
export function interiorPoint(geometry: Geometry): LatLon {
  const centroid = geometryCentroid(geometry);
  if (pointInGeometry(centroid.lat, centroid.lon, geometry)) return centroid;

  const polygons = geometryPolygons(geometry);
  let largest = polygons[0];
  let largestArea = -1;
  for (const polygon of polygons) {
    const area = polygonMoments(polygon).area;
    if (area > largestArea) {
      largest = polygon;
      largestArea = area;
    }
  }
  if (!largest) throw new Error('Géométrie vide : aucun polygone');
  const own = polygonCentroid(largest);
  if (pointInPolygon(own.lat, own.lon, largest)) return own;

  // Scan lines spread over the polygon's height, nearest to the centroid's latitude first, and
  // keep the widest inside stretch: its middle sits well away from the boundary.
  const [, minLat, , maxLat] = geometryBbox({ type: 'Polygon', coordinates: largest });
  const steps = 32;
  let best: { lat: number; lon: number; score: number } | null = null;
  for (let s = 1; s < steps; s++) {
    // Nudge off round values so the line never passes exactly through a vertex.
    const lat = minLat + ((maxLat - minLat) * s) / steps + 1e-9;
    const stretch = widestStretchAt(lat, largest);
    if (!stretch) continue;
    // Prefer wide stretches, then closeness to the centroid's latitude.
    const score = stretch.width - Math.abs(lat - own.lat) * 1e-3;
    if (!best || score > best.score) best = { lat, lon: stretch.lon, score };
  }
  if (best) return { lat: best.lat, lon: best.lon };
  return vertexMean(largest);
}

/** Round every coordinate to `decimals` places, dropping consecutive duplicates this creates. */
export function roundGeometry(geometry: Geometry, decimals = 5): Geometry {
  const factor = 10 ** decimals;
  const round = (v: number) => Math.round(v * factor) / factor;
  const roundRing = (ring: Ring): Ring => {
    const out: Ring = [];
    for (const [lon, lat] of ring) {
      const p: Position = [round(lon), round(lat)];
      const prev = out[out.length - 1];
      if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push(p);
    }
    return out;
  };
  const roundPolygon = (polygon: Ring[]) => polygon.map(roundRing);
  if (geometry.type === 'Polygon')
    return { type: 'Polygon', coordinates: roundPolygon(geometry.coordinates) };
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map(roundPolygon) };
}

/** Merge several geometries into one MultiPolygon by concatenating their polygons (no dissolve). */
export function concatGeometries(geometries: Geometry[]): Geometry {
  if (geometries.length === 1) return geometries[0]!;
  return { type: 'MultiPolygon', coordinates: geometries.flatMap(geometryPolygons) };
}
