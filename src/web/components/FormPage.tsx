import type { Children } from '@kitajs/html';
import type { PageContext } from '../page.ts';
import { FormProblems, PostForm, type FormState } from './forms.tsx';
import { Layout } from './Layout.tsx';
import { Lead } from './lists.tsx';

/**
 * A page that is one form: its title, a lead, what `intro` adds (a link back, advice), the form's
 * problems, the fields (`children`) and the submit button, then what `after` adds (links).
 */
export function FormPage(props: {
  page: PageContext;
  title: string;
  lead?: string;
  intro?: Children;
  form: FormState;
  /** Each field's label, for the error summary. */
  labels: Record<string, string>;
  action: string;
  submit: string;
  /** A full-width button (the default), or a plain one. */
  wide?: boolean;
  children?: Children;
  after?: Children;
}) {
  const { page } = props;
  return (
    <Layout page={page} title={props.title}>
      <div class="narrow">
        <h1 safe>{props.title}</h1>
        <Lead text={props.lead} />
        {props.intro}
        <FormProblems form={props.form} labels={props.labels} />
        <PostForm action={props.action} csrfToken={page.csrfToken}>
          {props.children}
          <button type="submit" class={props.wide === false ? 'button' : 'button button--wide'} safe>
            {props.submit}
          </button>
        </PostForm>
        {props.after}
      </div>
    </Layout>
  );
}
