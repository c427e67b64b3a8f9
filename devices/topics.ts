// The one place that builds and parses MQTT topics, and the access rules derived from their grammar.
// Grammar (PROTOCOL.md): village/{site}/{deviceId}/{channel}
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const ROOT = 'village';

export const CHANNELS = ['telemetry', 'state', 'avail', 'ack', 'cmd', 'config'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels a device publishes on, and whether a retained publish is allowed there. */
export const DEVICE_PUBLISHES: Readonly<Partial<Record<Channel, { retain: 'never' | 'allowed' }>>> = {
  telemetry: { retain: 'never' },
  state: { retain: 'allowed' },
  avail: { retain: 'allowed' },
  ack: { retain: 'never' },
};
/** Channels the plane publishes on. */
export const PLANE_PUBLISHES: Readonly<Partial<Record<Channel, { retain: 'never' | 'required' }>>> = {
  cmd: { retain: 'never' },
  config: { retain: 'required' },
};

export interface TopicParts {
  site: string;
  deviceId: string;
  channel: Channel;
}

export function isId(s: string): boolean {
  return ID_PATTERN.test(s);
}

export function buildTopic(site: string, deviceId: string, channel: Channel): string {
  if (!isId(site)) throw new Error(`invalid site id: ${JSON.stringify(site)}`);
  if (!isId(deviceId)) throw new Error(`invalid device id: ${JSON.stringify(deviceId)}`);
  return `${ROOT}/${site}/${deviceId}/${channel}`;
}

/** Parses a concrete topic (no wildcards). Returns null for anything outside the grammar. */
export function parseTopic(topic: string): TopicParts | null {
  const parts = topic.split('/');
  if (parts.length !== 4) return null;
  const [root, site, deviceId, channel] = parts as [string, string, string, string];
  if (root !== ROOT || !isId(site) || !isId(deviceId)) return null;
  if (!(CHANNELS as readonly string[]).includes(channel)) return null;
  return { site, deviceId, channel: channel as Channel };
}

/** The plane's subscription filter for one channel of every device on a site. */
export function siteFilter(site: string, channel: Channel): string {
  if (!isId(site)) throw new Error(`invalid site id: ${JSON.stringify(site)}`);
  return `${ROOT}/${site}/+/${channel}`;
}

/** Who is connected: a field device, or the plane itself. */
export type Principal = { kind: 'device'; id: string; site: string } | { kind: 'plane'; id: string; site: string };

export type Verdict = { ok: true } | { ok: false; reason: string };
const ok: Verdict = { ok: true };
const no = (reason: string): Verdict => ({ ok: false, reason });

export function mayPublish(who: Principal, topic: string, retain: boolean): Verdict {
  const t = parseTopic(topic);
  if (!t) return no(`topic outside village/{site}/{device}/{channel}: ${topic}`);
  if (t.site !== who.site) return no(`site ${t.site} is not ${who.site}`);
  if (who.kind === 'device') {
    if (t.deviceId !== who.id) return no(`device ${who.id} may not publish for ${t.deviceId}`);
    const rule = DEVICE_PUBLISHES[t.channel];
    if (!rule) return no(`devices may not publish on ${t.channel}`);
    if (retain && rule.retain === 'never') return no(`retained publish on ${t.channel} is not allowed`);
    return ok;
  }
  const rule = PLANE_PUBLISHES[t.channel];
  if (!rule) return no(`the plane does not publish on ${t.channel}`);
  if (retain && rule.retain === 'never') return no(`retained publish on ${t.channel} is not allowed`);
  if (!retain && rule.retain === 'required') return no(`${t.channel} must be retained`);
  return ok;
}

export function maySubscribe(who: Principal, filter: string): Verdict {
  if (who.kind === 'device') {
    const t = parseTopic(filter);
    if (!t || t.site !== who.site || t.deviceId !== who.id || !PLANE_PUBLISHES[t.channel]) {
      return no(`device ${who.id} may only subscribe to its own cmd and config topics, not ${filter}`);
    }
    return ok;
  }
  // The plane subscribes to device channels of its own site, per device or with "+" for the device id.
  const parts = filter.split('/');
  if (parts.length !== 4) return no(`filter outside the grammar: ${filter}`);
  const [root, site, dev, channel] = parts as [string, string, string, string];
  if (root !== ROOT || site !== who.site) return no(`filter outside site ${who.site}: ${filter}`);
  if (dev !== '+' && !isId(dev)) return no(`bad device level in ${filter}`);
  if (!DEVICE_PUBLISHES[channel as Channel]) return no(`the plane does not read ${channel}`);
  return ok;
}

/** One ACL entry in the terms of Mosquitto's dynamic-security plugin. */
export interface DynsecAcl {
  acltype: 'publishClientSend' | 'subscribeLiteral';
  topic: string;
  allow: true;
}

/**
 * The same grammar as mayPublish/maySubscribe, for an external Mosquitto: a device publishes only on
 * its own device channels and subscribes only to its own plane channels. Mosquitto's ACL cannot see
 * the retain flag: the plane drops retained copies where the grammar forbids them (mqtt-plane-link.ts).
 */
export function deviceAcls(site: string, deviceId: string): DynsecAcl[] {
  const own = (c: Channel) => buildTopic(site, deviceId, c);
  return [
    ...(Object.keys(DEVICE_PUBLISHES) as Channel[]).map((c) => ({ acltype: 'publishClientSend' as const, topic: own(c), allow: true as const })),
    ...(Object.keys(PLANE_PUBLISHES) as Channel[]).map((c) => ({ acltype: 'subscribeLiteral' as const, topic: own(c), allow: true as const })),
  ];
}

/** The plane's part: publishes the plane channels of any device of its site, reads their device channels. */
export function planeAcls(site: string): DynsecAcl[] {
  return [
    ...(Object.keys(PLANE_PUBLISHES) as Channel[]).map((c) => ({ acltype: 'publishClientSend' as const, topic: `${ROOT}/${site}/+/${c}`, allow: true as const })),
    // Literal: the plane may subscribe to exactly these filters, not to "#" or another site.
    ...(Object.keys(DEVICE_PUBLISHES) as Channel[]).map((c) => ({ acltype: 'subscribeLiteral' as const, topic: siteFilter(site, c), allow: true as const })),
  ];
}
