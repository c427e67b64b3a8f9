// The device page's requests, typed from the server's zod contract (import type only).
import type { z } from 'zod';
import type { Command, CommandReply, Device, DeviceTypeInfo, SendCommand } from '../../../../../controller/api/contract/devices.js';
import { get, request } from '../../lib/http.js';

export type { Command, Device, DeviceTypeInfo };

export const api = {
  devices: () => get<Device[]>('/api/devices'),
  types: () => get<DeviceTypeInfo[]>('/api/types'),
  command: (id: string) => get<z.infer<typeof CommandReply>>(`/api/commands/${encodeURIComponent(id)}`),
  send: (deviceId: string, body: z.input<typeof SendCommand>) =>
    request<z.infer<typeof CommandReply>>('POST', `/api/devices/${encodeURIComponent(deviceId)}/commands`, body),
};
