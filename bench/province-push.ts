// Pushing a month of simulated communes to a province over HTTP, as communes would: each
// commune's pushes in order (its closed days, then its finished month), communes side by side a
// few at a time. The bodies are made before the clock starts, so the figures are the province's.
import { performance } from 'node:perf_hooks';
import { PushResult, type SnapshotPush } from '../controller/api/contract/province.js';

export interface CommuneQueue {
  commune: string;
  token: string;
  /** The commune's pushes, in the order it sends them. */
  pushes: SnapshotPush[];
}

export interface PushRun {
  pushes: number;
  wallMs: number;
  /** Each push's latency, request sent to answer read. */
  latencies: number[];
  /** How many pushes got each result. */
  results: Record<PushResult['result'], number>;
}

/** Runs every commune's queue, `concurrency` communes at a time; any answer but 200 stops the run. */
export async function pushAll(o: { url: string; queues: CommuneQueue[]; concurrency: number }): Promise<PushRun> {
  const endpoint = new URL('/api/province/snapshots', o.url);
  const bodies = o.queues.map((q) => ({ q, bodies: q.pushes.map((p) => JSON.stringify(p)) }));
  const latencies: number[] = [];
  const results: PushRun['results'] = { stored: 0, unchanged: 0, superseded: 0 };
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const { q, bodies: mine } = bodies[next++]!;
      for (const body of mine) {
        const t0 = performance.now();
        const res = await fetch(endpoint, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${q.token}` }, body });
        const text = await res.text();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`push of ${q.commune}: ${res.status} ${text.slice(0, 300)}`);
        results[PushResult.parse(JSON.parse(text)).result]++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(o.concurrency, bodies.length) }, worker));
  return { pushes: latencies.length, wallMs: performance.now() - t0, latencies, results };
}
