// End to end in a real browser: the commune-radio page served by a real village (embedded broker,
// real influxd, real espeak-ng speech) with simulated loudspeaker clusters that fetch their audio
// over HTTP and play it for its real length, driven by playwright-core on Debian's Chromium (never
// downloaded). Three people are signed in, each in their own browser: the radio's operator who
// writes bulletins, the commune official who approves them and sends emergencies, and the
// administrator who also edits the programme. Three clusters are on the air; the one of Thôn Đông
// went offline and stays so. The village's scheduling clock is a TestClock, moved to just before a
// slot the page adds.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, localParts, zonedTimeToUtc } from '../../devices/local-time.js';
import type { SimulatedDevice } from '../../firmware-sim/device.js';
import type { ApiClient } from '../helpers/api.js';
import { axeViolations, collectErrors, launchChromium, removeShots, shootAtWidths, signedInContext } from '../helpers/browser.js';
import { TestClock } from '../helpers/clock.js';
import { CLUSTERS, radioSite, startSpeakers } from '../helpers/radio-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
const TZ = 'Asia/Ho_Chi_Minh';
const OFFLINE = 'loa-dong-1';
const ON_AIR = CLUSTERS.filter((c) => c !== OFFLINE);
/** Long enough (some seconds of speech) for the page to show each cluster playing before it finishes. */
const TEXT = 'Kính thưa bà con, ủy ban nhân dân xã thông báo lịch tiêm phòng cho gia súc và gia cầm trong tháng này, đề nghị bà con chú ý theo dõi.';
const TITLE = 'Lịch tiêm phòng gia súc';
/** Who is signed in, one browser context each. */
const PEOPLE = {
  operator: { login: 'can-bo-van-hanh', role: 'operator' },
  official: { login: 'chu-tich-hung', role: 'official' },
  admin: { login: 'quan-tri', role: 'admin' },
} as const;
type Who = keyof typeof PEOPLE;

let t: TestVillage | undefined;
let sims: Map<string, SimulatedDevice> | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** The operator's, the official's and the admin's radio page. */
let op: Page;
let off: Page;
let adm: Page;
let shotDir: string | undefined;
const clock = new TestClock();
const errors: string[] = [];
const dialogs: string[] = [];
/** The bulletin the operator writes in the page and the official approves. */
let bulletinId = '';

/** What a reader sees: the element's rendered text, white space (no-break spaces too) collapsed. */
const text = async (l: Locator): Promise<string> => (await l.innerText({ timeout: WAIT })).replace(/\s+/g, ' ').trim();
const liveItem = (id: string): Locator => adm.locator(`[data-testid="live-item"][data-bulletin-id="${id}"]`);
const delivery = (id: string, device: string): Locator => liveItem(id).locator(`tr[data-device="${device}"]`);
/** The API as one of the three (a session of its own, beside the browser's). */
const api = (who: Who): Promise<ApiClient> => t!.as(PEOPLE[who].login, PEOPLE[who].role);
const pending = (p: Page, id: string): Locator => p.locator(`[data-testid="pending-item"][data-bulletin-id="${id}"]`);

/** A 16-bit mono PCM WAV of a quiet tone, `seconds` long. */
function wav(seconds: number): Buffer {
  const rate = 16_000;
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return b;
}

/**
 * Chromium logs every 4xx fetch as a console error. Those the tests provoke on purpose are not page
 * errors: the refused upload and the empty bulletin.
 */
function expectedNetworkError(m: ConsoleMessage): boolean {
  const url = m.location().url;
  if (/^Failed to load resource: the server responded with a status of 400\b/.test(m.text())) return /\/api\/radio\/(audio|bulletins)$/.test(url);
  return false;
}

/** A signed-in person's radio page, followed until live. */
async function openAs(who: Who): Promise<Page> {
  // The browser is in Paris: the page must show the commune's times all the same.
  const context = await signedInContext(browser!, t!, PEOPLE[who], { locale: 'vi-VN', timezoneId: 'Europe/Paris' });
  contexts.push(context);
  const p = await context.newPage();
  p.setDefaultTimeout(WAIT);
  collectErrors(p, errors, expectedNetworkError);
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await p.goto(`${t!.village.url}radio.html`);
  await p.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
  // Set once: if the page ever reloads, it is gone.
  await p.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  return p;
}

beforeAll(async () => {
  t = await startTestVillage({ site: radioSite(), options: { now: clock.now, radio: { tickMs: 200, retryS: 1 } } });
  const village = t.village;
  sims = startSpeakers(t, CLUSTERS);
  await until(() => CLUSTERS.every((id) => village.live.snapshot(id)?.availability === 'online'), 'clusters online', WAIT);
  // Thôn Đông's cluster says goodbye and stays away for the whole test.
  await sims.get(OFFLINE)!.stop();
  sims.delete(OFFLINE);
  await until(() => village.live.snapshot(OFFLINE)?.availability === 'offline', 'Thôn Đông offline', WAIT);

  browser = await launchChromium();
  op = await openAs('operator');
  off = await openAs('official');
  adm = await openAs('admin');
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await Promise.all([...(sims?.values() ?? [])].map((s) => s.stop()));
  await t?.stop();
  await removeShots(shotDir);
});

describe('radio page in a browser', () => {

  it('is in Vietnamese first: who is signed in, the zones with their clusters, the slots and the clusters as reported', async () => {
    expect(await op.locator('html').getAttribute('lang')).toBe('vi');
    await expect.poll(() => op.title(), poll).toBe('Đài truyền thanh xã · Xã Thử');
    expect(await op.locator('nav.nav a:visible').allTextContents()).toEqual(['Cảnh báo', 'Quy tắc', 'Thiết bị', 'Tưới tiêu', 'Chiếu sáng', 'Truyền thanh', 'Kịch bản']);
    expect(await op.getByTestId('nav-radio').getAttribute('aria-current')).toBe('page');
    expect(await text(op.locator('#compose-h'))).toBe('Soạn bản tin');
    expect(await text(op.locator('#pending-h'))).toBe('Chờ duyệt');
    expect(await text(op.locator('#programme-h'))).toBe('Lịch phát');
    expect(await text(op.locator('#live-h'))).toBe('Đang phát & theo dõi');

    // Who acts is who signed in: no role chooser. An operator has no admin page; the admin has.
    expect(await text(op.getByTestId('who-name'))).toBe('can-bo-van-hanh');
    expect(await text(op.getByTestId('who-role'))).toBe('Cán bộ vận hành');
    expect(await op.getByTestId('actor').count()).toBe(0);
    expect(await op.getByTestId('nav-admin').isHidden()).toBe(true);
    expect(await adm.getByTestId('nav-admin').isVisible()).toBe(true);
    expect(await text(off.getByTestId('who-role'))).toBe('Lãnh đạo xã');

    const zones = op.getByTestId('compose-zones');
    await expect.poll(() => zones.locator('input[type="checkbox"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), poll).toEqual([
      'commune',
      'ven-song',
      'thon-dong',
      'thon-doai',
      'thon-trung',
    ]);
    expect(await text(zones.locator('label[for="zone-commune"]'))).toBe('Toàn xã Xã Thử · 4 cụm loa');
    expect(await text(zones.locator('label[for="zone-ven-song"]'))).toBe('Các thôn ven sông Thôn Đông, Thôn Đoài');
    expect(await text(zones.locator('label[for="zone-thon-doai"]'))).toBe('Thôn Đoài 2 cụm loa');
    expect(await text(zones.locator('label[for="zone-thon-trung"]'))).toBe('Thôn Trung 1 cụm loa');

    // The default programme, in the commune's time, and the slot choice in the form.
    const slots = op.getByTestId('slot');
    await expect.poll(() => slots.evaluateAll((els) => els.map((e) => e.getAttribute('data-slot-id'))), poll).toEqual(['sang', 'chieu']);
    expect(await text(slots.first())).toMatch(/^Buổi sáng 06:00 Hằng ngày .*06:00.* 0 bản tin$/);
    expect(await op.getByTestId('compose-slot').locator('option').allTextContents()).toEqual(['Khung giờ kế tiếp', 'Buổi sáng (06:00)', 'Buổi chiều (17:00)']);
    expect(await text(op.getByTestId('compose-tz-hint'))).toBe('Ngày giờ theo giờ tại xã (Asia/Ho_Chi_Minh).');

    // The clusters: Thôn Đông's is offline, the others online. Their amplifiers are what they
    // reported: nothing yet (their first reading comes with a play, or after a minute).
    const row = (id: string) => op.locator(`tr[data-cluster-id="${id}"]`);
    await expect.poll(() => row(OFFLINE).getAttribute('data-availability'), poll).toBe('offline');
    expect(await text(row(OFFLINE).getByTestId('cluster-avail'))).toBe('Ngoại tuyến');
    for (const id of ON_AIR) {
      expect(await row(id).getAttribute('data-availability')).toBe('online');
      expect(await text(row(id).getByTestId('cluster-avail'))).toBe('Trực tuyến');
      expect(['Tốt', 'Chưa rõ']).toContain(await text(row(id).getByTestId('cluster-amp')));
      expect(await text(row(id).getByTestId('cluster-playing'))).toBe('Không phát');
    }
    expect(await text(row('loa-doai-2').locator('th'))).toBe('Cụm loa Đoài 2 Thôn Đoài');
  });

  it('shows the server refusing a text file named .wav next to the file input, and keeps what was typed', async () => {
    await op.getByTestId('compose-title').fill(TITLE);
    await op.getByTestId('tab-audio').click();
    expect(await op.getByTestId('tab-audio').getAttribute('aria-selected')).toBe('true');
    await op.getByTestId('compose-file').setInputFiles({ name: 'thong-bao.wav', mimeType: 'audio/wav', buffer: Buffer.from('Đây là văn bản, không phải âm thanh.\n'.repeat(40)) });
    const err = op.getByTestId('upload-error');
    await expect.poll(() => err.getAttribute('data-kind'), poll).toBe('error');
    const shown = await text(err);
    expect(shown).toMatch(/^Không nhận tệp “thong-bao\.wav”: Tệp này không phải âm thanh WAV \(PCM\) hoặc MP3\. .*WAV/);
    // The server's own words are there as it wrote them.
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('Đây là văn bản, không phải âm thanh.\n'.repeat(40))], { type: 'audio/wav' }), 'thong-bao.wav');
    const direct = await (await api('operator')).fetch('/api/radio/audio', { method: 'POST', body: form });
    expect(direct.status).toBe(400);
    expect(shown).toContain(((await direct.json()) as { message: string }).message);
    expect(await op.getByTestId('compose-file').getAttribute('aria-invalid')).toBe('true');
    expect(await op.getByTestId('compose-upload-out').locator('audio').count()).toBe(0);
    expect(await op.getByTestId('compose-title').inputValue()).toBe(TITLE);

    // A real WAV is taken: its length shows, and the browser has a player for it.
    await op.getByTestId('compose-file').setInputFiles({ name: 'mot-giay.wav', mimeType: 'audio/wav', buffer: wav(1.5) });
    const facts = op.getByTestId('upload-facts');
    await facts.waitFor();
    expect(await text(facts)).toMatch(/^Đã nhận “mot-giay\.wav”: WAV, \d+ KB · Thời lượng: 2 giây$/);
    expect(await op.getByTestId('upload-audio').getAttribute('src')).toMatch(/^\/api\/radio\/audio\/[0-9a-f]{24}\.wav$/);
    expect(await op.getByTestId('compose-file').getAttribute('aria-invalid')).toBeNull();
    expect(await op.getByTestId('upload-error').getAttribute('data-kind')).toBeNull();
    // Then a bad one again: the good one is no longer offered.
    await op.getByTestId('compose-file').setInputFiles({ name: 'thong-bao.wav', mimeType: 'audio/wav', buffer: Buffer.from('Đây là văn bản, không phải âm thanh.\n'.repeat(40)) });
    await expect.poll(() => err.getAttribute('data-kind'), poll).toBe('error');
    expect(await op.getByTestId('upload-audio').count()).toBe(0);

    // Saving now says an audio file is needed, and still keeps the title.
    await op.getByTestId('compose-draft').click();
    await expect.poll(() => text(op.getByTestId('compose-error')), poll).toBe('Dữ liệu chưa hợp lệ: Hãy tải lên một tệp âm thanh trước.');
    expect(await op.getByTestId('compose-title').inputValue()).toBe(TITLE);

    // Back to text, with no text and no zone: the server's reasons, verbatim, by field.
    await op.getByTestId('tab-text').click();
    await op.getByTestId('compose-draft').click();
    const expected = await (await api('operator')).post('/api/radio/bulletins', { title: TITLE, level: 'normal', zones: [], content: { kind: 'text', text: '' }, schedule: {} });
    expect(expected.status).toBe(400);
    const issue = (path: string) => expected.body.issues.find((i: any) => i.path === `body.${path}`).message;
    const error = op.getByTestId('compose-error');
    await expect.poll(() => text(error), poll).toBe(`Dữ liệu chưa hợp lệ: Vùng phát: ${issue('zones')} Văn bản cần đọc: ${issue('content.text')}`);
    expect(await op.getByTestId('compose-zones').getAttribute('aria-invalid')).toBe('true');
    expect(await op.getByTestId('compose-text').getAttribute('aria-invalid')).toBe('true');
    expect(await op.getByTestId('compose-title').inputValue()).toBe(TITLE);
  });

  it('lets the operator listen to the speech of the text, then submit it for the whole commune', async () => {
    await op.getByTestId('compose-text').fill(TEXT);
    await op.getByTestId('compose-preview').click();
    const audio = op.getByTestId('preview-audio');
    await audio.waitFor();
    expect(await audio.getAttribute('src')).toMatch(/^\/api\/radio\/audio\/[0-9a-f]{24}\.wav$/);
    const duration = op.getByTestId('preview-duration');
    expect(await text(duration)).toMatch(/^Thời lượng: \d+ giây$/);
    const seconds = Number(await duration.getAttribute('data-duration'));
    expect(seconds).toBeGreaterThan(3);
    // The browser itself can play it: it loads the file and finds the same length.
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? a.duration : 0)), poll).toBeGreaterThan(seconds - 0.5);
    expect(await audio.evaluate((a: HTMLAudioElement) => a.error)).toBeNull();

    // A changed text says the preview is stale.
    await op.getByTestId('compose-text').fill(`${TEXT} `);
    await op.getByTestId('preview-stale').waitFor();
    await op.getByTestId('compose-text').fill(TEXT);
    await expect.poll(() => op.getByTestId('preview-stale').count(), poll).toBe(0);

    // An operator has no emergency button, whatever the level.
    await op.getByTestId('compose-level').selectOption('emergency');
    expect(await op.getByTestId('compose').getAttribute('data-level')).toBe('emergency');
    expect(await op.getByTestId('compose-emergency').isHidden()).toBe(true);
    expect(await text(op.getByTestId('compose-level-hint'))).toMatch(/^KHẨN CẤP: phát ngay khi được duyệt/);
    await op.getByTestId('compose-level').selectOption('normal');

    await op.getByTestId('zone-commune').check();
    await op.getByTestId('compose-repeat').selectOption('2');
    await op.getByTestId('compose-submit').click();
    const msg = op.getByTestId('compose-error');
    await expect.poll(() => text(msg), poll).toBe(`Đã gửi duyệt “${TITLE}”.`);
    expect(await msg.getAttribute('data-kind')).toBe('ok');
    // The form is ready for the next bulletin.
    expect(await op.getByTestId('compose-title').inputValue()).toBe('');
    expect(await op.getByTestId('zone-commune').isChecked()).toBe(false);

    const item = op.getByTestId('pending-item');
    await expect.poll(() => item.count(), poll).toBe(1);
    bulletinId = (await item.getAttribute('data-bulletin-id'))!;
    expect(await text(item.locator('h3'))).toBe(TITLE);
    expect(await text(item.getByTestId('item-zones'))).toBe('Toàn xã');
    expect(await text(item.getByTestId('item-author'))).toBe('Người soạn: can-bo-van-hanh');
    expect(await text(item.locator('.item-meta'))).toMatch(/ · phát 2 lần$/);
    expect(await item.getByTestId('item-audio').getAttribute('src')).toMatch(/^\/api\/radio\/audio\/[0-9a-f]{24}\.wav$/);
    // Only an official approves: the operator sees why there is no button.
    expect(await item.getByTestId('approve').count()).toBe(0);
    expect(await text(op.getByTestId('pending-role'))).toBe('Chỉ lãnh đạo xã duyệt hoặc từ chối bản tin.');
    const stored = (await (await api('operator')).get(`/api/radio/bulletins/${bulletinId}`)).body;
    expect(stored).toMatchObject({ status: 'pending', level: 'normal', zones: ['commune'], repeat: 2, createdBy: 'can-bo-van-hanh', content: { kind: 'text', text: TEXT } });
    expect(stored.volumePct).toBeUndefined();
  });

  it('four eyes: the admin is not offered the approval of their own bulletin (the server refuses it too); the official approves the operator’s', async () => {
    const admin = await api('admin');
    const made = await admin.post('/api/radio/bulletins', { title: 'Họp dân cuối tuần', level: 'normal', zones: ['thon-trung'], content: { kind: 'text', text: 'Mời bà con họp dân.' }, schedule: {} });
    expect(made.status).toBe(201);
    const own = made.body.id as string;
    expect((await admin.post(`/api/radio/bulletins/${own}/submit`, {})).status).toBe(200);

    // The admin may approve, but not this one: the page says why and offers no button.
    const mine = pending(adm, own);
    await mine.waitFor();
    expect(await text(mine.getByTestId('own-bulletin'))).toBe('Bạn là người soạn bản tin này: người khác phải duyệt.');
    expect(await mine.getByTestId('approve').count()).toBe(0);
    expect(await mine.getByTestId('reject').count()).toBe(0);
    expect(await adm.getByTestId('pending-role').isHidden()).toBe(true);
    // What the page does not offer, the server refuses.
    const refused = await admin.post(`/api/radio/bulletins/${own}/approve`, {});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', message: 'the author of a bulletin cannot approve or reject it' });
    // The official could approve it; the operator could not; its author withdraws it.
    await expect.poll(() => pending(off, own).getByTestId('approve').count(), poll).toBe(1);
    expect(await pending(op, own).getByTestId('approve').count()).toBe(0);
    await mine.getByTestId('cancel').click();
    expect(dialogs.at(-1)).toBe('Hủy bản tin “Họp dân cuối tuần”?');
    await expect.poll(() => pending(off, own).count(), poll).toBe(0);

    const item = pending(off, bulletinId);
    expect(await off.getByTestId('pending-role').isHidden()).toBe(true);
    expect(await item.getByTestId('own-bulletin').count()).toBe(0);
    await item.getByTestId('approve').click();
    await expect.poll(() => item.count(), poll).toBe(0);
    expect(await text(off.getByTestId('pending-msg'))).toBe(`Đã duyệt “${TITLE}”.`);
    await expect.poll(() => text(off.getByTestId('pending-list')), poll).toBe('Không có bản tin nào chờ duyệt.');
    const queued = off.locator(`[data-testid="queue-item"][data-bulletin-id="${bulletinId}"]`);
    await queued.waitFor();
    expect(await text(queued)).toMatch(new RegExp(`^${TITLE} Thường Toàn xã · Khung: Khung giờ kế tiếp · duyệt bởi chu-tich-hung, \\d\\d:\\d\\d`));
    // Each slot counts it as queued.
    await expect.poll(() => off.getByTestId('slot-queued').evaluateAll((els) => els.map((e) => e.getAttribute('data-queued'))), poll).toEqual(['1', '1']);
    // An official does not edit the slots; the operator's page saw the approval come in.
    expect(await off.getByTestId('slots-edit').isHidden()).toBe(true);
    await op.locator(`[data-testid="queue-item"][data-bulletin-id="${bulletinId}"]`).waitFor();
  });

  it('adds a slot a minute ahead, then follows the airing live: each online cluster plays it, the reach names Thôn Đông', async () => {
    // The next whole minute of the village's clock, in the commune's time.
    const at = Math.ceil((clock.now() + 60_000) / 60_000) * 60_000;
    const p = localParts(new Date(at), TZ);
    const hhmm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
    await adm.getByTestId('slots-edit').click();
    const form = adm.getByTestId('slot-form');
    await form.waitFor();
    await form.getByTestId('slot-add').click();
    await form.getByTestId('slot-name-2').fill('Phát thử');
    expect(await form.getByTestId('slot-id-2').inputValue()).toBe('phat-thu');
    await form.getByTestId('slot-time-2').fill(hhmm);
    await form.getByTestId('slot-save').click();
    await expect.poll(() => form.count(), poll).toBe(0);
    await expect.poll(() => text(adm.getByTestId('slots-msg')), poll).toBe('Đã lưu 3 khung giờ.');
    const slot = adm.locator('tr[data-slot-id="phat-thu"]');
    await slot.waitFor();
    expect(await text(slot)).toContain(`Phát thử ${hhmm} Hằng ngày`);
    expect((await (await api('admin')).get('/api/radio/slots')).body.find((s: any) => s.id === 'phat-thu')).toMatchObject({ time: hhmm, days: [1, 2, 3, 4, 5, 6, 7], windowMin: 60 });

    // The clock comes to just before the slot: the bulletin goes on air and the page follows.
    clock.set(at - 1500);
    const item = liveItem(bulletinId);
    await item.waitFor();
    await expect.poll(() => item.getAttribute('data-status'), poll).toBe('airing');
    expect(await adm.locator(`[data-testid="queue-item"][data-bulletin-id="${bulletinId}"]`).count()).toBe(0);
    for (const id of ON_AIR) await expect.poll(() => delivery(bulletinId, id).getAttribute('data-status'), poll).toBe('started');
    expect(await text(delivery(bulletinId, 'loa-trung-1').getByTestId('delivery-status'))).toBe('đang phát');
    // A time not of the browser's (real) date carries its day: near midnight the village's test clock is already past it.
    const T = String.raw`\d\d:\d\d:\d\d( \d\d-\d\d)?`;
    expect(await text(delivery(bulletinId, 'loa-trung-1').locator('.d-times'))).toMatch(new RegExp(`^gửi ${T}( · nhận ${T})? · bắt đầu ${T}$`));
    // What the clusters play, in their own table too.
    await expect.poll(() => text(adm.locator('tr[data-cluster-id="loa-doai-1"]').getByTestId('cluster-playing')), poll).toBe(`${TITLE} Thường`);
    // Thôn Đông's cluster waits for its return.
    expect(await delivery(bulletinId, OFFLINE).getAttribute('data-status')).toBe('waiting');
    expect(await text(delivery(bulletinId, OFFLINE))).toContain('chờ thử lại mất kết nối');

    for (const id of ON_AIR) await expect.poll(() => delivery(bulletinId, id).getAttribute('data-status'), { ...poll, timeout: 60_000 }).toBe('finished');
    expect(await text(delivery(bulletinId, 'loa-doai-2').locator('.d-times'))).toMatch(new RegExp(` · kết thúc ${T}$`));
    expect(await text(delivery(bulletinId, 'loa-doai-2').getByTestId('delivery-plays'))).toBe('đã phát 2/2 lần');
    const reach = item.getByTestId('reach');
    await expect.poll(() => text(reach), poll).toBe('Đã phát ở 2/3 thôn; cụm loa Thôn Đông mất kết nối, đang chờ phát lại');
    expect(await reach.getAttribute('class')).toContain('reach-partial');
    // The same as the server's reach, which the sentence is built from.
    const b = (await (await api('admin')).get(`/api/radio/bulletins/${bulletinId}`)).body;
    expect(b.reach.hamlets).toEqual({ total: 3, reached: 2 });
    expect(b.reach.notReached).toEqual([{ device: OFFLINE, name: 'Cụm loa Thôn Đông', hamlet: 'thon-dong', hamletName: 'Thôn Đông', status: 'waiting', reason: 'offline', reasonCode: 'offline' }]);
    // Having played, the clusters reported their amplifiers: fine.
    for (const id of ON_AIR) await expect.poll(() => text(adm.locator(`tr[data-cluster-id="${id}"]`).getByTestId('cluster-amp')), poll).toBe('Tốt');
    // All of it came over the event stream: the page never reloaded.
    expect(await adm.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  }, 120_000);

  it('lets an official send an emergency to the river hamlets at once, after a confirmation', async () => {
    // An official writes emergencies only: no draft, no approval round; speech preview and upload stay.
    expect(await off.getByTestId('compose-level').locator('option').allTextContents()).toEqual(['Khẩn cấp']);
    expect(await off.getByTestId('compose-draft').isHidden()).toBe(true);
    expect(await off.getByTestId('compose-submit').isHidden()).toBe(true);
    expect(await off.getByTestId('tab-audio').isVisible()).toBe(true);
    expect(await off.getByTestId('compose-preview').isVisible()).toBe(true);
    expect(await text(off.getByTestId('compose-level-hint'))).toMatch(/^KHẨN CẤP: phát ngay khi bấm nút, không cần duyệt,/);
    await off.getByTestId('compose-title').fill('Cảnh báo lũ');
    await off.getByTestId('compose-text').fill('Nước sông đang lên nhanh, bà con ven sông di chuyển lên chỗ cao.');
    await off.getByTestId('compose-level').selectOption('emergency');
    const button = off.getByTestId('compose-emergency');
    expect(await button.isVisible()).toBe(true);
    expect(await text(button)).toBe('Phát khẩn cấp ngay');
    await off.getByTestId('zone-ven-song').check();
    await button.click();
    await expect.poll(() => text(off.getByTestId('compose-error')), poll).toBe('Đang phát khẩn cấp “Cảnh báo lũ”.');
    expect(dialogs.at(-1)).toBe('Phát khẩn cấp NGAY bản tin “Cảnh báo lũ” tới: Các thôn ven sông?\nMọi cụm loa trong vùng sẽ ngắt chương trình đang phát.');
    const item = adm.locator('[data-testid="live-item"]').filter({ hasText: 'Cảnh báo lũ' });
    await item.waitFor();
    expect(await item.locator('.badge.level').getAttribute('data-level')).toBe('emergency');
    for (const id of ['loa-doai-1', 'loa-doai-2']) await expect.poll(() => item.locator(`tr[data-device="${id}"]`).getAttribute('data-status'), { ...poll, timeout: 60_000 }).toBe('finished');
    await expect.poll(() => text(item.getByTestId('reach')), poll).toBe('Đã phát ở 1/2 thôn; cụm loa Thôn Đông mất kết nối, đang chờ phát lại');
    // The river hamlets only: Thôn Trung heard nothing.
    expect(await item.locator('tr[data-device="loa-trung-1"]').count()).toBe(0);
  }, 90_000);

  it('brings a rejected bulletin back to its author with the reason; edited, it goes for approval again, then is withdrawn', async () => {
    await op.getByTestId('compose-title').fill('Thu quỹ phòng chống thiên tai');
    await op.getByTestId('compose-text').fill('Mỗi hộ đóng năm trăm nghìn đồng.');
    await op.getByTestId('zone-thon-trung').check();
    await op.getByTestId('compose-slot').selectOption('chieu');
    // Expires tomorrow at 07:30 in the commune (the browser is in Paris).
    const day = localDate(new Date(), TZ, 1);
    const ymd = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
    await op.getByTestId('compose-expires').fill(`${ymd}T07:30`);
    await op.getByTestId('compose-draft').click();
    await expect.poll(() => text(op.getByTestId('compose-error')), poll).toBe('Đã lưu nháp “Thu quỹ phòng chống thiên tai”.');
    // Saved, the form goes on editing that draft.
    expect(await text(op.getByTestId('compose-editing'))).toBe('Đang sửa “Thu quỹ phòng chống thiên tai” (Nháp).');
    const draft = op.locator('[data-testid="draft-item"]');
    await expect.poll(() => draft.count(), poll).toBe(1);
    const id = (await draft.getAttribute('data-bulletin-id'))!;
    expect(await draft.getAttribute('data-status')).toBe('draft');
    await draft.getByTestId('submit').click();
    await expect.poll(() => text(op.getByTestId('drafts-msg')), poll).toBe('Đã gửi duyệt “Thu quỹ phòng chống thiên tai”.');
    // The form that was editing it, unchanged since its save, is free for a new bulletin.
    await expect.poll(() => op.getByTestId('compose-title').inputValue(), poll).toBe('');
    expect(await op.getByTestId('compose-editing').isHidden()).toBe(true);
    const mine = pending(op, id);
    await mine.waitFor();
    expect(await text(mine)).toMatch(/Khung: Buổi chiều · hết hạn 07:30 /);
    const saved = (await (await api('operator')).get(`/api/radio/bulletins/${id}`)).body;
    expect(saved.expiresAt).toBe(zonedTimeToUtc(day.year, day.month, day.day, 7, 30, TZ).toISOString());
    expect(saved.schedule).toEqual({ slot: 'chieu' });

    // The official, in their own browser.
    const theirs = pending(off, id);
    await theirs.getByTestId('reject').click();
    await theirs.getByTestId('reject-note').fill('Sai số tiền: ba trăm nghìn đồng.');
    await theirs.getByTestId('reject-confirm').click();
    await expect.poll(() => theirs.count(), poll).toBe(0);
    expect(await text(off.getByTestId('pending-msg'))).toBe('Đã từ chối “Thu quỹ phòng chống thiên tai”.');

    const rejected = op.locator(`[data-testid="draft-item"][data-bulletin-id="${id}"]`);
    await expect.poll(() => rejected.getAttribute('data-status'), poll).toBe('rejected');
    expect(await text(rejected)).toContain('Bị từ chối bởi chu-tich-hung: Sai số tiền: ba trăm nghìn đồng.');
    await rejected.getByTestId('edit').click();
    expect(await op.getByTestId('compose-title').inputValue()).toBe('Thu quỹ phòng chống thiên tai');
    expect(await op.getByTestId('compose-text').inputValue()).toBe('Mỗi hộ đóng năm trăm nghìn đồng.');
    expect(await op.getByTestId('zone-thon-trung').isChecked()).toBe(true);
    expect(await op.getByTestId('compose-slot').inputValue()).toBe('chieu');
    expect(await op.getByTestId('compose-expires').inputValue()).toBe(`${ymd}T07:30`);
    expect(await text(op.getByTestId('compose-editing'))).toBe('Đang sửa “Thu quỹ phòng chống thiên tai” (Bị từ chối).');
    await op.getByTestId('compose-text').fill('Mỗi hộ đóng ba trăm nghìn đồng.');
    await op.getByTestId('compose-submit').click();
    await expect.poll(() => text(op.getByTestId('compose-error')), poll).toBe('Đã gửi duyệt “Thu quỹ phòng chống thiên tai”.');
    await mine.waitFor();
    expect(await text(mine.getByTestId('item-text'))).toBe('Mỗi hộ đóng ba trăm nghìn đồng.');
    const b = (await (await api('operator')).get(`/api/radio/bulletins/${id}`)).body;
    expect(b.history.map((e: any) => e.action)).toEqual(['drafted', 'submitted', 'rejected', 'edited', 'submitted']);

    // Its author withdraws it (after a confirmation).
    await mine.getByTestId('cancel').click();
    expect(dialogs.at(-1)).toBe('Hủy bản tin “Thu quỹ phòng chống thiên tai”?');
    await expect.poll(() => mine.count(), poll).toBe(0);
    expect(await text(op.getByTestId('pending-msg'))).toBe('Đã hủy “Thu quỹ phòng chống thiên tai”.');
    expect((await (await api('operator')).get(`/api/radio/bulletins/${id}`)).body.status).toBe('cancelled');
  });

  it('offers the month’s log as a CSV download', async () => {
    const link = op.getByTestId('log-csv');
    const p = localParts(new Date(), TZ);
    const month = `${p.year}-${String(p.month).padStart(2, '0')}`;
    expect(await op.getByTestId('log-month').inputValue()).toBe(month);
    expect(await link.getAttribute('href')).toBe(`/api/radio/log?month=${month}&format=csv`);
    expect(await text(link)).toBe('Tải CSV');
    const res = await (await api('operator')).fetch(`/api/radio/log?month=${month}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    await op.getByTestId('log-month').fill('2026-01');
    await expect.poll(() => link.getAttribute('href'), poll).toBe('/api/radio/log?month=2026-01&format=csv');
  });

  it('switches to English and back: the reach sentence too', async () => {
    const toggle = adm.getByTestId('lang-toggle');
    await toggle.click();
    await expect.poll(() => adm.locator('html').getAttribute('lang'), poll).toBe('en');
    expect(await adm.title()).toBe('Commune radio · Xã Thử');
    expect(await text(adm.getByTestId('nav-radio'))).toBe('Radio');
    expect(await text(adm.locator('#compose-h'))).toBe('Compose a bulletin');
    expect(await text(adm.getByTestId('who-role'))).toBe('System administrator');
    expect(await text(adm.getByTestId('sign-out'))).toBe('Sign out');
    expect(await text(liveItem(bulletinId).getByTestId('reach'))).toBe('Played in 2 of 3 hamlets; the Thôn Đông cluster is offline; it will be retried');
    expect(await text(delivery(bulletinId, 'loa-trung-1').getByTestId('delivery-status'))).toBe('finished');
    expect(await adm.evaluate(() => localStorage.getItem('village.lang'))).toBe('en');

    await toggle.click();
    await expect.poll(() => adm.locator('html').getAttribute('lang'), poll).toBe('vi');
    expect(await text(liveItem(bulletinId).getByTestId('reach'))).toBe('Đã phát ở 2/3 thôn; cụm loa Thôn Đông mất kết nối, đang chờ phát lại');
  });

  it('renders at phone and desktop widths (screenshots), fits 360 px, passes axe at both, with no console errors', async () => {
    shotDir = await mkdtemp(join(tmpdir(), 'radio-shots-'));
    await shootAtWidths(adm, shotDir, 'radio', { timeout: WAIT, full: true });
    // The narrowest phones the officials carry.
    const top = (p: Page, id: string) => p.getByTestId(id).evaluate((el) => el.getBoundingClientRect().top);
    for (const [who, p] of [['admin', adm], ['official', off], ['operator', op]] as const) {
      await p.setViewportSize({ width: 360, height: 740 });
      await expect.poll(() => p.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(360);
      await p.screenshot({ path: join(shotDir, `radio-360-${who}-full.png`), fullPage: true });
      // Labels, contrast and roles pass axe, for each role's page.
      expect(await axeViolations(p), who).toEqual([]);
    }
    // An official on a phone finds the pending list above the compose form; an operator the form first.
    expect(await top(off, 'pending')).toBeLessThan(await top(off, 'compose'));
    expect(await top(op, 'compose')).toBeLessThan(await top(op, 'pending'));
    // The slot editor on a phone: every control fits.
    await op.getByTestId('slots-edit').click();
    const form = op.getByTestId('slot-form');
    await form.waitFor();
    await expect.poll(() => op.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(360);
    await form.screenshot({ path: join(shotDir, 'radio-360-slots.png') });
    expect(await axeViolations(op)).toEqual([]);
    await form.getByTestId('slot-cancel').click();
    for (const p of [adm, off, op]) {
      await p.setViewportSize({ width: 1280, height: 900 });
      expect(await axeViolations(p)).toEqual([]);
    }

    expect(errors).toEqual([]);
  });
});
