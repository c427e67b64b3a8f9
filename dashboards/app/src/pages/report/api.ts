// The report's reads, typed from the server's contract (controller/api/contract/indicators.ts).
import type { NotableEvents } from '../../../../../controller/api/contract/indicators.js';
import { get } from '../../lib/http.js';

export type { NotableEvents };

export const reportApi = {
  notable: (period: string) => get<NotableEvents>(`/api/indicators/notable?period=${encodeURIComponent(period)}`),
  /** The server's PDF of the same page. */
  pdfHref: (period: string, compare: string, lang: string) => `/api/indicators/report/pdf?${new URLSearchParams({ period, compare, lang })}`,
  csvHref: (period: string) => `/api/indicators/report/csv?${new URLSearchParams({ period })}`,
};
