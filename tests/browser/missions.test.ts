import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// The « Done when » of structures and missions: a member declares an association; the admin
// validates it; it publishes a mission with 2 places; three volunteers apply; two are accepted,
// the third is on the waiting list; the mission shows as full; an accepted volunteer and the
// structure talk in the application's conversation. axe runs on every page on the way.

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

describe('structures and missions, the « Done when » journey', () => {
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('declare, validate, publish 2 places, 3 applications, 2 accepted, 1 waiting, full, and a conversation', async () => {
    const ownerAccount = await createMember(b.t, { displayName: 'Martine Association' });
    const adminAccount = await createMember(b.t, { displayName: 'Paul Admin', roles: ['admin'] });
    const owner = await signedInPage(ownerAccount.email, ownerAccount.password);
    contexts.push(owner.context);
    const o = owner.page;

    // A member declares an association.
    await o
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Missions' })
      .click();
    await main(o).getByRole('link', { name: 'Structures', exact: true }).click();
    await audit(o, 'missions-01-annuaire');
    await main(o).getByRole('link', { name: 'Déclarer une structure' }).click();
    await o.locator('#champ-name').fill('Les Restos du Gévaudan');
    await o.locator('#champ-kind').selectOption('association');
    await o.locator('#champ-rna').fill('W481000123');
    await o.locator('#champ-description').fill('Distribution de repas et de colis aux familles de Mende.');
    await o.getByRole('checkbox', { name: 'Aide alimentaire et d’urgence' }).check();
    await o.locator('#champ-commune').fill('Mende');
    await o.locator('#champ-contactEmail').fill('contact@restos-gevaudan.fr');
    await audit(o, 'missions-02-declarer');
    await main(o).getByRole('button', { name: 'Envoyer pour validation' }).click();
    expect(pathOf(o)).toBe('/structures/les-restos-du-gevaudan/gestion');
    await expect(main(o).getByText('attend la validation').first().isVisible()).resolves.toBe(true);
    await audit(o, 'missions-03-gestion-en-attente');

    // The admin validates it.
    const admin = await signedInPage(adminAccount.email, adminAccount.password);
    contexts.push(admin.context);
    await admin.page.goto('/admin/structures');
    await audit(admin.page, 'missions-04-admin-validation');
    await main(admin.page).getByRole('button', { name: 'Valider' }).first().click();
    await expect(main(admin.page).getByText('La structure est validée').isVisible()).resolves.toBe(true);

    // The team edits its page: the validated identity is shown, not editable.
    await o.reload();
    await main(o).getByRole('link', { name: 'Modifier la structure' }).click();
    expect(await o.locator('#champ-name').count()).toBe(0);
    await o.locator('#champ-website').fill('https://entraide-mendoise.fr');
    await audit(o, 'missions-04b-modifier-structure');
    await main(o).getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await expect(o.getByRole('status').textContent()).resolves.toContain(
      'Les informations de la structure sont enregistrées.',
    );

    // It publishes a mission with 2 places.
    await main(o).getByRole('link', { name: 'Publier une mission' }).click();
    await o.locator('#champ-title').fill('Distribution de colis samedi matin');
    await o
      .locator('#champ-description')
      .fill('Préparer les colis et les remettre aux familles, salle des fêtes.');
    await o.locator('#champ-categoryId').selectOption({ index: 1 });
    await o.getByRole('radio', { name: 'Une seule date' }).check();
    await o.locator('#champ-slotDay1').fill('2099-05-02');
    await o.locator('#champ-slotStart1').fill('09:00');
    await o.locator('#champ-slotEnd1').fill('12:00');
    await o.locator('#champ-slotPlaces1').fill('2');
    await o.locator('#champ-commune').fill('Mende');
    await audit(o, 'missions-05-publier');
    await main(o).getByRole('button', { name: 'Publier la mission' }).click();
    expect(pathOf(o)).toMatch(/^\/missions\/[0-9a-f-]{36}$/);
    const missionPath = pathOf(o);
    await audit(o, 'missions-06-mission-publiee');
    // The team corrects its text: the form without the dates, then the mission page again.
    await main(o).getByRole('link', { name: 'Modifier la mission' }).click();
    expect(await o.locator('#champ-slotDay1').count()).toBe(0);
    await o
      .locator('#champ-description')
      .fill('Préparer les colis et les remettre aux familles, salle des fêtes (entrée côté parking).');
    await audit(o, 'missions-06b-modifier-mission');
    await main(o).getByRole('button', { name: 'Enregistrer les modifications' }).click();
    expect(pathOf(o)).toBe(missionPath);
    await expect(main(o).textContent()).resolves.toContain('entrée côté parking');

    // Three volunteers apply; the third goes on the waiting list.
    const names = ['Anne Bénévole', 'Bruno Bénévole', 'Chloé Bénévole'];
    const volunteers: Page[] = [];
    for (const [i, displayName] of names.entries()) {
      const account = await createMember(b.t, { displayName });
      const v = await signedInPage(account.email, account.password, i === 2 ? MOBILE : {});
      contexts.push(v.context);
      await v.page.goto(missionPath);
      await v.page.locator('#champ-message').fill(`Bonjour, je suis ${displayName}, disponible samedi.`);
      if (i === 2) await audit(v.page, 'missions-07-candidater-complet-mobile');
      await main(v.page).getByRole('button', { name: 'Envoyer ma candidature' }).click();
      const flash = await main(v.page).locator('.notice--success').first().textContent();
      expect(flash).toContain(i < 2 ? 'Une place vous est réservée' : 'liste d’attente');
      volunteers.push(v.page);
    }
    await audit(volunteers[2]!, 'missions-08-liste-attente-mobile');

    // The structure accepts the two who hold a place.
    await o.goto(`${missionPath}/candidatures`);
    await audit(o, 'missions-09-candidatures');
    const cards = main(o).locator('.post-card');
    await expect(cards.count()).resolves.toBe(3);
    for (const name of names.slice(0, 2)) await main(o).getByRole('checkbox', { name }).check();
    await o.locator('#champ-decision').selectOption('accept');
    await main(o).getByRole('button', { name: 'Appliquer aux personnes cochées' }).click();
    await expect(
      main(o).getByText('C’est fait pour toutes les personnes cochées.').isVisible(),
    ).resolves.toBe(true);
    const body = (await main(o).textContent()) ?? '';
    expect(body.match(/acceptée/g)?.length).toBe(2);
    expect(body).toContain('sur liste d’attente');
    await audit(o, 'missions-10-acceptees');

    // The mission shows as full.
    await volunteers[2]!.goto(missionPath);
    await expect(main(volunteers[2]!).getByText('Complet').first().isVisible()).resolves.toBe(true);

    // An accepted volunteer and the structure talk in the application's conversation.
    const anne = volunteers[0]!;
    await anne.goto('/mes-candidatures');
    await audit(anne, 'missions-11-mes-candidatures');
    await main(anne).getByRole('link', { name: 'Conversation' }).click();
    expect(pathOf(anne)).toMatch(/^\/messages\//);
    await anne.getByLabel('Votre message').fill('Merci ! Où faut-il se garer ?');
    await main(anne).getByRole('button', { name: 'Envoyer le message' }).click();
    const thread = pathOf(anne);
    await o.goto(thread);
    await expect(main(o).getByText('Où faut-il se garer ?').isVisible()).resolves.toBe(true);
    await o.getByLabel('Votre message').fill('Sur la place du Foirail, à samedi !');
    await main(o).getByRole('button', { name: 'Envoyer le message' }).click();
    await anne.goto(thread);
    await expect(main(anne).getByText('Sur la place du Foirail').isVisible()).resolves.toBe(true);
    await audit(anne, 'missions-12-conversation');

    // The list and the map of missions, on a phone.
    const phone = await b.newContext(MOBILE);
    contexts.push(phone);
    const p = await phone.newPage();
    await p.goto('/missions');
    await audit(p, 'missions-13-liste-mobile');
    await p.goto('/structures/les-restos-du-gevaudan');
    await audit(p, 'missions-14-structure-mobile');
    await p.goto('/missions/carte');
    await screenshot(p, 'missions-15-carte-mobile');
  }, 180_000);
});
