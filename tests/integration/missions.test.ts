import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application, auditEvent, missionSlot, organization, outbox } from '../../src/db/schema.ts';
import type { Ctx } from '../../src/platform/context.ts';
import {
  createMember,
  createTestApp,
  lastMailTo,
  TestClient,
  testDbKind,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function signedIn(opts: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t, opts);
  const client = new TestClient(t.app, t.host);
  await client.logIn(member.email, member.password);
  return { member, client };
}

const PRIVATE_ADDRESS = '12 rue Secrète du Test';

async function declare(client: TestClient, fields: Record<string, string | string[]> = {}) {
  const res = await client.post('/structures', {
    name: 'Entraide Mendoise',
    kind: 'association',
    rna: 'W481000123',
    description: 'Nous portons les courses des personnes isolées.',
    domains: ['aide_alimentaire_urgence', 'lien_personnes_fragiles'],
    commune: 'Mende',
    communes: 'Marvejols, Florac',
    address: PRIVATE_ADDRESS,
    contactEmail: 'contact@entraide-mendoise.fr',
    ...fields,
  });
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  return res.headers.location!.split('/')[2]!;
}

async function validatedStructure(name: string) {
  const owner = await signedIn({ displayName: `Responsable ${name}` });
  const slug = await declare(owner.client, { name });
  const admin = await signedIn({ roles: ['admin'] });
  const [row] = await t.database.db.select().from(organization).where(eq(organization.slug, slug));
  const res = await admin.client.post(`/admin/structures/${row!.id}/valider`, {});
  expect(res.statusCode).toBe(303);
  return { ...owner, slug, id: row!.id };
}

async function publishMission(
  client: TestClient,
  slug: string,
  fields: Record<string, string | string[]> = {},
) {
  const cats = await t.app.platform.territories.categories(t.territory.id);
  const res = await client.post(`/structures/${slug}/missions`, {
    title: 'Distribution de colis',
    description: 'Préparer et distribuer les colis alimentaires.',
    categoryId: cats[0]!.id,
    schedule: 'date',
    slotDay1: '2099-05-02',
    slotStart1: '09:00',
    slotEnd1: '12:00',
    slotPlaces1: '2',
    commune: 'Mende',
    address: '3 place de la Mission',
    ...fields,
  });
  expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
  return res.headers.location!.split('/').pop()!;
}

describe('structures', () => {
  it('are created pending, seen only by their team and admins, then validated with an audit row and mails', async () => {
    const { client, member } = await signedIn({ displayName: 'Claire Owner' });
    const slug = await declare(client);
    expect(slug).toBe('entraide-mendoise');
    const visitor = new TestClient(t.app, t.host);
    expect((await visitor.get(`/structures/${slug}`)).statusCode).toBe(404);
    expect((await client.get(`/structures/${slug}`)).body).toContain('attend la validation');
    const other = await signedIn();
    expect((await other.client.get('/admin/structures')).statusCode).toBe(404);
    expect((await other.client.get(`/structures/${slug}/gestion`)).statusCode).toBe(404);
    const admin = await signedIn({ roles: ['admin'] });
    const queue = await admin.client.get('/admin/structures');
    expect(queue.body).toContain('Entraide Mendoise');
    expect(queue.body).toContain('W481000123');
    const [row] = await t.database.db.select().from(organization).where(eq(organization.slug, slug));
    expect((await admin.client.post(`/admin/structures/${row!.id}/valider`, {})).statusCode).toBe(303);
    const page = await visitor.get(`/structures/${slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Marvejols');
    expect(page.body).not.toContain(PRIVATE_ADDRESS);
    expect((await lastMailTo(t.database, member.email))?.subject).toBe('Votre structure est validée');
    const audits = await t.database.db.select().from(auditEvent).where(eq(auditEvent.subjectId, row!.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['organization.create', 'organization.validate']);
    const dir = await visitor.get('/structures?domaine=aide_alimentaire_urgence&commune=Florac');
    expect(dir.body).toContain('Entraide Mendoise');
    expect((await visitor.get('/structures?domaine=garde_enfants')).body).not.toContain('Entraide Mendoise');
  });

  it('refuses bad SIREN and RNA numbers and keeps the form', async () => {
    const { client } = await signedIn();
    const res = await client.post('/structures', {
      name: 'Nom gardé',
      kind: 'association',
      siren: '123456789',
      rna: 'X12',
      description: 'Texte',
      commune: 'Mende',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Ce numéro SIREN n’est pas valide');
    expect(res.body).toContain('Ce numéro RNA n’est pas valide');
    expect(res.body).toContain('Nom gardé');
  });

  it('a mission is edited by its team (dates and places kept), and its volunteers are told when the place changes', async () => {
    const s = await validatedStructure('Épicerie du Lot');
    const id = await publishMission(s.client, s.slug, { commune: 'Mende', address: '3 rue Basse' });
    const v = await signedIn({ displayName: 'Valérie Aide' });
    await v.client.post(`/missions/${id}/candidature`, {});
    const form = await s.client.get(`/missions/${id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Distribution de colis');
    expect(form.body).toContain('3 rue Basse');
    expect(form.body).not.toContain('name="slotDay1"');
    const cats = await t.app.platform.territories.categories(t.territory.id);
    const fields = {
      title: 'Distribution de colis (salle des fêtes)',
      description: 'Préparer et distribuer les colis, à la salle des fêtes cette fois.',
      categoryId: cats[1]!.id,
      commune: 'Marvejols',
      address: 'Salle des fêtes',
      minAge: '16',
    };
    // Bad input: the form again with the values kept.
    const bad = await s.client.post(`/missions/${id}/modifier`, { ...fields, title: '' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('à la salle des fêtes cette fois');
    const res = await s.client.post(`/missions/${id}/modifier`, fields);
    expect(res.statusCode).toBe(303);
    const page = await new TestClient(t.app, t.host).get(`/missions/${id}`);
    expect(page.body).toContain('Distribution de colis (salle des fêtes)');
    expect(page.body).toContain('Marvejols');
    expect(page.body).not.toContain('Salle des fêtes');
    // The place changed: the volunteer is told, with the link.
    const mail = await lastMailTo(t.database, v.member.email);
    expect(mail?.subject).toBe('Le lieu d’une mission a changé');
    expect(mail?.text).toContain(`/missions/${id}`);
    // The dates and places did not move; the application is still there.
    const slots = await t.database.db.select().from(missionSlot).where(eq(missionSlot.missionId, id));
    expect(slots.map((x) => [x.capacity, x.taken])).toEqual([[2, 1]]);
    // Not the team: 404; a closed mission cannot be edited.
    expect((await v.client.get(`/missions/${id}/modifier`)).statusCode).toBe(404);
    expect((await v.client.post(`/missions/${id}/modifier`, fields)).statusCode).toBe(404);
    await s.client.post(`/missions/${id}/cloturer`, {});
    expect((await s.client.get(`/missions/${id}/modifier`)).statusCode).toBe(404);
  });

  it('are edited by their team: identity kept once validated, a rejected one goes back to validation', async () => {
    const s = await validatedStructure('Entraide du Causse');
    const form = await s.client.get(`/structures/${s.slug}/modifier`);
    expect(form.statusCode).toBe(200);
    // Filled in, the private address included (the team's own), the communes covered listed.
    expect(form.body).toContain(PRIVATE_ADDRESS);
    expect(form.body).toContain('Marvejols, Florac');
    const fields = {
      name: 'Un autre nom',
      kind: 'commune',
      rna: 'W481000999',
      description: 'Courses, visites et appels aux personnes seules.',
      domains: ['lien_personnes_fragiles'],
      commune: 'Florac-Trois-Rivières',
      communes: '',
      address: PRIVATE_ADDRESS,
      contactEmail: 'bonjour@causse.fr',
      website: 'https://causse.fr',
    };
    expect((await s.client.post(`/structures/${s.slug}/modifier`, fields)).statusCode).toBe(303);
    const [row] = await t.database.db.select().from(organization).where(eq(organization.id, s.id));
    // What the admin checked stays; the rest changes; still validated and public.
    expect([row!.name, row!.kind, row!.rna]).toEqual(['Entraide du Causse', 'association', 'W481000123']);
    expect(row!.description).toBe('Courses, visites et appels aux personnes seules.');
    expect(row!.contactEmail).toBe('bonjour@causse.fr');
    expect(row!.validatedAt).not.toBeNull();
    const visitor = new TestClient(t.app, t.host);
    const page = await visitor.get(`/structures/${s.slug}`);
    expect(page.body).toContain('Courses, visites et appels aux personnes seules.');
    expect(page.body).not.toContain(PRIVATE_ADDRESS);
    const audited = await t.database.db.select().from(auditEvent).where(eq(auditEvent.subjectId, s.id));
    expect(audited.map((a) => a.action)).toContain('organization.update');
    // Bad input: the form again with the values kept, nothing written.
    const bad = await s.client.post(`/structures/${s.slug}/modifier`, {
      ...fields,
      description: '',
      website: 'pas une adresse',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('bonjour@causse.fr');
    // Not the team: 404, for a member as for a visitor's sign-in redirect.
    const other = await signedIn();
    expect((await other.client.get(`/structures/${s.slug}/modifier`)).statusCode).toBe(404);
    expect((await other.client.post(`/structures/${s.slug}/modifier`, fields)).statusCode).toBe(404);
    expect((await visitor.get(`/structures/${s.slug}/modifier`)).statusCode).toBe(303);

    // A rejected structure, corrected, waits for the admin again.
    const owner = await signedIn();
    const slug = await declare(owner.client, { name: 'Structure à corriger' });
    const [declared] = await t.database.db.select().from(organization).where(eq(organization.slug, slug));
    const admin = await signedIn({ roles: ['admin'] });
    await admin.client.post(`/admin/structures/${declared!.id}/refuser`, { reason: 'Il manque le RNA.' });
    const fixed = await owner.client.post(`/structures/${slug}/modifier`, {
      ...fields,
      name: 'Structure corrigée',
      rna: 'W481000777',
    });
    expect(fixed.statusCode).toBe(303);
    const [again] = await t.database.db.select().from(organization).where(eq(organization.id, declared!.id));
    expect([again!.name, again!.rna, again!.rejectedAt, again!.kind]).toEqual([
      'Structure corrigée',
      'W481000777',
      null,
      'commune',
    ]);
    expect((await admin.client.get('/admin/structures')).body).toContain('Structure corrigée');
  });

  it('are rejected with a reason the team reads', async () => {
    const { client, member } = await signedIn();
    const slug = await declare(client, { name: 'Structure douteuse' });
    const admin = await signedIn({ roles: ['admin'] });
    const [row] = await t.database.db.select().from(organization).where(eq(organization.slug, slug));
    expect((await admin.client.post(`/admin/structures/${row!.id}/refuser`, { reason: '' })).statusCode).toBe(
      422,
    );
    const res = await admin.client.post(`/admin/structures/${row!.id}/refuser`, {
      reason: 'Pas de numéro RNA.',
    });
    expect(res.statusCode).toBe(303);
    expect((await client.get(`/structures/${slug}`)).body).toContain('Pas de numéro RNA.');
    expect((await new TestClient(t.app, t.host).get(`/structures/${slug}`)).statusCode).toBe(404);
    expect((await lastMailTo(t.database, member.email))?.text).toContain('Pas de numéro RNA.');
  });

  it('invite people by email to their team, who join the applications’ conversations', async () => {
    const s = await validatedStructure('Amis du Gévaudan');
    // A volunteer applied before the new member joins: the conversation already exists.
    const missionId = await publishMission(s.client, s.slug);
    const volunteer = await signedIn({ displayName: 'Victor Avance' });
    await volunteer.client.post(`/missions/${missionId}/candidature`, { message: 'Je suis là dès lundi.' });
    const convo = /href="(\/messages\/[0-9a-f-]{36})"/.exec(
      (await volunteer.client.get('/mes-candidatures')).body,
    )?.[1];
    expect(convo, 'conversation link on « Mes candidatures »').toBeTruthy();
    const invitee = await signedIn();
    expect((await invitee.client.get(convo!)).statusCode).toBe(404);
    const res = await s.client.post(`/structures/${s.slug}/invitations`, {
      email: invitee.member.email,
      role: 'manager',
    });
    expect(res.statusCode).toBe(303);
    const mail = await lastMailTo(t.database, invitee.member.email);
    const link = /https?:\/\/\S+/.exec(mail!.text)![0];
    const token = new URL(link).searchParams.get('jeton')!;
    expect((await invitee.client.get(`/structures/invitation?jeton=${token}`)).body).toContain(
      'Amis du Gévaudan',
    );
    expect((await invitee.client.post('/structures/invitation', { jeton: token })).statusCode).toBe(303);
    expect((await invitee.client.get(`/structures/${s.slug}/gestion`)).statusCode).toBe(200);
    // The new manager reads the earlier conversation (nothing unread for them) and answers in it.
    const thread = await invitee.client.get(convo!);
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain('Je suis là dès lundi.');
    expect((await invitee.client.post(convo!, { body: 'Bienvenue, Victor !' })).statusCode).toBe(303);
    expect((await volunteer.client.get(convo!)).body).toContain('Bienvenue, Victor !');
    // Single use.
    expect((await invitee.client.post('/structures/invitation', { jeton: token })).statusCode).toBe(400);
  });

  it('show projects, counted on /projets', async () => {
    const s = await validatedStructure('Jardins partagés');
    const res = await s.client.post(`/structures/${s.slug}/projets`, {
      title: 'Un potager solidaire',
      description: 'Des légumes pour l’épicerie sociale.',
      commune: 'Florac',
      link: 'https://exemple.fr/potager',
    });
    expect(res.statusCode).toBe(303);
    const list = await new TestClient(t.app, t.host).get('/projets');
    expect(list.body).toContain('Un potager solidaire');
    expect(list.body).toMatch(/\d+ projets et initiatives/);
  });
});

describe('the map of structures', () => {
  it('shows validated structures at their public point only, never a private address or email', async () => {
    const shown = await validatedStructure('Carte validée');
    // Kind « autre » may not show its address: even when asked, its point stays approximate.
    const hidden = await validatedStructure('Carte sans lieu public');
    // Its exact (private) point is elsewhere than its public one: the map must show the public one.
    await t.database.db
      .update(organization)
      .set({ kind: 'autre', exactLat: 44.6, exactLon: 3.6, publicLat: 44.52, publicLon: 3.5 })
      .where(eq(organization.id, hidden.id));
    const pendingOwner = await signedIn();
    await declare(pendingOwner.client, { name: 'Carte en attente' });
    const asked = await signedIn();
    const askedSlug = await declare(asked.client, { name: 'Carte autre', kind: 'autre', showAddress: 'on' });

    const anonymous = new TestClient(t.app, t.host);
    const res = await anonymous.get('/api/v1/organizations.geojson?bbox=-5,40,10,52');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const body = JSON.parse(res.body) as {
      features: Array<{ geometry: { coordinates: [number, number] }; properties: Record<string, string> }>;
    };
    const placed = body.features.find((f) => f.properties.url === `/structures/${hidden.slug}`);
    expect(placed?.geometry.coordinates).toEqual([3.5, 44.52]);
    const mine = body.features.find((f) => f.properties.title === 'Carte validée');
    expect(mine?.properties).toMatchObject({ category: 'Association', url: `/structures/${shown.slug}` });
    expect(body.features.some((f) => f.properties.title === 'Carte en attente')).toBe(false);
    expect(res.body).not.toContain(PRIVATE_ADDRESS);
    expect(res.body).not.toContain('contact@entraide-mendoise.fr');
    expect(res.body).not.toContain('@');
    // Every point is the structure's public point, never its exact (private) one.
    const rows = await t.database.db.select().from(organization);
    for (const f of body.features) {
      const row = rows.find((r) => `/structures/${r.slug}` === f.properties.url)!;
      expect(row.validatedAt).not.toBeNull();
      expect(f.geometry.coordinates).toEqual([row.publicLon, row.publicLat]);
      if (!row.showAddress && row.exactLat !== null)
        expect([row.publicLat, row.publicLon]).not.toEqual([row.exactLat, row.exactLon]);
    }
    // A structure that may not show its address is placed approximately even when it asked to.
    const autre = rows.find((r) => r.slug === askedSlug)!;
    expect(autre.showAddress).toBe(false);
    if (autre.exactLat !== null) expect(autre.publicLat).not.toBe(autre.exactLat);

    // The directory's filters apply; a bad box is refused.
    const filtered = await anonymous.get(
      '/api/v1/organizations.geojson?bbox=-5,40,10,52&domaine=garde_enfants',
    );
    expect(JSON.parse(filtered.body).features).toEqual([]);
    expect((await anonymous.get('/api/v1/organizations.geojson?bbox=1,2')).statusCode).toBe(400);
  });

  it('is a page with the list and the filters, linked from the directory and back', async () => {
    await validatedStructure('Carte en liste');
    const anonymous = new TestClient(t.app, t.host);
    const directory = await anonymous.get('/structures');
    expect(directory.body).toContain('href="/structures/carte"');
    const page = await anonymous.get('/structures/carte?domaine=aide_alimentaire_urgence');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Carte en liste');
    expect(page.body).toContain(
      'data-posts="/api/v1/organizations.geojson?domaine=aide_alimentaire_urgence"',
    );
    expect(page.body).toContain('href="/structures?domaine=aide_alimentaire_urgence"');
    expect(page.body).not.toContain(PRIVATE_ADDRESS);
    const none = await anonymous.get('/structures/carte?domaine=garde_enfants');
    expect(none.body).not.toContain('Carte en liste');
  });
});

describe('missions and applications', () => {
  it('fill two places, put the third volunteer on the waiting list, and promote them when a place frees up', async () => {
    const s = await validatedStructure('Banque alimentaire test');
    const id = await publishMission(s.client, s.slug);
    const volunteers = await Promise.all(
      ['Anne Bénévole', 'Bruno Bénévole', 'Chloé Bénévole'].map((displayName) => signedIn({ displayName })),
    );
    for (const v of volunteers) {
      const res = await v.client.post(`/missions/${id}/candidature`, { message: 'Disponible !' });
      expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
    }
    const page = await new TestClient(t.app, t.host).get(`/missions/${id}`);
    expect(page.body).toContain('Complet');
    expect(page.body).not.toContain('3 place de la Mission');
    const apps = await t.database.db.select().from(application).where(eq(application.missionId, id));
    expect(apps.filter((a) => a.waitlistedAt === null)).toHaveLength(2);
    expect((await lastMailTo(t.database, volunteers[2]!.member.email))?.subject).toBe(
      'Vous êtes sur la liste d’attente',
    );
    expect((await lastMailTo(t.database, s.member.email))?.subject).toBe('Nouvelle candidature');

    // Each application has its conversation between the volunteer and the structure's team.
    const mine0 = await volunteers[0]!.client.get('/mes-candidatures');
    const convo = /href="(\/messages\/[0-9a-f-]{36})"/.exec(mine0.body)?.[1];
    expect(convo, 'conversation link on « Mes candidatures »').toBeTruthy();
    const thread = await s.client.get(convo!);
    expect(thread.body).toContain('Disponible !');
    // The thread names its subject: the mission, with a link to it.
    expect(thread.body).toContain(`href="/missions/${id}"`);
    expect(thread.body).not.toContain('Sujet supprimé');
    const reply = await s.client.post(convo!, { body: 'Merci, à samedi !' });
    expect(reply.statusCode).toBeLessThan(400);
    expect((await volunteers[0]!.client.get(convo!)).body).toContain('Merci, à samedi !');
    expect((await volunteers[1]!.client.get(convo!)).statusCode).toBe(404);

    // Contact details: none before acceptance.
    let triage = await s.client.get(`/missions/${id}/candidatures`);
    expect(triage.statusCode).toBe(200);
    for (const v of volunteers) expect(triage.body).not.toContain(v.member.email);
    // A stranger cannot see the triage page.
    expect((await volunteers[0]!.client.get(`/missions/${id}/candidatures`)).statusCode).toBe(404);

    const pending = apps.filter((a) => a.waitlistedAt === null).map((a) => a.id);
    const bulk = await s.client.post(`/missions/${id}/candidatures`, { ids: pending, decision: 'accept' });
    expect(bulk.statusCode).toBe(303);
    triage = await s.client.get(`/missions/${id}/candidatures`);
    const accepted = volunteers.filter((v) =>
      apps.some((a) => pending.includes(a.id) && a.volunteerAccountId === v.member.id),
    );
    for (const v of accepted) expect(triage.body).toContain(v.member.email);
    const waiting = volunteers.find((v) => !accepted.includes(v))!;
    expect(triage.body).not.toContain(waiting.member.email);
    expect((await lastMailTo(t.database, accepted[0]!.member.email))?.subject).toBe(
      'Votre candidature est acceptée',
    );

    // Accepting a waitlisted volunteer is refused: capacity holds.
    const waitingApp = apps.find((a) => a.volunteerAccountId === waiting.member.id)!;
    const refused = await s.client.post(`/candidatures/${waitingApp.id}/decision`, { decision: 'accept' });
    expect(refused.statusCode).toBe(409);

    // One accepted volunteer withdraws: the waiting one gets the place.
    const leaving = apps.find((a) => a.volunteerAccountId === accepted[0]!.member.id)!;
    expect((await accepted[0]!.client.post(`/candidatures/${leaving.id}/retirer`, {})).statusCode).toBe(303);
    const [promoted] = await t.database.db
      .select()
      .from(application)
      .where(eq(application.id, waitingApp.id));
    expect(promoted!.waitlistedAt).toBeNull();
    expect(promoted!.promotedAt).not.toBeNull();
    expect((await lastMailTo(t.database, waiting.member.email))?.subject).toBe('Une place s’est libérée');
    const [slot] = await t.database.db.select().from(missionSlot).where(eq(missionSlot.missionId, id));
    expect(slot!.taken).toBe(2);

    // Declining with a coded reason frees the place; the mission is open again.
    const dec = await s.client.post(`/candidatures/${waitingApp.id}/decision`, {
      decision: 'decline',
      reason: 'skills',
    });
    expect(dec.statusCode).toBe(303);
    expect((await lastMailTo(t.database, waiting.member.email))?.text).toContain(
      'Les compétences demandées manquent.',
    );
    expect((await new TestClient(t.app, t.host).get(`/missions/${id}`)).body).toContain(
      '1 place(s) libre(s)',
    );
    const mine = await waiting.client.get('/mes-candidatures');
    expect(mine.body).toContain('refusée');
  });

  it('are searched by domain, category, commune, near, dates, skills and remote', async () => {
    const s = await validatedStructure('Croix test');
    const skills = await t.app.platform.missions.skills(t.territory.id);
    const nurse = skills.find((k) => k.slug === 'infirmier')!;
    const cats = await t.app.platform.territories.categories(t.territory.id);
    const health = await publishMission(s.client, s.slug, {
      title: 'Renfort infirmier au centre de vaccination',
      requiredSkillIds: nurse.id,
      commune: 'Marvejols',
      slotDay1: '2099-06-10',
    });
    const remote = await publishMission(s.client, s.slug, {
      title: 'Appels de convivialité',
      categoryId: cats.find((c) => c.domain === 'lien_personnes_fragiles')!.id,
      remoteOnly: 'on',
      commune: '',
      schedule: 'recurring',
      recurrenceText: 'chaque mardi après-midi',
      recurrenceDays: '2',
      recurrencePlaces: '5',
    });
    const visitor = new TestClient(t.app, t.host);
    const bySkill = await visitor.get('/missions?competence=infirmier');
    expect(bySkill.body).toContain('Renfort infirmier');
    expect(bySkill.body).not.toContain('Appels de convivialité');
    const byRemote = await visitor.get('/missions?distance=oui');
    expect(byRemote.body).toContain('Appels de convivialité');
    expect(byRemote.body).not.toContain('Renfort infirmier');
    expect((await visitor.get('/missions?commune=Marvejols')).body).toContain('Renfort infirmier');
    expect((await visitor.get('/missions?commune=Florac')).body).not.toContain('Renfort infirmier');
    expect((await visitor.get('/missions?du=2099-06-11')).body).not.toContain('Renfort infirmier');
    expect((await visitor.get('/missions?au=2099-06-10&du=2099-06-01')).body).toContain('Renfort infirmier');
    const near = await visitor.get('/missions?pres=Marvejols&rayon=5');
    expect(near.body).toContain('Renfort infirmier');
    expect((await visitor.get('/missions?pres=Langogne&rayon=5')).body).not.toContain('Renfort infirmier');
    expect((await visitor.get(`/missions/${remote}`)).body).toContain('chaque mardi après-midi');

    const api = await visitor.get('/api/v1/missions?competence=infirmier');
    expect(api.statusCode).toBe(200);
    const body = api.json() as { items: Array<{ id: string; skills: Array<{ slug: string }> }> };
    expect(body.items.map((i) => i.id)).toContain(health);
    expect(JSON.stringify(body)).not.toContain('3 place de la Mission');
    expect((await visitor.get('/api/v1/missions?du=pas-une-date')).statusCode).toBe(400);
  });

  it('has a JSON API for structures and applications', async () => {
    const s = await validatedStructure('Api structure');
    const id = await publishMission(s.client, s.slug, { slotPlaces1: '1' });
    const visitor = new TestClient(t.app, t.host);
    const list = (await visitor.get('/api/v1/organizations?commune=Mende')).json() as {
      items: Array<{ slug: string }>;
    };
    expect(list.items.map((o) => o.slug)).toContain(s.slug);
    const one = await visitor.get(`/api/v1/organizations/${s.slug}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain(PRIVATE_ADDRESS);
    expect((one.json() as { missions: Array<{ id: string }> }).missions.map((m) => m.id)).toContain(id);
    expect((await visitor.get('/api/v1/organizations/inconnue')).statusCode).toBe(404);
    expect((await visitor.postJson(`/api/v1/missions/${id}/applications`, {})).statusCode).toBe(401);
    const a = await signedIn();
    const first = await a.client.postJson(`/api/v1/missions/${id}/applications`, { message: 'Je viens' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ status: 'pending' });
    expect((await a.client.postJson(`/api/v1/missions/${id}/applications`, {})).statusCode).toBe(409);
    const b = await signedIn();
    expect((await b.client.postJson(`/api/v1/missions/${id}/applications`, {})).json()).toMatchObject({
      status: 'waitlisted',
    });
    // The team cannot apply to its own mission.
    expect((await s.client.postJson(`/api/v1/missions/${id}/applications`, {})).statusCode).toBe(409);
    const doc = (await visitor.get('/api/openapi.json')).json() as { paths: Record<string, unknown> };
    for (const p of [
      '/api/v1/organizations',
      '/api/v1/organizations/{slug}',
      '/api/v1/missions',
      '/api/v1/missions/{id}/applications',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
  });

  it('never exceeds capacity when many volunteers apply at the same instant', async () => {
    const s = await validatedStructure('Capacité test');
    const id = await publishMission(s.client, s.slug, { slotPlaces1: '10' });
    const people = await Promise.all(Array.from({ length: 40 }, () => createMember(t)));
    const ctx = (accountId: string): Ctx => ({
      territoryId: t.territory.id,
      actor: { accountId, roles: ['member'] },
      onBehalfOf: null,
      ip: null,
      requestId: 'test',
    });
    const results = await Promise.all(
      people.map((p) =>
        t.app.platform.missions.apply(
          ctx(p.id),
          id,
          { slotId: '', message: '', ageConfirmed: false },
          'http://x',
        ),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const statuses = results.map((r) => (r.ok ? r.value.status : 'error'));
    expect(statuses.filter((s) => s === 'pending')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(30);
    const [slot] = await t.database.db.select().from(missionSlot).where(eq(missionSlot.missionId, id));
    expect(slot!.taken).toBe(10);
    const held = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(application)
      .where(sql`${application.missionId} = ${id} and ${application.waitlistedAt} is null`);
    expect(Number(held[0]!.n)).toBe(10);
    const mails = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
    expect(Number(mails[0]!.n)).toBeGreaterThan(40);
    expect(testDbKind()).toMatch(/pglite|postgres/);
  });
});

describe('volunteer profile', () => {
  it('stores skills (health ones to verify), availability, place and domains; a structure verifies', async () => {
    const v = await signedIn({ displayName: 'Inès Infirmière' });
    const skills = await t.app.platform.missions.skills(t.territory.id);
    const nurse = skills.find((k) => k.slug === 'infirmier')!;
    const cook = skills.find((k) => k.slug === 'cuisine')!;
    const res = await v.client.post('/compte/benevole', {
      skillIds: [nurse.id, cook.id],
      days: ['lundi', 'samedi'],
      dayParts: ['matin'],
      domains: ['lien_personnes_fragiles'],
      commune: 'Mende',
      radiusKm: '15',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const page = await v.client.get('/compte/benevole');
    expect(page.body).toContain('Infirmier·e : à vérifier');
    expect((await v.client.post('/compte/benevole', { radiusKm: '15' })).statusCode).toBe(422);

    const s = await validatedStructure('Centre de soins test');
    const id = await publishMission(s.client, s.slug, { requiredSkillIds: nurse.id });
    // Before applying, the structure cannot verify this person.
    const early = await s.client.post(`/structures/${s.slug}/competences`, {
      accountId: v.member.id,
      skillId: nurse.id,
      missionId: id,
    });
    expect(early.statusCode).toBe(404);
    await v.client.post(`/missions/${id}/candidature`, {});
    const triage = await s.client.get(`/missions/${id}/candidatures`);
    expect(triage.body).toContain('à vérifier');
    const ok = await s.client.post(`/structures/${s.slug}/competences`, {
      accountId: v.member.id,
      skillId: nurse.id,
      missionId: id,
    });
    expect(ok.statusCode).toBe(303);
    expect((await v.client.get('/compte/benevole')).body).toContain('vérifié par Centre de soins test');
  });

  it('lists health skills to verify for operators, who confirm them (audited); nobody else can', async () => {
    const skills = await t.app.platform.missions.skills(t.territory.id);
    const doctor = skills.find((k) => k.slug === 'medecin')!;
    const cook = skills.find((k) => k.slug === 'cuisine')!;
    const v = await signedIn({ displayName: 'Marc Médecin' });
    await v.client.post('/compte/benevole', { skillIds: [doctor.id, cook.id], commune: 'Marvejols' });
    const operator = await signedIn({ displayName: 'Odile Opératrice', roles: ['member', 'operator'] });
    const list = await operator.client.get('/console/competences');
    expect(list.statusCode).toBe(200);
    const item = list.body.slice(list.body.indexOf('Médecin — Marc Médecin'));
    expect(item).toContain('Marvejols');
    // Only health skills wait for a check; never the volunteer's contact details.
    expect(list.body).not.toContain('Cuisine — Marc Médecin');
    expect(list.body).not.toContain(v.member.email);

    // A member, even the volunteer, gets the 404 of a page that does not exist, and cannot confirm.
    expect((await v.client.get('/console/competences')).statusCode).toBe(404);
    const self = await v.client.post('/console/competences', { accountId: v.member.id, skillId: doctor.id });
    expect(self.statusCode).toBe(404);
    // An unknown skill (the query also requires the skill to be of the operator’s territory).
    const elsewhere = await operator.client.post('/console/competences', {
      accountId: v.member.id,
      skillId: '00000000-0000-4000-8000-000000000000',
    });
    expect(elsewhere.statusCode).toBe(404);

    const done = await operator.client.post('/console/competences', {
      accountId: v.member.id,
      skillId: doctor.id,
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/console/competences');
    const after = await operator.client.get('/console/competences');
    expect(after.body).not.toContain('Médecin — Marc Médecin');
    expect(after.body).toContain('Médecin de Marc Médecin : confirmée par Odile Opératrice');
    expect((await v.client.get('/compte/benevole')).body).toContain('vérifié par Odile Opératrice');
    const audited = await t.database.db
      .select()
      .from(auditEvent)
      .where(eq(auditEvent.action, 'skill.verify'));
    expect(audited.some((a) => a.actorAccountId === operator.member.id && a.subjectId === v.member.id)).toBe(
      true,
    );
    // Confirming twice changes nothing.
    const again = await operator.client.post('/console/competences', {
      accountId: v.member.id,
      skillId: doctor.id,
    });
    expect(again.statusCode).toBe(404);
  });
});
