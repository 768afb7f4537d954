import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, auditEvent, conversation, devMail, message, report } from '../../src/db/schema.ts';
import {
  createMember,
  createTestApp,
  firstLink,
  lastMailTo,
  TestClient,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function categoryId(slug = 'courses') {
  const cats = await t.app.platform.territories.categories(t.territory.id);
  return cats.find((c) => c.slug === slug)!.id;
}

let phoneCounter = 10;
/** A signed-in member with a phone number of their own (unique, to look for it in pages). */
async function person(name: string, opts: Parameters<typeof createMember>[1] & { fresh?: boolean } = {}) {
  const member = await createMember(t, { displayName: name, ...opts });
  const phone = `06${String(Date.now()).slice(-6)}${String(phoneCounter++).padStart(2, '0')}`;
  // Established members (a month old) unless `fresh`: new accounts have lower daily limits.
  const createdAt = opts.fresh ? new Date() : new Date(Date.now() - 30 * 86_400_000);
  await t.database.db.update(account).set({ phone, createdAt }).where(eq(account.id, member.id));
  const client = new TestClient(t.app, t.host);
  await client.logIn(member.email, member.password);
  return { ...member, phone, client };
}

async function publish(client: TestClient, fields: Record<string, string> = {}) {
  const res = await client.post('/annonces', {
    kind: 'offer',
    categoryId: await categoryId(),
    title: 'Je fais vos courses le samedi',
    description: 'Je passe au marché de Mende chaque samedi matin.',
    commune: 'Mende',
    ...fields,
  });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return res.headers.location!.split('/').pop()!;
}

/** B answers A's post; returns the conversation id. */
async function answer(client: TestClient, postId: string, body = 'Bonjour, je suis intéressée pour samedi.') {
  const res = await client.post(`/annonces/${postId}/repondre`, { body });
  expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
  return res.headers.location!.split('/').pop()!.split('#')[0]!;
}

const spaced = (phone: string) => phone.replace(/(\d{2})(?=\d)/g, '$1 ');

describe('answering a post', () => {
  it('opens one conversation per person and post, and lists it with unread counts', async () => {
    const a = await person('Annie Martin');
    const b = await person('Bruno Durand');
    const postId = await publish(a.client);

    const form = await b.client.get(`/annonces/${postId}/repondre`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Conseils de sécurité');
    expect(form.body).toContain('Ne payez jamais à l’avance');
    expect(form.body).toContain('04 66 00 00 00'); // the territory's help line

    const id = await answer(b.client, postId);
    expect((await b.client.get(`/messages/${id}`)).body).not.toContain('message__seen');
    // Answering again goes to the same conversation.
    const again = await b.client.get(`/annonces/${postId}/repondre`);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/messages/${id}#ecrire`);
    const second = await answer(b.client, postId, 'Et aussi pour le pain ?');
    expect(second).toBe(id);

    // The author cannot answer their own post.
    const own = await a.client.get(`/annonces/${postId}/repondre`);
    expect(own.statusCode).toBe(303);
    expect(own.headers.location).toBe(`/annonces/${postId}`);

    const list = await a.client.get('/messages');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Bruno D.');
    expect(list.body).toContain('Je fais vos courses le samedi');
    expect(list.body).toContain('2 nouveaux messages');
    // Every page's menu says so next to « Mes messages »: one conversation with news, for A only.
    const home = (await a.client.get('/')).body;
    expect(home).toContain('<span class="nav-badge" aria-hidden="true">1</span>');
    expect(home).toContain(' : 1 conversation avec un nouveau message');
    expect((await b.client.get('/')).body).not.toContain('nav-badge');

    const thread = await a.client.get(`/messages/${id}`);
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain('Bonjour, je suis intéressée pour samedi.');
    expect(thread.body).toContain('Et aussi pour le pain ?');
    // Reading clears the unread count, and B sees that A has read the messages.
    expect((await a.client.get('/messages')).body).not.toContain('nouveaux messages');
    expect((await a.client.get('/')).body).not.toContain('nav-badge');
    expect((await b.client.get(`/messages/${id}`)).body).toContain('<span class="message__seen">Lu</span>');
  });

  it('needs a verified email, an open post, and refuses an empty message with the text kept', async () => {
    const a = await person('Alice Petit');
    const postId = await publish(a.client);
    const unverified = await person('Ugo Non', { verified: false });
    const refused = await unverified.client.post(`/annonces/${postId}/repondre`, { body: 'Bonjour' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Confirmez d’abord votre adresse e-mail pour écrire');

    const b = await person('Bea Roux');
    const empty = await b.client.post(`/annonces/${postId}/repondre`, { body: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Ce champ est obligatoire');
    const long = await b.client.post(`/annonces/${postId}/repondre`, {
      body: `Garde-moi ${'x'.repeat(2100)}`,
    });
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain('2000 caractères au maximum');
    expect(long.body).toContain('Garde-moi');

    await a.client.post(`/annonces/${postId}/retirer`, {});
    expect((await b.client.get(`/annonces/${postId}/repondre`)).statusCode).toBe(404);
  });

  it('escapes what people write', async () => {
    const a = await person('Xavier Sec');
    const b = await person('Yves Sur');
    const id = await answer(
      b.client,
      await publish(a.client),
      '<script>alert(1)</script> "><img src=x onerror=alert(1)>',
    );
    const page = await a.client.get(`/messages/${id}`);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script>alert(1)&lt;/script>');
  });
});

describe('chosen disclosure', () => {
  it('shows a phone or an email only once its owner shares it, and stops when they stop', async () => {
    const a = await person('Agnès Leroy');
    const b = await person('Benoît Morel');
    const postId = await publish(a.client);
    const id = await answer(b.client, postId);

    const before = await b.client.get(`/messages/${id}`);
    const beforeApi = await b.client.get(`/api/v1/conversations/${id}/messages`);
    for (const body of [before.body, beforeApi.body]) {
      expect(body).not.toContain(a.phone);
      expect(body).not.toContain(spaced(a.phone));
      expect(body).not.toContain(a.email);
    }

    expect(
      (await a.client.post(`/messages/${id}`, { body: 'Avec plaisir, je vous appelle.' })).statusCode,
    ).toBe(303);
    const shared = await a.client.post(`/messages/${id}/partage`, { what: 'telephone', share: 'oui' });
    expect(shared.statusCode).toBe(303);

    const after = await b.client.get(`/messages/${id}`);
    expect(after.body).toContain(spaced(a.phone));
    expect(after.body).toContain('Agnès L. partage son numéro de téléphone.');
    expect(after.body).not.toContain(a.email);
    const api = (await b.client.get(`/api/v1/conversations/${id}/messages`)).json();
    expect(api.participants[0].phone).toBe(a.phone);
    expect(api.participants[0].email).toBeNull();

    // Each share is recorded.
    const audits = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.subjectId, id), eq(auditEvent.action, 'conversation.share_phone')));
    expect(audits).toHaveLength(1);

    await a.client.post(`/messages/${id}/partage`, { what: 'telephone', share: 'non' });
    const stopped = await b.client.get(`/messages/${id}`);
    expect(stopped.body).not.toContain(spaced(a.phone));
    expect(stopped.body).toContain('Agnès L. ne partage plus son numéro de téléphone.');

    // B's own details never reached A.
    const aView = await a.client.get(`/messages/${id}`);
    expect(aView.body).not.toContain(b.phone);
    expect(aView.body).not.toContain(b.email);
  });

  it('applies the post’s contact preference to people who answer it', async () => {
    const a = await person('Paule Vidal');
    const b = await person('Quentin Faure');
    const postId = await publish(a.client, { showEmail: 'on' });
    const id = await answer(b.client, postId);
    const page = await b.client.get(`/messages/${id}`);
    expect(page.body).toContain(a.email);
    expect(page.body).not.toContain(spaced(a.phone));
  });

  it('asks for a phone number before sharing one', async () => {
    const a = await person('Sans Numéro');
    await t.database.db.update(account).set({ phone: null }).where(eq(account.id, a.id));
    const b = await person('Thierry Blanc');
    const id = await answer(b.client, await publish(a.client));
    const res = await a.client.post(`/messages/${id}/partage`, { what: 'telephone', share: 'oui' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Ajoutez d’abord votre numéro de téléphone');
  });
});

describe('access', () => {
  it('answers 404 to anyone else on every HTML and JSON route', async () => {
    const a = await person('Anne Aubert');
    const b = await person('Bernard Bay');
    const c = await person('Claire Curie');
    const postId = await publish(a.client);
    const id = await answer(b.client, postId);
    const [first] = await t.database.db.select().from(message).where(eq(message.conversationId, id));

    for (const url of [
      `/messages/${id}`,
      `/messages/${id}/signaler`,
      `/messages/${id}/signaler?message=${first!.id}`,
      `/messages/${id}/nouveaux`,
      `/messages/${id}/flux`,
      `/api/v1/conversations/${id}/messages`,
    ]) {
      const res = await c.client.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Bonjour, je suis intéressée');
    }
    for (const [url, form] of [
      [`/messages/${id}`, { body: 'Intrus' }],
      [`/messages/${id}/partage`, { what: 'telephone', share: 'oui' }],
      [`/messages/${id}/bloquer`, {}],
      [`/messages/${id}/debloquer`, {}],
      [`/messages/${id}/signaler`, { reason: 'scam', details: '' }],
    ] as const) {
      const res = await c.client.post(url, form);
      expect(res.statusCode, url).toBe(404);
    }
    const api = await c.client.postJson(`/api/v1/conversations/${id}/messages`, { body: 'Intrus' });
    expect(api.statusCode).toBe(404);
    expect((await c.client.get('/api/v1/conversations')).json().items).toEqual([]);
    expect((await c.client.get('/messages')).body).not.toContain('Anne A.');
    // Nothing was written by the intruder.
    const messages = await t.database.db.select().from(message).where(eq(message.conversationId, id));
    expect(messages.map((x) => x.body)).not.toContain('Intrus');

    // Signed out: sign in first, or 401/404 for the API and the stream.
    const visitor = new TestClient(t.app, t.host);
    expect((await visitor.get(`/messages/${id}`)).headers.location).toBe('/connexion');
    expect((await visitor.get(`/api/v1/conversations/${id}/messages`)).statusCode).toBe(401);
    expect((await visitor.get(`/messages/${id}/flux`)).statusCode).toBe(404);
  });

  it('lets a moderator read a conversation only once it is reported, and audits it', async () => {
    const a = await person('Mina Hugo');
    const b = await person('Noé Ibert');
    const mod = await person('Modé Ratrice', { roles: ['member', 'moderator'] });
    const id = await answer(b.client, await publish(a.client));
    expect((await mod.client.get(`/messages/${id}`)).statusCode).toBe(404);

    const reported = await a.client.post(`/messages/${id}/signaler`, {
      reason: 'inappropriate',
      details: 'Bizarre',
    });
    expect(reported.statusCode).toBe(303);
    const again = await a.client.post(`/messages/${id}/signaler`, { reason: 'inappropriate', details: '' });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('Vous avez déjà signalé ce contenu');

    const page = await mod.client.get(`/messages/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('parce qu’elle a été signalée');
    expect(page.body).not.toContain('name="body"'); // read-only
    const reads = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.subjectId, id), eq(auditEvent.action, 'conversation.read_by_moderator')));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.actorAccountId).toBe(mod.id);
  });
});

describe('blocking and reporting', () => {
  it('stops messages both ways once one blocks the other', async () => {
    const a = await person('Arthur Blé');
    const b = await person('Brigitte Colin');
    const id = await answer(b.client, await publish(a.client));
    expect((await b.client.post(`/messages/${id}/bloquer`, {})).statusCode).toBe(303);

    const fromA = await a.client.post(`/messages/${id}`, { body: 'Vous êtes là ?' });
    expect(fromA.statusCode).toBe(422);
    expect(fromA.body).toContain('Vous ne pouvez plus écrire à cette personne');
    const fromAApi = await a.client.postJson(`/api/v1/conversations/${id}/messages`, {
      body: 'Et par l’API ?',
    });
    expect(fromAApi.statusCode).toBe(403);
    const fromB = await b.client.post(`/messages/${id}`, { body: 'Moi non plus' });
    expect(fromB.statusCode).toBe(422);
    expect((await a.client.get(`/messages/${id}`)).body).toContain(
      'Vous ne pouvez plus écrire dans cette conversation',
    );
    // A new conversation on another post of B's is refused as well.
    const other = await publish(b.client, { title: 'Une autre annonce' });
    const reopen = await a.client.post(`/annonces/${other}/repondre`, { body: 'Re-bonjour' });
    expect(reopen.statusCode).toBe(422);

    expect((await b.client.post(`/messages/${id}/debloquer`, {})).statusCode).toBe(303);
    expect((await a.client.post(`/messages/${id}`, { body: 'Merci de m’avoir débloqué' })).statusCode).toBe(
      303,
    );
  });

  it('reports one message with a reason', async () => {
    const a = await person('Rita Sol');
    const b = await person('Sam Tan');
    const id = await answer(b.client, await publish(a.client), 'Un message désagréable');
    const [msg] = await t.database.db.select().from(message).where(eq(message.conversationId, id));
    const form = await a.client.get(`/messages/${id}/signaler?message=${msg!.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Signaler un message');
    const missing = await a.client.post(`/messages/${id}/signaler?message=${msg!.id}`, {
      reason: '',
      details: '',
    });
    expect(missing.statusCode).toBe(422);
    const ok = await a.client.post(`/messages/${id}/signaler?message=${msg!.id}`, {
      reason: 'inappropriate',
      details: 'Insultant',
    });
    expect(ok.statusCode).toBe(303);
    const rows = await t.database.db
      .select()
      .from(report)
      .where(eq(report.subjectId, String(msg!.id)));
    expect(rows).toMatchObject([
      { subjectType: 'message', reason: 'inappropriate', reporterAccountId: a.id },
    ]);
    // One cannot report one's own message.
    expect((await b.client.get(`/messages/${id}/signaler?message=${msg!.id}`)).statusCode).toBe(404);
  });

  it('warns the recipient of scam signals and flags the message for moderators', async () => {
    const a = await person('Victor Hêtre');
    const newcomer = await person('Zoé Nouvelle', { fresh: true });
    const id = await answer(
      newcomer.client,
      await publish(a.client),
      'Appelez-moi au 06 12 34 56 78, et envoyez un coupon PCS pour les frais de livraison.',
    );
    const page = await a.client.get(`/messages/${id}`);
    expect(page.body).toContain('Prudence :');
    expect(page.body).toContain('ce message parle d’argent à envoyer ou à payer.');
    expect(page.body).toContain('un compte tout récent donne un numéro dès son premier message.');
    const senderView = await newcomer.client.get(`/messages/${id}`);
    expect(senderView.body).not.toContain('Prudence :');
    const [msg] = await t.database.db.select().from(message).where(eq(message.conversationId, id));
    expect(msg!.flags.sort()).toEqual(['money', 'phone']);
    const flagged = await t.database.db
      .select()
      .from(report)
      .where(eq(report.subjectId, String(msg!.id)));
    expect(flagged).toMatchObject([{ subjectType: 'message', reason: 'scam', reporterAccountId: null }]);
  });
});

describe('mail notifications', () => {
  const minutes = (n: number, from: Date) => new Date(from.getTime() + n * 60_000);

  async function mailsTo(email: string) {
    return t.database.db.select().from(devMail).where(eq(devMail.to, email));
  }

  it('mails someone not reading, at most once per conversation per 15 minutes, and never while they read', async () => {
    const { conversations } = t.app.platform;
    // Earlier tests left unread messages in this database: mail about them first, far ahead.
    await conversations.notifyUnread(minutes(24 * 60, new Date()));
    const a = await person('Hélène Ours');
    const b = await person('Igor Pin');
    const id = await answer(b.client, await publish(a.client));
    const sentAt = new Date();

    expect(await conversations.notifyUnread(sentAt)).toBe(0); // within the minute of grace
    const first = await conversations.notifyUnread(minutes(2, sentAt));
    expect(first).toBe(1);
    const mails = await mailsTo(a.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Vous avez un nouveau message');
    expect(mails[0]!.text).toContain('Igor P. vous a écrit au sujet de « Je fais vos courses le samedi »');
    expect(mails[0]!.text).toContain(`/messages/${id}`);
    expect(mails[0]!.text).not.toContain('Bonjour, je suis intéressée'); // no content in mails
    expect(await mailsTo(b.email)).toHaveLength(0);

    // Another message soon after: throttled.
    await t.database.db.execute(
      sql`update conversation_participant set last_notified_at = ${minutes(2, sentAt).toISOString()} where conversation_id = ${id}`,
    );
    await b.client.post(`/messages/${id}`, { body: 'Vous avez vu mon message ?' });
    await t.database.db.execute(
      sql`update message set created_at = ${minutes(5, sentAt).toISOString()} where conversation_id = ${id} and body like 'Vous avez vu%'`,
    );
    expect(await conversations.notifyUnread(minutes(8, sentAt))).toBe(0);
    expect(await conversations.notifyUnread(minutes(18, sentAt))).toBe(1);
    expect(await mailsTo(a.email)).toHaveLength(2);

    // Read on the open thread: no mail.
    await b.client.post(`/messages/${id}`, { body: 'Troisième' });
    await a.client.get(`/messages/${id}`);
    expect(await conversations.notifyUnread(minutes(60, new Date()))).toBe(0);
  });

  it('sends a daily digest to those who chose it, and nothing to those who chose none', async () => {
    const { conversations } = t.app.platform;
    const a = await person('Jade Digest');
    const b = await person('Karl Muet');
    const c = await person('Léo Écrit');
    expect((await a.client.post('/messages/notifications', { notifications: 'daily' })).statusCode).toBe(303);
    expect((await b.client.post('/messages/notifications', { notifications: 'none' })).statusCode).toBe(303);
    expect((await b.client.post('/messages/notifications', { notifications: 'souvent' })).statusCode).toBe(
      422,
    );
    await answer(c.client, await publish(a.client));
    await answer(c.client, await publish(b.client, { title: 'Annonce de Karl' }));
    const later = minutes(5, new Date());
    expect(await conversations.notifyUnread(later)).toBe(0);
    expect(await conversations.sendDigests(later)).toBe(1);
    expect(await conversations.sendDigests(minutes(10, later))).toBe(0); // once a day
    const [digest] = await mailsTo(a.email);
    expect(digest!.subject).toBe('Vos messages non lus');
    expect(digest!.text).toContain('« Je fais vos courses le samedi » : 1 message(s) non lu(s).');
    expect(await mailsTo(b.email)).toHaveLength(0);
  });

  it('unsubscribes in one click from the mail, without signing in', async () => {
    const { conversations } = t.app.platform;
    const a = await person('Marc Désabonné');
    const b = await person('Nina Écrit');
    await answer(b.client, await publish(a.client));
    await conversations.notifyUnread(minutes(2, new Date()));
    const mail = await lastMailTo(t.database, a.email);
    const link = mail!.text
      .split('\n')
      .map(firstLink)
      .filter(Boolean)
      .find((l) => l!.includes('desabonnement'))!;
    expect(link).toBeTruthy();
    const path = new URL(link).pathname + new URL(link).search;

    const visitor = new TestClient(t.app, t.host);
    const page = await visitor.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ne plus recevoir ces e-mails');
    // A mail client posts without our CSRF token (RFC 8058).
    const oneClick = await visitor.post(path, { 'List-Unsubscribe': 'One-Click' }, { csrf: false });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.body).toContain('C’est fait');
    const [row] = await t.database.db.select().from(account).where(eq(account.id, a.id));
    expect(row!.messageNotifications).toBe('none');

    const forged = await visitor.post(
      '/notifications/desabonnement',
      { jeton: `${a.id}.faux` },
      { csrf: false },
    );
    expect(forged.statusCode).toBe(400);
    expect((await visitor.get(`/notifications/desabonnement?jeton=${b.id}.AAAA`)).statusCode).toBe(400);
  });
});

describe('closing the loop', () => {
  it('records which conversation helped, for the statistics', async () => {
    const a = await person('Odile Fin', {});
    const b = await person('Pierre Aide');
    const c = await person('Quitterie Autre');
    const postId = await publish(a.client, { kind: 'request', title: 'Besoin de courses' });
    const helped = await answer(b.client, postId);
    await answer(c.client, postId);
    expect((await a.client.post(`/annonces/${postId}/aide-apportee`, {})).statusCode).toBe(303);
    const page = await a.client.get(`/annonces/${postId}`);
    expect(page.body).toContain('Qui vous a aidé ?');
    expect(page.body).toContain('Pierre A.');
    const bad = await a.client.post(`/annonces/${postId}/qui-a-aide`, {
      conversationId: '00000000-0000-0000-0000-000000000000',
    });
    expect(bad.statusCode).toBe(303);
    expect(
      (await b.client.post(`/annonces/${postId}/qui-a-aide`, { conversationId: helped })).statusCode,
    ).toBe(404);
    expect(
      (await a.client.post(`/annonces/${postId}/qui-a-aide`, { conversationId: helped })).statusCode,
    ).toBe(303);
    expect((await a.client.get(`/annonces/${postId}`)).body).toContain('Pierre A. vous a aidé');
    const [row] = await t.database.db.select().from(conversation).where(eq(conversation.id, helped));
    expect(row!.helpedAt).not.toBeNull();
    const figures = await t.app.platform.conversations.figures(t.territory.id);
    expect(figures.helped).toBeGreaterThanOrEqual(1);
    expect(figures.answered).toBeGreaterThanOrEqual(1);
    expect(figures.medianFirstAnswerMinutes).not.toBeNull();
  });
});

describe('fixed number of queries', () => {
  it('runs the same number of queries for a short and a long thread, and for short and long lists', async () => {
    const a = await person('Rémi Court');
    const b = await person('Sarah Long');
    const short = await answer(b.client, await publish(a.client, { title: 'Court' }));
    const long = await answer(b.client, await publish(a.client, { title: 'Long' }));
    for (let i = 0; i < 30; i++) await b.client.post(`/messages/${long}`, { body: `Message ${i}` });
    const count = async (url: string) => {
      await a.client.get(url); // warm caches (territory, session touch)
      const before = t.database.stats.queries;
      const res = await a.client.get(url);
      expect(res.statusCode).toBe(200);
      return t.database.stats.queries - before;
    };
    expect(await count(`/messages/${long}`)).toBe(await count(`/messages/${short}`));
    const fewList = await count('/messages');
    for (let i = 0; i < 5; i++) await answer(b.client, await publish(a.client, { title: `Encore ${i}` }));
    expect(await count('/messages')).toBe(fewList);
  });
});

describe('API', () => {
  it('opens, lists, reads and writes conversations', async () => {
    const a = await person('Tom API');
    const b = await person('Ursula API');
    const postId = await publish(a.client);
    const opened = await b.client.postJson(`/api/v1/posts/${postId}/conversations`, {
      body: 'Bonjour par l’API',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const thread = opened.json();
    expect(opened.headers.location).toBe(`/api/v1/conversations/${thread.id}/messages`);
    expect(thread.messages.at(-1)).toMatchObject({ mine: true, body: 'Bonjour par l’API', kind: 'text' });
    const list = (await a.client.get('/api/v1/conversations')).json();
    expect(list.items[0]).toMatchObject({ id: thread.id, unread: 1, with: 'Ursula A.' });
    const reply = await a.client.postJson(`/api/v1/conversations/${thread.id}/messages`, {
      body: 'Bien reçu',
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json()).toMatchObject({ mine: true, body: 'Bien reçu' });
    const invalid = await a.client.postJson(`/api/v1/conversations/${thread.id}/messages`, { body: '' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().fields.body).toBe('Ce champ est obligatoire.');
    const read = (await b.client.get(`/api/v1/conversations/${thread.id}/messages`)).json();
    expect(read.messages.map((x: { body: string }) => x.body)).toEqual(['Bonjour par l’API', 'Bien reçu']);
    const own = await a.client.postJson(`/api/v1/posts/${postId}/conversations`, { body: 'À moi-même' });
    expect(own.statusCode).toBe(404);
  });
});
