import { REPORT_REASONS } from '../../db/schema.ts';
import { REPORT_LIMITS } from '../../modules/moderation/schemas.ts';
import { m } from '../i18n/index.ts';
import type { PageContext } from '../page.ts';
import { FormPage } from './FormPage.tsx';
import { SelectField, TextField, type FormState } from './forms.tsx';

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
    <FormPage
      page={page}
      title={props.title}
      intro={
        <>
          <p class="lead">
            <a href={props.back.href} safe>
              {props.back.label}
            </a>
          </p>
          <p safe>{props.lead}</p>
        </>
      }
      form={form}
      labels={{ reason: m('report.reason'), details: m('report.details') }}
      action={props.action}
      submit={m('report.submit')}
      wide={false}
    >
      <SelectField
        form={form}
        name="reason"
        label={m('report.reason')}
        required
        placeholder={m('report.choose')}
        options={REPORT_REASONS.map((r) => ({ value: r, label: m(`report.reason.${r}`) }))}
      />
      <TextField form={form} name="details" label={m('report.details')} maxlength={REPORT_LIMITS.details} />
    </FormPage>
  );
}
