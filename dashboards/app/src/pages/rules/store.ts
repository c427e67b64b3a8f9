// The rules pages' state: the rules the role may see (with state, trace and next deadline), the
// devices and types the editor offers, the light groups when the role may override them. Which
// view is open lives in the URL (#new, #edit=<id>, #rule=<id>) so back and reload keep it.
import { signal } from '@preact/signals';
import { can } from '../../lib/session.js';
import { rulesApi, type Device, type DeviceTypeInfo, type GroupView, type RuleView } from './api.js';

export const rules = signal<RuleView[]>([]);
export const devices = signal<Device[]>([]);
export const types = signal<ReadonlyMap<string, DeviceTypeInfo>>(new Map());
export const groups = signal<GroupView[]>([]);
export const loaded = signal(false);

export type View = { kind: 'list' } | { kind: 'new' } | { kind: 'edit'; id: string } | { kind: 'rule'; id: string };

export function viewOf(hash: string): View {
  const m = /^#(new|edit|rule)(?:=(.+))?$/.exec(hash);
  if (!m) return { kind: 'list' };
  if (m[1] === 'new') return { kind: 'new' };
  const id = decodeURIComponent(m[2] ?? '');
  return id ? { kind: m[1] as 'edit' | 'rule', id } : { kind: 'list' };
}
export const view = signal<View>(viewOf(location.hash));

export function go(v: View): void {
  const hash = v.kind === 'list' ? '' : v.kind === 'new' ? '#new' : `#${v.kind}=${encodeURIComponent(v.id)}`;
  if (location.hash !== hash) history.pushState(null, '', hash || location.pathname + location.search);
  view.value = v;
}

export async function loadAll(): Promise<void> {
  const [list, devs, tys, grs] = await Promise.all([
    rulesApi.list(),
    rulesApi.devices(),
    rulesApi.types(),
    can('lighting.control') && can('lighting.read') ? rulesApi.groups().catch(() => []) : Promise.resolve([]),
  ]);
  rules.value = list.rules;
  devices.value = devs;
  types.value = new Map(tys.map((x) => [x.type, x]));
  groups.value = grs;
  loaded.value = true;
}

export async function reloadRules(): Promise<void> {
  rules.value = (await rulesApi.list()).rules;
}

/** One rule read again (its trace and state), replacing it in the list. */
export async function reloadOne(id: string): Promise<void> {
  const r = await rulesApi.one(id);
  rules.value = rules.value.some((x) => x.rule.id === id) ? rules.value.map((x) => (x.rule.id === id ? r : x)) : [...rules.value, r];
}

export const deviceName = (id: string): string => devices.value.find((d) => d.id === id)?.name ?? id;
