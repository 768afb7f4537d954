import { Layout } from '../../../web/components/Layout.tsx';
import { m } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';

/** « Vos données personnelles »: what is kept, who sees it, why, and the person's rights. */
export function PrivacyPage(props: { page: PageContext }) {
  return (
    <Layout page={props.page} title={m('privacy.title')}>
      <div class="prose">
        <h1>{m('privacy.title')}</h1>
        <p class="lead">{m('privacy.lead')}</p>
        <h2>{m('privacy.whatTitle')}</h2>
        <p>{m('privacy.what')}</p>
        <h2>{m('privacy.whoTitle')}</h2>
        <p>{m('privacy.who')}</p>
        <h2>{m('privacy.whyTitle')}</h2>
        <p>{m('privacy.why')}</p>
        <h2>{m('privacy.rightsTitle')}</h2>
        <p>{m('privacy.rights')}</p>
      </div>
    </Layout>
  );
}
