// Commune radio: zones, clusters, programme slots, audio (speech and uploads), bulletins through
// their approval states, the emergency send, and the month's broadcast log. Mounted at /api/radio.
import fastifyMultipart from '@fastify/multipart';
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localParts, zonedTimeToUtc, zoneFormatter } from '../../../devices/local-time.js';
import { AudioError } from '../../radio/audio.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import {
  AudioParams,
  AudioQuery,
  AudioView,
  BulletinInput,
  BulletinParams,
  BulletinsQuery,
  BulletinView,
  Cluster,
  EmergencyInput,
  LogQuery,
  LogRow,
  Note,
  RadioZones,
  Slot,
  SlotView,
  Tts,
} from '../contract/radio.js';
import type { ApiContext } from './context.js';

export const radioRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  const { radio, audio } = c;
  const limits = audio.limits;
  await app.register(fastifyMultipart, { limits: { fileSize: limits.maxBytes, files: 1, fields: 5 } });
  const withUrl = <T extends { file: string }>(a: T) => ({ ...a, url: c.audioPath(a.file) });

  app.get('/zones', { config: { auth: 'radio.read' }, schema: { response: { 200: RadioZones, ...AUTH_ERRORS } } }, async () => radio.zones());
  app.get('/clusters', { config: { auth: 'radio.read' }, schema: { response: { 200: z.array(Cluster), ...AUTH_ERRORS } } }, async () => radio.clusters());
  app.get('/slots', { config: { auth: 'radio.read' }, schema: { response: { 200: z.array(SlotView), ...AUTH_ERRORS } } }, async () => radio.slots());
  app.put(
    '/slots',
    { config: { auth: 'radio.slots' }, schema: { body: z.array(Slot).max(24), response: { 200: z.array(Slot), ...AUTH_ERRORS, ...errors(400, 409) } } },
    async (req) => radio.putSlots(req.actor!, req.body),
  );

  // Speakers fetch their audio here with a signed URL; pages with their session. Names are
  // content hashes, so a file never changes.
  app.get(
    '/audio/:file',
    {
      config: { auth: { action: 'radio.read', signed: (req) => c.auth.audioSignatureProblem((req.params as { file: string }).file, (req.query as { exp?: string }).exp, (req.query as { sig?: string }).sig) } },
      schema: { params: AudioParams, querystring: AudioQuery, response: { 200: z.any().describe('the audio file (Range requests answered)'), ...AUTH_ERRORS, ...errors(404) } },
    },
    async (req, reply) => reply.sendFile(req.params.file, audio.dir, { immutable: true, maxAge: '365d' }),
  );

  app.post('/tts', { config: { auth: 'radio.audio' }, schema: { body: Tts, response: { 201: AudioView, ...AUTH_ERRORS, ...errors(400, 503) } } }, async (req, reply) =>
    reply.code(201).send(withUrl(await audio.tts(req.body.text))),
  );

  app.post(
    '/audio',
    { config: { auth: 'radio.audio' }, schema: { response: { 201: AudioView, ...AUTH_ERRORS, ...errors(400, 413) } } },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AudioError('empty', 'send the audio as multipart/form-data in a field named "file"', 400);
      const part = await req.file();
      if (!part) throw new AudioError('empty', 'no file in the upload: use a field named "file"', 400);
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch (e) {
        // @fastify/multipart stops reading at the size limit: nothing is stored.
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AudioError('too-large', `audio is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MB`, 413);
        throw e;
      }
      return reply.code(201).send(withUrl(await audio.upload(data, { filename: part.filename, mimeType: part.mimetype })));
    },
  );

  app.get('/bulletins', { config: { auth: 'radio.read' }, schema: { querystring: BulletinsQuery, response: { 200: z.array(BulletinView), ...AUTH_ERRORS } } }, async (req) =>
    radio.bulletins(req.query.status, req.query.limit),
  );
  app.get('/bulletins/:id', { config: { auth: 'radio.read' }, schema: { params: BulletinParams, response: { 200: BulletinView, ...AUTH_ERRORS, ...errors(404) } } }, async (req) =>
    radio.bulletin(req.params.id),
  );
  app.post('/bulletins', { config: { auth: 'radio.draft' }, schema: { body: BulletinInput, response: { 201: BulletinView, ...AUTH_ERRORS, ...errors(400) } } }, async (req, reply) =>
    reply.code(201).send(await radio.draft(req.actor!, req.body)),
  );
  app.patch(
    '/bulletins/:id',
    { config: { auth: 'radio.draft' }, schema: { params: BulletinParams, body: BulletinInput, response: { 200: BulletinView, ...AUTH_ERRORS, ...errors(400, 404, 409) } } },
    async (req) => radio.edit(req.actor!, req.params.id, req.body),
  );
  const steps = { submit: 'radio.draft', approve: 'radio.approve', reject: 'radio.approve', cancel: 'radio.cancel' } as const;
  for (const [step, action] of Object.entries(steps) as [keyof typeof steps, (typeof steps)[keyof typeof steps]][]) {
    app.post(
      `/bulletins/:id/${step}`,
      // Authorship, four eyes and on-air rules need the bulletin: radio.ts asks the same policy.
      { config: { auth: action }, schema: { params: BulletinParams, body: Note, response: { 200: BulletinView, ...AUTH_ERRORS, ...errors(400, 404, 409) } } },
      async (req) => {
        const actor = req.actor!;
        const { id } = req.params;
        const note = req.body?.note;
        if (step === 'submit') return radio.submit(actor, id);
        if (step === 'approve') return radio.approve(actor, id, note);
        if (step === 'reject') return radio.reject(actor, id, note);
        return radio.cancel(actor, id, note);
      },
    );
  }
  app.post('/emergency', { config: { auth: 'radio.emergency' }, schema: { body: EmergencyInput, response: { 201: BulletinView, ...AUTH_ERRORS, ...errors(400) } } }, async (req, reply) =>
    reply.code(201).send(await radio.sendEmergency(req.actor!, req.body)),
  );

  // The month's broadcast log, from InfluxDB: every bulletin step and every cluster's delivery step.
  app.get(
    '/log',
    { config: { auth: 'radio.read' }, schema: { querystring: LogQuery, response: { 200: z.union([z.array(LogRow), z.string().describe('CSV, UTF-8 with a BOM')]), ...AUTH_ERRORS, ...errors(400) } } },
    async (req, reply) => {
      const [y, m] = req.query.month.split('-').map(Number) as [number, number];
      const tz = c.site.config.site.tz;
      const from = zonedTimeToUtc(y, m, 1, 0, 0, tz).getTime();
      const to = zonedTimeToUtc(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1, 0, 0, tz).getTime();
      const [bulletins, deliveries] = await Promise.all([c.storage.range('radio_bulletin', from, to), c.storage.range('radio_delivery', from, to)]);
      const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
      const fmt = zoneFormatter(tz);
      const local = (iso: string) => {
        const p = localParts(new Date(iso), tz, fmt);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
      };
      const row = (p: Record<string, unknown>, kind: string) => ({
        time: str(p.time),
        localTime: local(str(p.time)),
        kind,
        bulletin: str(p.bulletin),
        title: str(p.title),
        level: str(p.level),
        action: kind === 'bulletin' ? str(p.action) : '',
        hamlet: str(p.hamlet),
        device: str(p.device),
        status: str(p.status),
        reason: str(kind === 'bulletin' ? p.note : p.reason),
        by: str(p.by),
      });
      const rows = [...bulletins.map((p) => row(p, 'bulletin')), ...deliveries.map((p) => row(p, 'delivery'))].sort((a, b) => a.time.localeCompare(b.time));
      if (req.query.format === 'json') return rows;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="radio-log-${req.query.month}.csv"`)
        .send('\ufeff' + stringify(rows, { header: true })); // the BOM makes spreadsheet programs read UTF-8 Vietnamese right
    },
  );
};
