// The one policy, without a server: roles, the farmer's zones, the radio's bulletin rules.
import { describe, expect, test } from 'vitest';
import { ACTION_NAMES, authorize, ROLES, seesZone, type Actor, type Role } from '../../controller/auth/policy.js';
import { defaultRadioPolicy } from '../../controller/radio/policy.js';

const actor = (role: Role, id: string = role, zones: string[] = []): Actor => ({ id, role, zones, kind: 'user' });

describe('authorize', () => {
  test('an admin may take every action but a commune plane\'s push; a viewer only reads', () => {
    for (const a of ACTION_NAMES) expect(authorize(actor('admin'), a).ok, a).toBe(a !== 'province.push');
    const viewer = ACTION_NAMES.filter((a) => authorize(actor('viewer'), a).ok);
    expect(viewer.every((a) => a.endsWith('.read'))).toBe(true);
    expect(viewer).toContain('irrigation.read');
  });

  test('a commune push token may push to the province and nothing else; no person may push', () => {
    expect(ACTION_NAMES.filter((a) => authorize(actor('commune'), a).ok)).toEqual(['province.push']);
    for (const r of ROLES) expect(authorize(actor(r), 'province.push').ok, r).toBe(false);
  });

  test('an official approves and sends emergencies but edits no devices or programs', () => {
    const o = actor('official');
    for (const a of ['radio.approve', 'radio.emergency', 'lighting.read', 'irrigation.read'] as const) expect(authorize(o, a).ok, a).toBe(true);
    for (const a of ['devices.manage', 'devices.command', 'irrigation.programs', 'lighting.control', 'radio.draft', 'users.manage'] as const) expect(authorize(o, a).ok, a).toBe(false);
  });

  test('an operator runs lights, radio drafts, devices and programs, but approves nothing', () => {
    const p = actor('operator');
    for (const a of ['lighting.control', 'radio.draft', 'devices.manage', 'irrigation.programs', 'irrigation.control'] as const) expect(authorize(p, a).ok, a).toBe(true);
    for (const a of ['radio.approve', 'radio.emergency', 'users.manage', 'tokens.manage'] as const) expect(authorize(p, a).ok, a).toBe(false);
  });

  test('a farmer acts only inside the zones of their scope', () => {
    const f = actor('farmer', 'lan', ['vuon-a']);
    expect(authorize(f, 'irrigation.run', { zone: 'vuon-a' }).ok).toBe(true);
    const other = authorize(f, 'irrigation.run', { zone: 'vuon-b' });
    expect(other).toEqual({ ok: false, reason: "zone vuon-b is not in this farmer's scope" });
    expect(authorize(f, 'devices.read', { zone: null }).ok).toBe(false);
    expect(authorize(f, 'lighting.read').ok).toBe(false);
    expect(authorize(f, 'radio.read').ok).toBe(false);
    expect(authorize(f, 'irrigation.control').ok).toBe(false);
    // Zones are ignored for everyone else.
    expect(authorize(actor('operator'), 'irrigation.run', { zone: 'vuon-b' }).ok).toBe(true);
    expect(seesZone(f, 'vuon-a')).toBe(true);
    expect(seesZone(f, undefined)).toBe(false);
    expect(seesZone(actor('viewer'), undefined)).toBe(true);
  });

  test('an unknown action is refused', () => {
    expect(authorize(actor('admin'), 'bogus.action' as never).ok).toBe(false);
  });
});

describe('the radio asks the same policy', () => {
  const b = (createdBy: string, status = 'pending') => ({ createdBy, status }) as never;
  test('four eyes: the author cannot approve or reject, whatever the role', () => {
    expect(defaultRadioPolicy(actor('admin', 'an'), 'approve', b('an'))).toMatch(/author/);
    expect(defaultRadioPolicy(actor('official', 'binh'), 'reject', b('binh'))).toMatch(/author/);
    expect(defaultRadioPolicy(actor('official', 'binh'), 'approve', b('an'))).toBeUndefined();
  });
  test('an operator withdraws their own bulletin, not another’s, and never one on air', () => {
    expect(defaultRadioPolicy(actor('operator', 'an'), 'cancel', b('an'))).toBeUndefined();
    expect(defaultRadioPolicy(actor('operator', 'an'), 'cancel', b('chi'))).toMatch(/author or an official/);
    expect(defaultRadioPolicy(actor('operator', 'an'), 'cancel', b('an', 'airing'))).toMatch(/off the air/);
    expect(defaultRadioPolicy(actor('official', 'binh'), 'cancel', b('an', 'airing'))).toBeUndefined();
  });
  test('drafting is for operators and admins; emergencies for officials and admins', () => {
    expect(defaultRadioPolicy(actor('official'), 'draft')).toBeDefined();
    expect(defaultRadioPolicy(actor('operator'), 'send-emergency')).toBeDefined();
    expect(defaultRadioPolicy(actor('official'), 'send-emergency')).toBeUndefined();
  });
});
