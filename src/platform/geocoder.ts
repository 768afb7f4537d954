// Geocoding adapters behind one interface: an offline commune-level geocoder over the
// territory's areas (always available, no network), and the Base Adresse Nationale API, which
// falls back to the offline one whenever it cannot answer.

import { normalizeForSearch } from '../domain/text.ts';

/** One candidate place for a typed query; `areaCode` is the INSEE code of its commune. */
export interface GeocodeResult {
  label: string;
  lat: number;
  lon: number;
  precision: 'address' | 'street' | 'commune';
  areaCode: string | null;
  postalCode: string | null;
  score: number;
}

/** Turns what a person typed into candidate places, best first. */
export interface Geocoder {
  search(query: string, opts: { territoryId: string; limit?: number }): Promise<GeocodeResult[]>;
}

/** What the offline geocoder needs to know about one area of a territory. */
export type AreaForGeocoding = {
  code: string;
  name: string;
  postalCodes: string[];
  centroidLat: number;
  centroidLon: number;
};

const DEFAULT_LIMIT = 5;

// ---------------------------------------------------------------------------------------------
// Offline geocoder

type IndexedArea = { area: AreaForGeocoding; key: string };

// Areas are loaded per territory and usually cached by the loader; indexing the same array twice
// would be wasted work, and a WeakMap lets a reloaded list replace the old index naturally.
const indexCache = new WeakMap<AreaForGeocoding[], IndexedArea[]>();

function indexAreas(areas: AreaForGeocoding[]): IndexedArea[] {
  let index = indexCache.get(areas);
  if (!index) {
    index = areas.map((area) => ({ area, key: normalizeForSearch(area.name) }));
    indexCache.set(areas, index);
  }
  return index;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at max + 1. */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    // Every later row is at least this row's minimum: stop as soon as the cap is exceeded.
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return Math.min(prev[b.length]!, max + 1);
}

// Match quality of a typed name against a normalised area name, from 1 (exact) down to 0 (none).
// The ordering exact > prefix > word prefix > typo follows what people expect from autocomplete.
const QUALITY = { exact: 1, prefix: 0.85, wordPrefix: 0.75, typo: 0.7, typoPrefix: 0.6 } as const;
const MIN_TYPO_LENGTH = 5;

function nameQuality(text: string, key: string): number {
  if (text === '' || key === '') return 0;
  if (key === text) return QUALITY.exact;
  if (key.startsWith(text)) return QUALITY.prefix;
  if (text.length >= 3 && key.includes(` ${text}`)) return QUALITY.wordPrefix;
  if (text.length < MIN_TYPO_LENGTH) return 0;
  if (editDistance(text, key) <= 1) return QUALITY.typo;
  // A typo in what is still a prefix: compare with the name cut around the typed length.
  for (let len = text.length - 1; len <= text.length + 1; len++) {
    if (len < MIN_TYPO_LENGTH - 1 || len >= key.length) continue;
    if (editDistance(text, key.slice(0, len)) <= 1) return QUALITY.typoPrefix;
  }
  return 0;
}

// Addresses typed without a postal code end with the commune ("12 rue X Mende"): besides the
// whole text, try each of its word suffixes, exact matches only, to avoid street words matching.
function bestNameQuality(text: string, key: string, allowSuffixes: boolean): number {
  let best = nameQuality(text, key);
  if (best === QUALITY.exact || !allowSuffixes) return best;
  const words = text.split(' ');
  for (let i = 1; i < words.length; i++) {
    if (words.slice(i).join(' ') === key) best = Math.max(best, QUALITY.exact * 0.9);
  }
  return best;
}

type Candidate = { area: AreaForGeocoding; key: string; score: number; postalCode: string | null };

// Splits "12 rue X 48000 Mende" into the last five-digit postal code and the words naming the
// commune: those after the code, or, when nothing follows it ("Mende 48000"), those before.
function parseQuery(normalized: string): {
  postalCode: string | null;
  nameText: string;
  partialPostal: string | null;
} {
  if (/^\d{2,4}$/.test(normalized)) return { postalCode: null, nameText: '', partialPostal: normalized };
  const words = normalized.split(' ');
  let at = -1;
  for (let i = words.length - 1; i >= 0; i--) {
    if (/^\d{5}$/.test(words[i]!)) {
      at = i;
      break;
    }
  }
  if (at < 0) return { postalCode: null, nameText: normalized, partialPostal: null };
  const after = words.slice(at + 1).join(' ');
  const before = words.slice(0, at).join(' ');
  return { postalCode: words[at]!, nameText: after !== '' ? after : before, partialPostal: null };
}

/** Commune-level geocoder over the territory's areas: postal codes and commune names, offline. */
export function createOfflineGeocoder(
  loadAreas: (territoryId: string) => Promise<AreaForGeocoding[]>,
): Geocoder {
  const collator = new Intl.Collator('fr');
  return {
    async search(query, opts) {
      const limit = opts.limit ?? DEFAULT_LIMIT;
      const normalized = normalizeForSearch(query);
      if (normalized === '' || limit <= 0) return [];
      const index = indexAreas(await loadAreas(opts.territoryId));
      const { postalCode, nameText, partialPostal } = parseQuery(normalized);
      // Whatever precedes the commune in the text may be a street: let suffixes match.
      const allowSuffixes = nameText.includes(' ');

      const candidates: Candidate[] = [];
      for (const { area, key } of index) {
        const quality = bestNameQuality(nameText, key, allowSuffixes);
        if (postalCode !== null && area.postalCodes.includes(postalCode)) {
          // Postal code hits rank first; the name, when given, orders them among themselves.
          candidates.push({ area, key, score: 0.6 + 0.4 * quality, postalCode });
        } else if (partialPostal !== null) {
          const code = area.postalCodes.find((c) => c.startsWith(partialPostal));
          if (code) candidates.push({ area, key, score: 0.5, postalCode: code });
        } else if (quality > 0) {
          // With a postal code in the query, a name found elsewhere is a weaker hint.
          const score = postalCode !== null ? 0.5 * quality : quality;
          candidates.push({ area, key, score, postalCode: area.postalCodes[0] ?? null });
        }
      }

      candidates.sort(
        (a, b) =>
          b.score - a.score || a.key.length - b.key.length || collator.compare(a.area.name, b.area.name),
      );
      return candidates.slice(0, limit).map(({ area, score, postalCode: code }) => ({
        label: area.name,
        lat: area.centroidLat,
        lon: area.centroidLon,
        precision: 'commune' as const,
        areaCode: area.code,
        postalCode: code,
        score: Math.round(score * 1000) / 1000,
      }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Base Adresse Nationale (https://api-adresse.data.gouv.fr)

export type BanGeocoderOptions = {
  /** e.g. "https://api-adresse.data.gouv.fr", without the trailing "/search/". */
  baseUrl: string;
  fetch: typeof fetch;
  /** Answers instead whenever the BAN fails, times out or answers with an error status. */
  fallback: Geocoder;
  timeoutMs?: number;
  /** Told why the fallback answered, for logs and metrics. */
  onFallback?: (reason: string) => void;
};

const BAN_PRECISION: Record<string, GeocodeResult['precision']> = {
  housenumber: 'address',
  street: 'street',
  // A lieu-dit is finer than a commune and coarser than a street: 'street' is the nearest.
  locality: 'street',
  municipality: 'commune',
};

// The BAN rejects queries shorter than 3 characters (HTTP 400): do not spend a request on them.
const BAN_MIN_QUERY_LENGTH = 3;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const optionalString = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** Map a BAN GeoJSON response to results; throws when the body is not a FeatureCollection. */
export function parseBanResponse(body: unknown): GeocodeResult[] {
  if (!isRecord(body) || !Array.isArray(body.features)) {
    throw new Error('Réponse de la Base Adresse Nationale inattendue');
  }
  const results: GeocodeResult[] = [];
  for (const feature of body.features as unknown[]) {
    // One malformed feature should not cost the user the others.
    if (!isRecord(feature) || !isRecord(feature.properties) || !isRecord(feature.geometry)) continue;
    const coordinates = feature.geometry.coordinates;
    if (!Array.isArray(coordinates)) continue;
    const [lon, lat] = coordinates as unknown[];
    const { label, score, type, citycode, postcode } = feature.properties;
    if (typeof lon !== 'number' || typeof lat !== 'number' || typeof label !== 'string') continue;
    results.push({
      label,
      lat,
      lon,
      precision: (typeof type === 'string' && BAN_PRECISION[type]) || 'commune',
      areaCode: optionalString(citycode),
      postalCode: optionalString(postcode),
      score: typeof score === 'number' ? score : 0,
    });
  }
  return results;
}

/** Address-level geocoder on the BAN API, answering from `fallback` whenever the API fails. */
export function createBanGeocoder(options: BanGeocoderOptions): Geocoder {
  const { fetch: fetchFn, fallback, timeoutMs = 3000, onFallback } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    async search(query, opts) {
      const q = query.trim();
      const limit = opts.limit ?? DEFAULT_LIMIT;
      if (q.length < BAN_MIN_QUERY_LENGTH) return fallback.search(query, opts);
      const url = `${baseUrl}/search/?q=${encodeURIComponent(q)}&limit=${limit}`;
      try {
        // Reading the body stays under the same timeout: a stalled body is as bad as no answer.
        const response = await fetchFn(url, {
          signal: AbortSignal.timeout(timeoutMs),
          headers: { accept: 'application/json' },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return parseBanResponse(await response.json()).slice(0, limit);
      } catch (error) {
        onFallback?.(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        return fallback.search(query, opts);
      }
    },
  };
}
