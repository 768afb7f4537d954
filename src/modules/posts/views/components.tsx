import type { PostKind } from '../../../db/schema.ts';
import { attributeText } from '../../../web/components/forms.tsx';
import { ResultCard } from '../../../web/components/lists.tsx';
import {
  CheckboxFilter,
  PlaceFilter,
  CommuneList,
  FilterActions,
  RadiusFilter,
} from '../../../web/components/search.tsx';
import { formatDate, m, t } from '../../../web/i18n/index.ts';
import type { AreaSummary, CategoryRow } from '../../territory/service.ts';
import type { PublicPost, ResolvedSearch } from '../service.ts';

/** The small coloured label « Propose » / « Cherche » (text, not only colour). */
export function KindBadge(props: { kind: PostKind }) {
  return (
    <span class={`badge badge--${props.kind}`}>
      {props.kind === 'offer' ? m('posts.kind.offer') : m('posts.kind.request')}
    </span>
  );
}

/** One post in a list: kind, title (the link), category, place, distance, when, author. */
export function PostCard(props: { post: PublicPost }) {
  const p = props.post;
  return (
    <ResultCard
      id={`annonce-${p.id}`}
      href={`/annonces/${p.id}`}
      title={p.title}
      meta={<KindBadge kind={p.kind} />}
      category={p.category.name}
      excerpt={p.excerpt.length >= 240 ? `${p.excerpt}…` : p.excerpt}
    >
      <p class="post-card__place">
        <span safe>{p.area.name}</span>
        {p.distance ? (
          <>
            {' — '}
            <span safe>{t(p.distance.key, { value: p.distance.value })}</span>
          </>
        ) : (
          ''
        )}
      </p>
      <p class="post-card__footer">
        <span safe>{t('posts.by', { name: p.authorName })}</span>
        {' · '}
        <span safe>{t('posts.publishedOn', { date: formatDate(p.publishedAt) })}</span>
      </p>
    </ResultCard>
  );
}

/** The URL query string of a search, so every filter lives in the URL and can be shared. */
export function searchParams(s: ResolvedSearch, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (s.kind) q.set('type', s.kind === 'offer' ? 'offre' : 'demande');
  for (const c of s.categorySlugs) q.append('categorie', c);
  if (s.area) q.set('commune', s.area.name);
  if (s.near) {
    if (s.near.label === 'ma position') {
      q.set('lat', String(s.near.lat));
      q.set('lon', String(s.near.lon));
    } else q.set('pres', s.near.label);
    q.set('rayon', String(s.radiusKm));
  }
  if (s.text) q.set('q', s.text);
  if (s.near) q.set('tri', s.sort === 'nearest' ? 'proches' : 'recentes');
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const str = q.toString();
  return str ? `?${str}` : '';
}

/** How many filters a search applies: said on the folded filters, so a phone knows they are on. */
export function activeFilterCount(s: ResolvedSearch): number {
  return (s.kind ? 1 : 0) + s.categorySlugs.length + (s.area ? 1 : 0) + (s.near ? 1 : 0) + (s.text ? 1 : 0);
}

const RADII = [1, 2, 5, 10, 20, 30, 50];

/**
 * The filter form: a plain GET form, so it works without JavaScript and its result URL can be
 * shared. The script only adds « Utiliser ma position ».
 */
export function FilterForm(props: {
  action: string;
  search: ResolvedSearch;
  raw: { pres: string; commune: string };
  categories: CategoryRow[];
  counts: Map<string, number> | null;
  areas: AreaSummary[];
}) {
  const s = props.search;
  const kindValue = s.kind === 'offer' ? 'offre' : s.kind === 'request' ? 'demande' : '';
  return (
    <form method="get" action={props.action} class="filters" aria-label={m('posts.filters')} data-filters>
      <fieldset class="filters__group">
        <legend>{m('posts.filterKind')}</legend>
        {[
          ['', m('posts.filterAll')],
          ['demande', m('posts.filterRequests')],
          ['offre', m('posts.filterOffers')],
        ].map(([value, label]) => (
          <label class="choice">
            <input type="radio" name="type" value={value} checked={kindValue === value} />
            <span safe>{label}</span>
          </label>
        ))}
      </fieldset>

      <div class="field">
        <label class="field__label" for="filtre-q">
          {m('posts.filterText')}
        </label>
        <p class="field__hint" id="aide-filtre-q">
          {m('posts.filterTextHint')}
        </p>
        <input
          class="field__input"
          type="search"
          id="filtre-q"
          name="q"
          value={attributeText(s.text)}
          maxlength={100}
          aria-describedby="aide-filtre-q"
        />
      </div>

      <PlaceFilter name="commune" value={props.raw.commune} hint />

      <PlaceFilter name="pres" value={props.raw.pres}>
        <input
          type="hidden"
          name="lat"
          value={s.near?.label === 'ma position' ? String(s.near.lat) : undefined}
        />
        <input
          type="hidden"
          name="lon"
          value={s.near?.label === 'ma position' ? String(s.near.lon) : undefined}
        />
        <button type="button" class="button button--secondary button--small" data-geolocate hidden>
          {m('posts.useMyPosition')}
        </button>
      </PlaceFilter>

      <div class="filters__row">
        <RadiusFilter radii={RADII} value={s.radiusKm} />
        <div class="field">
          <label class="field__label" for="filtre-tri">
            {m('posts.sort')}
          </label>
          <select class="field__select" id="filtre-tri" name="tri">
            <option value="proches" selected={s.sort === 'nearest'}>
              {m('posts.sortNearest')}
            </option>
            <option value="recentes" selected={s.sort === 'newest'}>
              {m('posts.sortNewest')}
            </option>
          </select>
        </div>
      </div>

      <CheckboxFilter
        legend={m('posts.filterCategories')}
        name="categorie"
        options={props.categories.map((c) => ({
          value: c.slug,
          label: c.name,
          count: props.counts ? (props.counts.get(c.id) ?? 0) : undefined,
        }))}
        checked={s.categorySlugs}
        counted
      />

      <CommuneList id="liste-communes" areas={props.areas} postalCodes />

      <FilterActions reset={props.action} />
    </form>
  );
}
