// How long the officials' indicators take for a month on the demo commune (65 devices): a full
// month of readings at each type's reporting interval (about 1.7 M points) is written straight into
// InfluxDB, then the month is computed three times (recompute, so nothing is read back).
import { performance } from 'node:perf_hooks';
import { deviceType, hasTrait } from '../devices/index.js';
import { demoFleet } from '../firmware-sim/fleet.js';
import { monthSpan } from '../controller/indicators/period.js';
import { startTestVillage } from '../tests/helpers/village.js';
import { median } from './stats.js';

const MONTH = { year: 2026, month: 10 };

function reading(type: string, i: number): Record<string, number | string | boolean> {
  if (hasTrait(type, 'speaker')) return { volumePct: 80, amplifierOk: true, playing: i % 60 === 0 };
  if (hasTrait(type, 'luminaire')) return { powerW: i % 288 < 144 ? 45 : 0, energyKwh: i * 0.01, lampStatus: 'ok' };
  if (hasTrait(type, 'valve')) return { flowLpm: i % 30 === 0 ? 12 : 0, totalLiters: i * 2 };
  if (hasTrait(type, 'soil-sensor')) return { airTempC: 28, airHumidityPct: 75, soilMoisturePct: 30 + (i % 20), lightLux: 20000 };
  return { airTempC: 27, airHumidityPct: 80, rainMm: 0, windMs: 1 };
}

export async function indicatorsMonth(): Promise<void> {
  const site = demoFleet(42);
  const t = await startTestVillage({ site });
  try {
    const cfg = t.village.site.config;
    const span = monthSpan(MONTH, cfg.site.tz);
    let points = 0;
    const t0 = performance.now();
    for (const d of cfg.devices) {
      const type = deviceType(d.type)!;
      const step = type.reportEveryS * 1000;
      const batch = [];
      for (let ts = span.from.getTime(), i = 0; ts < span.to.getTime(); ts += step, i++) {
        batch.push({ measurement: type.influx.measurement, tags: { site: cfg.site.id, type: d.type, device: d.id, hamlet: d.hamlet, ...(d.zone && { zone: d.zone }) }, fields: reading(d.type, i), timestamp: ts });
      }
      for (let i = 0; i < batch.length; i += 10_000) await t.village.storage.influx.writePoints(batch.slice(i, i + 10_000), { precision: 'ms', retentionPolicy: 'village_2y' });
      points += batch.length;
    }
    const written = (performance.now() - t0) / 1000;
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await t.village.indicators.snapshot(MONTH, { recompute: true })).computeMs);
    console.log(
      `indicators for a month on the demo commune (${cfg.devices.length} devices, ${points.toLocaleString('en')} readings written in ${written.toFixed(0)} s): ` +
        `median ${median(times).toFixed(0)} ms (${times.join(', ')} ms) for ${(await t.village.indicators.snapshot(MONTH)).indicators.length} indicators`,
    );
  } finally {
    await t.stop();
  }
}
