// Street lighting's indicators.
import { escape } from 'influx';
import { deviceType } from '../../../devices/index.js';
import { localDate } from '../../../devices/local-time.js';
import { desiredConfig } from '../../config/site.js';
import { nightWindow } from '../../lighting/energy.js';
import { defineIndicator, type Finding, type IndicatorContext, type IndicatorResult, type Ratio } from '../define.js';
import { countByDevice, devicesWith, readingField, sumByHamlet, within, type SiteDevice } from '../query.js';

const DAY_MS = 86_400_000;

/** Lights the plane heard from in the period's last 24 hours: they are managed remotely. */
export const remotelyManaged = defineIndicator({
  id: 'lighting-remotely-managed',
  name: { vi: 'Đèn đường quản lý từ xa', en: 'Street lights managed remotely' },
  definition: {
    vi: 'Tỉ lệ đèn đường của xã đã gửi số liệu về hệ thống trong 24 giờ cuối của kỳ, tức là đang được theo dõi và điều khiển từ xa.',
    en: 'Share of the commune’s street lights that reported to the plane in the last 24 hours of the period, that is, that are monitored and controlled remotely.',
  },
  numerator: { vi: 'Đèn gửi số liệu trong 24 giờ cuối', en: 'Lights reporting in the last 24 h' },
  denominator: { vi: 'Tổng số đèn đường', en: 'All street lights' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  target: { op: '>=', value: 90 },
  mapsTo: { vi: 'Mô hình thôn thông minh: chiếu sáng tự động', en: 'Smart hamlet model: automatic street lighting' },
  async compute(ctx) {
    const lights = devicesWith(ctx.site, 'luminaire');
    const heard = new Map<string, number>();
    for (const measurement of new Set(lights.map((d) => readingField(d).measurement))) {
      const field = readingField(lights.find((d) => readingField(d).measurement === measurement)!).field;
      for (const [id, n] of await countByDevice(ctx, { measurement, field, from: new Date(ctx.to.getTime() - DAY_MS) })) heard.set(id, n);
    }
    const silent = lights.filter((d) => !heard.get(d.id));
    return {
      ...sumByHamlet(ctx.site, lights, (d) => d.hamlet, (d) => ({ numerator: heard.get(d.id) ? 1 : 0, denominator: 1 })),
      findings: silent.map((d) => ({ hamlet: d.hamlet, device: d.id, code: 'light-not-heard' })),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// What the plane stores that the figures below are made of:
// - `light_energy` (controller/lighting/energy.ts): one point per light and night, written when the
//   night is over (12:00 to 12:00 local, stamped at its 12:00 start), tags site and device, fields
//   night, kwh (the meter's increase), baselineKwh (rated power × the program's on-hours), savedKwh
//   (baseline − kwh), savedPct and onHours (the hours the light's program had it at a level above
//   0). Only lights in a light group get one. A night belongs to the month its evening is in.
// - the lights' readings (powerW every reportEveryS); the dim level is state and is not stored.
// - `alert` (controller/alerts.ts): a start and an end point per alert, tag state, fields key
//   (`light.lampFailure.<device>` for a dead lamp, controller/lighting/failures.ts), code, message.

/** Below this share of its rated power a lamp is dark: the LampMonitor's default (failures.ts). */
const DARK_SHARE = 0.05;
const LAMP_FAILURE = 'light-lamp-failure';
const LAMP_FAILURE_KEY = 'light.lampFailure.';
/** How far back a failure ended in the period may have started. */
const REPAIR_LOOKBACK_MS = 366 * DAY_MS;
const HOUR_MS = 3_600_000;

const rpm = (ctx: IndicatorContext, measurement: string) => `${escape.quoted(ctx.rp)}.${escape.quoted(measurement)}`;
const dayKey = (d: { year: number; month: number; day: number }) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The power above which a light's lamp is lit: a share of its rated power, or any power if it has none. */
function litAboveW(ctx: IndicatorContext, d: SiteDevice): number {
  const rated = desiredConfig(ctx.site, d).ratedPowerW;
  return typeof rated === 'number' ? DARK_SHARE * rated : 0;
}

/** The readings window of the nights whose evenings fall in [from, to): from the first one's 12:00 to the 12:00 after the last. */
function nightsSpan(ctx: IndicatorContext): { from: Date; to: Date } {
  const tz = ctx.site.site.tz;
  return { from: nightWindow(dayKey(localDate(ctx.from, tz)), tz).from, to: nightWindow(dayKey(localDate(ctx.to, tz)), tz).from };
}

/**
 * Each light's stored nights in the period with their scheduled (program on-) hours. These are
 * points, one per light and night, not raw readings: the availability needs them night by night to
 * cap each night's lit hours at its scheduled ones, which InfluxQL cannot join across measurements.
 */
async function scheduledNights(ctx: IndicatorContext): Promise<Map<string, Map<string, number>>> {
  const rows = await ctx.storage.influx.query<{ device: string; night: string; onHours: number }>(
    `SELECT "night", "onHours" FROM ${rpm(ctx, 'light_energy')} WHERE ${within(ctx.from, ctx.to)} GROUP BY "device"`,
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) if (typeof r.onHours === 'number') (out.get(r.device) ?? out.set(r.device, new Map()).get(r.device)!).set(r.night, r.onHours);
  return out;
}

/**
 * Hours each light was seen lit, night by night, counted in InfluxDB: a reporting interval
 * (GROUP BY time(reportEveryS)) with a reading above the dark threshold counts as that long lit,
 * and the intervals are counted per night (GROUP BY time(1d) from 12:00 local). Lights are queried
 * together where they share a measurement, interval and threshold.
 */
async function litHoursByNight(ctx: IndicatorContext, lights: readonly SiteDevice[]): Promise<Map<string, Map<string, number>>> {
  const tz = ctx.site.site.tz;
  const span = nightsSpan(ctx);
  // Nights start at 12:00 local; a DST shift moves a bucket's edge by an hour around noon, when
  // lights are off, so the offset of the first night serves the whole month.
  const offsetS = Math.round((((span.from.getTime() % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
  const groups = new Map<string, { measurement: string; everyS: number; aboveW: number; ids: string[] }>();
  for (const d of lights) {
    const { measurement } = readingField(d);
    const everyS = deviceType(d.type)!.reportEveryS;
    const aboveW = litAboveW(ctx, d);
    const k = `${measurement}|${everyS}|${aboveW}`;
    (groups.get(k) ?? groups.set(k, { measurement, everyS, aboveW, ids: [] }).get(k)!).ids.push(d.id);
  }
  const out = new Map<string, Map<string, number>>();
  for (const g of groups.values()) {
    const devices = g.ids.map((id) => `"device" = ${escape.stringLit(id)}`).join(' OR ');
    const rows = await ctx.storage.influx.query<{ time: Date; device: string; lit: number }>(
      `SELECT count("n") AS lit FROM (SELECT count("powerW") AS n FROM ${rpm(ctx, g.measurement)} ` +
        `WHERE ${within(span.from, span.to)} AND "powerW" > ${g.aboveW} AND (${devices}) GROUP BY time(${g.everyS}s), "device") ` +
        `WHERE ${within(span.from, span.to)} GROUP BY time(1d, ${offsetS}s), "device" fill(none)`,
    );
    for (const r of rows) {
      // The bucket starts at the night's 12:00 (±1 h across a DST change): its local date is the night.
      const night = dayKey(localDate(new Date(new Date(r.time).getTime() + 2 * HOUR_MS), tz));
      (out.get(r.device) ?? out.set(r.device, new Map()).get(r.device)!).set(night, (r.lit * g.everyS) / 3600);
    }
  }
  return out;
}

/** Lit hours over scheduled hours, each night's lit hours counted up to its scheduled ones. */
export const lampAvailability = defineIndicator({
  id: 'lighting-lamp-availability',
  name: { vi: 'Tỉ lệ giờ đèn sáng theo lịch', en: 'Street lamp availability' },
  definition: {
    vi: 'Số giờ đèn sáng chia cho số giờ lịch chiếu sáng yêu cầu đèn bật (độ sáng trên 0), cộng trên mọi đêm hệ thống đã ghi nhận điện năng của đèn trong kỳ. Mỗi chu kỳ gửi số liệu (5 phút) có bản tin cho thấy đèn tiêu thụ trên 5 % công suất định mức được tính là sáng trong cả chu kỳ đó; chu kỳ không có bản tin (đèn mất kết nối) tính là không sáng. Hệ thống không lưu độ sáng theo thời gian nên giờ sáng ngoài lịch (đèn sáng ban ngày, hay được bật tay) cũng được đếm, nhưng giờ sáng của mỗi đêm (12 giờ trưa đến 12 giờ trưa hôm sau) chỉ tính tối đa bằng giờ lịch yêu cầu của đêm đó. Đèn không thuộc nhóm đèn nào thì không có số liệu đêm và không được tính.',
    en: 'Hours a light was lit divided by the hours its lighting program wanted it on (at a level above 0), summed over every night in the period for which the plane recorded the light’s energy. Each reporting interval (5 minutes) with a reading showing the lamp drawing more than 5 % of its rated power counts as that whole interval lit; an interval with no reading (the light offline) counts as not lit. The plane does not store the dim level over time, so hours lit outside the program (burning by day, or switched on by hand) are counted too, but a night’s lit hours (12:00 to 12:00 the next day) count only up to that night’s scheduled hours. Lights in no light group have no recorded nights and are left out.',
  },
  numerator: { vi: 'Giờ đèn sáng (trong giới hạn giờ theo lịch)', en: 'Lamp-hours lit (up to the scheduled hours)' },
  denominator: { vi: 'Giờ đèn phải sáng theo lịch', en: 'Lamp-hours scheduled on' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    const lights = devicesWith(ctx.site, 'luminaire');
    const [scheduled, lit] = await Promise.all([scheduledNights(ctx), litHoursByNight(ctx, lights)]);
    const byLight = new Map<string, Ratio>();
    const findings: Finding[] = [];
    for (const d of lights) {
      const nights = scheduled.get(d.id);
      if (!nights?.size) {
        findings.push({ hamlet: d.hamlet, device: d.id, code: 'light-no-nights-recorded' });
        continue;
      }
      const r = { numerator: 0, denominator: 0 };
      for (const [night, on] of nights) {
        r.denominator += on;
        r.numerator += Math.min(lit.get(d.id)?.get(night) ?? 0, on);
      }
      byLight.set(d.id, r);
      const dark = r.denominator - r.numerator;
      if (dark > 1e-9) findings.push({ hamlet: d.hamlet, device: d.id, code: 'light-dark-hours', params: { hours: round(dark), nights: nights.size } });
    }
    return { ...sumByHamlet(ctx.site, lights, (d) => d.hamlet, (d) => byLight.get(d.id) ?? { numerator: 0, denominator: 0 }), findings };
  },
});

interface Failure {
  device: string;
  start: number;
  /** When it ended: the alert's end, or the first lit reading when its end was never written. */
  end?: number;
  inferred?: boolean;
}

/**
 * Lamp failures that started or ended in the period, from the alert's start and end points. Only
 * these changes are fetched (pairing a start with its end is beyond InfluxQL). The alerts service
 * keeps open alerts in memory, so a plane restart raises a still-dead lamp again (a second start
 * with no end between: the same failure, from its first start), and a lamp mended while the plane
 * was down never gets an end: a second start (or the period's end) then ends the first failure if
 * the lamp was seen lit in between, at that reading.
 */
async function lampFailures(ctx: IndicatorContext): Promise<Failure[]> {
  const rows = await ctx.storage.influx.query<{ time: Date; key: string; state: string }>(
    `SELECT "key", "state" FROM ${rpm(ctx, 'alert')} WHERE ${within(new Date(ctx.from.getTime() - REPAIR_LOOKBACK_MS), ctx.to)} AND "code" = ${escape.stringLit(LAMP_FAILURE)}`,
  );
  const byDevice = new Map<string, { t: number; start: boolean }[]>();
  for (const r of rows) {
    if (typeof r.key !== 'string' || !r.key.startsWith(LAMP_FAILURE_KEY)) continue;
    const device = r.key.slice(LAMP_FAILURE_KEY.length);
    (byDevice.get(device) ?? byDevice.set(device, []).get(device)!).push({ t: new Date(r.time).getTime(), start: r.state === 'start' });
  }
  const failures: Failure[] = [];
  for (const [device, events] of byDevice) {
    events.sort((a, b) => a.t - b.t);
    const d = ctx.site.devices.find((x) => x.id === device);
    let open: Failure | undefined;
    for (const e of events) {
      if (!e.start) {
        if (open) open.end = e.t;
        open = undefined;
        continue;
      }
      if (open) {
        const litAt = d && (await firstLit(ctx, d, open.start, e.t));
        if (litAt === undefined) continue; // raised again: the same failure
        Object.assign(open, { end: litAt, inferred: true });
      }
      failures.push((open = { device, start: e.t }));
    }
    // Still open at the period's end: mended while the plane was down if it has been seen lit since.
    const litAt = open && d && (await firstLit(ctx, d, open.start, ctx.to.getTime()));
    if (open && litAt !== undefined) Object.assign(open, { end: litAt, inferred: true });
  }
  return failures;
}

/** The first reading in (after, before) showing the lamp lit, if any. */
async function firstLit(ctx: IndicatorContext, d: SiteDevice, after: number, before: number): Promise<number | undefined> {
  const [row] = await ctx.storage.influx.query<{ time: Date }>(
    `SELECT first("powerW") FROM ${rpm(ctx, readingField(d).measurement)} WHERE "device" = ${escape.stringLit(d.id)} AND "powerW" > ${litAboveW(ctx, d)} ` +
      `AND time > ${escape.stringLit(new Date(after).toISOString())} AND time < ${escape.stringLit(new Date(before).toISOString())}`,
  );
  return row ? new Date(row.time).getTime() : undefined;
}

const inPeriod = (ctx: IndicatorContext, t: number | undefined) => t !== undefined && t >= ctx.from.getTime() && t < ctx.to.getTime();

/** Lights whose lamp failed (a lamp-failure alert started) in the period. */
export const lampsFailed = defineIndicator({
  id: 'lighting-lamps-failed',
  name: { vi: 'Đèn bị hỏng bóng trong kỳ', en: 'Street lights whose lamp failed' },
  definition: {
    vi: 'Số đèn có cảnh báo hỏng bóng (đèn không tiêu thụ điện khi được yêu cầu sáng, hoặc đèn tự báo hỏng bóng) bắt đầu trong kỳ, chia cho tổng số đèn đường. Một đèn hỏng nhiều lần chỉ tính một lần; cảnh báo được nêu lại sau khi hệ thống khởi động lại không tính là lần hỏng mới.',
    en: 'Street lights with a lamp-failure alert (no power drawn while asked to be lit, or the light reporting its lamp failed) that started in the period, divided by all street lights. A light that failed more than once counts once; an alert raised again after the plane restarted is not a new failure.',
  },
  numerator: { vi: 'Đèn bị hỏng bóng trong kỳ', en: 'Lights whose lamp failed in the period' },
  denominator: { vi: 'Tổng số đèn đường', en: 'All street lights' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    const lights = devicesWith(ctx.site, 'luminaire');
    const failed = new Map<string, Failure[]>();
    for (const f of await lampFailures(ctx)) if (inPeriod(ctx, f.start)) (failed.get(f.device) ?? failed.set(f.device, []).get(f.device)!).push(f);
    const findings: Finding[] = lights
      .filter((d) => failed.has(d.id))
      .map((d) => ({ hamlet: d.hamlet, device: d.id, code: 'lamp-failed', params: { failures: failed.get(d.id)!.length, first: new Date(failed.get(d.id)![0]!.start).toISOString() } }));
    return { ...sumByHamlet(ctx.site, lights, (d) => d.hamlet, (d) => ({ numerator: failed.has(d.id) ? 1 : 0, denominator: 1 })), findings };
  },
});

/** Mean hours from a lamp failure's start to its end, over the failures that ended in the period. */
export const lampRepairTime = defineIndicator({
  id: 'lighting-lamp-repair-time',
  name: { vi: 'Thời gian sửa đèn hỏng bóng trung bình', en: 'Mean time to repair a failed lamp' },
  definition: {
    vi: 'Số giờ trung bình từ lúc cảnh báo hỏng bóng bắt đầu đến lúc kết thúc (đèn được thấy sáng lại), tính trên các lần hỏng kết thúc trong kỳ, kể cả lần bắt đầu từ kỳ trước. Lần hỏng chưa kết thúc khi hết kỳ không được tính vào trung bình mà được nêu trong phần giải thích. Khi hệ thống khởi động lại mà đèn vẫn hỏng, thời gian tính từ lần cảnh báo đầu; khi hệ thống không ghi được lúc kết thúc, lúc kết thúc là bản tin đầu tiên cho thấy đèn sáng lại.',
    en: 'Mean hours from the start of a lamp-failure alert to its end (the lamp seen lit again), over the failures that ended in the period, including those that started in an earlier one. A failure still open at the period’s end is left out of the mean and named among the findings. When the plane restarted while the lamp was still dead, the time runs from the first alert; when the plane never recorded the end, the end is the first reading showing the lamp lit again.',
  },
  numerator: { vi: 'Tổng số giờ từ lúc hỏng đến lúc sửa xong', en: 'Hours from failure to repair, summed' },
  denominator: { vi: 'Số lần hỏng đã sửa xong trong kỳ', en: 'Failures repaired in the period' },
  unit: 'h',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    const lights = devicesWith(ctx.site, 'luminaire');
    const hamletOf = new Map(lights.map((d) => [d.id, d.hamlet]));
    const failures = (await lampFailures(ctx)).filter((f) => hamletOf.has(f.device));
    const repaired = failures.filter((f) => inPeriod(ctx, f.end));
    const findings: Finding[] = [];
    for (const f of failures) {
      const hamlet = hamletOf.get(f.device)!;
      if (f.start < ctx.to.getTime() && (f.end === undefined || f.end >= ctx.to.getTime()))
        findings.push({ hamlet, device: f.device, code: 'lamp-not-repaired', params: { since: new Date(f.start).toISOString(), hours: round((ctx.to.getTime() - f.start) / HOUR_MS) } });
      else if (f.inferred && inPeriod(ctx, f.end)) findings.push({ hamlet, device: f.device, code: 'lamp-repair-end-inferred', params: { at: new Date(f.end!).toISOString() } });
    }
    return { ...sumByHamlet(ctx.site, repaired, (f) => hamletOf.get(f.device)!, (f) => ({ numerator: (f.end! - f.start) / HOUR_MS, denominator: 1 })), findings };
  },
});

/** Each light's recorded nights in the period, summed in InfluxDB. */
async function energyByLight(ctx: IndicatorContext): Promise<Map<string, { kwh: number; savedKwh: number; nights: number }>> {
  const rows = await ctx.storage.influx.query<{ device: string; kwh: number; savedKwh: number; nights: number }>(
    `SELECT sum("kwh") AS kwh, sum("savedKwh") AS "savedKwh", count("kwh") AS nights FROM ${rpm(ctx, 'light_energy')} WHERE ${within(ctx.from, ctx.to)} GROUP BY "device"`,
  );
  return new Map(rows.map((r) => [r.device, { kwh: r.kwh ?? 0, savedKwh: r.savedKwh ?? 0, nights: r.nights ?? 0 }]));
}

/** A total over the lights, per hamlet and for the commune: a sum, not a ratio, so every denominator is 1 (a hamlet with no light reads 0 kWh). */
async function energyTotal(ctx: IndicatorContext, k: 'kwh' | 'savedKwh'): Promise<IndicatorResult> {
  const e = await energyByLight(ctx);
  const r = sumByHamlet(ctx.site, devicesWith(ctx.site, 'luminaire'), (d) => d.hamlet, (d) => ({ numerator: e.get(d.id)?.[k] ?? 0, denominator: 0 }));
  const one = (x: Ratio): Ratio => ({ numerator: x.numerator, denominator: 1 });
  return { commune: one(r.commune), hamlets: Object.fromEntries(Object.entries(r.hamlets).map(([h, x]) => [h, one(x)])) };
}

const ENERGY_NIGHTS = {
  vi: 'Tính trên các đêm hệ thống đã ghi nhận điện năng của đèn (đêm từ 12 giờ trưa đến 12 giờ trưa hôm sau, thuộc tháng của buổi tối); đèn không thuộc nhóm đèn nào thì không có số liệu.',
  en: 'Over the nights for which the plane recorded a light’s energy (a night runs from 12:00 to 12:00 the next day and belongs to the month of its evening); lights in no light group have no record.',
};

export const energyUsed = defineIndicator({
  id: 'lighting-energy-used',
  name: { vi: 'Điện năng chiếu sáng', en: 'Street lighting energy used' },
  definition: {
    vi: `Tổng điện năng (kWh) các đèn đường tiêu thụ trong kỳ, theo công tơ của từng đèn (mức tăng của chỉ số trong mỗi đêm). ${ENERGY_NIGHTS.vi}`,
    en: `Energy (kWh) the street lights used in the period, from each light’s own meter (its increase over each night). ${ENERGY_NIGHTS.en}`,
  },
  numerator: { vi: 'Điện năng tiêu thụ (kWh)', en: 'Energy used (kWh)' },
  denominator: { vi: 'Không chia (bằng 1)', en: 'None (1)' },
  unit: 'kWh',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    return energyTotal(ctx, 'kwh');
  },
});

export const energySaved = defineIndicator({
  id: 'lighting-energy-saved',
  name: { vi: 'Điện năng tiết kiệm nhờ giảm độ sáng', en: 'Energy saved by dimming' },
  definition: {
    vi: `Điện năng (kWh) lẽ ra tiêu thụ nếu mỗi đèn sáng hết công suất định mức trong mọi giờ lịch chiếu sáng yêu cầu bật, trừ đi điện năng đo được. Đèn hỏng hoặc mất điện trong giờ phải sáng cũng làm giảm điện năng đo được, nên phần đó cũng nằm trong con số này: hãy đọc cùng tỉ lệ giờ đèn sáng theo lịch. ${ENERGY_NIGHTS.vi}`,
    en: `Energy (kWh) the lights would have used at full rated power for every hour their program had them on, minus the energy metered. A lamp dead or unpowered when it should have been lit also lowers the metered energy, so that is counted here too: read it with the lamp availability. ${ENERGY_NIGHTS.en}`,
  },
  numerator: { vi: 'Điện năng tiết kiệm so với sáng hết công suất (kWh)', en: 'Energy saved against full power (kWh)' },
  denominator: { vi: 'Không chia (bằng 1)', en: 'None (1)' },
  unit: 'kWh',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    return energyTotal(ctx, 'savedKwh');
  },
});

export const energyPerLightNight = defineIndicator({
  id: 'lighting-energy-per-light-night',
  name: { vi: 'Điện năng mỗi đèn mỗi đêm', en: 'Energy per light per night' },
  definition: {
    vi: `Tổng điện năng (kWh) các đèn đường tiêu thụ chia cho số đêm-đèn đã ghi nhận trong kỳ (mỗi đèn, mỗi đêm tính một). ${ENERGY_NIGHTS.vi}`,
    en: `Energy (kWh) the street lights used divided by the light-nights recorded in the period (one for each light and night). ${ENERGY_NIGHTS.en}`,
  },
  numerator: { vi: 'Điện năng tiêu thụ (kWh)', en: 'Energy used (kWh)' },
  denominator: { vi: 'Số đêm-đèn đã ghi nhận', en: 'Light-nights recorded' },
  unit: 'kWh',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    const lights = devicesWith(ctx.site, 'luminaire');
    const e = await energyByLight(ctx);
    return sumByHamlet(ctx.site, lights, (d) => d.hamlet, (d) => ({ numerator: e.get(d.id)?.kwh ?? 0, denominator: e.get(d.id)?.nights ?? 0 }));
  },
});

export const lightingIndicators = [remotelyManaged, lampAvailability, lampsFailed, lampRepairTime, energyUsed, energySaved, energyPerLightNight];
