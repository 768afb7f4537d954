import type { BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, firstLink, publishPost } from '../support/app.ts';
import { checkA11y, layoutProblems, MOBILE, startBrowserApp, type BrowserApp } from '../support/browser.ts';

// Conversations, the issue's « Done when »: member A publishes an offer; B answers it; A reads
// « Mes messages », replies and shares the phone number; B sees it; a third member gets 404 on the
// conversation; B blocks A and A can no longer write. Then, with JavaScript, a message appears live
// on the other side (server-sent events fed by LISTEN/NOTIFY), or by polling without EventSource;
// the pages on a phone; and the mails in the development mailbox, with their throttle. axe and
// the layout checks run on every conversation page on the way.

let b: BrowserApp;
beforeAll(async () => {
  b = await startBrowserApp();
});
afterAll(async () => {
  await b?.close();
});

const OFFER = 'Je fais vos courses le samedi matin à Mende';
const OFFER_TEXT =
  'Je vais au marché et au supermarché chaque samedi : je peux prendre vos courses et vous les déposer.';
const PHONE = '06 12 34 56 78';
const FIRST = 'Bonjour, je ne conduis plus depuis l’hiver. Pourriez-vous me prendre du pain et des fruits ?';
const ANSWER = 'Bien sûr ! Je passe vers 10 heures. Je vous donne mon numéro pour les détails.';

const main = (page: Page) => page.getByRole('main');
const pathOf = (page: Page) => new URL(page.url()).pathname;
const h1 = async (page: Page) => ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
const thread = (page: Page) => page.getByRole('log', { name: 'Messages de la conversation' });
const side = (page: Page) => page.getByRole('complementary', { name: 'Coordonnées' });
const flash = async (page: Page) => ((await page.getByRole('status').textContent()) ?? '').trim();

/** A context whose requests leave only for the app. */
async function appContext(opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await b.newContext(opts);
  await context.route(
    (url) => !url.href.startsWith(b.baseUrl),
    (route) => route.abort('internetdisconnected'),
  );
  return context;
}

/** Closes browser contexts, without waiting more than `ms` for them (cleanup must not hang a test). */
async function closeWithin(contexts: BrowserContext[], ms: number) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(contexts.map((c) => c.close())),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
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

/**
 * Clicks a submit button of a form the browser posts itself (no script), and returns the answer
 * to that POST: its status (303 when the server redirects) and where it sent the browser.
 */
async function post(page: Page, click: () => Promise<void>) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r: Response) => r.request().method() === 'POST' && r.request().isNavigationRequest(),
    ),
    click(),
  ]);
  await page.waitForLoadState('load');
  return { status: response.status(), location: response.headers()['location'] ?? null };
}

type Member = Awaited<ReturnType<typeof createMember>>;

describe('conversations, the « Done when » journey (JavaScript off)', () => {
  let a: Member, bea: Member, c: Member;
  let aContext: BrowserContext, bContext: BrowserContext;
  let aPage: Page, bPage: Page;
  let postPath = '';
  let threadPath = '';

  beforeAll(async () => {
    a = await createMember(b.t, { displayName: 'Agnès Laurent' });
    bea = await createMember(b.t, { displayName: 'Bernard Mazel' });
    c = await createMember(b.t, { displayName: 'Chantal Roux' });
    aContext = await appContext({ javaScriptEnabled: false });
    bContext = await appContext({ javaScriptEnabled: false });
    aPage = await aContext.newPage();
    bPage = await bContext.newPage();
  });
  afterAll(async () => {
    await aContext?.close();
    await bContext?.close();
  });

  it('A adds a phone number in « Mon compte » and publishes an offer through the form', async () => {
    await signIn(aPage, a.email, a.password);
    await aPage.goto('/compte');
    await aPage.getByLabel('Téléphone').fill(PHONE);
    await main(aPage).getByRole('button', { name: 'Enregistrer' }).click();
    expect(await flash(aPage)).toContain('Vos informations sont enregistrées');

    await aPage.goto('/annonces/nouvelle');
    await aPage.getByRole('radio', { name: 'Je propose mon aide' }).check();
    await aPage.getByLabel('Catégorie').selectOption({ index: 1 });
    await aPage.getByLabel('Titre').fill(OFFER);
    await aPage.getByLabel('Description').fill(OFFER_TEXT);
    await aPage.getByLabel('Commune').fill('Mende');
    const sent = await post(aPage, () => aPage.getByRole('button', { name: 'Publier l’annonce' }).click());
    expect(sent.status).toBe(303);
    expect(pathOf(aPage)).toMatch(/^\/annonces\/[0-9a-f-]{36}$/);
    postPath = pathOf(aPage);
    expect(await h1(aPage)).toBe(OFFER);
    // The author does not answer their own post.
    expect(await main(aPage).getByRole('link', { name: 'Répondre', exact: true }).count()).toBe(0);
  }, 60_000);

  it('B opens the offer and answers it: safety advice, then the thread with the first message', async () => {
    expect(postPath, 'the post of the previous test').not.toBe('');
    await signIn(bPage, bea.email, bea.password);
    await bPage.goto(postPath);
    await main(bPage).getByRole('link', { name: 'Répondre', exact: true }).click();
    expect(pathOf(bPage)).toBe(`${postPath}/repondre`);
    expect(await h1(bPage)).toBe('Répondre à une annonce');
    expect(await main(bPage).getByRole('link', { name: OFFER }).count()).toBe(1);
    // The safety advice of a first contact, open.
    const safety = bPage.locator('details.safety');
    expect(await safety.getAttribute('open')).not.toBeNull();
    expect(await safety.textContent()).toContain('Ne payez jamais à l’avance');
    expect(await safety.textContent()).toContain('appelez le 17');
    expect(await safety.textContent()).toMatch(/04\s66\s00\s00\s00/); // the territory's help line
    await audit(bPage, 'conversations-reply');

    // Empty: the form comes back with its error summary.
    const empty = await post(bPage, () =>
      main(bPage).getByRole('button', { name: 'Envoyer le message' }).click(),
    );
    expect(empty.status).toBe(422);
    expect(await bPage.locator('.error-summary').isVisible()).toBe(true);
    expect(await bPage.getByLabel('Votre message').getAttribute('aria-invalid')).toBe('true');
    await audit(bPage, 'conversations-reply-errors');

    await bPage.getByLabel('Votre message').fill(FIRST);
    const sent = await post(bPage, () =>
      main(bPage).getByRole('button', { name: 'Envoyer le message' }).click(),
    );
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(/^\/messages\/[0-9a-f-]{36}#fil$/);
    threadPath = pathOf(bPage);
    expect(threadPath).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
    expect(await flash(bPage)).toContain('Votre message est envoyé');
    expect(await h1(bPage)).toBe('Conversation avec Agnès L.');
    const messages = thread(bPage).getByRole('listitem');
    expect(await messages.count()).toBe(1);
    expect(await messages.first().textContent()).toContain(FIRST);
    expect(await messages.first().textContent()).toContain('Vous');
    // Nothing shared yet: A's number is nowhere.
    expect(await side(bPage).textContent()).toContain('Personne n’a encore partagé');
    expect(await bPage.content()).not.toContain(PHONE);
    await audit(bPage, 'conversations-thread-b-first');

    // « Répondre » again leads to the same conversation.
    await bPage.goto(`${postPath}/repondre`);
    expect(pathOf(bPage)).toBe(threadPath);
  }, 90_000);

  it('A sees the unread message in « Mes messages », replies and shares the phone number', async () => {
    expect(threadPath, 'the conversation of the previous test').not.toBe('');
    await aPage.goto('/');
    await aPage
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Mes messages' })
      .click();
    expect(pathOf(aPage)).toBe('/messages');
    expect(await h1(aPage)).toBe('Mes messages');
    const item = main(aPage).getByRole('listitem').filter({ hasText: OFFER });
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain('Bernard M.');
    expect(await item.locator('.badge--unread').textContent()).toBe('1 nouveau message');
    await audit(aPage, 'conversations-list-unread');

    await item.getByRole('link', { name: /Bernard M\./ }).click();
    expect(pathOf(aPage)).toBe(threadPath);
    expect(await h1(aPage)).toBe('Conversation avec Bernard M.');
    expect(await thread(aPage).textContent()).toContain(FIRST);
    await audit(aPage, 'conversations-thread-a-unread');

    // Read now: the count is gone.
    await aPage.goto('/messages');
    expect(await main(aPage).locator('.badge--unread').count()).toBe(0);
    await audit(aPage, 'conversations-list-read');

    // The reply, posted by the browser itself: 303 to the message, shown in the thread.
    await aPage.goto(threadPath);
    await aPage.getByLabel('Votre message').fill(ANSWER);
    const sent = await post(aPage, () =>
      main(aPage).getByRole('button', { name: 'Envoyer le message' }).click(),
    );
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(new RegExp(`^${threadPath}#message-\\d+$`));
    expect(pathOf(aPage)).toBe(threadPath);
    const mine = thread(aPage).locator('.message--mine');
    expect(await mine.count()).toBe(1);
    expect(await mine.textContent()).toContain(ANSWER);

    // « Partager mon numéro »: recorded in the thread.
    const shared = await post(aPage, () =>
      side(aPage).getByRole('button', { name: 'Partager mon numéro' }).click(),
    );
    expect(shared.status).toBe(303);
    expect(await flash(aPage)).toContain('C’est partagé');
    expect(await thread(aPage).textContent()).toContain('Vous partagez votre numéro de téléphone.');
    expect(await side(aPage).textContent()).toContain('Vous partagez votre numéro de téléphone.');
    expect(await side(aPage).getByRole('button', { name: 'Ne plus partager mon numéro' }).count()).toBe(1);
    await audit(aPage, 'conversations-thread-a-shared');
  }, 90_000);

  it('B sees the answer and A’s number', async () => {
    await bPage.goto(threadPath);
    expect(await thread(bPage).textContent()).toContain(ANSWER);
    expect(await thread(bPage).textContent()).toContain('Agnès L. partage son numéro de téléphone.');
    const number = side(bPage).getByRole('link', { name: PHONE });
    expect(await number.count()).toBe(1);
    expect(await number.getAttribute('href')).toBe(`tel:${PHONE.replace(/ /g, '')}`);
    // B did not share: A's page does not show B's email.
    expect(await side(bPage).textContent()).toContain('Agnès L.');
    await audit(bPage, 'conversations-thread-b-phone');

    await aPage.goto(threadPath);
    expect(await aPage.content()).not.toContain(bea.email);
  }, 60_000);

  it('a third member gets 404 on every route of the conversation', async () => {
    const context = await appContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signIn(page, c.email, c.password);
      const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
      for (const path of [threadPath, `${threadPath}/signaler`]) {
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(404);
        expect(await h1(page)).toBe('Page introuvable');
        expect(await page.content()).not.toContain(FIRST);
      }
      await audit(page, 'conversations-not-found');
      for (const path of [
        `${threadPath}/nouveaux?apres=0`,
        `${threadPath}/flux`,
        `/api/v1/conversations/${threadPath.split('/')[2]}/messages`,
      ]) {
        const res = await context.request.get(path);
        expect(res.status(), path).toBe(404);
        expect(await res.text()).not.toContain(FIRST);
      }
      for (const path of [threadPath, `${threadPath}/partage`, `${threadPath}/bloquer`]) {
        const res = await context.request.post(path, {
          form: { _csrf: csrf, body: 'Je m’invite', what: 'telephone', share: 'oui' },
          maxRedirects: 0,
        });
        expect(res.status(), `POST ${path}`).toBe(404);
      }
      // And nothing of it in C's « Mes messages ».
      await page.goto('/messages');
      expect(await main(page).textContent()).not.toContain(OFFER);
      expect(await main(page).textContent()).toContain('Vous n’avez pas encore de message');
      await audit(page, 'conversations-list-empty');
      // The choice of mails, radio buttons each readable in full.
      const choice = page.getByRole('group', { name: 'Quand vous recevez un message' });
      expect(
        await choice.getByRole('radio', { name: /^Un e-mail à chaque nouveau message/ }).isChecked(),
      ).toBe(true);
      await choice.getByRole('radio', { name: 'Aucun e-mail' }).check();
      const saved = await post(page, () => main(page).getByRole('button', { name: 'Enregistrer' }).click());
      expect(saved.status).toBe(303);
      expect(await flash(page)).toContain('C’est enregistré');
      expect(await choice.getByRole('radio', { name: 'Aucun e-mail' }).isChecked()).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('B opens the report forms, and blocks A: A can no longer write', async () => {
    await bPage.goto(threadPath);
    await side(bPage).getByRole('link', { name: 'Signaler cette conversation' }).click();
    expect(pathOf(bPage)).toBe(`${threadPath}/signaler`);
    expect(await h1(bPage)).toBe('Signaler une conversation');
    await audit(bPage, 'conversations-report');
    const empty = await post(bPage, () =>
      bPage.getByRole('button', { name: 'Envoyer le signalement' }).click(),
    );
    expect(empty.status).toBe(422);
    expect(await bPage.locator('.error-summary').isVisible()).toBe(true);
    await audit(bPage, 'conversations-report-errors');

    await bPage.goto(threadPath);
    await thread(bPage).getByRole('link', { name: 'Signaler ce message' }).first().click();
    expect(pathOf(bPage)).toBe(`${threadPath}/signaler`);
    expect(await h1(bPage)).toBe('Signaler un message');
    await bPage.getByLabel('Raison').selectOption({ label: 'Autre raison' });
    const reported = await post(bPage, () =>
      bPage.getByRole('button', { name: 'Envoyer le signalement' }).click(),
    );
    expect(reported.status).toBe(303);
    expect(pathOf(bPage)).toBe(threadPath);
    expect(await flash(bPage)).toContain('signalement est enregistré');

    // A has the thread open, with the form, when B blocks.
    await aPage.goto(threadPath);
    expect(await aPage.getByLabel('Votre message').count()).toBe(1);

    const blocked = await post(bPage, () =>
      side(bPage).getByRole('button', { name: 'Bloquer cette personne' }).click(),
    );
    expect(blocked.status).toBe(303);
    expect(await flash(bPage)).toContain('Cette personne est bloquée');
    expect(await main(bPage).textContent()).toContain('Vous avez bloqué cette personne');
    expect(await bPage.getByLabel('Votre message').count()).toBe(0);
    expect(await side(bPage).getByRole('button', { name: 'Débloquer cette personne' }).count()).toBe(1);
    // Nothing new is shared with a blocked person.
    expect(
      await side(bPage)
        .getByRole('button', { name: /^Partager/ })
        .count(),
    ).toBe(0);
    await audit(bPage, 'conversations-thread-b-blocked');

    // A's open form is refused...
    await aPage.getByLabel('Votre message').fill('Vous êtes toujours là ?');
    const refused = await post(aPage, () =>
      main(aPage).getByRole('button', { name: 'Envoyer le message' }).click(),
    );
    expect(refused.status).toBe(422);
    expect(await aPage.getByRole('alert').textContent()).toContain(
      'Vous ne pouvez plus écrire à cette personne',
    );
    await audit(aPage, 'conversations-thread-a-refused');
    expect(await aPage.getByLabel('Votre message').count()).toBe(0);
    // One notice says it, not two.
    expect(await main(aPage).getByText('Vous ne pouvez plus écrire dans cette conversation').count()).toBe(0);
    // ...and the thread, reloaded, has no form any more.
    await aPage.goto(threadPath);
    expect(await main(aPage).textContent()).toContain('Vous ne pouvez plus écrire dans cette conversation');
    expect(await aPage.getByLabel('Votre message').count()).toBe(0);
    expect(await thread(aPage).textContent()).not.toContain('Vous êtes toujours là');
    await audit(aPage, 'conversations-thread-a-blocked');
    // B's side does not receive it either.
    await bPage.goto(threadPath);
    expect(await thread(bPage).textContent()).not.toContain('Vous êtes toujours là');
  }, 90_000);
});

describe('conversations with JavaScript: live messages', () => {
  let a: Member, d: Member;
  let aContext: BrowserContext, dContext: BrowserContext;
  let postPath = '';
  let threadPath = '';

  // Only the database here (no browser): publishing through the form is the first journey's.
  beforeAll(async () => {
    a = await createMember(b.t, { displayName: 'Aline Pagès' });
    d = await createMember(b.t, { displayName: 'Denis Vidal' });
    const id = await publishPost(b.t, a, {
      title: 'Je peux arroser votre jardin en août',
      description: 'Je reste à Marvejols tout l’été, j’ai le temps.',
      commune: 'Marvejols',
    });
    postPath = `/annonces/${id}`;
    aContext = await appContext();
    dContext = await appContext();
  });
  afterAll(async () => {
    await aContext?.close();
    await dContext?.close();
  });

  it('a message sent from another browser appears on the open thread, without reload (server-sent events)', async () => {
    const dPage = await dContext.newPage();
    await signIn(dPage, d.email, d.password);
    await dPage.goto(postPath);
    await main(dPage).getByRole('link', { name: 'Répondre', exact: true }).click();
    await dPage
      .getByLabel('Votre message')
      .fill('Bonjour, je pars trois semaines : mes tomates vous attendent.');
    const stream = dPage.waitForRequest((r) => /\/messages\/[0-9a-f-]{36}\/flux/.test(r.url()));
    await main(dPage).getByRole('button', { name: 'Envoyer le message' }).click();
    expect(pathOf(dPage)).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
    threadPath = pathOf(dPage);
    // The page opens its stream, and does not poll while the stream works.
    await stream;
    const polls: string[] = [];
    dPage.on('request', (r) => {
      if (r.url().includes('/nouveaux')) polls.push(r.url());
    });
    await dPage.evaluate(() => ((window as unknown as { unchanged: boolean }).unchanged = true));

    const aPage = await aContext.newPage();
    await signIn(aPage, a.email, a.password);
    await aPage.goto(threadPath);
    const live = 'Avec plaisir ! Je passerai tous les deux jours, en fin de journée.';
    await aPage.getByLabel('Votre message').fill(live);
    const sentAt = Date.now();
    await main(aPage).getByRole('button', { name: 'Envoyer le message' }).click();
    expect(pathOf(aPage)).toBe(threadPath);
    expect(await thread(aPage).textContent()).toContain(live);

    const arrived = thread(dPage).getByRole('listitem').filter({ hasText: live });
    await arrived.waitFor({ timeout: 5_000 });
    const latency = Date.now() - sentAt;
    expect(latency, 'the message arrives well before a polling round').toBeLessThan(5_000);
    expect(await arrived.textContent()).toContain('Aline P.');
    // Same page, never reloaded; the new message has its « Signaler » link like the others.
    expect(await dPage.evaluate(() => (window as unknown as { unchanged?: boolean }).unchanged)).toBe(true);
    expect(await arrived.getByRole('link', { name: 'Signaler ce message' }).count()).toBe(1);
    expect(polls).toEqual([]);
    // Added once, in order.
    const ids = await thread(dPage)
      .locator('li[data-id]')
      .evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.id)));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    await audit(dPage, 'conversations-thread-live');

    // The other way: D answers from the live page, A's open page receives it.
    await aPage.evaluate(() => ((window as unknown as { unchanged: boolean }).unchanged = true));
    await dPage.getByLabel('Votre message').fill('Merci beaucoup, à bientôt.');
    await main(dPage).getByRole('button', { name: 'Envoyer le message' }).click();
    await thread(aPage).getByRole('listitem').filter({ hasText: 'Merci beaucoup, à bientôt.' }).waitFor({
      timeout: 5_000,
    });
    expect(await aPage.evaluate(() => (window as unknown as { unchanged?: boolean }).unchanged)).toBe(true);
    await aPage.close();
    await dPage.close();
  });

  // Its own two contexts (none shared with the previous test), cleanup bounded in time, and one
  // retry: in two full runs of the suite this test once hung in a browser call that has no timeout
  // of its own (it never did when run alone, 5 runs); a second hang fails the run.
  it(
    'without EventSource, the page polls and the message still appears',
    { retry: 1, timeout: 60_000 },
    async () => {
      expect(threadPath, 'the conversation of the previous test').not.toBe('');
      const [dContext2, aContext2] = await Promise.all([appContext(), appContext()]);
      try {
        await dContext2.addInitScript(() => {
          delete (window as { EventSource?: unknown }).EventSource;
        });
        const dPage = await dContext2.newPage();
        await signIn(dPage, d.email, d.password);
        const firstPoll = dPage.waitForRequest((r) => r.url().includes(`${threadPath}/nouveaux`));
        await dPage.goto(threadPath);
        await firstPoll;
        const aPage = await aContext2.newPage();
        await signIn(aPage, a.email, a.password);
        await aPage.goto(threadPath);
        await aPage.getByLabel('Votre message').fill('Et pour les courgettes, je les ramasse ?');
        await main(aPage).getByRole('button', { name: 'Envoyer le message' }).click();
        // One polling round is 10 s; a loaded machine may take two.
        await thread(dPage)
          .getByRole('listitem')
          .filter({ hasText: 'Et pour les courgettes' })
          .first()
          .waitFor({ timeout: 30_000 });
      } finally {
        await closeWithin([dContext2, aContext2], 10_000);
      }
    },
  );
});

describe('conversations on a phone (390 × 844)', () => {
  let a: Member, e: Member;
  let threadPath = '';
  let postPath = '';

  beforeAll(async () => {
    a = await createMember(b.t, { displayName: 'Anne-Sophie de La Roque-Fontanille' });
    e = await createMember(b.t, { displayName: 'Émile Bonnefoy-Chaptal' });
  });

  describe.each([
    { mode: 'nojs', javaScriptEnabled: false },
    { mode: 'js', javaScriptEnabled: true },
  ])('$mode', ({ mode, javaScriptEnabled }) => {
    it('lays out the reply form, « Mes messages », the thread with its side panel under it, and the report form', async () => {
      const shot = (name: string) => `mobile-${mode}-${name}`;
      const aContext = await appContext({ ...MOBILE, javaScriptEnabled });
      const eContext = await appContext({ ...MOBILE, javaScriptEnabled });
      try {
        const aPage = await aContext.newPage();
        const ePage = await eContext.newPage();
        await signIn(aPage, a.email, a.password);
        await signIn(ePage, e.email, e.password);
        if (!postPath) {
          await aPage.goto('/compte');
          await aPage.getByLabel('Téléphone').fill('0466123456');
          await main(aPage).getByRole('button', { name: 'Enregistrer' }).click();
          await aPage.goto('/annonces/nouvelle');
          await aPage.getByRole('radio', { name: 'Je propose mon aide' }).check();
          await aPage.getByLabel('Catégorie').selectOption({ index: 3 });
          await aPage
            .getByLabel('Titre')
            .fill('Accompagnement aux rendez-vous médicaux à l’hôpital de Saint-Chély-d’Apcher');
          await aPage
            .getByLabel('Description')
            .fill('Je conduis, et je peux attendre pendant le rendez-vous.');
          await aPage.getByLabel('Commune').fill('Saint-Chély-d’Apcher');
          await aPage.getByRole('button', { name: 'Publier l’annonce' }).click();
          postPath = pathOf(aPage);
          expect(postPath).toMatch(/^\/annonces\/[0-9a-f-]{36}$/);
        }

        // The reply form: on the first run E answers; a brand-new account giving a number in its
        // first message, and speaking of money, is flagged for A.
        if (!threadPath) {
          await ePage.goto(`${postPath}/repondre`);
          await audit(ePage, shot('conversations-reply'));
          await ePage
            .getByLabel('Votre message')
            .fill(
              'Bonjour ! Mon rendez-vous est le 12 à 14 h.\nAppelez-moi au 06 98 76 54 32, et je vous paierai l’essence par virement.',
            );
          await main(ePage).getByRole('button', { name: 'Envoyer le message' }).click();
          threadPath = pathOf(ePage);
          expect(threadPath).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
        } else {
          await ePage.goto(threadPath);
          await ePage.getByLabel('Votre message').fill('Je vous attendrai devant la pharmacie.');
          await main(ePage).getByRole('button', { name: 'Envoyer le message' }).click();
        }

        await aPage.goto('/messages');
        expect(await main(aPage).locator('.badge--unread').count()).toBe(1);
        await audit(aPage, shot('conversations-list'));
        await aPage.goto(threadPath);
        if (mode === 'nojs') {
          // The scam signals warn A.
          expect(await thread(aPage).getByRole('note').first().textContent()).toContain('Prudence');
          await side(aPage).getByRole('button', { name: 'Partager mon numéro' }).click();
        }
        await audit(aPage, shot('conversations-thread-author'));

        // The side panel goes under the messages and the form, full width.
        const messages = (await thread(aPage).boundingBox())!;
        const form = (await aPage.locator('.message-form').boundingBox())!;
        const panel = (await side(aPage).boundingBox())!;
        expect(panel.y, 'the side panel under the form').toBeGreaterThanOrEqual(form.y + form.height);
        expect(form.y).toBeGreaterThanOrEqual(messages.y + messages.height);
        expect(panel.width).toBeGreaterThan(MOBILE.viewport!.width - 60);

        await ePage.goto(threadPath);
        expect(await side(ePage).getByRole('link', { name: '04 66 12 34 56' }).count()).toBe(1);
        await audit(ePage, shot('conversations-thread-responder'));
        await ePage.goto(`${threadPath}/signaler`);
        await audit(ePage, shot('conversations-report'));
      } finally {
        await aContext.close();
        await eContext.close();
      }
    }, 120_000);
  });
});

describe('mails about messages', () => {
  it('mails the recipient who is not reading, in the development mailbox, at most once per quarter of an hour', async () => {
    const { conversations } = b.t.app.platform;
    // What earlier tests left unread is mailed first, far ahead, so only this conversation counts.
    await conversations.notifyUnread(new Date(Date.now() + 24 * 3600_000));

    const a = await createMember(b.t, { displayName: 'Armelle Crouzet' });
    const f = await createMember(b.t, { displayName: 'Fabien Teissier' });
    const aContext = await appContext({ javaScriptEnabled: false });
    const fContext = await appContext({ javaScriptEnabled: false });
    try {
      const aPage = await aContext.newPage();
      const fPage = await fContext.newPage();
      await signIn(aPage, a.email, a.password);
      await aPage.goto('/annonces/nouvelle');
      await aPage.getByRole('radio', { name: 'Je propose mon aide' }).check();
      await aPage.getByLabel('Catégorie').selectOption({ index: 1 });
      await aPage.getByLabel('Titre').fill('Je prête ma remorque');
      await aPage
        .getByLabel('Description')
        .fill('Une petite remorque, pour la déchetterie ou un déménagement.');
      await aPage.getByLabel('Commune').fill('Florac');
      await aPage.getByRole('button', { name: 'Publier l’annonce' }).click();
      const postPath = pathOf(aPage);

      await signIn(fPage, f.email, f.password);
      await fPage.goto(`${postPath}/repondre`);
      await fPage.getByLabel('Votre message').fill('Bonjour, je peux passer la prendre mardi ?');
      await main(fPage).getByRole('button', { name: 'Envoyer le message' }).click();
      const threadPath = pathOf(fPage);

      // A has not read it: one mail, to A only.
      const mailsTo = async (email: string) => {
        await fPage.goto('/dev/mails');
        return fPage
          .getByRole('row')
          .filter({ hasText: email })
          .filter({ hasText: 'Vous avez un nouveau message' })
          .count();
      };
      expect(await conversations.notifyUnread(new Date(Date.now() + 120_000))).toBe(1);
      expect(await mailsTo(a.email)).toBe(1);
      expect(await mailsTo(f.email)).toBe(0);
      await checkA11y(fPage, 'conversations-dev-mailbox');
      await fPage.getByRole('row').filter({ hasText: a.email }).getByRole('link').click();
      const mail = (await main(fPage).textContent()) ?? '';
      expect(mail).toContain('Fabien T. vous a écrit au sujet de « Je prête ma remorque »');
      expect(mail).toContain(threadPath);
      const unsubscribe = firstLink(
        (await main(fPage)
          .locator('p')
          .filter({ hasText: '/notifications/desabonnement?jeton=' })
          .textContent()) ?? '',
      );
      expect(unsubscribe, 'the unsubscribe link of the mail').toBeTruthy();
      // No message content in a mail.
      expect(mail).not.toContain('mardi');

      // Another message right after: the quarter of an hour is not over, no new mail.
      await fPage.goto(threadPath);
      await fPage.getByLabel('Votre message').fill('Ou mercredi, si vous préférez.');
      await main(fPage).getByRole('button', { name: 'Envoyer le message' }).click();
      expect(await conversations.notifyUnread(new Date(Date.now() + 120_000))).toBe(0);
      expect(await mailsTo(a.email)).toBe(1);

      // The unread count, for the record, is 2 in « Mes messages ».
      await aPage.goto('/messages');
      expect(await main(aPage).locator('.badge--unread').textContent()).toBe('2 nouveaux messages');

      // The mail's unsubscribe link works in a browser that is not signed in.
      const visitor = await appContext({ javaScriptEnabled: false });
      try {
        const page = await visitor.newPage();
        const url = new URL(unsubscribe!);
        expect((await page.goto(url.pathname + url.search))?.status()).toBe(200);
        expect(await h1(page)).toBe('Ne plus recevoir d’e-mails pour les messages');
        await audit(page, 'conversations-unsubscribe');
        const done = await post(page, () =>
          main(page).getByRole('button', { name: 'Ne plus recevoir ces e-mails' }).click(),
        );
        expect(done.status).toBe(200);
        expect(await main(page).textContent()).toContain('C’est fait');
        await audit(page, 'conversations-unsubscribe-done');
      } finally {
        await visitor.close();
      }
      await aPage.goto('/messages');
      expect(await aPage.getByRole('radio', { name: 'Aucun e-mail' }).isChecked()).toBe(true);
    } finally {
      await aContext.close();
      await fContext.close();
    }
  }, 90_000);
});
