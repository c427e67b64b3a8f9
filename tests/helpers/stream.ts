// An open /api/events stream for tests: its events parsed as they arrive, and each raw block kept,
// so a test can assert what a user never received.
import { expect } from 'vitest';
import type { ApiClient } from './api.js';

export interface OpenStream {
  events: { event: string; data: any }[];
  /** Every block as sent, including the retry line and pings. */
  raw: string[];
  state: { ended: boolean };
  close(): void;
}

export async function openStream(baseUrl: string, c: ApiClient): Promise<OpenStream> {
  const ac = new AbortController();
  const res = await fetch(new URL('/api/events', baseUrl), { headers: { cookie: c.cookie }, signal: ac.signal });
  expect(res.status).toBe(200);
  const events: OpenStream['events'] = [];
  const raw: string[] = [];
  const state = { ended: false };
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          raw.push(block);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
    state.ended = true;
  })();
  return { events, raw, state, close: () => ac.abort() };
}
