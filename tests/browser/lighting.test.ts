// End to end in a real browser: the street-lighting page served by a real village (embedded broker,
// real influxd) with simulated street lights at real speed, driven by playwright-core on Debian's
// Chromium (never downloaded), signed in as an operator.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, removeShots, shootAtWidths, signedInContext } from '../helpers/browser.js';
import { localParts } from '../../devices/local-time.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { lightingSite } from '../helpers/lighting-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
const TZ = 'Asia/Ho_Chi_Minh';
const ROAD = ['light-01', 'light-02', 'light-03'] as const;

let t: TestVillage | undefined;
let fleet: SimFleet | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let shotDir: string | undefined;
/** Console errors (but those the tests provoke) and uncaught exceptions. */
const errors: string[] = [];
/** The program's steps as set up: the level now is 37 (its step passed a minute ago). */
let steps: { at: string; level: number }[] = [];

const group = (id: string): Locator => page.locator(`article.group-card[data-group-id="${id}"]`);
const light = (groupId: string, id: string): Locator => group(groupId).locator(`li.light[data-light-id="${id}"]`);
/** What a reader sees: the element's rendered text, white space (no-break spaces too) collapsed. */
const text = async (l: Locator): Promise<string> => (await l.innerText({ timeout: WAIT })).replace(/\s+/g, ' ').trim();
/** The API as the admin (a signed-in session of its own). */
const api = async (method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const admin = await t!.as('admin');
  return method === 'GET' ? admin.get(path) : admin.put(path, body);
};
/** The page's reads of what a `lighting` event carries, from now until the returned function is called. */
function recordRereads(): () => string[] {
  const seen: string[] = [];
  const onRequest = (r: Request) => {
    if (r.method() === 'GET' && /^\/api\/lighting\/(groups|overrides)$/.test(new URL(r.url()).pathname)) seen.push(r.url());
  };
  page.on('request', onRequest);
  return () => {
    page.off('request', onRequest);
    return seen;
  };
}
/** What the simulated light itself holds (the truth the page must show). */
const reported = (id: string) => fleet!.device(id)!.reported() as { level: number; mode: string } | undefined;
const hhmm = (ms: number) => {
  const p = localParts(new Date(ms), TZ);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};
/** YYYY-MM-DD of yesterday at the site. */
function yesterday(): string {
  const p = localParts(new Date(), TZ);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day - 1));
  return d.toISOString().slice(0, 10);
}

/**
 * Chromium logs every 4xx fetch as a console error. Those the tests provoke on purpose (a bad
 * program or calendar) are not page errors, nor is a 404 from the energy endpoint while the
 * controller has none (the page shows "chưa có số liệu" then).
 */
function expectedNetworkError(m: ConsoleMessage): boolean {
  const url = m.location().url;
  if (/^Failed to load resource: the server responded with a status of 400\b/.test(m.text())) {
    return /\/api\/lighting\/(programs\/[a-z0-9-]+|groups\/[a-z0-9-]+\/calendar)$/.test(url);
  }
  return /^Failed to load resource: the server responded with a status of 404\b/.test(m.text()) && /\/api\/lighting\/energy\?night=/.test(url);
}

beforeAll(async () => {
  t = await startTestVillage({ site: lightingSite(), options: { lighting: { tickMs: 200 } } });
  const site = lightingSite();
  site.devices = site.devices.filter((d) => d.type === 'street-light');
  fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 4, speed: 1, stepEveryMs: 200, reconnectPeriodMs: 200 });
  fleet.start();
  const village = t.village;
  await until(() => ROAD.every((id) => village.live.snapshot(id)?.availability === 'online'), 'lights online', WAIT);

  // A program whose level now is 37, a festival program, and both groups on a calendar.
  const now = Date.now();
  steps = [
    { at: hhmm(now - 60_000), level: 37 },
    { at: hhmm(now + 6 * 3600_000), level: 0 },
  ];
  expect((await api('PUT', '/api/lighting/programs/thu-nghiem', { name: 'Thử nghiệm', steps })).status).toBe(200);
  expect((await api('PUT', '/api/lighting/programs/le-hoi', { name: 'Lễ hội', steps: [{ astro: 'sunset', offsetMin: -15, level: 100 }, { astro: 'sunrise', offsetMin: 0, level: 0 }] })).status).toBe(200);
  expect((await api('PUT', '/api/lighting/groups/duong-lang/calendar', { rules: [], default: 'thu-nghiem' })).status).toBe(200);
  expect((await api('PUT', '/api/lighting/groups/thon-b-den/calendar', { rules: [{ kind: 'lunar', month: 1, day: 1, days: 3, program: 'le-hoi' }], default: 'thu-nghiem' })).status).toBe(200);
  await until(() => ROAD.every((id) => reported(id)?.level === 37 && reported(id)?.mode === 'program'), 'lights at 37 on their program', WAIT);

  browser = await launchChromium();
  context = await signedInContext(browser, t, { login: 'operator' }, { locale: 'vi-VN', timezoneId: 'Europe/Paris' });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  collectErrors(page, errors, expectedNetworkError);
  await page.goto(`${t.village.url}lighting.html`);
  await page.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await fleet?.stop();
  await t?.stop();
  await removeShots(shotDir);
});

describe('lighting page in a browser', () => {
  it("is in Vietnamese first, with both groups, tonight's steps in site time and the levels the lights report", async () => {
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await expect.poll(() => page.title(), poll).toBe('Chiếu sáng · Xã Thử');
    expect(await text(page.getByTestId('nav-lighting'))).toBe('Chiếu sáng');
    expect(await page.getByTestId('nav-lighting').getAttribute('aria-current')).toBe('page');
    // The pages an operator may open (no admin page), and who is signed in.
    expect(await page.locator('nav.nav a:visible').allTextContents()).toEqual(['Cảnh báo', 'Quy tắc', 'Thiết bị', 'Tưới tiêu', 'Chiếu sáng', 'Truyền thanh', 'Kịch bản']);
    expect(await text(page.getByTestId('who-name'))).toBe('operator');
    expect(await text(page.getByTestId('who-role'))).toBe('Cán bộ vận hành');
    expect(await text(page.locator('#groups-h'))).toBe('Nhóm đèn');

    const cards = page.locator('article.group-card');
    await expect.poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-group-id'))), poll).toEqual(['duong-lang', 'thon-b-den']);
    expect(await cards.locator('h3').allTextContents()).toEqual(['Đường làng', 'Đèn Thôn B']);
    expect(await text(group('duong-lang').locator('.dev-meta'))).toBe('3 đèn · Lịch: Thử nghiệm');

    for (const id of ['duong-lang', 'thon-b-den']) {
      const plan = group(id).getByTestId('tonight');
      expect(await plan.getAttribute('data-program')).toBe('thu-nghiem');
      const items = plan.getByTestId('tonight-step');
      // The steps in the site's time zone (the browser is in Paris), in time order (which comes
      // first depends on the hour: the night runs noon to noon), with their levels.
      expect((await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-level')))).sort()).toEqual(['0', '37']);
      const ats = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-at') ?? ''));
      expect([...ats].sort()).toEqual(ats);
      const shown = (await items.locator('.plan-time').allTextContents()).join(' ');
      for (const s of steps) expect(shown).toContain(s.at);
      const now = plan.locator('li.is-now');
      expect(await text(now)).toBe(`${steps[0]!.at} 37 % đang áp dụng`);
      expect(await text(group(id).locator('h4').first())).toBe('Tối nay: Thử nghiệm');
    }

    // Every light's row: what it reported (37 %, on schedule).
    for (const id of ROAD) {
      const row = light('duong-lang', id);
      await expect.poll(() => row.getAttribute('data-level'), poll).toBe('37');
      expect(await row.getAttribute('data-mode')).toBe('program');
      expect(await row.getAttribute('data-availability')).toBe('online');
      expect(await text(row.getByTestId('light-reported'))).toBe('37 %');
      expect(await text(row.getByTestId('light-mode'))).toBe('theo lịch');
    }
    expect(await text(light('duong-lang', 'light-02').locator('.light-name'))).toBe('Đèn 2');
    const summary = group('duong-lang').getByTestId('group-summary');
    await expect.poll(() => text(summary), poll).toBe('3 sáng 0 tắt 0 hỏng 0 mất kết nối');
    expect(await text(group('duong-lang').getByTestId('group-levels'))).toBe('Độ sáng đèn báo về: 37 % × 3');
    expect(await text(group('thon-b-den').getByTestId('group-levels'))).toBe('Độ sáng đèn báo về: 37 % × 2');
    expect(await text(group('duong-lang').getByTestId('group-mode'))).toBe('Nhóm đang chạy theo lịch.');
    expect(await text(page.getByTestId('failures-active'))).toBe('Không có đèn nào đang báo lỗi.');
  });

  it('holds the road at 40 from the page: the lights report 40; "Về lịch" returns them to the program', async () => {
    const card = group('duong-lang');
    await card.getByTestId('group-level').fill('40');
    expect(await card.getByTestId('group-level-range').inputValue()).toBe('40');
    await card.getByTestId('group-override').click();
    await expect.poll(() => text(card.getByTestId('group-msg')), poll).toBe('Đã gửi: Đường làng 40 %. Độ sáng ở dưới là số đèn báo về.');

    // The page shows 40 only once the lights themselves say so.
    for (const id of ROAD) {
      const row = light('duong-lang', id);
      await expect.poll(() => row.getAttribute('data-level'), poll).toBe('40');
      expect(reported(id)).toMatchObject({ level: 40, mode: 'override' });
      expect(t!.village.live.snapshot(id)?.state).toMatchObject({ level: 40, mode: 'override' });
      await expect.poll(() => text(row.getByTestId('light-mode')), poll).toBe('điều khiển tay');
    }
    await expect.poll(() => text(card.getByTestId('group-levels')), poll).toBe('Độ sáng đèn báo về: 40 % × 3');
    expect(await text(card.getByTestId('group-mode'))).toBe('Điều khiển tay cả nhóm: 40 %');
    // light-02 and light-03 are in the other group too: that card shows what they report as well.
    await expect.poll(() => light('thon-b-den', 'light-03').getAttribute('data-level'), poll).toBe('40');

    await card.getByTestId('group-resume').click();
    for (const id of ROAD) await expect.poll(() => light('duong-lang', id).getAttribute('data-level'), poll).toBe('37');
    for (const id of ROAD) expect(reported(id)).toMatchObject({ level: 37, mode: 'program' });
    await expect.poll(() => text(card.getByTestId('group-mode')), poll).toBe('Nhóm đang chạy theo lịch.');
    expect(await text(card.getByTestId('group-msg'))).toBe('Đã gửi: Đường làng về lịch. Độ sáng ở dưới là số đèn báo về.');
  });

  it('holds one light for 2 hours from its row, then returns it to the program', async () => {
    const card = group('duong-lang');
    await card.getByTestId('light-level-light-01').fill('55');
    await card.getByTestId('light-until-light-01').selectOption('2');
    await card.getByTestId('light-override-light-01').click();
    const row = light('duong-lang', 'light-01');
    await expect.poll(() => row.getAttribute('data-level'), poll).toBe('55');
    expect(reported('light-01')).toMatchObject({ level: 55, mode: 'override' });
    await expect.poll(() => text(row.getByTestId('light-mode')), poll).toMatch(/^điều khiển tay đến \d\d:\d\d/);
    const ov = (await api('GET', '/api/lighting/overrides')).body.find((o: any) => o.target.device === 'light-01');
    expect(ov.level).toBe(55);
    expect(Math.abs(ov.until - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
    // The others stayed on the program.
    expect(await light('duong-lang', 'light-02').getAttribute('data-level')).toBe('37');
    await expect.poll(() => text(card.getByTestId('group-summary')), poll).toBe('3 sáng 0 tắt 0 hỏng 0 mất kết nối');

    await card.getByTestId('light-resume-light-01').click();
    await expect.poll(() => row.getAttribute('data-level'), poll).toBe('37');
    expect(reported('light-01')).toMatchObject({ level: 37, mode: 'program' });
    // What was typed is still there after the refreshes.
    expect(await card.getByTestId('light-level-light-01').inputValue()).toBe('55');
  });

  it('follows an override set and lifted elsewhere from the pushed events, without reading the groups or overrides again', async () => {
    const stopRecording = recordRereads();
    const admin = await t!.as('admin');
    const card = group('duong-lang');
    expect((await admin.post('/api/lighting/overrides', { group: 'duong-lang', level: 45 })).status).toBe(201);
    await expect.poll(() => text(card.getByTestId('group-mode')), poll).toBe('Điều khiển tay cả nhóm: 45 %');
    for (const id of ROAD) await expect.poll(() => light('duong-lang', id).getAttribute('data-level'), poll).toBe('45');
    await expect.poll(() => text(card.getByTestId('group-levels')), poll).toBe('Độ sáng đèn báo về: 45 % × 3');
    // light-02 and light-03 are in the other group too: its card follows from the same events.
    await expect.poll(() => light('thon-b-den', 'light-03').getAttribute('data-level'), poll).toBe('45');

    expect((await admin.post('/api/lighting/overrides', { group: 'duong-lang', level: null })).status).toBe(201);
    await expect.poll(() => text(card.getByTestId('group-mode')), poll).toBe('Nhóm đang chạy theo lịch.');
    for (const id of ROAD) await expect.poll(() => light('duong-lang', id).getAttribute('data-level'), poll).toBe('37');
    expect(stopRecording()).toEqual([]);
  });

  it("links each group's card to its chart, with a whole touch target", async () => {
    const links = page.getByTestId('group-chart-link');
    expect(await links.evaluateAll((els) => els.map((e) => e.getAttribute('href')))).toEqual(['/app/group.html?group=duong-lang', '/app/group.html?group=thon-b-den']);
    expect(await links.allTextContents()).toEqual(['Biểu đồ', 'Biểu đồ']);
    for (const box of await Promise.all((await links.all()).map((l) => l.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(box!.width).toBeGreaterThanOrEqual(44);
    }
  });

  it('shows the 400 for a bad program step next to the form and keeps what was typed; then saves it', async () => {
    await page.getByTestId('program-new').click();
    const form = page.getByTestId('program-form');
    await form.waitFor();
    await form.getByTestId('program-name').fill('Đêm thường');
    expect(await form.getByTestId('program-id').inputValue()).toBe('dem-thuong');
    // The new program starts as sunset −10 → 23:00 → sunrise +10.
    expect(await form.getByTestId('program-step-kind-0').inputValue()).toBe('sunset');
    expect(await form.getByTestId('program-step-offset-0').inputValue()).toBe('-10');
    expect(await form.getByTestId('program-step-kind-2').inputValue()).toBe('sunrise');
    await form.getByTestId('program-step-level-1').fill('150'); // above 100 %: the server says no

    await form.getByTestId('program-save').click();
    const err = page.getByTestId('program-error');
    await expect.poll(() => text(err), poll).toMatch(/^Dữ liệu chưa hợp lệ: Bước 2/);
    expect(await err.getAttribute('data-kind')).toBe('error');
    expect(await form.getByTestId('program-name').inputValue()).toBe('Đêm thường');
    expect(await form.getByTestId('program-step-level-1').inputValue()).toBe('150');
    expect(await form.getByTestId('program-step-offset-0').inputValue()).toBe('-10');
    expect(await page.locator('[data-testid="program-step"]').nth(1).locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
    // A refresh of the groups does not disturb the form.
    await page.waitForTimeout(1200);
    expect(await form.getByTestId('program-step-level-1').inputValue()).toBe('150');

    // Reorder: move the sunrise step up, then back; then fix the level and save.
    await page.getByRole('button', { name: 'Đưa bước 3 lên trước' }).click();
    expect(await form.getByTestId('program-step-kind-1').inputValue()).toBe('sunrise');
    await page.getByRole('button', { name: 'Đưa bước 2 xuống sau' }).click();
    expect(await form.getByTestId('program-step-kind-2').inputValue()).toBe('sunrise');
    await form.getByTestId('program-step-level-1').fill('50');
    await form.getByTestId('program-save').click();
    await expect.poll(() => page.getByTestId('program-form').count(), poll).toBe(0);
    const item = page.locator('li.program[data-program-id="dem-thuong"]');
    await item.waitFor();
    expect(await text(item.locator('h3'))).toBe('Đêm thường');
    expect(await text(item.getByTestId('program-steps'))).toBe('Hoàng hôn − 10 phút 100 % 23:00 50 % Bình minh + 10 phút 0 %');
    const p = (await api('GET', '/api/lighting/programs')).body.find((x: any) => x.id === 'dem-thuong');
    expect(p).toEqual({
      id: 'dem-thuong',
      name: 'Đêm thường',
      steps: [
        { astro: 'sunset', offsetMin: -10, level: 100 },
        { at: '23:00', level: 50 },
        { astro: 'sunrise', offsetMin: 10, level: 0 },
      ],
    });
  });

  it('edits a calendar: a 400 keeps the rules typed; lunar and date rules are saved in order', async () => {
    const item = page.locator('li[data-calendar-group="thon-b-den"]');
    expect(await text(item.locator('ol.rules'))).toBe('Âm lịch 1/1, 3 đêm: Lễ hội Các đêm còn lại: Thử nghiệm');
    await item.getByTestId('calendar-edit').click();
    const form = page.getByTestId('calendar-form');
    await form.waitFor();
    expect(await form.getByTestId('calendar-rule-kind-0').inputValue()).toBe('lunar');
    expect(await form.getByTestId('calendar-rule-month-0').inputValue()).toBe('1');
    expect(await form.getByTestId('calendar-rule-nights-0').inputValue()).toBe('3');

    await form.getByTestId('calendar-add-rule').click();
    await form.getByTestId('calendar-rule-kind-1').selectOption('dates');
    await form.getByTestId('calendar-rule-from-1').fill('30/04');
    await form.getByTestId('calendar-rule-to-1').fill('32/13'); // no such day: sent as typed, refused
    await form.getByTestId('calendar-rule-program-1').selectOption('le-hoi');
    await form.getByTestId('calendar-default').selectOption('dem-thuong');
    await form.getByTestId('calendar-save').click();
    const err = page.getByTestId('calendar-error');
    await expect.poll(() => text(err), poll).toMatch(/^Dữ liệu chưa hợp lệ: Quy tắc 2 · Đến ngày: /);
    expect(await text(err)).toContain('Ngày/tháng, ví dụ 30/04');
    expect(await form.getByTestId('calendar-rule-to-1').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByTestId('calendar-rule-from-1').inputValue()).toBe('30/04');
    expect(await form.getByTestId('calendar-rule-to-1').inputValue()).toBe('32/13');
    expect(await form.getByTestId('calendar-default').inputValue()).toBe('dem-thuong');

    await form.getByTestId('calendar-rule-to-1').fill('01/05');
    // The date range first, then Tết.
    await page.getByRole('button', { name: 'Đưa quy tắc 2 lên trước' }).click();
    expect(await form.getByTestId('calendar-rule-kind-0').inputValue()).toBe('dates');
    await form.getByTestId('calendar-save').click();
    await expect.poll(() => page.getByTestId('calendar-form').count(), poll).toBe(0);
    await expect.poll(() => text(item.locator('ol.rules')), poll).toBe('30/04 – 01/05: Lễ hội Âm lịch 1/1, 3 đêm: Lễ hội Các đêm còn lại: Đêm thường');
    const g = (await api('GET', '/api/lighting/groups')).body.find((x: any) => x.id === 'thon-b-den');
    expect(g.calendar).toEqual({
      rules: [
        { kind: 'dates', from: '04-30', to: '05-01', program: 'le-hoi' },
        { kind: 'lunar', month: 1, day: 1, days: 3, program: 'le-hoi' },
      ],
      default: 'dem-thuong',
    });
  });

  it('lists a lamp failure raised on the bus, in Vietnamese, and drops it when it ends', async () => {
    const failures = page.getByTestId('failures');
    const alert = { key: 'light.lampFailure.light-02', what: { code: 'light-lamp-failure' as const, device: 'light-02' }, severity: 'critical' as const, message: 'x' };
    t!.village.bus.emit('alert', { ...alert, at: new Date(), active: true });
    const item = failures.getByTestId('failures-active').locator('li[data-alert-key="light.lampFailure.light-02"]');
    await expect.poll(() => item.count(), poll).toBe(1);
    expect(await text(item)).toMatch(/^Hỏng bóng: Đèn 2 · từ \d\d:\d\d \(.+\) x$/);
    expect(await item.getAttribute('data-severity')).toBe('critical');
    // Both groups with light-02 count it failed; its rows say so.
    await expect.poll(() => text(group('duong-lang').getByTestId('group-summary')), poll).toBe('2 sáng 0 tắt 1 hỏng 0 mất kết nối');
    await expect.poll(() => group('thon-b-den').getByTestId('group-summary').getAttribute('data-failed'), poll).toBe('1');
    expect(await light('duong-lang', 'light-02').getAttribute('data-status')).toBe('failed');
    expect(await text(light('duong-lang', 'light-02').locator('.fault'))).toBe('Hỏng bóng');

    t!.village.bus.emit('alert', { ...alert, message: 'cleared', at: new Date(), active: false });
    await expect.poll(() => item.count(), poll).toBe(0);
    expect(await text(failures.getByTestId('failures-active'))).toBe('Không có đèn nào đang báo lỗi.');
    await expect.poll(() => text(group('duong-lang').getByTestId('group-summary')), poll).toBe('3 sáng 0 tắt 0 hỏng 0 mất kết nối');
    // It is among the recent ones.
    expect(await failures.getByTestId('failures-recent').locator('li[data-alert-key="light.lampFailure.light-02"]').count()).toBe(1);
  });

  it('shows the energy of last night by default, with the definitions or "chưa có số liệu"', async () => {
    const energy = page.getByTestId('energy');
    expect(await energy.getByTestId('energy-night').inputValue()).toBe(yesterday());
    const body = energy.getByTestId('energy-body');
    await expect.poll(() => body.getAttribute('data-state'), poll).not.toBe('loading');
    if ((await body.getAttribute('data-state')) === 'data') {
      expect(await text(energy.getByTestId('energy-definition'))).toContain('Tiết kiệm = điện năng nếu sáng 100 % suốt thời gian chương trình bật − điện năng thực tế');
      expect(await energy.locator('[data-energy-group="duong-lang"]').count()).toBe(1);
      expect(await text(energy.locator('[data-energy-group="duong-lang"] [data-key="kwh"] dd'))).toMatch(/^[\d.,]+ kWh$/);
    } else {
      expect(await text(energy.getByTestId('energy-empty'))).toMatch(/^Chưa có số liệu cho đêm \d\d\/\d\d\/\d{4}\.$/);
    }
    // Another night.
    await energy.getByTestId('energy-night').fill('2026-01-02');
    await expect.poll(() => text(energy.locator('#energy-window')), poll).toBe('Đêm 02/01/2026: từ 12:00 ngày 02/01/2026 đến 12:00 ngày 03/01/2026.');
    await expect.poll(() => body.getAttribute('data-state'), poll).not.toBe('loading');
  });

  it('shows the figures of a night the energy endpoint answers, with the definitions beside them', async () => {
    // The answer the API documents, served by the browser (the page must not depend on when the
    // controller gains the endpoint): kWh, the full-power baseline, kWh and % saved.
    const light = (deviceId: string, kwh: number, baselineKwh: number, onHours: number) => ({ deviceId, kwh, baselineKwh, savedKwh: baselineKwh - kwh, savedPct: (100 * (baselineKwh - kwh)) / baselineKwh, onHours });
    const lights = [light('light-01', 0.3, 0.66, 11), light('light-02', 0.2, 0.44, 11), light('light-03', 0.4, 0.88, 11)];
    const sum = (ls: typeof lights) => {
      const kwh = ls.reduce((a, l) => a + l.kwh, 0);
      const baselineKwh = ls.reduce((a, l) => a + l.baselineKwh, 0);
      return { kwh, baselineKwh, savedKwh: baselineKwh - kwh, savedPct: (100 * (baselineKwh - kwh)) / baselineKwh };
    };
    const answer = { night: '2026-01-03', lights, groups: [{ id: 'duong-lang', ...sum(lights) }, { id: 'thon-b-den', ...sum(lights.slice(1)) }] };
    await page.route('**/api/lighting/energy?night=2026-01-03', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) }));
    const energy = page.getByTestId('energy');
    await energy.getByTestId('energy-night').fill('2026-01-03');
    await expect.poll(() => energy.getByTestId('energy-body').getAttribute('data-state'), poll).toBe('data');
    // The body may still show the night before's figures ("data" too): wait for this night's.
    const road = energy.locator('[data-energy-group="duong-lang"]');
    await expect.poll(() => text(road.locator('[data-key="kwh"] dd')), poll).toBe('0,9 kWh');
    expect(await text(energy.getByTestId('energy-definition'))).toContain('Tiết kiệm = điện năng nếu sáng 100 % suốt thời gian chương trình bật − điện năng thực tế');
    expect(await text(road.locator('h3'))).toBe('Đường làng');
    expect(await text(road.locator('[data-key="baseline"] dd'))).toBe('1,98 kWh');
    expect(await text(road.locator('[data-key="saved"] dd'))).toBe('1,08 kWh (55 %) = 1,98 − 0,9');
    expect(await text(road.locator('tr[data-energy-light="light-02"]'))).toBe('Đèn 2 0,2 kWh 0,44 kWh 0,24 kWh (55 %) 11 giờ');
    expect(await energy.locator('[data-energy-group="thon-b-den"] tbody tr').count()).toBe(2);
    await page.unroute('**/api/lighting/energy?night=2026-01-03');
  });

  it('switches to English and back, keeping the choice', async () => {
    const toggle = page.getByTestId('lang-toggle');
    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('en');
    expect(await page.title()).toBe('Lighting · Xã Thử');
    expect(await text(page.getByTestId('nav-lighting'))).toBe('Lighting');
    expect(await text(page.locator('#groups-h'))).toBe('Light groups');
    expect(await text(page.locator('#failures-h'))).toBe('Failed lamps');
    expect(await text(page.locator('#energy-h'))).toBe('Energy and savings');
    expect(await text(group('duong-lang').getByTestId('group-resume'))).toBe('Back to schedule');
    expect(await text(group('duong-lang').getByTestId('group-chart-link'))).toBe('Chart');
    expect(await text(group('duong-lang').getByTestId('group-summary'))).toBe('3 on 0 off 0 failed 0 offline');
    expect(await text(light('duong-lang', 'light-01').getByTestId('light-mode'))).toBe('on schedule');
    expect(await text(page.getByTestId('failures-active'))).toBe('No lamp is reporting a fault.');
    expect(await page.evaluate(() => localStorage.getItem('village.lang'))).toBe('en');
    // What was typed survives the re-render.
    expect(await group('duong-lang').getByTestId('light-level-light-01').inputValue()).toBe('55');

    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('vi');
    expect(await text(page.locator('#groups-h'))).toBe('Nhóm đèn');
    expect(await page.evaluate(() => localStorage.getItem('village.lang'))).toBe('vi');
  });

  it('passes axe (no serious or critical violations) at 360 px and 1280 px, nothing wider than the screen', async () => {
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(width);
      expect(await axeViolations(page)).toEqual([]);
    }
  });

  it('renders at phone and desktop widths (screenshots), with no console errors', async () => {
    shotDir = await mkdtemp(join(tmpdir(), 'lighting-shots-'));
    await shootAtWidths(page, shotDir, 'lighting', { timeout: WAIT, full: true });
    // The editors on a phone: every control fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('li.program[data-program-id="dem-thuong"]').getByTestId('program-edit').click();
    const form = page.getByTestId('program-form');
    await form.waitFor();
    expect(await form.getByTestId('program-id').getAttribute('readonly')).toBe('');
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(390);
    await form.screenshot({ path: join(shotDir, 'lighting-390-program.png') });
    expect(await axeViolations(page)).toEqual([]);
    await form.getByTestId('program-cancel').click();
    await page.locator('li[data-calendar-group="thon-b-den"]').getByTestId('calendar-edit').click();
    const cal = page.getByTestId('calendar-form');
    await cal.waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(390);
    await cal.screenshot({ path: join(shotDir, 'lighting-390-calendar.png') });
    expect(await axeViolations(page)).toEqual([]);
    await cal.getByTestId('calendar-cancel').click();
    await expect.poll(() => cal.count(), poll).toBe(0);

    expect(errors).toEqual([]);
  });
});
