// What the lighting page knows, as signals: the groups with their lights and tonight's plan, the
// overrides, the lamp failures and the programs. The /api/events stream has no lighting events of
// its own (yet): a `device`, `command` or `alert` event means a light may have changed, so the
// groups, overrides and failures are refetched (at most every 500 ms), and every 5 s anyway.
import { computed, signal } from '@preact/signals';
import { lightingApi, type FailureList, type Group, type OverrideView, type Program } from './api.js';

const REFRESH_MIN_MS = 500;

export const groups = signal<Group[]>([]);
export const programs = signal<Program[]>([]);
export const overrides = signal<OverrideView[]>([]);
export const failures = signal<FailureList>({ active: [], recent: [] });
/** Whether the first load is done (the page shows "loading" until then). */
export const loaded = signal(false);
/** Ticks every 10 s: relative times and the step in force follow it. */
export const tick = signal(0);

export const groupName = (id: string): string => groups.value.find((g) => g.id === id)?.name ?? id;
export const programName = (id: string): string => programs.value.find((p) => p.id === id)?.name ?? id;

/** Light names by id, from every group (a light may be in several). */
const lightNames = computed(() => {
  const m = new Map<string, string>();
  for (const g of groups.value) for (const l of g.lights) if (l.name) m.set(l.id, l.name);
  return m;
});
export const lightName = (id: string): string => lightNames.value.get(id) ?? id;

/** Everything the page shows, at once; throws when any of it could not be read. */
export async function loadAll(): Promise<void> {
  const [g, f, o, p] = await Promise.all([lightingApi.groups(), lightingApi.failures(), lightingApi.overrides(), lightingApi.programs()]);
  groups.value = g;
  failures.value = f;
  overrides.value = o;
  programs.value = p;
  loaded.value = true;
}

export async function loadPrograms(): Promise<void> {
  programs.value = await lightingApi.programs();
}

let timer: ReturnType<typeof setTimeout> | undefined;
let lastRefresh = 0;
let refreshing = false;
let again = false;

async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  lastRefresh = Date.now();
  try {
    const [g, f, o] = await Promise.all([lightingApi.groups(), lightingApi.failures(), lightingApi.overrides()]);
    groups.value = g;
    failures.value = f;
    overrides.value = o;
  } catch {
    // The header's badge says when the server is away; the next event or tick tries again.
  } finally {
    refreshing = false;
    lastRefresh = Date.now();
    if (again) {
      again = false;
      scheduleRefresh();
    }
  }
}

/** Refetches the groups, overrides and failures soon: at most once per REFRESH_MIN_MS. */
export function scheduleRefresh(): void {
  if (timer !== undefined) return;
  const wait = Math.max(0, lastRefresh + REFRESH_MIN_MS - Date.now());
  timer = setTimeout(() => {
    timer = undefined;
    void refresh();
  }, wait);
}

/** Refetches now (after something the page itself sent). */
export function refreshSoon(): void {
  lastRefresh = 0;
  scheduleRefresh();
}
