// Rain and ET0 of the last 24 h from weather stations' backlogs on a real InfluxDB, with the
// window taken from a given clock, not from the database's now().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../devices/local-time.js';
import { hargreavesEt0, WeatherService } from '../../controller/irrigation/weather.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const H = 3600_000;
let t: TestVillage;
let weather: WeatherService;
// Whole minutes in the past, so no reading is "in the future" for ingest.
const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);

beforeAll(async () => {
  const site = testSite();
  site.devices.push({ id: 'weather-02', type: 'weather-station', name: 'Trạm 2', hamlet: 'thon-b', attributes: {} });
  t = await startTestVillage({ site });
  weather = new WeatherService({ storage: t.village.storage, site: t.village.site });

  const reading = (k: number, airTempC: number, rainMm: number) => ({ ts: now.getTime() - k * H, airTempC, airHumidityPct: 80, rainMm, windMs: 1 });
  // Station 1: hourly over the whole window (k = 0 is `now` itself, included), 0.5 mm in each of 8 hours.
  const s1 = Array.from({ length: 24 }, (_, k) => reading(k, 18 + (k % 12), k >= 1 && k <= 8 ? 0.5 : 0));
  // Outside the window: exactly 24 h ago (the window is open there) and older; none may count.
  s1.push(reading(24, 45, 100), reading(25, -5, 50), reading(30, 40, 50));
  // Station 2: only the last 6 hours, 1 mm each.
  const s2 = Array.from({ length: 6 }, (_, k) => reading(k, 19 + k, 1));
  for (const [id, backlog] of [['weather-01', s1], ['weather-02', s2]] as const) {
    const c = await t.connectDevice(id);
    await c.publishAsync(`village/xa-thu/${id}/telemetry`, JSON.stringify(backlog), { qos: 1 });
    await c.endAsync();
  }
  await until(async () => {
    await t.village.storage.flush();
    const rows = await t.village.storage.influx.query<{ n: number }>(`SELECT count("airTempC") AS n FROM "village_2y"."weather"`);
    return rows[0]?.n === s1.length + s2.length;
  }, 'weather backlogs stored');
});
afterAll(async () => {
  await t?.stop();
});

describe('WeatherService', () => {
  it('sums rain per station over (now − 24 h, now] and averages over the stations that reported', async () => {
    const rain = await weather.rainLast24h(now);
    expect(rain?.stations).toBe(2);
    expect(rain?.mm).toBeCloseTo((4 + 6) / 2, 6);
    // An earlier window sees only station 1's old reading 30 h ago.
    expect(await weather.rainLast24h(new Date(now.getTime() - 26 * H))).toEqual({ mm: 50, stations: 1 });
  });

  it('is undefined for a window no station reported in', async () => {
    const tenDaysAgo = new Date(now.getTime() - 240 * H);
    expect(await weather.rainLast24h(tenDaysAgo)).toBeUndefined();
    expect(await weather.et0Last24h(tenDaysAgo)).toBeUndefined();
  });

  it('computes ET0 from the temperature range over all stations in the window', async () => {
    const et0 = await weather.et0Last24h(now);
    expect(et0).toBeDefined();
    expect(et0!.samples).toBe(30);
    expect(et0!.tMinC).toBe(18);
    expect(et0!.tMaxC).toBe(29);
    const temps = [...Array.from({ length: 24 }, (_, k) => 18 + (k % 12)), ...Array.from({ length: 6 }, (_, k) => 19 + k)];
    expect(et0!.tMeanC).toBeCloseTo(temps.reduce((a, b) => a + b, 0) / temps.length, 6);
    // Ra for the local date that holds the middle of the window, at the site's latitude.
    const mid = localDate(new Date(now.getTime() - 12 * H), 'Asia/Ho_Chi_Minh');
    const dayOfYear = (Date.UTC(mid.year, mid.month - 1, mid.day) - Date.UTC(mid.year, 0, 1)) / (24 * H) + 1;
    expect(et0!.et0Mm).toBeCloseTo(hargreavesEt0({ tMinC: 18, tMaxC: 29, latDeg: 21.03, dayOfYear }), 6);
    // Hanoi's latitude, an 11 °C range: a few mm a day whatever the season.
    expect(et0!.et0Mm).toBeGreaterThan(2);
    expect(et0!.et0Mm).toBeLessThan(7);
  });

  it('is undefined with too few temperature samples', async () => {
    // (now − 50 h, now − 26 h] holds one reading.
    expect(await weather.et0Last24h(new Date(now.getTime() - 26 * H))).toBeUndefined();
  });
});
