import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, account, session } from '../../src/db/schema.ts';
import {
  createMember,
  createTestApp,
  firstLink,
  lastMailTo,
  TestClient,
  uniqueSlug,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const pathOf = (link: string) => {
  const u = new URL(link);
  return u.pathname + u.search;
};

describe('sign-up, verification, sign-in and sign-out', () => {
  it('runs the whole journey without JavaScript', async () => {
    const client = new TestClient(t.app, t.host);
    const email = `${uniqueSlug('inscrit')}@exemple.fr`;

    const form = await client.get('/inscription');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="_csrf"');

    const signUp = await client.post('/inscription', {
      displayName: 'Lucie B.',
      email,
      password: 'une phrase de passe solide',
      consent: 'on',
    });
    expect(signUp.statusCode).toBe(303);
    expect(signUp.headers.location).toBe('/inscription/verifiez');

    const mail = await lastMailTo(t.database, email);
    expect(mail?.subject).toBe('Confirmez votre adresse e-mail');
    const link = firstLink(mail!.text)!;
    expect(link).toContain('/compte/verifier?jeton=');

    const verified = await client.get(pathOf(link));
    expect(verified.statusCode).toBe(200);
    expect(verified.body).toContain('Adresse confirmée');
    // A link works once.
    expect((await client.get(pathOf(link))).statusCode).toBe(400);

    const login = await client.post('/connexion', { email, password: 'une phrase de passe solide' });
    expect(login.statusCode).toBe(303);
    const home = await client.get('/');
    expect(home.body).toContain('Vous êtes connecté·e.');
    expect(home.body).toContain('Bonjour Lucie B.');

    const logout = await client.post('/deconnexion', {});
    expect(logout.statusCode).toBe(303);
    expect((await client.get('/compte')).statusCode).toBe(303);
  });

  it('shows French errors in place and keeps the values, without writing anything', async () => {
    const client = new TestClient(t.app, t.host);
    const email = `${uniqueSlug('erreur')}@exemple.fr`;
    const res = await client.post('/inscription', { displayName: 'Émile', email, password: 'court' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Le formulaire contient 2 erreur(s)');
    expect(res.body).toContain('Le mot de passe doit contenir au moins 12 caractères.');
    expect(res.body).toContain('Vous devez cocher cette case pour continuer.');
    expect(res.body).toContain(`value="${email}"`);
    expect(res.body).not.toContain('value="court"');
    const rows = await t.database.db.select().from(account).where(eq(account.email, email));
    expect(rows).toHaveLength(0);
  });

  it('never reveals whether an email already has an account', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    const res = await client.post('/inscription', {
      displayName: 'Intrus',
      email: member.email,
      password: 'une autre phrase de passe',
      consent: 'on',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/inscription/verifiez');
    expect((await lastMailTo(t.database, member.email))?.subject).toBe('Vous avez déjà un compte');

    const unknown = await client.post('/mot-de-passe-oublie', { email: 'personne@exemple.fr' });
    const known = await client.post('/mot-de-passe-oublie', { email: member.email });
    expect(unknown.statusCode).toBe(303);
    expect(known.statusCode).toBe(303);
    expect(unknown.headers.location).toBe(known.headers.location);
  });

  it('resets a password from the mailed link and closes every session', async () => {
    const member = await createMember(t);
    const elsewhere = new TestClient(t.app, t.host);
    await elsewhere.logIn(member.email, member.password);

    const client = new TestClient(t.app, t.host);
    await client.post('/mot-de-passe-oublie', { email: member.email });
    const link = firstLink((await lastMailTo(t.database, member.email))!.text)!;
    expect((await client.get(pathOf(link))).statusCode).toBe(200);
    const token = new URL(link).searchParams.get('jeton')!;
    const done = await client.post('/mot-de-passe/nouveau', {
      token,
      password: 'un tout nouveau mot de passe',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/connexion');

    expect((await elsewhere.get('/compte')).statusCode).toBe(303);
    await client.logIn(member.email, 'un tout nouveau mot de passe');
    const old = await new TestClient(t.app, t.host).post('/connexion', {
      email: member.email,
      password: member.password,
    });
    expect(old.statusCode).toBe(422);
  });

  it('throttles repeated failed sign-ins for an email', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    for (let i = 0; i < 5; i++) {
      const res = await client.post('/connexion', { email: member.email, password: 'mauvais mot de passe' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Adresse e-mail ou mot de passe incorrect.');
    }
    const blocked = await client.post('/connexion', { email: member.email, password: member.password });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Trop de tentatives');
  });

  it('gives a new session id at sign-in and destroys it at sign-out', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const first = client.cookies.get('mf_session');
    await client.post('/deconnexion', {});
    expect(client.cookies.has('mf_session')).toBe(false);
    const reused = await new TestClient(t.app, t.host).get('/compte', { cookie: `mf_session=${first}` });
    expect(reused.statusCode).toBe(303);
    await client.logIn(member.email, member.password);
    expect(client.cookies.get('mf_session')).not.toBe(first);
    const sessions = await t.database.db.select().from(session).where(eq(session.accountId, member.id));
    expect(sessions).toHaveLength(1);
  });

  it('sets HttpOnly SameSite cookies', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    const res = await client.logIn(member.email, member.password);
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('mf_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('refuses a form without a valid CSRF token, and one posted from another site', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const forged = await client.post('/compte', { displayName: 'Pirate' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Votre formulaire a expiré');
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/compte',
      headers: {
        host: t.host,
        origin: 'https://attaquant.example',
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${await client.csrfToken()}&displayName=Pirate`,
    });
    expect(crossSite.statusCode).toBe(403);
    const [row] = await t.database.db.select().from(account).where(eq(account.id, member.id));
    expect(row?.displayName).toBe(member.displayName);
  });

  it('updates the profile and audits it', async () => {
    const member = await createMember(t);
    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    const page = await client.get('/compte');
    const mende = /<option value="([^"]+)"[^>]*>Mende/.exec(page.body)?.[1];
    expect(mende).toBeTruthy();
    const res = await client.post('/compte', {
      displayName: 'Jeanne Martin',
      phone: '04 66 12 34 56',
      homeAreaId: mende!,
    });
    expect(res.statusCode).toBe(303);
    const after = await client.get('/compte');
    expect(after.body).toContain('value="Jeanne Martin"');
    expect(after.body).toContain('value="0466123456"');
    const events = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.actorAccountId, member.id), eq(auditEvent.action, 'account.update_profile')));
    expect(events).toHaveLength(1);
    expect(events[0]?.requestId).toBeTruthy();
  });

  it('rejects a home area of another territory', async () => {
    const other = await createTestApp({ database: t.database });
    try {
      const areas = await other.app.platform.territories.areas(other.territory.id);
      const member = await createMember(t);
      const client = new TestClient(t.app, t.host);
      await client.logIn(member.email, member.password);
      const res = await client.post('/compte', { displayName: 'Jeanne', homeAreaId: areas[0]!.id });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Choisissez une valeur dans la liste.');
    } finally {
      await other.close();
    }
  });
});
