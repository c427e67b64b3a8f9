// The irrigation page's state as signals, and how it is kept fresh: `irrigation` events carry the
// changed zones, the queue and the history (applyEvent), and a (re)connect reads them again
// (refetch). Programs and water are not in the event: see refreshPrograms and App.tsx.
import { batch, signal } from '@preact/signals';
import type { Alert } from '../../api.js';
import type { MessageFn } from '../../components/Msg.js';
import { mergeById } from '../../lib/merge.js';
import { irr, type Device, type History, type IrrigationEvent, type ProgramItem, type QueueState, type Water, type Zone } from './api.js';

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
/** The server's clock, each second while the page uses it (App does), for countdowns. */
export { clock as now } from '../../components/Time.js';

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
    alerts.value = (await irr.alerts()).alerts;
  } catch {
    // kept as they were
  }
}

/** Bumped by each pushed event: a refetch under way meanwhile knows its answer is partly older. */
let pushes = 0;
/** The push that last replaced each zone. */
const zonePushed = new Map<string, number>();
const nextStartKey = (z: Zone): string => (z.nextProgramStart ? `${z.nextProgramStart.program}@${z.nextProgramStart.at}` : '');

/**
 * Applies an `irrigation` event: the zones it carries replace theirs, the queue and the history are
 * whole. A zone whose next program start moved means a program started, was skipped or was edited
 * (perhaps by someone else): the programs, which the event does not carry, are read again.
 */
export function applyEvent(e: IrrigationEvent): void {
  pushes++;
  const before = new Map(zones.value.map((z) => [z.id, nextStartKey(z)]));
  for (const z of e.zones) zonePushed.set(z.id, pushes);
  batch(() => {
    zones.value = mergeById(zones.value, e.zones);
    queue.value = e.queue;
    history.value = e.history;
  });
  if (e.zones.some((z) => before.has(z.id) && before.get(z.id) !== nextStartKey(z))) refreshPrograms();
}

/** Puts what was read (asked for at push `from`) in place, but what was pushed since. */
function putFetched(from: number, q: QueueState, z: Zone[], h: History[]): void {
  const current = zones.value;
  batch(() => {
    zones.value = mergeById(
      z,
      current.filter((x) => (zonePushed.get(x.id) ?? 0) > from),
    );
    if (pushes === from) {
      queue.value = q;
      history.value = h;
    }
  });
}

let refetching: Promise<void> | undefined;
let again = false;

/**
 * Reads the queue, zones and history again: on (re)connect, when events may have been missed.
 * What an event brought while the answer was on its way is newer than the answer, so it is kept.
 */
export function refetch(): void {
  if (refetching) return void (again = true);
  refetching = (async () => {
    const from = pushes;
    try {
      const [q, z, h] = await Promise.all([irr.queue(), irr.zones(), irr.history()]);
      putFetched(from, q, z, h);
    } catch {
      // the badge shows the stream; the next (re)connect tries again
    }
  })().finally(() => {
    refetching = undefined;
    if (again) {
      again = false;
      refetch();
    }
  });
}

let programsLoading = false;

/** Reads the programs again (one request at a time), keeping them as they were if it fails. */
export function refreshPrograms(): void {
  if (programsLoading) return;
  programsLoading = true;
  loadPrograms()
    .catch(() => undefined)
    .finally(() => (programsLoading = false));
}

/** Everything the page shows, at once (the first load and its retry). */
export async function loadAll(): Promise<void> {
  const from = pushes;
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
    putFetched(from, q, z, h);
    programs.value = p;
    alerts.value = a.alerts;
  });
}
