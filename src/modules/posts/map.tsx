import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseInput, submittedValues } from '../../domain/fields.ts';
import { Layout } from '../../web/components/Layout.tsx';
import { attributeText } from '../../web/components/forms.tsx';
import { errorMessage, m, t, type MessageKey } from '../../web/i18n/index.ts';
import type { PageContext } from '../../web/page.ts';
import type { TerritoryRow } from '../territory/service.ts';
import { searchQuery, type SearchQuery } from './schemas.ts';
import type { MapBbox, SearchPage } from './service.ts';
import { CardList } from '../../web/components/lists.tsx';
import { MapSection } from '../../web/components/map.tsx';
import { CommuneList, FilterPanel, SearchProblems } from '../../web/components/search.tsx';
import { activeFilterCount, PostCard, searchParams } from './views/components.tsx';

/**
 * The map of posts: `/carte` (a page that is useful without JavaScript: filters and a list under
 * the map), `/api/v1/posts.geojson` (what the map shows in a box) and `/api/v1/areas.geojson`
 * (the communes' outlines). The script is `src/web/assets/map.ts`.
 */

/** The list's filters that apply to the map; a « near » search does not (the box is the place). */
const FILTERS = ['type', 'categorie', 'commune', 'q'] as const;

function pickFilters(query: unknown): Record<string, unknown> {
  const source = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const k of FILTERS) if (source[k] !== undefined) picked[k] = source[k];
  return picked;
}

const NUMBER = /^-?\d{1,3}(\.\d{1,17})?$/;

/** `west,south,east,north` in degrees, or null. */
export function parseBbox(value: unknown): MapBbox | null {
  if (typeof value !== 'string') return null;
  const parts = value.split(',');
  if (parts.length !== 4 || !parts.every((p) => NUMBER.test(p.trim()))) return null;
  const [w, s, e, n] = parts.map(Number) as MapBbox;
  const lonOk = (x: number) => x >= -180 && x <= 180;
  const latOk = (x: number) => x >= -90 && x <= 90;
  if (!lonOk(w) || !lonOk(e) || !latOk(s) || !latOk(n) || w >= e || s >= n) return null;
  return [w, s, e, n];
}

/** An integer zoom level from 0 to 22; when absent, the zoom that shows the box about 1,000 px wide. */
export function parseZoom(value: unknown, bbox: MapBbox): number | null {
  if (value === undefined || value === '') {
    const span = bbox[2] - bbox[0];
    return Math.max(0, Math.min(22, Math.floor(Math.log2((360 * 1024) / (256 * span)))));
  }
  if (typeof value !== 'string' || !/^\d{1,2}$/.test(value)) return null;
  const zoom = Number(value);
  return zoom <= 22 ? zoom : null;
}

const badRequest = (reply: FastifyReply, field: string, message: string) =>
  reply.code(400).send({ error: 'invalid', message, fields: { [field]: message } });

export async function mapRoutes(app: FastifyInstance) {
  const { posts, assets } = app.platform;

  app.get('/api/v1/posts.geojson', async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const bbox = parseBbox(query.bbox);
    if (!bbox) return badRequest(reply, 'bbox', t('map.errorBbox'));
    const zoom = parseZoom(query.zoom, bbox);
    if (zoom === null) return badRequest(reply, 'zoom', t('map.errorZoom'));
    const parsed = parseInput(searchQuery, pickFilters(query));
    const result = parsed.ok ? await posts.mapData(req.territory.id, parsed.value, bbox, zoom) : parsed;
    if (!result.ok) {
      const [field, error] = Object.entries(result.errors)[0]!;
      return badRequest(reply, field, errorMessage(error));
    }
    return reply
      .header('cache-control', 'public, max-age=30')
      .type('application/geo+json; charset=utf-8')
      .send(JSON.stringify(result.value));
  });

  app.get('/api/v1/areas.geojson', async (req, reply) => {
    const outlines = await posts.mapAreas(req.territory.id);
    const etag = `"${outlines.version}"`;
    const versioned = (req.query as Record<string, unknown>).v === outlines.version;
    reply
      .header('etag', etag)
      // The page asks with `?v=<version>`: that URL never changes content. Without it, an hour.
      .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/geo+json; charset=utf-8').send(outlines.body);
  });

  app.get('/carte', async (req, reply) => {
    const parsed = parseInput(searchQuery, pickFilters(req.query));
    const empty = parseInput(searchQuery, {}) as { ok: true; value: SearchQuery };
    const query = parsed.ok ? parsed.value : empty.value;
    const [result, outlines] = await Promise.all([
      posts.search(req.territory.id, { ...query, tri: 'recentes' }),
      posts.mapAreas(req.territory.id),
    ]);
    return reply.html(
      MapPage({
        page: reply.page(),
        territory: req.territory,
        result,
        typedCommune: submittedValues(req.query).commune ?? '',
        invalid: !parsed.ok,
        urls: {
          js: assets.url('map.js'),
          css: assets.url('map.css'),
          areas: `/api/v1/areas.geojson?v=${outlines.version}`,
        },
      }),
    );
  });
}

/** Messages the map's script shows, handed over in a data attribute (the catalogue stays here). */
export const SCRIPT_MESSAGES = [
  'map.loading',
  'map.countNone',
  'map.countOne',
  'map.countMany',
  'map.countCells',
  'map.loadError',
  'map.tilesError',
  'map.groupOne',
  'map.groupMany',
  'map.groupHere',
  'map.groupList',
  'map.markerLabel',
  'map.openPost',
  'map.zoomIn',
  'map.zoomOut',
  'map.closePopup',
  'map.letterOffer',
  'map.letterRequest',
  'posts.kind.offer',
  'posts.kind.request',
] as const satisfies readonly MessageKey[];

/** The script's messages, some of them told what the points are (missions, structures). */
export function mapMessages(overrides: Partial<Record<MessageKey, string>> = {}): Record<string, string> {
  return { ...Object.fromEntries(SCRIPT_MESSAGES.map((k) => [k, t(k)])), ...overrides };
}

function MapPage(props: {
  page: PageContext;
  territory: TerritoryRow;
  result: SearchPage;
  typedCommune: string;
  invalid: boolean;
  urls: { js: string; css: string; areas: string };
}) {
  const { page, territory, result } = props;
  const s = result.search;
  const filters = searchParams(s);
  const problems = Object.values(s.problems);
  const kindValue = s.kind === 'offer' ? 'offre' : s.kind === 'request' ? 'demande' : '';
  return (
    <Layout page={page} title={m('map.title')}>
      {/* Only this page needs Leaflet: its stylesheet and script are loaded here, not in <head>. */}
      <link rel="stylesheet" href={props.urls.css} />
      <script src={props.urls.js} defer></script>
      <div class="page-heading">
        <h1>{m('map.title')}</h1>
        <p class="lead" safe>
          {t('map.lead', { territory: territory.name })}
        </p>
      </div>

      <FilterPanel label={m('map.filtersLabel')} active={activeFilterCount(s)} variant="map">
        <form method="get" action="/carte" class="map-filters" aria-label={m('map.filtersLabel')}>
          <div class="map-filters__field">
            <label class="field__label" for="carte-type">
              {m('posts.filterKind')}
            </label>
            <select class="field__select" id="carte-type" name="type">
              <option value="">{m('posts.filterAll')}</option>
              <option value="offre" selected={kindValue === 'offre'}>
                {m('posts.filterOffers')}
              </option>
              <option value="demande" selected={kindValue === 'demande'}>
                {m('posts.filterRequests')}
              </option>
            </select>
          </div>
          <div class="map-filters__field">
            <label class="field__label" for="carte-categorie">
              {m('map.filterCategory')}
            </label>
            <select class="field__select" id="carte-categorie" name="categorie">
              <option value="">{m('map.filterCategoryAll')}</option>
              {result.categories.map((c) => (
                <option value={c.slug} selected={s.categorySlugs.includes(c.slug)} safe>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="map-filters__field">
            <label class="field__label" for="carte-commune">
              {m('posts.filterCommune')}
            </label>
            <input
              class="field__input"
              id="carte-commune"
              name="commune"
              list="carte-communes"
              value={attributeText(props.typedCommune)}
              autocomplete="off"
              maxlength={120}
            />
            <CommuneList id="carte-communes" areas={result.areas} />
          </div>
          <div class="map-filters__field">
            <label class="field__label" for="carte-q">
              {m('posts.filterText')}
            </label>
            <input
              class="field__input"
              type="search"
              id="carte-q"
              name="q"
              value={attributeText(s.text)}
              maxlength={100}
            />
          </div>
          <p class="map-filters__actions">
            <button type="submit" class="button">
              {m('map.apply')}
            </button>
            <a href="/carte">{m('posts.reset')}</a>
          </p>
        </form>
      </FilterPanel>

      <SearchProblems
        problems={problems.length > 0 ? problems : props.invalid ? [{ key: 'errors.invalid' }] : []}
      />

      <MapSection
        territory={territory}
        note={m('map.srNote')}
        label={m('map.regionLabel')}
        skipTo="liste-annonces"
        skipLabel={m('map.skipToList')}
        noScript={m('map.noScript')}
        points={`/api/v1/posts.geojson${filters}`}
        list={`/annonces${filters}`}
        areas={props.urls.areas}
        focus={s.area?.code}
        messages={mapMessages()}
      >
        <ul class="map-legend" aria-label={m('map.legendLabel')}>
          <li>
            <span class="map-pin map-pin--offer map-pin--legend" aria-hidden="true">
              <span class="map-pin__shape">{m('map.letterOffer')}</span>
            </span>
            {m('map.legendOffer')}
          </li>
          <li>
            <span class="map-pin map-pin--request map-pin--legend" aria-hidden="true">
              <span class="map-pin__shape">{m('map.letterRequest')}</span>
            </span>
            {m('map.legendRequest')}
          </li>
          <li>
            <span class="map-group map-group--legend" aria-hidden="true">
              <span>12</span>
            </span>
            {m('map.legendGroup')}
          </li>
          <li>
            <span class="map-legend__area" aria-hidden="true"></span>
            {m('map.legendArea')}
          </li>
        </ul>
      </MapSection>

      <section class="map-list" id="liste-annonces" tabindex="-1" aria-labelledby="titre-liste-carte">
        <h2 id="titre-liste-carte">{m('map.listTitle')}</h2>
        <CardList count={result.posts.length} empty={m('map.listEmpty')}>
          {result.posts.map((p) => (
            <PostCard post={p} />
          ))}
        </CardList>
        <p>
          <a class="button button--secondary" href={attributeText(`/annonces${filters}`)}>
            {m('map.listAll')}
          </a>
        </p>
      </section>
    </Layout>
  );
}
