// The lighting page's requests, typed from the server's zod contract (controller/api/contract/lighting.ts).
import type { z } from 'zod';
import type { EnergyNight, Failures, GroupView, LightCalendar, LightingEvent, LightProgram, LightProgramBody, NewOverride, Override } from '../../../../../controller/api/contract/lighting.js';
import { get, request } from '../../lib/http.js';

export type Group = z.infer<typeof GroupView>;
export type Light = Group['lights'][number];
export type Program = z.infer<typeof LightProgram>;
export type Step = Program['steps'][number];
export type Calendar = z.infer<typeof LightCalendar>;
export type CalendarBody = z.input<typeof LightCalendar>;
export type Rule = Calendar['rules'][number];
export type OverrideView = z.infer<typeof Override>;
export type OverrideBody = z.input<typeof NewOverride>;
export type FailureList = z.infer<typeof Failures>;
export type Energy = z.infer<typeof EnergyNight>;
export type { LightingEvent };

const enc = encodeURIComponent;

export const lightingApi = {
  groups: () => get<Group[]>('/api/lighting/groups'),
  failures: () => get<FailureList>('/api/lighting/failures'),
  overrides: () => get<OverrideView[]>('/api/lighting/overrides'),
  programs: () => get<Program[]>('/api/lighting/programs'),
  energy: (night: string) => get<Energy>(`/api/lighting/energy?night=${enc(night)}`),
  override: (body: OverrideBody) => request<OverrideView>('POST', '/api/lighting/overrides', body),
  putProgram: (id: string, body: z.input<typeof LightProgramBody>) => request<Program>('PUT', `/api/lighting/programs/${enc(id)}`, body),
  deleteProgram: (id: string) => request<null>('DELETE', `/api/lighting/programs/${enc(id)}`),
  putCalendar: (group: string, body: CalendarBody) => request<Calendar>('PUT', `/api/lighting/groups/${enc(group)}/calendar`, body),
};
