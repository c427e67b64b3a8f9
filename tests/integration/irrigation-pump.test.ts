// A water source with a pump: the pump opens before the zone valve (onDelayS), its own durationS
// covers the run, and it closes offDelayS after the source's last run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteConfig } from '../../controller/config/site.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let fleet: SimFleet;

function pumpSite(): SiteConfig {
  const s = testSite();
  return SiteConfig.parse({
    ...s,
    // Two valves may run at once, but only 20 L/min: two 15 L/min drip lines do not fit together.
    waterSources: [{ id: 'tram-bom', name: 'Trạm bơm', kind: 'pump', maxValves: 2, maxLpm: 20, pump: { device: 'pump-01', onDelayS: 1, offDelayS: 1 } }],
    zones: [...s.zones, { id: 'nha-mang-2', name: 'Nhà màng 2', hamlet: 'thon-a', kind: 'greenhouse', areaM2: 500, crop: 'rau' }].map((z) => ({ ...z, waterSource: 'tram-bom' })),
    devices: [
      ...s.devices.map(({ config: _, ...d }) => d),
      { id: 'valve-02', type: 'irrigation-valve', name: 'Van 2', hamlet: 'thon-a', zone: 'nha-mang-2', attributes: { kind: 'drip', nominalLpm: 15 } },
      { id: 'pump-01', type: 'irrigation-valve', name: 'Bơm', hamlet: 'thon-a', attributes: { kind: 'sprinkler' } },
    ],
  });
}

beforeAll(async () => {
  t = await startTestVillage({ site: pumpSite(), options: { irrigation: { tickMs: 200 } } });
  const site = pumpSite();
  site.devices = site.devices.filter((d) => d.type === 'irrigation-valve');
  fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 9, speed: 1, stepEveryMs: 200, reconnectPeriodMs: 200 });
  fleet.start();
  await until(() => ['valve-01', 'valve-02', 'pump-01'].every((v) => t.village.live.snapshot(v)?.availability === 'online'), 'online');
});
afterAll(async () => {
  await fleet?.stop();
  await t?.stop();
});

describe('pump', () => {
  it('refuses a site whose pump is not a device that opens', () => {
    const bad = { ...pumpSite(), waterSources: [{ id: 'tram-bom', name: 'x', kind: 'pump', maxValves: 1, pump: { device: 'gh-01' } }] };
    const r = SiteConfig.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('waterSources.0.pump.device');
  });

  it('opens the pump first, the valve onDelayS later, and closes the pump offDelayS after the run', async () => {
    const res = await (await t.as('operator')).fetch('/api/irrigation/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ zone: 'nha-mang-1', durationS: 2 }),
    });
    expect(res.status).toBe(202);
    const run = await until(() => {
      const r = t.village.irrigation.runs()[0];
      return r && ['done', 'failed'].includes(r.status) ? r : undefined;
    }, 'run done', 15_000);
    expect(run.status).toBe('done');
    await until(() => fleet.device('pump-01')!.reported()?.open === false, 'pump closed', 10_000);
    const cmds = t.village.commands.recent().reverse();
    const pumpOpen = cmds.find((c) => c.deviceId === 'pump-01' && c.action === 'open')!;
    const valveOpen = cmds.find((c) => c.deviceId === 'valve-01' && c.action === 'open')!;
    const pumpClose = cmds.find((c) => c.deviceId === 'pump-01' && c.action === 'close')!;
    expect(Date.parse(valveOpen.issuedAt) - Date.parse(pumpOpen.issuedAt)).toBeGreaterThanOrEqual(1000);
    expect(pumpOpen.params.durationS as number).toBeGreaterThanOrEqual(2 + 1 + 1);
    expect(Date.parse(pumpClose.issuedAt) - run.endedAt!).toBeGreaterThanOrEqual(1000 - 50);
  });

  it("keeps a source within its L/min: two drip lines of 15 L/min never share a 20 L/min pump", async () => {
    const before = t.village.irrigation.runs().length;
    const post = (zone: string) =>
      t.as('operator').then((op) => op.fetch('/api/irrigation/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ zone, durationS: 2 }) }));
    await post('nha-mang-1');
    await post('nha-mang-2');
    let maxOpen = 0;
    const timer = setInterval(() => {
      maxOpen = Math.max(maxOpen, ['valve-01', 'valve-02'].filter((v) => fleet.device(v)!.reported()?.open === true).length);
    }, 50);
    const runs = await until(() => {
      const r = t.village.irrigation.runs().slice(before);
      return r.length === 2 && r.every((x) => x.status === 'done') ? r : undefined;
    }, 'both done', 20_000);
    clearInterval(timer);
    expect(maxOpen).toBe(1);
    expect(runs[1]!.startedAt!).toBeGreaterThanOrEqual(runs[0]!.endedAt!);
  });
});
