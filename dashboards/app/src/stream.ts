// The live stream (/api/events) for the app's pages: typed handlers per event, reconnect with
// jittered backoff (backoff.ts), and the state for a "live / reconnecting" badge.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { StreamEvents } from '../../../controller/api/contract/events.js';
import { Backoff } from './backoff.js';

/** Each event's data, from the server's zod contract by z.infer. */
export type { StreamEvents };

export type StreamState = 'connecting' | 'live' | 'reconnecting';
export const streamState = signal<StreamState>('connecting');

export function openStream(handlers: { [K in keyof StreamEvents]?: (e: StreamEvents[K]) => void }): () => void {
  const backoff = new Backoff();
  let es: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const connect = () => {
    es = new EventSource('/api/events');
    es.onopen = () => {
      backoff.reset();
      streamState.value = 'live';
    };
    for (const [name, fn] of Object.entries(handlers)) {
      es.addEventListener(name, (m) => (fn as (e: unknown) => void)(JSON.parse((m as MessageEvent<string>).data)));
    }
    es.onerror = () => {
      // Our own backoff, not the browser's fixed retry: close and come back later.
      es?.close();
      if (closed) return;
      streamState.value = 'reconnecting';
      timer = setTimeout(connect, backoff.next());
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    es?.close();
  };
}

/** The stream for as long as the component is on the page. */
export function useStream(handlers: Parameters<typeof openStream>[0], deps: unknown[]): void {
  useEffect(() => openStream(handlers), deps);
}
