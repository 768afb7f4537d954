import { describe, it, expect } from 'vitest';
import { normalizeForSearch } from '../../src/domain/text.ts';
import {
  createBanGeocoder,
  createOfflineGeocoder,
  editDistance,
  type AreaForGeocoding,
  type GeocodeResult,
  type Geocoder,
} from '../../src/platform/geocoder.ts';

const AREAS: AreaForGeocoding[] = [
  { code: '48095', name: 'Mende', postalCodes: ['48000'], centroidLat: 44.52925, centroidLon: 3.48112 },
  { code: '48013', name: 'Badaroux', postalCodes: ['48000'], centroidLat: 44.54, centroidLon: 3.55 },
  {
    code: '48140',
    name: "Saint-Chély-d'Apcher",
    postalCodes: ['48200'],
    centroidLat: 44.8,
    centroidLon: 3.27,
  },
  {
    code: '48132',
    name: 'Saint-Alban-sur-Limagnole',
    postalCodes: ['48120'],
    centroidLat: 44.78,
    centroidLon: 3.39,
  },
  { code: '48092', name: 'Marvejols', postalCodes: ['48100'], centroidLat: 44.55, centroidLon: 3.29 },
  {
    code: '48061',
    name: 'Florac Trois Rivières',
    postalCodes: ['48400'],
    centroidLat: 44.32,
    centroidLon: 3.6,
  },
  { code: '48080', name: 'Langogne', postalCodes: ['48300'], centroidLat: 44.72, centroidLon: 3.85 },
];

function offline(): { geocoder: Geocoder; territories: string[] } {
  const territories: string[] = [];
  const geocoder = createOfflineGeocoder(async (territoryId) => {
    territories.push(territoryId);
    return AREAS;
  });
  return { geocoder, territories };
}

const opts = { territoryId: 'lozere' };
const codes = (results: GeocodeResult[]) => results.map((r) => r.areaCode);

describe('normalizeForSearch', () => {
  it('folds case, accents, hyphens and apostrophes', () => {
    expect(normalizeForSearch("Saint-Chély-d'Apcher")).toBe('saint chely d apcher');
    expect(normalizeForSearch('  SAINT  chély  d’Apcher ')).toBe('saint chely d apcher');
    expect(normalizeForSearch('Florac Trois Rivières')).toBe('florac trois rivieres');
  });

  it('expands St and Ste, with or without a dot, only as whole words', () => {
    expect(normalizeForSearch('St Chély')).toBe('saint chely');
    expect(normalizeForSearch('Ste-Enimie')).toBe('sainte enimie');
    expect(normalizeForSearch('st. alban')).toBe('saint alban');
    expect(normalizeForSearch('Estables')).toBe('estables');
  });

  it('spells ligatures out and keeps digits', () => {
    expect(normalizeForSearch('Cœur 48000')).toBe('coeur 48000');
    expect(normalizeForSearch('—')).toBe('');
  });
});

describe('editDistance', () => {
  it('counts one edit or one transposition as 1', () => {
    expect(editDistance('langone', 'langogne')).toBe(1);
    expect(editDistance('marvejlos', 'marvejols')).toBe(1);
    expect(editDistance('mende', 'mende')).toBe(0);
    expect(editDistance('mende', 'menedx')).toBe(2);
  });
});

describe('offline geocoder', () => {
  it('finds the communes of a postal code, with the code in the result', async () => {
    const { geocoder, territories } = offline();
    const results = await geocoder.search('48000', opts);
    expect(codes(results).sort()).toEqual(['48013', '48095']);
    expect(results.every((r) => r.postalCode === '48000' && r.precision === 'commune')).toBe(true);
    expect(territories).toEqual(['lozere']);
  });

  it('ranks the named commune first for "48000 Mende"', async () => {
    const [first, second] = await offline().geocoder.search('48000 Mende', opts);
    expect(first).toEqual({
      label: 'Mende',
      lat: 44.52925,
      lon: 3.48112,
      precision: 'commune',
      areaCode: '48095',
      postalCode: '48000',
      score: 1,
    });
    expect(second?.areaCode).toBe('48013');
    expect(second!.score).toBeLessThan(first!.score);
  });

  it('matches a name typed without accents, hyphens or apostrophes', async () => {
    const results = await offline().geocoder.search('saint chely d apcher', opts);
    expect(results[0]?.areaCode).toBe('48140');
    expect(results[0]?.score).toBe(1);
  });

  it('understands the St abbreviation and prefixes', async () => {
    const results = await offline().geocoder.search('St Chely', opts);
    expect(codes(results)).toEqual(['48140']);
    const saints = await offline().geocoder.search('st', opts);
    expect(codes(saints).sort()).toEqual(['48132', '48140']);
  });

  it('finds a commune by a later word of its name', async () => {
    expect(codes(await offline().geocoder.search('trois rivieres', opts))).toEqual(['48061']);
    expect(codes(await offline().geocoder.search('Florac', opts))).toEqual(['48061']);
  });

  it('tolerates one typo in names of five letters or more', async () => {
    expect(codes(await offline().geocoder.search('Langone', opts))).toEqual(['48080']);
    expect(codes(await offline().geocoder.search('marvejlos', opts))).toEqual(['48092']);
    expect(codes(await offline().geocoder.search('saint chly', opts))).toEqual(['48140']);
    // Short queries get no typo tolerance: "mendx" is 5 letters, "mnde" only 4.
    expect(codes(await offline().geocoder.search('mendx', opts))).toEqual(['48095']);
    expect(await offline().geocoder.search('mnde', opts)).toEqual([]);
  });

  it('ranks exact above prefix above typo', async () => {
    const areas: AreaForGeocoding[] = [
      { code: '1', name: 'Mendes', postalCodes: [], centroidLat: 0, centroidLon: 0 },
      { code: '2', name: 'Mende', postalCodes: [], centroidLat: 0, centroidLon: 0 },
      { code: '3', name: 'Mande', postalCodes: [], centroidLat: 0, centroidLon: 0 },
    ];
    const geocoder = createOfflineGeocoder(async () => areas);
    const results = await geocoder.search('mende', opts);
    expect(codes(results)).toEqual(['2', '1', '3']);
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
    expect(results[1]!.score).toBeGreaterThan(results[2]!.score);
  });

  it('resolves a full address to its commune', async () => {
    const [withCode] = await offline().geocoder.search("12 rue de l'Ange 48000 Mende", opts);
    expect(withCode).toMatchObject({ areaCode: '48095', precision: 'commune', postalCode: '48000' });
    const [withoutCode] = await offline().geocoder.search('3 place du Barry Marvejols', opts);
    expect(withoutCode).toMatchObject({ areaCode: '48092', precision: 'commune', postalCode: '48100' });
  });

  it('puts postal code hits before name hits elsewhere', async () => {
    const results = await offline().geocoder.search('48300 Mende', opts);
    expect(codes(results)).toEqual(['48080', '48095']);
  });

  it('returns nothing when nothing matches', async () => {
    const { geocoder } = offline();
    expect(await geocoder.search('Paris', opts)).toEqual([]);
    expect(await geocoder.search('75001', opts)).toEqual([]);
    expect(await geocoder.search('  ', opts)).toEqual([]);
  });

  it('respects the limit', async () => {
    expect(await offline().geocoder.search('48', { ...opts, limit: 3 })).toHaveLength(3);
  });
});

// A test double of fetch: records the URLs asked for and answers as told. The real BAN is never
// called from tests.
function fakeFetch(answer: (url: string, init?: RequestInit) => Promise<Response>) {
  const urls: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    urls.push(url);
    return answer(url, init);
  }) as typeof fetch;
  return { fetchFn, urls };
}

const FALLBACK_RESULT: GeocodeResult = {
  label: 'Repli',
  lat: 1,
  lon: 2,
  precision: 'commune',
  areaCode: '48095',
  postalCode: '48000',
  score: 0.5,
};

function fallbackGeocoder() {
  const queries: string[] = [];
  const geocoder: Geocoder = {
    async search(query) {
      queries.push(query);
      return [FALLBACK_RESULT];
    },
  };
  return { geocoder, queries };
}

const banBody = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [3.4989, 44.5181] },
      properties: {
        label: '12 Rue de la République 48000 Mende',
        score: 0.93,
        type: 'housenumber',
        citycode: '48095',
        postcode: '48000',
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [3.5, 44.52] },
      properties: {
        label: 'Rue de la République 48000 Mende',
        score: 0.8,
        type: 'street',
        citycode: '48095',
        postcode: '48000',
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [3.45, 44.5] },
      properties: {
        label: 'Le Chapitre 48000 Mende',
        score: 0.6,
        type: 'locality',
        citycode: '48095',
        postcode: '48000',
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [3.48, 44.53] },
      properties: { label: 'Mende', score: 0.5, type: 'municipality', citycode: '48095', postcode: '48000' },
    },
    { type: 'Feature', geometry: null, properties: { label: 'sans géométrie' } },
  ],
};

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('BAN geocoder', () => {
  it('maps BAN features to results and skips malformed ones', async () => {
    const { fetchFn } = fakeFetch(async () => json(banBody));
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: fallbackGeocoder().geocoder,
    });
    const results = await ban.search('12 rue de la République Mende', opts);
    expect(results).toEqual([
      {
        label: '12 Rue de la République 48000 Mende',
        lat: 44.5181,
        lon: 3.4989,
        precision: 'address',
        areaCode: '48095',
        postalCode: '48000',
        score: 0.93,
      },
      expect.objectContaining({ precision: 'street', lat: 44.52, lon: 3.5 }),
      expect.objectContaining({ precision: 'street', label: 'Le Chapitre 48000 Mende' }),
      expect.objectContaining({ precision: 'commune', label: 'Mende' }),
    ]);
  });

  it('passes the query URL-encoded, with the limit, under /search/', async () => {
    const { fetchFn, urls } = fakeFetch(async () => json({ type: 'FeatureCollection', features: [] }));
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test/',
      fetch: fetchFn,
      fallback: fallbackGeocoder().geocoder,
    });
    const query = "8 bd du Soubeyran & Cie, l'Église 48000";
    expect(await ban.search(query, { ...opts, limit: 3 })).toEqual([]);
    expect(urls).toHaveLength(1);
    const url = new URL(urls[0]!);
    expect(url.origin + url.pathname).toBe('https://ban.test/search/');
    expect(url.searchParams.get('q')).toBe(query);
    expect(url.searchParams.get('limit')).toBe('3');
    expect(urls[0]).toContain('%26');
    expect(urls[0]).not.toContain(' ');
  });

  it('falls back on an HTTP 500', async () => {
    const { fetchFn } = fakeFetch(async () => json({ message: 'erreur' }, 500));
    const fallback = fallbackGeocoder();
    const reasons: string[] = [];
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: fallback.geocoder,
      onFallback: (reason) => reasons.push(reason),
    });
    expect(await ban.search('48000 Mende', opts)).toEqual([FALLBACK_RESULT]);
    expect(fallback.queries).toEqual(['48000 Mende']);
    expect(reasons).toEqual(['Error: HTTP 500']);
  });

  it('falls back when fetch throws', async () => {
    const { fetchFn } = fakeFetch(async () => {
      throw new TypeError('fetch failed');
    });
    const fallback = fallbackGeocoder();
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: fallback.geocoder,
    });
    expect(await ban.search('Mende', opts)).toEqual([FALLBACK_RESULT]);
  });

  it('falls back on a timeout', async () => {
    // Never answers; only the abort signal ends the wait, as with a real stalled server.
    const { fetchFn } = fakeFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const fallback = fallbackGeocoder();
    const reasons: string[] = [];
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: fallback.geocoder,
      timeoutMs: 20,
      onFallback: (reason) => reasons.push(reason),
    });
    expect(await ban.search('Mende', opts)).toEqual([FALLBACK_RESULT]);
    expect(reasons[0]).toMatch(/TimeoutError/);
  });

  it('falls back on a body that is not a FeatureCollection', async () => {
    const { fetchFn } = fakeFetch(async () => new Response('<html>maintenance</html>', { status: 200 }));
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: fallbackGeocoder().geocoder,
    });
    expect(await ban.search('Mende', opts)).toEqual([FALLBACK_RESULT]);
  });

  it('does not call the BAN for queries it would reject (under 3 characters)', async () => {
    const { fetchFn, urls } = fakeFetch(async () => json(banBody));
    const fallback = fallbackGeocoder();
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: fallback.geocoder,
    });
    expect(await ban.search('48', opts)).toEqual([FALLBACK_RESULT]);
    expect(urls).toEqual([]);
  });

  it('works end to end with the offline geocoder as fallback', async () => {
    const { fetchFn } = fakeFetch(async () => json({}, 503));
    const ban = createBanGeocoder({
      baseUrl: 'https://ban.test',
      fetch: fetchFn,
      fallback: offline().geocoder,
    });
    const [first] = await ban.search('12 rue Basse 48000 Mende', opts);
    expect(first).toMatchObject({ areaCode: '48095', precision: 'commune' });
  });
});
