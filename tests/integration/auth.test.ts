// Sign-in on real parts: sessions, CSRF, forged headers, fixation, rate limits, the first run,
// API tokens, signed speaker audio URLs, timeouts and the audit trail in InfluxDB.
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installAuth } from '../../controller/api/auth-plugin.js';
import { Auth } from '../../controller/auth/auth.js';
import { clientFor, signIn, type ApiClient } from '../helpers/api.js';
import { authSite, ZONE_A } from '../helpers/auth-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let admin: ApiClient;

beforeAll(async () => {
  t = await startTestVillage({ site: authSite(), options: { auth: { signInWindowMs: 3000 } } });
  admin = await t.as('admin');
});
afterAll(async () => t?.stop());

const url = (p: string) => new URL(p, t.village.url).toString();
const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('sessions and CSRF', () => {
  test('a cross-origin POST with the session cookie but no CSRF token is refused, and changes nothing', async () => {
    const op = await t.as('operator');
    const before = (await op.get('/api/irrigation/settings')).body.paused;
    const res = await fetch(url('/api/irrigation/pause'), { method: 'POST', headers: { cookie: op.cookie, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('csrf');
    expect((await op.get('/api/irrigation/settings')).body.paused).toBe(before);
    // A made-up token is no better than none.
    const forged = await fetch(url('/api/irrigation/pause'), { method: 'POST', headers: { cookie: op.cookie, 'x-csrf-token': 'abc-def' } });
    expect(forged.status).toBe(403);
    // The page's own token works.
    expect((await op.post('/api/irrigation/pause')).status).toBe(200);
    expect((await op.post('/api/irrigation/resume')).status).toBe(200);
  });

  test('sign-in from another site is refused (login CSRF)', async () => {
    const res = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: 'admin', password: 'x'.repeat(12) }, { origin: 'http://evil.example' }) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('cross-origin');
  });

  test('X-User and X-Role headers are ignored', async () => {
    const anon = await fetch(url('/api/radio/bulletins'), { method: 'POST', ...json({ title: 'x' }, { 'x-user': 'admin', 'x-role': 'admin' }) });
    expect(anon.status).toBe(401);
    const viewer = await t.as('viewer');
    const res = await viewer.fetch('/api/irrigation/pause', { method: 'POST', headers: { 'x-user': 'admin', 'x-role': 'admin' } });
    expect(res.status).toBe(403);
  });

  test('signing in gives a new session id; the one presented before is dead', async () => {
    const op = await t.as('dao', 'operator');
    const again = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: op.login, password: op.password }, { cookie: op.cookie }) });
    expect(again.status).toBe(200);
    const cookie = again.headers.getSetCookie().find((c) => c.startsWith('village.sid='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie.split(';')[0]).not.toBe(op.cookie);
    expect((await fetch(url('/api/devices'), { headers: { cookie: op.cookie } })).status).toBe(401);
    expect((await fetch(url('/api/devices'), { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });

  test('sign-out ends the session', async () => {
    const s = await signIn(t.village.url, admin.login, admin.password);
    const c = clientFor(t.village.url, { ...admin, ...s });
    expect((await c.post('/api/auth/sign-out')).status).toBe(204);
    expect((await c.get('/api/devices')).status).toBe(401);
  });

  test('a restart signs nobody out', async () => {
    const v = await t.as('viewer');
    await t.restart();
    expect((await v.get('/api/devices')).status).toBe(200);
  });

  test('a password change ends the other sessions of the user, and disabling ends all', async () => {
    const first = await t.as('lan', 'operator');
    const second = clientFor(t.village.url, { ...first, ...(await signIn(t.village.url, first.login, first.password)) });
    const next = 'một câu dài của riêng tôi';
    expect((await first.post('/api/auth/password', { current: first.password, password: next })).status).toBe(204);
    expect((await first.get('/api/devices')).status).toBe(200);
    const ended = await second.get('/api/devices');
    expect(ended.status).toBe(401);
    expect(ended.body).toMatchObject({ code: 'session-ended', message: 'signed out: password changed' });
    const third = clientFor(t.village.url, { ...first, password: next, ...(await signIn(t.village.url, first.login, next)) });
    expect((await admin.patch(`/api/users/${first.login}`, { state: 'disabled' })).status).toBe(200);
    const disabled = await first.get('/api/devices');
    expect(disabled.status).toBe(401);
    expect(disabled.body).toMatchObject({ code: 'session-ended', message: 'signed out: account disabled by an admin' });
    expect((await third.get('/api/devices')).status).toBe(401);
    // Said once: the session is gone after that.
    expect((await first.get('/api/devices')).body.code).toBe('unauthenticated');
    const refused = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: first.login, password: next }) });
    expect(refused.status).toBe(401);
  });

  test('a role change takes effect at once', async () => {
    const u = await t.as('hoa', 'operator');
    expect((await u.post('/api/irrigation/pause')).status).toBe(200);
    await u.post('/api/irrigation/resume');
    expect((await admin.patch('/api/users/hoa', { role: 'viewer' })).status).toBe(200);
    expect((await u.get('/api/devices')).status).toBe(401);
    const again = clientFor(t.village.url, { ...u, ...(await signIn(t.village.url, u.login, u.password)) });
    expect((await again.post('/api/irrigation/pause')).status).toBe(403);
  });

  test('the last active admin cannot be disabled or demoted', async () => {
    const res = await admin.patch('/api/users/admin', { role: 'viewer' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last-admin');
  });
});

describe('passwords and sign-in', () => {
  test('short and common passwords are refused with their codes; no composition rules', async () => {
    const short = await admin.post('/api/users', { login: 'ngan', name: 'Ngắn', role: 'viewer', password: 'abc123' });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('password-too-short');
    const common = await admin.post('/api/users', { login: 'pho-bien', name: 'Phổ biến', role: 'viewer', password: 'password1234' });
    expect(common.status).toBe(400);
    expect(common.body.code).toBe('password-common');
    const plain = await admin.post('/api/users', { login: 'de-nho', name: 'Dễ nhớ', role: 'viewer', password: 'trau bo ra dong som' });
    expect(plain.status).toBe(201);
  });

  test('a user made without a password gets a temporary one, shown once, to be changed first', async () => {
    const made = await admin.post('/api/users', { login: 'tam-thoi', name: 'Tạm thời', role: 'viewer' });
    expect(made.status).toBe(201);
    const temp = made.body.temporaryPassword as string;
    expect(temp.length).toBeGreaterThanOrEqual(12);
    const list = await admin.get('/api/users');
    expect(JSON.stringify(list.body)).not.toContain(temp);
    const s = await signIn(t.village.url, 'tam-thoi', temp);
    const c = clientFor(t.village.url, { login: 'tam-thoi', role: 'viewer', password: temp, ...s });
    const blocked = await c.get('/api/devices');
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('password-change-required');
    expect((await c.post('/api/auth/password', { current: temp, password: 'mật khẩu mới đủ dài' })).status).toBe(204);
    expect((await c.get('/api/devices')).status).toBe(200);
  });

  test('the 11th bad password in the window is refused with 429; the real user gets in after it', async () => {
    const u = await t.as('bi-khoa', 'viewer');
    for (let i = 0; i < 10; i++) {
      const r = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: u.login, password: `sai mat khau ${i}` }) });
      expect(r.status).toBe(401);
    }
    const eleventh = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: u.login, password: 'sai mat khau 11' }) });
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await eleventh.json()) as { code: string; message: string };
    expect(body.code).toBe('rate-limited');
    expect(body.message).toMatch(/try again in \d+ s/);
    // Even the right password waits out the window: the guesser cannot tell it apart.
    expect((await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: u.login, password: u.password }) })).status).toBe(429);
    // Another account from the same address is not locked out by this one's failures.
    expect((await signIn(t.village.url, admin.login, admin.password)).cookie).toMatch(/^village\.sid=/);
    await until(async () => (await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: u.login, password: u.password }) })).status === 200, 'the window to pass', 10_000);
  });

  test('a wrong password and an unknown login get the same answer', async () => {
    const a = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: 'admin', password: 'khong phai mat khau' }) });
    const b = await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: 'khong-co-ai', password: 'khong phai mat khau' }) });
    expect([a.status, b.status]).toEqual([401, 401]);
    expect((await a.json()) as object).toEqual((await b.json()) as object);
  });
});

describe('API tokens', () => {
  test('shown once, stored hashed, role-limited, no CSRF needed, revocable', async () => {
    const made = await admin.post('/api/tokens', { name: 'Grafana', role: 'viewer' });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect(token).toMatch(/^svt_[0-9a-f]{12}_/);
    // The secret is everything after the id: base64url, which may itself contain "_".
    const secret = token.slice('svt_'.length + 12 + 1);
    expect(secret.length).toBe(32); // 24 random bytes
    expect(JSON.stringify((await admin.get('/api/tokens')).body)).not.toContain(secret);
    expect(JSON.stringify(t.village.auth.store.token(made.body.id))).not.toContain(secret);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(url('/api/devices'), { headers: bearer })).status).toBe(200);
    expect((await fetch(url('/api/irrigation/pause'), { method: 'POST', headers: bearer })).status).toBe(403);
    const op = await admin.post('/api/tokens', { name: 'script', role: 'operator' });
    const opBearer = { authorization: `Bearer ${op.body.token}` };
    expect((await fetch(url('/api/irrigation/pause'), { method: 'POST', headers: opBearer })).status).toBe(200);
    await fetch(url('/api/irrigation/resume'), { method: 'POST', headers: opBearer });
    expect((await admin.delete(`/api/tokens/${made.body.id}`)).body.revokedAt).toBeTruthy();
    const revoked = await fetch(url('/api/devices'), { headers: bearer });
    expect(revoked.status).toBe(401);
    expect((await fetch(url('/api/devices'), { headers: { authorization: 'Bearer svt_000000000000_' + 'a'.repeat(32) } })).status).toBe(401);
  });

  test('a farmer token sees its zones only', async () => {
    const made = await admin.post('/api/tokens', { name: 'farm app', role: 'farmer', zones: [ZONE_A] });
    const devices = (await (await fetch(url('/api/devices'), { headers: { authorization: `Bearer ${made.body.token}` } })).json()) as { id: string }[];
    expect(devices.map((d) => d.id).sort()).toEqual(['cb-a', 'van-a']);
  });
});

describe('who acts', () => {
  test('commands and bulletin steps carry the signed-in user', async () => {
    const op = await t.as('operator');
    const cmd = await op.post('/api/devices/van-a/commands', { action: 'close', params: {} });
    expect(cmd.body.command.issuer).toBe('user:operator');
    const b = await op.post('/api/radio/bulletins', { title: 'Họp thôn', level: 'normal', zones: ['commune'], content: { kind: 'text', text: 'Mời bà con đi họp' } });
    expect(b.status).toBe(201);
    expect(b.body.history[0]).toMatchObject({ by: 'operator', role: 'operator', action: 'drafted' });
    const official = await t.as('official');
    expect((await op.post(`/api/radio/bulletins/${b.body.id}/submit`)).status).toBe(200);
    // Four eyes: an admin who wrote a bulletin cannot approve it either.
    const own = await admin.post('/api/radio/bulletins', { title: 'Của admin', level: 'normal', zones: ['commune'], content: { kind: 'text', text: 'Thử' } });
    await admin.post(`/api/radio/bulletins/${own.body.id}/submit`);
    const self = await admin.post(`/api/radio/bulletins/${own.body.id}/approve`);
    expect(self.status).toBe(403);
    const ok = await official.post(`/api/radio/bulletins/${b.body.id}/approve`, { note: 'được' });
    expect(ok.status).toBe(200);
    expect(ok.body.history.at(-1)).toMatchObject({ by: 'official', role: 'official', action: 'approved' });
  });

  test('every refusal is logged with its reason', async () => {
    const viewer = await t.as('viewer');
    await viewer.post('/api/irrigation/pause');
    const line = await until(() => t.lines.find((l) => l.msg === 'request refused' && l.url === '/api/irrigation/pause' && l.actor === 'viewer'), 'the refusal in the log');
    expect(line).toMatchObject({ refused: 'forbidden', status: 403 });
    expect(String(line.reason)).toContain('viewer');
  });

  test('sign-ins, failures, user and role changes are audit points in InfluxDB', async () => {
    const from = Date.now() - 3600_000;
    await fetch(url('/api/auth/sign-in'), { method: 'POST', ...json({ login: 'admin', password: 'sai roi sai roi' }) });
    await admin.post('/api/users', { login: 'kiem-toan', name: 'Kiểm toán', role: 'viewer' });
    await admin.patch('/api/users/kiem-toan', { role: 'official' });
    const points = await until(async () => {
      const p = await t.village.storage.range('auth_audit', from, Date.now() + 60_000);
      const kinds = new Set(p.map((x) => x.event));
      return ['sign-in', 'sign-in-failed', 'user-created', 'role-changed'].every((k) => kinds.has(k)) ? p : undefined;
    }, 'audit points in InfluxDB');
    const role = points.find((p) => p.event === 'role-changed' && p.login === 'kiem-toan')!;
    expect(role).toMatchObject({ by: 'admin', role: 'official' });
    const failed = points.find((p) => p.event === 'sign-in-failed' && p.login === 'admin')!;
    expect(failed.reason).toBe('wrong password');
    expect(JSON.stringify(points)).not.toContain('sai roi sai roi');
  });
});

describe('speaker audio URLs', () => {
  test('signed and unexpired: served with ranges; unsigned, altered or expired: 403', async () => {
    const op = await t.as('operator');
    const a = await op.post('/api/radio/tts', { text: 'Thông báo thử loa' });
    expect(a.status).toBe(201);
    const file = a.body.file as string;
    const signed = url(a.body.url);
    const whole = await fetch(signed);
    expect(whole.status).toBe(200);
    const part = await fetch(signed, { headers: { range: 'bytes=0-11' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
    expect((await fetch(url(`/api/radio/audio/${file}`))).status).toBe(403);
    // Altered: its first character changed (to one it is not: 1 in 64 signatures start with 'A').
    const altered = signed.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect(altered).not.toBe(signed);
    expect((await fetch(altered)).status).toBe(403);
    const expired = url(`/api/radio/audio/${file}?${t.village.auth.signAudio(file, -60_000)}`);
    const r = await fetch(expired);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toContain('expired');
    // Another file's signature does not open this one.
    const other = await op.post('/api/radio/tts', { text: 'Một thông báo khác' });
    const stolen = url(`/api/radio/audio/${file}?${new URL(other.body.url, t.village.url).search.slice(1)}`);
    expect((await fetch(stolen)).status).toBe(403);
  });
});

describe('web pages', () => {
  test("each page's lasting address redirects to the app's page, with its query", async () => {
    // No session needed: the page itself sends a visitor to sign in.
    for (const [from, to] of [
      ['/', '/app/'],
      ['/?type=street-light', '/app/?type=street-light'],
      ['/lighting.html?x=1', '/app/lighting.html?x=1'],
      ['/signin.html?next=%2Fradio.html', '/app/signin.html?next=%2Fradio.html'],
    ] as const) {
      const res = await fetch(url(from), { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(to);
    }
    const app = await fetch(url('/app/'));
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await app.text()).toContain('<div id="app"></div>');
    // Nothing else is served outside /app/ and /api/: the old plain-JS pages are gone.
    expect((await fetch(url('/style.css'), { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(url('/app.js'), { redirect: 'manual' })).status).toBe(404);
  });
});

describe('first run', () => {
  let f: TestVillage;
  afterAll(async () => f?.stop());

  test('a one-time setup code makes the first admin; until then everything answers 503', async () => {
    f = await startTestVillage({ site: authSite(), influxd: t.influxd, options: { seedUsers: async () => {} } });
    const u = (p: string) => new URL(p, f.village.url).toString();
    const file = join(f.dir, 'data', 'setup-code.txt');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const code = (await readFile(file, 'utf8')).split('\n')[0]!;
    expect(code).toMatch(/^\S{12}$/);
    expect(f.lines.some((l) => l.msg?.toString().startsWith('setup required') && String(l.url).endsWith('/setup.html'))).toBe(true);
    const blocked = await fetch(u('/api/devices'));
    expect(blocked.status).toBe(503);
    expect(((await blocked.json()) as { code: string }).code).toBe('setup-required');
    expect(((await (await fetch(u('/api/setup'))).json()) as { required: boolean }).required).toBe(true);
    const body = { login: 'chu-tich', name: 'Chủ tịch xã', password: 'một mật khẩu thật dài' };
    const wrong = await fetch(u('/api/setup'), { method: 'POST', ...json({ ...body, code: 'ABCDEFGHJKLM' }) });
    expect(wrong.status).toBe(403);
    const ok = await fetch(u('/api/setup'), { method: 'POST', ...json({ ...body, code }) });
    expect(ok.status).toBe(201);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('village.sid='))!.split(';')[0]!;
    expect((await fetch(u('/api/users'), { headers: { cookie } })).status).toBe(200);
    // The code is dead and its file gone.
    const again = await fetch(u('/api/setup'), { method: 'POST', ...json({ ...body, login: 'ke-khac', code }) });
    expect(again.status).toBe(409);
    await expect(stat(file)).rejects.toThrow();
    expect((await fetch(u('/api/devices'))).status).toBe(401);
  });

  test('an expired setup code is refused', async () => {
    const g = await startTestVillage({ site: authSite(), influxd: t.influxd, options: { seedUsers: async () => {}, auth: { setupTtlMs: 1 } } });
    try {
      const code = (await readFile(join(g.dir, 'data', 'setup-code.txt'), 'utf8')).split('\n')[0]!;
      const res = await fetch(new URL('/api/setup', g.village.url), { method: 'POST', ...json({ code, login: 'chu-tich', name: 'Chủ tịch', password: 'một mật khẩu thật dài' }) });
      expect(res.status).toBe(410);
      expect(((await res.json()) as { code: string }).code).toBe('setup-code-expired');
    } finally {
      await g.stop();
    }
  });
});

describe('session timeouts', () => {
  test('an idle session ends, and so does one past its absolute limit however busy', async () => {
    const s = await startTestVillage({ site: authSite(), influxd: t.influxd, options: { auth: { sessionIdleMs: 800, sessionMaxMs: 2500 } } });
    try {
      const idle = await s.as('viewer');
      await until(async () => (await idle.get('/api/devices')).status === 401, 'the idle session to end', 10_000);
      const busy = await s.as('operator');
      const started = Date.now();
      // Requests every 100 ms keep it from idling; it still ends at the absolute limit.
      const ended = await until(async () => {
        const r = await busy.get('/api/devices');
        await new Promise((res) => setTimeout(res, 100));
        return r.status === 401 ? r : undefined;
      }, 'the absolute limit', 10_000);
      // Never idle, so it is the absolute limit that ended it.
      expect(Date.now() - started).toBeGreaterThan(2000);
      expect(['unauthenticated', 'session-ended']).toContain(ended.body.code);
    } finally {
      await s.stop();
    }
  });
});

test('a route that declares no permission cannot be registered', async () => {
  const log = pino({ level: 'silent' });
  const auth = new Auth({ dataDir: join(t.dir, 'bare'), log, site: () => 'x', writeEvent: () => {}, setupUrl: () => 'http://127.0.0.1/setup.html' });
  await auth.start();
  const app = Fastify();
  try {
    await installAuth(app, { auth, secure: false, idleMs: 60_000, maxMs: 3600_000 });
    expect(() => app.get('/api/forgotten', async () => 'open')).toThrow(/declares no permission/);
    expect(() => app.get('/api/declared', { config: { auth: 'devices.read' } }, async () => 'ok')).not.toThrow();
  } finally {
    await app.close();
    await auth.stop();
  }
});
