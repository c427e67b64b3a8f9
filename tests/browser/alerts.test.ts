// The alert inbox in a real browser at 360 px (a phone), served by a real village and signed in as
// a farmer: an alert raised on the plane shows up live, is acknowledged with a note, and moves
// down (out of "to look at", below the unacknowledged ones); another zone's alert never shows;
// no serious axe violations.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvents } from '../../controller/bus.js';
import { authSite, ZONE_A } from '../helpers/auth-site.js';
import { axeViolations, collectErrors, launchChromium, signedInContext } from '../helpers/browser.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;

let t: TestVillage | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
const errors: string[] = [];

const raise = (device: string, code: 'flow-leak' | 'flow-none', severity: BusEvents['alert']['severity']): void =>
  t!.village.bus.emit('alert', {
    key: `flow.${code === 'flow-leak' ? 'leak' : 'none'}.${device}`,
    what: { code, device, flowLpm: code === 'flow-leak' ? 4 : 0 },
    severity,
    message: 'test',
    at: new Date(),
    active: true,
    device,
  });
const keys = () => page.locator('[data-testid="alert"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.alertKey));

beforeAll(async () => {
  t = await startTestVillage({ site: authSite() });
  browser = await launchChromium();
  context = await signedInContext(browser, t, { login: 'nong-dan-a', role: 'farmer', zones: [ZONE_A] }, { viewport: { width: 360, height: 740 } });
  page = await context.newPage();
  collectErrors(page, errors);
}, 60_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.stop();
});

describe('alert inbox', () => {
  it('shows an alert raised meanwhile live, acknowledges it with a note, and moves it down', async () => {
    raise('van-a', 'flow-none', 'warning');
    await page.goto(new URL('/app/alerts.html', t!.village.url).href);
    await expect.poll(keys, poll).toEqual(['flow.none.van-a']);
    expect(await page.getByTestId('nav-alerts').getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), poll).toBe('live');

    // Raised while the page is open: pushed, not read again; B's alert (another zone) never comes.
    raise('van-b', 'flow-leak', 'critical');
    raise('van-a', 'flow-leak', 'critical');
    await expect.poll(keys, poll).toEqual(['flow.leak.van-a', 'flow.none.van-a']);
    const leak = page.locator('[data-alert-key="flow.leak.van-a"]');
    expect(await leak.locator('.inbox-what').innerText()).toBe('Có thể rò nước: Van A báo 4 L/phút khi van đang đóng');

    await leak.getByTestId('ack-note').fill('đã khoá van tổng');
    await leak.getByTestId('ack').click();
    // Acknowledged: out of "to look at"…
    await expect.poll(keys, poll).toEqual(['flow.none.van-a']);
    expect(t!.village.alerts.get('flow.leak.van-a')?.ack).toMatchObject({ by: 'nong-dan-a', note: 'đã khoá van tổng' });
    // …and below the unacknowledged one among the active.
    await page.getByTestId('view-active').click();
    await expect.poll(keys, poll).toEqual(['flow.none.van-a', 'flow.leak.van-a']);
    expect(await page.locator('[data-alert-key="flow.leak.van-a"] [data-testid="ack-by"]').innerText()).toContain('đã khoá van tổng');

    // Cleared and raised again: back on top, counted twice, asking for a new look.
    t!.village.bus.emit('alert', { key: 'flow.leak.van-a', what: { code: 'flow-leak', device: 'van-a', flowLpm: 0 }, severity: 'critical', message: 'dry', at: new Date(), active: false });
    raise('van-a', 'flow-leak', 'critical');
    await expect.poll(keys, poll).toEqual(['flow.leak.van-a', 'flow.none.van-a']);
    expect(await page.locator('[data-alert-key="flow.leak.van-a"] [data-testid="alert-count"]').innerText()).toBe('2 lần');
    expect(await page.locator('[data-alert-key="flow.leak.van-a"]').getAttribute('data-acked')).toBe('no');

    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
