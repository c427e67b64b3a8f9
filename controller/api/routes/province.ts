// The province roll-up's routes, mounted at /api/province (PLANE_MODE=province only): communes and
// their push tokens for admins, the communes' pushes, and the figures for officials.
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Auth } from '../../auth/auth.js';
import type { ReportPdf } from '../../indicators/report-pdf.js';
import { DomainError } from '../../errors.js';
import { indicators } from '../../indicators/index.js';
import type { ProvinceRollup } from '../../province/rollup.js';
import type { CommuneRecord, ProvinceStore } from '../../province/store.js';
import { AUTH_ERRORS, errors, IdParams } from '../contract/common.js';
import { ReportQuery } from '../contract/indicators.js';
import { CommuneView, CommuneWithToken, NewCommune, ProvinceHistory, ProvinceHistoryQuery, ProvinceTable, ProvinceTableQuery, PushResult, SnapshotPush } from '../contract/province.js';

export interface ProvinceContext {
  auth: Auth;
  store: ProvinceStore;
  rollup: ProvinceRollup;
  province: { id: string; name: string };
  /** The province's clock, for the printed report's dates. */
  tz: string;
  /** The report printed to PDF by the province's Chromium, as a commune's. */
  reportPdf: ReportPdf;
  /** Pushes one token may make a minute (a commune's backlog goes one at a time, well under it). */
  pushPerMinute?: number;
}

/** How long the printing browser's ticket lives: one render, with room for a slow one. */
const TICKET_MS = 90_000;

/** The longest history one call reads: five years of months. */
const MAX_HISTORY_MONTHS = 60;
/** A snapshot with every hamlet and finding is well under this; the default 1 MiB could cut a big commune's. */
const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

const definitions = indicators.map(({ compute: _c, scale: _s, ...d }) => d);
const view = (c: CommuneRecord): CommuneView => ({
  id: c.id,
  name: c.name,
  district: c.district,
  createdAt: new Date(c.createdAt).toISOString(),
  lastHeardAt: c.lastHeardAt === null ? null : new Date(c.lastHeardAt).toISOString(),
  tokenId: c.tokenId,
});

export const provinceRoutes: FastifyPluginAsyncZod<ProvinceContext> = async (app, c) => {
  const known = (id: string): CommuneRecord => {
    const x = c.store.commune(id);
    if (!x) throw new DomainError('not-found', `unknown commune ${id}`, 404);
    return x;
  };
  const tokenFor = (by: string, id: string, ip: string) => c.auth.createToken(by, { name: `commune ${id}`, role: 'commune' }, ip);

  app.get('/communes', { config: { auth: 'province.read' }, schema: { response: { 200: z.array(CommuneView), ...AUTH_ERRORS } } }, async () => c.store.communes().map(view));

  app.post('/communes', { config: { auth: 'province.manage' }, schema: { body: NewCommune, response: { 201: CommuneWithToken, ...AUTH_ERRORS, ...errors(400, 409) } } }, async (req, reply) => {
    const { id, name, district } = req.body;
    if (c.store.commune(id)) throw new DomainError('exists', `commune ${id} is registered already`, 409);
    const t = tokenFor(req.actor!.id, id, req.ip);
    const rec: CommuneRecord = { id, name, district, tokenId: t.id, createdAt: Date.now(), lastHeardAt: null };
    c.store.insertCommune(rec);
    req.log.info({ commune: id, district, by: req.actor!.id }, 'commune registered');
    return reply.code(201).send({ commune: view(rec), token: t.token });
  });

  // A new token; the old one stops working at once (a plane's disk lost, a token leaked).
  app.post('/communes/:id/token', { config: { auth: 'province.manage' }, schema: { params: IdParams, response: { 200: CommuneWithToken, ...AUTH_ERRORS, ...errors(404) } } }, async (req) => {
    const x = known(req.params.id);
    const t = tokenFor(req.actor!.id, x.id, req.ip);
    c.store.setToken(x.id, t.id);
    c.auth.revokeToken(req.actor!.id, x.tokenId, req.ip);
    return { commune: view(c.store.commune(x.id)!), token: t.token };
  });

  // The commune leaves the table and its token stops; its figures stay in the history.
  app.delete('/communes/:id', { config: { auth: 'province.manage' }, schema: { params: IdParams, response: { 200: CommuneView, ...AUTH_ERRORS, ...errors(404) } } }, async (req) => {
    const x = known(req.params.id);
    c.auth.revokeToken(req.actor!.id, x.tokenId, req.ip);
    c.store.deleteCommune(x.id);
    return view(x);
  });

  app.put(
    '/snapshots',
    {
      bodyLimit: PUSH_BODY_LIMIT,
      // Per token, not per address: communes behind one NAT each get their own allowance.
      config: { auth: 'province.push', rateLimit: { max: c.pushPerMinute ?? 600, timeWindow: 60_000, keyGenerator: (req) => req.headers.authorization ?? req.ip } },
      schema: { body: SnapshotPush, response: { 200: PushResult, ...AUTH_ERRORS, ...errors(400, 409) } },
    },
    async (req) => {
      const tokenId = req.actor!.id.replace(/^token:/, '');
      const commune = c.store.byToken(tokenId);
      if (!commune) {
        req.log.warn({ token: tokenId, reason: 'no commune holds this token' }, 'push refused');
        throw new DomainError('forbidden', 'this token is no commune’s push token', 403);
      }
      try {
        return await c.rollup.push(commune, req.body);
      } catch (err) {
        if (err instanceof DomainError) req.log.warn({ commune: commune.id, code: err.code, reason: err.message }, 'push refused');
        throw err;
      }
    },
  );

  app.get('/table', { config: { auth: 'province.read' }, schema: { querystring: ProvinceTableQuery, response: { 200: ProvinceTable, ...AUTH_ERRORS, ...errors(400) } } }, async (req) => ({
    version: 1 as const,
    province: c.province,
    ...(await c.rollup.table(req.query.period)),
    definitions,
  }));

  app.get('/history', { config: { auth: 'province.read' }, schema: { querystring: ProvinceHistoryQuery, response: { 200: ProvinceHistory, ...AUTH_ERRORS, ...errors(400, 404) } } }, async (req) => {
    const { from, to } = req.query;
    const n = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1;
    if (n > MAX_HISTORY_MONTHS) throw new DomainError('invalid', `at most ${MAX_HISTORY_MONTHS} months at a time`, 400, [{ path: 'from', message: `at most ${MAX_HISTORY_MONTHS} months` }]);
    return c.rollup.history(req.query);
  });

  // The month's report as officials file it: the page's print view, printed by the province's Chromium.
  app.get(
    '/report/pdf',
    { config: { auth: 'province.read' }, schema: { querystring: ReportQuery.pick({ period: true, lang: true }), response: { 200: z.any().describe('application/pdf, A4'), ...AUTH_ERRORS, ...errors(400, 502, 503) } } },
    async (req, reply) => {
      const { period, lang } = req.query;
      // The browser reads the table as the one who asked, and may do nothing else.
      const { ticket, revoke } = c.auth.issueTicket(req.actor!, ['province.read'], TICKET_MS);
      try {
        const pdf = await c.reportPdf.render({ path: `/app/province.html?${new URLSearchParams({ period })}`, bearer: ticket, lang, timezone: c.tz });
        return reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="bao-cao-${c.province.id}-${period}.pdf"`).send(pdf);
      } finally {
        revoke();
      }
    },
  );

  // The month's report for spreadsheets: every commune, then each district's totals and the province's.
  app.get(
    '/report/csv',
    { config: { auth: 'province.read' }, schema: { querystring: ReportQuery.pick({ period: true, lang: true }), response: { 200: z.string().describe('text/csv, UTF-8 with a BOM'), ...AUTH_ERRORS, ...errors(400) } } },
    async (req, reply) => {
      const { period, lang } = req.query;
      const t = await c.rollup.table(period);
      const row = (scope: string, id: string, name: string, district: string, figures: Record<string, { numerator: number; denominator: number; value: number | null; met?: boolean }>, extra: Record<string, string>) =>
        indicators.map((d) => {
          const f = figures[d.id];
          return {
            period,
            scope,
            id,
            name,
            district,
            indicator: d.id,
            indicator_name: d.name[lang],
            value: f?.value ?? '',
            unit: d.unit,
            numerator: f?.numerator ?? '',
            denominator: f?.denominator ?? '',
            target: d.target ? `${d.target.op} ${d.target.value}` : '',
            met: f?.met === undefined ? '' : String(f.met),
            ...extra,
          };
        });
      const rows = [
        ...t.communes.flatMap((r) => row('commune', r.id, r.name, r.district, r.figures, { source: r.source, as_of: r.asOf ?? '', last_heard: r.lastHeardAt ?? '', simulated: String(r.simulated === true), reporting: '' })),
        ...t.districts.flatMap((d) => row('district', d.district, d.district, d.district, d.figures, { source: '', as_of: '', last_heard: '', simulated: '', reporting: `${d.reporting}/${d.communes}` })),
        ...row('province', c.province.id, c.province.name, '', t.total.figures, { source: '', as_of: '', last_heard: '', simulated: '', reporting: `${t.total.reporting}/${t.total.communes}` }),
      ];
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="chi-so-${c.province.id}-${period}.csv"`)
        .send('\ufeff' + stringify(rows, { header: true }));
    },
  );
};
