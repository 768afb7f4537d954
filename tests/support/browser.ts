import { mkdir } from 'node:fs/promises';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { createTestApp, type TestApp } from './app.ts';

/** The Chromium of the system (Debian package); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The accessibility rules every page must pass: WCAG 2.1 A and AA (what the RGAA builds on). */
export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** A phone-sized viewport (iPhone 12–15) for the mobile screenshots. */
export const MOBILE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
};

/** Contexts opened with JavaScript off: axe cannot run in them (timers never fire). */
const scriptless = new WeakSet<BrowserContext>();

export const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** Launches Chromium; `extraArgs` e.g. a host resolver rule. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  /** Where the browser reaches the app, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** A fresh French browser context (own cookies) on the app. */
  newContext(opts?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * The real app listening on a random port, and one Chromium for the whole test file.
 * The territory is chosen from the Host header: when `127.0.0.1` does not resolve to the test
 * territory (several territories in the database), the browser maps `<slug>.test` to 127.0.0.1
 * and visits that name instead.
 */
export async function startBrowserApp(): Promise<BrowserApp> {
  const t = await createTestApp();
  let browser: Browser | null = null;
  try {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a port');
    const port = address.port;
    const resolved = await t.app.platform.territories.resolve(`127.0.0.1:${port}`);
    const direct = resolved?.id === t.territory.id;
    browser = await launchBrowser(direct ? [] : [`--host-resolver-rules=MAP ${t.host} 127.0.0.1`]);
    const baseUrl = direct ? `http://127.0.0.1:${port}` : `http://${t.host}:${port}`;
    await mkdir(screenshotDir, { recursive: true });
    const b = browser;
    return {
      t,
      browser: b,
      baseUrl,
      async newContext(opts = {}) {
        const context = await b.newContext({ baseURL: baseUrl, locale: 'fr-FR', ...opts });
        if (opts.javaScriptEnabled === false) scriptless.add(context);
        // Fail in seconds with the step that failed, not at the test's own time limit.
        context.setDefaultTimeout(10_000);
        return context;
      },
      async close() {
        await b.close();
        await t.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await t.close();
    throw err;
  }
}

/** Saves a full-page screenshot to `test-results/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = `${screenshotDir}${name}.png`;
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs axe (WCAG 2.1 A and AA) on the page as it is now, saves a full-page screenshot, and fails
 * with a readable list of the violations (rule, help, the elements concerned) when there is any.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const scripted = !scriptless.has(page.context());
  const target = scripted ? { page, close: async () => {} } : await scriptedMirror(page);
  let results;
  try {
    results = await new AxeBuilder({ page: target.page }).withTags(A11Y_TAGS).analyze();
  } finally {
    await target.close();
  }
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) => {
    const nodes = v.nodes.map((n) => {
      const why = n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : '';
      return `      ${n.target.join(' ')}${why}`;
    });
    return `  - ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`;
  });
  throw new Error(
    `${results.violations.length} accessibility violation(s) on « ${name} » (${page.url()}):\n${lines.join('\n')}`,
  );
}

/**
 * axe needs timers, which never fire in a page without JavaScript. So the page as it is now (its
 * DOM, without its scripts) is served again at the same address to a page with JavaScript on: same
 * viewport, same stylesheets, a policy as strict as the app's. axe sees what the visitor got.
 */
async function scriptedMirror(page: Page): Promise<{ page: Page; close(): Promise<void> }> {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const address = new URL(page.url());
  address.hash = '';
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser behind this page');
  const context = await browser.newContext({ viewport: page.viewportSize(), locale: 'fr-FR' });
  try {
    const mirror = await context.newPage();
    await mirror.route(
      (url) => url.href === address.href,
      (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html; charset=utf-8',
          // Like the app's policy: no inline style applies, and no script runs.
          headers: { 'content-security-policy': "default-src 'self'; script-src 'none'; style-src 'self'" },
          body: html,
        }),
    );
    await mirror.goto(address.href);
    return { page: mirror, close: () => context.close() };
  } catch (err) {
    await context.close();
    throw err;
  }
}

/**
 * What does not fit the screen's width: the page scrolling sideways, or a link, button or field
 * (even one inside a scrolling box, like a wide table) lying partly beyond the right edge.
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width)
      problems.push(`the page is ${document.documentElement.scrollWidth}px wide for a ${width}px screen`);
    for (const el of Array.from(
      document.querySelectorAll<HTMLElement>('a, button, input, select, textarea'),
    )) {
      if (el.classList.contains('skip-link') || (el as HTMLInputElement).type === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -1 || r.right > width + 1) {
        const label = (el.textContent || el.getAttribute('name') || '').trim().slice(0, 40);
        problems.push(
          `<${el.tagName.toLowerCase()}> « ${label} » spans ${Math.round(r.left)}–${Math.round(r.right)}px`,
        );
      }
    }
    return problems;
  });
}

/** A description of the focused element: tag, id, classes and text. */
export function activeElement(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? null,
      id: el?.id ?? '',
      className: typeof el?.className === 'string' ? el.className : '',
      text: el?.textContent?.trim() ?? '',
    };
  });
}

/** The page's main landmark, and its path. */
export const mainOf = (page: Page) => page.getByRole('main');
export const pathOf = (page: Page) => new URL(page.url()).pathname;

/** axe, a screenshot and the layout checks, on the page as it is now. */
export async function audit(page: Page, name: string): Promise<void> {
  await checkA11y(page, name);
  expect(await layoutProblems(page), `layout of « ${name} »`).toEqual([]);
}

/**
 * A new browser context signed in as `email` (its own cookies), whose requests leave only for the
 * app: map tiles and anything else fail at once, as offline.
 */
export async function signedInPage(
  b: BrowserApp,
  email: string,
  password: string,
  opts: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.newContext(opts);
  await context.route(
    (url) => !url.href.startsWith(b.baseUrl),
    (route) => route.abort('internetdisconnected'),
  );
  const page = await context.newPage();
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await mainOf(page).getByRole('button', { name: 'Se connecter' }).click();
  expect(pathOf(page)).toBe('/');
  return { context, page };
}
