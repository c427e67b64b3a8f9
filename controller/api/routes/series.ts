// The history of a device's numeric metric for charts, downsampled by InfluxDB (GROUP BY time with
// mean, min and max), so a 30-day chart moves at most `points` buckets. Mounted at /api/series.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deviceType } from '../../../devices/index.js';
import { DomainError } from '../../errors.js';
import { bucketMs } from '../../storage/device-series.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { Series, SeriesQuery } from '../contract/series.js';
import type { ApiContext } from './context.js';

export const seriesRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  // A farmer reads the devices of their own zones only: the zone comes from the device asked for.
  const zoneOfQuery = (req: { query: unknown }) => c.site.device(String((req.query as { device?: unknown }).device ?? ''))?.zone ?? null;

  app.get(
    '/',
    { config: { auth: { action: 'devices.read', zone: zoneOfQuery } }, schema: { querystring: SeriesQuery, response: { 200: Series, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => {
      const { device, metric, from, to, points } = req.query;
      const d = c.site.device(device);
      if (!d) throw new DomainError('not-found', `unknown device ${device}`, 404);
      const type = deviceType(d.type)!;
      const cap = type.metrics.find((m) => m.key === metric)?.capability;
      if (!cap) throw new DomainError('unknown-metric', `${d.type} has no metric ${metric}`, 400, [{ path: 'metric', message: 'not a metric of this device' }]);
      if (cap.kind !== 'number') throw new DomainError('metric-not-numeric', `${metric} is not a number: it has no chart`, 400, [{ path: 'metric', message: `a ${cap.kind} metric` }]);
      const stepMs = bucketMs(from, to, points);
      const s = await c.storage.series({ measurement: type.influx.measurement, field: metric, deviceId: d.id, fromMs: from, toMs: to, stepMs });
      return { device: d.id, metric, ...(cap.unit && { unit: cap.unit }), from, to, stepMs, ...s };
    },
  );
};
