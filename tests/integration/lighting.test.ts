// Street lighting on real parts: simulated lights over MQTT, the embedded broker, a real InfluxDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTimes } from 'suncalc';
import type { GroupHistory } from '../../controller/api/contract/lighting.js';
import { localParts } from '../../devices/local-time.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { lightingSite } from '../helpers/lighting-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let fleet: SimFleet;
const TZ = 'Asia/Ho_Chi_Minh';
const api = async (method: string, path: string, body?: unknown) => {
  // An operator, signed in: programs, calendars and overrides are lighting.control.
  const r = await (await t.as('operator')).fetch(path, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: r.status, body: r.status === 204 ? null : ((await r.json()) as Record<string, unknown> & unknown[]) };
};
const level = (id: string) => fleet.device(id)!.reported() as { level: number; mode: string } | undefined;
const hhmm = (ms: number) => {
  const p = localParts(new Date(ms), TZ);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

function startFleet(speed = 1) {
  const site = lightingSite();
  site.devices = site.devices.filter((d) => d.type === 'street-light');
  fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 4, speed, stepEveryMs: 200, reconnectPeriodMs: 200 });
  fleet.start();
}

beforeAll(async () => {
  t = await startTestVillage({ site: lightingSite(), options: { lighting: { tickMs: 200 } } });
  startFleet();
  await until(() => ['light-01', 'light-02', 'light-03'].every((v) => t.village.live.snapshot(v)?.availability === 'online'), 'lights online');
});
afterAll(async () => {
  await fleet?.stop();
  await t?.stop();
});

describe('programs and calendars', () => {
  it("pushes tonight's program to each light as its fallback, and the light runs it", async () => {
    const now = Date.now();
    // A program whose level now is 37: its last step passed a minute ago.
    const steps = [
      { at: hhmm(now - 60_000), level: 37 },
      { at: hhmm(now + 6 * 3600_000), level: 0 },
    ];
    expect((await api('PUT', '/api/lighting/programs/thu-nghiem', { name: 'Thử nghiệm', steps })).status).toBe(200);
    expect((await api('PUT', '/api/lighting/programs/le-hoi', { name: 'Lễ hội', steps: [{ at: hhmm(now - 60_000), level: 100 }] })).status).toBe(200);
    const cal = await api('PUT', '/api/lighting/groups/duong-lang/calendar', { rules: [], default: 'thu-nghiem' });
    expect(cal.status).toBe(200);
    await until(() => ['light-01', 'light-02', 'light-03'].every((id) => level(id)?.level === 37 && level(id)?.mode === 'program'), 'lights at 37 on their program');
    const groups = (await api('GET', '/api/lighting/groups')).body as unknown as { id: string; tonight: { program: string; steps: { level: number }[] } | null }[];
    expect(groups.find((g) => g.id === 'duong-lang')!.tonight!.program).toBe('thu-nghiem');
  });

  it('lets a festival date rule beat the default', async () => {
    // The night is named by the date of its evening: before noon it is yesterday's night.
    const n = t.village.lighting.nightOf(Date.now());
    const nightOf = `${n.year}-${String(n.month).padStart(2, '0')}-${String(n.day).padStart(2, '0')}`;
    await api('PUT', '/api/lighting/groups/duong-lang/calendar', { rules: [{ kind: 'dates', from: nightOf, to: nightOf, program: 'le-hoi' }], default: 'thu-nghiem' });
    await until(() => ['light-01', 'light-02', 'light-03'].every((id) => level(id)?.level === 100), 'festival program at full');
    await api('PUT', '/api/lighting/groups/duong-lang/calendar', { rules: [], default: 'thu-nghiem' });
    await until(() => level('light-01')?.level === 37, 'back to the default');
  });

  it('refuses a calendar naming an unknown program, and a bad step', async () => {
    expect((await api('PUT', '/api/lighting/groups/duong-lang/calendar', { rules: [], default: 'khong-co' })).status).toBe(400);
    expect((await api('PUT', '/api/lighting/programs/sai', { name: 'Sai', steps: [{ at: '25:00', level: 50 }] })).status).toBe(400);
    expect((await api('PUT', '/api/lighting/groups/khong-co/calendar', { rules: [], default: 'thu-nghiem' })).status).toBe(404);
  });
});

// Before the overrides: their restart leaves the signed-in client on the old port.
describe('group chart', () => {
  it("gives each light's power on one bucket grid, and the nights from the site's sunset to sunrise", async () => {
    const to = Date.now();
    const from = to - 3 * 86_400_000;
    await t.village.storage.flush();
    const r = await api('GET', `/api/lighting/groups/duong-lang/history?from=${from}&to=${to}&points=300`);
    expect(r.status).toBe(200);
    const h = r.body as unknown as GroupHistory;
    expect(h.lights.map((l) => l.device)).toEqual(['light-01', 'light-02', 'light-03']);
    expect(h.unit).toBe('W');
    // One grid for all (the values themselves: tests/integration/lighting-energy.test.ts).
    for (const l of h.lights) {
      expect(l.t).toEqual(h.lights[0]!.t);
      expect(l.mean).toHaveLength(l.t.length);
    }
    expect(h.lights[0]!.t.length).toBeGreaterThanOrEqual(299);
    // The nights are suncalc's sunset to the next sunrise at the site, clipped to the range.
    const expected: { from: number; to: number }[] = [];
    for (let d = -1; d <= 3; d++) {
      const day = localParts(new Date(from + d * 86_400_000), TZ);
      const noon = (dd: number) => new Date(Date.UTC(day.year, day.month - 1, day.day + dd, 5)); // 12:00 at UTC+7
      const dusk = getTimes(noon(0), 21.03, 105.75).sunset!.getTime();
      const dawn = getTimes(noon(1), 21.03, 105.75).sunrise!.getTime();
      if (dawn > from && dusk < to) expected.push({ from: Math.max(from, dusk), to: Math.min(to, dawn) });
    }
    expect(h.nights.length).toBe(expected.length);
    h.nights.forEach((n, i) => {
      expect(Math.abs(n.from - expected[i]!.from)).toBeLessThan(1000);
      expect(Math.abs(n.to - expected[i]!.to)).toBeLessThan(1000);
    });
    expect((await api('GET', `/api/lighting/groups/khong-co/history?from=${from}&to=${to}`)).status).toBe(404);
    expect((await api('GET', `/api/lighting/groups/duong-lang/history?from=${to}&to=${from}`)).status).toBe(400);
  });
});

describe('overrides', () => {
  it('makes the latest override win, whether on a group or a light', async () => {
    expect((await api('POST', '/api/lighting/overrides', { group: 'duong-lang', level: 30 })).status).toBe(201);
    await until(() => ['light-01', 'light-02', 'light-03'].every((id) => level(id)?.level === 30 && level(id)?.mode === 'override'), 'group at 30');
    await api('POST', '/api/lighting/overrides', { device: 'light-02', level: 70 });
    await until(() => level('light-02')?.level === 70, 'light-02 at 70');
    expect(level('light-01')?.level).toBe(30);
    await api('POST', '/api/lighting/overrides', { group: 'thon-b-den', level: 20 });
    await until(() => level('light-02')?.level === 20 && level('light-03')?.level === 20, 'the later group override wins');
    expect(level('light-01')?.level).toBe(30);
    // resume: back to the program everywhere on the road
    await api('POST', '/api/lighting/overrides', { group: 'duong-lang', level: null });
    await until(() => level('light-01')?.mode === 'program' && level('light-01')?.level === 37, 'light-01 back on program');
    expect((await api('POST', '/api/lighting/overrides', { group: 'duong-lang', device: 'light-01', level: 5 })).status).toBe(400);
  });

  it('returns to the program by itself when an override with an end runs out', async () => {
    const until2s = new Date(Date.now() + 2000).toISOString();
    await api('POST', '/api/lighting/overrides', { device: 'light-01', level: 90, untilIso: until2s });
    await until(() => level('light-01')?.level === 90, 'at 90');
    await until(() => level('light-01')?.mode === 'program' && level('light-01')?.level === 37, 'back on program by itself', 10_000);
  });

  it('keeps overrides across a restart and sends them again', async () => {
    await api('POST', '/api/lighting/overrides', { device: 'light-03', level: 55 });
    await until(() => level('light-03')?.level === 55, 'at 55');
    await fleet.stop(); // the lights reboot too: they come back on their program
    await t.restart();
    startFleet();
    await until(() => t.village.live.snapshot('light-03')?.availability === 'online', 'back online');
    const list = (await api('GET', '/api/lighting/overrides')).body as unknown as { target: { device?: string }; level: number }[];
    expect(list.some((o) => o.target.device === 'light-03' && o.level === 55)).toBe(true);
    await until(() => level('light-03')?.level === 55 && level('light-03')?.mode === 'override', 'override sent again after restart');
  });
});

describe('energy', () => {
  it('answers a night per light and group against the full-power baseline, and stores each light', async () => {
    const r = await api('GET', '/api/lighting/energy?night=2026-11-20');
    expect(r.status).toBe(200);
    const body = r.body as unknown as { night: string; groups: { id: string; baselineKwh: number }[]; lights: { deviceId: string; baselineKwh: number; onHours: number }[] };
    expect(body.groups.map((g) => g.id)).toEqual(['duong-lang', 'thon-b-den']);
    expect(body.lights.map((l) => l.deviceId).sort()).toEqual(['light-01', 'light-02', 'light-03']);
    // light-03 is rated 80 W: its baseline is 80 W for every hour its program is on
    const l3 = body.lights.find((l) => l.deviceId === 'light-03')!;
    expect(l3.baselineKwh).toBeCloseTo((80 * l3.onHours) / 1000, 6);
    await t.village.storage.flush();
    const rows = await t.village.storage.influx.query<{ device: string }>(`SELECT * FROM "village_2y"."light_energy" WHERE "night" = '2026-11-20'`);
    expect(rows.map((x) => x.device).sort()).toEqual(['light-01', 'light-02', 'light-03']);
    expect((await api('GET', '/api/lighting/energy?night=2026-13-45')).status).toBe(400);
  });
});

describe('offline fallback', () => {
  it('a light that loses the controller still switches by its fallback profile', async () => {
    await api('POST', '/api/lighting/overrides', { group: 'duong-lang', level: null });
    await api('POST', '/api/lighting/overrides', { group: 'thon-b-den', level: null });
    const now = Date.now();
    await api('PUT', '/api/lighting/programs/thu-nghiem', { name: 'Thử nghiệm', steps: [{ at: hhmm(now - 60_000), level: 37 }, { at: hhmm(now + 3 * 60_000), level: 64 }] });
    // Lights whose own clocks run 30x: the 64 % step comes ~6 s from now by their time.
    await fleet.stop();
    startFleet(30);
    await until(() => level('light-01')?.level === 37 && JSON.stringify(fleet.device('light-01')!.currentConfig).includes('64'), 'on the program, with its profile');
    await t.village.stop(); // the controller is gone
    await until(() => level('light-01')?.level === 64, 'switched by its own profile', 20_000);
    expect(fleet.device('light-01')!.connected).toBe(false);
    expect(level('light-01')?.mode).toBe('program');
  });
});
