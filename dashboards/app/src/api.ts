// The device and series calls of the history page, and the contract's device types that several
// pages share. Every type comes from the server's zod contract (controller/api/contract) by
// z.infer: a field renamed there fails here. Bytes move through lib/http (ApiError, sign-in on 401).
import type { z } from 'zod';
import type { AlertList, AlertState } from '../../../controller/api/contract/alerts.js';
import type { Alert, AlertEvent, Device, DeviceTypeInfo, SiteView } from '../../../controller/api/contract/devices.js';
import type { Series, SeriesQuery } from '../../../controller/api/contract/series.js';
import { get } from './lib/http.js';

type SeriesParams = Omit<z.input<typeof SeriesQuery>, 'from' | 'to'> & { from: number; to: number };

export const api = {
  device: (id: string) => get<Device>(`/api/devices/${encodeURIComponent(id)}`),
  types: () => get<DeviceTypeInfo[]>('/api/types'),
  alerts: () => get<AlertList>('/api/alerts?state=active'),
  series: (q: SeriesParams) => {
    const p = new URLSearchParams({ device: q.device, metric: q.metric, from: String(q.from), to: String(q.to), ...(q.points !== undefined && { points: String(q.points) }) });
    return get<Series>(`/api/series?${p}`);
  },
};

export type { Alert, AlertEvent, AlertState, Device, DeviceTypeInfo, Series, SiteView };
