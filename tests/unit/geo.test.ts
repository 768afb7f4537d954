import { describe, it, expect } from 'vitest';
import {
  concatGeometries,
  geometryArea,
  geometryBbox,
  geometryCentroid,
  haversineKm,
  interiorPoint,
  pointInGeometry,
  polygonCentroid,
  roundGeometry,
  type Geometry,
  type Ring,
} from '../../src/domain/geo.ts';

// Rings are [lon, lat] as in GeoJSON; x = lon, y = lat below.
const unitSquare: Ring = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];
const square = (x0: number, y0: number, size: number): Ring => [
  [x0, y0],
  [x0 + size, y0],
  [x0 + size, y0 + size],
  [x0, y0 + size],
  [x0, y0],
];
// An L: three unit squares, centroid (5/6, 5/6), inside the corner square.
const lShape: Ring = [
  [0, 0],
  [2, 0],
  [2, 1],
  [1, 1],
  [1, 2],
  [0, 2],
  [0, 0],
];
// A U opening upwards: 3×3 minus the notch [1,2]×[1,3]; its centroid (1.5, 1.5 − 1/7·…) lies in the notch.
const uShape: Ring = [
  [0, 0],
  [3, 0],
  [3, 3],
  [2, 3],
  [2, 1],
  [1, 1],
  [1, 3],
  [0, 3],
  [0, 0],
];
const squareWithHole: Geometry = { type: 'Polygon', coordinates: [square(0, 0, 4), square(1, 1, 2)] };

describe('polygonCentroid', () => {
  it('puts the centroid of a unit square at its middle', () => {
    const c = polygonCentroid([unitSquare]);
    expect(c.lat).toBeCloseTo(0.5, 12);
    expect(c.lon).toBeCloseTo(0.5, 12);
  });

  it('ignores ring orientation and a missing closing point', () => {
    const clockwiseOpen: Ring = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ];
    const c = polygonCentroid([clockwiseOpen]);
    expect(c).toEqual({ lat: expect.closeTo(0.5, 12), lon: expect.closeTo(0.5, 12) });
  });

  it('weights by area: the centroid of an L is (5/6, 5/6) and lies inside it', () => {
    const c = polygonCentroid([lShape]);
    expect(c.lon).toBeCloseTo(5 / 6, 12);
    expect(c.lat).toBeCloseTo(5 / 6, 12);
    expect(pointInGeometry(c.lat, c.lon, { type: 'Polygon', coordinates: [lShape] })).toBe(true);
  });

  it('subtracts holes', () => {
    // 4×4 square with a 1×1 hole in its lower-left quarter: the centroid moves up and right.
    const c = polygonCentroid([square(0, 0, 4), square(0.5, 0.5, 1)]);
    const expected = (16 * 2 - 1 * 1) / 15;
    expect(c.lon).toBeCloseTo(expected, 12);
    expect(c.lat).toBeCloseTo(expected, 12);
  });

  it('works far from the origin, at real coordinates', () => {
    const c = polygonCentroid([square(3.45, 44.5, 0.1)]);
    expect(c.lon).toBeCloseTo(3.5, 10);
    expect(c.lat).toBeCloseTo(44.55, 10);
  });

  it('falls back to the mean of the vertices for a degenerate polygon', () => {
    const flat: Ring = [
      [0, 0],
      [2, 0],
      [4, 0],
    ];
    expect(polygonCentroid([flat])).toEqual({ lat: 0, lon: 2 });
  });
});

describe('geometryCentroid and interiorPoint', () => {
  it('weights the polygons of a MultiPolygon by their area', () => {
    const multi: Geometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(10, 0, 3)]] };
    const c = geometryCentroid(multi);
    // (1 × 0.5 + 9 × 11.5) / 10
    expect(c.lon).toBeCloseTo(10.4, 12);
    expect(c.lat).toBeCloseTo((1 * 0.5 + 9 * 1.5) / 10, 12);
  });

  it('returns the centroid itself when it is inside', () => {
    const geometry: Geometry = { type: 'Polygon', coordinates: [lShape] };
    expect(interiorPoint(geometry)).toEqual(geometryCentroid(geometry));
  });

  it('finds a point inside a U whose centroid falls in the notch', () => {
    const geometry: Geometry = { type: 'Polygon', coordinates: [uShape] };
    const c = geometryCentroid(geometry);
    expect(c.lon).toBeCloseTo(1.5, 12);
    expect(c.lat).toBeCloseTo((9 * 1.5 - 2 * 2) / 7, 12);
    expect(pointInGeometry(c.lat, c.lon, geometry)).toBe(false);

    const p = interiorPoint(geometry);
    expect(pointInGeometry(p.lat, p.lon, geometry)).toBe(true);
  });

  it('prefers the largest polygon when the centroid of a MultiPolygon falls between its parts', () => {
    const geometry: Geometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 0, 2)]] };
    const p = interiorPoint(geometry);
    expect(p.lon).toBeCloseTo(6, 12);
    expect(p.lat).toBeCloseTo(1, 12);
  });

  it('finds a point inside a ring-shaped polygon (centroid in the hole)', () => {
    const p = interiorPoint(squareWithHole);
    expect(pointInGeometry(p.lat, p.lon, squareWithHole)).toBe(true);
  });
});

describe('pointInGeometry', () => {
  it('tells inside from outside a polygon', () => {
    const geometry: Geometry = { type: 'Polygon', coordinates: [lShape] };
    expect(pointInGeometry(0.5, 1.5, geometry)).toBe(true);
    expect(pointInGeometry(1.5, 1.5, geometry)).toBe(false);
    expect(pointInGeometry(-0.1, 0.5, geometry)).toBe(false);
  });

  it('excludes holes', () => {
    expect(pointInGeometry(0.5, 0.5, squareWithHole)).toBe(true);
    expect(pointInGeometry(2, 2, squareWithHole)).toBe(false);
    expect(pointInGeometry(3.5, 3.5, squareWithHole)).toBe(true);
    expect(pointInGeometry(5, 5, squareWithHole)).toBe(false);
  });

  it('checks every polygon of a MultiPolygon, with their holes', () => {
    const multi: Geometry = {
      type: 'MultiPolygon',
      coordinates: [[square(10, 10, 1)], squareWithHole.coordinates as Ring[]],
    };
    expect(pointInGeometry(10.5, 10.5, multi)).toBe(true);
    expect(pointInGeometry(0.5, 0.5, multi)).toBe(true);
    expect(pointInGeometry(2, 2, multi)).toBe(false);
    expect(pointInGeometry(7, 7, multi)).toBe(false);
  });
});

describe('geometryBbox', () => {
  it('returns [minLon, minLat, maxLon, maxLat] over all polygons', () => {
    const multi: Geometry = { type: 'MultiPolygon', coordinates: [[lShape], [square(-3, 5, 1)]] };
    expect(geometryBbox(multi)).toEqual([-3, 0, 2, 6]);
  });

  it('rejects an empty geometry', () => {
    expect(() => geometryBbox({ type: 'MultiPolygon', coordinates: [] })).toThrow();
  });
});

describe('haversineKm', () => {
  const paris = { lat: 48.8566, lon: 2.3522 };
  const lyon = { lat: 45.764, lon: 4.8357 };

  it('measures Paris–Lyon at about 392 km', () => {
    expect(Math.abs(haversineKm(paris, lyon) - 392)).toBeLessThanOrEqual(3);
  });

  it('is symmetric and zero for the same point', () => {
    expect(haversineKm(lyon, paris)).toBeCloseTo(haversineKm(paris, lyon), 9);
    expect(haversineKm(paris, paris)).toBe(0);
  });

  it('gives about 111.2 km per degree of latitude', () => {
    expect(haversineKm({ lat: 44, lon: 3.5 }, { lat: 45, lon: 3.5 })).toBeCloseTo(111.2, 1);
  });
});

describe('roundGeometry and concatGeometries', () => {
  it('rounds coordinates and drops the duplicates rounding creates', () => {
    const geometry: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [3.123456, 44.987654],
          [3.123457, 44.987653],
          [3.2, 44.9],
          [3.1, 44.8],
          [3.123456, 44.987654],
        ],
      ],
    };
    expect(roundGeometry(geometry, 5)).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [3.12346, 44.98765],
          [3.2, 44.9],
          [3.1, 44.8],
          [3.12346, 44.98765],
        ],
      ],
    });
  });

  it('merges outlines into one MultiPolygon keeping the total area', () => {
    const a: Geometry = { type: 'Polygon', coordinates: [square(0, 0, 1)] };
    const b: Geometry = { type: 'MultiPolygon', coordinates: [[square(1, 0, 1)], [square(5, 5, 2)]] };
    const merged = concatGeometries([a, b]);
    expect(merged.type).toBe('MultiPolygon');
    expect(merged.coordinates).toHaveLength(3);
    expect(geometryArea(merged)).toBeCloseTo(6, 12);
    expect(concatGeometries([a])).toBe(a);
  });
});
