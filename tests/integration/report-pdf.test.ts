// The monthly report's server side on a real InfluxDB and Debian's Chromium: the notable events
// (an emergency aired, long outages), the PDF printed from the report page (read back with
// poppler's pdftotext: the commune, every indicator's Vietnamese name and value, the signature
// block), and the short-lived ticket the printer signs in with (only what a report reads, and
// not after it ends). October 2026 in Asia/Ho_Chi_Minh, the commune of tests/helpers/commune.ts's
// twoMonths.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorSnapshot, NotableEvents } from '../../controller/api/contract/indicators.js';
import { twoMonths } from '../helpers/commune.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const run = promisify(execFile);
const at = twoMonths.at;
const site = () => twoMonths.site('xa-bao', 'Xã Bảo');

let t: TestVillage;
let dir: string;
beforeAll(async () => {
  t = await startTestVillage({ site: site() });
  dir = await mkdtemp(join(tmpdir(), 'report-pdf-'));
  await twoMonths.seed(t);
  // An emergency aired on October 12 at 08:00: loa-a began it after 12 s and finished; loa-b missed it.
  const w = (measurement: string, tags: Record<string, string>, fields: Record<string, string | number>, time: number) =>
    t.village.storage.writeEvent({ measurement, tags: { site: 'xa-bao', ...tags }, fields, time });
  w('radio_bulletin', { level: 'emergency', action: 'aired', status: 'airing' }, { bulletin: 'b-lu', title: 'Cảnh báo lũ', by: 'system', role: 'admin' }, at(10, 12, 8));
  w('radio_delivery', { bulletin: 'b-lu', device: 'loa-a', hamlet: 'thon-a', level: 'emergency', status: 'finished' }, { title: 'Cảnh báo lũ', attempts: 1, plays: 1, airedS: 40, reachS: 12 }, at(10, 12, 8) + 60_000);
  w('radio_delivery', { bulletin: 'b-lu', device: 'loa-b', hamlet: 'thon-b', level: 'emergency', status: 'missed' }, { title: 'Cảnh báo lũ', attempts: 3, plays: 0, airedS: 0 }, at(10, 12, 9));
  await t.village.storage.flush();
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

const official = () => t.as('chu-tich', 'official');

describe('notable events', () => {
  it('lists the emergency aired with its clusters, and every device offline a day or more', async () => {
    const r = await (await official()).fetch('/api/indicators/notable?period=2026-10');
    expect(r.status).toBe(200);
    const n = (await r.json()) as NotableEvents;
    // One emergency: 2 deliveries ended, 1 began playing, the slowest after 12 s.
    expect(n.emergencies).toEqual([{ bulletin: 'b-lu', title: 'Cảnh báo lũ', airedAt: new Date(at(10, 12, 8)).toISOString(), clusters: 2, played: 1, slowestS: 12 }]);
    // The devices' availability changes were all recorded in December (when they connected to send
    // their backlogs), so in October each counts offline the whole month: 31 × 24 = 744 h.
    expect(n.outages.map((o) => o.device).sort()).toEqual(['den-1', 'den-2', 'den-3', 'loa-a', 'loa-b']);
    for (const o of n.outages) expect(o.hours).toBe(744);
    expect(n.outages.find((o) => o.device === 'loa-b')).toMatchObject({ hamlet: 'thon-b' });
  });

  it('is behind sign-in, for the roles that read indicators', async () => {
    expect((await fetch(new URL('/api/indicators/notable?period=2026-10', t.village.url))).status).toBe(401);
    expect((await (await t.as('nong-dan', 'farmer', [])).fetch('/api/indicators/notable?period=2026-10')).status).toBe(403);
    expect((await (await official()).fetch('/api/indicators/notable?period=2026-13')).status).toBe(400);
  });
});

/** The PDF's text, white space (and no-break spaces) collapsed so that a wrapped name still reads whole. */
async function pdfText(pdf: Buffer, name: string): Promise<string> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  if (process.env.REPORT_LOOK) await writeFile(join(process.env.REPORT_LOOK, `${name}.pdf`), pdf);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  return stdout.replace(/\s+/g, ' ');
}

/** A figure as the report writes it in Vietnamese (lib/format.ts's fmtNum, one decimal, and the unit). */
function figureVi(value: number | null, unit: string): string {
  if (value === null) return '—';
  const n = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(value);
  const u = { h: 'giờ', s: 'giây', count: '' }[unit] ?? unit;
  return u ? `${n} ${u}` : n;
}

describe('the PDF', () => {
  it('prints the report page on A4 with the commune, every indicator’s name and value, and the signature block', async () => {
    const c = await official();
    const snap = (await (await c.fetch('/api/indicators?period=2026-10')).json()) as IndicatorSnapshot & { definitions: { id: string; name: { vi: string }; unit: string }[] };
    const r = await c.fetch('/api/indicators/report/pdf?period=2026-10');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-xa-bao-2026-10.pdf"');
    const pdf = Buffer.from(await r.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf, 'oct');

    expect(text).toContain('ỦY BAN NHÂN DÂN');
    expect(text).toContain('XÃ BẢO');
    expect(text).toContain('BÁO CÁO CHỈ SỐ LÀNG THÔNG MINH');
    expect(text).toContain('Kỳ báo cáo: tháng 10 năm 2026');
    expect(text).toContain('so sánh với tháng 9 năm 2026');
    expect(snap.definitions.length).toBeGreaterThan(20);
    for (const d of snap.definitions) {
      const f = snap.indicators.find((x) => x.id === d.id)!;
      // The definitions section writes "name: value" for each.
      expect(text, d.id).toContain(`${d.name.vi}: ${figureVi(f.value, d.unit)}`);
    }
    // Hand-checked figures among them: 1 of 2 hamlets reached; 2 of 3 lights managed.
    expect(text).toContain('Thôn có cụm loa hoạt động: 50 %');
    expect(text).toContain('66,7 %');
    // Notable events, and who signs.
    expect(text).toContain('“Cảnh báo lũ”, 1/2 cụm loa đã phát.');
    expect(text).toContain('TM. ỦY BAN NHÂN DÂN CHỦ TỊCH');
    // The one who asked is named as its preparer.
    expect(text).toContain('NGƯỜI LẬP BÁO CÁO');

    // A4 pages (595 × 842 pt), more than one, numbered at the foot.
    const { stdout: info } = await run('pdfinfo', [join(dir, 'oct.pdf')]);
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThan(1);
    expect(text).toMatch(new RegExp(`\\b1 ?/ ?${pages}\\b`));
    // Each page rasterises (what a reviewer looks at).
    await run('pdftoppm', ['-r', '40', '-png', join(dir, 'oct.pdf'), join(dir, 'page')]);
    expect((await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.png'))).toHaveLength(pages);
  });

  it('sets another month beside the one reported, and speaks English when asked', async () => {
    const r = await (await official()).fetch('/api/indicators/report/pdf?period=2026-10&compare=2026-08&lang=en');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain('bao-cao-xa-bao-2026-10-so-voi-2026-08.pdf');
    const text = await pdfText(Buffer.from(await r.arrayBuffer()), 'en');
    expect(text).toContain('SMART VILLAGE INDICATORS REPORT');
    expect(text).toContain('Period: October 2026');
    expect(text).toContain('compared with August 2026');
    expect(text).toContain('Hamlets with a working loudspeaker cluster: 50 %');
  });

  it('refuses bad months and those who may not read the indicators', async () => {
    expect((await (await official()).fetch('/api/indicators/report/pdf?period=2026-1')).status).toBe(400);
    expect((await (await official()).fetch('/api/indicators/report/pdf?period=2026-10&lang=fr')).status).toBe(400);
    const farmer = await (await t.as('nong-dan', 'farmer', [])).fetch('/api/indicators/report/pdf?period=2026-10');
    expect(farmer.status).toBe(403);
  });
});

describe('the printer’s ticket', () => {
  it('reads what a report reads, nothing else, and ends when revoked or expired', async () => {
    const actor = t.village.auth.actorOf(t.village.auth.user('chu-tich')!);
    const { ticket, revoke } = t.village.auth.issueTicket(actor, ['indicators.read', 'site.read', 'devices.read'], 60_000);
    const get = (path: string, bearer = ticket) => fetch(new URL(path, t.village.url), { headers: { authorization: `Bearer ${bearer}` } });
    expect((await get('/api/indicators?period=2026-10')).status).toBe(200);
    expect((await get('/api/site')).status).toBe(200);
    // An official may read the radio; this ticket may not.
    const radio = await get('/api/radio/bulletins');
    expect(radio.status).toBe(403);
    expect(((await radio.json()) as { message: string }).message).toContain('this credential may only indicators.read, site.read, devices.read');
    // The page is told what it may do.
    const me = (await (await get('/api/auth/me')).json()) as { user: { name: string }; can: Record<string, boolean> };
    expect(me.can['indicators.read']).toBe(true);
    expect(me.can['radio.read']).toBe(false);
    expect(me.user.name).toBe(actor.name);
    revoke();
    expect((await get('/api/indicators?period=2026-10')).status).toBe(401);
    // One that has expired.
    const short = t.village.auth.issueTicket(actor, ['indicators.read'], -1);
    expect((await get('/api/site', short.ticket)).status).toBe(401);
    // A made-up one.
    expect((await get('/api/site', 'svr_0123456789ab_' + 'A'.repeat(32))).status).toBe(401);
  });
});
