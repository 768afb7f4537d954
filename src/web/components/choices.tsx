import type { FieldError } from '../../domain/fields.ts';
import { errorMessage, m } from '../i18n/index.ts';
import { attributeText, SelectField, type FormState } from './forms.tsx';

// Kept here too for the modules that import them from this file.
export { fieldErrorsOnly, FormNotice } from './forms.tsx';

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

/** An optional date field (type=date), keeping its value and showing its error. */
export const DateInput = (props: { form: FormState; name: string; label: string }) =>
  InputField({ ...props, type: 'date', optional: true });

/** The options of a list of categories: their id, their name. */
export const categoryOptions = (categories: Array<{ id: string; name: string }>) =>
  categories.map((c) => ({ value: c.id, label: c.name }));

/** « Catégorie »: one of the territory's categories, required. */
export function CategorySelect(props: { form: FormState; categories: Array<{ id: string; name: string }> }) {
  return (
    <SelectField
      form={props.form}
      name="categoryId"
      label={m('posts.fieldCategory')}
      required
      placeholder={m('posts.chooseCategory')}
      options={categoryOptions(props.categories)}
    />
  );
}
