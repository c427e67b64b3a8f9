// The commune radio's indicators: hamlets reached (Criterion 8.3), how much of the month each
// loudspeaker cluster was online, bulletins played of those due and hours on air (each by level),
// and how soon an emergency reached the clusters.
//
// Deliveries are read from the `radio_delivery` log (controller/radio/radio.ts). A delivery (one
// bulletin on one cluster) writes a point at every step and exactly one in a final status
// (finished, failed, missed, expired, cancelled); that final point carries `plays`, `airedS` and,
// if the cluster ever began the play, `reachS`. So each delivery is counted once, in the month it
// ended, by counting final points in InfluxDB.
import { escape } from 'influx';
import type { Label } from '../../../devices/define.js';
import type { Level } from '../../radio/schema.js';
import { defineIndicator, type Finding, type IndicatorContext, type IndicatorDefinition, type Ratio } from '../define.js';
import { countByDevice, devicesWith, readingField, sumByHamlet, within } from '../query.js';

/** Criterion 8.3: the hamlets a working loudspeaker cluster was heard from in the period. */
export const hamletsReached = defineIndicator({
  id: 'radio-hamlets-reached',
  name: { vi: 'Thôn có cụm loa hoạt động', en: 'Hamlets with a working loudspeaker cluster' },
  definition: {
    vi: 'Tỉ lệ thôn của xã có ít nhất một cụm loa gửi số liệu về trong kỳ với bộ khuếch đại bình thường. Thôn không có cụm loa nào được tính là chưa đạt.',
    en: 'Share of the commune’s hamlets with at least one loudspeaker cluster that reported in the period with its amplifier working. A hamlet with no cluster counts as not reached.',
  },
  numerator: { vi: 'Thôn có cụm loa hoạt động', en: 'Hamlets with a working cluster heard from' },
  denominator: { vi: 'Tổng số thôn', en: 'All hamlets' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  target: { op: '>=', value: 100 },
  mapsTo: { vi: 'Tiêu chí 8.3 (nông thôn mới): đài truyền thanh và hệ thống loa đến các thôn', en: 'New-rural Criterion 8.3: commune radio with loudspeakers reaching the hamlets' },
  async compute(ctx) {
    const speakers = devicesWith(ctx.site, 'speaker');
    const heard = new Set<string>();
    for (const measurement of new Set(speakers.map((d) => readingField(d).measurement))) {
      const n = await countByDevice(ctx, { measurement, field: 'amplifierOk', where: '"amplifierOk" = true' });
      for (const d of speakers) if ((n.get(d.id) ?? 0) > 0) heard.add(d.hamlet);
    }
    const findings: Finding[] = [];
    for (const h of ctx.site.hamlets) {
      const mine = speakers.filter((d) => d.hamlet === h.id);
      if (mine.length === 0) findings.push({ hamlet: h.id, code: 'no-cluster' });
      else if (!heard.has(h.id)) for (const d of mine) findings.push({ hamlet: h.id, device: d.id, code: 'cluster-not-heard' });
    }
    return { ...sumByHamlet(ctx.site, ctx.site.hamlets, (h) => h.id, (h) => ({ numerator: heard.has(h.id) ? 1 : 0, denominator: 1 })), findings };
  },
});

// ---- availability --------------------------------------------------------------------------------

/** A cluster offline this many hours of the period in all is named in the findings. */
export const OFFLINE_FINDING_H = 24;
const H = 3_600_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** `"device" = 'a' OR "device" = 'b' …`, in parentheses. */
const anyDevice = (ids: readonly string[]) => `(${ids.map((id) => `"device" = ${escape.stringLit(id)}`).join(' OR ')})`;

/** Time-weighted: the hours of the period each cluster was online, from its availability changes. */
export const clusterAvailability = defineIndicator({
  id: 'radio-cluster-availability',
  name: { vi: 'Thời gian cụm loa trực tuyến', en: 'Loudspeaker cluster availability' },
  definition: {
    vi: 'Tổng số giờ các cụm loa ở trạng thái trực tuyến trong kỳ chia cho tổng số giờ của kỳ nhân với số cụm loa. Trạng thái đầu kỳ là lần thay đổi cuối cùng trước kỳ; cụm loa chưa từng báo trạng thái được tính là ngoại tuyến. Thôn không có cụm loa thì không có số liệu.',
    en: 'Hours the loudspeaker clusters were online in the period divided by the period’s hours times the number of clusters. A cluster’s state at the start is its last change before the period; a cluster never heard from counts as offline. A hamlet with no cluster has no figure.',
  },
  numerator: { vi: 'Số giờ cụm loa trực tuyến', en: 'Cluster-hours online' },
  denominator: { vi: 'Số giờ của kỳ × số cụm loa', en: 'Hours in the period × clusters' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    const speakers = devicesWith(ctx.site, 'speaker');
    if (speakers.length === 0) return sumByHamlet(ctx.site, [], () => '', () => ({ numerator: 0, denominator: 0 }));
    const from = ctx.from.getTime();
    const to = ctx.to.getTime();
    const av = `${escape.quoted(ctx.rp)}."availability"`;
    const mine = anyDevice(speakers.map((d) => d.id));
    // InfluxQL cannot weigh a boolean by how long it held (integral() takes numbers, and the state
    // at the start lies before the period), so InfluxDB gives each cluster's last state before the
    // period and its changes within it (a few a day), and the hours are added up here.
    const [before, changes] = await Promise.all([
      ctx.storage.influx.query<{ device: string; online: boolean }>(`SELECT last("online") AS "online" FROM ${av} WHERE time < ${escape.stringLit(ctx.from.toISOString())} AND ${mine} GROUP BY "device"`),
      ctx.storage.influx.query<{ device: string; online: boolean; time: Date }>(`SELECT "online" FROM ${av} WHERE ${within(ctx.from, ctx.to)} AND ${mine} GROUP BY "device"`),
    ]);
    const start = new Map(before.map((r) => [r.device, r.online === true]));
    const byDevice = new Map<string, { at: number; online: boolean }[]>();
    for (const r of changes) {
      const list = byDevice.get(r.device) ?? [];
      list.push({ at: r.time.getTime(), online: r.online === true });
      byDevice.set(r.device, list);
    }
    const onlineH = new Map<string, number>();
    const findings: Finding[] = [];
    for (const d of speakers) {
      let online = start.get(d.id) ?? false;
      let since = from;
      let ms = 0;
      for (const c of (byDevice.get(d.id) ?? []).sort((a, b) => a.at - b.at)) {
        if (online) ms += c.at - since;
        since = c.at;
        online = c.online;
      }
      if (online) ms += to - since;
      onlineH.set(d.id, ms / H);
      const offlineH = (to - from - ms) / H;
      if (offlineH >= OFFLINE_FINDING_H) findings.push({ hamlet: d.hamlet, device: d.id, code: 'cluster-offline', params: { hours: round1(offlineH) } });
    }
    const periodH = Math.max(0, to - from) / H;
    return { ...sumByHamlet(ctx.site, speakers, (d) => d.hamlet, (d) => ({ numerator: onlineH.get(d.id)!, denominator: periodH })), findings };
  },
});

// ---- deliveries, by level ------------------------------------------------------------------------

const LEVELS: readonly Level[] = ['normal', 'priority', 'emergency'];
const LEVEL: Record<Level, Label> = {
  normal: { vi: 'thường', en: 'normal' },
  priority: { vi: 'ưu tiên', en: 'priority' },
  emergency: { vi: 'khẩn cấp', en: 'emergency' },
};
/** A delivery's last point: the InfluxQL condition the indicators and the report's notable events share. */
export const FINAL = `"status" =~ /^(finished|failed|missed|expired|cancelled)$/`;
const deliveries = (ctx: IndicatorContext) => `${escape.quoted(ctx.rp)}."radio_delivery"`;
const ofLevel = (level: Level) => `"level" = ${escape.stringLit(level)}`;

interface DeliveryCount {
  device: string;
  hamlet: string;
  /** Deliveries due: every one that ended, except those cancelled before they began. */
  due: number;
  /** Of those, the ones the cluster began playing (finished, or begun before it ended otherwise). */
  played: number;
  /** Of the played, the ones begun within `withinS` of the bulletin going on air (when asked). */
  inTime: number;
  /** The due ones not played, by final status. */
  notPlayed: Record<string, number>;
}

/** Counts a level's deliveries that ended in the period, per cluster (by the hamlet it aired in). */
async function deliveryCounts(ctx: IndicatorContext, level: Level, withinS?: number): Promise<DeliveryCount[]> {
  const where = `${within(ctx.from, ctx.to)} AND ${ofLevel(level)} AND ${FINAL}`;
  const [rows, fast] = await Promise.all([
    ctx.storage.influx.query<{ device: string; hamlet: string; status: string; n: number; started: number }>(
      `SELECT count("attempts") AS "n", count("reachS") AS "started" FROM ${deliveries(ctx)} WHERE ${where} GROUP BY "device", "hamlet", "status"`,
    ),
    withinS === undefined
      ? Promise.resolve([])
      : ctx.storage.influx.query<{ device: string; hamlet: string; n: number }>(`SELECT count("reachS") AS "n" FROM ${deliveries(ctx)} WHERE ${where} AND "reachS" <= ${withinS} GROUP BY "device", "hamlet"`),
  ]);
  const out = new Map<string, DeliveryCount>();
  const get = (device: string, hamlet: string) => {
    const k = `${hamlet}|${device}`;
    let c = out.get(k);
    if (!c) out.set(k, (c = { device, hamlet, due: 0, played: 0, inTime: 0, notPlayed: {} }));
    return c;
  };
  for (const r of rows) {
    const c = get(r.device, r.hamlet);
    // A finished point always played (older points lack reachS); a cancelled one is due only if it had begun.
    const played = r.status === 'finished' ? r.n : r.started;
    const due = r.status === 'cancelled' ? r.started : r.n;
    c.due += due;
    c.played += played;
    if (due > played) c.notPlayed[r.status] = (c.notPlayed[r.status] ?? 0) + due - played;
  }
  for (const r of fast) get(r.device, r.hamlet).inTime += r.n;
  return [...out.values()].sort((a, b) => a.hamlet.localeCompare(b.hamlet) || a.device.localeCompare(b.device));
}

/** Bulletins of one level played of those due, per cluster summed into hamlets and the commune. */
function deliveryRate(level: Level): IndicatorDefinition {
  const L = LEVEL[level];
  return defineIndicator({
    id: `radio-delivery-${level}`,
    name: { vi: `Tỉ lệ phát bản tin ${L.vi}`, en: `Delivery of ${L.en} bulletins` },
    definition: {
      vi: `Số lượt phát bản tin ${L.vi} mà cụm loa đã phát (phát hết, hoặc đã bắt đầu phát) chia cho số lượt phải phát kết thúc trong kỳ. Một lượt là một bản tin trên một cụm loa; lượt bị hủy trước khi bắt đầu phát không tính. Lượt được tính vào kỳ mà nó kết thúc (phát xong, lỗi, lỡ khung giờ hoặc hết hạn).`,
      en: `Deliveries of ${L.en} bulletins the clusters played (to the end, or at least began) divided by the deliveries due that ended in the period. A delivery is one bulletin on one cluster; one cancelled before it began is not due. A delivery counts in the period it ended (played, failed, missed its window or expired).`,
    },
    numerator: { vi: 'Lượt đã phát', en: 'Deliveries played' },
    denominator: { vi: 'Lượt phải phát', en: 'Deliveries due' },
    unit: '%',
    period: 'month',
    scope: 'hamlet',
    async compute(ctx) {
      const counts = await deliveryCounts(ctx, level);
      const findings: Finding[] = counts.flatMap((c) =>
        Object.entries(c.notPlayed).map(([status, count]) => ({ hamlet: c.hamlet, device: c.device, code: `delivery-${status}`, params: { count } })),
      );
      return { ...sumByHamlet(ctx.site, counts, (c) => c.hamlet, (c) => ({ numerator: c.played, denominator: c.due })), findings };
    },
  });
}

/** Hours of one level's bulletins on air: each bulletin once, however many clusters played it. */
function airtime(level: Level): IndicatorDefinition {
  const L = LEVEL[level];
  return defineIndicator({
    id: `radio-airtime-${level}`,
    name: { vi: `Số giờ phát bản tin ${L.vi}`, en: `Hours of ${L.en} bulletins on air` },
    definition: {
      vi: `Tổng thời lượng các bản tin ${L.vi} đã phát trong kỳ, tính bằng giờ: độ dài bản tin nhân số lần phát hết. Mỗi bản tin tính một lần dù phát trên nhiều cụm loa (lấy cụm phát nhiều lần nhất); ở cấp thôn là các bản tin phát trên ít nhất một cụm loa của thôn. Thôn không có cụm loa thì không có số liệu.`,
      en: `Total length of the ${L.en} bulletins played in the period, in hours: each bulletin’s audio length times the plays finished. A bulletin counts once however many clusters played it (the cluster that played it most); for a hamlet, the bulletins played on at least one of its clusters. A hamlet with no cluster has no figure.`,
    },
    numerator: { vi: 'Giờ phát sóng', en: 'Hours on air' },
    denominator: { vi: 'Một (số liệu không phải tỉ lệ)', en: 'One (a figure, not a ratio)' },
    unit: 'h',
    period: 'month',
    scope: 'hamlet',
    async compute(ctx) {
      // Per bulletin (and hamlet) the most any cluster aired it, summed: a subquery, all in InfluxDB.
      const inner = (by: string) => `SELECT max("airedS") AS "s" FROM ${deliveries(ctx)} WHERE ${within(ctx.from, ctx.to)} AND ${ofLevel(level)} AND ${FINAL} AND "airedS" > 0 GROUP BY ${by}`;
      const [perHamlet, all] = await Promise.all([
        ctx.storage.influx.query<{ hamlet: string; s: number }>(`SELECT sum("s") AS "s" FROM (${inner('"bulletin", "hamlet"')}) GROUP BY "hamlet"`),
        ctx.storage.influx.query<{ s: number }>(`SELECT sum("s") AS "s" FROM (${inner('"bulletin"')})`),
      ]);
      const served = new Set(devicesWith(ctx.site, 'speaker').map((d) => d.hamlet));
      const seconds = new Map(perHamlet.map((r) => [r.hamlet, r.s]));
      const hamlets: Record<string, Ratio> = Object.fromEntries(
        ctx.site.hamlets.map((h) => [h.id, served.has(h.id) || seconds.has(h.id) ? { numerator: (seconds.get(h.id) ?? 0) / 3600, denominator: 1 } : { numerator: 0, denominator: 0 }]),
      );
      return { commune: { numerator: (all[0]?.s ?? 0) / 3600, denominator: 1 }, hamlets };
    },
  });
}

// ---- emergency reach -----------------------------------------------------------------------------

/** An emergency should be on air at a cluster within this many seconds of being sent. */
export const EMERGENCY_WITHIN_S = 60;

export const emergencyWithin = defineIndicator({
  id: 'radio-emergency-within-60s',
  name: { vi: 'Bản tin khẩn cấp phát trong 60 giây', en: 'Emergencies on air within 60 s' },
  definition: {
    vi: 'Số lượt phát bản tin khẩn cấp mà cụm loa bắt đầu phát trong vòng 60 giây kể từ khi bản tin được gửi đi, chia cho số lượt khẩn cấp phải phát kết thúc trong kỳ. Lượt chưa từng phát (cụm loa ngoại tuyến đến hết hạn, lỗi) tính là không đạt; lượt bị hủy trước khi bắt đầu phát không tính.',
    en: 'Emergency deliveries a cluster began playing within 60 seconds of the bulletin being sent, divided by the emergency deliveries due that ended in the period. A delivery never played (the cluster offline until it expired, a failure) counts as not in time; one cancelled before it began is not due.',
  },
  numerator: { vi: 'Lượt bắt đầu phát trong 60 giây', en: 'Deliveries begun within 60 s' },
  denominator: { vi: 'Lượt khẩn cấp phải phát', en: 'Emergency deliveries due' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    const counts = await deliveryCounts(ctx, 'emergency', EMERGENCY_WITHIN_S);
    const findings: Finding[] = [];
    for (const c of counts) {
      if (c.played > c.inTime) findings.push({ hamlet: c.hamlet, device: c.device, code: 'emergency-late', params: { count: c.played - c.inTime } });
      if (c.due > c.played) findings.push({ hamlet: c.hamlet, device: c.device, code: 'emergency-not-played', params: { count: c.due - c.played } });
    }
    return { ...sumByHamlet(ctx.site, counts, (c) => c.hamlet, (c) => ({ numerator: c.inTime, denominator: c.due })), findings };
  },
});

/** Seconds from an emergency's sending to a cluster beginning it, as one InfluxQL aggregate (median or percentile). */
function emergencyReach(o: { id: string; aggregate: string; name: Label; statistic: Label }): IndicatorDefinition {
  return defineIndicator({
    id: o.id,
    name: o.name,
    definition: {
      vi: `${o.statistic.vi} của thời gian, tính bằng giây, từ khi bản tin khẩn cấp được gửi đi đến khi từng cụm loa bắt đầu phát, trên các lượt khẩn cấp kết thúc trong kỳ đã được phát. Lượt chưa từng phát không có thời gian nên không tính ở đây (xem tỉ lệ phát trong 60 giây).`,
      en: `${o.statistic.en} of the time, in seconds, from an emergency bulletin being sent to each cluster beginning to play it, over the emergency deliveries that ended in the period having been played. A delivery never played has no such time and is left out here (see the share on air within 60 s).`,
    },
    numerator: { vi: 'Số giây', en: 'Seconds' },
    denominator: { vi: 'Một (số liệu không phải tỉ lệ)', en: 'One (a figure, not a ratio)' },
    unit: 's',
    period: 'month',
    scope: 'hamlet',
    async compute(ctx) {
      const q = (groupBy: string) =>
        ctx.storage.influx.query<{ hamlet?: string; v: number | null }>(
          `SELECT ${o.aggregate} AS "v" FROM ${deliveries(ctx)} WHERE ${within(ctx.from, ctx.to)} AND ${ofLevel('emergency')} AND ${FINAL}${groupBy}`,
        );
      const [perHamlet, all] = await Promise.all([q(' GROUP BY "hamlet"'), q('')]);
      const ratio = (v: number | null | undefined): Ratio => (typeof v === 'number' ? { numerator: v, denominator: 1 } : { numerator: 0, denominator: 0 });
      const byHamlet = new Map(perHamlet.map((r) => [r.hamlet, r.v]));
      return { commune: ratio(all[0]?.v), hamlets: Object.fromEntries(ctx.site.hamlets.map((h) => [h.id, ratio(byHamlet.get(h.id))])) };
    },
  });
}

export const emergencyReachMedian = emergencyReach({
  id: 'radio-emergency-reach-median',
  aggregate: 'median("reachS")',
  name: { vi: 'Thời gian bản tin khẩn cấp đến cụm loa (trung vị)', en: 'Emergency reach time (median)' },
  statistic: { vi: 'Trung vị', en: 'The median' },
});

export const emergencyReachP95 = emergencyReach({
  id: 'radio-emergency-reach-p95',
  aggregate: 'percentile("reachS", 95)',
  name: { vi: 'Thời gian bản tin khẩn cấp đến cụm loa (95%)', en: 'Emergency reach time (95th percentile)' },
  statistic: { vi: 'Phân vị 95 (95% số lượt bằng hoặc nhanh hơn)', en: 'The 95th percentile (95 % of deliveries as fast or faster)' },
});

export const deliveryIndicators = LEVELS.map(deliveryRate);
export const airtimeIndicators = LEVELS.map(airtime);

export const radioIndicators = [hamletsReached, clusterAvailability, ...deliveryIndicators, emergencyWithin, emergencyReachMedian, emergencyReachP95, ...airtimeIndicators];
