// Who may do what: the one policy every route, the event stream and the radio's bulletin steps ask.
// Deny by default: an action not listed here, or a role not listed for it, is refused.
import { z } from 'zod';

/** People's roles: what a user (or a script's token) may be. */
export const ROLES = ['admin', 'official', 'operator', 'farmer', 'viewer'] as const;
export const PersonRole = z.enum(ROLES);
export type PersonRole = z.infer<typeof PersonRole>;
/** A commune plane's push token at the province (controller/province/): never a person's role. */
export const MACHINE_ROLES = ['commune'] as const;
export const Role = z.enum([...ROLES, ...MACHINE_ROLES]);
export type Role = z.infer<typeof Role>;

/** Who acts: a signed-in user, an API token, or the plane itself (schedules, rules). */
export interface Actor {
  /** The user's login, `token:<id>` for an API token, or a module's name for the plane. */
  id: string;
  role: Role;
  /** Farm zones a farmer may see and water; ignored for the other roles. */
  zones: readonly string[];
  kind: 'user' | 'token' | 'system';
  name?: string;
  /** Only these actions, whatever the role allows: the plane's own short-lived tickets. */
  only?: readonly Action[];
}

/** What an action is about, where the answer depends on it. */
export interface Resource {
  /** The farm zone of the device, run or program; null for things outside every zone. */
  zone?: string | null;
  /** A bulletin, for the radio's own rules (authorship, four eyes, on air). */
  bulletin?: { createdBy: string; status: string };
}

const ALL = ROLES;
const STAFF = ['admin', 'official', 'operator', 'viewer'] as const;
const WORKS = ['admin', 'operator'] as const;

/**
 * Every action and the roles that may take it. `zoned` actions let a farmer act only inside the
 * zones of their scope; everyone else listed acts everywhere.
 */
export const ACTIONS = {
  'site.read': { roles: ALL, zoned: true },
  'system.read': { roles: STAFF },
  'devices.read': { roles: ALL, zoned: true },
  'devices.command': { roles: ['admin', 'operator', 'farmer'], zoned: true },
  'devices.manage': { roles: WORKS },
  'commands.read': { roles: ALL, zoned: true },
  'alerts.read': { roles: ALL, zoned: true },
  /** Acknowledge an alert (with a note): a farmer only their zones'. */
  'alerts.ack': { roles: ['admin', 'official', 'operator', 'farmer'], zoned: true },
  'irrigation.read': { roles: ALL, zoned: true },
  'irrigation.run': { roles: ['admin', 'operator', 'farmer'], zoned: true },
  'irrigation.programs': { roles: ['admin', 'operator', 'farmer'], zoned: true },
  /** Commune-wide switches: pause, resume, cancel all, rain delay, settings. */
  'irrigation.control': { roles: WORKS },
  'lighting.read': { roles: STAFF },
  'lighting.control': { roles: WORKS },
  'radio.read': { roles: STAFF },
  /** Draft, edit and submit bulletins. */
  'radio.draft': { roles: WORKS },
  /** Make speech and upload recordings: for drafts, and for an official's emergency. */
  'radio.audio': { roles: ['admin', 'official', 'operator'] },
  'radio.slots': { roles: WORKS },
  'radio.approve': { roles: ['admin', 'official'] },
  'radio.cancel': { roles: ['admin', 'official', 'operator'] },
  'radio.emergency': { roles: ['admin', 'official'] },
  /** The commune's indicators and monthly report. */
  'indicators.read': { roles: ['admin', 'official', 'viewer'] },
  /** Rules (controller/rules/): a farmer's own, on their zones; viewers read. */
  'rules.read': { roles: ALL, zoned: true },
  'rules.manage': { roles: ['admin', 'operator', 'official', 'farmer'], zoned: true },
  /** A rule calling a URL: the plane would post from inside the LAN (its own InfluxDB included), so only an admin. */
  'rules.webhook': { roles: ['admin'] },
  /** Scenes (controller/scenes/): named lists of actions run by one tap or a rule; each action is checked as the caller too. */
  'scenes.read': { roles: STAFF },
  'scenes.run': { roles: ['admin', 'official', 'operator'] },
  'scenes.manage': { roles: ['admin'] },
  /** The province roll-up (PROVINCE mode): the communes' figures; registering communes and their push tokens; a commune's push. */
  'province.read': { roles: ['admin', 'official', 'viewer'] },
  'province.manage': { roles: ['admin'] },
  'province.push': { roles: ['commune'] },
  'users.manage': { roles: ['admin'] },
  'tokens.manage': { roles: ['admin'] },
} as const satisfies Record<string, { roles: readonly Role[]; zoned?: boolean }>;

export type Action = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as Action[];

export type Decision = { ok: true } | { ok: false; reason: string };

const allow: Decision = { ok: true };
const deny = (reason: string): Decision => ({ ok: false, reason });

/** A role may take the action somewhere (for a farmer: in some zone of their scope). */
export function roleMay(role: Role, action: Action): boolean {
  return (ACTIONS[action].roles as readonly Role[]).includes(role);
}

export function isZoned(action: Action): boolean {
  return 'zoned' in ACTIONS[action] && ACTIONS[action].zoned === true;
}

/**
 * The one decision. Without a resource it answers "may this actor take the action at all"; with
 * one it answers for that zone or bulletin.
 */
export function authorize(actor: Actor, action: Action, resource?: Resource): Decision {
  const rule = ACTIONS[action];
  if (!rule) return deny(`unknown action ${String(action)}`);
  if (actor.only && !actor.only.includes(action)) return deny(`this credential may only ${actor.only.join(', ')}`);
  if (!roleMay(actor.role, action)) return deny(`${/^[aeiou]/.test(actor.role) ? 'an' : 'a'} ${actor.role} may not ${action}`);
  if (actor.role === 'farmer' && isZoned(action) && resource && 'zone' in resource) {
    const z = resource.zone;
    if (!z || !actor.zones.includes(z)) return deny(z ? `zone ${z} is not in this farmer's scope` : `only zones in this farmer's scope`);
  }
  const b = resource?.bulletin;
  if (b && action === 'radio.cancel' && actor.role === 'operator') {
    // An operator may withdraw their own bulletin; taking one off air is an official's call.
    if (b.createdBy !== actor.id) return deny('only the author or an official may cancel this bulletin');
    if (b.status === 'airing') return deny('only an official may take a bulletin off the air');
  }
  // Four eyes: the one who wrote a bulletin is not the one who lets it on air.
  if (b && action === 'radio.approve' && b.createdBy === actor.id) return deny('the author of a bulletin cannot approve or reject it');
  return allow;
}

/** Farmers see only their zones; everyone else sees every zone (and things outside zones). */
export function seesZone(actor: Actor, zone: string | null | undefined): boolean {
  if (actor.role !== 'farmer') return true;
  return !!zone && actor.zones.includes(zone);
}
