// Overload rounds: 100 clients publish (QoS 1, open loop) at a given total rate for S seconds, then
// every one of them is dropped at once; 5 rounds against one running broker. Beside them one
// legitimate device publishes a reading a second throughout: is it still served?
import { performance } from 'node:perf_hooks';
import { openLoop, rawConnect, Reconnecting, type RawConn } from './loadgen.js';
import { pct } from './stats.js';
import type { Target } from './targets.js';
import { until } from '../tests/helpers/village.js';

export const FLOODERS = 100;
export const LEGIT = 'ovl-legit';
export const flooderId = (i: number) => `ovl-${i}`;

export interface OverloadRound {
  sent: number;
  /** PUBACKs back: what the broker took responsibility for. */
  acked: number;
  /** Sent but never acknowledged: still the device's (QoS 1), unread or refused when it was dropped. */
  notAdmitted: number;
  /** Acknowledged but never delivered end to end: must be 0. */
  lost: number;
  /** Delivered end to end per second while the flood lasted. */
  usefulPerS: number;
  alive: boolean;
  legit: { sent: number; acked: number; p99Ms: number };
}

const payload = (ts: number) => Buffer.from(JSON.stringify({ ts, airTempC: 24.6, airHumidityPct: 81.2, rainMm: 0, windMs: 1.8, solarWm2: 412.5, note: 'x'.repeat(40) }));

export async function overloadRound(t: Target, ratePerS: number, seconds: number): Promise<OverloadRound> {
  const delivered0 = await t.delivered();
  const flooders: RawConn[] = [];
  for (let i = 0; i < FLOODERS; i++) flooders.push(await rawConnect(t.port, { clientId: flooderId(i), ...t.auth(flooderId(i)) }));
  const legit = await rawConnect(t.port, { clientId: LEGIT, ...t.auth(LEGIT) });
  const legitSent = new Map<number, number>();
  const legitMs: number[] = [];
  let legitId = 0;
  legit.onPuback = (id) => {
    const at = legitSent.get(id);
    if (at !== undefined) legitMs.push(performance.now() - at);
  };
  const legitTimer = setInterval(() => {
    const id = (legitId++ % 65535) + 1;
    legitSent.set(id, performance.now());
    legit.publish(`village/xa-thu/${LEGIT}/telemetry`, payload(Date.now() - 7200_000 + legitId), id);
  }, 1000);
  const base = Date.now() - 3600_000 - Math.floor(Math.random() * 1e9);
  // Written whatever the sockets say: open loop.
  const sent = Math.floor(ratePerS * seconds);
  await openLoop(ratePerS, sent, (n) => {
    const c = flooders[n % FLOODERS]!;
    if (!c.sock.destroyed) c.publish(`village/xa-thu/${flooderId(n % FLOODERS)}/telemetry`, payload(base + n), (Math.floor(n / FLOODERS) % 65535) + 1);
  });
  const deliveredInRound = (await t.delivered()) - delivered0;
  // Every flooder dropped at once.
  const acked = flooders.reduce((n, c) => n + c.pubacks, 0);
  flooders.forEach((c) => c.close());
  // The legitimate device goes on a little past the drop, then stops and is answered.
  await new Promise((r) => setTimeout(r, 3000));
  clearInterval(legitTimer);
  await until(() => legit.pubacks >= legitId, 'the legit device acknowledged', 30_000).catch(() => {});
  // Settle: what was acknowledged reaches the end, or stops moving (then it shows as lost).
  for (let last = -1, d = 0, end = Date.now() + 120_000; Date.now() < end; last = d) {
    await new Promise((r) => setTimeout(r, 1000));
    d = (await t.delivered()) - delivered0;
    if (d >= acked + legit.pubacks || d === last) break;
  }
  const delivered = (await t.delivered()) - delivered0 - legit.pubacks;
  legit.close();
  return {
    sent,
    acked,
    notAdmitted: sent - acked,
    lost: Math.max(0, acked - delivered),
    usefulPerS: (deliveredInRound - legitId) / seconds,
    alive: await t.alive(),
    legit: { sent: legitId, acked: legit.pubacks, p99Ms: legitMs.length ? pct(legitMs, 0.99) : NaN },
  };
}

/**
 * A reconnect storm: n devices connected and publishing, the broker restarts on the same port, and
 * each device reconnects with jittered backoff (bench/loadgen.ts) and publishes a reading. Time from
 * the restart until every device has its reading acknowledged again.
 */
export async function reconnectStormOn(t: Target, ids: string[]): Promise<{ s: number }> {
  const back = new Set<string>();
  let epoch = 0; // a reading counts only from a connection made since the last restart
  const devices = ids.map((id) => {
    const d: Reconnecting = new Reconnecting({
      port: t.port,
      clientId: id,
      ...t.auth(id),
      onUp: () => {
        const mine = epoch;
        d.conn!.onPuback = () => mine === epoch && back.add(id);
        d.conn!.publish(`village/xa-thu/${id}/telemetry`, payload(Date.now()), 1);
      },
      onDown: () => back.delete(id),
    });
    return d;
  });
  try {
    // Connected before the storm at a steady pace, as a commune's devices come up over a day.
    for (let i = 0; i < devices.length; i += 200) {
      devices.slice(i, i + 200).forEach((d) => d.start());
      await until(() => back.size >= Math.min(devices.length, i + 200), 'devices up', 120_000);
    }
    const t0 = performance.now();
    epoch++;
    back.clear();
    await t.restart();
    await until(() => back.size === ids.length, 'every device back and publishing', 180_000);
    return { s: (performance.now() - t0) / 1000 };
  } finally {
    devices.forEach((d) => d.stop());
  }
}
