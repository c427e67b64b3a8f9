// The inbox's state: every alert the role may see, in the server's inbox order (unacknowledged
// active first), kept current by the stream's `alertChanged`; the devices' names for the words.
import { computed, signal } from '@preact/signals';
import { inboxOrder } from '../../../../../controller/alerts/lifecycle.js';
import { alertsApi, type AlertState } from './api.js';

export type View = 'open' | 'active' | 'cleared';

export const alerts = signal<AlertState[]>([]);
export const loaded = signal(false);
export const view = signal<View>('open');
export const deviceNames = signal<Map<string, string>>(new Map());

/** What the chosen view shows: to look at (active, unacknowledged), all active, or cleared. */
export const shown = computed(() =>
  alerts.value.filter((a) => (view.value === 'open' ? a.state === 'active' && !a.ack : view.value === 'active' ? a.state === 'active' : a.state === 'cleared')),
);
export const counts = computed(() => ({
  open: alerts.value.filter((a) => a.state === 'active' && !a.ack).length,
  active: alerts.value.filter((a) => a.state === 'active').length,
  cleared: alerts.value.filter((a) => a.state === 'cleared').length,
}));

export async function loadAll(): Promise<void> {
  const [list, devices] = await Promise.all([alertsApi.list(), alertsApi.devices()]);
  deviceNames.value = new Map(devices.map((d) => [d.id, d.name]));
  alerts.value = list.alerts;
  loaded.value = true;
}

/** An alert's new state, pushed: replaces its old one and keeps the order. */
export function applyChange(a: AlertState): void {
  alerts.value = [...alerts.value.filter((x) => x.key !== a.key), a].sort(inboxOrder);
}
