import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../support/app.ts';
import {
  activeElement,
  checkA11y,
  layoutProblems,
  MOBILE,
  startBrowserApp,
  type BrowserApp,
} from '../support/browser.ts';

// The help posts of the issue's « Done when »: JavaScript off, a member signs in, publishes a
// request, finds it by category, by commune and by a misspelled word without accents; JavaScript
// on, the map shows it and opens it. axe and the layout checks run on every page on the way, on a
// desktop screen and on a phone.

let b: BrowserApp;
beforeAll(async () => {
  b = await startBrowserApp();
});
afterAll(async () => {
  await b?.close();
});

const TITLE = 'Médicaments à récupérer pour Mme Rivière';
const DESCRIPTION =
  'Ma voisine ne peut plus conduire : il faudrait passer prendre son ordonnance à la pharmacie du centre et la lui déposer.';

const main = (page: Page) => page.getByRole('main');
const pathOf = (page: Page) => new URL(page.url()).pathname;
const h1 = async (page: Page) => ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
const resultTitles = async (page: Page) =>
  (await page.locator('.post-card__title').allTextContents()).map((t) => t.trim());

/** A context whose requests leave only for the app: the tiles fail at once, as offline. */
async function offlineContext(opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await b.newContext(opts);
  await context.route(
    (url) => !url.href.startsWith(b.baseUrl),
    (route) => route.abort('internetdisconnected'),
  );
  return context;
}

/** axe, a screenshot and the layout checks, on the page as it is now. */
async function audit(page: Page, name: string) {
  await checkA11y(page, name);
  expect(await layoutProblems(page), `layout of « ${name} »`).toEqual([]);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await main(page).getByRole('button', { name: 'Se connecter' }).click();
  expect(pathOf(page)).toBe('/');
}

/** Opens the filters when they are folded (on a phone), then returns the filter form. */
async function filters(page: Page) {
  const form = page.getByRole('form', { name: 'Filtrer les annonces' });
  const summary = page.locator('.filters-panel > summary');
  if ((await summary.count()) > 0 && (await summary.isVisible()) && !(await form.isVisible()))
    await summary.click();
  return form;
}

describe('help posts, the « Done when » journey', () => {
  let author: Awaited<ReturnType<typeof createMember>>;
  let nojs: BrowserContext;
  let page: Page;
  let postPath = '';

  beforeAll(async () => {
    author = await createMember(b.t, { displayName: 'Odile R.' });
    nojs = await offlineContext({ javaScriptEnabled: false });
    page = await nojs.newPage();
  });
  afterAll(async () => {
    await nojs?.close();
  });

  it('JavaScript off: signs in, publishes a request and finds it by category, commune and a misspelled word', async () => {
    await signIn(page, author.email, author.password);

    // « Annonces », then « Publier une annonce ».
    await page
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Annonces', exact: true })
      .click();
    expect(pathOf(page)).toBe('/annonces');
    await audit(page, 'posts-list-empty');
    await main(page).getByRole('link', { name: 'Publier une annonce' }).click();
    expect(pathOf(page)).toBe('/annonces/nouvelle');
    expect(await h1(page)).toBe('Publier une annonce');
    await audit(page, 'posts-form');

    // Everything but the title: the form comes back with its error summary and the values kept.
    await page.getByRole('radio', { name: /Je cherche de l.aide/ }).check();
    await page.getByLabel('Catégorie').selectOption({ label: 'Médicaments' });
    await page.getByLabel('Description').fill(DESCRIPTION);
    await page.getByLabel('Quand ?').fill('Cette semaine, le matin');
    await page.getByLabel('Commune').fill('Marvejols');
    await page.getByRole('textbox', { name: /^Adresse/ }).fill('3 rue de la République');
    await page.getByRole('button', { name: 'Publier l’annonce' }).click();
    expect(pathOf(page)).toBe('/annonces');
    const summary = page.locator('.error-summary');
    expect(await summary.isVisible()).toBe(true);
    expect(await summary.getByRole('heading').textContent()).toBe('Le formulaire contient une erreur');
    expect(await summary.getByRole('link', { name: /Titre/ }).count()).toBe(1);
    expect(await page.getByLabel('Titre').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('radio', { name: /Je cherche de l.aide/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Catégorie').locator('option:checked').textContent()).toBe('Médicaments');
    expect(await page.getByLabel('Description').inputValue()).toBe(DESCRIPTION);
    expect(await page.getByLabel('Commune').inputValue()).toBe('Marvejols');
    expect(await page.getByRole('textbox', { name: /^Adresse/ }).inputValue()).toBe('3 rue de la République');
    await audit(page, 'posts-form-errors');

    // The title, and the post is published.
    await page.getByLabel('Titre').fill(TITLE);
    await page.getByRole('button', { name: 'Publier l’annonce' }).click();
    expect(pathOf(page)).toMatch(/^\/annonces\/[0-9a-f-]{36}$/);
    postPath = pathOf(page);
    expect(await page.getByRole('status').textContent()).toContain('Votre annonce est publiée');
    expect(await h1(page)).toBe(TITLE);
    const article = page.getByRole('article');
    expect(await article.textContent()).toContain('Marvejols');
    expect(await article.textContent()).toContain('Cherche');
    // The exact address is never shown.
    expect(await page.content()).not.toContain('rue de la République');
    await audit(page, 'posts-post-author');

    // By category: tick « Médicaments » and search.
    await page.goto('/annonces');
    expect(await resultTitles(page)).toContain(TITLE);
    await audit(page, 'posts-list');
    // On a wide screen the filters are open without JavaScript, their « Filtrer » summary hidden.
    expect(await page.locator('.filters-panel > summary').isVisible()).toBe(false);
    expect(await page.getByRole('form', { name: 'Filtrer les annonces' }).isVisible()).toBe(true);
    // « Utiliser ma position » needs the script: without it, no button that does nothing.
    expect(await page.getByRole('button', { name: 'Utiliser ma position' }).isVisible()).toBe(false);
    let form = await filters(page);
    await form.getByRole('checkbox', { name: /^Médicaments/ }).check();
    await form.getByRole('button', { name: 'Rechercher' }).click();
    expect(new URL(page.url()).searchParams.getAll('categorie')).toEqual(['medicaments']);
    expect(await resultTitles(page)).toEqual([TITLE]);
    await audit(page, 'posts-list-category');

    // By commune, typed.
    await page.goto('/annonces');
    form = await filters(page);
    await form.getByLabel('Commune').fill('Marvejols');
    await form.getByRole('button', { name: 'Rechercher' }).click();
    expect(new URL(page.url()).searchParams.get('commune')).toBe('Marvejols');
    expect(await resultTitles(page)).toEqual([TITLE]);

    // By a word misspelled and without its accent.
    await page.goto('/annonces');
    form = await filters(page);
    await form.getByLabel('Mots-clés').fill('medicamant');
    await form.getByRole('button', { name: 'Rechercher' }).click();
    expect(new URL(page.url()).searchParams.get('q')).toBe('medicamant');
    expect(await resultTitles(page)).toEqual([TITLE]);
    await audit(page, 'posts-list-text');

    // Opened from the list.
    await main(page).getByRole('link', { name: TITLE }).click();
    expect(pathOf(page)).toBe(postPath);

    // Nothing found: a calm message, no error.
    await page.goto('/annonces?q=tronçonneuse&commune=Florac');
    expect(await resultTitles(page)).toEqual([]);
    expect(await main(page).textContent()).toContain('Aucune annonce');
    await audit(page, 'posts-list-none');

    // The browse pages, and through them to the post.
    await page.goto('/annonces');
    await main(page).getByRole('link', { name: 'Parcourir par catégorie' }).click();
    expect(pathOf(page)).toBe('/annonces/categories');
    await audit(page, 'posts-categories');
    await main(page)
      .getByRole('link', { name: /^Médicaments/ })
      .click();
    expect(pathOf(page)).toBe('/annonces/categorie/medicaments');
    expect(await h1(page)).toBe('Annonces : Médicaments');
    expect(await resultTitles(page)).toEqual([TITLE]);
    await audit(page, 'posts-category-page');

    await page.goto('/annonces/communes');
    expect(await h1(page)).toBe('Parcourir par commune');
    await audit(page, 'posts-communes');
    await main(page)
      .getByRole('link', { name: /^Marvejols/ })
      .click();
    expect(pathOf(page)).toMatch(/^\/annonces\/commune\/\d{5}$/);
    expect(await h1(page)).toBe('Annonces à Marvejols');
    expect(await resultTitles(page)).toEqual([TITLE]);
    await main(page).getByRole('link', { name: TITLE }).click();
    expect(pathOf(page)).toBe(postPath);
  }, 180_000);

  it('JavaScript on: sees the request on the map and opens it with the keyboard', async () => {
    expect(postPath, 'the post of the previous test').not.toBe('');
    const context = await offlineContext();
    const map = await context.newPage();
    try {
      await map.goto('/carte');
      expect(await h1(map)).toBe('Carte des annonces');
      // The tiles fail (no network): the communes' outlines are the map, and the markers are there.
      await map.locator('.leaflet-overlay-pane path').first().waitFor();
      expect(await map.locator('.leaflet-overlay-pane path').count()).toBeGreaterThanOrEqual(5);
      const marker = map.locator(`.map-pin[aria-label*="${TITLE}"]`);
      await marker.waitFor();
      await map.getByText('Le fond de carte n’est pas disponible').waitFor();
      await expect
        .poll(() => map.locator('[data-map-status]').textContent())
        .toBe('1 annonce dans la zone affichée.');
      await audit(map, 'posts-map');

      // Centred on Marvejols by the commune filter.
      await map.goto('/carte?commune=Marvejols');
      // Outlines out of view are drawn empty (`M0 0`): wait for one in view.
      await map.locator('.leaflet-overlay-pane path:not([d="M0 0"])').first().waitFor();
      await marker.waitFor();
      expect(await marker.getAttribute('aria-label')).toBe(`Cherche : ${TITLE} (Marvejols)`);

      // The keyboard: from the map, Tab to the marker, Enter opens its popup.
      await map.locator('#carte').focus();
      for (let i = 0; i < 15; i++) {
        const focused = await activeElement(map);
        if (focused.className.includes('map-pin')) break;
        await map.keyboard.press('Tab');
      }
      expect((await activeElement(map)).className).toContain('map-pin');
      await map.keyboard.press('Enter');
      const popup = map.locator('.leaflet-popup');
      await popup.waitFor();
      expect(await popup.textContent()).toContain(TITLE);
      // Leaflet fades the popup in: axe measures its contrast once it is opaque.
      await expect.poll(() => popup.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
      // The popup takes the focus on its link.
      expect((await activeElement(map)).text).toBe('Voir l’annonce');
      await audit(map, 'posts-map-popup');
      await map.keyboard.press('Enter');
      await map.waitForURL((url) => url.pathname === postPath);
      expect(await h1(map)).toBe(TITLE);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('JavaScript off: « Mes annonces » lists it, and the author marks it « Aide apportée »', async () => {
    expect(postPath, 'the post of the first test').not.toBe('');
    await page.goto(postPath);
    await main(page).getByRole('link', { name: 'Mes annonces' }).click();
    expect(pathOf(page)).toBe('/mes-annonces');
    const card = main(page).getByRole('listitem').filter({ hasText: TITLE });
    expect(await card.count()).toBe(1);
    expect(await card.textContent()).toContain('En ligne');
    await audit(page, 'posts-mine');

    await card.getByRole('button', { name: 'Aide apportée' }).click();
    expect(pathOf(page)).toBe(postPath);
    expect(await page.getByRole('status').textContent()).toContain('aide apportée');
    expect(await main(page).textContent()).toContain('l’aide a été apportée');
    await page.goto('/mes-annonces');
    expect(await main(page).getByRole('listitem').filter({ hasText: TITLE }).textContent()).toContain(
      'Aide apportée',
    );
    // No longer among the open posts.
    await page.goto('/annonces?q=medicamant');
    expect(await resultTitles(page)).not.toContain(TITLE);
  }, 60_000);
});

describe('help posts, the other pages', () => {
  let postPath = '';
  const OTHER = 'Je propose de tondre la pelouse le samedi';

  beforeAll(async () => {
    const author = await createMember(b.t, { displayName: 'Paul V.' });
    const context = await offlineContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await signIn(page, author.email, author.password);
      await page.goto('/annonces/nouvelle');
      await page.getByRole('radio', { name: 'Je propose mon aide' }).check();
      await page.getByLabel('Catégorie').selectOption({ index: 1 });
      await page.getByLabel('Titre').fill(OTHER);
      await page.getByLabel('Description').fill('J’ai une tondeuse et du temps le week-end.');
      await page.getByLabel('Commune').fill('Mende');
      await page.getByRole('button', { name: 'Publier l’annonce' }).click();
      expect(pathOf(page)).toMatch(/^\/annonces\/[0-9a-f-]{36}$/);
      postPath = pathOf(page);
    } finally {
      await context.close();
    }
  });

  it('a visitor reads the post and reports it (JavaScript off)', async () => {
    const visitor = await createMember(b.t, { displayName: 'Claire T.' });
    const context = await offlineContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(postPath);
      expect(await h1(page)).toBe(OTHER);
      expect(await main(page).getByRole('link', { name: 'Connectez-vous pour répondre' }).count()).toBe(1);
      await audit(page, 'posts-post-visitor');

      await signIn(page, visitor.email, visitor.password);
      await page.goto(postPath);
      expect(await main(page).getByRole('link', { name: 'Répondre' }).count()).toBe(1);
      await audit(page, 'posts-post-member');
      await main(page).getByRole('link', { name: 'Signaler' }).click();
      expect(pathOf(page)).toBe(`${postPath}/signaler`);
      await audit(page, 'posts-report');
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      expect(await page.locator('.error-summary').isVisible()).toBe(true);
      await audit(page, 'posts-report-errors');
      await page.getByLabel('Raison').selectOption({ label: 'Autre raison' });
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      expect(pathOf(page)).toBe(postPath);
      expect(await page.getByRole('status').textContent()).toContain('signalement est enregistré');
    } finally {
      await context.close();
    }
  }, 90_000);

  it('the map without JavaScript lists the posts', async () => {
    const context = await offlineContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto('/carte');
      expect(await main(page).textContent()).toContain('La carte a besoin de JavaScript');
      // No empty map-sized box and no legend of markers that are not there.
      expect((await page.locator('#carte').boundingBox())!.height).toBeLessThan(200);
      expect(await page.locator('.map-legend').isVisible()).toBe(false);
      expect(await resultTitles(page)).toContain(OTHER);
      await audit(page, 'posts-map-nojs');
    } finally {
      await context.close();
    }
  }, 60_000);

  describe.each([
    { mode: 'nojs', javaScriptEnabled: false },
    { mode: 'js', javaScriptEnabled: true },
  ])('on a phone (390 × 844, $mode)', ({ mode, javaScriptEnabled }) => {
    it('lays out the list, the post, the form and the map', async () => {
      const member = await createMember(b.t, { displayName: 'Jean-Baptiste de La Roque-Fontanille' });
      const context = await offlineContext({ ...MOBILE, javaScriptEnabled });
      const page = await context.newPage();
      const shot = (name: string) => `mobile-${mode}-${name}`;
      try {
        await page.goto('/annonces');
        // The filters are folded under « Filtrer les annonces »: a result is on the first screen.
        const summary = page.locator('.filters-panel > summary');
        expect((await summary.textContent())?.trim()).toBe('Filtrer les annonces');
        expect(await page.getByRole('form', { name: 'Filtrer les annonces' }).isVisible()).toBe(false);
        const firstResult = await page.locator('.post-card').first().boundingBox();
        expect(firstResult!.y, 'a result on the first screen').toBeLessThan(MOBILE.viewport!.height - 100);
        await audit(page, shot('posts-list'));
        const form = await filters(page);
        expect(await form.isVisible()).toBe(true);
        await audit(page, shot('posts-list-filters-open'));
        await form.getByLabel('Mots-clés').fill('pelouse');
        await form.getByRole('button', { name: 'Rechercher' }).click();
        expect(await resultTitles(page)).toEqual([OTHER]);
        // Folded again, saying that a filter is on.
        expect(await summary.textContent()).toContain('1 filtre actif');
        await audit(page, shot('posts-list-filtered'));

        await page.goto(postPath);
        await audit(page, shot('posts-post-visitor'));

        await signIn(page, member.email, member.password);
        await page.goto('/annonces/nouvelle');
        await audit(page, shot('posts-form'));
        await page.getByRole('button', { name: 'Publier l’annonce' }).click();
        expect(await page.locator('.error-summary').isVisible()).toBe(true);
        await audit(page, shot('posts-form-errors'));
        await page.getByRole('radio', { name: 'Je propose mon aide' }).check();
        await page.getByLabel('Catégorie').selectOption({ index: 2 });
        await page
          .getByLabel('Titre')
          .fill('Accompagnement aux rendez-vous médicaux à l’hôpital Lozère-Santé-Marvejols-Centre');
        await page.getByLabel('Description').fill('Je conduis, et je peux attendre pendant le rendez-vous.');
        await page.getByLabel('Commune').fill('Saint-Chély-d’Apcher');
        await page.getByRole('button', { name: 'Publier l’annonce' }).click();
        expect(pathOf(page)).toMatch(/^\/annonces\/[0-9a-f-]{36}$/);
        await audit(page, shot('posts-post-author'));
        await page.goto('/mes-annonces');
        await audit(page, shot('posts-mine'));

        await page.goto('/carte');
        // The map's filters are folded too, so the map starts on the first screen.
        const mapBox = await page.locator('#carte').boundingBox();
        expect(mapBox!.y, 'the map on the first screen').toBeLessThan(MOBILE.viewport!.height - 200);
        if (!javaScriptEnabled) {
          // No empty box without the script, on a phone too.
          expect(mapBox!.height).toBeLessThan(200);
          expect(await page.locator('.map-legend').isVisible()).toBe(false);
        } else {
          await page.locator('.leaflet-overlay-pane path').first().waitFor({ state: 'attached' });
          await page.locator('.map-pin, .map-group').first().waitFor();
        }
        await audit(page, shot('posts-map'));
      } finally {
        await context.close();
      }
    }, 150_000);
  });
});
