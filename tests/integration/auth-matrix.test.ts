// The route × role matrix: every route the app registers, called with no session and as each
// role, against a hand-written table of who may call it. A route added without a declaration
// cannot start the app; a route added without a row here fails this test.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROLES, type Role } from '../../controller/auth/policy.js';
import { clientFor, signIn, type ApiClient } from '../helpers/api.js';
import { authSite, ZONE_A } from '../helpers/auth-site.js';
import { apiRoutes, statusOf } from '../helpers/route-matrix.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const ALL: Role[] = [...ROLES];
const STAFF: Role[] = ['admin', 'official', 'operator', 'viewer'];
const WORKS: Role[] = ['admin', 'operator'];
const FARM_WORK: Role[] = ['admin', 'operator', 'farmer'];
const APPROVERS: Role[] = ['admin', 'official'];
const ADMIN: Role[] = ['admin'];
const READERS: Role[] = ['admin', 'official', 'viewer'];
const RULE_MAKERS: Role[] = ['admin', 'official', 'operator', 'farmer'];
const PUBLIC = 'public' as const;

interface Row {
  /** Who may call it: roles, or public. */
  who: Role[] | typeof PUBLIC;
  /** The request: params filled in, query and body; a harmless one where the route changes things. */
  url?: string;
  body?: unknown;
  /** For allowed callers of a GET: the exact success status. */
  ok?: number;
  /** Without a session, when not 401: speakers' audio URLs must be signed, else 403. */
  anon?: number;
}

// Ids made in beforeAll.
const ids = { run: '', command: '', bulletin: '', audio: '' };

/** "METHOD /path" → who may call it. Mutations use an unknown id or an invalid body: admitted, yet changing nothing. */
const TABLE: Record<string, Row> = {
  'GET /api/health': { who: PUBLIC },
  'GET /api/status': { who: STAFF, ok: 200 },
  'GET /api/site': { who: ALL, ok: 200 },
  'GET /api/types': { who: ALL, ok: 200 },
  'GET /api/alerts': { who: ALL, ok: 200 },
  'POST /api/alerts/:key/ack': { who: ['admin', 'official', 'operator', 'farmer'], url: '/api/alerts/no-such-alert/ack', body: {} },
  'POST /api/auth/sign-in': { who: PUBLIC, body: {} },
  'POST /api/auth/sign-out': { who: ALL },
  'GET /api/auth/me': { who: PUBLIC },
  'POST /api/auth/password': { who: ALL, body: {} },
  'GET /api/setup': { who: PUBLIC },
  'POST /api/setup': { who: PUBLIC, body: {} },
  'GET /api/users': { who: ADMIN, ok: 200 },
  'POST /api/users': { who: ADMIN, body: {} },
  'PATCH /api/users/:login': { who: ADMIN, url: '/api/users/nobody', body: {} },
  'POST /api/users/:login/reset-password': { who: ADMIN, url: '/api/users/nobody/reset-password' },
  'GET /api/tokens': { who: ADMIN, ok: 200 },
  'POST /api/tokens': { who: ADMIN, body: {} },
  'DELETE /api/tokens/:id': { who: ADMIN, url: '/api/tokens/000000000000' },
  'GET /api/devices': { who: ALL, ok: 200 },
  'GET /api/devices/:id': { who: ALL, url: '/api/devices/van-a', ok: 200 },
  'POST /api/devices': { who: WORKS, body: {} },
  'PATCH /api/devices/:id': { who: WORKS, url: '/api/devices/no-such-device', body: {} },
  'DELETE /api/devices/:id': { who: WORKS, url: '/api/devices/no-such-device' },
  'POST /api/devices/:id/secret': { who: WORKS, url: '/api/devices/no-such-device/secret' },
  'GET /api/devices/:id/telemetry': { who: ALL, url: '/api/devices/van-a/telemetry', ok: 200 },
  'GET /api/series': { who: ALL, url: '/api/series?device=van-a&metric=flowLpm', ok: 200 },
  'POST /api/devices/:id/commands': { who: FARM_WORK, url: '/api/devices/van-a/commands', body: {} },
  'GET /api/commands/:id': { who: ALL, url: '/api/commands/{command}', ok: 200 },
  'GET /api/irrigation/zones': { who: ALL, ok: 200 },
  'GET /api/irrigation/programs': { who: ALL, ok: 200 },
  'PUT /api/irrigation/programs/:id': { who: FARM_WORK, url: '/api/irrigation/programs/moi', body: {} },
  'DELETE /api/irrigation/programs/:id': { who: FARM_WORK, url: '/api/irrigation/programs/no-such-program' },
  'GET /api/irrigation/queue': { who: ALL, ok: 200 },
  'POST /api/irrigation/run': { who: FARM_WORK, body: {} },
  'POST /api/irrigation/runs/:id/stop': { who: FARM_WORK, url: '/api/irrigation/runs/{run}/stop' },
  'POST /api/irrigation/pause': { who: WORKS },
  'POST /api/irrigation/resume': { who: WORKS },
  'POST /api/irrigation/cancel': { who: WORKS },
  'POST /api/irrigation/rain-delay': { who: WORKS, body: {} },
  'GET /api/irrigation/settings': { who: ALL, ok: 200 },
  'PATCH /api/irrigation/settings': { who: WORKS, body: {} },
  'GET /api/irrigation/history': { who: ALL, ok: 200 },
  'GET /api/irrigation/zones/:id/water': { who: ALL, url: `/api/irrigation/zones/${ZONE_A}/water`, ok: 200 },
  'GET /api/irrigation/zones/:id/history': { who: ALL, url: `/api/irrigation/zones/${ZONE_A}/history?from=${Date.now() - 3600_000}&to=${Date.now()}`, ok: 200 },
  'GET /api/irrigation/sources/:id/water': { who: STAFF, url: '/api/irrigation/sources/gieng-1/water', ok: 200 },
  'GET /api/lighting/groups': { who: STAFF, ok: 200 },
  'GET /api/rules': { who: ALL, ok: 200 },
  'GET /api/rules/:id': { who: ALL, url: '/api/rules/no-such-rule' },
  'PUT /api/rules/:id': { who: RULE_MAKERS, url: '/api/rules/moi', body: {} },
  'DELETE /api/rules/:id': { who: RULE_MAKERS, url: '/api/rules/no-such-rule' },
  'POST /api/rules/:id/enable': { who: RULE_MAKERS, url: '/api/rules/no-such-rule/enable' },
  'POST /api/rules/:id/disable': { who: RULE_MAKERS, url: '/api/rules/no-such-rule/disable' },
  'POST /api/rules/test': { who: RULE_MAKERS, url: '/api/rules/test', body: {} },
  'GET /api/scenes': { who: STAFF, ok: 200 },
  'GET /api/scenes/:id': { who: STAFF, url: '/api/scenes/no-such-scene' },
  'GET /api/scenes/runs/:runId': { who: STAFF, url: '/api/scenes/runs/sr-00000000' },
  'PUT /api/scenes/:id': { who: ADMIN, url: '/api/scenes/moi', body: {} },
  'DELETE /api/scenes/:id': { who: ADMIN, url: '/api/scenes/no-such-scene' },
  'POST /api/scenes/:id/run': { who: ['admin', 'official', 'operator'], url: '/api/scenes/no-such-scene/run' },
  'POST /api/scenes/:id/undo': { who: ['admin', 'official', 'operator'], url: '/api/scenes/no-such-scene/undo' },
  'GET /api/indicators': { who: READERS, url: '/api/indicators?period=2026-11', ok: 200 },
  'GET /api/indicators/report/csv': { who: READERS, url: '/api/indicators/report/csv?period=2026-11', ok: 200 },
  'GET /api/indicators/history': { who: READERS, url: '/api/indicators/history?from=2026-09&to=2026-10', ok: 200 },
  'GET /api/indicators/notable': { who: READERS, url: '/api/indicators/notable?period=2026-11', ok: 200 },
  'GET /api/indicators/report/pdf': { who: READERS, url: '/api/indicators/report/pdf?period=2026-11', ok: 200 },
  'GET /api/lighting/groups/:id/history': { who: STAFF, url: `/api/lighting/groups/duong-chinh/history?from=${Date.now() - 3600_000}&to=${Date.now()}`, ok: 200 },
  'GET /api/lighting/programs': { who: STAFF, ok: 200 },
  'PUT /api/lighting/programs/:id': { who: WORKS, url: '/api/lighting/programs/moi', body: {} },
  'DELETE /api/lighting/programs/:id': { who: WORKS, url: '/api/lighting/programs/no-such-program' },
  'PUT /api/lighting/groups/:id/calendar': { who: WORKS, url: '/api/lighting/groups/duong-chinh/calendar', body: {} },
  'GET /api/lighting/overrides': { who: STAFF, ok: 200 },
  'POST /api/lighting/overrides': { who: WORKS, body: {} },
  'GET /api/lighting/energy': { who: STAFF, ok: 200 },
  'GET /api/lighting/failures': { who: STAFF, ok: 200 },
  'GET /api/radio/zones': { who: STAFF, ok: 200 },
  'GET /api/radio/clusters': { who: STAFF, ok: 200 },
  'GET /api/radio/slots': { who: STAFF, ok: 200 },
  'PUT /api/radio/slots': { who: WORKS, body: {} },
  'GET /api/radio/audio/:file': { who: STAFF, url: '/api/radio/audio/{audio}', ok: 200, anon: 403 },
  'POST /api/radio/tts': { who: ['admin', 'official', 'operator'], body: {} },
  'POST /api/radio/audio': { who: ['admin', 'official', 'operator'], body: {} },
  'GET /api/radio/bulletins': { who: STAFF, ok: 200 },
  'GET /api/radio/bulletins/:id': { who: STAFF, url: '/api/radio/bulletins/{bulletin}', ok: 200 },
  'POST /api/radio/bulletins': { who: WORKS, body: {} },
  'PATCH /api/radio/bulletins/:id': { who: WORKS, url: '/api/radio/bulletins/no-such-bulletin', body: {} },
  'POST /api/radio/bulletins/:id/submit': { who: WORKS, url: '/api/radio/bulletins/no-such-bulletin/submit' },
  'POST /api/radio/bulletins/:id/approve': { who: APPROVERS, url: '/api/radio/bulletins/no-such-bulletin/approve' },
  'POST /api/radio/bulletins/:id/reject': { who: APPROVERS, url: '/api/radio/bulletins/no-such-bulletin/reject' },
  'POST /api/radio/bulletins/:id/cancel': { who: ['admin', 'official', 'operator'], url: '/api/radio/bulletins/no-such-bulletin/cancel' },
  'POST /api/radio/emergency': { who: APPROVERS, body: {} },
  'GET /api/radio/log': { who: STAFF, url: '/api/radio/log?month=2026-12', ok: 200 },
  'GET /api/events': { who: ALL, ok: 200 },
};

let t: TestVillage;
const clients = {} as Record<Role, ApiClient>;

beforeAll(async () => {
  t = await startTestVillage({ site: authSite() });
  for (const role of ROLES) clients[role] = await t.as(role, role, role === 'farmer' ? [ZONE_A] : []);
  const admin = clients.admin;
  const run = await admin.post('/api/irrigation/run', { zone: ZONE_A, durationS: 30 });
  expect(run.status).toBe(202);
  ids.run = run.body.id;
  const cmd = await admin.post('/api/devices/van-a/commands', { action: 'close', params: {} });
  expect(cmd.status).toBe(202);
  ids.command = cmd.body.command.id;
  const op = clients.operator;
  const b = await op.post('/api/radio/bulletins', { title: 'Thử', level: 'normal', zones: ['commune'], content: { kind: 'text', text: 'Xin chào bà con' } });
  expect(b.status).toBe(201);
  ids.bulletin = b.body.id;
  ids.audio = b.body.audio.file;
});

afterAll(async () => t?.stop());

const appRoutes = () => apiRoutes(t.village.api);

function urlOf(key: string, row: Row): string {
  const path = row.url ?? key.split(' ')[1]!;
  return path.replace(/\{(\w+)\}/g, (_, k: keyof typeof ids) => ids[k]);
}

const call = (method: string, url: string, body: unknown, who?: ApiClient) =>
  statusOf(t.village.api, t.village.url, { method, url, body, headers: who ? { cookie: who.cookie, 'x-csrf-token': who.csrfToken } : {} });

test('every /api route declares who may call it, and every one is in the table', () => {
  const routes = appRoutes();
  expect(routes.length).toBeGreaterThan(60);
  for (const r of routes) expect(r.auth, `${r.key} declares no permission`).toBeDefined();
  const missing = routes.filter((r) => !TABLE[r.key]).map((r) => r.key);
  expect(missing, 'routes without a row in the matrix').toEqual([]);
  const gone = Object.keys(TABLE).filter((k) => !routes.some((r) => r.key === k));
  expect(gone, 'rows for routes that no longer exist').toEqual([]);
});

describe('route × role', () => {
  test('no session: 401 everywhere but the public routes', async () => {
    const wrong: string[] = [];
    for (const r of appRoutes()) {
      const row = TABLE[r.key]!;
      const status = await call(r.method, urlOf(r.key, row), row.body, undefined);
      const fine = row.who === PUBLIC ? status !== 401 && status !== 403 : status === (row.anon ?? 401);
      if (!fine) wrong.push(`${r.key} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  test.each(ROLES)('as %s: 403 where the role may not, admitted (and GETs succeed) where it may', async (role) => {
    const wrong: string[] = [];
    for (const r of appRoutes()) {
      const row = TABLE[r.key]!;
      // Signing out ends the session: that route gets a session of its own.
      const who = r.key === 'POST /api/auth/sign-out' ? await fresh(role) : clients[role];
      const status = await call(r.method, urlOf(r.key, row), row.body, who);
      const allowed = row.who === PUBLIC || row.who.includes(role);
      if (!allowed && status !== 403) wrong.push(`${r.key} → ${status}, want 403`);
      if (allowed && (status === 401 || status === 403 || status >= 500)) wrong.push(`${r.key} → ${status}, want admitted`);
      if (allowed && row.ok && status !== row.ok) wrong.push(`${r.key} → ${status}, want ${row.ok}`);
    }
    expect(wrong).toEqual([]);
  });
});

async function fresh(role: Role): Promise<ApiClient> {
  const c = clients[role];
  return clientFor(t.village.url, { ...c, ...(await signIn(t.village.url, c.login, c.password)) });
}
