// A third-party loudspeaker cluster, played by Debian's mosquitto_sub / mosquitto_pub against the
// embedded broker: it takes the plane's `play`, fetches the audio over HTTP itself, acks and reports
// playback as PROTOCOL.md says. One that acks and then never reports must not block its queue.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { localParts } from '../../devices/local-time.js';
import { TestClock } from '../helpers/clock.js';
import { run, start } from '../helpers/proc.js';
import { radioApi, radioSite } from '../helpers/radio-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const ID = 'loa-trung-1';
const BASE = `village/xa-thu/${ID}`;
const clock = new TestClock();
let t: TestVillage;

beforeAll(async () => {
  t = await startTestVillage({ site: radioSite(), options: { now: clock.now, radio: { tickMs: 200 } } });
});
afterAll(async () => {
  await t?.stop();
});

const auth = () => ['-h', '127.0.0.1', '-p', String(t.village.broker.port), '-V', 'mqttv311', '-i', ID, '-u', ID, '-P', t.secrets[ID]!];
const pub = async (channel: string, payload: unknown, retain = false) => {
  const r = await run('mosquitto_pub', [...auth(), '-q', '1', ...(retain ? ['-r'] : []), '-t', `${BASE}/${channel}`, '-m', JSON.stringify(payload)]);
  expect(r.code, r.stderr).toBe(0);
};

/** Waits for the next command on the cluster's cmd topic while `send` runs. */
async function nextCommand(send: () => Promise<unknown>): Promise<{ id: string; action: string; params: Record<string, any> }> {
  // The broker takes a device's id as its client id: subscriber and publisher take turns with it.
  const sub = start('stdbuf', ['-oL', 'mosquitto_sub', ...auth(), '-d', '-q', '1', '-C', '1', '-t', `${BASE}/cmd`]);
  onTestFinished(async () => {
    await sub.stop();
  });
  await until(() => sub.lines.some((l) => /received SUBACK/.test(l)), 'SUBACK');
  await send();
  await sub.exited;
  return JSON.parse(sub.lines.find((l) => l.startsWith('{'))!);
}

describe('a third-party loudspeaker over mosquitto clients', () => {
  it('gets a play it can fetch, and its ack and reports drive the delivery to finished', async () => {
    await pub('avail', 'online', true);
    await until(() => t.village.live.snapshot(ID)?.availability === 'online', 'online');
    const official = radioApi(t, 'chu-tich-hung', 'official');
    let id = '';
    const cmd = await nextCommand(async () => {
      const r = await official.post('/api/radio/emergency', { title: 'Bão', zones: ['thon-trung'], content: { kind: 'text', text: 'Bão sắp đến.' } });
      expect(r.status).toBe(201);
      id = r.body.id;
    });
    expect(cmd).toMatchObject({ action: 'play', params: { broadcastId: id, priority: 'emergency', volumePct: 100 } });
    // A signed URL: the speaker has no session, the signature and its expiry let it in.
    expect(cmd.params.audioUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/radio\/audio\/[0-9a-f]{24}\.wav\?exp=\d+&sig=[A-Za-z0-9_-]+$/);
    const res = await fetch(cmd.params.audioUrl);
    expect(res.status).toBe(200);
    const audio = Buffer.from(await res.arrayBuffer());
    expect(audio.subarray(0, 4).toString('latin1')).toBe('RIFF');

    await pub('ack', { id: cmd.id, status: 'applied' });
    await pub('telemetry', { broadcastId: id, event: 'started', ts: Date.now() });
    const b = () => t.village.radio.bulletin(id);
    await until(() => b().deliveries[0]?.status === 'started', 'started');
    expect(b().deliveries[0]!.ackedAt).toBeTruthy();
    await pub('telemetry', { broadcastId: id, event: 'finished', ts: Date.now() });
    await until(() => b().status === 'done', 'done');
    expect(b().deliveries[0]).toMatchObject({ status: 'finished', plays: 1 });
    expect(b().reach.hamlets).toEqual({ total: 1, reached: 1 });
  });

  it('gives up on a play that was acked but never reported, and the cluster gets its next bulletin', async () => {
    const official = radioApi(t, 'chu-tich-hung', 'official');
    let first = '';
    const cmd = await nextCommand(async () => {
      first = (await official.post('/api/radio/emergency', { title: 'Im lặng', zones: ['thon-trung'], content: { kind: 'text', text: 'Thử.' } })).body.id;
    });
    await pub('ack', { id: cmd.id, status: 'applied' });
    await until(() => t.village.radio.bulletin(first).deliveries[0]?.status === 'acked', 'acked');
    // A programme bulletin's slot comes while the silent one holds the cluster: it waits behind it.
    const at = Math.ceil((clock.now() + 60_000) / 60_000) * 60_000;
    const p = localParts(new Date(at), 'Asia/Ho_Chi_Minh');
    const time = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
    // Slots and drafts are an operator's; the official approves.
    const operator = radioApi(t, 'can-bo-lan', 'operator');
    expect((await operator.put('/api/radio/slots', [{ id: 's1', name: 'Khung', time }])).status).toBe(200);
    const second = (await operator.post('/api/radio/bulletins', { title: 'Tiếp theo', level: 'normal', zones: ['thon-trung'], content: { kind: 'text', text: 'Tiếp theo.' } })).body.id;
    await operator.post(`/api/radio/bulletins/${second}/submit`);
    expect((await official.post(`/api/radio/bulletins/${second}/approve`)).body.status).toBe('approved');
    clock.set(at + 1000);
    await until(() => t.village.radio.bulletin(second).deliveries[0]?.status === 'queued', 'queued behind the silent play');

    const next = await nextCommand(async () => clock.advance((t.village.radio.bulletin(first).audio.durationS + 121) * 1000));
    expect(t.village.radio.bulletin(first).deliveries[0]).toMatchObject({ status: 'failed', reason: 'no end report' });
    expect(next.params.broadcastId).toBe(second);
  });
});
