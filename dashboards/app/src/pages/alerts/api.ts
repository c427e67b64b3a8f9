// The inbox's calls; types from the server's contract (controller/api/contract/alerts.ts).
import type { AlertList, AlertState } from '../../../../../controller/api/contract/alerts.js';
import type { Device } from '../../../../../controller/api/contract/devices.js';
import { get, request } from '../../lib/http.js';

export type { AlertState };

export const alertsApi = {
  list: () => get<AlertList>('/api/alerts?limit=500'),
  ack: (key: string, note: string) => request<AlertState>('POST', `/api/alerts/${encodeURIComponent(key)}/ack`, note ? { note } : {}),
  devices: () => get<Device[]>('/api/devices'),
};
