// The site, device types, liveness and the plane's status. Mounted at /api (alerts: routes/alerts.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceTypes } from '../../../devices/index.js';
import { seesZone } from '../../auth/policy.js';
import { AUTH_ERRORS } from '../contract/common.js';
import { DeviceTypeInfo, Health, SiteView, Status } from '../contract/devices.js';
import type { ApiContext } from './context.js';

export const systemRoutes: FastifyPluginAsyncZod<Pick<ApiContext, 'auth' | 'site' | 'status' | 'degraded'>> = async (app, c) => {
  // Liveness for process supervisors and tests, and what is degraded: no figures, no names.
  // `ok` is liveness (it answers); what works less well than it should is listed apart.
  app.get('/health', { config: { auth: 'public' }, schema: { response: { 200: Health } } }, async () => ({
    ok: true,
    setupRequired: c.auth.setupRequired(),
    degraded: c.degraded(),
  }));

  app.get('/status', { config: { auth: 'system.read' }, schema: { response: { 200: Status, ...AUTH_ERRORS } } }, async () => c.status() as z.infer<typeof Status>);

  app.get('/site', { config: { auth: { action: 'site.read', scope: 'filtered' } }, schema: { response: { 200: SiteView, ...AUTH_ERRORS } } }, async (req) => {
    const s = c.site.config;
    const zones = s.zones.filter((z) => seesZone(req.actor!, z.id));
    // A farmer sees the hamlets and water sources of their own zones only.
    const farmer = req.actor!.role === 'farmer';
    return {
      site: s.site,
      hamlets: farmer ? s.hamlets.filter((h) => zones.some((z) => z.hamlet === h.id)) : s.hamlets,
      zones,
      waterSources: farmer ? s.waterSources.filter((w) => zones.some((z) => z.waterSource === w.id)) : s.waterSources,
    };
  });

  app.get('/types', { config: { auth: { action: 'devices.read', scope: 'filtered' } }, schema: { response: { 200: z.array(DeviceTypeInfo), ...AUTH_ERRORS } } }, async () =>
    Object.values(deviceTypes).map((t) => ({
      type: t.type,
      label: t.label,
      traits: t.traits,
      capabilities: t.capabilities,
      commands: Object.entries(t.commands).map(([action, params]) => ({ action, params: z.toJSONSchema(params) as Record<string, unknown> })),
      reportEveryS: t.reportEveryS,
      offlineAfterS: t.offlineAfterS,
    })),
  );
};
