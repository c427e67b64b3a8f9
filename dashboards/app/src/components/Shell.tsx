// Every page's frame: skip link, header (site name, role-aware nav, live-stream badge, who is
// signed in with sign-out, VI | EN) and the notice line, then the page itself once the session is
// known. `startPage` is each page's entry point; `startPublicPage` that of the pages without a
// session (sign-in, setup).
import { signal } from '@preact/signals';
import { render, type ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { get, request } from '../lib/http.js';
import { lang, setLang, t, type Key } from '../lib/i18n.js';
import { can, fetchMe, go, me, SETUP_URL, signInUrl, type Action, type Role } from '../lib/session.js';
import { siteTz } from '../lib/format.js';
import { streamState } from '../stream.js';
import type { SiteView } from '../api.js';
import '../styles/village.css';

export type PageId = 'overview' | 'alerts' | 'rules' | 'devices' | 'irrigation' | 'lighting' | 'radio' | 'scenes' | 'admin' | 'province';

/** Where a page belongs: a commune's plane, a province's (PLANE_MODE=province), or both. */
type Place = 'commune' | 'province' | 'both';

/** The pages in the nav, and what a role needs to see the link (the server still decides). The
 * links go straight into /app/: the lasting addresses (/, /<page>.html) would cost a redirect. */
const NAV: { id: PageId; href: string; label: Key; need?: Action; place?: Place }[] = [
  { id: 'province', href: '/app/province.html', label: 'nav.province', need: 'province.read', place: 'province' },
  { id: 'overview', href: '/app/overview.html', label: 'nav.overview', need: 'indicators.read' },
  { id: 'alerts', href: '/app/alerts.html', label: 'nav.alerts', need: 'alerts.read' },
  { id: 'rules', href: '/app/rules.html', label: 'nav.rules', need: 'rules.read' },
  { id: 'devices', href: '/app/', label: 'nav.devices' },
  { id: 'irrigation', href: '/app/irrigation.html', label: 'nav.irrigation' },
  { id: 'lighting', href: '/app/lighting.html', label: 'nav.lighting', need: 'lighting.read' },
  { id: 'radio', href: '/app/radio.html', label: 'nav.radio', need: 'radio.read' },
  { id: 'scenes', href: '/app/scenes.html', label: 'nav.scenes', need: 'scenes.read' },
  { id: 'admin', href: '/app/admin.html', label: 'nav.admin', need: 'users.manage', place: 'both' },
];

/** A province's /api/site says so; until it is read, a commune. */
const placeOfSite = (): Exclude<Place, 'both'> => (site.value?.mode === 'province' ? 'province' : 'commune');
const inNav = (p: { place?: Place }): boolean => (p.place ?? 'commune') === 'both' || (p.place ?? 'commune') === placeOfSite();

export const site = signal<SiteView | undefined>(undefined);

/** A role in words; an official on a province is the province's, not a commune's. */
const roleLabel = (role: Role): string => (role === 'official' && placeOfSite() === 'province' ? t('role.official.province') : t(`role.${role}`));

// A function of the language, so the words follow the VI | EN toggle.
type Notice = { kind: 'denied' | 'error' | 'info'; text: () => string; retry?: () => void; link?: { href: string; text: Key; testid: string } } | undefined;
const notice = signal<Notice>(undefined);

/** Says the page could not load its data, with a retry button. */
export function showLoadError(retry: () => void): void {
  notice.value = { kind: 'error', text: () => t('loadFailed'), retry };
}
export const clearNotice = (): void => void (notice.value = undefined);

/** A page's read (first, or again after a reconnect); when it fails the notice offers to try again. */
export async function loadOrOfferRetry(read: () => Promise<void>): Promise<void> {
  clearNotice();
  try {
    await read();
  } catch {
    showLoadError(() => void loadOrOfferRetry(read));
  }
}
/** A plain note in the notice line, with a link onwards (setup done: to sign-in). */
export function showNotice(text: () => string, link?: { href: string; text: Key; testid: string }): void {
  notice.value = { kind: 'info', text, link };
}

function LangToggle() {
  const other = lang.value === 'vi' ? 'en' : 'vi';
  return (
    <button class="lang" type="button" data-testid="lang-toggle" title={t('langToggle')} onClick={() => setLang(other)}>
      <span data-lang="vi" lang="vi" class={lang.value === 'vi' ? 'on' : undefined}>VI</span>
      <span aria-hidden="true"> | </span>
      <span data-lang="en" lang="en" class={lang.value === 'en' ? 'on' : undefined}>EN</span>
      <span class="sr" lang={other}>: {t('langToggle')}</span>
    </button>
  );
}

function Who() {
  const u = me.value?.user;
  if (!u) return null;
  const signOut = async (e: Event) => {
    const btn = e.currentTarget as HTMLButtonElement;
    btn.disabled = true;
    // Ended already (401) is signed out as well; anything else, the button stays to try again.
    try {
      await request('POST', '/api/auth/sign-out', undefined, { follow: false });
      go('/signin.html?out=1');
    } catch (err) {
      if ((err as { status?: number }).status === 401) go('/signin.html?out=1');
      else btn.disabled = false;
    }
  };
  return (
    <div id="who" class="who" data-testid="who" aria-label={t('who.label')}>
      <p class="who-text">
        <span class="who-name" data-testid="who-name">{u.name}</span>
        <span class="who-role" data-testid="who-role">{roleLabel(u.role)}</span>
      </p>
      <button type="button" class="btn btn-light btn-small who-out" data-testid="sign-out" onClick={signOut}>
        {t('who.signOut')}
      </button>
    </div>
  );
}

function Conn() {
  const state = streamState.value === 'reconnecting' ? 'lost' : streamState.value;
  return (
    <div class="live">
      <p class="conn" data-testid="conn-status" data-state={state} role="status" title={t('connTitle')}>
        <span class="conn-dot" aria-hidden="true" />
        <span>{t(`conn.${state}`)}</span>
      </p>
    </div>
  );
}

function NoticeActions({ n }: { n: Notice }) {
  if (n?.retry)
    return (
      <button type="button" class="btn" onClick={n.retry}>
        {t('retry')}
      </button>
    );
  if (n?.link)
    return (
      <a href={n.link.href} class="btn btn-light link-btn" data-testid={n.link.testid}>
        {t(n.link.text)}
      </a>
    );
  return null;
}

export interface PageOptions {
  page: PageId;
  /** The page's name under the site's, and in the document title. */
  title: Key;
  /** The skip link's words: where it jumps to. */
  skip: Key;
  /** The role must be able to take this action to open the page at all. */
  need?: Action;
  /** Shows the live-stream badge (pages that follow /api/events). */
  live?: boolean;
  bodyClass?: string;
  App: ComponentType;
}

type Phase = 'loading' | 'denied' | 'ready' | 'failed';
const phase = signal<Phase>('loading');

function Frame({ o }: { o: PageOptions }) {
  const name = site.value?.site.name ?? t('appTitle');
  useEffect(() => {
    document.title = `${t(o.title)} · ${name}`;
    document.documentElement.lang = lang.value;
  }, [lang.value, name]);
  const n = notice.value;
  return (
    <>
      <a class="skip" href="#main">
        {t(o.skip)}
      </a>
      <header class="top">
        <div class="brand">
          <h1 data-testid="site-name">{name}</h1>
          <p class="app-title">{t(o.title)}</p>
        </div>
        <nav class="nav" aria-label={t('navLabel')}>
          {NAV.filter((p) => inNav(p) && (!p.need || can(p.need))).map((p) => (
            <a key={p.id} href={p.href} data-testid={`nav-${p.id}`} aria-current={p.id === o.page ? 'page' : undefined}>
              {t(p.label)}
            </a>
          ))}
        </nav>
        {o.live && phase.value === 'ready' ? <Conn /> : null}
        <Who />
        <LangToggle />
      </header>
      <main id="main" tabIndex={-1} class={o.bodyClass}>
        <div id="notice" class="notice" data-testid="notice" role="status" data-kind={n?.kind}>
          {n ? <span>{n.text()} </span> : null}
          <NoticeActions n={n} />
        </div>
        {phase.value === 'ready' ? <o.App /> : null}
      </main>
    </>
  );
}

/**
 * Renders the page: who is signed in first (no session: to sign-in; no admin yet: to setup; a
 * temporary password: to its change), then the site, then the page if the role may open it.
 */
export function startPage(o: PageOptions): void {
  if (o.bodyClass) document.body.classList.add(o.bodyClass);
  const root = document.getElementById('app')!;
  render(<Frame o={o} />, root);
  const boot = async (): Promise<void> => {
    notice.value = undefined;
    const m = await fetchMe();
    if (!m) return showLoadError(() => void boot());
    if (m.setupRequired) return go(SETUP_URL);
    if (!m.signedIn || !m.user || m.user.mustChange) return go(signInUrl());
    document.body.dataset.role = m.user.role;
    try {
      site.value = await get<SiteView>('/api/site');
      siteTz.value = site.value.site.tz;
    } catch {
      return showLoadError(() => void boot());
    }
    if (o.need && !can(o.need)) {
      phase.value = 'denied';
      const role = m.user.role;
      notice.value = { kind: 'denied', text: () => t('denied.page', { role: roleLabel(role) }) };
      return;
    }
    phase.value = 'ready';
  };
  void boot();
}

export interface PublicPageOptions {
  /** The page's name in the document title; a function when it changes with the page's step. */
  title: Key | (() => Key);
  App: ComponentType;
}

/** The frame of a page without a session: the app's name and VI | EN only, no nav and no who. */
function PublicFrame({ o }: { o: PublicPageOptions }) {
  const title = typeof o.title === 'function' ? o.title() : o.title;
  useEffect(() => {
    document.title = `${t(title)} · ${t('appTitle')}`;
    document.documentElement.lang = lang.value;
  }, [lang.value, title]);
  const n = notice.value;
  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>{t('appTitle')}</h1>
        </div>
        <LangToggle />
      </header>
      <main id="main" class="auth">
        <div id="notice" class="notice" data-testid="notice" role="status" data-kind={n?.kind}>
          {n ? <span>{n.text()} </span> : null}
          <NoticeActions n={n} />
        </div>
        <o.App />
      </main>
    </>
  );
}

/**
 * Renders a page that needs no session (sign-in, setup). The page reads /api/auth/me itself and
 * its requests read their refusals themselves (`{ follow: false }`).
 */
export function startPublicPage(o: PublicPageOptions): void {
  document.body.classList.add('auth-page');
  render(<PublicFrame o={o} />, document.getElementById('app')!);
}
