// The commune radio's indicators.
import { defineIndicator, type Finding } from '../define.js';
import { countByDevice, devicesWith, readingField, sumByHamlet } from '../query.js';

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

export const radioIndicators = [hamletsReached];
