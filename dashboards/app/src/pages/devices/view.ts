// Pure helpers of the device page: values in words, labels, grouping and the search. Everything is
// driven by the type's capabilities and the shared key/value labels, never by a device type.
import type { Capability } from '../../../../../controller/api/contract/devices.js';
import { capFor, isSeconds, paramLabel } from '../../components/CommandForm.js';
import { fmtDuration, fmtNum, fmtTime, fold, withUnit } from '../../lib/format.js';
import { keyLabel, t, valueLabel } from '../../lib/i18n.js';
import type { Device, DeviceTypeInfo } from './api.js';

const decimalsOf = (step: number) => (Number.isInteger(step) ? 0 : (String(step).split('.')[1]?.length ?? 0));
const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** A value for display: booleans and enums as words, seconds as a duration, numbers with units. */
export function fmtValue(key: string, value: unknown, cap: Capability | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return valueLabel(key, value) ?? t(value ? 'yes' : 'no');
  if (typeof value === 'number') {
    if (isSeconds(key, cap)) return fmtDuration(value);
    return withUnit(fmtNum(value, cap?.step !== undefined ? decimalsOf(cap.step) : undefined), cap?.unit);
  }
  if (typeof value === 'string') return valueLabel(key, value) ?? (ISO_RE.test(value) ? fmtTime(value) : value);
  return JSON.stringify(value);
}

/** A reading that needs attention, by convention of the capability: an enum that is not "ok", or a false "…Ok" flag. */
export function needsAttention(cap: Capability | undefined, value: unknown): boolean {
  if (!cap) return false;
  if (cap.kind === 'enum' && cap.values?.includes('ok')) return value !== 'ok';
  if (cap.kind === 'boolean' && /Ok$/.test(cap.key)) return value === false;
  return false;
}

/** A state field's name: a state flag like "playing" reads better under its own word than its reading's label. */
export function stateLabel(type: DeviceTypeInfo | undefined, key: string): string {
  const own = keyLabel(key);
  return own !== key ? own : paramLabel(type?.capabilities, key);
}

/** A device-side countdown (remainingS …) that keeps running between reports. */
export const isCountdown = (key: string, cap: Capability | undefined, v: unknown): v is number =>
  typeof v === 'number' && v > 0 && /^remaining/.test(key) && isSeconds(key, cap);

export { capFor };

export type Availability = Device['availability'];

export interface Places {
  hamlets: Map<string, string>;
  zones: Map<string, { name: string; crop?: unknown }>;
}

export const hamletOf = (d: Device, p: Places): string => (d.hamlet && p.hamlets.has(d.hamlet) ? d.hamlet : '');

const byName = (a: Device, b: Device) => (a.name || a.id).localeCompare(b.name || b.id, 'vi', { numeric: true });

export interface Group {
  hamlet: string;
  types: { type: string; devices: Device[] }[];
  devices: Device[];
}

/** Devices by hamlet (the site's order, then those in none), then by type (the API's order), by name. */
export function groupDevices(devices: Device[], typeOrder: string[], p: Places): Group[] {
  const order = [...typeOrder];
  for (const d of devices) if (!order.includes(d.type)) order.push(d.type);
  const hamletIds = [...p.hamlets.keys()];
  if (devices.some((d) => !hamletOf(d, p))) hamletIds.push('');
  return hamletIds
    .map((hamlet) => {
      const inHamlet = devices.filter((d) => hamletOf(d, p) === hamlet);
      const types = order.map((type) => ({ type, devices: inHamlet.filter((d) => d.type === type).sort(byName) })).filter((g) => g.devices.length);
      return { hamlet, types, devices: inHamlet };
    })
    .filter((g) => g.devices.length);
}

/** Whether a device matches the type filter and every word of the search (without diacritics). */
export function matches(d: Device, type: DeviceTypeInfo | undefined, p: Places, filterType: string, q: string): boolean {
  if (filterType && d.type !== filterType) return false;
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const zone = d.zone ? p.zones.get(d.zone) : undefined;
  const hay = fold([d.name, d.id, type?.label.vi, type?.label.en, d.hamlet, p.hamlets.get(d.hamlet), d.zone, zone?.name, zone?.crop].map((x) => (typeof x === 'string' ? x : '')).join(' '));
  return words.every((w) => hay.includes(w));
}
