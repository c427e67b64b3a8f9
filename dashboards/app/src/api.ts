// The one typed API client of the web app. Every request and response type comes from the
// server's zod contract (controller/api/contract) by z.infer: a field renamed there fails here.
import type { z } from 'zod';
import type { ErrorBody } from '../../../controller/api/contract/common.js';
import type { Alert, AlertEvent, AlertList, Device, DeviceTypeInfo, SiteView } from '../../../controller/api/contract/devices.js';
import type { Series, SeriesQuery } from '../../../controller/api/contract/series.js';

/** A refusal or failure, with the server's stable code for the page to translate. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.status === 401) {
    // Signed out (or the session ended): sign in and come back here.
    location.assign(`/signin.html?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, { statusCode: 401, error: 'Unauthorized', code: 'unauthorized', message: 'sign in' });
  }
  const body: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body as ErrorBody);
  return body as T;
}

type SeriesParams = Omit<z.input<typeof SeriesQuery>, 'from' | 'to'> & { from: number; to: number };

export const api = {
  device: (id: string) => get<Device>(`/api/devices/${encodeURIComponent(id)}`),
  types: () => get<DeviceTypeInfo[]>('/api/types'),
  site: () => get<SiteView>('/api/site'),
  alerts: () => get<AlertList>('/api/alerts'),
  series: (q: SeriesParams) => {
    const p = new URLSearchParams({ device: q.device, metric: q.metric, from: String(q.from), to: String(q.to), ...(q.points !== undefined && { points: String(q.points) }) });
    return get<Series>(`/api/series?${p}`);
  },
};

export type { Alert, AlertEvent, Device, DeviceTypeInfo, Series, SiteView };
