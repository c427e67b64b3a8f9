// A light's energy for one night on a real InfluxDB: light-01 (rated 60 W) sends a scripted backlog
// of meter readings for the night of 2026-11-01 in Asia/Ho_Chi_Minh (UTC+7), as a 60 W lamp at full
// from 18:00 to 23:00 and at half from 23:00 to 05:00, with a meter reset in the middle.
import { escape } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteStore } from '../../controller/config/site.js';
import { LightEnergy } from '../../controller/lighting/energy.js';
import { GroupHistoryReader } from '../../controller/lighting/group-history.js';
import { DRIVER_LOSS } from '../../devices/sim/street-light.js';
import type { ProfileStep } from '../../devices/sim/profile.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const NIGHT = '2026-11-01';
const PROGRAM: ProfileStep[] = [
  { at: '18:00', level: 100 },
  { at: '23:00', level: 50 },
  { at: '05:00', level: 0 },
];
/** Local time on 2026-11-01 (day 0) or 2026-11-02 (day 1) in UTC+7. */
const at = (day: 0 | 1, hh: number, mm = 0) => Date.UTC(2026, 10, 1 + day, hh - 7, mm);

// By hand: at 100 % the lamp draws 60 × (1 + 0.04) = 62.4 W, so 0.0624 kWh an hour, for 5 h = 0.312;
// at 50 % it draws 60 × (0.5 + 0.04) = 32.4 W, 0.0324 kWh an hour, for 6 h = 0.1944. Night: 0.5064 kWh.
// The full-power baseline is 60 W for the program's 11 h on = 0.66 kWh; saved 0.1536 kWh = 23.2727… %.
const KWH = 0.5064;
const BASELINE = 0.66;

/** The meter through the night: 250.0 kWh until dusk, replaced by a new meter (from 0) at 01:00. */
function backlog(): { ts: number; powerW: number; energyKwh: number; lampStatus: string }[] {
  const r = (ts: number, powerW: number, energyKwh: number) => ({ ts, powerW, energyKwh: Math.round(energyKwh * 1e4) / 1e4, lampStatus: 'ok' });
  const out = [r(at(0, 9), 0, 249.9), r(at(0, 11), 0, 250)]; // before the window: 11:00 is the baseline
  out.push(r(at(0, 15), 0, 250), r(at(0, 18), 62.4, 250));
  for (let h = 19; h <= 23; h++) out.push(r(at(0, h), h === 23 ? 32.4 : 62.4, 250 + 0.0624 * (h - 18)));
  out.push(r(at(1, 0), 32.4, 250.312 + 0.0324), r(at(1, 1), 32.4, 250.312 + 0.0648));
  // 01:00 → the new meter starts at 0: the reading at 02:00 is the hour since.
  for (let h = 2; h <= 5; h++) out.push(r(at(1, h), h === 5 ? 0 : 32.4, 0.0324 * (h - 1)));
  out.push(r(at(1, 8), 0, 0.1296), r(at(1, 12), 0, 0.1296)); // 12:00 closes the window
  out.push(r(at(1, 20), 62.4, 0.2)); // the next night: not counted
  return out;
}

let t: TestVillage;
let energy: LightEnergy;

beforeAll(async () => {
  t = await startTestVillage();
  energy = new LightEnergy({ storage: t.village.storage, site: t.village.site });
  const readings = backlog();
  const c = await t.connectDevice('light-01');
  await c.publishAsync('village/xa-thu/light-01/telemetry', JSON.stringify(readings), { qos: 1 });
  await c.endAsync();
  await until(async () => {
    await t.village.storage.flush();
    const rows = await t.village.storage.influx.query<{ n: number }>(`SELECT count("energyKwh") AS n FROM "village_2y"."light"`);
    return rows[0]?.n === readings.length;
  }, 'light backlog stored');
});
afterAll(async () => {
  await t?.stop();
});

describe('LightEnergy', () => {
  it('agrees with the device model for the hand-computed draw', () => {
    expect(60 * (1 + DRIVER_LOSS)).toBeCloseTo(62.4, 9);
    expect(60 * (0.5 + DRIVER_LOSS)).toBeCloseTo(32.4, 9);
  });

  it('measures the night’s energy through a meter reset and compares it with the full-power baseline', async () => {
    const r = await energy.night('light-01', NIGHT, PROGRAM);
    expect(r).toMatchObject({ deviceId: 'light-01', night: NIGHT, onHours: 11 });
    expect(r.kwh).toBeCloseTo(KWH, 6);
    expect(r.baselineKwh).toBeCloseTo(BASELINE, 9);
    expect(r.savedKwh).toBeCloseTo(0.1536, 6);
    expect(r.savedPct).toBeCloseTo((100 * 0.1536) / 0.66, 4); // 23.2727 %
  });

  it('counts nothing for a night with no readings, and reports no saving against no baseline', async () => {
    const r = await energy.night('light-01', '2026-10-20', [{ at: '00:00', level: 0 }]);
    expect(r).toEqual({ deviceId: 'light-01', night: '2026-10-20', kwh: 0, baselineKwh: 0, savedKwh: 0, savedPct: 0, onHours: 0 });
  });

  it('sums a group and takes its saving from the sums', async () => {
    // The test site has one light: listed twice, it stands in for a group of two.
    const g = await energy.group(['light-01', 'light-01'], NIGHT, () => PROGRAM);
    expect(g.kwh).toBeCloseTo(2 * KWH, 6);
    expect(g.baselineKwh).toBeCloseTo(2 * BASELINE, 9);
    expect(g.savedPct).toBeCloseTo((100 * 0.1536) / 0.66, 4);
    expect(g.onHours).toBe(22);
    expect(g.lights).toHaveLength(2);
  });

  it('refuses a device that is not a metered light', async () => {
    await expect(energy.night('valve-01', NIGHT, PROGRAM)).rejects.toThrow(/valve-01 is not a metered light/);
    await expect(energy.night('nope', NIGHT, PROGRAM)).rejects.toThrow(/nope is not a metered light/);
  });

  it('stores the night as a point stamped at the start of its window', async () => {
    const r = await energy.night('light-01', NIGHT, PROGRAM);
    await energy.store(r);
    const rows = await t.village.storage.influx.query<Record<string, unknown>>(
      `SELECT * FROM "village_2y"."light_energy" WHERE "device" = ${escape.stringLit('light-01')}`,
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect((row.time as Date).toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(row).toMatchObject({ site: 'xa-thu', device: 'light-01', night: NIGHT, onHours: 11 });
    expect(row.kwh as number).toBeCloseTo(KWH, 6);
    expect(row.baselineKwh as number).toBeCloseTo(BASELINE, 9);
    expect(row.savedKwh as number).toBeCloseTo(0.1536, 6);
    expect(row.savedPct as number).toBeCloseTo((100 * 0.1536) / 0.66, 4);
  });

  it("charts the night's power of a group's light, bucket by bucket", async () => {
    // The test site has no light group: the reader gets one over the same site (a config, not a service).
    const site = { config: { ...t.village.site.config, lightGroups: [{ id: 'nhom', name: 'Nhóm', devices: ['light-01'] }] } } as SiteStore;
    const h = await new GroupHistoryReader({ storage: t.village.storage, site }).read('nhom', at(0, 12), at(1, 12), 24);
    expect(h.stepMs).toBe(3600_000);
    const l = h.lights[0]!;
    const hourOf = (ms: number) => (new Date(ms).getUTCHours() + 7) % 24;
    const mean = (hh: number) => l.mean[l.t.findIndex((x) => hourOf(x) === hh)];
    expect(mean(20)).toBeCloseTo(62.4, 6);
    expect(mean(2)).toBeCloseTo(32.4, 6);
    expect(mean(15)).toBe(0);
    expect(mean(13)).toBeNull(); // no reading in that hour
    // One night in range, from the site's sunset (about 17:15 in early November) to sunrise (about 06:00).
    const minuteOf = (ms: number) => (new Date(ms).getUTCHours() * 60 + new Date(ms).getUTCMinutes() + 420) % 1440;
    expect(h.nights).toHaveLength(1);
    expect(minuteOf(h.nights[0]!.from)).toBeGreaterThan(17 * 60);
    expect(minuteOf(h.nights[0]!.from)).toBeLessThan(17 * 60 + 30);
    expect(minuteOf(h.nights[0]!.to)).toBeGreaterThan(5 * 60 + 45);
    expect(minuteOf(h.nights[0]!.to)).toBeLessThan(6 * 60 + 15);
  });
});
