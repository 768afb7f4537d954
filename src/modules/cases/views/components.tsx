import type { Children } from '@kitajs/html';
import { CASE_LIMITS } from '../../../domain/cases.ts';
import { formatPhone } from '../../../domain/input.ts';
import { PostForm, TextField, type FormState } from '../../../web/components/forms.tsx';
import { m, t, type MessageKey } from '../../../web/i18n/index.ts';

/** A form of one button that posts one value: a step on a case, an offer to withdraw, an offer to make. */
export function PostButton(props: {
  action: string;
  csrfToken: string;
  name: string;
  value: string;
  buttonClass: string;
  children: Children;
}) {
  return (
    <PostForm action={props.action} csrfToken={props.csrfToken} class="inline-form">
      <input type="hidden" name={props.name} value={props.value} />
      <button type="submit" class={props.buttonClass}>
        {props.children}
      </button>
    </PostForm>
  );
}

/** What each list of suggestions is called, says when empty, and does, by the field it posts. */
const SUGGESTION_TEXTS = {
  organizationId: {
    title: 'cases.suggestedOrganizations',
    empty: 'cases.noOrganization',
    verb: 'cases.routeTo',
  },
  volunteerId: { title: 'cases.suggestedVolunteers', empty: 'cases.noVolunteer', verb: 'cases.assign' },
} as const;

/**
 * Ranked suggestions for routing a case (structures or volunteers): each with the reasons an
 * operator reads out, and a button that offers the case to it.
 */
export function SuggestionList(props: {
  /** The posted field naming whom the case is offered to. */
  field: keyof typeof SUGGESTION_TEXTS;
  action: string;
  csrfToken: string;
  items: Array<{ id: string; name: string; reasons: string[] }>;
  /** Shown between the heading and the list (e.g. a form that refines it). */
  children?: Children;
}) {
  const text = SUGGESTION_TEXTS[props.field];
  return (
    <>
      <h3>{m(text.title)}</h3>
      {props.children}
      {props.items.length === 0 ? (
        <p class="muted">{m(text.empty)}</p>
      ) : (
        <ol class="suggestions">
          {props.items.map((s) => (
            <li class="suggestion">
              <div>
                <strong safe>{s.name}</strong>
                <p class="suggestion__why" safe>
                  {s.reasons.filter(Boolean).join(', ')}
                </p>
              </div>
              <PostButton
                action={props.action}
                csrfToken={props.csrfToken}
                name={props.field}
                value={s.id}
                buttonClass="button button--small"
              >
                <span>{m(text.verb)}</span>
                <span class="visually-hidden" safe>{` ${s.name}`}</span>
              </PostButton>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** « Vous pouvez aussi appeler le … », when the territory has a helpline. */
export function HelplineNotice(props: { phone: string | null }) {
  return props.phone ? (
    <p class="helpline" safe>
      {t('cases.onlinePreferPhone', { phone: formatPhone(props.phone) })}
    </p>
  ) : (
    ''
  );
}

type PersonFieldSpec = {
  label: MessageKey;
  maxlength: number;
  required?: true;
  type?: 'tel';
  autocomplete: string;
};

/** The person's and the caller's details, as both request forms ask them, with the browser's autofill token. */
const PERSON_FIELDS = {
  lastName: {
    label: 'cases.f.lastName',
    maxlength: CASE_LIMITS.name,
    required: true,
    autocomplete: 'family-name',
  },
  firstName: { label: 'cases.f.firstName', maxlength: CASE_LIMITS.name, autocomplete: 'given-name' },
  phone: { label: 'cases.f.phone', maxlength: 25, type: 'tel', autocomplete: 'tel' },
  commune: { label: 'cases.f.commune', maxlength: 120, required: true, autocomplete: 'address-level2' },
  address: { label: 'cases.f.address', maxlength: CASE_LIMITS.address, autocomplete: 'street-address' },
  callerName: { label: 'cases.f.callerName', maxlength: CASE_LIMITS.name, autocomplete: 'name' },
  callerPhone: { label: 'cases.f.callerPhone', maxlength: 25, type: 'tel', autocomplete: 'tel' },
} as const satisfies Record<string, PersonFieldSpec>;

/**
 * One of those details. By phone, the operator types someone else's: no autofill, and the
 * numeric keypad for phone numbers; online, the person fills in their own (or a relative's).
 */
export function PersonField(props: {
  form: FormState;
  name: keyof typeof PERSON_FIELDS;
  channel: 'phone' | 'online';
  hint?: string;
}) {
  const field: PersonFieldSpec = PERSON_FIELDS[props.name];
  const byPhone = props.channel === 'phone';
  return (
    <TextField
      form={props.form}
      name={props.name}
      label={m(field.label)}
      hint={props.hint}
      type={field.type}
      required={field.required}
      maxlength={field.maxlength}
      inputmode={byPhone && field.type === 'tel' ? 'tel' : undefined}
      autocomplete={byPhone ? 'off' : field.autocomplete}
    />
  );
}
