// The irrigation page's requests, typed from the server's zod contract (controller/api/contract).
import type { z } from 'zod';
import type { AlertList } from '../../../../../controller/api/contract/alerts.js';
import type { Device, DeviceTypeInfo } from '../../../../../controller/api/contract/devices.js';
import type { HistoryItem, IrrigationEvent, Program, ProgramBody, ProgramView, Queue, QueueNow, RainDelay, Run, RunNow, Settings, ZoneView, ZoneWater } from '../../../../../controller/api/contract/irrigation.js';
import type { Note } from '../../../../../controller/irrigation/notes.js';
import { get, request } from '../../lib/http.js';

export type Zone = z.infer<typeof ZoneView>;
export type ProgramItem = z.infer<typeof ProgramView>;
export type QueueState = z.infer<typeof QueueNow> | z.infer<typeof Queue>;
export type QueuedRun = z.infer<typeof QueueNow>['queued'][number];
export type RunItem = z.infer<typeof Run>;
export type History = z.infer<typeof HistoryItem>;
export type Water = z.infer<typeof ZoneWater>;
export type { IrrigationEvent };
export type { Device, Note };

const HISTORY_LIMIT = 20;
const at = (id: string) => encodeURIComponent(id);

export const irr = {
  queue: () => get<z.infer<typeof QueueNow>>('/api/irrigation/queue'),
  zones: () => get<Zone[]>('/api/irrigation/zones'),
  programs: () => get<ProgramItem[]>('/api/irrigation/programs'),
  history: () => get<History[]>(`/api/irrigation/history?limit=${HISTORY_LIMIT}`),
  water: (zone: string) => get<Water>(`/api/irrigation/zones/${at(zone)}/water?days=7`),
  alerts: () => get<AlertList>('/api/alerts?state=active'),
  devices: () => get<Device[]>('/api/devices'),
  types: () => get<DeviceTypeInfo[]>('/api/types'),

  run: (body: z.input<typeof RunNow> | { zone: string }) => request<RunItem>('POST', '/api/irrigation/run', body),
  stop: (runId: string) => request<RunItem>('POST', `/api/irrigation/runs/${at(runId)}/stop`),
  pause: () => request<z.infer<typeof Queue>>('POST', '/api/irrigation/pause'),
  resume: () => request<z.infer<typeof Queue>>('POST', '/api/irrigation/resume'),
  cancelAll: () => request<{ cancelled: number }>('POST', '/api/irrigation/cancel'),
  rainDelay: (body: z.input<typeof RainDelay> | Record<string, never>) => request<z.infer<typeof Settings>>('POST', '/api/irrigation/rain-delay', body),
  putProgram: (id: string, body: z.input<typeof ProgramBody>) => request<Program>('PUT', `/api/irrigation/programs/${at(id)}`, body),
  deleteProgram: (id: string) => request<void>('DELETE', `/api/irrigation/programs/${at(id)}`),
};
