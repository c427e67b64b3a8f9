// End to end in a real browser: the irrigation page served by a real village (embedded broker, real
// influxd) with simulated valves at real speed, driven by playwright-core on Debian's Chromium
// (never downloaded), signed in as an operator.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, removeShots, shootAtWidths, signedInContext } from '../helpers/browser.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { irrigationSite } from '../helpers/irrigation-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
const ZONES = ['nha-mang-1', 'nha-mang-2', 'nha-mang-3'] as const;
const VALVES = ['valve-01', 'valve-02', 'valve-03'] as const;

let t: TestVillage | undefined;
let fleet: SimFleet | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let shotDir: string | undefined;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

const zone = (id: string): Locator => page.locator(`article.zone-card[data-zone-id="${id}"]`);
const valve = (zoneId: string, id: string): Locator => zone(zoneId).locator(`li.valve[data-valve-id="${id}"]`);
/** What a reader sees: the element's rendered text, white space (no-break spaces too) collapsed. */
const text = async (l: Locator): Promise<string> => (await l.innerText({ timeout: WAIT })).replace(/\s+/g, ' ').trim();
const api = async <T>(path: string): Promise<T> => (await (await t!.as('admin')).get(path)).body as T;

/** The page's reads of what an `irrigation` event carries, from now until the returned function is called. */
function recordRereads(): () => string[] {
  const seen: string[] = [];
  const onRequest = (r: Request) => {
    if (r.method() === 'GET' && /^\/api\/irrigation\/(zones|queue|history)$/.test(new URL(r.url()).pathname)) seen.push(r.url());
  };
  page.on('request', onRequest);
  return () => {
    page.off('request', onRequest);
    return seen;
  };
}

/** Chromium logs every 4xx fetch as a console error; the 400s the tests provoke on purpose are not page errors. */
function expectedNetworkError(m: ConsoleMessage): boolean {
  return (
    /^Failed to load resource: the server responded with a status of 400\b/.test(m.text()) &&
    /\/api\/irrigation\/(run|programs\/[a-z0-9-]+)$/.test(m.location().url)
  );
}

/** Local HH:MM at the site, some hours from now (a program start that will not come during the test). */
function siteTimeIn(hours: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now() + hours * 3600_000);
}

beforeAll(async () => {
  t = await startTestVillage({ site: irrigationSite(), options: { irrigation: { tickMs: 200 } } });
  const site = irrigationSite();
  site.devices = site.devices.filter((d) => d.type === 'irrigation-valve');
  fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 5, speed: 1, stepEveryMs: 200, reconnectPeriodMs: 200 });
  fleet.start();
  const village = t.village;
  await until(() => VALVES.every((v) => village.live.snapshot(v)?.availability === 'online' && village.live.snapshot(v)?.state?.open === false), 'valves online and closed', WAIT);
  browser = await launchChromium();
  // A Vietnamese phone's locale (it decides how the browser's own time and date inputs look).
  context = await signedInContext(browser, t, { login: 'operator' }, { locale: 'vi-VN' });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (m) => {
    if (m.type() === 'error' && !expectedNetworkError(m)) consoleErrors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e)));
  await page.goto(`${t.village.url}irrigation.html`);
  await page.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await fleet?.stop();
  await t?.stop();
  await removeShots(shotDir);
});

describe('irrigation page in a browser', () => {
  it('is in Vietnamese first and shows the three zones with their valves as reported', async () => {
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await expect.poll(() => page.title(), poll).toBe('Tưới tiêu · Xã Thử');
    expect(await text(page.getByTestId('nav-irrigation'))).toBe('Tưới tiêu');
    expect(await page.getByTestId('nav-irrigation').getAttribute('aria-current')).toBe('page');
    expect(await text(page.getByTestId('nav-devices'))).toBe('Thiết bị');
    // The nav goes straight into the app, with no redirect on the way.
    expect(await page.getByTestId('nav-devices').getAttribute('href')).toBe('/app/');
    expect(await page.getByTestId('nav-lighting').getAttribute('href')).toBe('/app/lighting.html');
    expect(await text(page.locator('#zones-h'))).toBe('Khu tưới');
    // An operator runs the whole commune's watering: the queue controls and the program editor are there.
    expect(await text(page.getByTestId('who-role'))).toBe('Cán bộ vận hành');
    expect(await page.getByTestId('pause').isVisible()).toBe(true);
    expect(await page.getByTestId('rain-delay').isVisible()).toBe(true);
    expect(await page.getByTestId('program-new').isVisible()).toBe(true);

    const cards = page.locator('article.zone-card');
    await expect.poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-zone-id'))), poll).toEqual([...ZONES]);
    expect(await cards.locator('h3').allTextContents()).toEqual(['Nhà màng 1', 'Nhà màng 2', 'Nhà màng 3']);
    expect(await text(zone('nha-mang-2').locator('.dev-meta'))).toBe('cà chua · 800 m² · Thôn A');
    // nha-mang-1 has a soil sensor (gh-01) that never reported; the others have none.
    expect(await text(zone('nha-mang-1').locator('[data-key="moisture"] dd'))).toBe('cảm biến chưa báo số đo gần đây');
    expect(await text(zone('nha-mang-2').locator('[data-key="moisture"] dd'))).toBe('không có cảm biến');
    expect(await text(zone('nha-mang-1').getByTestId('sensor-control'))).toMatch(/^Tưới theo cảm biến: bắt đầu khi đất dưới 25 %/);
    expect(await zone('nha-mang-2').getByTestId('sensor-control').isHidden()).toBe(true);
    await expect.poll(() => text(zone('nha-mang-2').locator('[data-testid="water"] dd')), poll).toMatch(/^[\d.,]+ L · [\d.,]+ L\/m²\/ngày$/);

    for (const [i, id] of VALVES.entries()) {
      const v = valve(ZONES[i]!, id);
      await expect.poll(() => v.getAttribute('data-open'), poll).toBe('false');
      expect(await v.getAttribute('data-availability')).toBe('online');
      expect(await text(v.getByTestId('valve-state'))).toBe('Đã đóng');
    }
    expect(await text(page.getByTestId('queue-running'))).toBe('Không có khu nào đang tưới.');
    expect(await text(page.getByTestId('queue-queued'))).toBe('Không có lượt nào đang chờ.');
    expect(await page.getByTestId('alerts').isHidden()).toBe(true);
  });

  it('runs nha-mang-2 for 1 minute: the queue shows it, the valve reports open; "Dừng" stops it and the valve reports closed', async () => {
    const card = zone('nha-mang-2');
    await card.getByTestId('run-now-minutes').fill('1');
    await card.getByTestId('run-now').click();

    const running = page.getByTestId('queue-running').locator('li[data-zone="nha-mang-2"]');
    await expect.poll(() => running.getAttribute('data-status'), poll).toBe('running');
    expect(await text(running)).toMatch(/^Nhà màng 2 còn [01]:\d\d Van 2 · thủ công · đặt 1\sphút/);
    expect(await text(card.getByTestId('run-now-error'))).toBe('Đã xếp hàng: Nhà màng 2, 1\u00a0phút.'.replace(/\s+/g, ' '));

    // The valve's own report, not the command: open with its countdown.
    const v = valve('nha-mang-2', 'valve-02');
    await expect.poll(() => v.getAttribute('data-open'), poll).toBe('true');
    expect(t!.village.live.snapshot('valve-02')?.state?.open).toBe(true);
    expect(await text(v.getByTestId('valve-state'))).toBe('Đang mở');
    await expect.poll(() => text(v.getByTestId('valve-left')), poll).toMatch(/^≈ còn [01]:\d\d$/);
    await expect.poll(() => card.getByTestId('zone-run').getAttribute('data-status'), poll).toBe('running');
    expect(await text(card.getByTestId('zone-run'))).toMatch(/^Đang tưới · còn [01]:\d\d · thủ công$/);

    await card.getByTestId('stop-run').click();
    await expect.poll(() => v.getAttribute('data-open'), poll).toBe('false');
    expect(t!.village.live.snapshot('valve-02')?.state?.open).toBe(false);
    expect(await text(v.getByTestId('valve-state'))).toBe('Đã đóng');
    await expect.poll(() => text(page.getByTestId('queue-running')), poll).toBe('Không có khu nào đang tưới.');
    expect(await card.getByTestId('stop-run').isHidden()).toBe(true);
    const hist = page.getByTestId('history').locator('li[data-zone="nha-mang-2"]').first();
    await expect.poll(() => hist.getAttribute('data-status'), poll).toBe('cancelled');
    expect(await text(hist)).toMatch(/ Nhà màng 2 · đã hủy thủ công · chạy \d+ giây \/ 1 phút( · [\d.,]+ L)? · đã dừng bởi operator$/);
  });

  it('follows a run started and stopped elsewhere from the pushed events, without reading the zones, queue or history again', async () => {
    const stopRecording = recordRereads();
    const admin = await t!.as('admin');
    const started = await admin.post('/api/irrigation/run', { zone: 'nha-mang-1', durationS: 60 });
    expect(started.status).toBe(202);
    const runId = (started.body as { id: string }).id;

    const card = zone('nha-mang-1');
    const running = page.getByTestId('queue-running').locator(`li[data-run-id="${runId}"]`);
    await expect.poll(() => running.getAttribute('data-status'), poll).toBe('running');
    await expect.poll(() => card.getByTestId('zone-run').getAttribute('data-run-id'), poll).toBe(runId);
    await expect.poll(() => valve('nha-mang-1', 'valve-01').getAttribute('data-open'), poll).toBe('true');
    // The countdowns go on from the page's own clock.
    await expect.poll(() => card.getByTestId('zone-run').getAttribute('data-status'), poll).toBe('running');
    const left = card.getByTestId('zone-run').locator('.run-left');
    const first = await text(left);
    expect(first).toMatch(/^còn [01]:\d\d$/);
    await expect.poll(() => text(left), poll).not.toBe(first);

    expect((await admin.post(`/api/irrigation/runs/${runId}/stop`)).status).toBe(200);
    await expect.poll(() => running.count(), poll).toBe(0);
    await expect.poll(() => text(card.getByTestId('zone-run')), poll).toBe('Không tưới.');
    const hist = page.getByTestId('history').locator(`li[data-run-id="${runId}"]`);
    await expect.poll(() => hist.getAttribute('data-status'), poll).toBe('cancelled');
    await expect.poll(() => valve('nha-mang-1', 'valve-01').getAttribute('data-open'), poll).toBe('false');
    expect(stopRecording()).toEqual([]);
  });

  it("links each zone's card to its chart, with a whole touch target", async () => {
    const links = page.getByTestId('zone-chart-link');
    expect(await links.evaluateAll((els) => els.map((e) => e.getAttribute('href')))).toEqual(ZONES.map((id) => `/app/zone.html?zone=${id}`));
    expect(await links.allTextContents()).toEqual(['Biểu đồ', 'Biểu đồ', 'Biểu đồ']);
    for (const box of await Promise.all((await links.all()).map((l) => l.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(box!.width).toBeGreaterThanOrEqual(44);
    }
  });

  it('shows the 400 for 11 minutes (the zone allows 10) and keeps what was typed', async () => {
    const card = zone('nha-mang-2');
    const minutes = card.getByTestId('run-now-minutes');
    await minutes.fill('11');
    await card.getByTestId('run-now').click();
    const err = card.getByTestId('run-now-error');
    await expect.poll(() => text(err), poll).toMatch(/^Dữ liệu chưa hợp lệ:/);
    expect(await text(err)).toContain("durationS 660 exceeds the zone's maximum 600");
    expect(await text(err)).toContain('Khu này tưới tối đa 10\u00a0phút mỗi lượt.'.replace(/\s+/g, ' '));
    expect(await err.getAttribute('data-kind')).toBe('error');
    expect(await minutes.inputValue()).toBe('11');
    expect(await minutes.getAttribute('aria-invalid')).toBe('true');
    // Nothing was queued; a refresh of the zones keeps the typed value.
    await page.waitForTimeout(1200);
    expect(await minutes.inputValue()).toBe('11');
    expect(await text(page.getByTestId('queue-queued'))).toBe('Không có lượt nào đang chờ.');
    expect(t!.village.irrigation.runs().filter((r) => r.status === 'queued' || r.status === 'running')).toEqual([]);
  });

  it('creates a weekly program through the form, after showing a 400 and keeping the form', async () => {
    const at = siteTimeIn(6);
    await page.getByTestId('program-new').click();
    const form = page.getByTestId('program-form');
    await form.waitFor();
    await form.getByTestId('program-name').fill('Tưới thử');
    expect(await form.getByTestId('program-id').inputValue()).toBe('tuoi-thu');
    expect(await form.getByTestId('program-kind').inputValue()).toBe('weekly');
    for (let d = 1; d <= 7; d++) expect(await form.getByTestId(`program-day-${d}`).isChecked()).toBe(true);
    expect(await form.locator('.days label').allTextContents()).toEqual(['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
    await form.getByTestId('program-start-at-0').fill(at);
    await form.getByTestId('program-step-zone-0').selectOption('nha-mang-3');
    await form.getByTestId('program-step-minutes-0').fill('2');
    await form.getByTestId('program-level').fill('300'); // above 250 %: the server says no

    await form.getByTestId('program-save').click();
    const err = page.getByTestId('program-error');
    await expect.poll(() => text(err), poll).toMatch(/^Dữ liệu chưa hợp lệ: Mức nước: /);
    expect(await form.getByTestId('program-level').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByTestId('program-name').inputValue()).toBe('Tưới thử');
    expect(await form.getByTestId('program-start-at-0').inputValue()).toBe(at);
    expect(await form.getByTestId('program-step-zone-0').inputValue()).toBe('nha-mang-3');
    expect(await form.getByTestId('program-step-minutes-0').inputValue()).toBe('2');
    expect(await form.getByTestId('program-level').inputValue()).toBe('300');

    await form.getByTestId('program-level').fill('100');
    await form.getByTestId('program-save').click();
    await expect.poll(() => page.getByTestId('program-form').count(), poll).toBe(0);
    const item = page.locator('li.program[data-program-id="tuoi-thu"]');
    await item.waitFor();
    expect(await text(item.locator('h3'))).toBe('Tưới thử');
    expect(await text(item.getByTestId('program-enabled'))).toBe('Đang bật');
    expect(await text(item.locator('[data-key="calendar"] dd'))).toBe('Hằng ngày');
    expect(await text(item.locator('[data-key="starts"] dd'))).toBe(at);
    expect(await text(item.locator('[data-key="steps"] dd'))).toBe('Nhà màng 3 2 phút');
    expect(await text(item.locator('[data-key="level"] dd'))).toBe('100 %');

    const programs = await api<{ id: string }[]>('/api/irrigation/programs');
    const p = programs.find((x) => x.id === 'tuoi-thu');
    expect(p).toMatchObject({
      id: 'tuoi-thu',
      name: 'Tưới thử',
      enabled: true,
      calendar: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7] },
      starts: [{ at }],
      steps: [{ zone: 'nha-mang-3', durationS: 120 }],
      waterLevelPct: 100,
      weatherAdjust: false,
    });
    // The zone it waters shows it as its next start.
    const next = zone('nha-mang-3').getByTestId('next-start');
    await expect.poll(() => text(next), poll).toContain('Tưới thử');
    expect(await text(next)).toContain(at);
  });

  it('pauses and resumes, sets and lifts a rain delay, and cancels all after a confirm', async () => {
    await page.getByTestId('pause').click();
    await expect.poll(() => page.getByTestId('resume').isVisible(), poll).toBe(true);
    expect(await page.getByTestId('pause').isHidden()).toBe(true);
    expect(await text(page.getByTestId('queue-flags'))).toContain('Đã tạm dừng');
    await page.getByTestId('resume').click();
    await expect.poll(() => page.getByTestId('pause').isVisible(), poll).toBe(true);

    await page.getByTestId('rain-delay-hours').fill('2');
    await page.getByTestId('rain-delay').click();
    await expect.poll(() => text(page.getByTestId('queue-flags')), poll).toMatch(/^Hoãn do mưa đến \d\d:\d\d/);
    expect((await api<{ rainDelayUntil?: number }>('/api/irrigation/settings')).rainDelayUntil).toBeGreaterThan(Date.now() + 3600_000);
    await page.getByTestId('rain-delay-hours').fill('0');
    await page.getByTestId('rain-delay').click();
    await expect.poll(() => text(page.getByTestId('queue-flags')), poll).toBe('Tưới tự động đang bật.');

    // Two zones on one well of capacity 1: one runs, the other waits with an expected start.
    for (const id of ['nha-mang-3', 'nha-mang-1']) {
      await zone(id).getByTestId('run-now-minutes').fill('1');
      await zone(id).getByTestId('run-now').click();
    }
    await expect.poll(() => page.getByTestId('queue-running').locator('li[data-zone="nha-mang-3"]').getAttribute('data-status'), poll).toBe('running');
    const queued = page.getByTestId('queue-queued').locator('li[data-zone="nha-mang-1"]');
    await expect.poll(() => text(queued), poll).toMatch(/^Nhà màng 1 dự kiến \d\d:\d\d \(.+\) 1\sphút · thủ công/);
    await expect.poll(() => valve('nha-mang-3', 'valve-03').getAttribute('data-open'), poll).toBe('true');

    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.getByTestId('cancel-all').click();
    await expect.poll(() => text(page.getByTestId('queue-queued')), poll).toBe('Không có lượt nào đang chờ.');
    await expect.poll(() => text(page.getByTestId('queue-running')), poll).toBe('Không có khu nào đang tưới.');
    expect(asked).toMatch(/^Hủy mọi lượt tưới/);
    await expect.poll(() => valve('nha-mang-3', 'valve-03').getAttribute('data-open'), poll).toBe('false');
    expect(await valve('nha-mang-1', 'valve-01').getAttribute('data-open')).toBe('false');
  });

  it('shows an active leak alert at the top, live, and hides it when it ends', async () => {
    const alerts = page.getByTestId('alerts');
    expect(await alerts.isHidden()).toBe(true);
    const leak = { key: 'flow.leak.valve-02', what: { code: 'flow-leak' as const, device: 'valve-02', flowLpm: 3 }, severity: 'critical' as const, message: 'valve-02 reports 3 L/min while closed (leak?)' };
    t!.village.bus.emit('alert', { ...leak, at: new Date(), active: true });
    const item = alerts.locator('li[data-alert-key="flow.leak.valve-02"]');
    await expect.poll(() => item.count(), poll).toBe(1);
    expect(await text(item)).toMatch(/^Nghiêm trọng: Có thể rò nước: Van 2 báo 3 L\/phút khi van đang đóng · .+ valve-02 reports 3 L\/min while closed \(leak\?\)$/);
    // It comes before the queue.
    expect(await page.evaluate(() => !!(document.querySelector('#alerts')!.compareDocumentPosition(document.querySelector('#queue')!) & Node.DOCUMENT_POSITION_FOLLOWING))).toBe(true);
    t!.village.bus.emit('alert', { ...leak, message: 'cleared', at: new Date(), active: false });
    await expect.poll(() => alerts.isHidden(), poll).toBe(true);
  });

  it('switches to English and back, keeping the choice', async () => {
    const toggle = page.getByTestId('lang-toggle');
    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('en');
    expect(await text(page.locator('#zones-h'))).toBe('Zones');
    expect(await text(page.locator('#queue-h'))).toBe('Watering queue');
    expect(await text(zone('nha-mang-2').getByTestId('run-now'))).toBe('Water now');
    expect(await text(zone('nha-mang-2').getByTestId('zone-chart-link'))).toBe('Chart');
    expect(await text(page.getByTestId('nav-devices'))).toBe('Devices');
    expect(await text(valve('nha-mang-2', 'valve-02').getByTestId('valve-state'))).toBe('Closed');
    expect(await text(page.locator('li.program[data-program-id="tuoi-thu"] [data-key="calendar"] dd'))).toBe('Every day');
    expect(await page.title()).toBe('Irrigation · Xã Thử');
    expect(await page.evaluate(() => localStorage.getItem('village.lang'))).toBe('en');
    // What was typed survives the re-render; the error is now in English.
    expect(await zone('nha-mang-2').getByTestId('run-now-minutes').inputValue()).toBe('11');

    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('vi');
    expect(await text(page.locator('#zones-h'))).toBe('Khu tưới');
    expect(await page.evaluate(() => localStorage.getItem('village.lang'))).toBe('vi');
  });

  it('renders at phone and desktop widths (screenshots), with no console errors', async () => {
    shotDir = await mkdtemp(join(tmpdir(), 'irrigation-shots-'));
    await shootAtWidths(page, shotDir, 'irrigation', { timeout: WAIT, full: true });
    // The program editor on a phone: every control fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('li.program[data-program-id="tuoi-thu"]').getByTestId('program-edit').click();
    const form = page.getByTestId('program-form');
    await form.waitFor();
    expect(await form.getByTestId('program-id').getAttribute('readonly')).toBe('');
    expect(await form.getByTestId('program-name').inputValue()).toBe('Tưới thử');
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(390);
    await form.screenshot({ path: join(shotDir, 'irrigation-390-editor.png') });
    await form.getByTestId('program-cancel').click();
    await expect.poll(() => form.count(), poll).toBe(0);

    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  for (const width of [360, 1280]) {
    it(`passes axe with a run, an alert and the program editor open, with no console errors (${width} px)`, async () => {
      const ctx = await signedInContext(browser!, t!, { login: 'operator' }, { locale: 'vi-VN', viewport: { width, height: 800 } });
      const p = await ctx.newPage();
      p.setDefaultTimeout(WAIT);
      const errors = collectErrors(p, [], expectedNetworkError);
      const leak = { key: 'flow.leak.valve-01', what: { code: 'flow-leak' as const, device: 'valve-01', flowLpm: 2 }, severity: 'critical' as const, message: 'valve-01 leaks' };
      try {
        await p.goto(`${t!.village.url}irrigation.html`);
        await p.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
        const card = p.locator('article.zone-card[data-zone-id="nha-mang-2"]');
        await card.getByTestId('run-now-minutes').fill('1');
        await card.getByTestId('run-now').click();
        await expect.poll(() => p.getByTestId('queue-running').locator('li[data-zone="nha-mang-2"]').count(), poll).toBe(1);
        t!.village.bus.emit('alert', { ...leak, at: new Date(), active: true });
        await p.locator('li[data-alert-key="flow.leak.valve-01"]').waitFor();
        await p.getByTestId('program-new').click();
        await p.getByTestId('program-form').waitFor();
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        expect(await axeViolations(p)).toEqual([]);
        await p.getByTestId('program-cancel').click();
        await card.getByTestId('stop-run').click();
        await expect.poll(() => text(p.getByTestId('queue-running')), poll).toBe('Không có khu nào đang tưới.');
        expect(errors).toEqual([]);
      } finally {
        t!.village.bus.emit('alert', { ...leak, message: 'cleared', at: new Date(), active: false });
        await ctx.close();
      }
    });
  }
});
