// The live stream (server-sent events) of device, command, alert (and alertChanged), radio, irrigation, lighting and scene
// changes, filtered by the same policy as the routes: a farmer's browser never receives another
// zone's events. Each event's data is typed in contract/events.ts. Mounted at /api/events.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, seesZone } from '../../auth/policy.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { closeOnSignOut, openStream, type Send, type StreamLimits, type Streams } from '../sse.js';
import { visibleIrrigation } from '../visible.js';
import type { ApiContext } from './context.js';

export function eventsRoutes(streams: Streams, limits: StreamLimits): FastifyPluginAsyncZod<ApiContext> {
  return async (app, c) => {
    const off = closeOnSignOut(c.auth, streams);
    app.addHook('onClose', async () => off());

    app.get(
      '/',
      {
        config: { auth: { action: 'devices.read', scope: 'filtered' } },
        schema: { response: { 200: z.string().describe('text/event-stream: device, command, alert, alertChanged (an alert’s whole state), radio (radio.read), irrigation (the changed zones, the queue and recent history; a farmer’s zones only) and lighting (the changed groups and the overrides; lighting.read) and scene (a scene run moved; scenes.read) events, typed in contract/events.ts'), ...AUTH_ERRORS, ...errors(429, 503) } },
      },
      (req, reply) => {
        const actor = req.actor!;
        const deviceVisible = (id: string) => {
          const d = c.site.device(id);
          return !!d && seesZone(actor, d.zone);
        };
        const mayRadio = authorize(actor, 'radio.read').ok;
        const mayIrrigation = authorize(actor, 'irrigation.read').ok;
        const mayLighting = authorize(actor, 'lighting.read').ok;
        const mayScenes = authorize(actor, 'scenes.read').ok;
        // Irrigation and lighting are listened to only by those allowed to read them, so the plane
        // builds their views only while such a page is open.
        const listen = (send: Send) => [
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
        openStream({ req, reply, streams, limits, listen });
      },
    );
  };
}
