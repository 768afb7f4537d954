import type { Children } from '@kitajs/html';
import { formatPhone } from '../../domain/input.ts';
import { m, t } from '../i18n/index.ts';
import type { PageContext } from '../page.ts';

/** The page shell: skip link, header with navigation, main landmark, footer with the help line. */
export function Layout(props: { page: PageContext; title: string; children?: Children }) {
  const { page } = props;
  const { territory, viewer } = page;
  const phone = territory.helplinePhone ? formatPhone(territory.helplinePhone) : null;
  return (
    <>
      <html lang="fr">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} — ${m('app.name')} ${territory.name}`}</title>
          <link rel="stylesheet" href={page.assets.css} />
          <link rel="stylesheet" href={page.assets.theme} />
          <script src={page.assets.js} defer></script>
        </head>
        <body>
          <a class="skip-link" href="#contenu">
            {m('layout.skipLink')}
          </a>
          {page.demo ? (
            <div class="demo-banner" role="note">
              {m('layout.demoBanner')}
            </div>
          ) : (
            ''
          )}
          <header class="site-header">
            <div class="container site-header__inner">
              <a class="brand" href="/">
                <span class="brand__name">{m('app.name')}</span>
                <span class="brand__territory" safe>
                  {territory.name}
                </span>
              </a>
              <nav class="site-nav" aria-label={m('layout.mainNav')}>
                <ul>
                  <li>
                    <a href="/annonces" aria-current={page.path === '/annonces' ? 'page' : undefined}>
                      {m('nav.posts')}
                    </a>
                  </li>
                  <li>
                    <a href="/carte" aria-current={page.path === '/carte' ? 'page' : undefined}>
                      {m('nav.map')}
                    </a>
                  </li>
                  <li>
                    <a href="/missions" aria-current={page.path === '/missions' ? 'page' : undefined}>
                      {m('nav.missions')}
                    </a>
                  </li>

                  {viewer && viewer.roles.some((r) => r === 'operator' || r === 'admin') ? (
                    <li>
                      <a href="/console" aria-current={page.path.startsWith('/console') ? 'page' : undefined}>
                        {m('nav.console')}
                      </a>
                    </li>
                  ) : (
                    ''
                  )}
                  {viewer ? (
                    <>
                      <li>
                        <a
                          href="/mes-annonces"
                          aria-current={page.path === '/mes-annonces' ? 'page' : undefined}
                        >
                          {m('nav.myPosts')}
                        </a>
                      </li>
                      <li>
                        <a href="/messages" aria-current={page.path === '/messages' ? 'page' : undefined}>
                          {m('nav.messages')}
                          {viewer.unread > 0 ? (
                            <>
                              {' '}
                              <span class="nav-badge" aria-hidden="true" safe>
                                {viewer.unread > 99 ? '99+' : String(viewer.unread)}
                              </span>
                              <span class="visually-hidden" safe>
                                {viewer.unread === 1
                                  ? m('nav.unreadOne')
                                  : t('nav.unreadMany', { count: viewer.unread })}
                              </span>
                            </>
                          ) : (
                            ''
                          )}
                        </a>
                      </li>
                      <li>
                        <a href="/compte" aria-current={page.path === '/compte' ? 'page' : undefined}>
                          {m('layout.myAccount')}
                        </a>
                      </li>
                      <li>
                        <form method="post" action="/deconnexion" class="inline-form">
                          <input type="hidden" name="_csrf" value={page.csrfToken} />
                          <button type="submit" class="link-button">
                            {m('layout.signOut')}
                          </button>
                        </form>
                      </li>
                    </>
                  ) : (
                    <>
                      <li>
                        <a href="/connexion" aria-current={page.path === '/connexion' ? 'page' : undefined}>
                          {m('layout.signIn')}
                        </a>
                      </li>
                      <li>
                        <a
                          class="button button--small"
                          href="/inscription"
                          aria-current={page.path === '/inscription' ? 'page' : undefined}
                        >
                          {m('layout.signUp')}
                        </a>
                      </li>
                    </>
                  )}
                </ul>
              </nav>
            </div>
          </header>
          <main id="contenu" class="container main" tabindex="-1">
            {page.flash ? (
              <div class="notice notice--success" role="status" safe>
                {page.flash}
              </div>
            ) : (
              ''
            )}
            {props.children}
          </main>
          <footer class="site-footer">
            <div class="container">
              {phone ? (
                <p class="site-footer__helpline">
                  {m('layout.footerHelplineLead')}{' '}
                  <a class="nowrap" href={`tel:${territory.helplinePhone}`} safe>
                    {phone}
                  </a>
                  {territory.helplineHours ? (
                    <>
                      {' — '}
                      <span safe>{territory.helplineHours}</span>
                    </>
                  ) : (
                    ''
                  )}
                </p>
              ) : (
                ''
              )}
              <p>{m('layout.footerAbout')}</p>
              <p class="site-footer__small">
                <a href="/donnees-personnelles">{m('layout.privacy')}</a>
              </p>
              <p class="site-footer__small">{m('layout.footerData')}</p>
              {page.devMailbox ? (
                <p class="site-footer__small">
                  <a href="/dev/mails">{m('layout.devMailbox')}</a>
                </p>
              ) : (
                ''
              )}
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}
