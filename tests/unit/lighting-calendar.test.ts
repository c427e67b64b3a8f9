import { describe, expect, it } from 'vitest';
import { levelAt, stepInstant, type ProfileStep } from '../../devices/sim/profile.js';
import { programForNight, ruleMatches } from '../../controller/lighting/calendar.js';
import { LightCalendar } from '../../controller/lighting/schema.js';

// Thanh Hóa city
const LAT = 19.8067;
const LON = 105.7852;
const TZ = 'Asia/Ho_Chi_Minh';

/**
 * Sunset by NOAA's solar equations (the General Solar Position calculations), written here apart
 * from suncalc as an independent check of the instants the programs use.
 */
function noaaSunsetUtcMin(year: number, month: number, day: number, lat: number, lon: number): number {
  const doy = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 0)) / 86_400_000;
  const g = ((2 * Math.PI) / 365) * (doy - 1 + (18 - 12) / 24);
  const eqtime = 229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const decl = 0.006918 - 0.399912 * Math.cos(g) + 0.070257 * Math.sin(g) - 0.006758 * Math.cos(2 * g) + 0.000907 * Math.sin(2 * g) - 0.002697 * Math.cos(3 * g) + 0.00148 * Math.sin(3 * g);
  const rad = (x: number) => (x * Math.PI) / 180;
  const ha = Math.acos(Math.cos(rad(90.833)) / (Math.cos(rad(lat)) * Math.cos(decl)) - Math.tan(rad(lat)) * Math.tan(decl));
  return 720 - 4 * (lon - (ha * 180) / Math.PI) - eqtime;
}

describe('control program at the site', () => {
  const program: ProfileStep[] = [
    { astro: 'sunset', offsetMin: -10, level: 100 },
    { at: '23:00', level: 50 },
    { at: '04:30', level: 80 },
    { astro: 'sunrise', offsetMin: 10, level: 0 },
  ];
  const date = { year: 2026, month: 6, day: 21 };

  it('puts sunset within 2 minutes of an independent (NOAA) computation', () => {
    const sunset = stepInstant({ astro: 'sunset', offsetMin: 0 }, date, LAT, LON, TZ)!;
    const noaa = noaaSunsetUtcMin(2026, 6, 21, LAT, LON);
    const mins = sunset.getUTCHours() * 60 + sunset.getUTCMinutes() + sunset.getUTCSeconds() / 60;
    expect(Math.abs(mins - noaa)).toBeLessThan(2);
    // and it is a June evening in Thanh Hóa: between 18:30 and 18:50 local (UTC+7)
    expect(mins + 420).toBeGreaterThan(18.5 * 60);
    expect(mins + 420).toBeLessThan(18 * 60 + 50);
  });

  it('gives the right level at each step of the night', () => {
    const sunset = stepInstant(program[0]!, date, LAT, LON, TZ)!.getTime();
    const at = (ms: number) => levelAt(program, LAT, LON, TZ, new Date(ms));
    const local = (h: number, m: number, dayOffset = 0) => Date.UTC(2026, 5, 21 + dayOffset, h - 7, m);
    expect(at(sunset - 60_000)).toBe(0); // afternoon: still the morning's 0
    expect(at(sunset + 60_000)).toBe(100);
    expect(at(local(22, 59))).toBe(100);
    expect(at(local(23, 1))).toBe(50);
    expect(at(local(4, 29, 1))).toBe(50);
    expect(at(local(4, 31, 1))).toBe(80);
    const sunrise = stepInstant(program[3]!, { year: 2026, month: 6, day: 22 }, LAT, LON, TZ)!.getTime();
    expect(at(sunrise - 60_000)).toBe(80);
    expect(at(sunrise + 60_000)).toBe(0);
  });
});

describe('calendar', () => {
  const cal = LightCalendar.parse({
    rules: [
      { kind: 'lunar', month: 1, day: 1, days: 3, program: 'tet' },
      { kind: 'dates', from: '09-01', to: '09-02', program: 'le' },
      { kind: 'weekdays', days: [6, 7], program: 'cuoi-tuan' },
    ],
    default: 'thuong',
  });

  it('lets a festival rule beat the default and the weekend', () => {
    expect(programForNight(cal, { year: 2026, month: 2, day: 17 })).toBe('tet'); // Tết Bính Ngọ, a Tuesday
    expect(programForNight(cal, { year: 2026, month: 2, day: 19 })).toBe('tet'); // the third day
    expect(programForNight(cal, { year: 2026, month: 2, day: 20 })).toBe('thuong'); // a Friday after Tết
    expect(programForNight(cal, { year: 2026, month: 2, day: 21 })).toBe('cuoi-tuan'); // Saturday
    expect(programForNight(cal, { year: 2026, month: 9, day: 2 })).toBe('le'); // National Day, a Wednesday
    expect(programForNight(cal, { year: 2026, month: 11, day: 24 })).toBe('thuong');
  });

  it('handles date ranges across the year end, and one-off dates', () => {
    const wrap = { kind: 'dates' as const, from: '12-30', to: '01-02', program: 'x' };
    expect(ruleMatches(wrap, { year: 2026, month: 12, day: 31 })).toBe(true);
    expect(ruleMatches(wrap, { year: 2027, month: 1, day: 2 })).toBe(true);
    expect(ruleMatches(wrap, { year: 2027, month: 1, day: 3 })).toBe(false);
    const once = { kind: 'dates' as const, from: '2026-11-20', to: '2026-11-22', program: 'x' };
    expect(ruleMatches(once, { year: 2026, month: 11, day: 21 })).toBe(true);
    expect(ruleMatches(once, { year: 2027, month: 11, day: 21 })).toBe(false);
  });
});

describe('calendar validation', () => {
  it('refuses dates that do not exist, and accepts 29 February', () => {
    // The messages of whatever is wrong, so a refusal cannot pass for another reason.
    const cal = (from: string, to: string) => {
      const r = LightCalendar.safeParse({ rules: [{ kind: 'dates', from, to, program: 'le' }], default: 'le' });
      return r.success ? 'ok' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(cal('13-32', '13-32')).toBe('rules.0.from: no such date; rules.0.to: no such date');
    expect(cal('02-30', '03-01')).toBe('rules.0.from: no such date');
    expect(cal('2026-02-29', '2026-03-01')).toBe('rules.0.from: no such date');
    expect(cal('02-29', '03-01')).toBe('ok');
    expect(cal('2028-02-29', '2028-03-01')).toBe('ok');
  });
});
