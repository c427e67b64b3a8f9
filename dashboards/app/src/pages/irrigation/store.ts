// The irrigation page's state as signals, and how it is kept fresh. The live stream has no
// irrigation events yet: a `device` event means a valve may have moved, so the queue, zones and
// history are refetched (at most every 500 ms), and every 5 s anyway; programs and water every minute.
import { batch, signal } from '@preact/signals';
import type { Alert } from '../../api.js';
import type { MessageFn } from '../../components/Msg.js';
import { serverNow } from '../../lib/http.js';
import { irr, type Device, type History, type ProgramItem, type QueueState, type Water, type Zone } from './api.js';

const REFRESH_MIN_MS = 500;
export const OK_SHOWN_MS = 8000;

export const zones = signal<Zone[]>([]);
export const queue = signal<QueueState | null>(null);
export const programs = signal<ProgramItem[]>([]);
export const history = signal<History[]>([]);
export const alerts = signal<Alert[]>([]);
/** Device snapshots (with stateAt) from /api/devices and the stream. */
export const devices = signal<ReadonlyMap<string, Device>>(new Map());
/** Device types that measure soil moisture (from /api/types capabilities). */
export const moistureTypes = signal<ReadonlySet<string>>(new Set());
/** Water of the last 7 days by zone; null when it could not be read. */
export const water = signal<ReadonlyMap<string, Water | null>>(new Map());
/** The server's clock, each second, for countdowns and relative times. */
export const now = signal(serverNow());

/** Outcome of the last "run now" or "stop" per zone. */
export const zoneMsgs = signal<ReadonlyMap<string, MessageFn>>(new Map());
export const queueMsg = signal<MessageFn | null>(null);
export const listMsg = signal<MessageFn | null>(null);
/** What is being sent (`run|zone`, `stop|run`, `pause` …): its button waits. */
export const busy = signal<ReadonlySet<string>>(new Set());
/** The program editor: a new program, one to edit, or closed. */
export const editor = signal<{ mode: 'create' } | { mode: 'edit'; program: ProgramItem } | null>(null);

export const zoneName = (id: string): string => zones.value.find((z) => z.id === id)?.name ?? id;
export const programName = (id: string): string => programs.value.find((p) => p.id === id)?.name ?? id;
export function deviceName(id: string): string {
  return devices.value.get(id)?.name ?? zones.value.flatMap((z) => z.valves).find((v) => v.id === id)?.name ?? id;
}

export function setBusy(key: string, on: boolean): void {
  const next = new Set(busy.value);
  if (on) next.add(key);
  else next.delete(key);
  busy.value = next;
}

/** Sets a zone's note; a success goes away by itself after a while (an error stays). */
export function setZoneMsg(zone: string, fn: MessageFn | null, ok = false): void {
  const next = new Map(zoneMsgs.value);
  if (fn) next.set(zone, fn);
  else next.delete(zone);
  zoneMsgs.value = next;
  if (fn && ok) setTimeout(() => zoneMsgs.value.get(zone) === fn && setZoneMsg(zone, null), OK_SHOWN_MS);
}

/** A success under the program list, gone after a while. */
export function showListOk(fn: MessageFn): void {
  listMsg.value = fn;
  setTimeout(() => listMsg.value === fn && (listMsg.value = null), OK_SHOWN_MS);
}

export async function loadDevices(): Promise<void> {
  const list = await irr.devices();
  devices.value = new Map(list.map((d) => [d.id, d]));
}

export function putDevice(d: Device): void {
  devices.value = new Map(devices.value).set(d.id, d);
}

export async function loadWater(): Promise<void> {
  await Promise.all(
    zones.value.map(async (z) => {
      const w = await irr.water(z.id).catch(() => null);
      water.value = new Map(water.value).set(z.id, w);
    }),
  );
}

export async function loadPrograms(): Promise<void> {
  programs.value = await irr.programs();
}

export async function refreshAlerts(): Promise<void> {
  try {
    alerts.value = (await irr.alerts()).active;
  } catch {
    // kept as they were
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let lastRefresh = 0;
let refreshing = false;
let again = false;

/** Refetch the queue, zones and history soon: at most once per REFRESH_MIN_MS; `now` skips the wait. */
export function scheduleRefresh(soon = false): void {
  if (soon) lastRefresh = 0;
  if (timer) return;
  timer = setTimeout(
    () => {
      timer = undefined;
      void refresh();
    },
    Math.max(0, lastRefresh + REFRESH_MIN_MS - Date.now()),
  );
}

async function refresh(): Promise<void> {
  if (refreshing) return void (again = true);
  refreshing = true;
  lastRefresh = Date.now();
  try {
    const [q, z, h] = await Promise.all([irr.queue(), irr.zones(), irr.history()]);
    batch(() => {
      queue.value = q;
      zones.value = z;
      history.value = h;
    });
  } catch {
    // the badge shows the stream; the next event or tick tries again
  } finally {
    refreshing = false;
    lastRefresh = Date.now();
    if (again) {
      again = false;
      scheduleRefresh();
    }
  }
}

/** Everything the page shows, at once (the first load and its retry). */
export async function loadAll(): Promise<void> {
  const [q, z, p, h, a, types] = await Promise.all([
    irr.queue(),
    irr.zones(),
    irr.programs(),
    irr.history(),
    irr.alerts(),
    irr.types(),
    loadDevices(),
  ]);
  batch(() => {
    moistureTypes.value = new Set(types.filter((x) => x.capabilities.some((c) => c.key === 'soilMoisturePct')).map((x) => x.type));
    queue.value = q;
    zones.value = z;
    programs.value = p;
    history.value = h;
    alerts.value = a.active;
  });
}
