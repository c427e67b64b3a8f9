// Every figure of a month's indicators as CSV, for officials' spreadsheets: one row per indicator
// for the commune and per hamlet, with the definition's names, numerator, denominator, value, unit
// and target. Mounted at /api/indicators/report.
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indicators } from '../../indicators/index.js';
import { parseMonth } from '../../indicators/period.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { IndicatorsQuery } from '../contract/indicators.js';
import type { ApiContext } from './context.js';

export const indicatorReportRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  app.get(
    '/csv',
    {
      config: { auth: 'indicators.read' },
      schema: { querystring: IndicatorsQuery.pick({ period: true }), response: { 200: z.string().describe('text/csv, UTF-8 with a BOM'), ...AUTH_ERRORS, ...errors(400) } },
    },
    async (req, reply) => {
      const snap = await c.indicators.snapshot(parseMonth(req.query.period));
      const hamletName = new Map(c.site.config.hamlets.map((h) => [h.id, h.name]));
      const rows = snap.indicators.flatMap((f) => {
        const d = indicators.find((x) => x.id === f.id)!;
        const row = (scope: string, name: string, r: { numerator: number; denominator: number; value: number | null }) => ({
          period: snap.period,
          indicator: d.id,
          name_vi: d.name.vi,
          name_en: d.name.en,
          scope,
          scope_name: name,
          value: r.value ?? '',
          unit: d.unit,
          numerator: r.numerator,
          denominator: r.denominator,
          numerator_label: d.numerator.vi,
          denominator_label: d.denominator.vi,
          target: d.target ? `${d.target.op} ${d.target.value}` : '',
          met: scope === 'commune' && f.met !== undefined ? String(f.met) : '',
          maps_to: d.mapsTo?.vi ?? '',
          complete: String(snap.complete),
        });
        return [row('commune', c.site.config.site.name, f), ...f.hamlets.map((h) => row(h.hamlet, hamletName.get(h.hamlet) ?? h.hamlet, h))];
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="chi-so-${c.site.config.site.id}-${snap.period}.csv"`)
        .send('\ufeff' + stringify(rows, { header: true })); // the BOM makes spreadsheet programs read UTF-8 Vietnamese right
    },
  );
};
