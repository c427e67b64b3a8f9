// The plane's own indicators: how much of what devices should send arrives, and how commands fare.
import { escape } from 'influx';
import { deviceType } from '../../../devices/index.js';
import { defineIndicator } from '../define.js';
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

export const planeIndicators = [telemetryCompleteness, commandSuccess];
