// The rules pages in a real browser at 360 px (a phone) on a real village: a greenhouse's air
// temperature seeded minute by minute into InfluxDB over two hours; a rule built in the form (no
// JSON), tested against that past (the firings listed are the ones worked out by hand, as in
// tests/integration/rules-test.test.ts), saved, and seen in the list. A farmer's selection offers
// only their zone's devices. No serious axe violations, no console errors.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, signedInContext } from '../helpers/browser.js';
import { MIN, seedGreenhouseHours, twoGreenhouses } from '../helpers/greenhouse-history.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
// Three hours ago on the minute: inside "last 24 hours".
const T0 = Math.floor((Date.now() - 3 * 3600_000) / MIN) * MIN;

let t: TestVillage | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

async function phone(who: Parameters<typeof signedInContext>[2]): Promise<Page> {
  const c = await signedInContext(browser!, t!, who, { viewport: { width: 360, height: 740 } });
  contexts.push(c);
  const page = await c.newPage();
  collectErrors(page, errors);
  return page;
}

beforeAll(async () => {
  t = await startTestVillage({ site: twoGreenhouses() });
  await seedGreenhouseHours(t, T0);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.stop();
});

describe('rules pages', () => {
  it('builds a rule in the form, tests it against the seeded past, saves it and lists it', async () => {
    const page = await phone({ login: 'admin' });
    await page.goto(new URL('/app/rules.html', t!.village.url).href);
    await page.getByTestId('rule-empty').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('nav-rules').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('rule-new').click();

    await page.getByTestId('rule-name').fill('Nhà màng 1 quá nóng');
    await page.getByTestId('rule-zone').selectOption('nha-mang-1');
    await page.getByTestId('rule-type').selectOption('greenhouse-sensor');
    await expect.poll(() => page.getByTestId('rule-picked').innerText(), poll).toContain('Cảm biến 1');
    await page.getByTestId('rule-metric').selectOption('airTempC');
    await page.getByTestId('rule-op').selectOption('>');
    await page.getByTestId('rule-value').fill('38');
    await page.getByTestId('rule-for').fill('10');
    await page.getByTestId('rule-clear-on').check();
    await page.getByTestId('rule-clear-value').fill('36');
    await page.getByTestId('rule-clear-for').fill('5');
    expect(await page.getByTestId('rule-save').getAttribute('data-tested')).toBe('no');

    // Tested over the last 24 hours: fires at minute 30 (39 °C for 10 min), clears at 50.
    await page.getByTestId('rule-test-range-24h').click();
    await page.getByTestId('rule-test-run').click();
    await page.getByTestId('rule-test-result').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('rule-test-count').innerText()).toContain('Sẽ kích hoạt 1 lần');
    const firings = page.getByTestId('rule-test-firing');
    expect(await firings.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.at)))).toEqual([T0 + 30 * MIN]);
    const line = await firings.first().innerText();
    expect(line).toContain('Cảm biến 1');
    expect(line).toContain('39\u00a0°C');
    expect(line).toContain('hết lúc');
    expect(await page.getByTestId('rule-save').getAttribute('data-tested')).toBe('yes');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId('rule-save').click();
    const row = page.locator('[data-testid="rule-row"][data-rule="nha-mang-1-qua-nong"]');
    await row.waitFor({ timeout: WAIT });
    expect(await row.getByTestId('rule-when-words').innerText()).toContain('trên 38');
    expect(await row.getByTestId('rule-state').innerText()).toBe('Đang chờ điều kiện');
    const saved = (await (await t!.as('admin')).get('/api/rules/nha-mang-1-qua-nong')).body as { rule: { when: unknown } };
    expect(saved.rule.when).toMatchObject({ kind: 'metric', select: { zone: 'nha-mang-1', type: 'greenhouse-sensor' }, metric: 'airTempC', op: '>', value: 38, forS: 600, clear: { value: 36, forS: 300 } });

    // Details: the trace and state; then off by its switch.
    await row.getByTestId('rule-open').click();
    await page.getByTestId('rule-details').waitFor({ timeout: WAIT });
    await page.getByTestId('rule-back').click();
    // A click, not uncheck(): the switch shows the server's answer, not the click, so it changes a moment later.
    await row.getByTestId('rule-enabled').click();
    await expect.poll(() => row.getAttribute('data-phase'), poll).toBe('off');
    expect(((await (await t!.as('admin')).get('/api/rules/nha-mang-1-qua-nong')).body as { rule: { enabled: boolean } }).rule.enabled).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a farmer’s selection offers only their zone’s devices', async () => {
    const page = await phone({ login: 'nong-dan-2', role: 'farmer', zones: ['nha-mang-2'] });
    await page.goto(new URL('/app/rules.html#new', t!.village.url).href);
    await page.getByTestId('rule-form').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('rule-zone').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['nha-mang-2']);
    await page.getByTestId('rule-by-devices').check();
    const ids = await page.getByTestId('rule-devices').locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(ids).toEqual(['gh-02']);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
