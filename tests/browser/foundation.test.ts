import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPhone } from '../../src/domain/input.ts';
import { createMember, uniqueSlug } from '../support/app.ts';
import {
  activeElement,
  checkA11y,
  layoutProblems,
  MOBILE,
  screenshot,
  startBrowserApp,
  type BrowserApp,
} from '../support/browser.ts';

let b: BrowserApp;
beforeAll(async () => {
  b = await startBrowserApp();
});
afterAll(async () => {
  await b?.close();
});

const main = (page: Page) => page.getByRole('main');
const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const pathOf = (page: Page) => new URL(page.url()).pathname;

async function expectHeading(page: Page, text: string | RegExp) {
  const h1 = (await heading(page).textContent())?.trim() ?? '';
  if (typeof text === 'string') expect(h1).toBe(text);
  else expect(h1).toMatch(text);
}

describe.each([
  { mode: 'nojs', javaScriptEnabled: false },
  { mode: 'js', javaScriptEnabled: true },
])('the foundation journey ($mode)', ({ mode, javaScriptEnabled }) => {
  const shot = (name: string) => `${mode}-${name}`;

  it('signs up, confirms the address, signs in, sees the account and signs out', async () => {
    const context = await b.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    try {
      const email = `${uniqueSlug(mode)}@exemple.fr`;
      const name = mode === 'js' ? 'Lucie B.' : 'Marcel D.';
      const password = 'une phrase de passe solide';

      // Home: the territory, its help line and its categories.
      const res = await page.goto('/');
      expect(res?.status()).toBe(200);
      await expectHeading(page, /Lozère/);
      const categories = await b.t.app.platform.territories.categories(b.t.territory.id);
      expect(categories.length).toBeGreaterThan(0);
      const cards = await page.locator('.category-card h3').allTextContents();
      expect(cards.map((c) => c.trim())).toEqual(categories.map((c) => c.name));
      const phone = formatPhone(b.t.territory.helplinePhone!);
      expect(await page.locator('.helpline a[href^="tel:"]').textContent()).toBe(phone);
      await checkA11y(page, shot('home'));

      // « Créer un compte ».
      await main(page).getByRole('link', { name: 'Créer un compte' }).click();
      expect(pathOf(page)).toBe('/inscription');
      await expectHeading(page, 'Créer un compte');
      await checkA11y(page, shot('signup'));

      // The empty form comes back with the error summary.
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      const summary = page.locator('.error-summary');
      expect(await summary.isVisible()).toBe(true);
      expect(await summary.getByRole('heading').textContent()).toMatch(/Le formulaire contient \d+ erreur/);
      const errorLinks = summary.getByRole('link');
      expect(await errorLinks.count()).toBeGreaterThanOrEqual(3);
      if (javaScriptEnabled) {
        const focused = await activeElement(page);
        expect(focused.className).toContain('error-summary');
      }
      await checkA11y(page, shot('signup-errors'));
      // An error link takes the focus to its field.
      await summary.getByRole('link', { name: /Adresse e-mail/ }).click();
      expect((await activeElement(page)).id).toBe('champ-email');

      // The filled form.
      await page.getByLabel('Votre prénom ou pseudonyme').fill(name);
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByLabel('Mot de passe').fill(password);
      await page.getByLabel('Votre commune').selectOption({ label: 'Mende (48000)' });
      await page.getByLabel(/J’accepte que mes informations/).check();
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      expect(pathOf(page)).toBe('/inscription/verifiez');
      await expectHeading(page, 'Vérifiez votre boîte mail');
      await checkA11y(page, shot('check-mail'));

      // The development mailbox, then the newest mail to that address.
      await page.getByRole('link', { name: 'Boîte mail de développement' }).click();
      expect(pathOf(page)).toBe('/dev/mails');
      await checkA11y(page, shot('mailbox'));
      await page.getByRole('row').filter({ hasText: email }).first().getByRole('link').click();
      await expectHeading(page, 'Confirmez votre adresse e-mail');
      await checkA11y(page, shot('mail'));

      // The verification link.
      await main(page).locator('a[href*="/compte/verifier?jeton="]').click();
      expect(pathOf(page)).toBe('/compte/verifier');
      await expectHeading(page, 'Adresse confirmée');
      await checkA11y(page, shot('verified'));

      // Sign in.
      await main(page).getByRole('link', { name: 'Se connecter' }).click();
      expect(pathOf(page)).toBe('/connexion');
      await checkA11y(page, shot('login'));
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByLabel('Mot de passe', { exact: true }).fill(password);
      await main(page).getByRole('button', { name: 'Se connecter' }).click();
      expect(pathOf(page)).toBe('/');
      expect(await main(page).textContent()).toContain(`Bonjour ${name}`);
      expect(await page.getByRole('status').textContent()).toContain('Vous êtes connecté·e.');
      await checkA11y(page, shot('home-signed-in'));

      // « Mon compte ».
      await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
      expect(pathOf(page)).toBe('/compte');
      await expectHeading(page, 'Mon compte');
      expect(await page.getByLabel('Prénom ou pseudonyme').inputValue()).toBe(name);
      await checkA11y(page, shot('account'));

      // Sign out.
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      expect(pathOf(page)).toBe('/');
      expect(await page.getByRole('status').textContent()).toContain('Vous êtes déconnecté·e');
      expect(await page.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(0);

      // A page that does not exist.
      const missing = await page.goto('/cette-page-n-existe-pas');
      expect(missing?.status()).toBe(404);
      await expectHeading(page, 'Page introuvable');
      await checkA11y(page, shot('404'));
    } finally {
      await context.close();
    }
    // Eleven axe runs and two password hashes: slow on a busy 2-core machine.
  }, 180_000);

  it('focuses the visible skip link on the first Tab', async () => {
    const context = await b.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    try {
      await page.goto('/');
      await page.keyboard.press('Tab');
      const focused = await activeElement(page);
      expect(focused.className).toContain('skip-link');
      expect(focused.text).toBe('Aller au contenu');
      const box = await page.evaluate(() => {
        const r = document.activeElement!.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, width: r.width, height: r.height };
      });
      expect(box.width).toBeGreaterThan(0);
      expect(box.height).toBeGreaterThan(0);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      await screenshot(page, shot('skip-link'));
      // Following it lands on the main content.
      await page.keyboard.press('Enter');
      expect((await activeElement(page)).id).toBe('contenu');
    } finally {
      await context.close();
    }
  });
});

describe('on a phone (390 × 844)', () => {
  it('lays out the main pages without sideways scrolling', async () => {
    const member = await createMember(b.t, { displayName: 'Jeanne M.' });
    const context = await b.newContext(MOBILE);
    const page = await context.newPage();
    try {
      await page.goto('/');
      expect(await layoutProblems(page)).toEqual([]);
      await checkA11y(page, 'mobile-home');

      await page.goto('/inscription');
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      expect(await layoutProblems(page)).toEqual([]);
      await checkA11y(page, 'mobile-signup-errors');

      // « Mot de passe oublié » sends a mail to read in the mailbox.
      await page.goto('/mot-de-passe-oublie');
      await page.getByLabel('Adresse e-mail').fill(member.email);
      await page.getByRole('button', { name: 'Recevoir le lien' }).click();
      expect(pathOf(page)).toBe('/mot-de-passe-oublie/envoye');
      await page.goto('/dev/mails');
      expect(await layoutProblems(page)).toEqual([]);
      await checkA11y(page, 'mobile-mailbox');
      await page.getByRole('row').filter({ hasText: member.email }).first().getByRole('link').click();
      await expectHeading(page, 'Choisir un nouveau mot de passe');
      expect(await layoutProblems(page)).toEqual([]);
      await checkA11y(page, 'mobile-mail');

      await page.goto('/connexion');
      await page.getByLabel('Adresse e-mail').fill(member.email);
      await page.getByLabel('Mot de passe', { exact: true }).fill(member.password);
      await main(page).getByRole('button', { name: 'Se connecter' }).click();
      expect(pathOf(page)).toBe('/');
      expect(await layoutProblems(page)).toEqual([]);
      await checkA11y(page, 'mobile-home-signed-in');

      await page.goto('/compte');
      expect(await layoutProblems(page)).toEqual([]);
      await checkA11y(page, 'mobile-account');
    } finally {
      await context.close();
    }
  });
});
