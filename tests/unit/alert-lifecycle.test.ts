// The alert lifecycle on a fake clock: one alert per key however it flaps, re-raise after clear,
// severity up, the ack reset by a new occurrence, bounded history.
import { describe, expect, it } from 'vitest';
import { AlertBook, inboxOrder, type Raise } from '../../controller/alerts/lifecycle.js';

const T0 = Date.UTC(2026, 10, 1, 8);
const at = (s: number) => new Date(T0 + s * 1000);
const leak = (s: number, severity: Raise['severity'] = 'warning'): Raise => ({
  key: 'flow.leak.van-1',
  what: { code: 'flow-leak', device: 'van-1', flowLpm: 3 },
  severity,
  message: 'leak?',
  at: at(s),
  device: 'van-1',
  zone: 'ruong-1',
});

describe('AlertBook', () => {
  it('a flapping condition is one alert whose count says how often it went active', () => {
    const b = new AlertBook();
    expect(b.raise(leak(0)).transition).toBe('raised');
    for (let i = 1; i <= 5; i++) {
      expect(b.clear('flow.leak.van-1', at(i * 10))?.transition).toBe('cleared');
      expect(b.raise(leak(i * 10 + 5)).transition).toBe('reraised');
    }
    expect(b.all()).toHaveLength(1);
    const a = b.get('flow.leak.van-1')!;
    expect(a).toMatchObject({ state: 'active', count: 6, firstSeen: at(0).toISOString(), startedAt: at(55).toISOString(), lastSeen: at(55).toISOString() });
    expect(a.clearedAt).toBeUndefined();
  });

  it('a raise repeated while active is seen, not counted; a clear of a cleared alert is no change', () => {
    const b = new AlertBook();
    b.raise(leak(0));
    expect(b.raise(leak(30)).transition).toBe('seen');
    expect(b.get('flow.leak.van-1')).toMatchObject({ count: 1, startedAt: at(0).toISOString(), lastSeen: at(30).toISOString() });
    expect(b.clear('flow.leak.van-1', at(40))).toBeDefined();
    expect(b.clear('flow.leak.van-1', at(50))).toBeUndefined();
    expect(b.clear('no-such-key', at(50))).toBeUndefined();
    expect(b.get('flow.leak.van-1')!.clearedAt).toBe(at(40).toISOString());
  });

  it('a higher severity raises it and asks for a new look; a lower one leaves it', () => {
    const b = new AlertBook();
    b.raise(leak(0, 'warning'));
    b.acknowledge('flow.leak.van-1', 'an', at(5));
    expect(b.raise(leak(10, 'info')).transition).toBe('seen');
    expect(b.get('flow.leak.van-1')).toMatchObject({ severity: 'warning', ack: { by: 'an' } });
    expect(b.raise(leak(20, 'critical')).transition).toBe('escalated');
    const a = b.get('flow.leak.van-1')!;
    expect(a.severity).toBe('critical');
    expect(a.ack).toBeUndefined();
  });

  it('an ack survives the clear and is reset when the alert is raised again', () => {
    const b = new AlertBook();
    b.raise(leak(0));
    const c = b.acknowledge('flow.leak.van-1', 'an', at(60), 'đã báo thợ');
    expect('alert' in c && c.alert.ack).toEqual({ by: 'an', at: at(60).toISOString(), note: 'đã báo thợ' });
    expect(b.acknowledge('flow.leak.van-1', 'binh', at(61))).toEqual({ error: 'already-acknowledged' });
    b.clear('flow.leak.van-1', at(120));
    expect(b.get('flow.leak.van-1')!.ack?.by).toBe('an');
    b.raise(leak(300, 'info'));
    expect(b.get('flow.leak.van-1')).toMatchObject({ state: 'active', count: 2, severity: 'info' });
    expect(b.get('flow.leak.van-1')!.ack).toBeUndefined();
    expect(b.acknowledge('nothing', 'an', at(301))).toEqual({ error: 'not-found' });
  });

  it('keeps at most N cleared alerts and none older than the age limit; active ones always', () => {
    const b = new AlertBook({ keepCleared: 3, keepClearedMs: 3600_000 });
    for (let i = 0; i < 5; i++) {
      b.raise({ ...leak(i), key: `k${i}` });
      b.clear(`k${i}`, at(i + 1));
    }
    b.raise({ ...leak(0), key: 'still' });
    expect(b.all().map((a) => a.key).sort()).toEqual(['k2', 'k3', 'k4', 'still']);
    b.prune(T0 + 2 * 3600_000);
    expect(b.all().map((a) => a.key)).toEqual(['still']);
  });

  it('loads what was saved, pruned as of now', () => {
    const b = new AlertBook({ keepClearedMs: 60_000 });
    b.raise(leak(0));
    b.raise({ ...leak(0), key: 'old' });
    b.clear('old', at(1));
    const again = new AlertBook({ keepClearedMs: 60_000 });
    again.load(b.all(), T0 + 3600_000);
    expect(again.all().map((a) => a.key)).toEqual(['flow.leak.van-1']);
  });

  it('orders the inbox: unacknowledged active, acknowledged active, cleared', () => {
    const b = new AlertBook();
    for (const k of ['a', 'b', 'c', 'd']) b.raise({ ...leak(0), key: k });
    b.acknowledge('a', 'an', at(1));
    b.clear('b', at(2));
    b.raise({ ...leak(3, 'critical'), key: 'd' });
    expect(b.all().sort(inboxOrder).map((a) => a.key)).toEqual(['d', 'c', 'a', 'b']);
  });
});
