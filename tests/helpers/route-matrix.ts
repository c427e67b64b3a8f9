// What the route × role matrices share (the commune's and the province's): the app's /api routes
// as "METHOD /path" keys, and one request's status, a live stream read only as far as its status.
import type { HttpApi, RouteEntry } from '../../controller/api/http-app.js';

/** The app's /api routes; a prefix's root is registered with and without its trailing slash: one key. */
export function apiRoutes(api: Pick<HttpApi, 'routes'>): (RouteEntry & { key: string })[] {
  const seen = new Map<string, RouteEntry & { key: string }>();
  for (const r of api.routes()) {
    if (!r.url.startsWith('/api') || r.method === 'HEAD') continue;
    const key = `${r.method} ${r.url.replace(/(.)\/$/, '$1')}`;
    if (!seen.has(key) || seen.get(key)!.auth === undefined) seen.set(key, { ...r, key });
  }
  return [...seen.values()];
}

/** One request's status: injected, or over the network for /api/events (a stream never ends). */
export async function statusOf(api: Pick<HttpApi, 'inject'>, baseUrl: string, o: { method: string; url: string; body: unknown; headers: Record<string, string> }): Promise<number> {
  if (o.url.startsWith('/api/events')) {
    const ac = new AbortController();
    const res = await fetch(new URL(o.url, baseUrl), { headers: o.headers, signal: ac.signal });
    ac.abort();
    return res.status;
  }
  const res = await api.inject({
    method: o.method as 'GET',
    url: o.url,
    headers: { ...o.headers, ...(o.body !== undefined && { 'content-type': 'application/json' }) },
    ...(o.body !== undefined && { payload: JSON.stringify(o.body) }),
  });
  return res.statusCode;
}
