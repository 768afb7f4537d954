import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../src/domain/geo.ts';
import { approximateDistance, publicPoint, snapToGrid } from '../../src/domain/place-privacy.ts';

const mende = { centroidLat: 44.5181, centroidLon: 3.5006, population: 12464 };
const hamlet = { centroidLat: 44.6, centroidLon: 3.3, population: 120 };

describe('place privacy', () => {
  it('snaps every point of a cell to the same centre, within ~400 m', () => {
    const home = { lat: 44.51734, lon: 3.49871 };
    const snapped = snapToGrid(home);
    expect(haversineKm(home, snapped)).toBeLessThan(0.4);
    expect(haversineKm(home, snapped)).toBeGreaterThan(0);
    // Neighbours in the same cell give the same public point: nothing to average.
    expect(snapToGrid({ lat: home.lat + 0.0004, lon: home.lon + 0.0004 })).toEqual(snapped);
    expect(snapToGrid(home)).toEqual(snapped);
  });

  it('moves to another cell across a boundary, by about the grid size', () => {
    const a = snapToGrid({ lat: 44.5, lon: 3.5 });
    const b = snapToGrid({ lat: 44.5 + 0.005, lon: 3.5 });
    expect(haversineKm(a, b)).toBeGreaterThan(0.45);
    expect(haversineKm(a, b)).toBeLessThan(0.55);
  });

  it('uses the commune centroid for small communes and commune-level places', () => {
    const exact = { lat: 44.601, lon: 3.301 };
    expect(publicPoint(exact, hamlet, 'address')).toEqual({ lat: 44.6, lon: 3.3 });
    expect(publicPoint(exact, mende, 'commune')).toEqual({ lat: 44.5181, lon: 3.5006 });
    expect(publicPoint(null, mende, 'address')).toEqual({ lat: 44.5181, lon: 3.5006 });
    expect(publicPoint({ lat: 44.51734, lon: 3.49871 }, mende, 'address')).not.toEqual({
      lat: 44.51734,
      lon: 3.49871,
    });
  });

  it('words distances approximately', () => {
    expect(approximateDistance(0.3)).toEqual({ key: 'distance.under1', value: '1' });
    expect(approximateDistance(1.37)).toEqual({ key: 'distance.about', value: '1,5' });
    expect(approximateDistance(4.1)).toEqual({ key: 'distance.about', value: '4' });
    expect(approximateDistance(12.4)).toEqual({ key: 'distance.about', value: '12' });
  });
});
