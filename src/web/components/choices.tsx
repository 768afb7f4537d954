import type { FieldError } from '../../domain/fields.ts';
import { errorMessage, m } from '../i18n/index.ts';
import { attributeText, type FormState } from './forms.tsx';

/**
 * A group of checkboxes (several choices) in a fieldset, keeping what was ticked: the form's
 * value is the ticked values joined by commas (`formValues` in domain/fields.ts).
 */
export function CheckboxGroup(props: {
  form: FormState;
  name: string;
  legend: string;
  hint?: string;
  options: Array<{ value: string; label: string }>;
  columns?: boolean;
}) {
  const error: FieldError | undefined = props.form.errors[props.name];
  const ticked = new Set((props.form.values[props.name] ?? '').split(',').filter(Boolean));
  return (
    <fieldset class={error ? 'field field--error' : 'field'} id={`champ-${props.name}`}>
      <legend class="field__label" safe>
        {props.legend}
      </legend>
      {props.hint ? (
        <p class="field__hint" safe>
          {props.hint}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p class="field__error">
          <span class="visually-hidden">{m('form.errorPrefix')} </span>
          <span safe>{errorMessage(error)}</span>
        </p>
      ) : (
        ''
      )}
      <div class={props.columns ? 'choices choices--columns' : 'choices'}>
        {props.options.map((o) => (
          <label class="choice">
            <input type="checkbox" name={props.name} value={o.value} checked={ticked.has(o.value)} />
            <span safe>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A labelled multi-line text field with its hint and error, keeping the submitted value. */
export function TextArea(props: {
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  maxlength: number;
  required?: boolean;
  rows?: number;
}) {
  const error = props.form.errors[props.name];
  const described = [props.hint ? `aide-${props.name}` : '', error ? `erreur-${props.name}` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={`champ-${props.name}`}>
        <span safe>{props.label}</span>
        {props.required ? '' : <span class="field__optional"> ({m('form.optional')})</span>}
      </label>
      {props.hint ? (
        <p class="field__hint" id={`aide-${props.name}`} safe>
          {props.hint}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p class="field__error" id={`erreur-${props.name}`}>
          <span class="visually-hidden">{m('form.errorPrefix')} </span>
          <span safe>{errorMessage(error)}</span>
        </p>
      ) : (
        ''
      )}
      <textarea
        class="field__input field__textarea"
        id={`champ-${props.name}`}
        name={props.name}
        rows={String(props.rows ?? 5)}
        required={props.required}
        maxlength={props.maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
        safe
      >
        {props.form.values[props.name] ?? ''}
      </textarea>
    </div>
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

/** A small labelled input (date, time, number), keeping its value and showing its error. */
export function InputField(props: {
  form: FormState;
  name: string;
  label: string;
  type: string;
  min?: string;
  optional?: boolean;
}) {
  const error = props.form.errors[props.name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={`champ-${props.name}`}>
        <span safe>{props.label}</span>
        {props.optional ? <span class="field__optional"> ({m('form.optional')})</span> : ''}
      </label>
      {error ? (
        <p class="field__error" id={`erreur-${props.name}`}>
          <span class="visually-hidden">{m('form.errorPrefix')} </span>
          <span safe>{errorMessage(error)}</span>
        </p>
      ) : (
        ''
      )}
      <input
        class="field__input"
        type={props.type}
        min={props.min}
        inputmode={props.type === 'number' ? 'numeric' : undefined}
        id={`champ-${props.name}`}
        name={props.name}
        value={attributeText(props.form.values[props.name])}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `erreur-${props.name}` : undefined}
      />
    </div>
  );
}
