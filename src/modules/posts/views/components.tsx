import type { Children } from '@kitajs/html';
import type { PostKind } from '../../../db/schema.ts';
import { attributeText } from '../../../web/components/forms.tsx';
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
    <li class="post-card">
      <article aria-labelledby={`annonce-${p.id}`}>
        <p class="post-card__meta">
          <KindBadge kind={p.kind} />
          <span class="post-card__category" safe>
            {p.category.name}
          </span>
        </p>
        <h3 class="post-card__title" id={`annonce-${p.id}`}>
          <a href={`/annonces/${p.id}`} safe>
            {p.title}
          </a>
        </h3>
        <p class="post-card__excerpt" safe>
          {p.excerpt.length >= 240 ? `${p.excerpt}…` : p.excerpt}
        </p>
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
      </article>
    </li>
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

/**
 * Filters that fold away: a `<details>` « Filtrer » that is closed on a phone (the results come
 * first) and shown open on a wide screen by the stylesheet alone (`::details-content` in
 * posts.css), so it works without JavaScript; a browser without that selector shows the summary.
 * `variant` picks the width under which the filters fold (`map`: only on a phone).
 */
export function FilterPanel(props: {
  label: string;
  active: number;
  variant?: 'list' | 'map';
  children?: Children;
}) {
  const active =
    props.active === 1 ? m('posts.filtersActiveOne') : t('posts.filtersActiveMany', { count: props.active });
  return (
    <details class={`filters-panel filters-panel--${props.variant ?? 'list'}`}>
      <summary class="filters-panel__summary">
        <span safe>{props.label}</span>
        {props.active > 0 ? (
          <span class="filters-panel__active" safe>
            {active}
          </span>
        ) : (
          ''
        )}
      </summary>
      {props.children}
    </details>
  );
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

      <div class="field">
        <label class="field__label" for="filtre-commune">
          {m('posts.filterCommune')}
        </label>
        <p class="field__hint" id="aide-filtre-commune">
          {m('posts.filterCommuneHint')}
        </p>
        <input
          class="field__input"
          id="filtre-commune"
          name="commune"
          list="liste-communes"
          value={attributeText(props.raw.commune)}
          autocomplete="off"
          maxlength={120}
          aria-describedby="aide-filtre-commune"
        />
      </div>

      <div class="field">
        <label class="field__label" for="filtre-pres">
          {m('posts.filterNear')}
        </label>
        <p class="field__hint" id="aide-filtre-pres">
          {m('posts.filterNearHint')}
        </p>
        <input
          class="field__input"
          id="filtre-pres"
          name="pres"
          list="liste-communes"
          value={attributeText(props.raw.pres)}
          autocomplete="off"
          maxlength={120}
          aria-describedby="aide-filtre-pres"
        />
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
      </div>

      <div class="filters__row">
        <div class="field">
          <label class="field__label" for="filtre-rayon">
            {m('posts.filterRadius')}
          </label>
          <select class="field__select" id="filtre-rayon" name="rayon">
            {RADII.map((km) => (
              <option value={String(km)} selected={km === s.radiusKm} safe>
                {t('posts.radiusKm', { km })}
              </option>
            ))}
          </select>
        </div>
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

      <fieldset class="filters__group filters__categories">
        <legend>{m('posts.filterCategories')}</legend>
        {props.categories.map((c) => (
          <label class="choice">
            <input
              type="checkbox"
              name="categorie"
              value={c.slug}
              checked={s.categorySlugs.includes(c.slug)}
            />
            {/* One box for the name and its count, so a name on two lines keeps its count beside it. */}
            <span>
              <span safe>{c.name}</span>{' '}
              {props.counts ? <span class="choice__count nowrap">({props.counts.get(c.id) ?? 0})</span> : ''}
            </span>
          </label>
        ))}
      </fieldset>

      <datalist id="liste-communes">
        {props.areas.map((a) => (
          <option value={a.name} safe>
            {a.postalCodes.join(', ')}
          </option>
        ))}
      </datalist>

      <p class="filters__actions">
        <button type="submit" class="button">
          {m('posts.apply')}
        </button>
        <a href={props.action}>{m('posts.reset')}</a>
      </p>
    </form>
  );
}
