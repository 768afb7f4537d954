import { escapeHtml, type Children } from '@kitajs/html';
import type { FieldError } from '../../domain/fields.ts';
import { errorMessage, t, m } from '../i18n/index.ts';

/** Errors and submitted values of a form shown again after a failed submission. */
export interface FormState {
  errors: Record<string, FieldError>;
  values: Record<string, string>;
}
export const emptyForm = (values: Record<string, string> = {}): FormState => ({ errors: {}, values });

/**
 * Text typed by someone, for an attribute. Kita escapes only `"` in attributes: « &amp; » would come
 * back as « & » when the form is shown again, and a `<` would reach the page raw (harmless inside
 * quotes, yet it looks like injected markup). Fully escaped here, Kita finds no `"` left to change.
 */
export const attributeText = (value: string | undefined) =>
  value === undefined ? undefined : escapeHtml(value);

const fieldId = (name: string) => `champ-${name}`;
const errorId = (name: string) => `erreur-${name}`;
const hintId = (name: string) => `aide-${name}`;

/**
 * The summary at the top of a form that failed: focused on load (by app.ts), each error a link
 * to its field, as the French accessibility guidelines (RGAA 11.10, 11.11) ask.
 */
export function ErrorSummary(props: { form: FormState; labels: Record<string, string> }) {
  const entries = Object.entries(props.form.errors);
  if (entries.length === 0) return <></>;
  const title =
    entries.length === 1 ? m('form.errorSummaryOne') : t('form.errorSummaryTitle', { count: entries.length });
  return (
    <div
      class="error-summary"
      role="alert"
      tabindex="-1"
      aria-labelledby="error-summary-title"
      data-autofocus
    >
      <h2 id="error-summary-title" class="error-summary__title" safe>
        {title}
      </h2>
      <ul>
        {entries.map(([name, error]) => (
          <li>
            <a href={`#${fieldId(name)}`}>
              <span safe>{props.labels[name] ?? ''}</span>
              {' : '}
              <span safe>{errorMessage(error)}</span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function FieldMessages(props: { name: string; hint?: string; error?: FieldError }) {
  return (
    <>
      {props.hint ? (
        <p class="field__hint" id={hintId(props.name)} safe>
          {props.hint}
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p class="field__error" id={errorId(props.name)}>
          <span class="visually-hidden">{m('form.errorPrefix')} </span>
          <span safe>{errorMessage(props.error)}</span>
        </p>
      ) : (
        ''
      )}
    </>
  );
}

function describedBy(name: string, hint?: string, error?: FieldError) {
  const ids = [hint ? hintId(name) : '', error ? errorId(name) : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Label(props: { name: string; label: string; required?: boolean }) {
  return (
    <label class="field__label" for={fieldId(props.name)}>
      <span safe>{props.label}</span>
      {props.required ? '' : <span class="field__optional"> ({m('form.optional')})</span>}
    </label>
  );
}

/** A labelled text input with its hint and error, keeping the submitted value. */
export function TextField(props: {
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'search';
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
  inputmode?: string;
  /** The id of a `<datalist>` of suggestions. */
  list?: string;
}) {
  const error = props.form.errors[props.name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <Label name={props.name} label={props.label} required={props.required} />
      <FieldMessages name={props.name} hint={props.hint} error={error} />
      <input
        class="field__input"
        id={fieldId(props.name)}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : attributeText(props.form.values[props.name])}
        required={props.required}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        inputmode={props.inputmode}
        list={props.list}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, error)}
      />
    </div>
  );
}

/** A labelled multi-line text, keeping the submitted value. */
export function TextAreaField(props: {
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  maxlength: number;
  rows?: number;
  required?: boolean;
}) {
  const error = props.form.errors[props.name];
  const required = props.required ?? true;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <Label name={props.name} label={props.label} required={required} />
      <FieldMessages name={props.name} hint={props.hint} error={error} />
      <textarea
        class="field__input field__textarea"
        id={fieldId(props.name)}
        name={props.name}
        rows={String(props.rows ?? 6)}
        required={required}
        maxlength={props.maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, error)}
        safe
      >
        {props.form.values[props.name] ?? ''}
      </textarea>
    </div>
  );
}

/** A labelled drop-down list. */
export function SelectField(props: {
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  placeholder: string;
  options: Array<{ value: string; label: string }>;
}) {
  const error = props.form.errors[props.name];
  const current = props.form.values[props.name] ?? '';
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <Label name={props.name} label={props.label} required={props.required} />
      <FieldMessages name={props.name} hint={props.hint} error={error} />
      <select
        class="field__select"
        id={fieldId(props.name)}
        name={props.name}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, error)}
      >
        <option value="" safe>
          {props.placeholder}
        </option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === current} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A checkbox with its label on the right, as people expect. */
export function CheckboxField(props: { form: FormState; name: string; label: string; required?: boolean }) {
  const error = props.form.errors[props.name];
  return (
    <div class={error ? 'field field--checkbox field--error' : 'field field--checkbox'}>
      <FieldMessages name={props.name} error={error} />
      <input
        class="field__checkbox"
        type="checkbox"
        id={fieldId(props.name)}
        name={props.name}
        checked={props.form.values[props.name] === 'on'}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? errorId(props.name) : undefined}
      />
      <label for={fieldId(props.name)} safe>
        {props.label}
      </label>
    </div>
  );
}

/** A form that posts with its CSRF token; `novalidate` so the server's French errors show. */
export function PostForm(props: { action: string; csrfToken: string; children?: Children; class?: string }) {
  return (
    <form method="post" action={props.action} novalidate class={props.class ?? 'form'}>
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      {props.children}
    </form>
  );
}

/** One button that posts an action on a thing (beside other actions); `children` are hidden inputs. */
export function ActionButton(props: {
  action: string;
  csrfToken: string;
  label: string;
  /** The button's classes: `button` and its variant. */
  class?: string;
  describedBy?: string;
  children?: Children;
}) {
  return (
    <PostForm action={props.action} csrfToken={props.csrfToken} class="inline-form">
      {props.children}
      <button type="submit" class={props.class ?? 'button'} aria-describedby={props.describedBy} safe>
        {props.label}
      </button>
    </PostForm>
  );
}

/** A refusal of the whole form (`_form`) as a notice; field errors go to the ErrorSummary. */
export function FormNotice(props: { form: FormState }) {
  const e = props.form.errors._form;
  return e ? (
    <div class="notice notice--warning" role="alert" safe>
      {errorMessage(e)}
    </div>
  ) : (
    <></>
  );
}

/** The form's errors without `_form` (for the summary). */
export const fieldErrorsOnly = (form: FormState): FormState => ({
  ...form,
  errors: Object.fromEntries(Object.entries(form.errors).filter(([k]) => k !== '_form')),
});

/** A form-wide error (`_form`) as a notice, then the summary of field errors. */
export function FormProblems(props: { form: FormState; labels: Record<string, string> }) {
  return (
    <>
      <FormNotice form={props.form} />
      <ErrorSummary form={fieldErrorsOnly(props.form)} labels={props.labels} />
    </>
  );
}
