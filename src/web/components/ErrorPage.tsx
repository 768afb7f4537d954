import { formatPhone } from '../../domain/input.ts';
import { t, type MessageKey, m } from '../i18n/index.ts';
import type { PageContext } from '../page.ts';
import { Layout } from './Layout.tsx';

/** A French error page (404, 500, 400, 403, 503) with a way back and a reference to quote. */
export function ErrorPage(props: { page: PageContext; title: MessageKey; text: string; requestId?: string }) {
  return (
    <Layout page={props.page} title={t(props.title)}>
      <div class="error-page">
        <h1 safe>{t(props.title)}</h1>
        <p class="lead" safe>
          {props.text}
        </p>
        {props.requestId ? (
          <p class="error-page__reference" safe>
            {t('error.reference', { id: props.requestId })}
          </p>
        ) : (
          ''
        )}
        <p>
          <a class="button" href="/">
            {m('error.backHome')}
          </a>
        </p>
      </div>
    </Layout>
  );
}

/** The sentence of a 500 page, with the help-line number when the territory has one. */
export const serverErrorText = (page: PageContext) =>
  t('error.serverText', {
    phone: page.territory.helplinePhone ? formatPhone(page.territory.helplinePhone) : '',
  }).replace(/,? appelez le \.$/, '.');
