import { REPORT_REASONS } from '../../db/schema.ts';
import { REPORT_LIMITS } from '../../modules/moderation/schemas.ts';
import { m } from '../i18n/index.ts';
import type { PageContext } from '../page.ts';
import { FormProblems, PostForm, SelectField, TextField, type FormState } from './forms.tsx';
import { Layout } from './Layout.tsx';

/** The report form of any reportable thing: a reason from the shared list and optional details. */
export function ReportPage(props: {
  page: PageContext;
  form: FormState;
  title: string;
  lead: string;
  /** What is reported, as a link back to it. */
  back: { href: string; label: string };
  action: string;
}) {
  const { page, form } = props;
  return (
    <Layout page={page} title={props.title}>
      <div class="narrow">
        <h1 safe>{props.title}</h1>
        <p class="lead">
          <a href={props.back.href} safe>
            {props.back.label}
          </a>
        </p>
        <p safe>{props.lead}</p>
        <FormProblems form={form} labels={{ reason: m('report.reason'), details: m('report.details') }} />
        <PostForm action={props.action} csrfToken={page.csrfToken}>
          <SelectField
            form={form}
            name="reason"
            label={m('report.reason')}
            required
            placeholder={m('report.choose')}
            options={REPORT_REASONS.map((r) => ({ value: r, label: m(`report.reason.${r}`) }))}
          />
          <TextField
            form={form}
            name="details"
            label={m('report.details')}
            maxlength={REPORT_LIMITS.details}
          />
          <button type="submit" class="button">
            {m('report.submit')}
          </button>
        </PostForm>
      </div>
    </Layout>
  );
}
