// What the lighting page knows, as signals: the groups with their lights and tonight's plan, the
// overrides, the lamp failures and the programs. `lighting` events carry the changed groups and the
// overrides (applyEvent); an `alert` event may be a lamp's, so the failures are read again; a
// (re)connect reads them all again (refetch). Programs are not in the event: main.tsx reads them
// every minute.
import { batch, computed, signal } from '@preact/signals';
import { mergeById } from '../../lib/merge.js';
import { lightingApi, type FailureList, type Group, type LightingEvent, type OverrideView, type Program } from './api.js';

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

/** Bumped by each pushed event: a refetch under way meanwhile knows its answer is partly older. */
let pushes = 0;
/** The push that last replaced each group. */
const groupPushed = new Map<string, number>();

/** Applies a `lighting` event: the groups it carries replace theirs; the overrides are whole. */
export function applyEvent(e: LightingEvent): void {
  pushes++;
  for (const g of e.groups) groupPushed.set(g.id, pushes);
  batch(() => {
    groups.value = mergeById(groups.value, e.groups);
    overrides.value = e.overrides;
  });
}

/** Puts what was read (asked for at push `from`) in place, but what was pushed since. */
function putFetched(from: number, g: Group[], o: OverrideView[]): void {
  const current = groups.value;
  batch(() => {
    groups.value = mergeById(
      g,
      current.filter((x) => (groupPushed.get(x.id) ?? 0) > from),
    );
    if (pushes === from) overrides.value = o;
  });
}

/** Everything the page shows, at once; throws when any of it could not be read. */
export async function loadAll(): Promise<void> {
  const from = pushes;
  const [g, f, o, p] = await Promise.all([lightingApi.groups(), lightingApi.failures(), lightingApi.overrides(), lightingApi.programs()]);
  batch(() => {
    putFetched(from, g, o);
    failures.value = f;
    programs.value = p;
    loaded.value = true;
  });
}

export async function loadPrograms(): Promise<void> {
  programs.value = await lightingApi.programs();
}

/** One request at a time: another asked for meanwhile runs once it is done. */
function serial(run: () => Promise<void>): () => void {
  let busy = false;
  let again = false;
  const go = (): void => {
    if (busy) return void (again = true);
    busy = true;
    run()
      .catch(() => undefined) // the header's badge says when the server is away
      .finally(() => {
        busy = false;
        if (again) {
          again = false;
          go();
        }
      });
  };
  return go;
}

/**
 * Reads the groups, overrides and failures again: on (re)connect, when events may have been
 * missed. What an event brought while the answer was on its way is newer, so it is kept.
 */
export const refetch = serial(async () => {
  const from = pushes;
  const [g, f, o] = await Promise.all([lightingApi.groups(), lightingApi.failures(), lightingApi.overrides()]);
  putFetched(from, g, o);
  failures.value = f;
});

/** Reads the failures again (an alert was raised or ended: it may be a lamp's). */
export const refreshFailures = serial(async () => {
  failures.value = await lightingApi.failures();
});
