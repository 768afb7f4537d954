import { MESSAGE_LIMITS, type ScamSignal } from '../../../domain/conversations.ts';
import { formatPhone } from '../../../domain/input.ts';
import { FormPage } from '../../../web/components/FormPage.tsx';
import { Layout } from '../../../web/components/Layout.tsx';
import { MESSAGE_NOTIFICATIONS, type MessageNotifications } from '../../../db/schema.ts';
import {
  ActionButton,
  attributeText,
  emptyForm,
  FormProblems,
  PostForm,
  TextAreaField,
  type FormState,
} from '../../../web/components/forms.tsx';
import { errorMessage, formatDateTime, m, t } from '../../../web/i18n/index.ts';
import type { PageContext } from '../../../web/page.ts';
import type { ThreadMessage, ThreadView } from '../service.ts';

/** Plain safety advice, shown on a first contact and until a person has written a few messages. */
export function SafetyAdvice(props: { page: PageContext; open?: boolean }) {
  const phone = props.page.territory.helplinePhone;
  return (
    <details class="safety" open={props.open}>
      <summary class="safety__title">{m('conversations.safetyTitle')}</summary>
      <ul class="safety__list">
        <li>{m('conversations.safetyPay')}</li>
        <li>{m('conversations.safetyBank')}</li>
        <li>{m('conversations.safetyMeet')}</li>
        <li>{m('conversations.safetyEmergency')}</li>
        {phone ? (
          // Non-breaking spaces: the number never splits across two lines.
          <li safe>
            {t('conversations.safetyHelpline', { phone: formatPhone(phone).replace(/ /g, '\u00a0') })}
          </li>
        ) : (
          ''
        )}
      </ul>
    </details>
  );
}

const bodyLabels = () => ({ body: m('conversations.messageLabel') });

/** « Répondre » to a post: the first message of a new conversation. */
export function ReplyPage(props: {
  page: PageContext;
  post: { id: string; title: string; kind: 'offer' | 'request' };
  form: FormState;
}) {
  const { page, post, form } = props;
  return (
    <FormPage
      page={page}
      title={m('conversations.replyTitle')}
      intro={
        <>
          <p class="lead">
            <a href={`/annonces/${post.id}`} safe>
              {post.title}
            </a>
          </p>
          <SafetyAdvice page={page} open />
        </>
      }
      form={form}
      labels={bodyLabels()}
      action={`/annonces/${post.id}/repondre`}
      submit={m('conversations.send')}
      wide={false}
    >
      <TextAreaField
        form={form}
        name="body"
        label={m('conversations.messageLabel')}
        hint={m(post.kind === 'offer' ? 'conversations.replyHintOffer' : 'conversations.replyHintRequest')}
        maxlength={MESSAGE_LIMITS.body}
      />
      <p class="field__hint">{m('conversations.replyPrivacy')}</p>
    </FormPage>
  );
}

/** « Mes messages »: conversations, newest first, with unread counts. */
export function ConversationListPage(props: {
  page: PageContext;
  conversations: Array<{
    id: string;
    subjectTitle: string;
    with: string;
    lastMessageAt: Date;
    unread: number;
    excerpt: string;
  }>;
  notifications: MessageNotifications;
  form?: FormState;
}) {
  const { page } = props;
  const form = props.form ?? emptyForm({ notifications: props.notifications });
  return (
    <Layout page={page} title={m('conversations.listTitle')}>
      <h1>{m('conversations.listTitle')}</h1>
      {props.conversations.length === 0 ? (
        <div class="panel conversations-empty">
          <p>{m('conversations.listEmpty')}</p>
          <p>
            <a class="button" href="/annonces">
              {m('conversations.listBrowse')}
            </a>
          </p>
        </div>
      ) : (
        <ul class="conversation-list">
          {props.conversations.map((c) => (
            <li class={c.unread > 0 ? 'conversation-item conversation-item--unread' : 'conversation-item'}>
              <a class="conversation-item__link" href={`/messages/${c.id}`}>
                <span class="conversation-item__with" safe>
                  {c.with}
                </span>
                <span class="conversation-item__subject" safe>
                  {c.subjectTitle}
                </span>
              </a>
              {c.excerpt ? (
                <p class="conversation-item__excerpt" safe>
                  {c.excerpt}
                </p>
              ) : (
                ''
              )}
              <p class="conversation-item__meta">
                <span safe>{formatDateTime(c.lastMessageAt)}</span>
                {c.unread > 0 ? (
                  <span class="badge badge--unread" safe>
                    {c.unread === 1
                      ? m('conversations.unreadOne')
                      : t('conversations.unreadMany', { count: c.unread })}
                  </span>
                ) : (
                  ''
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      <section class="panel notifications-panel" aria-labelledby="notifications-titre">
        <h2 id="notifications-titre">{m('conversations.notificationsTitle')}</h2>
        <FormProblems form={form} labels={{ notifications: m('conversations.notificationsLabel') }} />
        <PostForm action="/messages/notifications" csrfToken={page.csrfToken}>
          <NotificationChoice form={form} />
          <button type="submit" class="button button--secondary">
            {m('conversations.notificationsSave')}
          </button>
        </PostForm>
      </section>
    </Layout>
  );
}

/** How to be told of new messages: three radio buttons, each label readable in full on a phone. */
function NotificationChoice(props: { form: FormState }) {
  const error = props.form.errors.notifications;
  const current = props.form.values.notifications ?? '';
  return (
    <fieldset class={error ? 'field field--error' : 'field'} id="champ-notifications">
      <legend class="field__label">{m('conversations.notificationsLabel')}</legend>
      {error ? (
        <p class="field__error" id="erreur-notifications">
          <span class="visually-hidden">{m('form.errorPrefix')} </span>
          <span safe>{errorMessage(error)}</span>
        </p>
      ) : (
        ''
      )}
      {MESSAGE_NOTIFICATIONS.map((v) => (
        <label class="choice choice--large">
          <input
            type="radio"
            name="notifications"
            value={v}
            checked={current === v}
            aria-describedby={error ? 'erreur-notifications' : undefined}
          />
          <span>{m(`conversations.notifications.${v}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}

const SIGNAL_KEYS = {
  iban: 'conversations.signal.iban',
  money: 'conversations.signal.money',
  code: 'conversations.signal.code',
  link: 'conversations.signal.link',
  phone: 'conversations.signal.phone',
} as const satisfies Record<ScamSignal, string>;

const EVENT_KEYS = {
  share_phone: 'conversations.event.sharePhone',
  share_email: 'conversations.event.shareEmail',
  unshare_phone: 'conversations.event.unsharePhone',
  unshare_email: 'conversations.event.unshareEmail',
} as const;

const EVENT_KEYS_MINE = {
  share_phone: 'conversations.event.sharePhoneMine',
  share_email: 'conversations.event.shareEmailMine',
  unshare_phone: 'conversations.event.unsharePhoneMine',
  unshare_email: 'conversations.event.unshareEmailMine',
} as const;

/** « Prudence : » and why: one reason in the sentence, several as a list (each starts lowercase). */
function ScamWarning(props: { warnings: ScamSignal[] }) {
  const reasons = props.warnings.map((w) => m(SIGNAL_KEYS[w]));
  return (
    <div class="message__warning" role="note">
      {reasons.length === 1 ? (
        <p>
          <strong>{m('conversations.warningTitle')}</strong> <span>{reasons[0]}</span>
        </p>
      ) : (
        <>
          <p>
            <strong>{m('conversations.warningTitle')}</strong>
          </p>
          <ul class="message__reasons">
            {reasons.map((r) => (
              <li>{r}</li>
            ))}
          </ul>
        </>
      )}
      <p>{m('conversations.warningAdvice')}</p>
    </div>
  );
}

/** Messages of a thread: the page renders them, and so do the live stream and the polling fallback. */
export function MessageItems(props: {
  conversationId: string;
  messages: ThreadMessage[];
  canReport: boolean;
}) {
  return (
    <>
      {props.messages.map((msg) =>
        msg.kind === 'text' ? (
          <li
            class={msg.mine ? 'message message--mine' : 'message'}
            id={`message-${msg.id}`}
            data-id={String(msg.id)}
          >
            <p class="message__meta">
              <span class="message__sender" safe>
                {msg.mine ? m('conversations.you') : msg.senderName}
              </span>{' '}
              <time datetime={msg.createdAt.toISOString()} safe>
                {formatDateTime(msg.createdAt)}
              </time>
              {msg.mine && msg.seen ? <span class="message__seen">{m('conversations.seen')}</span> : ''}
            </p>
            {msg.warnings.length > 0 ? <ScamWarning warnings={msg.warnings} /> : ''}
            <div class="message__body">
              {msg.body.split('\n').map((line) => (
                <p safe>{line}</p>
              ))}
            </div>
            {props.canReport && !msg.mine ? (
              <p class="message__actions">
                <a href={`/messages/${props.conversationId}/signaler?message=${msg.id}`}>
                  {m('conversations.reportMessage')}
                </a>
              </p>
            ) : (
              ''
            )}
          </li>
        ) : (
          <li class="message message--event" id={`message-${msg.id}`} data-id={String(msg.id)}>
            <p>
              <span safe>
                {msg.mine ? m(EVENT_KEYS_MINE[msg.kind]) : t(EVENT_KEYS[msg.kind], { name: msg.senderName })}
              </span>{' '}
              <time datetime={msg.createdAt.toISOString()} safe>
                {formatDateTime(msg.createdAt)}
              </time>
            </p>
          </li>
        ),
      )}
    </>
  );
}

/** One conversation: messages, the form to write, contact sharing, block and report. */
export function ThreadPage(props: { page: PageContext; thread: ThreadView; form: FormState }) {
  const { page, thread: th, form } = props;
  const names = th.others.map((o) => o.name).join(', ');
  const last = th.messages.at(-1)?.id ?? 0;
  const participant = th.access === 'participant';
  return (
    <Layout page={page} title={t('conversations.threadTitle', { names })}>
      <p>
        <a href={participant ? '/messages' : '/'}>{m('conversations.backToList')}</a>
      </p>
      <div class="thread">
        <div class="thread__main">
          <h1 safe>{t('conversations.threadTitle', { names })}</h1>
          <p class="lead">
            {m('conversations.about')}{' '}
            {th.subject.href ? (
              <a href={th.subject.href} safe>
                {th.subject.title}
              </a>
            ) : (
              <span safe>{th.subject.title}</span>
            )}
          </p>
          {th.access === 'moderator' ? (
            <div class="notice notice--warning">{m('conversations.moderatorView')}</div>
          ) : (
            ''
          )}
          {th.showSafety ? <SafetyAdvice page={page} open={th.me.sent === 0} /> : ''}
          {th.olderBefore ? (
            <p>
              <a href={`/messages/${th.id}?avant=${th.olderBefore}`}>{m('conversations.older')}</a>
            </p>
          ) : (
            ''
          )}
          {/* The log role is on a wrapper: on the <ol> itself it would hide the list from
              assistive technologies (its items would no longer be list items). */}
          <div class="messages-log" id="fil" role="log" aria-label={m('conversations.messagesLabel')}>
            <ol
              class="messages"
              data-stream={participant ? `/messages/${th.id}/flux` : undefined}
              data-poll={participant ? `/messages/${th.id}/nouveaux` : undefined}
              data-last={String(last)}
            >
              <MessageItems conversationId={th.id} messages={th.messages} canReport={participant} />
            </ol>
          </div>
          <FormProblems form={form} labels={bodyLabels()} />
          {th.closed !== null && form.errors._form ? (
            ''
          ) : th.closed === 'blockedByViewer' ? (
            <div class="notice notice--warning">{m('conversations.closedByViewer')}</div>
          ) : th.closed === 'blocksViewer' ? (
            <div class="notice notice--warning">{m('conversations.closedForViewer')}</div>
          ) : th.closed === null ? (
            <div id="ecrire">
              <PostForm action={`/messages/${th.id}`} csrfToken={page.csrfToken} class="form message-form">
                <TextAreaField
                  form={form}
                  name="body"
                  label={m('conversations.messageLabel')}
                  maxlength={MESSAGE_LIMITS.body}
                  rows={4}
                />
                <button type="submit" class="button">
                  {m('conversations.send')}
                </button>
              </PostForm>
            </div>
          ) : (
            ''
          )}
        </div>
        {participant ? <ThreadSide page={page} thread={th} /> : ''}
      </div>
    </Layout>
  );
}

function ShareForm(props: {
  page: PageContext;
  id: string;
  what: 'telephone' | 'email';
  shared: boolean;
  label: string;
}) {
  return (
    <PostForm action={`/messages/${props.id}/partage`} csrfToken={props.page.csrfToken} class="inline-form">
      <input type="hidden" name="what" value={props.what} />
      <input type="hidden" name="share" value={props.shared ? 'non' : 'oui'} />
      <button
        type="submit"
        class={props.shared ? 'button button--secondary button--small' : 'button button--small'}
        safe
      >
        {props.label}
      </button>
    </PostForm>
  );
}

function ThreadSide(props: { page: PageContext; thread: ThreadView }) {
  const { page, thread: th } = props;
  const sharing = th.others.filter((o) => o.phone || o.email);
  // Once a block stands, nothing new is shared; what is shared can still be taken back.
  const open = th.closed === null;
  return (
    <aside class="thread__side" aria-labelledby="coordonnees-titre">
      <div class="side-block">
        <h2 id="coordonnees-titre">{m('conversations.contactTitle')}</h2>
        {sharing.length === 0 ? (
          <p>{m('conversations.contactNone')}</p>
        ) : (
          <dl class="contacts">
            {sharing.map((o) => (
              <>
                <dt safe>{o.name}</dt>
                <dd>
                  {o.phone ? (
                    <a class="contacts__phone nowrap" href={`tel:${o.phone}`} safe>
                      {formatPhone(o.phone)}
                    </a>
                  ) : (
                    ''
                  )}
                  {o.phone && o.email ? <br /> : ''}
                  {o.email ? (
                    <a href={`mailto:${o.email}`} safe>
                      {o.email}
                    </a>
                  ) : (
                    ''
                  )}
                </dd>
              </>
            ))}
          </dl>
        )}
      </div>
      <div class="side-block">
        <h3>{m('conversations.myContactTitle')}</h3>
        <p class="field__hint">{m('conversations.myContactHint')}</p>
        <div class="share">
          <p class="share__state">
            {th.me.phoneShared ? m('conversations.phoneShared') : m('conversations.phoneNotShared')}
          </p>
          {th.me.phoneShared || (open && th.me.hasPhone) ? (
            <ShareForm
              page={page}
              id={th.id}
              what="telephone"
              shared={th.me.phoneShared}
              label={th.me.phoneShared ? m('conversations.stopSharePhone') : m('conversations.sharePhone')}
            />
          ) : open ? (
            <p class="field__hint">
              <a href="/compte">{m('conversations.addPhone')}</a>
            </p>
          ) : (
            ''
          )}
        </div>
        <div class="share">
          <p class="share__state">
            {th.me.emailShared ? m('conversations.emailShared') : m('conversations.emailNotShared')}
          </p>
          {th.me.emailShared || open ? (
            <ShareForm
              page={page}
              id={th.id}
              what="email"
              shared={th.me.emailShared}
              label={th.me.emailShared ? m('conversations.stopShareEmail') : m('conversations.shareEmail')}
            />
          ) : (
            ''
          )}
        </div>
      </div>
      <div class="side-block">
        <h2>{m('conversations.safetyActions')}</h2>
        <ActionButton
          action={`/messages/${th.id}/${th.closed === 'blockedByViewer' ? 'debloquer' : 'bloquer'}`}
          csrfToken={page.csrfToken}
          label={th.closed === 'blockedByViewer' ? m('conversations.unblock') : m('conversations.block')}
          class="button button--secondary button--small"
        />
        <p class="field__hint">{m('conversations.blockHint')}</p>
        <p>
          <a class="report-link" href={`/messages/${th.id}/signaler`}>
            {m('conversations.reportConversation')}
          </a>
        </p>
      </div>
    </aside>
  );
}

/** The unsubscribe page reached from a mail, without signing in: one button. */
export function UnsubscribePage(props: { page: PageContext; token: string; done: boolean }) {
  const { page } = props;
  return (
    <Layout page={page} title={m('conversations.unsubscribeTitle')}>
      <div class="panel narrow">
        <h1>{m('conversations.unsubscribeTitle')}</h1>
        {props.done ? (
          <>
            <p>{m('conversations.unsubscribeDone')}</p>
            <p>{m('conversations.unsubscribeUndo')}</p>
          </>
        ) : (
          <>
            <p>{m('conversations.unsubscribeLead')}</p>
            <PostForm action="/notifications/desabonnement" csrfToken={page.csrfToken}>
              <input type="hidden" name="jeton" value={attributeText(props.token)} />
              <button type="submit" class="button">
                {m('conversations.unsubscribeButton')}
              </button>
            </PostForm>
          </>
        )}
      </div>
    </Layout>
  );
}
