import type { Children } from '@kitajs/html';
import { Layout } from './Layout.tsx';
import type { PageContext } from '../page.ts';

/** A page that only says something (e.g. « vérifiez votre boîte mail »), with optional actions. */
export function MessagePage(props: { page: PageContext; title: string; text: string; children?: Children }) {
  return (
    <Layout page={props.page} title={props.title}>
      <div class="panel">
        <h1 safe>{props.title}</h1>
        <p class="lead" safe>
          {props.text}
        </p>
        {props.children}
      </div>
    </Layout>
  );
}
