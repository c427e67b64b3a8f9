// A commune for radio tests: three hamlets, a river group of two, four loudspeaker clusters, and
// simulated speakers (real MQTT, real HTTP audio fetches) started against a test village.
import { SiteConfig } from '../../controller/config/site.js';
import { SimClock } from '../../firmware-sim/clock.js';
import { SimulatedDevice } from '../../firmware-sim/device.js';
import { SiteEnvironment } from '../../firmware-sim/environment.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import type { TestVillage } from './village.js';

export const CLUSTERS = ['loa-dong-1', 'loa-doai-1', 'loa-doai-2', 'loa-trung-1'] as const;

export function radioSite(): SiteConfig {
  return SiteConfig.parse({
    site: { id: 'xa-thu', name: 'Xã Thử', lat: 19.8, lon: 105.77, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: [
      { id: 'thon-dong', name: 'Thôn Đông' },
      { id: 'thon-doai', name: 'Thôn Đoài' },
      { id: 'thon-trung', name: 'Thôn Trung' },
    ],
    hamletGroups: [{ id: 'ven-song', name: 'Các thôn ven sông', hamlets: ['thon-dong', 'thon-doai'] }],
    devices: [
      { id: 'loa-dong-1', type: 'loudspeaker', name: 'Cụm loa Thôn Đông', hamlet: 'thon-dong', attributes: {} },
      { id: 'loa-doai-1', type: 'loudspeaker', name: 'Cụm loa Đoài 1', hamlet: 'thon-doai', attributes: {} },
      { id: 'loa-doai-2', type: 'loudspeaker', name: 'Cụm loa Đoài 2', hamlet: 'thon-doai', attributes: {} },
      { id: 'loa-trung-1', type: 'loudspeaker', name: 'Cụm loa Thôn Trung', hamlet: 'thon-trung', attributes: {} },
    ],
  });
}

/** Starts simulated speakers for the given clusters; they run on real time, as the audio does. */
export function startSpeakers(t: TestVillage, ids: readonly string[]): Map<string, SimulatedDevice> {
  const site = t.village.site.config.site;
  const env = new SiteEnvironment({ lat: site.lat, lon: site.lon, seed: 5 });
  const out = new Map<string, SimulatedDevice>();
  ids.forEach((id, i) => {
    const d = t.village.site.device(id)!;
    const sim = new SimulatedDevice({
      site: { id: site.id, lat: site.lat, lon: site.lon, tz: site.tz },
      device: { id, type: d.type, attributes: d.attributes },
      secret: t.secrets[id]!,
      brokerUrl: t.mqttUrl,
      clock: new SimClock({ speed: 1 }),
      rng: new SeededRng(100 + i),
      env: (now) => env.at(now),
      keepaliveS: 1,
      stepEveryMs: 100,
      reconnectPeriodMs: 200,
    });
    sim.start();
    out.set(id, sim);
  });
  return out;
}

/**
 * A client of the village's HTTP API acting as a given user: a real user of that role, signed in
 * on first use (t.as), so tests can make one before the village has it.
 */
export function radioApi(t: TestVillage, user: string, role: 'operator' | 'official' | 'admin') {
  const call = async (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown) => {
    const c = await t.as(user, role);
    const r = method === 'get' || method === 'delete' ? await c[method](path) : await c[method](path, body);
    return { status: r.status, body: r.body as any };
  };
  return {
    get: (path: string) => call('get', path),
    post: (path: string, body: unknown = {}) => call('post', path, body),
    put: (path: string, body: unknown) => call('put', path, body),
    patch: (path: string, body: unknown) => call('patch', path, body),
    /** A raw request with the user's session (multipart uploads, CSV). */
    fetch: async (path: string, init?: RequestInit) => (await t.as(user, role)).fetch(path, init),
  };
}
