import type { Children } from '@kitajs/html';
import { attributeText } from './forms.tsx';

/** The sentence under a page's title, when there is one. */
export function Lead(props: { text: string | undefined }) {
  return props.text !== undefined ? (
    <p class="lead" safe>
      {props.text}
    </p>
  ) : (
    <></>
  );
}

/** The heading of a list page: its title, a lead and, when given, links (`children`). */
export function PageHeading(props: { title: string; lead?: string; children?: Children }) {
  return (
    <div class="page-heading">
      <h1 safe>{props.title}</h1>
      <Lead text={props.lead} />
      {props.children ? <p class="page-heading__actions">{props.children as Children}</p> : ''}
    </div>
  );
}

/** Filters beside the results on a wide screen, above them on a phone. */
export function ListLayout(props: { filters: Children; labelledBy: string; children?: Children }) {
  return (
    <div class="list-layout">
      <aside class="list-layout__filters">{props.filters}</aside>
      <section class="list-layout__results" aria-labelledby={props.labelledBy}>
        {props.children}
      </section>
    </div>
  );
}

/**
 * A list of cards (`children`, one `<li>` each), or the sentence that says it is empty; `status`
 * when the list is a search's answer, so the empty sentence is read out.
 */
export function CardList(props: { count: number; empty: string; status?: boolean; children?: Children }) {
  return props.count === 0 ? (
    <p class="empty" role={props.status ? 'status' : undefined} safe>
      {props.empty}
    </p>
  ) : (
    <ul class="post-list">{props.children}</ul>
  );
}

/**
 * One thing in a list of search results (a post, a mission, a structure): what it is (`meta`, then
 * its `category`), its title as the link, an excerpt, then what `children` add (place, author…).
 */
export function ResultCard(props: {
  id: string;
  href: string;
  title: string;
  meta: Children;
  category: string;
  excerpt: string;
  children?: Children;
}) {
  return (
    <li class="post-card">
      <article aria-labelledby={props.id}>
        <p class="post-card__meta">
          {props.meta}
          <span class="post-card__category" safe>
            {props.category}
          </span>
        </p>
        <h3 class="post-card__title" id={props.id}>
          <a href={props.href} safe>
            {props.title}
          </a>
        </h3>
        <p class="post-card__excerpt" safe>
          {props.excerpt}
        </p>
        {props.children}
      </article>
    </li>
  );
}

/** The link to the next page of a list, when there is one (`href`). */
export function Pagination(props: { href: string | null | undefined; label: string }) {
  return props.href ? (
    <nav class="pagination" aria-label="Pagination">
      <a class="button button--secondary" href={attributeText(props.href)} safe>
        {props.label}
      </a>
    </nav>
  ) : (
    <></>
  );
}
