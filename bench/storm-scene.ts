// The storm scene on the demo commune (demoFleet: 40 lights, 10 speaker clusters, 8 valves; the
// simulated fleet at speed 1): from the admin's tap (POST /api/scenes/bao/run) to every device
// settled — every light's command applied or rejected, every cluster's emergency started, irrigation
// paused — as the run record says (its `done`). The bulletin's speech is made inside the figure,
// as on a real tap. One warm-up run, then the median of 3; an undo between runs.
import { performance } from 'node:perf_hooks';
import type { SceneRun } from '../controller/scenes/schema.js';
import { stormScene } from '../controller/scenes/demo.js';
import { SimFleet } from '../firmware-sim/fleet-runner.js';
import { demoFleet } from '../firmware-sim/fleet.js';
import { startTestVillage, until } from '../tests/helpers/village.js';
import { median } from './stats.js';

const fmt = (n: number, d = 0) => n.toFixed(d);

export async function stormSceneBench(): Promise<{ median: number }> {
  const site = demoFleet(42);
  const t = await startTestVillage({ site, options: { radio: { tickMs: 1000 } } });
  const fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 42, speed: 1, stepEveryMs: 200 });
  fleet.start();
  try {
    await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'the demo commune online', 60_000);
    await t.village.scenes.put(stormScene(site.site.name));
    const admin = await t.as('bench-admin', 'admin');
    const ended = (id: string) =>
      new Promise<{ run: SceneRun; at: number }>((resolve) => {
        const off = t.village.bus.on('scene', (r) => {
          if (r.id === id && r.status !== 'running') {
            off();
            resolve({ run: r, at: performance.now() });
          }
        });
      });
    const rows: { total: number; lights: number; clusters: number; status: string }[] = [];
    for (let i = 0; i < 4; i++) {
      // Subscribed before the tap: the id is known only from the answer, so match the first run to end.
      let id = '';
      let resolveEnd: (x: { run: SceneRun; at: number }) => void = () => {};
      const end = new Promise<{ run: SceneRun; at: number }>((r) => (resolveEnd = r));
      const off = t.village.bus.on('scene', (r) => {
        if (r.id === id && r.status !== 'running') resolveEnd({ run: r, at: performance.now() });
      });
      const t0 = performance.now();
      const res = await admin.post('/api/scenes/bao/run', {});
      if (res.status !== 202) throw new Error(`run ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      id = (res.body as SceneRun).id;
      const current = t.village.scenes.runById(id);
      const done = current.status !== 'running' ? { run: current, at: performance.now() } : await end;
      off();
      const r = done.run;
      const last = (kind: string) => Math.max(...r.actions.find((a) => a.kind === kind)!.devices.map((d) => d.at)) - r.startedAt;
      if (i > 0) rows.push({ total: done.at - t0, lights: last('lighting-all'), clusters: last('bulletin'), status: r.status });
      const undo = await admin.post('/api/scenes/bao/undo', {});
      if (undo.status !== 202) throw new Error(`undo ${i}: ${undo.status}`);
      const u = t.village.scenes.runById((undo.body as SceneRun).id);
      if (u.status === 'running') await ended(u.id);
    }
    const m = median(rows.map((x) => x.total));
    console.log(`storm scene (demo commune: ${site.devices.filter((d) => d.type === 'street-light').length} lights, ${site.devices.filter((d) => d.type === 'loudspeaker').length} clusters, SimFleet speed 1), tap to every device settled:`);
    console.log(`  median ${fmt(m)} ms of 3 (${rows.map((x) => `${fmt(x.total)} ms ${x.status}`).join(', ')})`);
    console.log(`  last light applied at median ${fmt(median(rows.map((x) => x.lights)))} ms, last cluster started at median ${fmt(median(rows.map((x) => x.clusters)))} ms (run clock)`);
    return { median: m };
  } finally {
    await fleet.stop();
    await t.stop();
  }
}
