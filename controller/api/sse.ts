// A live stream of server-sent events, bounded per actor and in all, closed when the page leaves
// or its user is signed out: what the commune's /api/events and the province's share.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/auth.js';
import type { Actor } from '../auth/policy.js';
import { DomainError } from '../errors.js';

export interface StreamLimits {
  /** Open streams one user (or token) may hold: a few tabs and phones. */
  perActor: number;
  /** Open streams in all. */
  total: number;
}

export type Streams = Set<{ actor: Actor; close: () => void }>;
export type Send = (event: string, data: unknown) => void;

/** A user signed out everywhere (password change, disabled, role changed) loses their streams too; returns the unsubscribe. */
export function closeOnSignOut(auth: Auth, streams: Streams): () => void {
  return auth.onSignedOut((login) => {
    for (const s of [...streams]) if (s.actor.kind === 'user' && s.actor.id === login) s.close();
  });
}

/** Answers the request with a stream; `listen` subscribes with `send` and returns its unsubscribes. */
export function openStream(o: { req: FastifyRequest; reply: FastifyReply; streams: Streams; limits: StreamLimits; listen: (send: Send) => (() => void)[] }): void {
  const { req, reply, streams, limits } = o;
  const actor = req.actor!;
  // Bounded: each stream holds a socket and listeners; a runaway page or script cannot hold thousands.
  if (streams.size >= limits.total) throw new DomainError('too-many-streams', `the plane serves at most ${limits.total} live streams: try again later`, 503);
  const mine = [...streams].filter((s) => s.actor.id === actor.id).length;
  if (mine >= limits.perActor) throw new DomainError('too-many-streams', `at most ${limits.perActor} live streams per user: close another tab`, 429);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const send: Send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.write('retry: 2000\n\n');
  const offs = o.listen(send);
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  const entry = {
    actor,
    close: () => {
      if (!streams.has(entry)) return; // once: the socket's close and a sign-out may both call
      clearInterval(ping);
      for (const off of offs) off();
      streams.delete(entry);
      res.end();
    },
  };
  streams.add(entry);
  // A page that left while the request was being authorized has closed already: no event
  // would come, and the entry would hold its listeners for ever.
  if (req.raw.destroyed || res.destroyed) entry.close();
  else res.on('close', entry.close);
}
