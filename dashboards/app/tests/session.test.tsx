// @vitest-environment happy-dom
// Where sign-in leads: each role's landing page when no page asked for sign-in, a `next` of this
// site only, and the old address of an app page as the `next` it carries.
import { afterEach, describe, expect, it } from 'vitest';
import { landingFor, pageAddress, safeNext, signInUrl, type Role } from '../src/lib/session.js';

afterEach(() => history.replaceState(null, '', '/'));

describe('landingFor', () => {
  it('sends each role to the page of its daily work', () => {
    const landing = Object.fromEntries((['admin', 'official', 'operator', 'farmer', 'viewer'] as const satisfies readonly Role[]).map((r) => [r, landingFor(r)]));
    expect(landing).toEqual({ admin: '/', official: '/overview.html', operator: '/lighting.html', farmer: '/irrigation.html', viewer: '/' });
  });

  it('sends the first admin to the users page right after setup', () => {
    expect(landingFor('admin', { afterSetup: true })).toBe('/admin.html');
    expect(landingFor('farmer', { afterSetup: true })).toBe('/irrigation.html');
  });
});

describe('safeNext', () => {
  it('follows a path of this site, with its query', () => {
    expect(safeNext('/irrigation.html?zone=a#x', landingFor('farmer'))).toBe('/irrigation.html?zone=a#x');
    expect(safeNext('/', '/lighting.html')).toBe('/');
  });

  it('falls back to the landing page for no next, another origin, or the sign-in and setup pages', () => {
    for (const raw of [null, '', '//evil.example/x', 'https://evil.example/', '/\\evil.example', 'irrigation.html', '/signin.html', '/app/setup.html'])
      expect({ raw, to: safeNext(raw, '/lighting.html') }).toEqual({ raw, to: '/lighting.html' });
    expect(safeNext('//evil.example')).toBe('/');
  });
});

describe('signInUrl', () => {
  it('carries the old address of an app page, which the server redirects', () => {
    expect(pageAddress('/app/admin.html')).toBe('/admin.html');
    expect(pageAddress('/app/')).toBe('/');
    expect(pageAddress('/irrigation.html')).toBe('/irrigation.html');
    history.replaceState(null, '', '/app/lighting.html?group=duong-lang');
    expect(signInUrl({ ended: '1' })).toBe('/signin.html?next=%2Flighting.html%3Fgroup%3Dduong-lang&ended=1');
  });
});
