// What rules cost per reading: the demo commune (65 devices) with 1,000 rules of four shapes (a
// device's metric with for and clear, soil moisture by zone, an average by hamlet and type, a
// stale check), readings put on the village's bus as ingest does. The figure is the time per
// reading with the rules minus the same loop before any rule existed (sink, live state and the
// other listeners cost the same in both), medians of three rounds after a warm-up.
import { performance } from 'node:perf_hooks';
import { deviceType } from '../devices/index.js';
import { demoFleet } from '../firmware-sim/fleet.js';
import type { RuleInput } from '../controller/rules/schema.js';
import { selectDevices } from '../controller/rules/schema.js';
import { startTestVillage } from '../tests/helpers/village.js';
import { median } from './stats.js';

const RULES = 1000;
const READINGS = 20_000;

export async function rulesCost(): Promise<void> {
  const site = demoFleet(42);
  const t = await startTestVillage({ site });
  try {
    const cfg = t.village.site.config;
    const admin = t.village.auth.actorOf(t.village.auth.user('admin')!);
    const numeric = (type: string) => deviceType(type)!.metrics.filter((m) => m.capability.kind === 'number' && !m.optional).map((m) => m.key);
    const devices = cfg.devices;
    const values = (type: string, i: number) => Object.fromEntries(numeric(type).map((k, j) => [k, 20 + ((i * 7 + j * 13) % 30)]));

    const loop = () => {
      const t0 = performance.now();
      for (let i = 0; i < READINGS; i++) {
        const d = devices[i % devices.length]!;
        t.village.bus.emit('reading', { deviceId: d.id, type: d.type, ts: new Date(), values: values(d.type, i) });
      }
      return ((performance.now() - t0) * 1000) / READINGS;
    };
    loop(); // warm-up
    const base = median([loop(), loop(), loop()]);

    // Zones with a soil sensor, so every rule selects something and all 1,000 are saved.
    const zones = cfg.zones.filter((z) => selectDevices(cfg, { zone: z.id, trait: 'soil-sensor' }).length > 0);
    const rules: RuleInput[] = [];
    for (let i = 0; i < RULES; i++) {
      const d = devices[i % devices.length]!;
      const alert = [{ kind: 'alert' as const, severity: 'warning' as const, message: '{device} {value}' }];
      const shape = i % 4;
      if (shape === 0) rules.push({ id: `b-${i}`, name: `b${i}`, owner: 'admin', when: { kind: 'metric', select: { devices: [d.id] }, metric: numeric(d.type)[0]!, op: '>', value: 45, forS: 600, clear: { value: 40, forS: 60 } }, then: alert });
      else if (shape === 1 && zones.length) rules.push({ id: `b-${i}`, name: `b${i}`, owner: 'admin', when: { kind: 'metric', select: { zone: zones[i % zones.length]!.id, trait: 'soil-sensor' }, metric: 'soilMoisturePct', op: '<', value: 21, forS: 300 }, then: alert });
      else if (shape === 2) rules.push({ id: `b-${i}`, name: `b${i}`, owner: 'admin', when: { kind: 'metric', select: { hamlet: d.hamlet, type: d.type }, metric: numeric(d.type)[0]!, op: 'outside', min: 10, max: 48, aggregate: 'avg' }, then: alert });
      else rules.push({ id: `b-${i}`, name: `b${i}`, owner: 'admin', when: { kind: 'metric', select: { devices: [d.id] }, metric: numeric(d.type)[0]!, op: 'stale', staleMin: 30 }, then: alert });
    }
    for (const r of rules) await t.village.rules.put(r, admin);
    const saved = t.village.rules.list(admin).length;
    // Evaluations a reading causes, on average: the rules that select its device.
    const perDevice = devices.map((d) => t.village.rules.list(admin).filter((v) => v.rule.when.kind === 'metric' && selectDevices(cfg, v.rule.when.select).some((x) => x.id === d.id)).length);
    const evals = perDevice.reduce((a, b) => a + b, 0) / devices.length;
    loop(); // warm-up with rules
    const withRules = median([loop(), loop(), loop()]);
    const fired = t.village.rules.list(admin).filter((v) => Object.keys(v.state?.targets ?? {}).length).length;
    console.log(`rules: ${saved} rules on ${devices.length} devices (${evals.toFixed(1)} rule evaluations per reading on average), ${READINGS} readings a round:`);
    console.log(`  per reading: ${base.toFixed(1)} µs without rules, ${withRules.toFixed(1)} µs with → rules cost ${(withRules - base).toFixed(1)} µs/reading (${((withRules - base) / evals).toFixed(2)} µs per rule evaluation); ${fired} rules had a target under way`);
  } finally {
    await t.stop();
  }
}
