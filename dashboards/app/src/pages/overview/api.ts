// The indicators API, typed from the server's contract (controller/api/contract/indicators.ts).
import type { z } from 'zod';
import type { IndicatorDefinitionView, IndicatorFigure, IndicatorHistory, IndicatorSnapshot } from '../../../../../controller/api/contract/indicators.js';
import type { Device } from '../../../../../controller/api/contract/devices.js';
import { get } from '../../lib/http.js';

export type { IndicatorHistory, IndicatorSnapshot };
export type Figure = z.infer<typeof IndicatorFigure>;
export type Definition = z.infer<typeof IndicatorDefinitionView>;
export type Finding = Figure['findings'][number];
export type HistoryPoint = IndicatorHistory['series'][number]['points'][number];

export const overviewApi = {
  snapshot: (period: string) => get<IndicatorSnapshot>(`/api/indicators?period=${encodeURIComponent(period)}`),
  history: (from: string, to: string) => get<IndicatorHistory>(`/api/indicators/history?${new URLSearchParams({ from, to })}`),
  devices: () => get<Device[]>('/api/devices'),
};
