// The province roll-up's API, typed from the server's contract (controller/api/contract/province.ts).
import type { z } from 'zod';
import type { CommuneView, CommuneWithToken, NewCommune, ProvinceCommuneRow, ProvinceFigure, ProvinceHistory, ProvinceTable } from '../../../../../controller/api/contract/province.js';
import { get, request } from '../../lib/http.js';

export type { CommuneView, ProvinceCommuneRow, ProvinceFigure, ProvinceHistory, ProvinceTable };
export type NewCommune = z.input<typeof NewCommune>;
export type CommuneWithToken = z.infer<typeof CommuneWithToken>;
export type Definition = ProvinceTable['definitions'][number];
export type AreaTotals = ProvinceTable['total'];
/** A drill-down's area: one district's totals, or one commune's figures. */
export type Area = { district: string } | { commune: string };

const q = (p: Record<string, string>) => new URLSearchParams(p).toString();
const path = (id: string) => `/api/province/communes/${encodeURIComponent(id)}`;

export const provinceApi = {
  table: (period: string) => get<ProvinceTable>(`/api/province/table?${q({ period })}`),
  history: (from: string, to: string, area: Area) => get<ProvinceHistory>(`/api/province/history?${q({ from, to, ...area })}`),
  csvHref: (period: string, lang: string) => `/api/province/report/csv?${q({ period, lang })}`,
  communes: () => get<CommuneView[]>('/api/province/communes'),
  addCommune: (c: NewCommune) => request<CommuneWithToken>('POST', '/api/province/communes', c),
  rekey: (id: string) => request<CommuneWithToken>('POST', `${path(id)}/token`),
  remove: (id: string) => request<null>('DELETE', path(id)),
};
