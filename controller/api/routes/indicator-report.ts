// The monthly report's files, mounted at /api/indicators/report: the PDF (the report page printed
// by the plane's Chromium) and every figure as CSV for officials' spreadsheets (one row per
// indicator for the commune and per hamlet, with the definition's names, numerator, denominator,
// value, unit and target).
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indicators } from '../../indicators/index.js';
import { parseMonth } from '../../indicators/period.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { IndicatorsQuery, ReportQuery } from '../contract/indicators.js';
import type { ApiContext } from './context.js';

/** How long the browser's ticket lives: one render, with room for a slow one. */
const TICKET_MS = 90_000;

export const indicatorReportRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  app.get(
    '/pdf',
    {
      config: { auth: 'indicators.read' },
      schema: { querystring: ReportQuery, response: { 200: z.any().describe('application/pdf, A4'), ...AUTH_ERRORS, ...errors(400, 502) } },
    },
    async (req, reply) => {
      const { period, compare, lang } = req.query;
      parseMonth(period);
      if (compare) parseMonth(compare);
      // The browser reads the report as the one who asked, but may do nothing else.
      const { ticket, revoke } = c.auth.issueTicket(req.actor!, ['indicators.read', 'site.read', 'devices.read'], TICKET_MS);
      try {
        const q = new URLSearchParams({ period, ...(compare && { compare }) });
        const pdf = await c.reportPdf.render({ path: `/app/report.html?${q}`, bearer: ticket, lang, timezone: c.site.config.site.tz });
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="bao-cao-${c.site.config.site.id}-${period}${compare ? `-so-voi-${compare}` : ''}.pdf"`)
          .send(pdf);
      } finally {
        revoke();
      }
    },
  );

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
          simulated: String(snap.simulated === true),
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
