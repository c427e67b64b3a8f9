// End to end in a real browser: the dashboard page served by a real village (embedded broker, real
// influxd) with a simulated fleet, driven by playwright-core on Debian's Chromium (never downloaded),
// signed in as an operator.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, removeShots, shootAtWidths, signedInContext } from '../helpers/browser.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
const DEVICES = ['gh-01', 'weather-01', 'valve-01', 'light-01', 'speaker-01'] as const;

let t: TestVillage | undefined;
let fleet: SimFleet | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let shotDir: string | undefined;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

const card = (id: string): Locator => page.locator(`article.card[data-device-id="${id}"]`);
const stateValue = (id: string, key: string): Locator => card(id).locator(`[data-testid="state"] [data-key="${key}"] dd`);
const text = async (l: Locator): Promise<string> => ((await l.textContent({ timeout: WAIT })) ?? '').trim();

/** Chromium logs every 4xx fetch as a console error; the ones the tests provoke on purpose are not page errors. */
function expectedNetworkError(m: ConsoleMessage): boolean {
  return (
    /^Failed to load resource: the server responded with a status of (400|409)\b/.test(m.text()) &&
    /\/api\/devices\/valve-01\/commands$/.test(m.location().url)
  );
}


beforeAll(async () => {
  t = await startTestVillage();
  fleet = new SimFleet({ site: testSite(), secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 1, speed: 30, reconnectPeriodMs: 200, stepEveryMs: 200 });
  fleet.start();
  const village = t.village;
  await until(() => village.live.all().length === DEVICES.length && village.live.all().every((d) => d.availability === 'online'), 'all devices online', WAIT);
  browser = await launchChromium();
  context = await signedInContext(browser, t, { login: 'operator' });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (m) => {
    if (m.type() === 'error' && !expectedNetworkError(m)) consoleErrors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e)));
  await page.goto(t.village.url);
  await page.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await fleet?.stop();
  await t?.stop();
  await removeShots(shotDir);
});

describe('dashboard in a browser', () => {
  it('is in Vietnamese first, groups devices by hamlet, and shows every device online with readings', async () => {
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    // Who is signed in, in the header; an operator has no admin page.
    expect(await text(page.getByTestId('who-name'))).toBe('operator');
    expect(await text(page.getByTestId('who-role'))).toBe('Cán bộ vận hành');
    expect(await page.locator('nav.nav a:visible').allTextContents()).toEqual(['Cảnh báo', 'Quy tắc', 'Thiết bị', 'Tưới tiêu', 'Chiếu sáng', 'Truyền thanh', 'Kịch bản']);
    await expect.poll(() => text(page.getByTestId('site-name')), poll).toBe('Xã Thử');
    // The app's pages name themselves first, then the site (the shell's title).
    await expect.poll(() => page.title(), poll).toMatch(/^Bảng điều khiển làng thông minh · Xã Thử$/);
    // `/` is the app's device page now.
    expect(new URL(page.url()).pathname).toBe('/app/');

    const hamlets = page.locator('section.hamlet');
    await expect.poll(() => hamlets.locator('h2 .hamlet-name').allTextContents(), poll).toEqual(['Thôn A', 'Thôn B']);
    const inHamlet = (hid: string) => page.locator(`section.hamlet[data-hamlet="${hid}"] article.card`);
    await expect.poll(async () => (await inHamlet('thon-a').evaluateAll((els) => els.map((e) => e.getAttribute('data-device-id')))).sort(), poll).toEqual(
      ['gh-01', 'valve-01', 'weather-01'],
    );
    await expect.poll(async () => (await inHamlet('thon-b').evaluateAll((els) => els.map((e) => e.getAttribute('data-device-id')))).sort(), poll).toEqual(
      ['light-01', 'speaker-01'],
    );
    expect(await page.locator('article.card').count()).toBe(DEVICES.length);

    for (const id of DEVICES) {
      const c = card(id);
      await c.waitFor();
      await expect.poll(() => c.getAttribute('data-availability'), poll).toBe('online');
      await expect.poll(() => text(c.getByTestId('availability')), poll).toMatch(/Trực tuyến$/);
      // Readings: at least one labelled value from the device, not the "no readings yet" note.
      const rows = c.locator('[data-testid="readings"] .kv-row');
      await expect.poll(() => rows.count(), poll).toBeGreaterThan(0);
      const first = (await rows.first().locator('dd').textContent())?.trim();
      expect(first).toBeTruthy();
      expect(first).not.toBe('–');
    }
    await expect.poll(() => text(page.getByTestId('count-online')), poll).toBe('5 trực tuyến');
  });

  it('sends an open from the valve card: pending, then applied, then the valve reports open', async () => {
    const valve = card('valve-01');
    await expect.poll(() => text(stateValue('valve-01', 'open')), poll).toBe('Đã đóng');
    expect(await valve.getByTestId('cmd-status').isHidden()).toBe(true);

    // Record every (command, status, word) the status line takes, batch by batch, from before the click.
    await page.evaluate(() => {
      const w = window as unknown as { __statusLog: { id: string | null; status: string | null; word: string }[] };
      w.__statusLog = [];
      const el = document.querySelector('article.card[data-device-id="valve-01"] [data-testid="cmd-status"]');
      if (!el) throw new Error('no status line on valve-01');
      const record = () => {
        const entry = {
          id: el.getAttribute('data-command-id'),
          status: el.getAttribute('data-status'),
          word: el.querySelector('[data-testid="cmd-word"]')?.textContent ?? '',
        };
        const last = w.__statusLog.at(-1);
        if (!last || last.id !== entry.id || last.status !== entry.status) w.__statusLog.push(entry);
      };
      new MutationObserver(record).observe(el, { attributes: true, attributeFilter: ['data-status', 'data-command-id'], childList: true, subtree: true });
    });

    const minutes = valve.getByTestId('cmd-open-durationS');
    await minutes.fill('2'); // 120 s of valve time: 4 s real at 30x
    await valve.getByTestId('cmd-open').click();

    const status = valve.getByTestId('cmd-status');
    await expect.poll(() => status.getAttribute('data-status'), poll).toMatch(/^(pending|applied)$/);
    const id = await status.getAttribute('data-command-id');
    expect(id).toBeTruthy();
    expect(await status.getAttribute('data-action')).toBe('open');

    const log = () => page.evaluate(() => (window as unknown as { __statusLog: { id: string | null; status: string | null; word: string }[] }).__statusLog);
    await expect.poll(async () => (await log()).filter((e) => e.id === id).at(-1)?.status, poll).toBe('applied');
    const seen = (await log()).filter((e) => e.id === id);
    expect(seen.map((e) => e.status)).toEqual(['pending', 'applied']);
    expect(seen.map((e) => e.word)).toEqual(['đang chờ', 'đã áp dụng']);
    await expect.poll(() => text(status), poll).toMatch(/Mở · 2\sphút — đã áp dụng/) // \s: the unit is joined by a no-break space;

    // The server's record agrees: 120 s, as typed in minutes.
    const rec = (await (await t!.as('operator')).get(`/api/commands/${id}`)).body as { command: { params: { durationS: number }; status: string; issuer: string } };
    expect(rec.command.params.durationS).toBe(120);
    // Sent by the signed-in user, with the session's CSRF token.
    expect(rec.command.issuer).toBe('user:operator');

    // The state is what the device itself reported.
    await expect.poll(() => text(stateValue('valve-01', 'open')), poll).toBe('Đang mở');
    expect(t!.village.live.snapshot('valve-01')?.state?.open).toBe(true);
    await expect.poll(() => text(stateValue('valve-01', 'remainingS')), poll).toMatch(/^≈ /);
  });

  it('shows a refusal above maxRunS and keeps what was typed', async () => {
    const valve = card('valve-01');
    const minutes = valve.getByTestId('cmd-open-durationS');
    await minutes.fill('11'); // 660 s > maxRunS 600
    await valve.getByTestId('cmd-open').click();

    const err = valve.getByTestId('cmd-error-open');
    await expect.poll(() => text(err), poll).toMatch(/^Lệnh bị từ chối:/);
    expect(await text(err)).toContain('durationS 660 exceeds maxRunS 600');
    expect(await minutes.inputValue()).toBe('11');
    // The refused command is recorded, and the status line says so.
    const status = valve.getByTestId('cmd-status');
    await expect.poll(() => status.getAttribute('data-status'), poll).toBe('rejected');
    expect(await text(status)).toContain('bị từ chối: durationS 660 exceeds maxRunS 600');
    expect(await valve.getByTestId('cmd-open').isEnabled()).toBe(true);
  });

  it('refuses an empty duration on the card, naming the field, without breaking the page', async () => {
    const valve = card('valve-01');
    const minutes = valve.getByTestId('cmd-open-durationS');
    await minutes.fill('');
    await valve.getByTestId('cmd-open').click();

    const err = valve.getByTestId('cmd-error-open');
    await expect.poll(() => text(err), poll).toMatch(/^Dữ liệu chưa hợp lệ:/);
    expect(await err.locator('li').count()).toBeGreaterThan(0);
    expect(await text(err.locator('li').first())).toMatch(/^Thời gian mở: /);
    expect(await minutes.getAttribute('aria-invalid')).toBe('true');
    // Said on the field too (the form checks before sending: nothing went to the server).
    expect(await text(valve.getByTestId('cmd-open-durationS-msg'))).toBe('Hãy nhập giá trị.');
    expect(await minutes.inputValue()).toBe('');
    // Typing again clears the field's error mark; the page is still alive and live.
    await minutes.fill('1');
    expect(await minutes.getAttribute('aria-invalid')).toBeNull();
    await minutes.fill('');
    expect(await page.getByTestId('conn-status').getAttribute('data-state')).toBe('live');
    expect(await page.locator('article.card').count()).toBe(DEVICES.length);
    expect(pageErrors).toEqual([]);
  });

  it('switches to English and back', async () => {
    const toggle = page.getByTestId('lang-toggle');
    const avail = card('valve-01').getByTestId('availability');

    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('en');
    await expect.poll(() => text(avail), poll).toMatch(/Online$/);
    expect(await text(page.getByTestId('count-online'))).toBe('5 online');
    expect(await text(page.locator('.app-title'))).toBe('Smart village dashboard');
    expect(await text(stateValue('valve-01', 'open').locator('xpath=../dt'))).toBe('Valve');
    expect(await page.evaluate(() => localStorage.getItem('village.lang'))).toBe('en');
    // The last error survives the re-render, in the new language.
    const err = card('valve-01').getByTestId('cmd-error-open');
    expect(await text(err)).toMatch(/^Invalid input:/);
    expect(await text(err.locator('li').first())).toMatch(/^Open for: /);

    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('vi');
    await expect.poll(() => text(avail), poll).toMatch(/Trực tuyến$/);
    expect(await text(page.getByTestId('count-online'))).toBe('5 trực tuyến');
    expect(await page.evaluate(() => localStorage.getItem('village.lang'))).toBe('vi');
    expect(await text(err)).toMatch(/^Dữ liệu chưa hợp lệ:Thời gian mở: /);
  });

  it('shows a level set through the API on the light card without a reload', async () => {
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    const level = stateValue('light-01', 'level');
    await level.waitFor();
    expect(await text(level)).not.toMatch(/^37\b/);

    const res = await (await t!.as('admin')).post('/api/devices/light-01/commands', { action: 'set', params: { level: 37 } });
    expect(res.status).toBe(202);

    await expect.poll(() => text(level), poll).toMatch(/^37\s?%$/);
    expect(await text(stateValue('light-01', 'mode'))).toBe('Điều khiển tay');
    await expect.poll(() => card('light-01').getByTestId('cmd-status').getAttribute('data-status'), poll).toBe('applied');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  it('renders at phone and desktop widths (screenshots), with no console errors', async () => {
    shotDir = await mkdtemp(join(tmpdir(), 'dashboard-shots-'));
    await shootAtWidths(page, shotDir, 'dashboard', { timeout: WAIT });
    // Phone first: nothing wider than the screen; labels, contrast and roles pass axe at both widths.
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(width);
      expect(await axeViolations(page)).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
