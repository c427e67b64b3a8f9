// The plane's own indicators: how much of what devices should send arrives, and how commands fare.
import { escape } from 'influx';
import { deviceType, hasTrait, TRAITS } from '../../../devices/index.js';
import { defineIndicator, type Finding, type IndicatorContext } from '../define.js';
import { countByDevice, readingField, sumByHamlet, within } from '../query.js';

/** Readings received over readings expected from each device's reporting interval. */
export const telemetryCompleteness = defineIndicator({
  id: 'plane-telemetry-completeness',
  name: { vi: 'Độ đầy đủ số liệu', en: 'Telemetry completeness' },
  definition: {
    vi: 'Số bản tin số liệu nhận được chia cho số bản tin lẽ ra phải nhận trong kỳ (thời gian của kỳ chia cho chu kỳ gửi của từng loại thiết bị), cộng trên mọi thiết bị; mỗi thiết bị tính tối đa bằng số lẽ ra phải nhận.',
    en: 'Readings received divided by readings expected in the period (the period’s length over each device type’s reporting interval), summed over all devices; no device counts for more than it was expected to send.',
  },
  numerator: { vi: 'Bản tin số liệu nhận được', en: 'Readings received' },
  denominator: { vi: 'Bản tin lẽ ra phải nhận', en: 'Readings expected' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  target: { op: '>=', value: 95 },
  mapsTo: { vi: 'Tiêu chí 8.4: ứng dụng công nghệ thông tin trong quản lý', en: 'Criterion 8.4: IT in commune management' },
  async compute(ctx) {
    const seconds = Math.max(0, (ctx.to.getTime() - ctx.from.getTime()) / 1000);
    const received = new Map<string, number>();
    const fields = new Map<string, string>();
    for (const d of ctx.site.devices) fields.set(readingField(d).measurement, readingField(d).field);
    for (const [measurement, field] of fields) for (const [id, n] of await countByDevice(ctx, { measurement, field })) received.set(id, n);
    return sumByHamlet(ctx.site, ctx.site.devices, (d) => d.hamlet, (d) => {
      const expected = Math.floor(seconds / deviceType(d.type)!.reportEveryS);
      return { numerator: Math.min(received.get(d.id) ?? 0, expected), denominator: expected };
    });
  },
});

/** Commands the devices applied, of those settled in the period. */
export const commandSuccess = defineIndicator({
  id: 'plane-command-success',
  name: { vi: 'Lệnh điều khiển thành công', en: 'Command success' },
  definition: {
    vi: 'Số lệnh thiết bị đã thực hiện chia cho số lệnh đã có kết quả trong kỳ (thực hiện, bị từ chối, hết hạn hoặc quá thời gian chờ).',
    en: 'Commands the devices applied divided by the commands settled in the period (applied, rejected, expired or timed out).',
  },
  numerator: { vi: 'Lệnh đã thực hiện', en: 'Commands applied' },
  denominator: { vi: 'Lệnh đã có kết quả', en: 'Commands settled' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  target: { op: '>=', value: 98 },
  async compute(ctx) {
    const rows = await ctx.storage.influx.query<{ device: string; status: string; n: number }>(
      `SELECT count("id") AS n FROM ${escape.quoted(ctx.rp)}."command_audit" WHERE ${within(ctx.from, ctx.to)} AND "status" != 'pending' GROUP BY "device", "status"`,
    );
    const byDevice = new Map<string, { applied: number; settled: number }>();
    for (const r of rows) {
      const c = byDevice.get(r.device) ?? { applied: 0, settled: 0 };
      c.settled += r.n;
      if (r.status === 'applied') c.applied += r.n;
      byDevice.set(r.device, c);
    }
    return sumByHamlet(ctx.site, ctx.site.devices, (d) => d.hamlet, (d) => {
      const c = byDevice.get(d.id);
      return { numerator: c?.applied ?? 0, denominator: c?.settled ?? 0 };
    });
  },
});

const HOUR_MS = 3600_000;
/** The most findings of one kind an indicator lists (the stored snapshot keeps 16,000 characters of them). */
const MAX_LISTED = 50;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Time-weighted online share of every device, from its availability changes. */
export const deviceAvailability = defineIndicator({
  id: 'plane-device-availability',
  name: { vi: 'Thời gian thiết bị trực tuyến', en: 'Device availability' },
  definition: {
    vi: 'Tổng số giờ các thiết bị trực tuyến trong kỳ chia cho tổng số giờ của kỳ nhân với số thiết bị. Một thiết bị ở trạng thái được báo gần nhất (trực tuyến hoặc mất kết nối) cho tới lần báo sau; trước lần báo đầu tiên, thiết bị được tính là mất kết nối. Phần phát hiện nêu tỉ lệ theo từng loại chức năng (van, cảm biến đất, trạm thời tiết, đèn, loa) và các thiết bị mất kết nối từ một giờ trở lên.',
    en: 'Hours the devices were online in the period divided by the period’s hours times the number of devices. A device is in the state it last reported (online or offline) until its next report; before its first report ever it counts as offline. The findings give the share per trait (valve, soil sensor, weather, luminaire, speaker) and the devices offline for an hour or more.',
  },
  numerator: { vi: 'Giờ thiết bị trực tuyến', en: 'Device-hours online' },
  denominator: { vi: 'Giờ thiết bị trong kỳ', en: 'Device-hours in the period' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  async compute(ctx) {
    // A time-weighted share of a boolean state is no InfluxQL aggregate (integral() wants numbers
    // and interpolates between points), so only the state changes are fetched: each device's last
    // report before the period and its reports in it.
    const table = `${escape.quoted(ctx.rp)}."availability"`;
    const [before, changes] = await ctx.storage.influx.query<{ device: string; online: boolean; time: Date }>([
      `SELECT last("online") AS online FROM ${table} WHERE time < ${escape.stringLit(ctx.from.toISOString())} GROUP BY "device"`,
      `SELECT "online" FROM ${table} WHERE ${within(ctx.from, ctx.to)} GROUP BY "device"`,
    ]);
    const start = new Map((before ?? []).map((r) => [r.device, r.online]));
    const byDevice = new Map<string, { at: number; online: boolean }[]>();
    for (const r of changes ?? []) byDevice.set(r.device, [...(byDevice.get(r.device) ?? []), { at: r.time.getTime(), online: r.online }]);
    const periodMs = Math.max(0, ctx.to.getTime() - ctx.from.getTime());
    const onlineMs = new Map<string, number>();
    for (const d of ctx.site.devices) {
      let online = start.get(d.id) ?? false;
      let t = ctx.from.getTime();
      let ms = 0;
      for (const c of (byDevice.get(d.id) ?? []).sort((a, b) => a.at - b.at)) {
        if (online) ms += c.at - t;
        online = c.online;
        t = c.at;
      }
      if (online) ms += ctx.to.getTime() - t;
      onlineMs.set(d.id, ms);
    }
    const findings: Finding[] = [];
    for (const trait of TRAITS) {
      const mine = ctx.site.devices.filter((d) => hasTrait(d.type, trait));
      if (mine.length === 0 || periodMs === 0) continue;
      const ms = mine.reduce((s, d) => s + onlineMs.get(d.id)!, 0);
      findings.push({ code: 'trait-availability', params: { trait, devices: mine.length, pct: round((100 * ms) / (periodMs * mine.length)) } });
    }
    // Devices offline an hour or more, the longest first past MAX_LISTED (then only how many more).
    const offline = ctx.site.devices.map((d) => ({ d, offH: (periodMs - onlineMs.get(d.id)!) / HOUR_MS })).filter((x) => x.offH >= 1);
    const listed = offline.length > MAX_LISTED ? [...offline].sort((a, b) => b.offH - a.offH).slice(0, MAX_LISTED) : offline;
    for (const { d, offH } of listed) findings.push({ hamlet: d.hamlet, device: d.id, code: 'device-offline', params: { hours: round(offH) } });
    if (offline.length > listed.length) findings.push({ code: 'more-devices-offline', params: { devices: offline.length - listed.length } });
    return {
      ...sumByHamlet(ctx.site, ctx.site.devices, (d) => d.hamlet, (d) => ({ numerator: onlineMs.get(d.id)! / HOUR_MS, denominator: periodMs / HOUR_MS })),
      findings,
    };
  },
});

interface AlertSpan {
  key: string;
  code: string;
  startedAt: number;
}

/**
 * Alerts by key through the period's end: the ones still open then, and the ones that ended in the
 * period with how long each took. The alert points are themselves the changes (a start and an end
 * per alert), so they are fetched as they are; InfluxQL cannot pair a start with its end (the key is
 * a field). A start for a key already open (raised again after a restart) keeps the first start.
 */
async function alertSpans(ctx: IndicatorContext): Promise<{ open: AlertSpan[]; resolved: (AlertSpan & { seconds: number })[] }> {
  const rows = await ctx.storage.influx.query<{ time: Date; key: string; code: string; state: string }>(
    `SELECT "key", "code", "state" FROM ${escape.quoted(ctx.rp)}."alert" WHERE time < ${escape.stringLit(ctx.to.toISOString())} ORDER BY time ASC`,
  );
  const open = new Map<string, AlertSpan>();
  const resolved: (AlertSpan & { seconds: number })[] = [];
  for (const r of rows) {
    const at = r.time.getTime();
    if (r.state === 'start') {
      if (!open.has(r.key)) open.set(r.key, { key: r.key, code: r.code, startedAt: at });
    } else if (r.state === 'end') {
      const a = open.get(r.key);
      open.delete(r.key);
      if (a && at >= ctx.from.getTime()) resolved.push({ ...a, seconds: (at - a.startedAt) / 1000 });
    }
  }
  return { open: [...open.values()], resolved };
}

/** How many alerts were still open when the period ended. */
export const openAlerts = defineIndicator({
  id: 'plane-open-alerts',
  name: { vi: 'Cảnh báo còn mở', en: 'Open alerts' },
  definition: {
    vi: 'Số cảnh báo đã bắt đầu mà chưa kết thúc tại thời điểm cuối kỳ (hoặc tại lúc tính, với tháng đang diễn ra), bất kể bắt đầu từ kỳ nào. Phần phát hiện liệt kê từng cảnh báo còn mở và thời điểm bắt đầu.',
    en: 'The alerts started and not yet ended at the period’s end (or now, for the month under way), whenever they started. The findings list each open alert and when it started.',
  },
  numerator: { vi: 'Cảnh báo còn mở', en: 'Alerts open' },
  denominator: { vi: '(một thời điểm: cuối kỳ)', en: '(one instant: the period’s end)' },
  unit: 'count',
  period: 'month',
  scope: 'commune',
  async compute(ctx) {
    const { open } = await alertSpans(ctx);
    // The oldest first; past MAX_LISTED only how many more.
    const findings: Finding[] = open.slice(0, MAX_LISTED).map((a) => ({ code: 'alert-open', params: { key: a.key, alert: a.code, since: new Date(a.startedAt).toISOString() } }));
    if (open.length > MAX_LISTED) findings.push({ code: 'more-alerts-open', params: { alerts: open.length - MAX_LISTED } });
    return { commune: { numerator: open.length, denominator: 1 }, findings };
  },
});

/** Mean hours from an alert's start to its end, over the alerts that ended in the period. */
export const alertResolveTime = defineIndicator({
  id: 'plane-alert-resolve-time',
  name: { vi: 'Thời gian xử lý cảnh báo trung bình', en: 'Mean time to resolve alerts' },
  definition: {
    vi: 'Tổng số giờ từ lúc bắt đầu tới lúc kết thúc của các cảnh báo kết thúc trong kỳ (kể cả cảnh báo bắt đầu từ kỳ trước), chia cho số cảnh báo đó. Phần phát hiện nêu số cảnh báo và thời gian trung bình theo từng loại cảnh báo.',
    en: 'Hours from start to end of the alerts that ended in the period (including those that started before it), divided by the number of those alerts. The findings give the count and mean per alert code.',
  },
  numerator: { vi: 'Tổng giờ cảnh báo kéo dài', en: 'Hours the alerts lasted' },
  denominator: { vi: 'Cảnh báo kết thúc trong kỳ', en: 'Alerts ended in the period' },
  unit: 'h',
  period: 'month',
  scope: 'commune',
  async compute(ctx) {
    const { resolved } = await alertSpans(ctx);
    const byCode = new Map<string, { n: number; seconds: number }>();
    for (const a of resolved) {
      const c = byCode.get(a.code) ?? { n: 0, seconds: 0 };
      c.n++;
      c.seconds += a.seconds;
      byCode.set(a.code, c);
    }
    const findings: Finding[] = [...byCode].map(([alert, c]) => ({ code: 'alert-resolve-time', params: { alert, alerts: c.n, meanH: round(c.seconds / c.n / 3600, 2) } }));
    return { commune: { numerator: resolved.reduce((s, a) => s + a.seconds, 0) / 3600, denominator: resolved.length }, findings };
  },
});

/**
 * Mean hours from an alert's raise to its acknowledgement, over the acks given in the period. Each
 * `ack` point carries `sinceS`, the seconds since that occurrence was raised (an ack answers the
 * occurrence it saw: a re-raise asks for a new one), so this is a sum and a count in InfluxQL.
 */
export const alertAckTime = defineIndicator({
  id: 'plane-alert-ack-time',
  name: { vi: 'Thời gian tiếp nhận cảnh báo trung bình', en: 'Mean time to acknowledge alerts' },
  definition: {
    vi: 'Tổng số giờ từ lúc cảnh báo xuất hiện tới lúc có người xác nhận đã xem, của các lần xác nhận trong kỳ (kể cả cảnh báo xuất hiện từ kỳ trước), chia cho số lần xác nhận đó. Phần phát hiện nêu số lần và thời gian trung bình theo từng loại cảnh báo.',
    en: 'Hours from an alert being raised to someone acknowledging it, over the acknowledgements given in the period (including alerts raised before it), divided by the number of those acknowledgements. The findings give the count and mean per alert code.',
  },
  numerator: { vi: 'Tổng giờ chờ xác nhận', en: 'Hours until acknowledged' },
  denominator: { vi: 'Cảnh báo được xác nhận trong kỳ', en: 'Alerts acknowledged in the period' },
  unit: 'h',
  period: 'month',
  scope: 'commune',
  async compute(ctx) {
    // `code` is a field (unbounded values stay out of tags), so the split by code is done here.
    const acks = await ctx.storage.influx.query<{ code: string; sinceS: number }>(
      `SELECT "code", "sinceS" FROM ${escape.quoted(ctx.rp)}."alert" WHERE ${within(ctx.from, ctx.to)} AND "state" = 'ack'`,
    );
    const byCode = new Map<string, { n: number; seconds: number }>();
    for (const a of acks) {
      const c = byCode.get(a.code) ?? { n: 0, seconds: 0 };
      c.n++;
      c.seconds += a.sinceS;
      byCode.set(a.code, c);
    }
    const findings: Finding[] = [...byCode].map(([alert, c]) => ({ code: 'alert-ack-time', params: { alert, alerts: c.n, meanH: round(c.seconds / c.n / 3600, 2) } }));
    const seconds = [...byCode.values()].reduce((s, c) => s + c.seconds, 0);
    return { commune: { numerator: seconds / 3600, denominator: acks.length }, findings };
  },
});

export const planeIndicators = [telemetryCompleteness, commandSuccess, deviceAvailability, openAlerts, alertResolveTime, alertAckTime];
