// Small pieces shared by the dashboard pages (index, irrigation, lighting, radio, admin, sign-in,
// setup): DOM helpers, number and time formatting in the current language and the site's time
// zone, JSON requests with their errors, the signed-in user (who, what the role may do, the CSRF
// token), message boxes, the VI | EN toggle and the live event stream. Plain ES module, no build
// step.

import { getLang, hasString, locale, setLang, t } from './i18n.js';

// ---------------------------------------------------------------- DOM

/**
 * An element with attributes (false/null/undefined are left out; `text` sets textContent; `style`
 * is an object of properties) and children.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    // Through the CSSOM: the CSP (style-src 'self') refuses a style="" attribute.
    else if (k === 'style') for (const [p, x] of Object.entries(v)) el.style.setProperty(p, String(x));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export const $ = (sel) => /** @type {HTMLElement} */ (document.querySelector(sel));

/** Lower case, without Vietnamese diacritics, so "thon dong" finds "Thôn Đông". */
export function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** An id made from a Vietnamese name ("Tưới sáng" → "tuoi-sang"), as the API's ids allow. */
export function slug(name, max = 63) {
  return fold(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max);
}

// ---------------------------------------------------------------- requests

/** Milliseconds the server's clock is ahead of ours, from the Date header (only when it is clearly off). */
let clockSkewMs = 0;

function noteServerDate(res) {
  const d = Date.parse(res.headers.get('date') ?? '');
  if (Number.isNaN(d)) return;
  const skew = d - Date.now();
  // The header has whole seconds: a difference under 3 s is noise.
  clockSkewMs = Math.abs(skew) > 3000 ? skew : 0;
}

/** Now by the server's clock (for countdowns to instants the server gave). */
export function serverNow() {
  return Date.now() + clockSkewMs;
}

/** A promise that never settles: the page is leaving, nothing after the await should run. */
const leaving = () => new Promise(() => {});

/**
 * Leaves for the sign-in or setup page when the API's refusal says so: no session (401), no admin
 * yet (503 setup-required), a temporary password to change first. True when it left.
 */
function followAuth(status, body) {
  const code = body?.code;
  // A page that was signed in and is no longer: its session ended (signed out elsewhere, disabled).
  if (status === 401 && code !== 'bad-credentials') go(signInUrl(code === 'session-ended' || me?.signedIn ? { ended: '1' } : {}));
  else if (status === 503 && code === 'setup-required') go('setup.html');
  else if (status === 403 && code === 'password-change-required') go(signInUrl());
  else return false;
  return true;
}

export async function getJson(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    if (followAuth(res.status, await res.json().catch(() => null))) return leaving();
    throw new Error(`${res.status} ${url}`);
  }
  noteServerDate(res);
  return res.json();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A JSON request that never throws: { ok, status, body } or, when the server could not be
 * reached, { ok: false, status: 0, body: null }. A FormData body goes as multipart/form-data;
 * `headers` are added to every request. A state-changing request carries the session's CSRF
 * token. Without a session (or before setup) the page leaves for sign-in (or setup) unless
 * `follow` is false (the sign-in and setup pages read those answers themselves).
 */
export async function request(method, url, body, { headers = {}, follow = true } = {}) {
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  try {
    const res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined && !form && { 'content-type': 'application/json' }),
        ...(!SAFE_METHODS.has(method) && me?.csrfToken && { 'x-csrf-token': me.csrfToken }),
        ...headers,
      },
      ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
    });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (follow && followAuth(res.status, data)) return leaving();
    return { ok: res.ok, status: res.status, body: data };
  } catch {
    return { ok: false, status: 0, body: null };
  }
}

/** Who issued a command or stopped a run: `user:<login>` is the login, `token:<id>` an API token. */
export function issuerName(issuer) {
  const s = String(issuer ?? '');
  if (s.startsWith('user:')) return s.slice(5);
  if (s.startsWith('token:')) return t('issuer.token', { id: s.slice(6) });
  return s;
}

/** The words for an API refusal's `code` (forbidden, csrf, rate-limited …), or '' when there are none. */
export function codeText(code) {
  const k = `err.${code}`;
  return code && hasString(k) ? t(k) : '';
}

// ---------------------------------------------------------------- the signed-in user

/** GET /api/auth/me as the page last read it: { signedIn, user, csrfToken, can }. */
let me = null;

export function session() {
  return me;
}

/** Whether the role may take the action at all (for a farmer: in their zones). The server still decides. */
export function can(action) {
  return !!me?.can?.[action];
}

export function go(url) {
  location.assign(url);
}

/** The sign-in page, coming back here afterwards. */
export function signInUrl(extra = {}) {
  const q = new URLSearchParams({ next: location.pathname + location.search, ...extra });
  return `signin.html?${q}`;
}

/**
 * Where to go after signing in: a path of this site only ("/irrigation.html?x"), never another
 * origin ("//evil.example", "https:…") nor the sign-in and setup pages themselves.
 */
export function safeNext(raw) {
  const fallback = './';
  if (!raw || !/^\/(?![/\\])/.test(raw)) return fallback;
  let u;
  try {
    u = new URL(raw, location.origin);
  } catch {
    return fallback;
  }
  if (u.origin !== location.origin || /\/(signin|setup)\.html$/.test(u.pathname)) return fallback;
  return u.pathname + u.search + u.hash;
}

/** Reads /api/auth/me (public: never a 401). Null when the server could not be reached. */
export async function fetchMe() {
  try {
    const res = await fetch('/api/auth/me', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return null;
    me = await res.json();
    return me;
  } catch {
    return null;
  }
}

/**
 * Before a page loads anything: who is signed in. Without a session the page leaves for sign-in,
 * before setup for the setup page, with a temporary password for its change. Then the header shows
 * who it is with a sign-out button, and links and controls marked data-need="<action>" are hidden
 * when the role may not take that action. A page the role may not open at all (`need`) says so.
 * Resolves with /api/auth/me's answer, or null when the page shows nothing more.
 */
export async function initSession({ need } = {}) {
  const m = await fetchMe();
  if (!m) {
    showLoadError(() => location.reload());
    return null;
  }
  if (m.setupRequired) {
    go('setup.html');
    return leaving();
  }
  if (!m.signedIn || !m.user || m.user.mustChange) {
    go(signInUrl());
    return leaving();
  }
  document.body.dataset.role = m.user.role;
  for (const el of document.querySelectorAll('[data-need]')) /** @type {HTMLElement} */ (el).hidden = !can(el.getAttribute('data-need'));
  renderWho();
  if (need && !can(need)) {
    for (const el of document.querySelectorAll('main > :not(#notice)')) /** @type {HTMLElement} */ (el).hidden = true;
    const notice = $('#notice');
    notice.dataset.kind = 'denied';
    setText(notice, t('denied.page', { role: t(`role.${m.user.role}`) }));
    return null;
  }
  return m;
}

/** Who is signed in, in the header: name, role, sign-out. Built once, its words follow the language. */
function renderWho() {
  const top = document.querySelector('header.top');
  if (!me?.user || !top) return;
  let box = document.getElementById('who');
  if (!box) {
    const out = h('button', { id: 'sign-out', type: 'button', class: 'btn btn-light btn-small who-out', 'data-testid': 'sign-out' });
    out.addEventListener('click', () => void signOut(out));
    box = h(
      'div',
      { id: 'who', class: 'who', 'data-testid': 'who' },
      h('p', { class: 'who-text' }, h('span', { id: 'who-name', class: 'who-name', 'data-testid': 'who-name' }), h('span', { id: 'who-role', class: 'who-role', 'data-testid': 'who-role' })),
      out,
    );
    const lang = $('#lang');
    if (lang) lang.before(box);
    else top.append(box);
  }
  box.setAttribute('aria-label', t('who.label'));
  setText($('#who-name'), me.user.name);
  setText($('#who-role'), t(`role.${me.user.role}`));
  setText($('#sign-out'), t('who.signOut'));
}

async function signOut(btn) {
  btn.disabled = true;
  const res = await request('POST', '/api/auth/sign-out', undefined, { follow: false });
  // Ended already (401) is signed out as well; anything else, the button stays to try again.
  if (res.ok || res.status === 401) go('signin.html?out=1');
  else btn.disabled = false;
}

// ---------------------------------------------------------------- formatting

let siteTz;

/** The site's IANA time zone: every clock time on the pages is in it. */
export function setSiteTz(tz) {
  siteTz = tz || undefined;
}

const numberFormats = new Map();
export function numberFormat(digits) {
  const key = `${locale()}|${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(), { maximumFractionDigits: digits });
    numberFormats.set(key, f);
  }
  return f;
}

/** A number with at most `digits` decimals (default: none for integers, else 2 below 10, else 1). */
export function fmtNum(n, digits) {
  if (digits === undefined) digits = Number.isInteger(n) ? 0 : Math.abs(n) < 10 ? 2 : 1;
  return numberFormat(digits).format(n);
}

/** A number with its unit, joined by a no-break space. */
export function withUnit(text, unit) {
  return unit ? `${text}\u00a0${unit}` : text;
}

export function fmtDuration(totalS) {
  const s = Math.max(0, Math.round(totalS));
  const hrs = Math.floor(s / 3600);
  const min = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [];
  if (hrs) parts.push(withUnit(fmtNum(hrs), t('unit.h')));
  if (min) parts.push(withUnit(fmtNum(min), t('unit.min')));
  if (sec || parts.length === 0) parts.push(withUnit(fmtNum(sec), t('unit.s')));
  return parts.join(' ');
}

/** A countdown as m:ss (or h:mm:ss), for what changes every second. */
export function fmtClock(totalS) {
  const s = Math.max(0, Math.round(totalS));
  const hrs = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return hrs ? `${hrs}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function timeFormat(withDate, seconds = false) {
  const opts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (seconds) opts.second = '2-digit';
  if (withDate) Object.assign(opts, { day: '2-digit', month: '2-digit' });
  try {
    return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: siteTz });
  } catch {
    return new Intl.DateTimeFormat(locale(), opts);
  }
}

/** Clock time HH:MM in the site's time zone, never with the date (for a plan within one night). */
export function fmtHm(when) {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  return timeFormat(false).format(d);
}

const partsFormats = new Map();

/** Wall-clock fields of an instant at the site: { year, month, day, hour, minute, second }. */
export function siteParts(when) {
  const key = siteTz ?? '';
  let f = partsFormats.get(key);
  if (!f) {
    const opts = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    try {
      f = new Intl.DateTimeFormat('en-US', { ...opts, timeZone: siteTz });
    } catch {
      f = new Intl.DateTimeFormat('en-US', opts);
    }
    partsFormats.set(key, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(when)).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
}

/**
 * The instant of a wall-clock time at the site (a day past the month's end rolls over). The
 * offset is read at that instant, so a time across a DST change is still right.
 */
export function siteTimeToMs(year, month, day, hour, minute) {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = siteParts(guess);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(guess / 1000) * 1000;
    const next = wall - offset;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** YYYY-MM-DD of an instant in the site's time zone. */
export function dayKey(d) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: siteTz }).format(d);
  } catch {
    return d.toDateString();
  }
}

/**
 * Clock time in the site's time zone; with the date when it is not today. Takes ISO text or epoch
 * ms; `seconds` adds them (for steps that follow each other within a minute).
 */
export function fmtTime(when, { seconds = false } = {}) {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  return timeFormat(dayKey(d) !== dayKey(new Date(serverNow())), seconds).format(d);
}

/** A local date "YYYY-MM-DD" as the reader writes dates (dd/mm/yyyy in Vietnamese). */
export function fmtLocalDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(ymd ?? ''));
  if (!m) return String(ymd ?? '');
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(d);
}

export function fmtRelative(when) {
  const then = new Date(when).getTime();
  if (Number.isNaN(then)) return '';
  const diffS = Math.round((then - serverNow()) / 1000);
  const abs = Math.abs(diffS);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (abs < 10) return rtf.format(0, 'second');
  if (abs < 60) return rtf.format(diffS, 'second');
  if (abs < 3600) return rtf.format(Math.round(diffS / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diffS / 3600), 'hour');
  return rtf.format(Math.round(diffS / 86400), 'day');
}

/** A <time> that keeps its relative words fresh (see refreshRelativeTimes). */
export function relTimeEl(when) {
  const iso = new Date(when).toISOString();
  return h('time', { datetime: iso, title: fmtTime(iso), 'data-rel': '', text: fmtRelative(iso) });
}

export function refreshRelativeTimes() {
  for (const el of document.querySelectorAll('time[data-rel]')) setText(el, fmtRelative(el.getAttribute('datetime') ?? ''));
}

// ---------------------------------------------------------------- header: language, nav, stream status

/** Fills every [data-i18n] and [data-i18n-placeholder] and the VI | EN button in the current language. */
export function applyStatic() {
  document.documentElement.lang = getLang();
  for (const el of document.querySelectorAll('[data-i18n]')) setText(el, t(el.getAttribute('data-i18n')));
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
  }
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria')));
  const lang = $('#lang');
  const hint = $('#lang-hint');
  if (lang && hint) {
    setText(hint, `: ${t('langToggle')}`);
    hint.setAttribute('lang', getLang() === 'vi' ? 'en' : 'vi');
    lang.title = t('langToggle');
    for (const s of lang.querySelectorAll('[data-lang]')) s.classList.toggle('on', s.getAttribute('data-lang') === getLang());
  }
  renderWho();
  showConn(connState);
}

/**
 * A message box under a form or control: `fn` builds { kind: 'ok' | 'error', title, lines } in
 * the current language (so it follows the VI | EN toggle); no `fn` hides the box.
 */
export function showMsg(box, fn) {
  const m = typeof fn === 'function' ? fn() : null;
  if (!m) {
    box.replaceChildren();
    box.classList.remove('shown');
    box.removeAttribute('data-kind');
    return;
  }
  const lines = (m.lines ?? []).filter(Boolean);
  box.dataset.kind = m.kind ?? 'error';
  box.replaceChildren(h('strong', { text: m.title }), ...(lines.length ? [h('ul', {}, ...lines.map((l) => h('li', { text: l })))] : []));
  box.classList.add('shown');
}

/**
 * Marks the inputs of `form` that an error from `fn` names in its `fields` (API paths such as
 * "steps.0.level"): for each, the element whose data-path is the longest prefix. Clears the others.
 */
export function markInvalid(form, fn) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const m = typeof fn === 'function' ? fn() : null;
  for (const path of m?.fields ?? []) {
    const parts = String(path).split('.');
    for (let n = parts.length; n > 0; n--) {
      const el = form.querySelector(`[data-path="${parts.slice(0, n).join('.')}"]`);
      if (el) {
        el.setAttribute('aria-invalid', 'true');
        break;
      }
    }
  }
}

/** The page could not load its data: say so, with a retry button, in the notice line. */
export function showLoadError(retry) {
  const notice = $('#notice');
  notice.dataset.kind = 'error';
  const btn = h('button', { type: 'button', class: 'btn' }, t('retry'));
  btn.addEventListener('click', retry);
  notice.replaceChildren(h('span', { text: `${t('loadFailed')} ` }), btn);
}

/** Wires the VI | EN button; `rerender` redraws the page in the new language. */
export function initLangToggle(rerender) {
  setLang(getLang());
  applyStatic();
  $('#lang').addEventListener('click', () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi');
    applyStatic();
    rerender();
  });
}

let connState = 'connecting';

export function showConn(state) {
  connState = state;
  const el = $('#conn');
  if (!el) return;
  el.dataset.state = state;
  setText($('#conn-text'), t(`conn.${state}`));
}

/**
 * Follows /api/events. `onOpen` runs on every (re)connect (refetch there: events may have been
 * missed); `onEvent(kind, data)` gets each named event's parsed data. The status line follows.
 */
export function liveStream({ events, onOpen, onEvent }) {
  let stream = null;
  let state = 'connecting';
  const set = (s) => {
    state = s;
    showConn(s);
  };
  const connect = () => {
    set('connecting');
    stream = new EventSource('/api/events');
    stream.addEventListener('open', () => {
      set('live');
      onOpen();
    });
    stream.addEventListener('error', () => {
      set('lost');
      // EventSource retries by itself unless the server refused the stream outright: signed out
      // (elsewhere, or the session ended) goes to sign-in, else it tries again later.
      if (stream && stream.readyState === EventSource.CLOSED) {
        stream = null;
        void fetchMe().then((m) => {
          if (m && (!m.signedIn || m.setupRequired)) go(m.setupRequired ? 'setup.html' : signInUrl({ ended: '1' }));
          else setTimeout(connect, 5000);
        });
      }
    });
    for (const kind of events) {
      stream.addEventListener(kind, (e) => {
        let data;
        try {
          data = JSON.parse(/** @type {MessageEvent} */ (e).data);
        } catch {
          return;
        }
        onEvent(kind, data);
      });
    }
  };
  connect();
  return { state: () => state };
}
