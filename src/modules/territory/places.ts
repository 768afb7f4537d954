import { fail, type FieldError, type Result } from '../../domain/fields.ts';
import { publicPoint } from '../../domain/place-privacy.ts';
import { normalizeForSearch } from '../../domain/text.ts';
import type { Geocoder } from '../../platform/geocoder.ts';
import type { AreaSummary, TerritoryService } from './service.ts';

/** Where something is: its area, the private exact point (when an address was given) and the public one. */
export interface Located {
  areaId: string;
  address: string | null;
  exactLat: number | null;
  exactLon: number | null;
  placePrecision: 'address' | 'commune';
  publicLat: number;
  publicLon: number;
}

/**
 * Places typed by people, shared by every module that places things on the territory (posts,
 * structures, missions): a commune from its name or postal code, a « near » point from a place or
 * a position, and an address turned into a private exact point and a public approximate one
 * (docs/decisions/007-place-privacy.md).
 */
export class Places {
  constructor(private readonly deps: { territories: TerritoryService; geocoder: Geocoder }) {}

  /** Finds an area of the territory from what a person typed: a commune name or a postal code. */
  async resolveCommune(territoryId: string, typed: string): Promise<AreaSummary | null> {
    const areas = await this.deps.territories.areas(territoryId);
    const key = normalizeForSearch(typed.replace(/\(\d{5}\)\s*$/, ''));
    const exact = areas.find((a) => normalizeForSearch(a.name) === key);
    if (exact) return exact;
    const [best] = await this.deps.geocoder.search(typed, { territoryId, limit: 1 });
    return (best?.areaCode && areas.find((a) => a.code === best.areaCode)) || null;
  }

  /**
   * The point of a « near » filter: the person's position, or a typed place geocoded. Problems
   * are keyed by field (`pres`).
   */
  async resolveNear(
    territoryId: string,
    q: { lat: number | null; lon: number | null; pres: string },
    problems: Record<string, FieldError>,
  ): Promise<{ lat: number; lon: number; label: string } | null> {
    if (q.lat !== null && q.lon !== null) return { lat: q.lat, lon: q.lon, label: 'ma position' };
    if (!q.pres) return null;
    const [hit] = await this.deps.geocoder.search(q.pres, { territoryId, limit: 1 });
    if (hit) return { lat: hit.lat, lon: hit.lon, label: hit.label };
    problems.pres = { key: 'errors.placeUnknown' };
    return null;
  }

  /** Places a commune and an optional address: the exact point stays private, the public one is approximate. */
  async locate(territoryId: string, input: { commune: string; address: string }): Promise<Result<Located>> {
    const area = await this.resolveCommune(territoryId, input.commune);
    if (!area) return fail('commune', 'errors.communeUnknown');
    let exact: { lat: number; lon: number } | null = null;
    if (input.address) {
      const [hit] = await this.deps.geocoder.search(
        `${input.address} ${area.postalCodes[0] ?? ''} ${area.name}`,
        { territoryId, limit: 1 },
      );
      // Only a street-level answer in the same commune is an exact point; otherwise the commune.
      if (hit && hit.precision !== 'commune' && hit.areaCode === area.code)
        exact = { lat: hit.lat, lon: hit.lon };
    }
    const precision = exact ? 'address' : 'commune';
    const shown = publicPoint(exact, area, precision);
    return {
      ok: true,
      value: {
        areaId: area.id,
        address: input.address || null,
        exactLat: exact?.lat ?? null,
        exactLon: exact?.lon ?? null,
        placePrecision: precision,
        publicLat: shown.lat,
        publicLon: shown.lon,
      },
    };
  }
}
