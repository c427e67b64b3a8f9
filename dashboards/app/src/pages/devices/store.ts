// The device page's state: types, devices and their commands, as signals. GET /api/types and
// /api/devices once, then the live stream (`device`, `command`) keeps it current, and every
// (re)connect refetches the devices (events that arrive meanwhile are applied again on top).
//
// A card shows only what the device reported; commands are kept apart with their own status,
// pending until the device acks, never as if they had already happened.
import { signal } from '@preact/signals';
import { refusal, type MessageFn } from '../../components/Msg.js';
import { capFor, isSeconds, paramLabel, type Params } from '../../components/CommandForm.js';
import { ApiError } from '../../lib/http.js';
import { t } from '../../lib/i18n.js';
import type { StreamEvents } from '../../stream.js';
import { api, type Command, type Device, type DeviceTypeInfo } from './api.js';

/** A command as the page knows it: `unknown` when it settled while the stream was down and the server cannot say how. */
export type CommandView = Omit<Command, 'status'> & { status: Command['status'] | 'unknown' };

const KEEP_COMMANDS_PER_DEVICE = 10;

export const types = signal<Map<string, DeviceTypeInfo>>(new Map());
export const devices = signal<Map<string, Device>>(new Map());
export const commands = signal<Map<string, CommandView>>(new Map());
/** "device|action" being posted now. */
export const sending = signal<Set<string>>(new Set());
/** The server's refusal of the last send, by "device|action" (a function: it follows the language). */
export const outcomes = signal<Map<string, MessageFn>>(new Map());
export const loaded = signal(false);

export const formKey = (deviceId: string, action: string) => `${deviceId}|${action}`;

const rank = (s: CommandView['status']) => (s === 'pending' ? 0 : s === 'unknown' ? 1 : 2);

/** Merges commands; a settled status is never overwritten by an older "pending" copy. */
function mergeCommands(into: Map<string, CommandView>, list: CommandView[]): void {
  for (const c of list) {
    const old = into.get(c.id);
    if (old && rank(old.status) > rank(c.status)) continue;
    into.set(c.id, { ...old, ...c });
  }
  const touched = new Set(list.map((c) => c.deviceId));
  for (const id of touched) for (const c of commandsIn(into, id).slice(KEEP_COMMANDS_PER_DEVICE)) if (c.status !== 'pending') into.delete(c.id);
}

const commandsIn = (m: Map<string, CommandView>, deviceId: string) =>
  [...m.values()].filter((c) => c.deviceId === deviceId).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));

/** Known commands of a device, newest first. */
export const commandsFor = (deviceId: string): CommandView[] => commandsIn(commands.value, deviceId);

export function upsertCommands(list: CommandView[]): void {
  if (!list.length) return;
  const next = new Map(commands.value);
  mergeCommands(next, list);
  commands.value = next;
}

function applyDevices(list: Device[], replace: boolean): void {
  const next = replace ? new Map<string, Device>() : new Map(devices.value);
  for (const d of list) next.set(d.id, d);
  devices.value = next;
  upsertCommands(list.flatMap((d) => [...d.pending, ...d.recent]));
}

export async function load(): Promise<void> {
  const [ts, ds] = await Promise.all([api.types(), api.devices()]);
  types.value = new Map(ts.map((x) => [x.type, x]));
  applyDevices(ds, true);
  loaded.value = true;
}

// ------------------------------------------------------------------ live

let resyncing = false;
let buffered: { device?: Device; command?: Command }[] = [];

export const onDevice = (d: StreamEvents['device']): void => {
  if (resyncing) buffered.push({ device: d });
  applyDevices([d], false);
};
export const onCommand = (c: StreamEvents['command']): void => {
  if (resyncing) buffered.push({ command: c });
  upsertCommands([c]);
};

/** On every (re)connect: refetch the devices, then what arrived meanwhile on top. */
export async function resync(): Promise<void> {
  if (resyncing || !loaded.value) return;
  resyncing = true;
  buffered = [];
  try {
    const ds = await api.devices();
    applyDevices(ds, true);
    for (const b of buffered) {
      if (b.device) applyDevices([b.device], false);
      if (b.command) upsertCommands([b.command]);
    }
    void settleMissed(ds);
  } catch {
    // the stream reconnects and tries again
  } finally {
    resyncing = false;
    buffered = [];
  }
}

/**
 * A command still pending here that no device lists any more was settled while the stream was
 * down: ask for it; when the server cannot say, it is "outcome unknown".
 */
async function settleMissed(ds: Device[]): Promise<void> {
  const pendingNow = new Set(ds.flatMap((d) => d.pending.map((c) => c.id)));
  const missed = [...commands.value.values()].filter((c) => c.status === 'pending' && !pendingNow.has(c.id));
  await Promise.all(
    missed.map(async (c) => {
      try {
        upsertCommands([(await api.command(c.id)).command]);
      } catch {
        upsertCommands([{ ...c, status: 'unknown' }]);
      }
    }),
  );
}

// ------------------------------------------------------------------ sending

const isCommand = (u: unknown): u is Command =>
  typeof u === 'object' && u !== null && typeof (u as { id?: unknown }).id === 'string' && typeof (u as { deviceId?: unknown }).deviceId === 'string';

/** A refusal in words: field issues under the parameters' names (with the seconds sent for a minutes field). */
function commandRefusal(err: unknown, type: DeviceTypeInfo | undefined, params: Params): MessageFn {
  if (!(err instanceof ApiError) || err.status === 0) return () => ({ kind: 'error', title: t('networkError') });
  const { code, body } = err;
  if (code === 'invalid') {
    const issues = body.issues ?? [];
    return () => {
      const fields: string[] = [];
      const lines = issues.length
        ? issues.map((i) => {
            const key = i.path.split(/[./[\]]+/).filter(Boolean).pop() ?? '';
            if (!key) return i.message;
            fields.push(key);
            const sent = params[key];
            const seconds = typeof sent === 'number' && isSeconds(key, capFor(type?.capabilities, key, true)) ? ` (${t('sentSeconds', { n: sent })})` : '';
            return `${paramLabel(type?.capabilities, key)}${seconds}: ${i.message}`;
          })
        : [body.message];
      return { kind: 'error', title: t('badRequest'), lines, fields };
    };
  }
  if (code === 'refused' || code === 'conflict') return () => ({ kind: 'error', title: t('refused'), lines: [body.message] });
  if (code === 'unknown-device' || err.status === 404) return () => ({ kind: 'error', title: t('notFound'), lines: [body.message] });
  return refusal(err);
}

/** Posts a command; the form keeps what was typed whatever the outcome. */
export async function send(deviceId: string, action: string, params: Params): Promise<void> {
  const key = formKey(deviceId, action);
  if (sending.value.has(key)) return;
  sending.value = new Set([...sending.value, key]);
  let outcome: MessageFn | undefined;
  try {
    upsertCommands([(await api.send(deviceId, { action, params })).command]);
  } catch (err) {
    const type = types.value.get(devices.value.get(deviceId)?.type ?? '');
    outcome = commandRefusal(err, type, params);
    // A refused command is recorded: its record comes with the refusal.
    if (err instanceof ApiError && isCommand(err.body.command)) upsertCommands([err.body.command]);
  } finally {
    const s = new Set(sending.value);
    s.delete(key);
    sending.value = s;
  }
  const next = new Map(outcomes.value);
  if (outcome) next.set(key, outcome);
  else next.delete(key);
  outcomes.value = next;
}
