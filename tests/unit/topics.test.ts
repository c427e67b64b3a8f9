import { describe, expect, it } from 'vitest';
import { buildTopic, deviceAcls, mayPublish, maySubscribe, parseTopic, planeAcls, siteFilter, type Principal } from '../../devices/topics.js';

const dev: Principal = { kind: 'device', id: 'valve-01', site: 'xa-a' };
const plane: Principal = { kind: 'plane', id: 'plane-controller', site: 'xa-a' };

describe('topic grammar', () => {
  it('builds and parses every channel', () => {
    for (const ch of ['telemetry', 'state', 'avail', 'ack', 'cmd', 'config'] as const) {
      const t = buildTopic('xa-a', 'valve-01', ch);
      expect(t).toBe(`village/xa-a/valve-01/${ch}`);
      expect(parseTopic(t)).toEqual({ site: 'xa-a', deviceId: 'valve-01', channel: ch });
    }
  });

  it.each([
    'village/xa-a/valve-01',
    'village/xa-a/valve-01/telemetry/extra',
    'village/xa-a/+/telemetry',
    'village/xa-a/#',
    'village/xa-a/../telemetry',
    'village/xa-a/Valve-01/telemetry',
    'village/xa-a/valve-01/debug',
    '$SYS/broker/uptime',
    'other/xa-a/valve-01/telemetry',
    '/village/xa-a/valve-01/telemetry',
    'village//valve-01/telemetry',
    'village/xa-a/-x/telemetry',
  ])('rejects %s', (t) => {
    expect(parseTopic(t)).toBeNull();
  });

  it('refuses to build topics from bad ids', () => {
    expect(() => buildTopic('xa-a', '+', 'cmd')).toThrow();
    expect(() => buildTopic('xa-a', '#', 'cmd')).toThrow();
    expect(() => buildTopic('xa/a', 'valve-01', 'cmd')).toThrow();
    expect(() => buildTopic('xa-a', 'a', 'cmd')).toThrow(); // ids have at least 2 characters
    expect(siteFilter('xa-a', 'state')).toBe('village/xa-a/+/state');
  });
});

describe('ACL derived from the grammar', () => {
  it('lets a device publish only its own device channels', () => {
    for (const ch of ['telemetry', 'ack']) expect(mayPublish(dev, `village/xa-a/valve-01/${ch}`, false).ok).toBe(true);
    for (const ch of ['state', 'avail']) expect(mayPublish(dev, `village/xa-a/valve-01/${ch}`, true).ok).toBe(true);
    expect(mayPublish(dev, 'village/xa-a/valve-01/cmd', false).ok).toBe(false);
    expect(mayPublish(dev, 'village/xa-a/valve-01/config', true).ok).toBe(false);
    expect(mayPublish(dev, 'village/xa-a/valve-02/telemetry', false).ok).toBe(false);
    expect(mayPublish(dev, 'village/xa-b/valve-01/telemetry', false).ok).toBe(false);
    expect(mayPublish(dev, '$SYS/x', false).ok).toBe(false);
    expect(mayPublish(dev, 'village/xa-a/valve-01/telemetry', true).ok).toBe(false); // telemetry is never retained
  });

  it('lets a device subscribe only to its own cmd and config', () => {
    expect(maySubscribe(dev, 'village/xa-a/valve-01/cmd').ok).toBe(true);
    expect(maySubscribe(dev, 'village/xa-a/valve-01/config').ok).toBe(true);
    for (const f of ['#', '+/+/+/+', 'village/#', 'village/xa-a/+/cmd', 'village/xa-a/valve-02/cmd', 'village/xa-a/valve-01/telemetry', '$SYS/#', 'village/xa-a/valve-01/+']) {
      const v = maySubscribe(dev, f);
      expect(v.ok, f).toBe(false);
    }
  });

  it('lets the plane command but never retain a cmd, and requires retained config', () => {
    expect(mayPublish(plane, 'village/xa-a/valve-01/cmd', false).ok).toBe(true);
    const retainedCmd = mayPublish(plane, 'village/xa-a/valve-01/cmd', true);
    expect(retainedCmd.ok).toBe(false);
    expect(retainedCmd.ok ? '' : retainedCmd.reason).toMatch(/retained/);
    expect(mayPublish(plane, 'village/xa-a/valve-01/config', true).ok).toBe(true);
    expect(mayPublish(plane, 'village/xa-a/valve-01/config', false).ok).toBe(false);
    expect(mayPublish(plane, 'village/xa-a/valve-01/telemetry', false).ok).toBe(false);
    expect(mayPublish(plane, 'village/xa-b/valve-01/cmd', false).ok).toBe(false);
  });

  it('lets the plane read device channels of its site only', () => {
    expect(maySubscribe(plane, 'village/xa-a/+/telemetry').ok).toBe(true);
    expect(maySubscribe(plane, 'village/xa-a/valve-01/ack').ok).toBe(true);
    expect(maySubscribe(plane, 'village/xa-a/+/cmd').ok).toBe(false);
    expect(maySubscribe(plane, 'village/#').ok).toBe(false);
    expect(maySubscribe(plane, 'village/xa-b/+/telemetry').ok).toBe(false);
    expect(maySubscribe(plane, '$SYS/#').ok).toBe(false);
  });
});

describe("Mosquitto dynamic-security ACLs from the grammar", () => {
  it("give a device its own device channels to publish and its own plane channels to read, nothing else", () => {
    const acls = deviceAcls('xa-a', 'valve-01');
    expect(acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic).sort()).toEqual(
      ['ack', 'avail', 'state', 'telemetry'].map((c) => `village/xa-a/valve-01/${c}`),
    );
    expect(acls.filter((a) => a.acltype === 'subscribeLiteral').map((a) => a.topic).sort()).toEqual(['village/xa-a/valve-01/cmd', 'village/xa-a/valve-01/config']);
    for (const a of acls) expect(a.acltype === 'publishClientSend' ? mayPublish(dev, a.topic, false).ok : maySubscribe(dev, a.topic).ok, a.topic).toBe(true);
  });

  it("give the plane the plane channels of its site and its four site filters", () => {
    const acls = planeAcls('xa-a');
    expect(acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic).sort()).toEqual(['village/xa-a/+/cmd', 'village/xa-a/+/config']);
    for (const a of acls.filter((x) => x.acltype === 'subscribeLiteral')) expect(maySubscribe(plane, a.topic).ok, a.topic).toBe(true);
    expect(acls.every((a) => a.allow && a.topic.startsWith('village/xa-a/'))).toBe(true);
  });
});
