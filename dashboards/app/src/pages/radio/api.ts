// The radio API, typed from the server's contract (controller/api/contract/radio.ts).
import type { z } from 'zod';
import type { AudioView, BulletinInput, BulletinView, Cluster, EmergencyInput, RadioZones, Slot, SlotView } from '../../../../../controller/api/contract/radio.js';
import { get, request } from '../../lib/http.js';

export type Bulletin = z.infer<typeof BulletinView>;
export type Delivery = Bulletin['deliveries'][number];
export type NotReached = Bulletin['reach']['notReached'][number];
export type Zones = z.infer<typeof RadioZones>;
export type ClusterView = z.infer<typeof Cluster>;
export type SlotRow = z.infer<typeof SlotView>;
export type Audio = z.infer<typeof AudioView>;
export type BulletinBody = z.input<typeof BulletinInput>;
export type EmergencyBody = z.input<typeof EmergencyInput>;
export type Level = Bulletin['level'];
export type Status = Bulletin['status'];
/** What the slot editor sends: as typed, so a bad window is the server's to explain. */
export type SlotBody = Omit<z.input<typeof Slot>, 'windowMin'> & { windowMin?: number | string };

const enc = encodeURIComponent;

export const radioApi = {
  zones: () => get<Zones>('/api/radio/zones'),
  clusters: () => get<ClusterView[]>('/api/radio/clusters'),
  slots: () => get<SlotRow[]>('/api/radio/slots'),
  putSlots: (slots: SlotBody[]) => request<SlotRow[]>('PUT', '/api/radio/slots', slots),
  bulletins: (status: Status) => get<Bulletin[]>(`/api/radio/bulletins?status=${status}`),
  create: (b: BulletinBody) => request<Bulletin>('POST', '/api/radio/bulletins', b),
  update: (id: string, b: BulletinBody) => request<Bulletin>('PATCH', `/api/radio/bulletins/${enc(id)}`, b),
  emergency: (b: EmergencyBody) => request<Bulletin>('POST', '/api/radio/emergency', b),
  /** A step of a bulletin (submit, approve, reject, cancel); the body is an optional note. */
  step: (id: string, step: 'submit' | 'approve' | 'reject' | 'cancel', body: { note?: string } = {}) =>
    request<Bulletin>('POST', `/api/radio/bulletins/${enc(id)}/${step}`, body),
  tts: (text: string) => request<Audio>('POST', '/api/radio/tts', { text }),
  upload: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<Audio>('POST', '/api/radio/audio', form);
  },
};

export const audioUrl = (file: string): string => `/api/radio/audio/${enc(file)}`;
