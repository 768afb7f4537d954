import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
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
      newContext: (opts = {}) => b.newContext({ baseURL: baseUrl, locale: 'fr-FR', ...opts }),
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
  const results = await new AxeBuilder({ page }).withTags(A11Y_TAGS).analyze();
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) => {
    const targets = v.nodes.map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`);
    return `  - ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
  });
  throw new Error(
    `${results.violations.length} accessibility violation(s) on « ${name} » (${page.url()}):\n${lines.join('\n')}`,
  );
}

/** True when nothing makes the page scroll sideways (the usual mobile layout bug). */
export function hasHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
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
