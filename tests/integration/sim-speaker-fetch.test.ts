// A simulated loudspeaker cluster downloads its audio over HTTP before it plays, as a real one does:
// a test village (aedes, real influxd), the speaker on real MQTT, and a node:http server holding the
// audio. Everything asserted is what crossed the wire: the GETs, the acks and the playback events.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../controller/bus.js';
import type { SpeakerState } from '../../devices/sim/loudspeaker.js';
import { SimClock } from '../../firmware-sim/clock.js';
import { SimulatedDevice } from '../../firmware-sim/device.js';
import { SiteEnvironment } from '../../firmware-sim/environment.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import { pcmWav } from '../helpers/audio.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const ID = 'speaker-01';
const SHORT = pcmWav(1.5);
const LONG = pcmWav(6);
/** How long /slow.wav holds its answer: longer than the plane's ack timeout, so the plane re-sends. */
const SLOW_MS = 1200;

let t: TestVillage;
let speaker: SimulatedDevice;
let server: Server;
let base: string;
/** Every request the audio server got, and when it answered, in order. */
const log: string[] = [];
const playback: Reading[] = [];

function serve(req: IncomingMessage, res: ServerResponse): void {
  log.push(`${req.method} ${req.url}`);
  const send = (body: Buffer) => {
    log.push(`sent ${req.url}`);
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': body.length }).end(body);
  };
  if (req.url === '/a.wav') send(SHORT);
  else if (req.url === '/long.wav') send(LONG);
  else if (req.url === '/slow.wav') setTimeout(() => send(SHORT), SLOW_MS);
  else if (req.url === '/text.wav') send(Buffer.from('đây không phải là âm thanh\n'.repeat(20)));
  else res.writeHead(404).end('not found');
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  t = await startTestVillage({ options: { commands: { ackTimeoutMs: 300, maxAttempts: 10 } } });
  t.village.bus.on('deviceEvent', (e) => e.deviceId === ID && playback.push(e));
  const site = t.village.site.config.site;
  const env = new SiteEnvironment({ lat: site.lat, lon: site.lon, seed: 3 });
  speaker = new SimulatedDevice({
    site: { id: site.id, lat: site.lat, lon: site.lon, tz: site.tz },
    device: { id: ID, type: 'loudspeaker', attributes: {} },
    secret: t.secrets[ID]!,
    brokerUrl: t.mqttUrl,
    clock: new SimClock({ speed: 1 }),
    rng: new SeededRng(7),
    env: (now) => env.at(now),
    keepaliveS: 1,
    stepEveryMs: 100,
    reconnectPeriodMs: 200,
  });
  speaker.start();
  await until(() => t.village.live.snapshot(ID)?.availability === 'online', 'speaker online');
}, 60_000);

afterAll(async () => {
  await speaker?.stop();
  await t?.stop();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

const state = () => speaker.simState as SpeakerState;
const events = (broadcastId: string) => playback.filter((e) => e.values.broadcastId === broadcastId).map((e) => e.values.event);
const idle = () => until(() => !state().playing, 'speaker idle');

async function play(broadcastId: string, path: string, priority = 'normal') {
  const c = await t.village.commands.send({
    deviceId: ID,
    action: 'play',
    params: { broadcastId, audioUrl: path.startsWith('http') ? path : `${base}${path}`, priority },
    issuer: 'test',
  });
  return t.village.commands.settled(c.id);
}

describe('a simulated speaker fetches its audio', () => {
  it('downloads the file, plays it for its length, then reports it finished', async () => {
    const r = await play('ban-tin-1', '/a.wav');
    expect(r).toMatchObject({ status: 'applied' });
    expect(log.filter((l) => l === 'GET /a.wav')).toHaveLength(1);
    expect(state().audioBytes).toBe(SHORT.length);
    expect(state().audioDurationS).toBeCloseTo(1.5, 3);
    await until(() => events('ban-tin-1').includes('finished'), 'finished', 10_000);
    expect(events('ban-tin-1')).toEqual(['started', 'finished']);
    expect(state().playing).toBe(false);
  });

  it('rejects a play whose audio it cannot get or decode, and stays silent', async () => {
    await idle();
    const missing = await play('ban-tin-404', '/nowhere.wav');
    expect(missing).toMatchObject({ status: 'rejected', reason: 'audio unavailable: HTTP 404' });
    expect(log).toContain('GET /nowhere.wav');

    // A port nobody listens on: the connection is refused.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await play('ban-tin-refused', `http://127.0.0.1:${port}/a.wav`);
    expect(refused.status).toBe('rejected');
    expect(refused.reason).toMatch(/^audio unavailable: .*ECONNREFUSED/);

    const text = await play('ban-tin-text', '/text.wav');
    expect(text.status).toBe('rejected');
    expect(text.reason).toMatch(/^audio unplayable: /);

    expect(playback.filter((e) => String(e.values.broadcastId).startsWith('ban-tin-') && e.values.broadcastId !== 'ban-tin-1')).toEqual([]);
    expect(state().playing).toBe(false);
  });

  it('downloads once however often the plane re-sends while it waits for the ack', async () => {
    await idle();
    const r = await play('ban-tin-cham', '/slow.wav');
    expect(r).toMatchObject({ status: 'applied' });
    // The ack took longer than the plane's ack timeout: it sent the same command again meanwhile.
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(log.filter((l) => l === 'GET /slow.wav')).toHaveLength(1);
    await until(() => events('ban-tin-cham').includes('finished'), 'finished', 10_000);
    expect(events('ban-tin-cham')).toEqual(['started', 'finished']);
  });

  it('starts an emergency while a bulletin is still downloading; the bulletin then finds the speaker busy', async () => {
    await idle();
    const mark = log.length;
    const normal = play('ban-tin-thuong', '/slow.wav');
    await until(() => log.slice(mark).includes('GET /slow.wav'), 'the slow download started');
    const emergency = await play('bao-khan', '/long.wav', 'emergency');
    expect(emergency.status).toBe('applied');
    // The emergency was on air before the bulletin's audio had even arrived.
    expect(log.slice(mark)).not.toContain('sent /slow.wav');
    expect(state()).toMatchObject({ playing: true, broadcastId: 'bao-khan', audioDurationS: 6 });
    expect(await normal).toMatchObject({ status: 'rejected', reason: 'busy' });
    expect(log.slice(mark)).toContain('sent /slow.wav');
    expect(events('ban-tin-thuong')).toEqual([]);
    expect(events('bao-khan')).toEqual(['started']);
    // Stopped here, not left to run out: the test has seen what it needs.
    const stop = await t.village.commands.send({ deviceId: ID, action: 'stop', params: { broadcastId: 'bao-khan' }, issuer: 'test' });
    expect((await t.village.commands.settled(stop.id)).status).toBe('applied');
    await until(() => events('bao-khan').includes('finished'), 'emergency stopped');
  });
});
