// The live stream (/api/events), one per page: components subscribe to typed events, the page
// reconnects with a jittered backoff (backoff.ts), and `streamState` feeds the header's badge. A
// subscriber's `onOpen` runs on every (re)connect: events may have been missed meanwhile.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { StreamEvents } from '../../../controller/api/contract/events.js';
import { Backoff } from './backoff.js';
import { fetchMe, go, SETUP_URL, signInUrl } from './lib/session.js';

/** Each event's data, from the server's zod contract by z.infer. */
export type { StreamEvents };

export type StreamState = 'connecting' | 'live' | 'reconnecting';
export const streamState = signal<StreamState>('connecting');

export type StreamHandlers = { [K in keyof StreamEvents]?: (e: StreamEvents[K]) => void } & { onOpen?: () => void };

const subscribers = new Set<StreamHandlers>();
const backoff = new Backoff();
let es: EventSource | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
const listening = new Set<string>();

function listen(name: string): void {
  if (!es || listening.has(name)) return;
  listening.add(name);
  es.addEventListener(name, (m) => {
    let data: unknown;
    try {
      data = JSON.parse((m as MessageEvent<string>).data);
    } catch {
      return;
    }
    for (const s of subscribers) (s[name as keyof StreamEvents] as ((e: unknown) => void) | undefined)?.(data);
  });
}

function connect(): void {
  timer = undefined;
  listening.clear();
  es = new EventSource('/api/events');
  es.onopen = () => {
    backoff.reset();
    streamState.value = 'live';
    for (const s of subscribers) s.onOpen?.();
  };
  for (const s of subscribers) for (const k of Object.keys(s)) if (k !== 'onOpen') listen(k);
  es.onerror = () => {
    // Our own backoff, not the browser's fixed retry. A stream refused because the session ended
    // (or no admin exists yet) leaves for sign-in (or setup) instead of trying again.
    es?.close();
    es = undefined;
    streamState.value = 'reconnecting';
    void fetchMe().then((m) => {
      if (m && m.setupRequired) go(SETUP_URL);
      else if (m && !m.signedIn) go(signInUrl({ ended: '1' }));
      else if (subscribers.size) timer = setTimeout(connect, backoff.next());
    });
  };
}

/** Subscribes until the returned function is called; the first subscriber opens the stream. */
export function subscribe(handlers: StreamHandlers): () => void {
  subscribers.add(handlers);
  if (!es && timer === undefined) connect();
  else for (const k of Object.keys(handlers)) if (k !== 'onOpen') listen(k);
  return () => {
    subscribers.delete(handlers);
    if (subscribers.size) return;
    clearTimeout(timer);
    timer = undefined;
    es?.close();
    es = undefined;
    streamState.value = 'connecting';
  };
}

/** The stream's events for as long as the component is on the page. */
export function useStream(handlers: StreamHandlers, deps: unknown[]): void {
  useEffect(() => subscribe(handlers), deps);
}
