import type { Children } from '@kitajs/html';
import { DOMAINS } from '../../db/schema.ts';
import type { FieldError } from '../../domain/fields.ts';
import { errorMessage, m, t } from '../i18n/index.ts';
import { attributeText } from './forms.tsx';

/**
 * The pieces of the search panels (posts, missions, structures): plain GET forms, so they work
 * without JavaScript and their result URL can be shared.
 */

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

/** What was wrong in the search (an unknown commune, a bad date…), said above the results. */
export function SearchProblems(props: { problems: FieldError[] }) {
  return props.problems.length > 0 ? (
    <div class="notice notice--warning" role="status">
      {props.problems.map((e) => (
        <p safe>{errorMessage(e)}</p>
      ))}
    </div>
  ) : (
    <></>
  );
}

/** The territory's communes as suggestions of a text field (`list`), with their postal codes or not. */
export function CommuneList(props: {
  id: string;
  areas: Array<{ name: string; postalCodes?: string[] }>;
  postalCodes?: boolean;
}) {
  return (
    <datalist id={props.id}>
      {props.areas.map((a) =>
        props.postalCodes ? (
          <option value={attributeText(a.name)} safe>
            {(a.postalCodes ?? []).join(', ')}
          </option>
        ) : (
          <option value={attributeText(a.name)}></option>
        ),
      )}
    </datalist>
  );
}

const PLACE_FILTERS = {
  commune: { id: 'filtre-commune', label: 'posts.filterCommune', hint: 'posts.filterCommuneHint' },
  pres: { id: 'filtre-pres', label: 'posts.filterNear', hint: 'posts.filterNearHint' },
} as const;

/**
 * A place typed with the communes of `liste-communes` as suggestions: `commune` (one commune, its
 * hint when `hint`) or `pres` (« près de »: an address, a commune or a postal code, always with its
 * hint). `children` follow the field (the communes' list, « ma position »).
 */
export function PlaceFilter(props: {
  name: 'commune' | 'pres';
  value: string | undefined;
  hint?: boolean;
  children?: Children;
}) {
  const f = PLACE_FILTERS[props.name];
  const hinted = props.hint || props.name === 'pres';
  return (
    <div class="field">
      <label class="field__label" for={f.id}>
        {m(f.label)}
      </label>
      {hinted ? (
        <p class="field__hint" id={`aide-${f.id}`}>
          {m(f.hint)}
        </p>
      ) : (
        ''
      )}
      <input
        class="field__input"
        id={f.id}
        name={props.name}
        list="liste-communes"
        value={attributeText(props.value)}
        autocomplete="off"
        maxlength={120}
        aria-describedby={hinted ? `aide-${f.id}` : undefined}
      />
      {props.children}
    </div>
  );
}

/** « Distance maximale » around the « près de » point. */
export function RadiusFilter(props: { radii: number[]; value: number }) {
  return (
    <div class="field">
      <label class="field__label" for="filtre-rayon">
        {m('posts.filterRadius')}
      </label>
      <select class="field__select" id="filtre-rayon" name="rayon">
        {props.radii.map((km) => (
          <option value={String(km)} selected={km === props.value} safe>
            {t('posts.radiusKm', { km })}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Checkboxes of a filter (categories, skills), ticked as in the search. With a `count`, the name
 * and its count share one box, so a name on two lines keeps its count beside it.
 */
export function CheckboxFilter(props: {
  legend: string;
  name: string;
  options: Array<{ value: string; label: string; count?: number }>;
  checked: string[];
  counted?: boolean;
}) {
  return (
    <fieldset class="filters__group filters__categories">
      <legend safe>{props.legend}</legend>
      {props.options.map((o) => (
        <label class="choice">
          <input
            type="checkbox"
            name={props.name}
            value={o.value}
            checked={props.checked.includes(o.value)}
          />
          {props.counted ? (
            <span>
              <span safe>{o.label}</span>{' '}
              {o.count !== undefined ? <span class="choice__count nowrap">({o.count})</span> : ''}
            </span>
          ) : (
            <span safe>{o.label}</span>
          )}
        </label>
      ))}
    </fieldset>
  );
}

/** The « Domaine » filter of the directory and of the mission search. */
export function DomainFilter(props: { value: string }) {
  return (
    <div class="field">
      <label class="field__label" for="filtre-domaine">
        {m('orgs.fieldDomains')}
      </label>
      <select class="field__select" id="filtre-domaine" name="domaine">
        <option value="">{m('orgs.allDomains')}</option>
        {DOMAINS.map((d) => (
          <option value={d} selected={props.value === d}>
            {m(`domain.${d}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** « Rechercher » and « Effacer les filtres » (back to `reset`, the search without filters). */
export function FilterActions(props: { reset: string }) {
  return (
    <p class="filters__actions">
      <button type="submit" class="button">
        {m('posts.apply')}
      </button>
      <a href={props.reset}>{m('posts.reset')}</a>
    </p>
  );
}
