import { PostForm } from '../../../web/components/forms.tsx';
import { Layout } from '../../../web/components/Layout.tsx';
import { formatDate, m, t } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import type { VolunteerService } from '../../missions/volunteers.ts';
import { ConsoleNav } from './pages.tsx';

type SkillsToVerify = NonNullable<Awaited<ReturnType<VolunteerService['skillsToVerify']>>>;

/**
 * « Compétences à vérifier »: the health skills volunteers declared, oldest first, each with its
 * « Confirmer » button (who and when are recorded), then the latest confirmations. Names and
 * communes only: an operator checks the diploma with the person, not from their contact details.
 */
export function SkillsToVerifyPage(props: { page: PageContext; list: SkillsToVerify }) {
  const { pending, total, recent } = props.list;
  const csrf = props.page.csrfToken;
  return (
    <Layout page={props.page} title={m('skills.verifyTitle')}>
      <ConsoleNav current="skills" />
      <h1>{m('skills.verifyTitle')}</h1>
      <p class="lead">{m('skills.verifyLead')}</p>
      <section class="panel" aria-labelledby="a-verifier">
        <h2 id="a-verifier" safe>
          {total === 0
            ? m('skills.verifyNone')
            : total === 1
              ? m('skills.verifyCountOne')
              : t('skills.verifyCountMany', { count: total })}
        </h2>
        {pending.length > 0 ? (
          <ol class="suggestions">
            {pending.map((p) => (
              <li class="suggestion">
                <div>
                  <strong safe>{`${p.skillName} — ${p.displayName}`}</strong>
                  <p class="suggestion__why" safe>
                    {`${p.commune ?? m('skills.verifyNoCommune')}, ${t('skills.verifyDeclared', {
                      date: formatDate(p.declaredAt),
                    })}`}
                  </p>
                </div>
                <PostForm action="/console/competences" csrfToken={csrf} class="inline-form">
                  <input type="hidden" name="accountId" value={p.accountId} />
                  <input type="hidden" name="skillId" value={p.skillId} />
                  <button type="submit" class="button button--small">
                    <span>{m('skills.verifyConfirm')}</span>
                    <span class="visually-hidden" safe>{` : ${p.skillName}, ${p.displayName}`}</span>
                  </button>
                </PostForm>
              </li>
            ))}
          </ol>
        ) : (
          ''
        )}
        {total > pending.length ? (
          <p class="muted" safe>
            {t('skills.verifyMore', { shown: pending.length })}
          </p>
        ) : (
          ''
        )}
      </section>
      {recent.length > 0 ? (
        <section class="panel" aria-labelledby="confirmees">
          <h2 id="confirmees">{m('skills.verifyRecent')}</h2>
          <ul class="plain-list">
            {recent.map((r) => (
              <li safe>
                {t('skills.verifyRecentLine', {
                  skill: r.skillName,
                  name: r.displayName,
                  by: r.organizationName ?? r.verifierName ?? '—',
                  date: formatDate(r.verifiedAt),
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}
