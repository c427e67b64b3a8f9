// The broker's refusal counter on a fake clock: a sliding minute per source, one alert when it
// crosses the threshold, seen again at most once a window, cleared after the quiet time; unknown
// client ids counted by address.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BrokerWatch } from '../../controller/alerts/broker-watch.js';
import { Bus, type BusEvents } from '../../controller/bus.js';

function setup(thresholds = {}) {
  let now = Date.UTC(2026, 10, 1);
  const bus = new Bus(pino({ level: 'silent' }));
  const alerts: BusEvents['alert'][] = [];
  bus.on('alert', (a) => alerts.push(a));
  const w = new BrokerWatch({ bus, thresholds, quietMs: 300_000, tickMs: 0, now: () => now });
  return { w, alerts, advance: (ms: number) => (now += ms), at: () => now };
}

describe('BrokerWatch', () => {
  it('counts in a sliding minute: 9 failures a minute apart from the 10th raise nothing', () => {
    const { w, alerts, advance } = setup();
    for (let i = 0; i < 9; i++) {
      w.record({ kind: 'auth', clientId: 'van-1', known: true, ip: '10.0.0.5' });
      advance(1000);
    }
    advance(60_000);
    w.record({ kind: 'auth', clientId: 'van-1', known: true, ip: '10.0.0.5' });
    expect(alerts).toEqual([]);
  });

  it('raises once at the threshold, is seen again at most once a window, clears after the quiet time', () => {
    const { w, alerts, advance, at } = setup();
    for (let i = 0; i < 30; i++) {
      w.record({ kind: 'auth', clientId: 'van-1', known: true });
      advance(1000);
    }
    // 10th at t=9 s raises; the next raise (seen again) comes a window later, at t=69 s > 30 s: none.
    expect(alerts.map((a) => [a.key, a.active, (a.what as { count: number }).count])).toEqual([['broker.auth.id:van-1', true, 10]]);
    expect(alerts[0]).toMatchObject({ severity: 'critical', device: 'van-1', what: { code: 'broker-auth-failures', clientId: 'van-1' } });
    for (let i = 0; i < 40; i++) {
      w.record({ kind: 'auth', clientId: 'van-1', known: true });
      advance(1000);
    }
    expect(alerts.filter((a) => a.active)).toHaveLength(2);
    expect((alerts[1]!.what as { count: number }).count).toBe(60);
    const last = at() - 1000; // the loop's last refusal
    w.tick(last + 299_999);
    expect(alerts.filter((a) => !a.active)).toHaveLength(0);
    w.tick(last + 300_000);
    expect(alerts.at(-1)).toMatchObject({ key: 'broker.auth.id:van-1', active: false });
  });

  it('counts unknown client ids by address, and each kind on its own threshold', () => {
    const { w, alerts } = setup({ deniedTopics: 2, rateLimited: 3 });
    for (let i = 0; i < 10; i++) w.record({ kind: 'auth', clientId: `guess-${i}`, known: false, ip: '203.0.113.9' });
    w.record({ kind: 'denied', clientId: 'den-1', known: true });
    w.record({ kind: 'denied', clientId: 'den-1', known: true });
    w.record({ kind: 'rate', clientId: 'van-2', known: true });
    w.record({ kind: 'rate', clientId: 'van-2', known: true });
    expect(alerts.map((a) => a.key)).toEqual(['broker.auth.ip:203.0.113.9', 'broker.denied.id:den-1']);
    expect(alerts[0]!.what).toEqual({ code: 'broker-auth-failures', ip: '203.0.113.9', count: 10 });
    expect(alerts[0]!.device).toBeUndefined();
    w.record({ kind: 'rate', clientId: 'van-2', known: true });
    expect(alerts.at(-1)).toMatchObject({ key: 'broker.rate.id:van-2', severity: 'warning', what: { code: 'broker-rate-limited', count: 3 } });
  });

  it('tracks a bounded number of sources', () => {
    let now = 0;
    const bus = new Bus(pino({ level: 'silent' }));
    const w = new BrokerWatch({ bus, tickMs: 0, maxSources: 100, now: () => now++ });
    for (let i = 0; i < 1000; i++) w.record({ kind: 'auth', clientId: `x${i}`, known: false, ip: `10.0.${i >> 8}.${i & 255}` });
    expect((w as unknown as { sources: Map<string, unknown> }).sources.size).toBe(100);
  });
});
