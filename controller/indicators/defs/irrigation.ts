// Irrigation's indicators: water per hectare from the valves' meters, the share of the watered area
// under automated (program or soil-sensor) control, and the water rain skips and weather scaling
// saved against the programs' own water level.
import { escape } from 'influx';
import { deviceType } from '../../../devices/index.js';
import type { SiteStore } from '../../config/site.js';
import { WaterAccounting } from '../../irrigation/accounting.js';
import { defineIndicator, type Finding, type IndicatorContext } from '../define.js';
import { sumByHamlet, within } from '../query.js';

const M2_PER_HA = 10_000;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const from = (ctx: IndicatorContext, measurement: string) => `${escape.quoted(ctx.rp)}.${escape.quoted(measurement)}`;

/** Whether a zone has a meter: a device in it whose type reports a totalLiters counter (as WaterAccounting counts them). */
const hasMeter = (ctx: IndicatorContext, zoneId: string) =>
  ctx.site.devices.some((d) => d.zone === zoneId && deviceType(d.type)?.metrics.some((m) => m.key === 'totalLiters'));

/** Cubic metres of water per hectare of metered zones, per hamlet and for the commune. */
export const waterPerHectare = defineIndicator({
  id: 'irrigation-water-per-hectare',
  name: { vi: 'Lượng nước tưới trên một héc-ta', en: 'Irrigation water per hectare' },
  definition: {
    vi: 'Số mét khối nước các van của vùng canh tác cho chảy qua trong kỳ (mức tăng của đồng hồ nước tổng của van, kể cả khi đồng hồ đặt lại về 0), chia cho diện tích (ha) của các vùng có đồng hồ nước. Vùng không có van đo nước không được tính; vùng có đồng hồ mà không ghi nhận nước nào vẫn được tính với 0 m³.',
    en: 'Cubic metres of water the farm zones’ valves let through in the period (the increase of each valve’s total-litres meter, counting through a meter reset), divided by the area (ha) of the zones that have a meter. Zones with no metering valve are left out; a metered zone that recorded no water counts with 0 m³.',
  },
  numerator: { vi: 'Nước đã tưới (m³)', en: 'Water used (m³)' },
  denominator: { vi: 'Diện tích vùng có đồng hồ nước (ha)', en: 'Area of metered zones (ha)' },
  unit: 'm³/ha',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    // WaterAccounting reads only the site's configuration; it sums each meter's increases over
    // (from, to] from the readings (a counter that may reset is no InfluxQL aggregate: see there).
    const water = new WaterAccounting({ storage: ctx.storage, site: { config: ctx.site } satisfies Pick<SiteStore, 'config'> as SiteStore, retentionPolicy: ctx.rp });
    const findings: Finding[] = [];
    const metered = ctx.site.zones.filter((z) => {
      if (hasMeter(ctx, z.id)) return true;
      findings.push({ hamlet: z.hamlet, code: 'zone-no-meter', params: { zone: z.id } });
      return false;
    });
    const liters = new Map(await Promise.all(metered.map(async (z) => [z.id, (await water.zoneLiters(z.id, ctx.from, ctx.to)).liters] as const)));
    for (const z of metered) if (!liters.get(z.id)) findings.push({ hamlet: z.hamlet, code: 'zone-no-water', params: { zone: z.id } });
    return {
      ...sumByHamlet(ctx.site, metered, (z) => z.hamlet, (z) => ({ numerator: (liters.get(z.id) ?? 0) / 1000, denominator: z.areaM2 / M2_PER_HA })),
      findings,
    };
  },
});

/** Share of the watered area watered by programs or soil sensors rather than by hand. */
export const automatedShare = defineIndicator({
  id: 'irrigation-automated-share',
  name: { vi: 'Diện tích tưới tự động', en: 'Irrigated area under automated control' },
  definition: {
    vi: 'Tỉ lệ diện tích được tưới trong kỳ do lịch tưới hoặc cảm biến độ ẩm đất điều khiển. Mỗi vùng có ít nhất một lần tưới (van đã mở) trong kỳ góp diện tích của mình, nhân với tỉ lệ thời gian tưới do lịch hoặc cảm biến khởi động (phần còn lại là tưới bằng tay); chia cho tổng diện tích các vùng đã được tưới.',
    en: 'Share of the area watered in the period that was watered by a program or a soil-moisture sensor. Each zone with at least one run (valves opened) in the period contributes its area times the share of its watering time started by a program or a sensor (the rest was started by hand), over the total area of the zones watered.',
  },
  numerator: { vi: 'Diện tích tưới tự động (ha)', en: 'Area watered automatically (ha)' },
  denominator: { vi: 'Diện tích đã được tưới (ha)', en: 'Area watered (ha)' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    // Seconds the valves were open per zone and reason, summed in InfluxDB; a run counts in the
    // period it ended in (irrigation_run is written at the run's end).
    const rows = await ctx.storage.influx.query<{ zone: string; reason: string; s: number }>(
      `SELECT sum("ranS") AS s FROM ${from(ctx, 'irrigation_run')} WHERE ${within(ctx.from, ctx.to)} GROUP BY "zone", "reason"`,
    );
    const ran = new Map<string, { auto: number; all: number }>();
    for (const r of rows) {
      const z = ran.get(r.zone) ?? { auto: 0, all: 0 };
      z.all += r.s;
      if (r.reason === 'program' || r.reason === 'sensor') z.auto += r.s;
      ran.set(r.zone, z);
    }
    const watered = ctx.site.zones.filter((z) => (ran.get(z.id)?.all ?? 0) > 0);
    const findings: Finding[] = [];
    for (const z of watered) {
      const r = ran.get(z.id)!;
      if (r.auto < r.all) findings.push({ hamlet: z.hamlet, code: 'zone-watered-by-hand', params: { zone: z.id, handPct: round((100 * (r.all - r.auto)) / r.all) } });
    }
    return {
      ...sumByHamlet(ctx.site, watered, (z) => z.hamlet, (z) => {
        const r = ran.get(z.id)!;
        const ha = z.areaM2 / M2_PER_HA;
        return { numerator: (ha * r.auto) / r.all, denominator: ha };
      }),
      findings,
    };
  },
});

/** Water the programs did not use thanks to rain skips and ET scaling, of what they would have used. */
export const waterSaved = defineIndicator({
  id: 'irrigation-water-saved',
  name: { vi: 'Nước tiết kiệm nhờ bỏ tưới khi mưa và điều chỉnh theo thời tiết', en: 'Water saved by rain skips and weather scaling' },
  definition: {
    vi: 'Ước tính số mét khối nước không dùng đến, chia cho lượng nước các lịch tưới lẽ ra dùng. Lượng lẽ ra dùng của một lần khởi động = thời gian từng bước theo mức nước riêng của lịch (giới hạn theo thời gian tối đa của vùng) × lưu lượng danh định của các van. Tiết kiệm = lượng lẽ ra dùng của các lần bỏ qua vì mưa (mưa đo được vượt ngưỡng, hoặc hoãn tưới vì mưa do người đặt), cộng chênh lệch giữa lượng lẽ ra dùng và lượng theo mức đã điều chỉnh theo bốc thoát hơi nước (ET0) của các lần khởi động có điều chỉnh; ngày nóng làm tăng mức nước thì phần tăng được trừ đi. Bước để cảm biến độ ẩm đất quyết định không được tính. Là ước tính theo lưu lượng danh định, không phải số đo đồng hồ.',
    en: 'Estimated cubic metres of water not used, over the water the programs would have used. What a start would have used = each step’s duration at the program’s own water level (held to the zone’s maximum) × its valves’ nominal flow. Saved = that amount for starts skipped for rain (the station’s rain over the threshold, or a rain delay set by hand), plus, for weather-adjusted starts, that amount minus the amount at the ET0-scaled level; a hot spell that scales programs up counts against the saving. Steps left to a zone’s soil sensor are not counted. An estimate from nominal flows, not a meter reading.',
  },
  numerator: { vi: 'Nước tiết kiệm ước tính (m³)', en: 'Estimated water saved (m³)' },
  denominator: { vi: 'Nước các lịch tưới lẽ ra dùng (m³)', en: 'Water the programs would have used (m³)' },
  unit: '%',
  period: 'month',
  scope: 'commune',
  async compute(ctx) {
    // Sums in InfluxDB over the program events of the period (nominalLiters and plannedLiters are
    // written by the plane since this indicator; older events lack them and are counted as such).
    const table = from(ctx, 'irrigation_program');
    const span = within(ctx.from, ctx.to);
    const [all, rain, et, started] = await ctx.storage.influx.query<{ nominal?: number; planned?: number; n: number; known?: number }>([
      `SELECT sum("nominalLiters") AS nominal, count("nominalLiters") AS n FROM ${table} WHERE ${span}`,
      `SELECT sum("nominalLiters") AS nominal, count("nominalLiters") AS n FROM ${table} WHERE ${span} AND "outcome" = 'skipped' AND "code" =~ /^rain(-delay)?$/`,
      `SELECT sum("nominalLiters") AS nominal, sum("plannedLiters") AS planned, count("plannedLiters") AS n FROM ${table} WHERE ${span} AND "code" = 'et0'`,
      `SELECT count("startAt") AS n, count("nominalLiters") AS known FROM ${table} WHERE ${span} AND "outcome" = 'started'`,
    ]);
    const nominal = all?.[0]?.nominal ?? 0;
    const rainSaved = rain?.[0]?.nominal ?? 0;
    const etSaved = (et?.[0]?.nominal ?? 0) - (et?.[0]?.planned ?? 0);
    const findings: Finding[] = [];
    if (rain?.[0]?.n) findings.push({ code: 'rain-skips', params: { starts: rain[0].n, m3: round(rainSaved / 1000, 3) } });
    if (et?.[0]?.n) findings.push({ code: 'et-scaled', params: { starts: et[0].n, m3: round(etSaved / 1000, 3) } });
    // Starts run whose event carries no estimate (written before the plane recorded one): not counted.
    const unestimated = (started?.[0]?.n ?? 0) - (started?.[0]?.known ?? 0);
    if (unestimated > 0) findings.push({ code: 'starts-not-estimated', params: { starts: unestimated } });
    return { commune: { numerator: (rainSaved + etSaved) / 1000, denominator: nominal / 1000 }, findings };
  },
});

export const irrigationIndicators = [waterPerHectare, automatedShare, waterSaved];
