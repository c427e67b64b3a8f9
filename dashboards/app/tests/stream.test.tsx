// @vitest-environment happy-dom
// The page's one live stream: shared by its subscribers, typed events to each, onOpen on every
// (re)connect, a backoff after a drop, and sign-in instead of retrying when the session ended.
// EventSource is faked: Node has none, and happy-dom's does not reach a server. The real stream is
// covered by the browser tests (tests/browser/*) against a real controller.
import { cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { streamState, subscribe, useStream } from '../src/stream.js';

class FakeEventSource {
  static all: FakeEventSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((m: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(name: string, fn: (m: { data: string }) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    for (const fn of this.listeners.get(name) ?? []) fn({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
}
const open = () => FakeEventSource.all.filter((e) => !e.closed);

let signedIn = true;
const assign = vi.fn();

beforeEach(() => {
  FakeEventSource.all = [];
  signedIn = true;
  vi.useFakeTimers();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ signedIn, setupRequired: false }), { status: 200 })));
  Object.defineProperty(window, 'location', { value: { ...window.location, assign, pathname: '/app/x.html', search: '' }, configurable: true });
  assign.mockClear();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const device = { id: 'van-1' } as never;

describe('the live stream', () => {
  it('opens one stream for two subscribers, gives each its events, and closes after the last leaves', () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = subscribe({ device: (d) => a.push(d.id) });
    const offB = subscribe({ device: (d) => b.push(d.id), alert: (x) => b.push(x.key) });
    expect(open()).toHaveLength(1);
    const es = open()[0]!;
    es.emit('device', device);
    es.emit('alert', { key: 'k1' });
    es.emit('device', 'not json{'); // ignored, not thrown
    expect(a).toEqual(['van-1']);
    expect(b).toEqual(['van-1', 'k1']);
    offA();
    expect(es.closed).toBe(false);
    offB();
    expect(es.closed).toBe(true);
  });

  it('calls onOpen on each connect and comes back after a drop with a backoff', async () => {
    let opens = 0;
    const off = subscribe({ onOpen: () => opens++, device: () => {} });
    open()[0]!.onopen?.();
    expect(streamState.value).toBe('live');
    expect(opens).toBe(1);
    open()[0]!.onerror?.();
    expect(streamState.value).toBe('reconnecting');
    expect(open()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30_000); // the backoff's ceiling
    expect(open()).toHaveLength(1);
    open()[0]!.onopen?.();
    expect(opens).toBe(2);
    expect(streamState.value).toBe('live');
    off();
  });

  it('goes to sign-in, not back to the stream, when the session has ended', async () => {
    const off = subscribe({ device: () => {} });
    signedIn = false;
    open()[0]!.onerror?.();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(assign).toHaveBeenCalledWith(expect.stringMatching(/^\/signin\.html\?.*ended=1/));
    expect(open()).toHaveLength(0);
    off();
  });

  it('useStream subscribes while the component is mounted', () => {
    const seen: string[] = [];
    function Probe() {
      useStream({ device: (d) => seen.push(d.id) }, []);
      return null;
    }
    const { unmount } = render(<Probe />);
    open()[0]!.emit('device', device);
    expect(seen).toEqual(['van-1']);
    unmount();
    expect(open()).toHaveLength(0);
  });
});
