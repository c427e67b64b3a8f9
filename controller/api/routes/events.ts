// The live stream (server-sent events) of device, command, alert (and alertChanged), radio, irrigation, lighting and scene
// changes, filtered by the same policy as the routes: a farmer's browser never receives another
// zone's events. Each event's data is typed in contract/events.ts. Mounted at /api/events.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, seesZone, type Actor } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { visibleIrrigation } from '../visible.js';
import type { ApiContext } from './context.js';

export interface StreamLimits {
  /** Open streams one user (or token) may hold: a few tabs and phones. */
  perActor: number;
  /** Open streams in all. */
  total: number;
}

export function eventsRoutes(streams: Set<{ actor: Actor; close: () => void }>, limits: StreamLimits): FastifyPluginAsyncZod<ApiContext> {
  return async (app, c) => {
    // A user signed out everywhere (password change, disabled, role changed) loses their streams too.
    const off = c.auth.onSignedOut((login) => {
      for (const s of [...streams]) if (s.actor.kind === 'user' && s.actor.id === login) s.close();
    });
    app.addHook('onClose', async () => off());

    app.get(
      '/',
      {
        config: { auth: { action: 'devices.read', scope: 'filtered' } },
        schema: { response: { 200: z.string().describe('text/event-stream: device, command, alert, alertChanged (an alert’s whole state), radio (radio.read), irrigation (the changed zones, the queue and recent history; a farmer’s zones only) and lighting (the changed groups and the overrides; lighting.read) and scene (a scene run moved; scenes.read) events, typed in contract/events.ts'), ...AUTH_ERRORS, ...errors(429, 503) } },
      },
      (req, reply) => {
        const actor = req.actor!;
        // Bounded: each stream holds a socket and listeners; a runaway page or script cannot hold thousands.
        if (streams.size >= limits.total) throw new DomainError('too-many-streams', `the plane serves at most ${limits.total} live streams: try again later`, 503);
        const mine = [...streams].filter((s) => s.actor.id === actor.id).length;
        if (mine >= limits.perActor) throw new DomainError('too-many-streams', `at most ${limits.perActor} live streams per user: close another tab`, 429);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        const deviceVisible = (id: string) => {
          const d = c.site.device(id);
          return !!d && seesZone(actor, d.zone);
        };
        const mayRadio = authorize(actor, 'radio.read').ok;
        const mayIrrigation = authorize(actor, 'irrigation.read').ok;
        const mayLighting = authorize(actor, 'lighting.read').ok;
        const mayScenes = authorize(actor, 'scenes.read').ok;
        res.write('retry: 2000\n\n');
        // Irrigation and lighting are listened to only by those allowed to read them, so the plane
        // builds their views only while such a page is open.
        const offs = [
          c.bus.on('device', (s) => {
            if (deviceVisible(s.id)) send('device', c.deviceView(s));
          }),
          c.bus.on('command', (cmd) => {
            if (!deviceVisible(cmd.deviceId)) return;
            send('command', cmd);
            const s = c.live.snapshot(cmd.deviceId);
            if (s) send('device', c.deviceView(s));
          }),
          c.bus.on('alert', (a) => {
            const zone = a.zone ?? (a.device ? c.site.device(a.device)?.zone : undefined);
            if (seesZone(actor, zone)) send('alert', { ...a, ...(zone && { zone }) });
          }),
          c.bus.on('alertChanged', (a) => {
            if (seesZone(actor, a.zone)) send('alertChanged', a);
          }),
          c.bus.on('radio', (e) => {
            if (!mayRadio) return;
            try {
              send('radio', c.radio.bulletin(e.bulletinId));
            } catch {
              // trimmed from memory meanwhile: nothing to show
            }
          }),
          ...(mayIrrigation ? [c.bus.on('irrigation', (e) => send('irrigation', visibleIrrigation(actor, e, c.irrigation.programs())))] : []),
          ...(mayLighting ? [c.bus.on('lighting', (e) => send('lighting', e))] : []),
          ...(mayScenes ? [c.bus.on('scene', (e) => send('scene', e))] : []),
        ];
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        const entry = {
          actor,
          close: () => {
            if (!streams.has(entry)) return; // once: the socket's close and a sign-out may both call
            clearInterval(ping);
            for (const o of offs) o();
            streams.delete(entry);
            res.end();
          },
        };
        streams.add(entry);
        // A page that left while the request was being authorized has closed already: no event
        // would come, and the entry would hold its listeners for ever.
        if (req.raw.destroyed || res.destroyed) entry.close();
        else res.on('close', entry.close);
      },
    );
  };
}
