// Commune-radio API: zones, clusters, programme slots, audio (speech and uploads), bulletins
// through their approval states, the emergency send, and the month's broadcast log.
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localParts, zonedTimeToUtc, zoneFormatter } from '../../devices/local-time.js';
import type { SiteStore } from '../config/site.js';
import { AudioError, type AudioStore } from '../radio/audio.js';
import { RadioError, type Radio } from '../radio/radio.js';
import { BULLETIN_STATUSES, Role, type Actor } from '../radio/schema.js';
import type { Storage } from '../storage/storage.js';

export interface RadioRouteDeps {
  radio: Radio;
  audio: AudioStore;
  site: SiteStore;
  storage: Storage;
}

const STATUS: Record<RadioError['code'], number> = { 'not-found': 404, invalid: 400, forbidden: 403, conflict: 409 };

/**
 * Who acts. Until sign-in arrives (the users issue), the caller names itself in X-User and X-Role;
 * a user listed in the site file keeps the role written there.
 */
function actorOf(req: FastifyRequest, site: SiteStore): Actor {
  const id = String(req.headers['x-user'] ?? '').trim();
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id)) throw new RadioError('forbidden', 'say who acts: an X-User header (a user id) and an X-Role header (operator, official or admin)');
  const listed = site.config.users.find((u) => u.id === id);
  if (listed) {
    const role = Role.safeParse(listed.role);
    if (!role.success) throw new RadioError('forbidden', `user ${id} is a ${listed.role}, not a radio operator or official`);
    return { id, role: role.data };
  }
  const role = Role.safeParse(req.headers['x-role']);
  if (!role.success) throw new RadioError('forbidden', 'X-Role must be operator, official or admin');
  return { id, role: role.data };
}

export async function radioRoutes(app: FastifyInstance, d: RadioRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { radio, audio } = d;
  const limits = audio.limits;
  await app.register(fastifyMultipart, { limits: { fileSize: limits.maxBytes, files: 1, fields: 5 } });
  // Speakers fetch their audio here; names are content hashes, so a file never changes.
  await app.register(fastifyStatic, {
    root: audio.dir,
    prefix: '/api/radio/audio/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
    allowedPath: (p) => /^\/?[0-9a-f]{24}\.(wav|mp3)$/.test(p),
  });

  const fail = (e: unknown, reply: FastifyReply) => {
    if (e instanceof z.ZodError) {
      const issues = e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return reply.code(400).send({ statusCode: 400, error: 'invalid', message: issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '), issues });
    }
    if (e instanceof RadioError) return reply.code(STATUS[e.code]).send({ statusCode: STATUS[e.code], error: e.code, message: e.message });
    if (e instanceof AudioError) return reply.code(e.status).send({ statusCode: e.status, error: e.code, message: e.message });
    throw e;
  };
  /** Runs an action as the request's actor and answers with its result or a clear error. */
  const act = <T>(reply: FastifyReply, f: () => T | Promise<T>, code = 200) =>
    Promise.resolve()
      .then(f)
      .then((v) => reply.code(code).send(v))
      .catch((e: unknown) => fail(e, reply));
  const withAudioUrl = <T extends { file: string }>(a: T) => ({ ...a, url: `/api/radio/audio/${a.file}` });

  r.get('/api/radio/zones', async () => radio.zones());
  r.get('/api/radio/clusters', async () => radio.clusters());
  r.get('/api/radio/slots', async () => radio.slots());
  r.put('/api/radio/slots', async (req, reply) => act(reply, () => radio.putSlots(actorOf(req, d.site), req.body)));

  r.post('/api/radio/tts', { schema: { body: z.object({ text: z.string() }) } }, async (req, reply) =>
    act(reply, async () => {
      actorOf(req, d.site);
      return withAudioUrl(await audio.tts(req.body.text));
    }, 201),
  );
  r.post('/api/radio/audio', async (req, reply) =>
    act(
      reply,
      async () => {
        actorOf(req, d.site);
        if (!req.isMultipart()) throw new AudioError('empty', 'send the audio as multipart/form-data in a field named "file"', 400);
        const part = await req.file();
        if (!part) throw new AudioError('empty', 'no file in the upload: use a field named "file"', 400);
        let data: Buffer;
        try {
          data = await part.toBuffer();
        } catch (e) {
          // @fastify/multipart stops reading at the size limit: nothing is stored.
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new AudioError('too-large', `audio is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MB`, 413);
          }
          throw e;
        }
        return withAudioUrl(await audio.upload(data, { filename: part.filename, mimeType: part.mimetype }));
      },
      201,
    ),
  );

  r.get(
    '/api/radio/bulletins',
    { schema: { querystring: z.object({ status: z.enum(BULLETIN_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(2000).default(200) }) } },
    async (req) => radio.bulletins(req.query.status, req.query.limit),
  );
  r.get('/api/radio/bulletins/:id', async (req, reply) => act(reply, () => radio.bulletin((req.params as { id: string }).id)));
  r.post('/api/radio/bulletins', async (req, reply) => act(reply, () => radio.draft(actorOf(req, d.site), req.body), 201));
  r.patch('/api/radio/bulletins/:id', async (req, reply) => act(reply, () => radio.edit(actorOf(req, d.site), (req.params as { id: string }).id, req.body)));
  const Note = z.object({ note: z.string().max(500).optional() }).nullish();
  for (const step of ['submit', 'approve', 'reject', 'cancel'] as const) {
    r.post(`/api/radio/bulletins/:id/${step}`, { schema: { body: Note } }, async (req, reply) =>
      act(reply, () => {
        const actor = actorOf(req, d.site);
        const id = (req.params as { id: string }).id;
        const note = req.body?.note;
        if (step === 'submit') return radio.submit(actor, id);
        if (step === 'approve') return radio.approve(actor, id, note);
        if (step === 'reject') return radio.reject(actor, id, note);
        return radio.cancel(actor, id, note);
      }),
    );
  }
  r.post('/api/radio/emergency', async (req, reply) => act(reply, () => radio.sendEmergency(actorOf(req, d.site), req.body), 201));

  // The month's broadcast log, from InfluxDB: every bulletin step and every cluster's delivery step.
  r.get(
    '/api/radio/log',
    { schema: { querystring: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'), format: z.enum(['json', 'csv']).default('json') }) } },
    async (req, reply) => {
      const [y, m] = req.query.month.split('-').map(Number) as [number, number];
      const tz = d.site.config.site.tz;
      const from = zonedTimeToUtc(y, m, 1, 0, 0, tz).getTime();
      const to = zonedTimeToUtc(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1, 0, 0, tz).getTime();
      const [bulletins, deliveries] = await Promise.all([d.storage.range('radio_bulletin', from, to), d.storage.range('radio_delivery', from, to)]);
      const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
      const local = (iso: string) => {
        const p = localParts(new Date(iso), tz, fmt);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
      };
      const fmt = zoneFormatter(tz);
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
}
