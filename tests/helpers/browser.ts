// Browser tests' shared parts: Debian's Chromium through playwright-core (never downloaded),
// signing a browser in as a test user, collecting console errors, PNG checks for screenshots, and
// the screenshot folder's clean-up.
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { PersonRole as Role } from '../../controller/auth/policy.js';
import { passwordOf } from './api.js';
import type { TestVillage } from './village.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * Signs a browser context in through the API: the context's cookie jar (which its pages share)
 * keeps the session. The pages read their CSRF token from /api/auth/me themselves.
 */
export async function signInContext(context: BrowserContext, baseUrl: string, login: string, password: string): Promise<void> {
  const res = await context.request.post(new URL('/api/auth/sign-in', baseUrl).href, { data: { login, password } });
  if (res.status() !== 200) throw new Error(`sign-in of ${login} failed: ${res.status()} ${await res.text()}`);
}

/**
 * A new context signed in as a test user, made with `role` and `zones` on first use (the login
 * defaults to the role's name, as with t.as()).
 */
export async function signedInContext(
  browser: Browser,
  t: TestVillage,
  who: { login: string; role?: Role; zones?: string[] },
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  await t.as(who.login, who.role, who.zones);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await signInContext(context, t.village.url, who.login, passwordOf(t.village, who.login));
  return context;
}

/** Types into signin.html as a person does; the page then goes where it was asked to. */
export async function signInOnPage(page: Page, login: string, password: string): Promise<void> {
  await page.getByTestId('signin-login').fill(login);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

/**
 * Collects a page's console errors (a CSP refusal is one) and uncaught exceptions into `into`,
 * except those `expected` says the test provoked on purpose.
 */
export function collectErrors(page: Page, into: string[], expected: (m: ConsoleMessage) => boolean = () => false): string[] {
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m)) into.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => into.push(String(e.stack ?? e)));
  return into;
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.length).toBeGreaterThan(100);
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** KEEP_SCREENSHOTS=1 leaves them in the temp dir to look at (they are never committed). */
export async function removeShots(dir: string | undefined): Promise<void> {
  if (!dir) return;
  if (process.env.KEEP_SCREENSHOTS) console.log(`screenshots kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}

/**
 * Screenshots at a phone's and a desktop's size into dir, each checked to be a PNG of that size,
 * after nothing on the page is wider than the screen. With `full`, a full-page shot too.
 */
export async function shootAtWidths(page: Page, dir: string, name: string, o: { timeout: number; full?: boolean }): Promise<void> {
  for (const [width, height] of [
    [390, 844],
    [1280, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: o.timeout, interval: 50 }).toBeLessThanOrEqual(width);
    const file = join(dir, `${name}-${width}x${height}.png`);
    await page.screenshot({ path: file });
    expect(pngSize(await readFile(file))).toEqual({ width, height });
    if (o.full) await page.screenshot({ path: join(dir, `${name}-${width}-full.png`), fullPage: true });
  }
}

/**
 * Serious and critical axe-core violations on the page as it is now (WCAG 2 A and AA rules), as
 * "rule: target" lines. axe runs through the devtools protocol, so the page's CSP stays as it is.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
