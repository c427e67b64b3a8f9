// Street lighting's indicators.
import { defineIndicator } from '../define.js';
import { countByDevice, devicesWith, readingField, sumByHamlet } from '../query.js';

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

export const lightingIndicators = [remotelyManaged];
