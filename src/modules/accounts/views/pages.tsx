import { LIMITS } from '../../../domain/limits.ts';
import { FormPage } from '../../../web/components/FormPage.tsx';
import { Layout } from '../../../web/components/Layout.tsx';
import {
  ActionButton,
  attributeText,
  CheckboxField,
  ErrorSummary,
  PostForm,
  SelectField,
  TextField,
  type FormState,
} from '../../../web/components/forms.tsx';
import { t, m } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import type { Role } from '../../../db/schema.ts';

type AreaOption = { id: string; name: string; postalCodes: string[] };
const areaOptions = (areas: AreaOption[]) =>
  areas.map((a) => ({ value: a.id, label: a.postalCodes[0] ? `${a.name} (${a.postalCodes[0]})` : a.name }));

const signUpLabels = () => ({
  displayName: m('signup.displayName'),
  email: m('signup.email'),
  password: m('signup.password'),
  homeAreaId: m('signup.homeArea'),
  // The whole sentence is too long for the summary; the checkbox keeps it.
  consent: m('signup.consentShort'),
});

/** Sign-up form. */
export function SignUpPage(props: { page: PageContext; form: FormState; areas: AreaOption[] }) {
  const { form } = props;
  return (
    <FormPage
      page={props.page}
      title={m('signup.title')}
      lead={m('signup.lead')}
      form={form}
      labels={signUpLabels()}
      action="/inscription"
      submit={m('signup.submit')}
      after={
        <p class="aside-link">
          {m('signup.haveAccount')} <a href="/connexion">{m('layout.signIn')}</a>
        </p>
      }
    >
      <TextField
        form={form}
        name="displayName"
        label={m('signup.displayName')}
        hint={m('signup.displayNameHint')}
        required
        autocomplete="nickname"
        maxlength={LIMITS.displayName.max}
      />
      <TextField
        form={form}
        name="email"
        type="email"
        label={m('signup.email')}
        hint={m('signup.emailHint')}
        required
        autocomplete="email"
        maxlength={LIMITS.email.max}
      />
      <TextField
        form={form}
        name="password"
        type="password"
        label={m('signup.password')}
        hint={t('signup.passwordHint', { min: LIMITS.password.min })}
        required
        autocomplete="new-password"
      />
      <SelectField
        form={form}
        name="homeAreaId"
        label={m('signup.homeArea')}
        hint={m('signup.homeAreaHint')}
        placeholder={m('signup.chooseArea')}
        options={areaOptions(props.areas)}
      />
      <CheckboxField form={form} name="consent" label={m('signup.consent')} required />
    </FormPage>
  );
}

/** Sign-in form. */
export function LogInPage(props: { page: PageContext; form: FormState }) {
  const { form } = props;
  return (
    <FormPage
      page={props.page}
      title={m('login.title')}
      form={form}
      labels={{ email: m('login.email'), password: m('login.password') }}
      action="/connexion"
      submit={m('login.submit')}
      after={
        <>
          <p class="aside-link">
            <a href="/mot-de-passe-oublie">{m('login.forgot')}</a>
          </p>
          <p class="aside-link">
            {m('login.noAccount')} <a href="/inscription">{m('layout.signUp')}</a>
          </p>
        </>
      }
    >
      <TextField
        form={form}
        name="email"
        type="email"
        label={m('login.email')}
        required
        autocomplete="username"
        maxlength={LIMITS.email.max}
      />
      <TextField
        form={form}
        name="password"
        type="password"
        label={m('login.password')}
        required
        autocomplete="current-password"
      />
    </FormPage>
  );
}

/** « Mot de passe oublié » : asks for the email. */
export function ResetRequestPage(props: { page: PageContext; form: FormState }) {
  return (
    <FormPage
      page={props.page}
      title={m('reset.requestTitle')}
      lead={m('reset.requestLead')}
      form={props.form}
      labels={{ email: m('login.email') }}
      action="/mot-de-passe-oublie"
      submit={m('reset.requestSubmit')}
    >
      <TextField
        form={props.form}
        name="email"
        type="email"
        label={m('login.email')}
        required
        autocomplete="email"
        maxlength={LIMITS.email.max}
      />
    </FormPage>
  );
}

/** The new password form reached from the mailed link. */
export function ResetPasswordPage(props: { page: PageContext; form: FormState; token: string }) {
  return (
    <FormPage
      page={props.page}
      title={m('reset.newTitle')}
      form={props.form}
      labels={{ password: m('reset.newPassword'), token: m('reset.newTitle') }}
      action="/mot-de-passe/nouveau"
      submit={m('reset.newSubmit')}
    >
      <input type="hidden" name="token" value={attributeText(props.token)} />
      <TextField
        form={props.form}
        name="password"
        type="password"
        label={m('reset.newPassword')}
        hint={t('signup.passwordHint', { min: LIMITS.password.min })}
        required
        autocomplete="new-password"
      />
    </FormPage>
  );
}

/** « Mon compte »: the profile form, roles, and the verification reminder. */
export function AccountPage(props: {
  page: PageContext;
  form: FormState;
  email: string;
  roles: readonly Role[];
  areas: AreaOption[];
}) {
  const { form, page } = props;
  return (
    <Layout page={page} title={m('account.title')}>
      <div class="narrow">
        <h1>{m('account.title')}</h1>
        <nav class="account-links" aria-label={m('account.engagementNav')}>
          <a href="/compte/benevole">{m('volunteer.title')}</a>
          <a href="/mes-candidatures">{m('nav.myApplications')}</a>
          <a href="/mes-structures">{m('nav.myOrganizations')}</a>
          {page.viewer?.roles.includes('admin') ? <a href="/admin/structures">{m('orgs.adminTitle')}</a> : ''}
        </nav>
        {page.viewer && !page.viewer.emailVerified ? (
          <div class="notice notice--warning">
            <p>{m('verify.pending')}</p>
            <ActionButton
              action="/compte/renvoyer-confirmation"
              csrfToken={page.csrfToken}
              label={m('verify.resend')}
              class="button button--secondary button--small"
            />
          </div>
        ) : (
          ''
        )}
        <dl class="facts">
          <dt>{m('account.email')}</dt>
          <dd>
            <span safe>{props.email}</span>
            <br />
            <small>{m('account.emailPrivate')}</small>
          </dd>
          <dt>{m('account.roles')}</dt>
          <dd safe>{props.roles.map((r) => t(`role.${r}`)).join(', ')}</dd>
        </dl>
        <h2>{m('account.profileTitle')}</h2>
        <ErrorSummary
          form={form}
          labels={{
            displayName: m('account.displayName'),
            phone: m('account.phone'),
            homeAreaId: m('account.homeArea'),
          }}
        />
        <PostForm action="/compte" csrfToken={page.csrfToken}>
          <TextField
            form={form}
            name="displayName"
            label={m('account.displayName')}
            required
            autocomplete="nickname"
            maxlength={LIMITS.displayName.max}
          />
          <TextField
            form={form}
            name="phone"
            type="tel"
            label={m('account.phone')}
            hint={m('account.phoneHint')}
            autocomplete="tel"
            maxlength={LIMITS.phone.max}
          />
          <SelectField
            form={form}
            name="homeAreaId"
            label={m('account.homeArea')}
            placeholder={m('signup.chooseArea')}
            options={areaOptions(props.areas)}
          />
          <button type="submit" class="button">
            {m('account.save')}
          </button>
        </PostForm>
      </div>
    </Layout>
  );
}
