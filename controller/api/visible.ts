// What of a read model an actor may see: the routes and the live stream filter with the same
// functions, so a farmer's stream never carries what their requests would not get.
import { seesZone, type Actor } from '../auth/policy.js';
import type { Program } from '../irrigation/schema.js';
import type { HistoryItem, IrrigationEvent, QueueNow } from './contract/irrigation.js';

/** A program is a farmer's when every zone it waters is theirs. */
export const ownsProgram = (a: Actor, p: Pick<Program, 'steps'>): boolean => p.steps.every((s) => seesZone(a, s.zone));

export function visibleQueue<Q extends Pick<QueueNow, 'running' | 'queued'>>(a: Actor, q: Q): Q {
  return { ...q, running: q.running.filter((r) => seesZone(a, r.zone)), queued: q.queued.filter((r) => seesZone(a, r.zone)) };
}

/** Runs of the actor's zones, and events of programs that are theirs. */
export function visibleHistory(a: Actor, items: readonly HistoryItem[], programs: readonly Program[]): HistoryItem[] {
  const byId = new Map(programs.map((p) => [p.id, p]));
  return items.filter((x) => ('zone' in x ? seesZone(a, x.zone) : ownsProgram(a, byId.get(x.program) ?? { steps: [] })));
}

export function visibleIrrigation(a: Actor, e: IrrigationEvent, programs: readonly Program[]): IrrigationEvent {
  return { zones: e.zones.filter((z) => seesZone(a, z.id)), queue: visibleQueue(a, e.queue), history: visibleHistory(a, e.history, programs) };
}
