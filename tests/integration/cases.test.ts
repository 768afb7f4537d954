import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, caseAssignment, helpCase } from '../../src/db/schema.ts';
import * as missionsRepo from '../../src/modules/missions/repository.ts';
import * as orgRepo from '../../src/modules/organizations/repository.ts';
import { createMember, createTestApp, lastMailTo, TestClient, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

let counter = 0;
/** A phone number no other test uses (to look for it in pages). */
const uniquePhone = () => `04${String(Date.now()).slice(-6)}${String(counter++ % 100).padStart(2, '0')}`;
const spaced = (phone: string) => phone.replace(/(\d{2})(?=\d)/g, '$1 ');

async function signedIn(opts: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t, opts);
  const client = new TestClient(t.app, t.host);
  await client.logIn(member.email, member.password);
  return { member, client };
}

async function category(slug = 'courses') {
  const cats = await t.app.platform.territories.categories(t.territory.id);
  return cats.find((c) => c.slug === slug)!;
}
async function area(name: string) {
  const areas = await t.app.platform.territories.areas(t.territory.id);
  return areas.find((a) => a.name === name)!;
}

/** A validated structure covering communes and categories, with a signed-in manager. */
async function structure(name: string, opts: { communes: string[]; categorySlugs: string[]; home?: string }) {
  const manager = await signedIn({ displayName: `Gestion ${name}` });
  const home = await area(opts.home ?? opts.communes[0]!);
  const cats = await Promise.all(opts.categorySlugs.map((s) => category(s)));
  const row = await orgRepo.insertOrganization(t.database.db, {
    territoryId: t.territory.id,
    slug: `${name.toLowerCase().replace(/[^a-z]+/g, '-')}-${counter++}`,
    name,
    kind: 'association',
    description: 'Une association de test.',
    domains: [...new Set(cats.map((c) => c.domain))],
    categoryIds: cats.map((c) => c.id),
    areaIds: await Promise.all(opts.communes.map(async (c) => (await area(c)).id)),
    areaId: home.id,
    publicLat: home.centroidLat,
    publicLon: home.centroidLon,
    validatedAt: new Date(),
  });
  await orgRepo.insertMember(t.database.db, {
    organizationId: row.id,
    accountId: manager.member.id,
    role: 'owner',
  });
  return { ...manager, org: row };
}

/** A signed-in volunteer based in a commune with a radius, taking a domain. */
async function volunteer(name: string, opts: { commune: string; radiusKm: number; domains: string[] }) {
  const v = await signedIn({ displayName: name });
  const base = await area(opts.commune);
  await missionsRepo.upsertProfile(t.database.db, {
    territoryId: t.territory.id,
    accountId: v.member.id,
    days: [],
    dayParts: [],
    areaIds: [base.id],
    baseAreaId: base.id,
    radiusKm: opts.radiusKm,
    domains: opts.domains as never,
    remoteOk: false,
  });
  return v;
}

async function operator() {
  return signedIn({ roles: ['member', 'operator'], displayName: 'Sonia Opératrice' });
}

async function intake(client: TestClient, fields: Record<string, string> = {}) {
  return client.post('/console/appel', {
    civility: 'mme',
    lastName: 'Martin',
    firstName: 'Odette',
    phone: uniquePhone(),
    commune: 'Mende',
    address: '',
    categoryId: (await category()).id,
    need: 'Courses de la semaine : pain, lait, fruits.',
    urgency: 'today',
    callerKind: 'self',
    consentKeep: 'on',
    consentShare: 'on',
    ...fields,
  });
}

const caseIdOf = (location: string | undefined) => location!.split('/').pop()!;

describe('intake by phone', () => {
  it('records a call in one form, opens the case file (audited) and refuses members with a 404', async () => {
    const op = await operator();
    const form = await op.client.get('/console/appel');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('À lire à la personne');
    expect(form.body).toMatch(/<select[^>]*id="champ-civility"[^>]*autofocus/);

    const phone = uniquePhone();
    const res = await intake(op.client, { lastName: 'Lenoir', phone, need: 'Une pharmacie de garde.' });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const id = caseIdOf(res.headers.location);
    const [row] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, id));
    expect(row!.status).toBe('qualified');
    expect(row!.consentKeepAt).not.toBeNull();
    expect(row!.consentShareAt).not.toBeNull();

    const page = await op.client.get(`/console/dossiers/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lenoir');
    expect(page.body).toContain(spaced(phone));
    const reads = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'beneficiary.read'), eq(auditEvent.subjectId, id)));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.actorAccountId).toBe(op.member.id);
    expect(reads[0]!.onBehalfOfBeneficiaryId).toBe(row!.beneficiaryId);

    const member = await signedIn();
    for (const url of [
      '/console',
      '/console/appel',
      `/console/dossiers/${id}`,
      `/console/dossiers/${id}/fiche`,
    ])
      expect((await member.client.get(url)).statusCode, url).toBe(404);
    expect((await intake(member.client)).statusCode).toBe(404);
    expect((await new TestClient(t.app, t.host).get('/console')).statusCode).toBe(303);
  });

  it('refuses a call without the consent to keep the data, and keeps the typed values (422)', async () => {
    const op = await operator();
    const res = await intake(op.client, { consentKeep: '', lastName: 'Sans-Accord' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Sans-Accord');
    expect(res.body).toContain('Vous devez cocher cette case');
  });
});

describe('« déjà connu »', () => {
  it('warns on the same phone or the same name in the same commune, links to the open case, and lets the operator choose', async () => {
    const op = await operator();
    const phone = uniquePhone();
    const first = await intake(op.client, { lastName: 'Dupré', phone });
    const firstId = caseIdOf(first.headers.location);

    // While typing: the fragment.
    const fragment = await op.client.get(
      `/console/doublons?phone=${encodeURIComponent(spaced(phone))}&lastName=&commune=`,
    );
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).toContain('Déjà connu');
    expect(fragment.body).toContain(`/console/dossiers/${firstId}`);
    const byName = await op.client.get('/console/doublons?phone=&lastName=dupre&commune=Mende');
    expect(byName.body).toContain(`/console/dossiers/${firstId}`);
    const elsewhere = await op.client.get('/console/doublons?phone=&lastName=dupre&commune=Marvejols');
    expect(elsewhere.body).not.toContain('Déjà connu');
    const member = await signedIn();
    expect((await member.client.get('/console/doublons?phone=' + phone)).statusCode).toBe(404);

    // On submit: the same check, server-side.
    const second = await intake(op.client, { lastName: 'Dupré', phone, need: 'Aller à la pharmacie.' });
    expect(second.statusCode).toBe(422);
    expect(second.body).toContain('Déjà connu');
    expect(second.body).toContain(`/console/dossiers/${firstId}`);
    expect(second.body).toContain('Aller à la pharmacie.');

    // The operator says it is the same person: a new case for the known beneficiary.
    const [known] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, firstId));
    const third = await intake(op.client, { lastName: 'Dupré', phone, known: known!.beneficiaryId });
    expect(third.statusCode).toBe(303);
    const [again] = await t.database.db
      .select()
      .from(helpCase)
      .where(eq(helpCase.id, caseIdOf(third.headers.location)));
    expect(again!.beneficiaryId).toBe(known!.beneficiaryId);

    // Or another person of the same name.
    const fourth = await intake(op.client, { lastName: 'Dupré', phone: uniquePhone(), known: 'new' });
    expect(fourth.statusCode).toBe(303);
    const [other] = await t.database.db
      .select()
      .from(helpCase)
      .where(eq(helpCase.id, caseIdOf(fourth.headers.location)));
    expect(other!.beneficiaryId).not.toBe(known!.beneficiaryId);
  });
});

describe('the online request form', () => {
  it('feeds the same queue, needs consent, ignores robots and limits each address', async () => {
    const visitor = new TestClient(t.app, t.host);
    const page = await visitor.get('/demander-de-l-aide');
    expect(page.statusCode).toBe(200);
    const fields = {
      callerKind: 'relative',
      callerName: 'Paul Enfant',
      callerEmail: 'paul.enfant@exemple.fr',
      civility: 'm',
      lastName: 'Enligne',
      firstName: 'Robert',
      phone: '',
      commune: 'Marvejols',
      categoryId: (await category()).id,
      need: 'Mon père a besoin de courses.',
      urgency: 'week',
      consent: 'on',
      siteWeb: '',
    };
    expect((await visitor.post('/demander-de-l-aide', { ...fields, consent: '' })).statusCode).toBe(422);
    const robot = await visitor.post('/demander-de-l-aide', {
      ...fields,
      lastName: 'Robot',
      siteWeb: 'http://spam',
    });
    expect(robot.statusCode).toBe(303);
    const ok = await visitor.post('/demander-de-l-aide', fields);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/demander-de-l-aide/merci');
    const rows = await t.database.db.select().from(helpCase).where(eq(helpCase.territoryId, t.territory.id));
    expect(rows.filter((r) => r.channel === 'online')).toHaveLength(1);
    expect((await lastMailTo(t.database, 'paul.enfant@exemple.fr'))?.subject).toContain('bien reçue');

    const op = await operator();
    const queue = await op.client.get('/console');
    expect(queue.body).toContain('Enligne');
    expect(queue.body).toContain('Formulaire en ligne');

    for (let i = 0; i < 4; i++)
      expect((await visitor.post('/demander-de-l-aide', fields)).statusCode).toBe(303);
    const limited = await visitor.post('/demander-de-l-aide', fields);
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Trop de demandes');
  });
});

describe('routing', () => {
  it('suggests, explained, structures covering the area and category and volunteers within their radius', async () => {
    const op = await operator();
    const near = await structure('Entraide Mendoise', { communes: ['Mende'], categorySlugs: ['courses'] });
    await structure('Secours de Marvejols', {
      communes: ['Marvejols'],
      categorySlugs: ['courses'],
      home: 'Marvejols',
    });
    const v = await volunteer('Lucie Bénévole', {
      commune: 'Mende',
      radiusKm: 10,
      domains: ['solidarite_proximite', 'aide_alimentaire_urgence', 'lien_personnes_fragiles'],
    });
    await volunteer('Loin Bénévole', {
      commune: 'Langogne',
      radiusKm: 5,
      domains: ['solidarite_proximite', 'aide_alimentaire_urgence'],
    });
    const res = await intake(op.client, { lastName: 'Suggestion' });
    const id = caseIdOf(res.headers.location);
    const s = await t.app.platform.cases.suggestions(
      { ...ctxOf(op.member.id), territoryId: t.territory.id },
      id,
    );
    expect(s!.organizations[0]!.id).toBe(near.org.id);
    expect(s!.organizations[0]!.coversArea).toBe(true);
    expect(s!.volunteers.map((x) => x.accountId)).toContain(v.member.id);
    expect(s!.volunteers.map((x) => x.name)).not.toContain('Loin Bénévole');
    const page = await op.client.get(`/console/dossiers/${id}`);
    expect(page.body).toContain('couvre Mende');
    expect(page.body).toContain('jamais sollicité·e');
  });

  it('puts volunteers with the case’s useful skill first, even outside their domains (health ones once confirmed)', async () => {
    const op = await operator();
    const skills = await t.app.platform.missions.skills(t.territory.id);
    const driving = skills.find((k) => k.slug === 'permis-b')!;
    const nurse = skills.find((k) => k.slug === 'infirmier')!;
    // No domain in common with « courses », but a car; and a nurse whose skill is not confirmed.
    const driver = await volunteer('Denis Conducteur', {
      commune: 'Mende',
      radiusKm: 10,
      domains: ['garde_enfants'],
    });
    await missionsRepo.setVolunteerSkills(t.database.db, t.territory.id, driver.member.id, [driving.id]);
    const unconfirmed = await volunteer('Nina Infirmière', {
      commune: 'Mende',
      radiusKm: 10,
      domains: ['garde_enfants'],
    });
    await missionsRepo.setVolunteerSkills(t.database.db, t.territory.id, unconfirmed.member.id, [nurse.id]);
    const id = caseIdOf((await intake(op.client, { lastName: 'Compétente' })).headers.location);
    const ctx = { ...ctxOf(op.member.id), territoryId: t.territory.id };
    const names = async () =>
      (await t.app.platform.cases.suggestions(ctx, id))!.volunteers.map((v) => v.name);
    expect(await names()).not.toContain('Denis Conducteur');

    const set = await op.client.post(`/console/dossiers/${id}/competence`, { skillId: driving.id });
    expect(set.statusCode).toBe(303);
    expect((await names())[0]).toBe('Denis Conducteur');
    const page = await op.client.get(`/console/dossiers/${id}`);
    expect(page.body).toContain('compétence : Permis de conduire et voiture');
    expect(page.body).toMatch(
      /<option value="[0-9a-f-]{36}" selected>Permis de conduire et voiture<\/option>/,
    );
    expect(page.body).toContain('Compétence utile');

    // A health skill counts once confirmed.
    await op.client.post(`/console/dossiers/${id}/competence`, { skillId: nurse.id });
    expect(await names()).not.toContain('Nina Infirmière');
    await op.client.post('/console/competences', { accountId: unconfirmed.member.id, skillId: nurse.id });
    expect((await names())[0]).toBe('Nina Infirmière');

    // Not a skill of the territory: the form again with an error, nothing changed.
    const wrong = await op.client.post(`/console/dossiers/${id}/competence`, {
      skillId: '00000000-0000-4000-8000-000000000000',
    });
    expect(wrong.statusCode).toBe(422);
    const [row] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, id));
    expect(row!.skillId).toBe(nurse.id);
    // Cleared: back to the domains only.
    expect((await op.client.post(`/console/dossiers/${id}/competence`, { skillId: '' })).statusCode).toBe(
      303,
    );
    expect(await names()).not.toContain('Nina Infirmière');
    // Members cannot touch it.
    const member = await signedIn();
    expect(
      (await member.client.post(`/console/dossiers/${id}/competence`, { skillId: driving.id })).statusCode,
    ).toBe(404);
  });

  it('routes to a structure that accepts (time measured), assigns a volunteer who sees the address only after accepting, and ends done', async () => {
    const op = await operator();
    const org = await structure('Les Voisins de Mende', { communes: ['Mende'], categorySlugs: ['courses'] });
    const v = await volunteer('Marc Bénévole', {
      commune: 'Mende',
      radiusKm: 15,
      domains: ['aide_alimentaire_urgence', 'solidarite_proximite', 'lien_personnes_fragiles'],
    });
    const phone = uniquePhone();
    const res = await intake(op.client, {
      lastName: 'Routée',
      firstName: 'Paulette',
      phone,
      address: '7 rue du Secret',
    });
    const id = caseIdOf(res.headers.location);

    expect(
      (await op.client.post(`/console/dossiers/${id}/orienter`, { organizationId: org.org.id })).statusCode,
    ).toBe(303);
    expect((await lastMailTo(t.database, org.member.email))?.subject).toContain('confiée');
    const [routed] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, id));
    expect(routed!.status).toBe('routed');

    // The structure's inbox: first name and commune, no last name, phone or address.
    const inbox = await org.client.get('/demandes-confiees');
    expect(inbox.body).toContain('Mme Paulette');
    expect(inbox.body).not.toContain('Routée');
    const before = await org.client.get(`/demandes-confiees/${id}`);
    expect(before.statusCode).toBe(200);
    expect(before.body).not.toContain(spaced(phone));
    expect(before.body).not.toContain('7 rue du Secret');
    // Someone else: 404.
    const stranger = await signedIn();
    expect((await stranger.client.get(`/demandes-confiees/${id}`)).statusCode).toBe(404);
    expect(
      (await stranger.client.post(`/demandes-confiees/${id}/reponse`, { decision: 'accept' })).statusCode,
    ).toBe(404);

    expect(
      (await org.client.post(`/demandes-confiees/${id}/reponse`, { decision: 'accept' })).statusCode,
    ).toBe(303);
    const after = await org.client.get(`/demandes-confiees/${id}`);
    expect(after.body).toContain(spaced(phone));
    expect(after.body).toContain('7 rue du Secret');
    const file = await op.client.get(`/console/dossiers/${id}`);
    expect(file.body).toMatch(/a accepté en \d+ min/);

    // A volunteer too.
    expect(
      (await op.client.post(`/console/dossiers/${id}/orienter`, { volunteerId: v.member.id })).statusCode,
    ).toBe(303);
    const offered = await v.client.get(`/demandes-confiees/${id}`);
    expect(offered.body).toContain('Mme Paulette');
    expect(offered.body).not.toContain('7 rue du Secret');
    expect(offered.body).not.toContain(spaced(phone));
    // The conversation about the case, opened by the operator, carries no personal data.
    const messages = await v.client.get('/messages');
    expect(messages.statusCode).toBe(200);
    expect(messages.body).not.toContain('7 rue du Secret');
    expect((await v.client.post(`/demandes-confiees/${id}/reponse`, { decision: 'accept' })).statusCode).toBe(
      303,
    );
    const accepted = await v.client.get(`/demandes-confiees/${id}`);
    expect(accepted.body).toContain('7 rue du Secret');
    expect(
      (
        await v.client.post(`/demandes-confiees/${id}/avancement`, {
          progress: 'done',
          note: 'Courses livrées',
        })
      ).statusCode,
    ).toBe(303);
    const [done] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, id));
    expect(done!.status).toBe('done');
    expect(done!.outcome).toBe('helped');
    const timeline = await op.client.get(`/console/dossiers/${id}`);
    expect(timeline.body).toContain('Courses livrées');
  });

  it('keeps the contact back when the person did not agree to share it', async () => {
    const op = await operator();
    const org = await structure('Sans Partage', { communes: ['Mende'], categorySlugs: ['courses'] });
    const phone = uniquePhone();
    const id = caseIdOf(
      (
        await intake(op.client, {
          lastName: 'Discrète',
          phone,
          consentShare: '',
          address: '9 impasse Cachée',
        })
      ).headers.location,
    );
    await op.client.post(`/console/dossiers/${id}/orienter`, { organizationId: org.org.id });
    await org.client.post(`/demandes-confiees/${id}/reponse`, { decision: 'accept' });
    const page = await org.client.get(`/demandes-confiees/${id}`);
    expect(page.body).not.toContain(spaced(phone));
    expect(page.body).not.toContain('9 impasse Cachée');
    expect(page.body).toContain('passez par le numéro unique');
  });
});

function ctxOf(accountId: string) {
  return {
    territoryId: t.territory.id,
    actor: { accountId, roles: ['member', 'operator'] as const },
    onBehalfOf: null,
    ip: null,
    requestId: 'test',
  } as unknown as import('../../src/platform/context.ts').Ctx;
}

describe('escalation', () => {
  it('sends a case routed but not accepted in time back to the queue, flagged, by urgency', async () => {
    const op = await operator();
    const org = await structure('Lente à Répondre', { communes: ['Mende'], categorySlugs: ['courses'] });
    const today = caseIdOf(
      (await intake(op.client, { lastName: 'Pressée', urgency: 'today' })).headers.location,
    );
    const week = caseIdOf(
      (await intake(op.client, { lastName: 'Patiente', urgency: 'week' })).headers.location,
    );
    for (const id of [today, week])
      await op.client.post(`/console/dossiers/${id}/orienter`, { organizationId: org.org.id });

    // Five hours later: past the 4 h of « aujourd'hui », within the 48 h of « cette semaine ».
    const escalated = await t.app.platform.cases.escalate(new Date(Date.now() + 5 * 3_600_000));
    expect(escalated).toBeGreaterThanOrEqual(1);
    const [a] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, today));
    expect(a!.status).toBe('qualified');
    expect(a!.escalatedAt).not.toBeNull();
    const [b] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, week));
    expect(b!.status).toBe('routed');
    const offers = await t.database.db.select().from(caseAssignment).where(eq(caseAssignment.caseId, today));
    expect(offers[0]!.expiredAt).not.toBeNull();
    // Running again changes nothing.
    await t.app.platform.cases.escalate(new Date(Date.now() + 5 * 3_600_000));

    const queue = await op.client.get('/console');
    const pos = queue.body.indexOf('Pressée');
    expect(pos).toBeGreaterThan(0);
    expect(queue.body.slice(Math.max(0, pos - 1500), pos + 1500)).toContain('Revenue dans la file');
    // Too late for the structure: the offer expired.
    expect(
      (await org.client.post(`/demandes-confiees/${today}/reponse`, { decision: 'accept' })).statusCode,
    ).toBe(404);
    const audit = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'case.escalate'), eq(auditEvent.subjectId, today)));
    expect(audit).toHaveLength(1);
  });
});

describe('timeline, call-backs and closing', () => {
  it('records calls and notes, a call-back shown in the queue, and the outcome', async () => {
    const op = await operator();
    const id = caseIdOf((await intake(op.client, { lastName: 'Rappel' })).headers.location);
    expect(
      (
        await op.client.post(`/console/dossiers/${id}/evenements`, {
          kind: 'call',
          callResult: 'voicemail',
          body: 'Message laissé',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (await op.client.post(`/console/dossiers/${id}/evenements`, { kind: 'call', callResult: '', body: '' }))
        .statusCode,
    ).toBe(422);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    expect(
      (
        await op.client.post(`/console/dossiers/${id}/rappel`, {
          date: today,
          time: '00:05',
          note: 'Rappeler sa fille',
        })
      ).statusCode,
    ).toBe(303);
    const queue = await op.client.get('/console');
    expect(queue.body).toContain('À rappeler aujourd’hui');
    expect(queue.body).toContain('Rappeler sa fille');
    const page = await op.client.get(`/console/dossiers/${id}`);
    expect(page.body).toContain('Messagerie');
    expect(page.body).toContain('Message laissé');
    expect(
      (await op.client.post(`/console/dossiers/${id}/cloture`, { closing: 'done', outcome: '' })).statusCode,
    ).toBe(422);
    expect(
      (
        await op.client.post(`/console/dossiers/${id}/cloture`, {
          closing: 'done',
          outcome: 'solved_otherwise',
          helpedBy: 'Sa voisine',
          followUpDate: '',
        })
      ).statusCode,
    ).toBe(303);
    const [row] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, id));
    expect(row!.status).toBe('done');
    expect(row!.helpedBy).toBe('Sa voisine');
    expect((await op.client.get('/console')).body).not.toContain(`/console/dossiers/${id}"`);
    const sheet = await op.client.get(`/console/dossiers/${id}/fiche`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain('Fiche de la demande');
  });
});

describe('an anonymised post for the beneficiary', () => {
  it('is published without name, phone or address, and answers go to the operator', async () => {
    const op = await operator();
    const phone = uniquePhone();
    const id = caseIdOf(
      (await intake(op.client, { lastName: 'Anonyme-Zorglub', phone, address: '3 chemin Privé' })).headers
        .location,
    );
    const form = await op.client.get(`/console/dossiers/${id}/annonce`);
    expect(form.statusCode).toBe(200);
    const res = await op.client.post(`/console/dossiers/${id}/annonce`, {
      title: 'Courses à Mende pour une dame âgée',
      description: 'Une personne âgée a besoin de courses chaque semaine.',
    });
    expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
    const [row] = await t.database.db.select().from(helpCase).where(eq(helpCase.id, id));
    expect(row!.postId).not.toBeNull();
    const visitor = new TestClient(t.app, t.host);
    const post = await visitor.get(`/annonces/${row!.postId}`);
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('Le numéro unique');
    for (const secret of ['Anonyme-Zorglub', spaced(phone), phone, '3 chemin Privé'])
      expect(post.body).not.toContain(secret);
    const api = await visitor.get(`/api/v1/posts/${row!.postId}`);
    expect(api.body).not.toContain('Zorglub');
    const target = await t.app.platform.posts.contactTarget(t.territory.id, row!.postId!);
    expect(target!.recipientAccountId).toBe(op.member.id);
  });
});

describe('the cases API of structures', () => {
  it('lists the structure’s routed cases and takes its answers, with its own key only', async () => {
    const op = await operator();
    const org = await structure('Structure API', { communes: ['Mende'], categorySlugs: ['courses'] });
    const other = await structure('Autre Structure', { communes: ['Mende'], categorySlugs: ['courses'] });
    const phone = uniquePhone();
    const id = caseIdOf(
      (await intake(op.client, { lastName: 'Apiste', firstName: 'Jeanne', phone })).headers.location,
    );
    await op.client.post(`/console/dossiers/${id}/orienter`, { organizationId: org.org.id });

    const created = await org.client.post(`/structures/${org.org.slug}/api`, {});
    expect(created.statusCode).toBe(200);
    const token = /mf_[A-Za-z0-9_-]{20,60}/.exec(created.body)![0];
    const otherToken = /mf_[A-Za-z0-9_-]{20,60}/.exec(
      (await other.client.post(`/structures/${other.org.slug}/api`, {})).body,
    )![0];
    await expect(
      (await signedIn()).client.get(`/structures/${org.org.slug}/api`).then((r) => r.statusCode),
    ).resolves.toBe(404);

    const call = (method: 'GET' | 'POST', url: string, key: string | null, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { host: t.host, ...(key ? { authorization: `Bearer ${key}` } : {}) },
        ...(payload ? { payload } : {}),
      });
    expect((await call('GET', '/api/v1/cases', null)).statusCode).toBe(401);
    const list = await call('GET', '/api/v1/cases', token);
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ id: string; name: string; contact: unknown }>;
    expect(items.map((i) => i.id)).toContain(id);
    expect(items.find((i) => i.id === id)!.contact).toBeNull();
    expect(list.body).not.toContain('Apiste');
    expect(list.json().next).toBeNull();
    expect((await call('GET', '/api/v1/cases', otherToken)).json().items).toEqual([]);
    expect(
      (await call('POST', `/api/v1/cases/${id}/status`, otherToken, { status: 'accepted' })).statusCode,
    ).toBe(404);
    expect((await call('POST', `/api/v1/cases/${id}/status`, token, { status: 'nope' })).statusCode).toBe(
      422,
    );
    expect((await call('POST', `/api/v1/cases/${id}/status`, token, { status: 'done' })).statusCode).toBe(
      409,
    );
    const accepted = await call('POST', `/api/v1/cases/${id}/status`, token, { status: 'accepted' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().contact.phone).toBe(phone);
    expect(
      (await call('POST', `/api/v1/cases/${id}/status`, token, { status: 'done', note: 'Fait' })).json()
        .status,
    ).toBe('done');

    // Pages, newest first, with a cursor (a page of one here); a malformed cursor is the first page.
    const second = caseIdOf(
      (await intake(op.client, { lastName: 'Pagina', firstName: 'Paul', phone: uniquePhone() })).headers
        .location,
    );
    await op.client.post(`/console/dossiers/${second}/orienter`, { organizationId: org.org.id });
    const cases = t.app.platform.cases;
    const first = await cases.apiList(t.territory.id, org.org.id, undefined, 1);
    expect(first.items.map((i) => i.caseId)).toEqual([second]);
    const rest = await cases.apiList(t.territory.id, org.org.id, first.next!, 1);
    expect(rest.items.map((i) => i.caseId)).toEqual([id]);
    expect(rest.next).toBeNull();
    const both = await call('GET', `/api/v1/cases?apres=${first.next}`, token);
    expect(both.json().items.map((i: { id: string }) => i.id)).toEqual([id]);
    const garbage = await call('GET', '/api/v1/cases?apres=%C3%A9t%C3%A9', token);
    expect(garbage.json().items.map((i: { id: string }) => i.id)).toEqual([second, id]);

    // A revoked key stops working.
    const keys = await t.app.platform.cases.tokens(org.org.id);
    expect(
      (await org.client.post(`/structures/${org.org.slug}/api/${keys[0]!.id}/revoquer`, {})).statusCode,
    ).toBe(303);
    expect((await call('GET', '/api/v1/cases', token)).statusCode).toBe(401);
  });
});

describe('privacy', () => {
  it('never shows a beneficiary’s name, phone or address on public pages, the API, or other members’ views', async () => {
    const op = await operator();
    const org = await structure('Crawl Asso', { communes: ['Mende'], categorySlugs: ['courses'] });
    const phone = uniquePhone();
    const secrets = ['Xyzzyplanted', 'Quuxfirst', phone, spaced(phone), '42 allée Planquée'];
    const id = caseIdOf(
      (
        await intake(op.client, {
          lastName: 'Xyzzyplanted',
          firstName: 'Quuxfirst',
          phone,
          address: '42 allée Planquée',
        })
      ).headers.location,
    );
    await op.client.post(`/console/dossiers/${id}/orienter`, { organizationId: org.org.id });
    await op.client.post(`/console/dossiers/${id}/annonce`, {
      title: 'Courses pour une personne isolée',
      description: 'Une personne de Mende a besoin de courses.',
    });
    const visitor = new TestClient(t.app, t.host);
    const member = await signedIn();
    for (const client of [visitor, member.client]) {
      const seen = new Set<string>();
      const queue = [
        '/',
        '/annonces',
        '/carte',
        '/missions',
        '/structures',
        '/api/v1/posts',
        '/demandes-confiees',
        '/messages',
        '/compte',
        '/demander-de-l-aide',
      ];
      while (queue.length > 0 && seen.size < 120) {
        const url = queue.shift()!;
        if (seen.has(url)) continue;
        seen.add(url);
        const res = await client.get(url);
        for (const s of secrets) expect(res.body, `${url} shows ${s}`).not.toContain(s);
        for (const [, href] of res.body.matchAll(/href="(\/[^"#]*)"/g)) {
          const link = href!.replace(/&amp;/g, '&');
          if (
            !link.startsWith('/assets') &&
            !link.startsWith('/theme') &&
            !link.startsWith('/dev') &&
            !seen.has(link)
          )
            queue.push(link);
        }
        for (const [, postId] of res.body.matchAll(/"id":"([0-9a-f-]{36})"/g))
          queue.push(`/api/v1/posts/${postId}`);
      }
      expect(seen.size).toBeGreaterThan(10);
    }
  });
});
