// The commune radio on real parts: an in-process village (aedes, real influxd), simulated speakers
// that fetch their audio over HTTP and play it for its real length, real espeak-ng speech. The
// village's scheduling clock is a TestClock; the speakers run on real time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvents, Reading } from '../../controller/bus.js';
import { Bus } from '../../controller/bus.js';
import { localParts } from '../../devices/local-time.js';
import type { SimulatedDevice } from '../../firmware-sim/device.js';
import { ClusterHealth } from '../../controller/radio/health.js';
import { TestClock } from '../helpers/clock.js';
import { CLUSTERS, radioApi, radioSite, startSpeakers } from '../helpers/radio-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const TZ = 'Asia/Ho_Chi_Minh';
const SHORT = 'Thông báo thử.';
const LONG = 'Kính thưa bà con, ủy ban nhân dân xã thông báo lịch tiêm phòng cho gia súc và gia cầm trong tháng này, đề nghị bà con chú ý theo dõi.';

let t: TestVillage;
let sims: Map<string, SimulatedDevice>;
const clock = new TestClock();
const playback: Reading[] = [];
const commands: BusEvents['command'][] = [];
let op: ReturnType<typeof radioApi>;
let chief: ReturnType<typeof radioApi>;
let deputy: ReturnType<typeof radioApi>;
let admin: ReturnType<typeof radioApi>;

beforeAll(async () => {
  t = await startTestVillage({ site: radioSite(), options: { now: clock.now, radio: { tickMs: 200, retryS: 1, maxAudioBytes: 2 * 1024 * 1024 } } });
  t.village.bus.on('deviceEvent', (e) => playback.push(e));
  t.village.bus.on('command', (c) => commands.push({ ...c }));
  sims = startSpeakers(t, CLUSTERS);
  await until(() => CLUSTERS.every((id) => t.village.live.snapshot(id)?.availability === 'online'), 'speakers online');
  op = radioApi(t, 'can-bo-lan', 'operator');
  chief = radioApi(t, 'chu-tich-hung', 'official');
  deputy = radioApi(t, 'pho-chu-tich-mai', 'official');
  admin = radioApi(t, 'admin', 'admin');
}, 60_000);

afterAll(async () => {
  await Promise.all([...(sims?.values() ?? [])].map((s) => s.stop()));
  await t?.stop();
});

const bulletin = async (id: string) => (await op.get(`/api/radio/bulletins/${id}`)).body;
const waitFor = (id: string, pred: (b: any) => boolean, what: string, ms = 30_000) =>
  until(async () => {
    const b = await bulletin(id);
    return pred(b) ? b : undefined;
  }, what, ms);
const eventsOf = (device: string, broadcastId?: string) =>
  playback.filter((e) => e.deviceId === device && (!broadcastId || e.values.broadcastId === broadcastId)).map((e) => `${e.values.broadcastId}:${e.values.event}${e.extra?.reason || e.values.reason ? `(${e.values.reason ?? e.extra?.reason})` : ''}`);

/** Drafts, submits and approves a bulletin: an operator writes it, an official lets it on air. */
async function approved(input: Record<string, unknown>): Promise<any> {
  const d = await op.post('/api/radio/bulletins', { level: 'normal', ...input });
  expect(d.status, JSON.stringify(d.body)).toBe(201);
  expect((await op.post(`/api/radio/bulletins/${d.body.id}/submit`)).status).toBe(200);
  const a = await chief.post(`/api/radio/bulletins/${d.body.id}/approve`);
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  return a.body;
}

/** A slot at the next whole minute of the village clock, which is moved to just before it. */
async function slotSoon(id: string): Promise<number> {
  const at = Math.ceil((clock.now() + 60_000) / 60_000) * 60_000;
  const p = localParts(new Date(at), TZ);
  const time = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const r = await op.put('/api/radio/slots', [
    { id, name: `Khung ${id}`, time, days: [1, 2, 3, 4, 5, 6, 7], windowMin: 30 },
    { id: 'sang', name: 'Buổi sáng', time: '06:00' },
  ]);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  clock.set(at - 20_000);
  return at;
}

const allDone = (b: any) => b.deliveries.length > 0 && b.deliveries.every((d: any) => ['finished', 'failed', 'missed', 'expired', 'cancelled'].includes(d.status));

describe('text to speech', () => {
  it('turns Vietnamese text into a WAV that every speaker of the zone fetches over HTTP and plays for its length', async () => {
    const sent = await chief.post('/api/radio/emergency', { title: 'Thử loa', zones: ['thon-trung'], content: { kind: 'text', text: SHORT } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const b = sent.body;
    expect(b.status).toBe('airing');
    expect(b.audio.format).toBe('wav');
    expect(b.audio.durationS).toBeGreaterThan(0.3);
    const wav = Buffer.from(await (await fetch(new URL(b.audio.url, t.village.url))).arrayBuffer());
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('latin1')).toBe('WAVE');
    expect(wav.length).toBe(b.audio.bytes);

    const done = await waitFor(b.id, allDone, 'the test bulletin played');
    expect(done.deliveries.map((d: any) => [d.device, d.status])).toEqual([['loa-trung-1', 'finished']]);
    const d = done.deliveries[0];
    for (const k of ['sentAt', 'ackedAt', 'startedAt', 'endedAt']) expect(d[k], k).toBeTruthy();
    // The speaker played what it fetched, for as long as the file lasts.
    const sim = sims.get('loa-trung-1')!.simState as { audioBytes?: number; audioDurationS?: number };
    expect(sim.audioBytes).toBe(b.audio.bytes);
    expect(sim.audioDurationS).toBeCloseTo(b.audio.durationS, 1);
    expect(Date.parse(d.endedAt) - Date.parse(d.startedAt)).toBeGreaterThanOrEqual(b.audio.durationS * 1000 * 0.8);
    expect(done.status).toBe('done');
    expect(done.reach.hamlets).toEqual({ total: 1, reached: 1 });
  }, 60_000);
});

describe('repeats and volume', () => {
  it('plays a warning as many times as asked, an emergency at full volume unless told otherwise', async () => {
    const sent = await chief.post('/api/radio/emergency', { title: 'Nhắc lại', zones: ['thon-trung'], content: { kind: 'text', text: SHORT }, repeat: 2 });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const done = await waitFor(sent.body.id, allDone, 'played twice');
    expect(done.deliveries[0]).toMatchObject({ status: 'finished', plays: 2 });
    expect(eventsOf('loa-trung-1', sent.body.id)).toEqual([`${sent.body.id}:started`, `${sent.body.id}:finished`, `${sent.body.id}:started`, `${sent.body.id}:finished`]);
    const plays = commands.filter((c) => c.params.broadcastId === sent.body.id && c.status === 'applied');
    expect(plays.map((c) => c.params.volumePct)).toEqual([100, 100]);

    const quiet = await chief.post('/api/radio/emergency', { title: 'Nhỏ', zones: ['thon-trung'], content: { kind: 'text', text: SHORT }, volumePct: 40 });
    await waitFor(quiet.body.id, allDone, 'played at 40 %');
    expect(commands.find((c) => c.params.broadcastId === quiet.body.id && c.status === 'applied')?.params.volumePct).toBe(40);
  }, 30_000);
});

describe('preemption', () => {
  it('an emergency interrupts a normal bulletin on every cluster of its zones, which plays it again after', async () => {
    const at = await slotSoon('s-preempt');
    const normal = await approved({ title: 'Lịch tiêm phòng', zones: ['commune'], content: { kind: 'text', text: LONG } });
    clock.set(at + 1000);
    await waitFor(normal.id, (b) => b.deliveries.filter((d: any) => d.status === 'started').length === 4, 'normal started everywhere');
    const em = await chief.post('/api/radio/emergency', { title: 'Bão số 5', zones: ['ven-song'], content: { kind: 'text', text: SHORT } });
    expect(em.status, JSON.stringify(em.body)).toBe(201);
    const emDone = await waitFor(em.body.id, allDone, 'emergency played');
    expect(emDone.deliveries.map((d: any) => d.device).sort()).toEqual(['loa-doai-1', 'loa-doai-2', 'loa-dong-1']);
    expect(emDone.deliveries.every((d: any) => d.status === 'finished')).toBe(true);
    const normalDone = await waitFor(normal.id, allDone, 'normal played to the end everywhere', 60_000);
    expect(normalDone.deliveries.every((d: any) => d.status === 'finished')).toBe(true);
    for (const c of ['loa-dong-1', 'loa-doai-1', 'loa-doai-2']) {
      expect(eventsOf(c).filter((e) => e.startsWith(normal.id) || e.startsWith(em.body.id)), c).toEqual([
        `${normal.id}:started`,
        `${normal.id}:failed(preempted)`,
        `${em.body.id}:started`,
        `${em.body.id}:finished`,
        `${normal.id}:started`,
        `${normal.id}:finished`,
      ]);
    }
    // Outside the emergency's zones the normal bulletin was never cut.
    expect(eventsOf('loa-trung-1', normal.id)).toEqual([`${normal.id}:started`, `${normal.id}:finished`]);
    expect(eventsOf('loa-trung-1', em.body.id)).toEqual([]);
  }, 90_000);

  it('a normal bulletin never interrupts an emergency: the cluster says busy and the plane plays it after', async () => {
    // An emergency relayed from the district, straight to the cluster (not one of ours).
    const audio = await op.post('/api/radio/tts', { text: LONG });
    expect(audio.status, JSON.stringify(audio.body)).toBe(201);
    const relay = await t.village.commands.send({
      deviceId: 'loa-trung-1',
      action: 'play',
      params: { broadcastId: 'huyen-canh-bao', audioUrl: new URL(audio.body.url, t.village.url).toString(), priority: 'emergency' },
      issuer: 'test-district-relay',
    });
    expect((await t.village.commands.settled(relay.id)).status).toBe('applied');
    const at = await slotSoon('s-busy');
    const normal = await approved({ title: 'Họp thôn', zones: ['thon-trung'], content: { kind: 'text', text: SHORT } });
    clock.set(at + 1000);
    const waiting = await waitFor(normal.id, (b) => b.deliveries[0]?.status === 'waiting', 'normal waits while the emergency plays');
    expect(waiting.deliveries[0].reason).toBe('busy');
    expect(waiting.deliveries[0].reasonCode).toBe('busy');
    const done = await waitFor(normal.id, allDone, 'normal played after the emergency', 60_000);
    expect(done.deliveries[0].status).toBe('finished');
    expect(done.deliveries[0].attempts).toBeGreaterThanOrEqual(2);
    expect(commands.some((c) => c.deviceId === 'loa-trung-1' && c.params.broadcastId === normal.id && c.status === 'rejected' && c.reason === 'busy')).toBe(true);
    const seq = eventsOf('loa-trung-1').filter((e) => e.startsWith('huyen') || e.startsWith(normal.id));
    expect(seq).toEqual(['huyen-canh-bao:started', 'huyen-canh-bao:finished', `${normal.id}:started`, `${normal.id}:finished`]);
  }, 90_000);
});

describe('offline clusters', () => {
  it('shows an offline cluster as not reached, plays it a live bulletin on return, never an expired one', async () => {
    const alertsBefore = t.village.alerts.active().length;
    sims.get('loa-dong-1')!.cutLink();
    await until(() => t.village.live.snapshot('loa-dong-1')?.availability === 'offline', 'loa-dong-1 offline');
    await until(() => t.village.alerts.active().some((a) => a.key === 'radio-offline:loa-dong-1'), 'offline alert');
    expect(t.village.alerts.active().length).toBe(alertsBefore + 1);
    // Through the API with its code, for the page to put in words.
    const listed = (await chief.get('/api/alerts?state=active')).body as { alerts: { key: string; what: unknown }[] };
    expect(listed.alerts.find((a) => a.key === 'radio-offline:loa-dong-1')?.what).toEqual({ code: 'radio-offline', device: 'loa-dong-1' });

    const expiring = await chief.post('/api/radio/emergency', {
      title: 'Cảnh báo lũ',
      zones: ['commune'],
      content: { kind: 'text', text: SHORT },
      expiresAt: new Date(clock.now() + 10 * 60_000).toISOString(),
    });
    expect(expiring.status).toBe(201);
    const partial = await waitFor(expiring.body.id, (b) => b.reach.clusters.finished === 3, 'three clusters played');
    expect(partial.reach.hamlets).toEqual({ total: 3, reached: 2 });
    expect(partial.reach.notReached).toEqual([{ device: 'loa-dong-1', name: 'Cụm loa Thôn Đông', hamlet: 'thon-dong', hamletName: 'Thôn Đông', status: 'waiting', reason: 'offline', reasonCode: 'offline' }]);

    const lasting = await chief.post('/api/radio/emergency', { title: 'Cắt điện', zones: ['thon-dong'], content: { kind: 'text', text: SHORT } });
    await waitFor(lasting.body.id, (b) => b.deliveries[0]?.status === 'waiting', 'second bulletin waits for the cluster');

    clock.advance(11 * 60_000);
    const expired = await waitFor(expiring.body.id, (b) => b.status === 'done', 'expired delivery closed');
    expect(expired.deliveries.find((d: any) => d.device === 'loa-dong-1')).toMatchObject({ status: 'expired' });
    expect(expired.reach.notReached.map((n: any) => [n.device, n.status])).toEqual([['loa-dong-1', 'expired']]);

    sims.get('loa-dong-1')!.restoreLink();
    const back = await waitFor(lasting.body.id, allDone, 'the live bulletin played on return');
    expect(back.deliveries[0].status).toBe('finished');
    await until(() => !t.village.alerts.active().some((a) => a.key === 'radio-offline:loa-dong-1'), 'offline alert ended');
    // The expired one was never sent to the returning cluster, let alone played.
    expect(eventsOf('loa-dong-1', expiring.body.id)).toEqual([]);
    expect(commands.some((c) => c.deviceId === 'loa-dong-1' && c.params.broadcastId === expiring.body.id)).toBe(false);
  }, 90_000);
});

describe('approval', () => {
  it('enforces the states and who may move a bulletin between them', async () => {
    const input = { title: 'Thu thuế', level: 'normal', zones: ['thon-doai'], content: { kind: 'text', text: SHORT } };
    const anon = await fetch(new URL('/api/radio/bulletins', t.village.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { code: string }).code).toBe('unauthenticated');
    const d = await op.post('/api/radio/bulletins', input);
    expect(d.status).toBe(201);
    expect(d.body.status).toBe('draft');
    const id = d.body.id;
    expect((await chief.post(`/api/radio/bulletins/${id}/approve`)).status).toBe(409); // a draft is not up for approval
    expect((await op.post(`/api/radio/bulletins/${id}/submit`)).body.status).toBe('pending');
    expect((await op.post(`/api/radio/bulletins/${id}/submit`)).status).toBe(409);
    expect((await op.patch(`/api/radio/bulletins/${id}`, input)).status).toBe(409); // no edits while it waits
    const self = await op.post(`/api/radio/bulletins/${id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('forbidden');
    expect(self.body.message).toMatch(/operator may not radio\.approve/);
    const rejected = await chief.post(`/api/radio/bulletins/${id}/reject`, { note: 'Sai ngày' });
    expect(rejected.body.status).toBe('rejected');
    expect((await chief.post(`/api/radio/bulletins/${id}/approve`)).status).toBe(409);
    expect((await op.patch(`/api/radio/bulletins/${id}`, { ...input, title: 'Thu thuế (sửa)' })).body.status).toBe('draft');
    await op.post(`/api/radio/bulletins/${id}/submit`);
    const ok = await chief.post(`/api/radio/bulletins/${id}/approve`);
    expect(ok.body.status).toBe('approved');
    expect(ok.body.deliveries).toEqual([]); // a normal bulletin waits for its slot
    expect(ok.body.history.map((h: any) => [h.action, h.by])).toEqual([
      ['drafted', 'can-bo-lan'],
      ['submitted', 'can-bo-lan'],
      ['rejected', 'chu-tich-hung'],
      ['edited', 'can-bo-lan'],
      ['submitted', 'can-bo-lan'],
      ['approved', 'chu-tich-hung'],
    ]);
    expect((await chief.post(`/api/radio/bulletins/${id}/reject`)).status).toBe(409);
    expect((await op.post(`/api/radio/bulletins/${id}/cancel`)).body.status).toBe('cancelled'); // its author withdraws it

    // Four eyes: the author of a bulletin never approves it, even one who may approve others'
    // (officials do not draft; an admin does both).
    const own = await admin.post('/api/radio/bulletins', { ...input, level: 'emergency' });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    await admin.post(`/api/radio/bulletins/${own.body.id}/submit`);
    const selfApprove = await admin.post(`/api/radio/bulletins/${own.body.id}/approve`);
    expect(selfApprove.status).toBe(403);
    expect(selfApprove.body.message).toMatch(/author/);
    expect((await bulletin(own.body.id)).deliveries).toEqual([]); // an emergency waiting for approval does not air
    const aired = await deputy.post(`/api/radio/bulletins/${own.body.id}/approve`);
    expect(aired.body.status).toBe('airing'); // approved emergencies air at once
    await waitFor(own.body.id, allDone, 'approved emergency played');

    expect((await op.post('/api/radio/emergency', input)).status).toBe(403);
    const late = await op.post('/api/radio/bulletins', { ...input, expiresAt: new Date(clock.now() + 60_000).toISOString() });
    await op.post(`/api/radio/bulletins/${late.body.id}/submit`);
    clock.advance(2 * 60_000);
    await waitFor(late.body.id, (b) => b.status === 'expired', 'pending bulletin expired');
    expect((await chief.post(`/api/radio/bulletins/${late.body.id}/approve`)).status).toBe(409);

    const bad = await op.post('/api/radio/bulletins', { ...input, zones: ['thon-khong-co'] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/unknown zone thon-khong-co/);
  }, 60_000);
});

describe('programme schedule', () => {
  it('plays a slot on time, priority bulletins first, and keeps other slots\' bulletins for them', async () => {
    const at = await slotSoon('s-sang');
    const tag = (title: string, extra: Record<string, unknown> = {}) => approved({ title, zones: ['ven-song'], content: { kind: 'text', text: `${title}.` }, ...extra });
    const a = await tag('Thứ nhất');
    const b = await tag('Ưu tiên', { level: 'priority' });
    const later = await tag('Để sau', { schedule: { notBefore: new Date(at + 3600_000).toISOString() } });
    const other = await tag('Khung khác', { schedule: { slot: 'sang' } });
    const slots = (await op.get('/api/radio/slots')).body;
    expect(slots.find((s: any) => s.id === 's-sang')).toMatchObject({ next: new Date(at).toISOString(), queued: 2 });
    // A slot a bulletin waits for cannot be removed from under it.
    const removing = await op.put('/api/radio/slots', [slots[0]]);
    expect(removing.status).toBe(409);
    expect(removing.body.message).toMatch(/slot sang is still chosen by "Khung khác"/);
    expect((await op.get('/api/radio/slots')).body.map((s: any) => s.id)).toEqual(['s-sang', 'sang']);

    clock.set(at - 2000);
    await new Promise((r) => setTimeout(r, 800)); // several radio ticks before the slot
    expect((await bulletin(a.id)).status).toBe('approved');

    clock.set(at + 500);
    const first = await waitFor(a.id, allDone, 'first bulletin played');
    const prio = await waitFor(b.id, allDone, 'priority bulletin played');
    for (const x of [first, prio]) {
      expect(x.airedAt).toBe(new Date(at).toISOString());
      expect(x.deliveries.map((d: any) => d.device).sort()).toEqual(['loa-doai-1', 'loa-doai-2', 'loa-dong-1']);
    }
    for (const c of ['loa-dong-1', 'loa-doai-1', 'loa-doai-2']) {
      const p = prio.deliveries.find((d: any) => d.device === c);
      const n = first.deliveries.find((d: any) => d.device === c);
      expect(Date.parse(p.endedAt), JSON.stringify([p, n])).toBeLessThanOrEqual(Date.parse(n.startedAt)); // one after the other, priority first
    }
    expect((await bulletin(later.id)).status).toBe('approved');
    expect((await bulletin(other.id)).status).toBe('approved');
    expect((await op.get('/api/radio/slots')).body.find((s: any) => s.id === 's-sang').lastRun.outcome).toBe('played');

    // A slot that passed while the controller was away is recorded as skipped, not played late.
    const missed = await slotSoon('s-missed');
    const waits = await tag('Chờ khung sau');
    clock.set(missed + 10 * 60_000);
    await until(async () => (await op.get('/api/radio/slots')).body[0].lastRun?.outcome, 'missed slot recorded');
    expect((await op.get('/api/radio/slots')).body[0].lastRun.outcome).toBe('skipped');
    expect((await bulletin(waits.id)).status).toBe('approved'); // it goes out in the next slot instead
    expect((await bulletin(other.id)).status).toBe('approved');
  }, 90_000);
});

describe('uploads', () => {
  const upload = (bytes: Uint8Array<ArrayBuffer>, name: string, type = 'audio/wav') => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    return op.fetch('/api/radio/audio', { method: 'POST', body: form });
  };

  it('refuses a file that is not audio, or too large, with a clear reason, and accepts a WAV', async () => {
    const fake = await upload(new TextEncoder().encode('đây không phải là âm thanh\n'.repeat(50)), 'thong-bao.wav');
    expect(fake.status).toBe(400);
    const body = (await fake.json()) as { error: string; code: string; message: string };
    expect(body.error).toBe('Bad Request');
    expect(body.code).toBe('unsupported');
    expect(body.message).toMatch(/WAV/);

    const big = await upload(new Uint8Array(3 * 1024 * 1024), 'lon.wav');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { code: string }).code).toBe('too-large');

    const speech = await op.post('/api/radio/tts', { text: SHORT });
    const wav = new Uint8Array(await (await fetch(new URL(speech.body.url, t.village.url))).arrayBuffer());
    const good = await upload(wav, 'ghi-am.wav');
    expect(good.status).toBe(201);
    const info = (await good.json()) as { file: string; durationS: number; source: string };
    expect(info.durationS).toBeCloseTo(speech.body.durationS, 2);
    const d = await op.post('/api/radio/bulletins', { title: 'Ghi âm', level: 'normal', zones: ['thon-dong'], content: { kind: 'audio', file: info.file } });
    expect(d.status).toBe(201);
    expect(d.body.audio.bytes).toBe(wav.length);
    const unknown = await op.post('/api/radio/bulletins', { title: 'X', level: 'normal', zones: ['thon-dong'], content: { kind: 'audio', file: 'a'.repeat(24) + '.wav' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/upload it first/);
  }, 30_000);
});

describe('cluster health and the broadcast log', () => {
  it('raises and ends an amplifier alert from the cluster\'s telemetry', async () => {
    const own = new Bus(t.log);
    const health = new ClusterHealth({ bus: own, site: t.village.site, live: t.village.live });
    const alerts: BusEvents['alert'][] = [];
    own.on('alert', (a) => alerts.push(a));
    await health.start();
    const reading = (ok: boolean): Reading => ({ deviceId: 'loa-doai-2', type: 'loudspeaker', ts: new Date(), values: { amplifierOk: ok, volumePct: 70, playing: false } });
    own.emit('reading', reading(true));
    own.emit('reading', reading(false));
    own.emit('reading', reading(false));
    own.emit('reading', reading(true));
    await health.stop();
    expect(alerts.map((a) => [a.key, a.severity, a.active])).toEqual([
      ['radio-amplifier:loa-doai-2', 'critical', true],
      ['radio-amplifier:loa-doai-2', 'critical', false],
    ]);
    expect(alerts[0]!.message).toContain('Cụm loa Đoài 2 (Thôn Đoài)');
  });

  it('exports the month\'s broadcast log from InfluxDB as CSV', async () => {
    const p = localParts(new Date(clock.now()), TZ);
    const month = `${p.year}-${String(p.month).padStart(2, '0')}`;
    const res = await op.fetch(`/api/radio/log?month=${month}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await res.text();
    const lines = csv.replace(/^\ufeff/, '').trim().split('\n');
    expect(lines[0]).toBe('time,localTime,kind,bulletin,title,level,action,hamlet,device,status,reason,by');
    // Local time is the site's (UTC+7): the hour differs from the UTC one by seven.
    const [utc, local] = lines[1]!.split(',') as [string, string];
    expect((Number(local.slice(11, 13)) - new Date(utc).getUTCHours() + 24) % 24).toBe(7);
    expect(lines.some((l) => l.includes('Bão số 5') && l.includes(',delivery,') && l.includes(',finished,'))).toBe(true);
    expect(lines.some((l) => l.includes('Cảnh báo lũ') && l.includes('loa-dong-1') && l.includes(',expired,'))).toBe(true);
    expect(lines.some((l) => l.includes(',bulletin,') && l.includes(',approved,') && l.includes('chu-tich-hung'))).toBe(true);
    const other = await op.fetch('/api/radio/log?month=2001-01&format=json');
    expect(await other.json()).toEqual([]);
  });
});

describe('cancel on air', () => {
  it('takes a bulletin off the air on every cluster and records it cancelled, not delivered', async () => {
    const sent = await chief.post('/api/radio/emergency', { title: 'Nhầm', zones: ['thon-doai'], content: { kind: 'text', text: LONG } });
    await waitFor(sent.body.id, (b) => b.deliveries.every((d: any) => d.status === 'started'), 'on air on both clusters');
    const op2 = await op.post(`/api/radio/bulletins/${sent.body.id}/cancel`);
    expect(op2.status).toBe(403); // an operator cannot take an official's bulletin off the air
    const c = await chief.post(`/api/radio/bulletins/${sent.body.id}/cancel`, { note: 'Gửi nhầm' });
    expect(c.status).toBe(200);
    expect(c.body.status).toBe('cancelled');
    expect(c.body.deliveries.map((d: any) => d.status)).toEqual(['cancelled', 'cancelled']);
    expect(c.body.history.map((h: any) => h.action)).toEqual(['sent-emergency', 'aired', 'cancelled']);
    for (const id of ['loa-doai-1', 'loa-doai-2']) {
      await until(() => eventsOf(id, sent.body.id).includes(`${sent.body.id}:finished(stopped)`), `${id} stopped`);
      expect((sims.get(id)!.reported() as { playing: boolean }).playing).toBe(false);
    }
  }, 30_000);
});

describe('restart', () => {
  it('keeps slots and approved bulletins across a restart and plays them at the slot', async () => {
    const at = await slotSoon('s-restart');
    const b = await approved({ title: 'Sau khởi động lại', zones: ['thon-trung'], content: { kind: 'text', text: SHORT } });
    await t.restart();
    await until(() => t.village.live.snapshot('loa-trung-1')?.availability === 'online', 'speaker back');
    expect((await bulletin(b.id)).status).toBe('approved');
    expect((await op.get('/api/radio/slots')).body.map((s: any) => s.id)).toEqual(['s-restart', 'sang']);
    clock.set(at + 1000);
    const done = await waitFor(b.id, allDone, 'played after the restart');
    expect(done.deliveries.map((d: any) => [d.device, d.status])).toEqual([['loa-trung-1', 'finished']]);
  }, 60_000);
});
