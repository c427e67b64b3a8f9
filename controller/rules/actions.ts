// The actions rules and scenes share: what each needs of the policy, and performing the ones that
// act through the services (irrigation, lighting, radio). Rules act as their owner, scenes as the
// one who tapped; both are checked here the same way. `follow` hears each command a light is sent
// and each bulletin made, so a scene can show every device's outcome as it settles.
import type { Action as PolicyAction, Actor, Resource } from '../auth/policy.js';
import type { CommandRecord } from '../commands/commands.js';
import type { SiteStore } from '../config/site.js';
import type { Irrigation } from '../irrigation/irrigation.js';
import type { Lighting } from '../lighting/lighting.js';
import type { BulletinView, Radio } from '../radio/radio.js';
import type { Action } from './schema.js';

export interface ActionServices {
  site: SiteStore;
  irrigation: Pick<Irrigation, 'setRainDelay' | 'pause' | 'resume' | 'runNow'>;
  lighting: Pick<Lighting, 'override' | 'overrides'>;
  radio?: Pick<Radio, 'sendEmergency' | 'draft' | 'submit'>;
  now: () => number;
}

export interface Follow {
  command?(r: CommandRecord): void;
  bulletin?(b: BulletinView): void;
}

export type ServiceAction = Extract<
  Action,
  { kind: 'irrigation-run' | 'irrigation-rain-delay' | 'irrigation-pause' | 'irrigation-resume' | 'lighting-override' | 'lighting-all' | 'lighting-resume' | 'bulletin' }
>;
const SERVICE_KINDS = new Set<string>(['irrigation-run', 'irrigation-rain-delay', 'irrigation-pause', 'irrigation-resume', 'lighting-override', 'lighting-all', 'lighting-resume', 'bulletin']);
export const isServiceAction = (a: Action): a is ServiceAction => SERVICE_KINDS.has(a.kind);

/** What the policy must allow the actor for one action (a `scene` action also needs its scene's). */
export function actionNeeds(a: Action, site: SiteStore): [PolicyAction, Resource?][] {
  switch (a.kind) {
    case 'command':
      return [['devices.command', { zone: site.device(a.device)?.zone ?? null }]];
    case 'irrigation-run':
      return [['irrigation.run', { zone: a.zone }]];
    case 'irrigation-rain-delay':
    case 'irrigation-pause':
    case 'irrigation-resume':
      return [['irrigation.control']];
    case 'lighting-override':
    case 'lighting-all':
    case 'lighting-resume':
      return [['lighting.control']];
    case 'webhook':
      return [['rules.webhook']];
    // An emergency goes on air at once: an official's or admin's call. Others wait for approval.
    case 'bulletin':
      return [[a.level === 'emergency' ? 'radio.emergency' : 'radio.draft']];
    case 'scene':
      return [['scenes.run']];
    case 'alert':
      return [];
  }
}

/** The actions a scene's runner must be allowed themselves: a bulletin goes out in their name. */
const RUNNER_DECIDES: ReadonlySet<PolicyAction> = new Set<PolicyAction>(['radio.emergency', 'radio.draft']);

/**
 * What the one who runs a scene (by hand or by a rule) must be allowed, per action: a scene is a
 * playbook an admin wrote (scenes.manage), whose switches (lights, irrigation, commands) the admin
 * vouches for; a bulletin goes on air in the runner's name, so that stays the runner's to take.
 */
export function runnerNeeds(actions: readonly Action[], site: SiteStore): { index: number; kind: Action['kind']; needs: [PolicyAction, Resource?][] }[] {
  return actions.map((a, index) => ({ index, kind: a.kind, needs: actionNeeds(a, site).filter(([p]) => RUNNER_DECIDES.has(p)) }));
}

/**
 * Performs a service action as `actor`; `by` names who asked (`rule:<id>`, `scene:<id>`) on the
 * overrides and the irrigation record. Answers a few words for the trace or the run record.
 */
export async function performServiceAction(s: ActionServices, actor: Actor, a: ServiceAction, by: string, follow: Follow = {}): Promise<string> {
  const sent = follow.command && ((r: CommandRecord) => follow.command!(r));
  switch (a.kind) {
    case 'irrigation-run': {
      // A run like anyone's, with its own limits (the zone's max run time, the water source's).
      const run = await s.irrigation.runNow({ zone: a.zone, durationS: a.minutes * 60, issuer: by });
      return `run ${run.id} in ${a.zone}, ${a.minutes} min`;
    }
    case 'irrigation-rain-delay':
      await s.irrigation.setRainDelay(a.hours);
      return a.hours > 0 ? `rain delay ${a.hours} h` : 'rain delay lifted';
    case 'irrigation-pause':
      await s.irrigation.pause(by);
      return 'irrigation paused';
    case 'irrigation-resume':
      await s.irrigation.resume();
      return 'irrigation resumed';
    case 'lighting-override': {
      const ov = await s.lighting.override({ target: { group: a.group }, level: a.level, until: s.now() + a.untilMin * 60_000, by, ...(sent && { sent }) });
      return `override ${ov.id}`;
    }
    case 'lighting-all': {
      const groups = s.site.config.lightGroups;
      const until = a.untilMin !== undefined ? s.now() + a.untilMin * 60_000 : undefined;
      for (const g of groups) await s.lighting.override({ target: { group: g.id }, level: a.level, ...(until !== undefined && { until }), by, ...(sent && { sent }) });
      return `${groups.length} light groups to ${a.level} %${until === undefined ? ' until cleared' : ''}`;
    }
    case 'lighting-resume': {
      // Only the overrides this rule or scene made: an operator's own override stays.
      const mine = s.lighting.overrides().filter((o) => o.by === by && o.level !== null && (o.until === undefined || o.until > s.now()));
      for (const o of mine) await s.lighting.override({ target: o.target, level: null, by, ...(sent && { sent }) });
      return `${mine.length} overrides cleared`;
    }
    case 'bulletin': {
      if (!s.radio) throw new Error('no radio on this plane');
      const input = { title: a.title, zones: a.zones, content: { kind: 'text' as const, text: a.text } };
      if (a.level === 'emergency') {
        const b = await s.radio.sendEmergency(actor, input);
        follow.bulletin?.(b);
        return `emergency ${b.id} on air`;
      }
      const draft = await s.radio.draft(actor, { ...input, level: a.level });
      const b = s.radio.submit(actor, draft.id);
      follow.bulletin?.(b);
      return `bulletin ${b.id} submitted for approval`;
    }
  }
}
