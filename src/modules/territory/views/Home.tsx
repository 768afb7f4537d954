import type { Domain } from '../../../db/schema.ts';
import { formatPhone } from '../../../domain/input.ts';
import { Layout } from '../../../web/components/Layout.tsx';
import { formatNumber, t, m } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';

export interface HomeCategory {
  slug: string;
  name: string;
  guidance: string;
  domain: Domain;
}

/** The home page: the territory, its help line, its categories, and a way in. */
export function HomePage(props: { page: PageContext; categories: HomeCategory[]; areaCount: number }) {
  const { page } = props;
  const { territory } = page;
  const phone = territory.helplinePhone ? formatPhone(territory.helplinePhone) : null;
  return (
    <Layout page={page} title={m('layout.home')}>
      <section class="hero" aria-labelledby="titre-accueil">
        <h1 id="titre-accueil" safe>
          {t('home.title', { territory: territory.name })}
        </h1>
        <p class="lead" safe>
          {t('home.lead', { territory: territory.name })}
        </p>
        {page.viewer ? (
          <p class="hero__welcome" safe>
            {t('home.welcomeBack', { name: page.viewer.displayName })}
          </p>
        ) : (
          <p class="hero__actions">
            <a class="button" href="/inscription">
              {m('layout.signUp')}
            </a>
            <a class="button button--secondary" href="/connexion">
              {m('layout.signIn')}
            </a>
          </p>
        )}
        {props.areaCount > 0 ? (
          <p class="hero__meta" safe>
            {t('home.areasCount', { count: formatNumber(props.areaCount) })}
          </p>
        ) : (
          ''
        )}
      </section>

      {phone ? (
        <section class="helpline" aria-labelledby="titre-numero">
          <h2 id="titre-numero">{m('home.helplineTitle')}</h2>
          <p>{m('home.helplineText')}</p>
          <p class="helpline__number">
            <a href={`tel:${territory.helplinePhone}`} safe>
              {phone}
            </a>
          </p>
          {territory.helplineHours ? (
            <p class="helpline__hours" safe>
              {territory.helplineHours}
            </p>
          ) : (
            ''
          )}
          <p>
            <a href="/demander-de-l-aide">{m('home.helplineForm')}</a>
          </p>
        </section>
      ) : (
        ''
      )}

      <section aria-labelledby="titre-categories">
        <h2 id="titre-categories">{m('home.categoriesTitle')}</h2>
        <p>{m('home.categoriesLead')}</p>
        <ul class="category-grid">
          {props.categories.map((c) => (
            <li class="category-card" data-domain={c.domain}>
              <h3 class="category-card__name" safe>
                {c.name}
              </h3>
              <p class="category-card__guidance" safe>
                {c.guidance}
              </p>
              <p class="category-card__domain" safe>
                {t(`domain.${c.domain}`)}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
