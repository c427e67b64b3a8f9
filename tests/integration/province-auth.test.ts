// The province's route × role matrix (PLANE_MODE=province): every route it registers, with no session,
// as each person's role and with a commune's push token, against a hand-written table. A route
// added without a row fails here.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROLES, type PersonRole, type Role } from '../../controller/auth/policy.js';
import type { ApiClient } from '../helpers/api.js';
import { startTestProvince, type TestProvince } from '../helpers/province.js';
import { apiRoutes, statusOf } from '../helpers/route-matrix.js';

const ALL: PersonRole[] = [...ROLES];
const ADMIN: Role[] = ['admin'];
const READERS: Role[] = ['admin', 'official', 'viewer'];
const PUBLIC = 'public' as const;

interface Row {
  who: Role[] | typeof PUBLIC | 'signed-in';
  url?: string;
  body?: unknown;
  ok?: number;
}

const TABLE: Record<string, Row> = {
  'GET /api/health': { who: PUBLIC },
  'GET /api/site': { who: 'signed-in', ok: 200 },
  'POST /api/auth/sign-in': { who: PUBLIC, body: {} },
  'POST /api/auth/sign-out': { who: 'signed-in' },
  'GET /api/auth/me': { who: PUBLIC },
  'POST /api/auth/password': { who: 'signed-in', body: {} },
  'GET /api/setup': { who: PUBLIC },
  'POST /api/setup': { who: PUBLIC, body: {} },
  'GET /api/users': { who: ADMIN, ok: 200 },
  'POST /api/users': { who: ADMIN, body: {} },
  'PATCH /api/users/:login': { who: ADMIN, url: '/api/users/nobody', body: {} },
  'POST /api/users/:login/reset-password': { who: ADMIN, url: '/api/users/nobody/reset-password' },
  'GET /api/tokens': { who: ADMIN, ok: 200 },
  'POST /api/tokens': { who: ADMIN, body: {} },
  'DELETE /api/tokens/:id': { who: ADMIN, url: '/api/tokens/000000000000' },
  'GET /api/events': { who: READERS, ok: 200 },
  'GET /api/province/communes': { who: READERS, ok: 200 },
  'POST /api/province/communes': { who: ADMIN, body: {} },
  'POST /api/province/communes/:id/token': { who: ADMIN, url: '/api/province/communes/no-such-commune/token' },
  'DELETE /api/province/communes/:id': { who: ADMIN, url: '/api/province/communes/no-such-commune' },
  'PUT /api/province/snapshots': { who: ['commune'], body: {} },
  'GET /api/province/table': { who: READERS, url: '/api/province/table?period=2026-10', ok: 200 },
  'GET /api/province/history': { who: READERS, url: '/api/province/history?from=2026-01&to=2026-10', ok: 200 },
  'GET /api/province/report/csv': { who: READERS, url: '/api/province/report/csv?period=2026-10', ok: 200 },
  // A bad month: admitted callers get 400 without a Chromium render each (tests/browser/province.test.ts prints one).
  'GET /api/province/report/pdf': { who: READERS, url: '/api/province/report/pdf?period=2026-13' },
};

let p: TestProvince;
const clients = {} as Record<PersonRole, ApiClient>;
let pushToken: string;

beforeAll(async () => {
  p = await startTestProvince();
  for (const role of ROLES) clients[role] = await p.as(role, role);
  pushToken = await p.addCommune({ id: 'xa-mot', name: 'Xã Một', district: 'Huyện Một' });
}, 120_000);
afterAll(() => p?.stop());

const call = (method: string, url: string, body: unknown, headers: Record<string, string>) => statusOf(p.province.api, p.url, { method, url, body, headers });
const appRoutes = () => apiRoutes(p.province.api);

/** Public and signed-in routes admit every actor, a commune's token included; the rest, the roles listed. */
const allowed = (row: Row, role: Role) => row.who === PUBLIC || row.who === 'signed-in' || row.who.includes(role);

test('every /api route of the province declares who may call it, and every one is in the table', () => {
  const routes = appRoutes();
  for (const r of routes) expect(r.auth, `${r.key} declares no permission`).toBeDefined();
  expect(routes.filter((r) => !TABLE[r.key]).map((r) => r.key), 'routes without a row').toEqual([]);
  expect(Object.keys(TABLE).filter((k) => !routes.some((r) => r.key === k)), 'rows for routes that no longer exist').toEqual([]);
});

describe('route × role', () => {
  test('no session: 401 everywhere but the public routes', async () => {
    const wrong: string[] = [];
    for (const r of appRoutes()) {
      const row = TABLE[r.key]!;
      const status = await call(r.method, row.url ?? r.url, row.body, {});
      if (row.who === PUBLIC ? status === 401 || status === 403 : status !== 401) wrong.push(`${r.key} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  test.each([...ALL, 'commune' as const])('as %s: 403 where the role may not, admitted where it may', async (role) => {
    const wrong: string[] = [];
    for (const r of appRoutes()) {
      const row = TABLE[r.key]!;
      if (r.key === 'POST /api/auth/sign-out') continue; // would end the shared session; the commune matrix covers it
      const headers: Record<string, string> = role === 'commune' ? { authorization: `Bearer ${pushToken}` } : { cookie: clients[role].cookie, 'x-csrf-token': clients[role].csrfToken };
      const status = await call(r.method, row.url ?? r.url, row.body, headers);
      const may = allowed(row, role);
      if (!may && status !== 403) wrong.push(`${r.key} → ${status}, want 403`);
      if (may && (status === 401 || status === 403 || status >= 500)) wrong.push(`${r.key} → ${status}, want admitted`);
      if (may && row.ok && status !== row.ok) wrong.push(`${r.key} → ${status}, want ${row.ok}`);
    }
    expect(wrong).toEqual([]);
  });
});
