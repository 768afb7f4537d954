import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as missionsRepo from '../../src/modules/missions/repository.ts';
import * as orgRepo from '../../src/modules/organizations/repository.ts';
import { createMember } from '../support/app.ts';
import {
  audit,
  mainOf,
  MOBILE,
  pathOf,
  screenshot,
  signedInPage as signedIn,
  startBrowserApp,
  type BrowserApp,
} from '../support/browser.ts';

// The « Done when » of the call centre: an operator registers a call for Mme Martin (no account)
// with the keyboard only; a second call shows « déjà connu »; suggestions; routed to a structure
// that accepts; a volunteer is assigned and sees the address only after accepting; the case ends
// done. axe runs on every console page; no public page shows her name, phone or address.

let b: BrowserApp;
beforeAll(async () => {
  b = await startBrowserApp();
});
afterAll(async () => {
  await b?.close();
});

const main = mainOf;
const signedInPage = (email: string, password: string, opts: BrowserContextOptions = {}) =>
  signedIn(b, email, password, opts);

/** Presses Tab until the field named `name` has the focus (keyboard only, as an operator would). */
async function tabTo(page: Page, name: string) {
  // From the autofocused first field, or from the top of the page (skip link, menus) if the
  // browser had not applied the autofocus yet.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((n) => (document.activeElement as HTMLInputElement | null)?.name === n, name))
      return;
  }
  throw new Error(`Tab never reached the field « ${name} »`);
}

const PHONE = '04 66 55 44 33';
const ADDRESS = '5 rue des Tilleuls';

describe('numéro unique, the « Done when » journey', () => {
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('registers a call by keyboard, warns on a second call, routes, accepts, assigns, and ends done', async () => {
    const t = b.t;
    const areas = await t.app.platform.territories.areas(t.territory.id);
    const mende = areas.find((a) => a.name === 'Mende')!;
    const courses = (await t.app.platform.territories.categories(t.territory.id)).find(
      (c) => c.slug === 'courses',
    )!;
    const opAccount = await createMember(t, {
      displayName: 'Sonia Opératrice',
      roles: ['member', 'operator'],
    });
    const managerAccount = await createMember(t, { displayName: 'Martine Association' });
    const volunteerAccount = await createMember(t, { displayName: 'Lucas Bénévole' });
    const org = await orgRepo.insertOrganization(t.database.db, {
      territoryId: t.territory.id,
      slug: 'voisins-de-mende',
      name: 'Les Voisins de Mende',
      kind: 'association',
      description: 'Courses et visites.',
      domains: [courses.domain],
      categoryIds: [courses.id],
      areaIds: [mende.id],
      areaId: mende.id,
      publicLat: mende.centroidLat,
      publicLon: mende.centroidLon,
      validatedAt: new Date(),
    });
    await orgRepo.insertMember(t.database.db, {
      organizationId: org.id,
      accountId: managerAccount.id,
      role: 'owner',
    });
    await missionsRepo.upsertProfile(t.database.db, {
      territoryId: t.territory.id,
      accountId: volunteerAccount.id,
      areaIds: [mende.id],
      baseAreaId: mende.id,
      radiusKm: 10,
      domains: [courses.domain],
    });

    const operator = await signedInPage(opAccount.email, opAccount.password);
    contexts.push(operator.context);
    const o = operator.page;
    await o
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Numéro unique' })
      .click();
    await audit(o, 'cases-01-queue-empty');
    await main(o).getByRole('link', { name: 'Nouvel appel' }).click();
    expect(pathOf(o)).toBe('/console/appel');
    await audit(o, 'cases-02-intake');

    // The call, keyboard only: the first field has the focus.
    const started = Date.now();
    expect(await o.evaluate(() => (document.activeElement as HTMLSelectElement).name)).toBe('civility');
    await o.keyboard.type('Mme');
    await tabTo(o, 'lastName');
    await o.keyboard.type('Martin');
    await tabTo(o, 'firstName');
    await o.keyboard.type('Jeanne');
    await tabTo(o, 'phone');
    await o.keyboard.type(PHONE);
    await tabTo(o, 'commune');
    await o.keyboard.type('Mende');
    await tabTo(o, 'address');
    await o.keyboard.type(ADDRESS);
    await tabTo(o, 'categoryId');
    await o.keyboard.type('Courses');
    await tabTo(o, 'urgency');
    await o.keyboard.type('Aujourd');
    await tabTo(o, 'need');
    await o.keyboard.type('Courses pour la semaine et passage à la pharmacie.');
    await tabTo(o, 'mobilityLimited');
    await o.keyboard.press('Space');
    await tabTo(o, 'hours');
    await o.keyboard.type('le matin');
    await tabTo(o, 'consentKeep');
    await o.keyboard.press('Space');
    await tabTo(o, 'consentShare');
    await o.keyboard.press('Space');
    await o.keyboard.press('Enter');
    await o.waitForURL(/\/console\/dossiers\/[0-9a-f-]{36}$/);
    expect(Date.now() - started).toBeLessThan(60_000);
    const caseUrl = pathOf(o);
    await expect(main(o).getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Mme Jeanne Martin',
    );
    await expect(main(o).textContent()).resolves.toContain(PHONE);
    await audit(o, 'cases-03-case');

    // A second call: « déjà connu » while typing, with a link to the open case.
    await o.goto('/console/appel');
    await tabTo(o, 'phone');
    await o.keyboard.type(PHONE);
    const notice = main(o).locator('#deja-connu .notice');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('Déjà connu');
    expect(await notice.getByRole('link').first().getAttribute('href')).toBe(caseUrl);
    await audit(o, 'cases-04-duplicate');
    await notice.getByRole('link').first().click();
    expect(pathOf(o)).toBe(caseUrl);

    // Suggestions, explained; route to the structure.
    const routing = main(o).locator('section', { has: o.getByRole('heading', { name: 'Orientation' }) });
    await expect(routing.textContent()).resolves.toContain('couvre Mende');
    await routing.getByRole('button', { name: 'Orienter vers Les Voisins de Mende' }).click();
    await expect(main(o).textContent()).resolves.toContain('en attente de réponse');

    // The structure accepts.
    const manager = await signedInPage(managerAccount.email, managerAccount.password, MOBILE);
    contexts.push(manager.context);
    const s = manager.page;
    await s.goto('/demandes-confiees');
    await audit(s, 'cases-05-inbox-phone');
    await main(s)
      .getByRole('link', { name: /Courses/ })
      .first()
      .click();
    await expect(main(s).textContent()).resolves.not.toContain(ADDRESS);
    await audit(s, 'cases-06-offer-phone');
    await main(s).getByRole('button', { name: 'J’accepte' }).click();
    await expect(main(s).textContent()).resolves.toContain(ADDRESS);

    // The operator sees the time to accept, and assigns the volunteer.
    await o.reload();
    await expect(main(o).textContent()).resolves.toMatch(/a accepté en \d+ min/);
    await main(o).getByRole('button', { name: 'Confier à Lucas Bénévole' }).click();

    // The volunteer: first name and commune, then the address after accepting.
    const volunteer = await signedInPage(volunteerAccount.email, volunteerAccount.password, MOBILE);
    contexts.push(volunteer.context);
    const v = volunteer.page;
    await v.goto('/demandes-confiees');
    await main(v)
      .getByRole('link', { name: /Courses/ })
      .first()
      .click();
    const before = (await main(v).textContent()) ?? '';
    expect(before).toContain('Mme Jeanne');
    expect(before).not.toContain('Martin');
    expect(before).not.toContain(ADDRESS);
    expect(before).not.toContain(PHONE);
    await main(v).getByRole('button', { name: 'J’accepte' }).click();
    const afterAccept = (await main(v).textContent()) ?? '';
    expect(afterAccept).toContain(ADDRESS);
    expect(afterAccept).toContain(PHONE);
    await audit(v, 'cases-07-volunteer-accepted-phone');
    await main(v).getByRole('button', { name: 'L’aide est apportée' }).click();

    // The case ends done.
    await o.reload();
    await expect(main(o).textContent()).resolves.toContain('Aide apportée');
    await audit(o, 'cases-08-done');
    await o.goto(`${caseUrl}/fiche`);
    await screenshot(o, 'cases-09-sheet');

    // Public pages and a member's views never show her.
    const visitor = await b.newContext();
    contexts.push(visitor);
    const p = await visitor.newPage();
    for (const url of ['/', '/annonces', '/structures', '/missions', '/demander-de-l-aide']) {
      await p.goto(url);
      const text = (await p.content()) ?? '';
      for (const secret of ['Martin', ADDRESS, PHONE, '0466554433'])
        expect(text, `${url}`).not.toContain(secret);
    }
    await audit(p, 'cases-10-online-form');
  });

  it('the intake form on a phone', async () => {
    const opAccount = await createMember(b.t, {
      displayName: 'Opératrice Mobile',
      roles: ['member', 'operator'],
    });
    const { context, page } = await signedInPage(opAccount.email, opAccount.password, MOBILE);
    contexts.push(context);
    await page.goto('/console/appel');
    await audit(page, 'cases-11-intake-phone');
    await page.goto('/console');
    await audit(page, 'cases-12-queue-phone');
  });

  it('an operator confirms a volunteer’s health skill', async () => {
    const t = b.t;
    const nurse = (await t.app.platform.missions.skills(t.territory.id)).find((k) => k.slug === 'infirmier')!;
    const volunteer = await createMember(t, { displayName: 'Inès Soignante' });
    await missionsRepo.upsertProfile(t.database.db, { territoryId: t.territory.id, accountId: volunteer.id });
    await missionsRepo.setVolunteerSkills(t.database.db, t.territory.id, volunteer.id, [nurse.id]);
    const opAccount = await createMember(t, { displayName: 'Sonia Vérifie', roles: ['member', 'operator'] });
    const { context, page } = await signedInPage(opAccount.email, opAccount.password);
    contexts.push(context);
    await page.goto('/console');
    await page
      .getByRole('navigation', { name: 'Numéro unique' })
      .getByRole('link', { name: 'Compétences à vérifier' })
      .click();
    const item = page.getByRole('listitem').filter({ hasText: 'Infirmier·e — Inès Soignante' });
    await item.waitFor();
    await audit(page, 'cases-13-skills-to-verify');
    await item.getByRole('button', { name: /Confirmer la compétence/ }).click();
    expect(await page.getByRole('status').textContent()).toContain('La compétence est confirmée.');
    expect(await page.getByRole('main').textContent()).toContain(
      'Infirmier·e de Inès Soignante : confirmée par Sonia Vérifie',
    );
    expect(await item.count()).toBe(0);
    await audit(page, 'cases-14-skill-confirmed');
  });
});
