// The scenes and their runs, kept current by the stream's `scene` events (a run's every change).
import { signal } from '@preact/signals';
import { scenesApi, type SceneRun, type SceneView } from './api.js';

export const scenes = signal<SceneView[]>([]);
export const loaded = signal(false);
export const deviceNames = signal<Map<string, string>>(new Map());

export async function loadAll(): Promise<void> {
  const [list, devices] = await Promise.all([scenesApi.list(), scenesApi.devices().catch(() => [])]);
  deviceNames.value = new Map(devices.map((d) => [d.id, d.name]));
  scenes.value = list.scenes;
  loaded.value = true;
}

/** A run's new state: the scene's run under way while it runs, its latest run after. */
export function applyRun(r: SceneRun): void {
  scenes.value = scenes.value.map((v) => {
    if (v.scene.id !== r.scene) return v;
    const runs = [r, ...v.runs.filter((x) => x.id !== r.id)].sort((a, b) => b.startedAt - a.startedAt).slice(0, 3);
    const { running: _, ...rest } = v;
    return { ...rest, runs, ...(r.status === 'running' ? { running: r } : v.running && v.running.id !== r.id ? { running: v.running } : {}) };
  });
}
