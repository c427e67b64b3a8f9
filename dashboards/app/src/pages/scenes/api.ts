// The scenes page's calls; types from the server's contract (controller/api/contract/scenes.ts).
import type { SceneList, SceneView } from '../../../../../controller/api/contract/scenes.js';
import type { SceneRun } from '../../../../../controller/scenes/schema.js';
import type { Device } from '../../../../../controller/api/contract/devices.js';
import { get, request } from '../../lib/http.js';

export type { SceneRun, SceneView };

export const scenesApi = {
  list: () => get<SceneList>('/api/scenes'),
  run: (id: string, undo: boolean) => request<SceneRun>('POST', `/api/scenes/${encodeURIComponent(id)}/${undo ? 'undo' : 'run'}`, {}),
  devices: () => get<Device[]>('/api/devices'),
};
