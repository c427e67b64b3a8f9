// The rules pages' calls; types from the server's contract (controller/api/contract/rules.ts).
import type { z } from 'zod';
import type { RuleList as RuleListSchema, RuleTestResult, RuleView } from '../../../../../controller/api/contract/rules.js';
import type { Device, DeviceTypeInfo } from '../../../../../controller/api/contract/devices.js';
import type { GroupView } from '../../../../../controller/api/contract/lighting.js';
import { get, request } from '../../lib/http.js';
import type { Body } from './draft.js';

export type { Device, DeviceTypeInfo, GroupView, RuleTestResult, RuleView };

const enc = encodeURIComponent;

export const rulesApi = {
  list: () => get<z.infer<typeof RuleListSchema>>('/api/rules'),
  one: (id: string) => get<RuleView>(`/api/rules/${enc(id)}`),
  put: (id: string, body: Body) => request<RuleView>('PUT', `/api/rules/${enc(id)}`, body),
  remove: (id: string) => request<null>('DELETE', `/api/rules/${enc(id)}`),
  setEnabled: (id: string, on: boolean) => request<RuleView>('POST', `/api/rules/${enc(id)}/${on ? 'enable' : 'disable'}`, {}),
  test: (rule: Body, from: number, to: number) => request<RuleTestResult>('POST', '/api/rules/test', { rule, from: new Date(from).toISOString(), to: new Date(to).toISOString() }),
  devices: () => get<Device[]>('/api/devices'),
  types: () => get<DeviceTypeInfo[]>('/api/types'),
  groups: () => get<GroupView[]>('/api/lighting/groups'),
};
