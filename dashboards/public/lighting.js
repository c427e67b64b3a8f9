// The street-lighting page for the village operator. Plain ES module, no build step, nothing loaded
// from outside the server.
//
// Data: /api/site and /api/lighting/{groups,failures,overrides,programs,energy}. This page does not
// use the stream's `lighting` events yet: a `device`, `command` or `alert` event means a light may
// have changed, so the groups and failures are refetched (at most every 500 ms), and every 5 s anyway.
// A light's level and mode are only what the light itself reported; what the controller wants is
// shown apart, and only while the light has not reported it. Overrides, programs and calendars are
// offered only to a role with lighting.control; the others follow the lights.

import {
  $,
  applyStatic,
  can,
  codeText,
  dayKey,
  fmtHm,
  fmtLocalDate,
  fmtNum,
  fmtTime,
  getJson,
  h,
  initLangToggle,
  initSession,
  liveStream,
  markInvalid,
  refreshRelativeTimes,
  relTimeEl,
  request,
  serverNow,
  setSiteTz,
  setText,
  showLoadError,
  showMsg,
  slug,
  siteParts,
  siteTimeToMs,
  withUnit,
} from './common.js';
import { t } from './i18n.js';

const REFRESH_MIN_MS = 500;
const FALLBACK_MS = 5000;
const SLOW_MS = 60_000;
const OK_SHOWN_MS = 8000;
const MAX_STEPS = 16;
const MAX_RULES = 64;
const RECENT_SHOWN = 10;
const LIGHT_HOURS = [1, 2, 4, 8];

const model = {
  site: /** @type {any} */ ({}),
  groups: /** @type {any[]} */ ([]),
  programs: /** @type {any[]} */ ([]),
  overrides: /** @type {any[]} */ ([]),
  failures: /** @type {{ active: any[], recent: any[] }} */ ({ active: [], recent: [] }),
  /** The night shown in the energy section, YYYY-MM-DD. */
  energyNight: '',
  /** undefined while loading, null when there is nothing for the night, else the API's answer. */
  energy: /** @type {any} */ (undefined),
  energyError: /** @type {Function | null} */ (null),
  /** What was typed in the override controls, by `g|<group>` and `<group>|<light>`. */
  drafts: /** @type {Map<string, any>} */ (new Map()),
  /** The outcome of the last override sent from a control: a function building { kind, title, lines }. */
  msgs: /** @type {Map<string, Function>} */ (new Map()),
  busy: /** @type {Set<string>} */ (new Set()),
  /** The program being edited or created, as typed; null when the editor is closed. */
  editor: /** @type {any} */ (null),
  editorError: /** @type {Function | null} */ (null),
  listMsg: /** @type {Function | null} */ (null),
  /** The calendar being edited, as typed; null when closed. */
  calEditor: /** @type {any} */ (null),
  calError: /** @type {Function | null} */ (null),
  calMsg: /** @type {Function | null} */ (null),
};

/** Built group cards by group id, updated in place so typing survives refreshes. */
const cards = new Map();

// ---------------------------------------------------------------- words

const programName = (id) => model.programs.find((p) => p.id === id)?.name ?? id;
const groupName = (id) => model.groups.find((g) => g.id === id)?.name ?? id;

function lightName(id) {
  for (const g of model.groups) for (const l of g.lights ?? []) if (l.id === id && l.name) return l.name;
  return id;
}

const pct = (n) => withUnit(fmtNum(Math.round(Number(n))), '%');
const kwh = (n) => withUnit(fmtNum(Number(n), 2), 'kWh');

/** "Hoàng hôn − 10 phút", "23:00". */
function whenText(step) {
  if (step.at) return step.at;
  const name = t(`lit.astro.${step.astro}`);
  const off = Number(step.offsetMin ?? 0);
  if (!off) return name;
  return `${name} ${off > 0 ? '+' : '−'} ${withUnit(fmtNum(Math.abs(off)), t('unit.min'))}`;
}

/** A light's alert codes (controller/alert-codes.ts) and the fault kinds the page words them by. */
const FAULT_OF_CODE = {
  'light-lamp-failure': 'lampFailure',
  'light-dimming-failure': 'dimmingFailure',
  'light-unexpected-on': 'unexpectedOn',
  'light-offline': 'offline',
};

/** A light's alert as { kind, device }, from its code; null for any other alert. */
function failureOf(a) {
  const kind = FAULT_OF_CODE[a?.what?.code];
  return kind ? { kind, device: a.what.device } : null;
}

function kindText(kind) {
  const k = `lit.kind.${kind}`;
  const s = t(k);
  return s === k ? kind : s;
}

/** Active fault kinds of a light (not "offline": that is its availability), from alerts and its own lampStatus. */
function faultsOf(light) {
  const kinds = new Set();
  for (const a of model.failures.active) {
    const f = failureOf(a);
    if (f && f.device === light.id && f.kind !== 'offline') kinds.add(f.kind);
  }
  const st = light.telemetry?.lampStatus;
  if (st && st !== 'ok') kinds.add(st);
  return [...kinds];
}

/** on | off | failed | offline | unknown: one word per light, so the counts add up. */
function lightStatus(light) {
  if (light.availability === 'offline') return 'offline';
  if (faultsOf(light).length) return 'failed';
  if (!light.state || typeof light.state.level !== 'number') return 'unknown';
  return light.state.level > 0 ? 'on' : 'off';
}

// ---------------------------------------------------------------- dates at the site

function ymd(y, m, d) {
  const x = new Date(Date.UTC(y, m - 1, d));
  return `${x.getUTCFullYear()}-${String(x.getUTCMonth() + 1).padStart(2, '0')}-${String(x.getUTCDate()).padStart(2, '0')}`;
}

function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return ymd(y, m, d + n);
}

/** Last night: the date of yesterday's evening at the site. */
function lastNight() {
  return addDays(dayKey(new Date(serverNow())), -1);
}

/** The night now belongs to (its evening's date: before noon it is yesterday's), with its noon-to-noon window. */
function currentNight() {
  const p = siteParts(serverNow());
  const d = p.hour < 12 ? p.day - 1 : p.day;
  const from = siteTimeToMs(p.year, p.month, d, 12, 0);
  const to = siteTimeToMs(p.year, p.month, d + 1, 12, 0);
  return { from, to };
}

/** The next time HH:MM at the site, from now. */
function nextLocalTime(hhmm) {
  const [hh, mm] = hhmm.split(':').map(Number);
  const now = serverNow();
  const p = siteParts(now);
  let at = siteTimeToMs(p.year, p.month, p.day, hh, mm);
  if (at <= now) at = siteTimeToMs(p.year, p.month, p.day + 1, hh, mm);
  return at;
}

/** MM-DD or YYYY-MM-DD from the API as the reader writes it: 30/04 or 30/04/2026. */
function dayFromApi(s) {
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(String(s ?? ''));
  if (!m) return String(s ?? '');
  return m[1] ? `${m[3]}/${m[2]}/${m[1]}` : `${m[3]}/${m[2]}`;
}

/**
 * 30/04 → 04-30, 30/04/2026 → 2026-04-30. Anything else, or a day that does not exist, is sent as
 * typed, so the server says what is wrong and the form keeps it.
 */
function dayToApi(s) {
  const v = String(s ?? '').trim();
  const m = /^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?$/.exec(v);
  if (!m) return v;
  const probe = new Date(Date.UTC(m[3] ? Number(m[3]) : 2024, Number(m[2]) - 1, Number(m[1])));
  if (probe.getUTCMonth() !== Number(m[2]) - 1 || probe.getUTCDate() !== Number(m[1])) return v;
  const md = `${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return m[3] ? `${m[3]}-${md}` : md;
}

// ---------------------------------------------------------------- errors from the API

/** Words for an API path such as "steps.0.level" or "rules.1.from". */
function pathLabel(path) {
  const parts = String(path ?? '')
    .split('.')
    .filter((p) => p && p !== 'body' && p !== 'params' && p !== 'querystring');
  const [a, b, c] = parts;
  const field = {
    at: 'lit.form.time',
    offsetMin: 'lit.form.offset',
    astro: 'lit.form.stepN',
    level: 'lit.form.level',
    program: 'lit.cal.program',
    from: 'lit.cal.from',
    to: 'lit.cal.to',
    days: 'lit.cal.days',
    month: 'lit.cal.lunarMonth',
    day: 'lit.cal.lunarDay',
    kind: 'lit.cal.ruleN',
  };
  if (a === 'steps' && b !== undefined && /^\d+$/.test(b)) {
    const n = Number(b) + 1;
    return c && field[c] && c !== 'astro' ? `${t('lit.form.stepN', { n })} · ${t(field[c])}` : t('lit.form.stepN', { n });
  }
  if (a === 'rules' && b !== undefined && /^\d+$/.test(b)) {
    const n = Number(b) + 1;
    if (c === 'days' && parts.length > 3) return `${t('lit.cal.ruleN', { n })} · ${t('lit.cal.days')}`;
    return c && field[c] && c !== 'kind' ? `${t('lit.cal.ruleN', { n })} · ${t(field[c])}` : t('lit.cal.ruleN', { n });
  }
  const map = {
    id: 'lit.form.id',
    name: 'lit.form.name',
    steps: 'lit.form.steps',
    rules: 'lit.cal.rules',
    default: 'lit.cal.default',
    level: 'lit.levelPct',
    untilIso: 'lit.until',
  };
  return a && map[a] ? t(map[a]) : parts.join('.');
}

/** A function that builds { kind, title, lines, fields } in the current language, from a failed request. */
function apiError(res, extra = () => []) {
  const body = res.body;
  const issues = Array.isArray(body?.issues) ? body.issues : [];
  const message = body?.message ? String(body.message) : '';
  return () => {
    let title;
    if (res.status === 0) title = t('irr.err.network');
    else if (res.status === 400) title = t('badRequest');
    else if (res.status === 404) title = t('irr.err.notFound');
    else title = codeText(body?.code) || t('serverError', { status: res.status });
    const lines = issues.length ? issues.map((i) => `${pathLabel(i.path)}: ${i.message}`) : message ? [message] : [];
    const fields = issues.map((i) => String(i.path ?? '').split('.').filter((p) => p && p !== 'body' && p !== 'params').join('.'));
    return { kind: 'error', title, lines: [...lines, ...extra()], fields };
  };
}

const localError = (line, fields = []) => () => ({ kind: 'error', title: t('badRequest'), lines: [typeof line === 'function' ? line() : line], fields });

/** Sets a control's note; a success note goes away by itself after a while (an error stays). */
function setMsg(key, fn, ok, redraw) {
  model.msgs.set(key, fn);
  if (ok) {
    setTimeout(() => {
      if (model.msgs.get(key) !== fn) return;
      model.msgs.delete(key);
      redraw();
    }, OK_SHOWN_MS);
  }
}

// ---------------------------------------------------------------- loading and refreshing

let refreshTimer = null;
let lastRefresh = 0;
let refreshing = false;
let refreshAgain = false;
let calendarsSeen = '';

/** Refetch the groups, overrides and failures soon: at most once per REFRESH_MIN_MS. */
function scheduleRefresh() {
  if (refreshTimer) return;
  const wait = Math.max(0, lastRefresh + REFRESH_MIN_MS - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refresh();
  }, wait);
}

function refreshSoon() {
  lastRefresh = 0;
  scheduleRefresh();
}

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  lastRefresh = Date.now();
  try {
    const [groups, failures, overrides] = await Promise.all([
      getJson('/api/lighting/groups'),
      getJson('/api/lighting/failures'),
      getJson('/api/lighting/overrides'),
    ]);
    applyGroups(groups);
    model.failures = { active: failures.active ?? [], recent: failures.recent ?? [] };
    model.overrides = overrides ?? [];
    renderGroups();
    renderFailures();
  } catch {
    // shown by the stream status; the next event or tick tries again
  } finally {
    refreshing = false;
    lastRefresh = Date.now();
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh();
    }
  }
}

/** Takes new groups; the program and calendar lists are redrawn only when a calendar changed. */
function applyGroups(groups) {
  model.groups = groups ?? [];
  const cals = JSON.stringify(model.groups.map((g) => [g.id, g.name, g.calendar]));
  if (cals !== calendarsSeen) {
    calendarsSeen = cals;
    renderPrograms();
    renderCalendars();
  }
}

async function loadPrograms() {
  model.programs = await getJson('/api/lighting/programs');
  renderPrograms();
  renderCalendars();
}

/** The energy of the chosen night; `quiet` keeps what is shown until the answer comes. */
async function loadEnergy(quiet = false) {
  const night = model.energyNight;
  if (!quiet) {
    model.energy = undefined;
    model.energyError = null;
    renderEnergy();
  }
  const res = await request('GET', `/api/lighting/energy?night=${encodeURIComponent(night)}`);
  if (night !== model.energyNight) return; // another night was chosen meanwhile
  if (res.ok && res.body) {
    model.energy = res.body;
    model.energyError = null;
  } else if (res.status === 404) {
    // The controller has no energy figures (yet): not an error for the reader.
    model.energy = null;
    model.energyError = null;
  } else {
    model.energy = null;
    model.energyError = apiError(res);
  }
  renderEnergy();
}

// ---------------------------------------------------------------- failures

function renderFailures() {
  const list = $('#failure-list');
  const active = [...model.failures.active].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  $('#failures').classList.toggle('has-active', active.length > 0);
  list.replaceChildren(
    ...(active.length
      ? active.map((a) => {
          const f = failureOf(a);
          const what = f ? kindText(f.kind) : a.key;
          const who = f ? lightName(f.device) : '';
          return h(
            'li',
            { class: `alert failure alert-${a.severity}`, 'data-alert-key': a.key, 'data-severity': a.severity, 'data-testid': 'failure' },
            h('strong', { text: who ? `${what}: ` : what }),
            who ? h('span', { class: 'failure-light', text: who }) : null,
            ` · ${t('lit.since', { time: fmtTime(a.startedAt) })} (`,
            relTimeEl(a.startedAt),
            ')',
            a.message ? h('small', { class: 'raw', lang: 'en', text: a.message }) : null,
          );
        })
      : [h('li', { class: 'empty', text: t('lit.noFailures') })]),
  );

  const recent = model.failures.recent.slice(0, RECENT_SHOWN);
  const details = /** @type {HTMLDetailsElement} */ ($('#failure-recent'));
  details.hidden = recent.length === 0;
  setText($('#failure-recent-h'), t('lit.recentFailures', { n: recent.length }));
  $('#failure-recent-list').replaceChildren(
    ...recent.map((a) => {
      const f = failureOf(a);
      return h(
        'li',
        { class: 'hist', 'data-alert-key': a.key },
        h('time', { datetime: new Date(a.endedAt ?? a.startedAt).toISOString(), text: t('lit.fromTo', { from: fmtTime(a.startedAt), to: a.endedAt ? fmtTime(a.endedAt) : '…' }) }),
        h('span', { text: f ? `${kindText(f.kind)}: ${lightName(f.device)}` : a.key }),
      );
    }),
  );
}

// ---------------------------------------------------------------- groups

function renderGroups() {
  const grid = $('#group-cards');
  if (model.groups.length === 0) {
    cards.clear();
    grid.replaceChildren(h('p', { class: 'note', text: t('lit.noGroups') }));
    return;
  }
  const ids = model.groups.map((g) => g.id);
  for (const id of [...cards.keys()]) if (!ids.includes(id)) cards.delete(id);
  const roots = model.groups.map((g) => groupCard(g).root);
  // Only reorder when the order changed, so focus and typing stay where they are.
  if (roots.some((r, i) => grid.children[i] !== r) || grid.children.length !== roots.length) grid.replaceChildren(...roots);
  for (const g of model.groups) updateGroup(g);
}

function draft(key, init) {
  let d = model.drafts.get(key);
  if (!d) {
    d = init();
    model.drafts.set(key, d);
  }
  return d;
}

function groupCard(g) {
  let card = cards.get(g.id);
  if (card) return card;
  const headId = `grp-${g.id}`;
  const refs = {
    name: h('h3', { class: 'dev-name', id: headId }),
    meta: h('p', { class: 'dev-meta' }),
    summary: h('p', { class: 'chips', 'data-testid': 'group-summary' }),
    levels: h('p', { class: 'lit-levels', 'data-testid': 'group-levels' }),
    mode: h('p', { class: 'note', 'data-testid': 'group-mode' }),
    tonightH: h('h4', { class: 'plan-h' }),
    timeline: h('div', { class: 'timeline', 'aria-hidden': 'true' }),
    plan: h('ol', { class: 'plan', 'data-testid': 'tonight' }),
    msg: h('div', { class: 'cmd-error', role: 'status', 'data-testid': 'group-msg' }),
    lights: h('ul', { class: 'lights', 'data-testid': 'lights' }),
    rows: /** @type {Map<string, any>} */ (new Map()),
    lightIds: '',
  };
  refs.form = can('lighting.control') ? buildGroupForm(g) : null;
  const root = h(
    'article',
    { class: 'card group-card', 'data-group-id': g.id, 'aria-labelledby': headId },
    h('header', { class: 'card-head' }, h('div', { class: 'card-title' }, refs.name, refs.meta)),
    h('section', { class: 'block' }, refs.summary, refs.levels, refs.mode),
    h('section', { class: 'block' }, refs.tonightH, refs.timeline, refs.plan),
    refs.form ? h('section', { class: 'block' }, h('h4', { class: 'h5', text: t('lit.control') }), refs.form, refs.msg) : null,
    h('section', { class: 'block' }, h('h4', { class: 'h5', text: t('lit.lights') }), refs.lights),
  );
  card = { root, refs };
  cards.set(g.id, card);
  return card;
}

function levelInputs(idBase, d, testid, label) {
  const range = h('input', { id: `${idBase}-range`, type: 'range', min: 0, max: 100, step: 1, value: d.level, 'data-testid': `${testid}-range`, 'aria-label': label });
  const num = h('input', { id: idBase, type: 'number', inputmode: 'numeric', min: 0, max: 100, step: 1, value: d.level, 'data-path': 'level', 'data-testid': testid });
  range.addEventListener('input', () => {
    num.value = range.value;
    d.level = range.value;
    num.removeAttribute('aria-invalid');
  });
  num.addEventListener('input', () => {
    d.level = num.value;
    if (num.value !== '' && !Number.isNaN(Number(num.value))) range.value = String(Math.max(0, Math.min(100, Number(num.value))));
    num.removeAttribute('aria-invalid');
  });
  return { range, num };
}

function buildGroupForm(g) {
  const key = `g|${g.id}`;
  const d = draft(key, () => ({ level: '100', until: 'none', time: '', hours: '2' }));
  const base = `g-${g.id}`;
  const { range, num } = levelInputs(`${base}-level`, d, 'group-level', t('lit.levelPct'));

  const untilSel = h('select', { id: `${base}-until`, 'data-testid': 'group-until', 'data-path': 'untilIso' });
  for (const k of ['none', 'time', 'hours']) untilSel.append(h('option', { value: k, text: t(`lit.until.${k}`) }));
  untilSel.value = d.until;
  const time = h('input', { id: `${base}-time`, type: 'time', value: d.time, 'data-testid': 'group-until-time', 'data-path': 'untilIso' });
  const hours = h('input', { id: `${base}-hours`, type: 'number', inputmode: 'decimal', min: 0.25, max: 720, step: 'any', value: d.hours, 'data-testid': 'group-until-hours', 'data-path': 'untilIso' });
  const timeField = h('div', { class: 'field' }, h('label', { for: `${base}-time`, text: t('lit.untilTime') }), time);
  const hoursField = h('div', { class: 'field' }, h('label', { for: `${base}-hours`, text: t('lit.untilHours') }), hours);
  const showUntil = () => {
    timeField.hidden = d.until !== 'time';
    hoursField.hidden = d.until !== 'hours';
  };
  showUntil();
  untilSel.addEventListener('change', () => {
    d.until = untilSel.value;
    showUntil();
  });
  time.addEventListener('input', () => (d.time = time.value));
  hours.addEventListener('input', () => (d.hours = hours.value));

  const set = h('button', { type: 'submit', class: 'btn', 'data-testid': 'group-override' }, t('lit.set'));
  const resume = h('button', { type: 'button', class: 'btn btn-light', 'data-testid': 'group-resume' }, t('lit.resume'));
  const form = h(
    'form',
    { class: 'cmd-form lit-override', novalidate: true, 'data-testid': 'group-override-form' },
    h(
      'div',
      { class: 'fields' },
      h('div', { class: 'field' }, h('label', { for: `${base}-level`, text: t('lit.levelPct') }), h('div', { class: 'slider' }, range, num)),
      h('div', { class: 'field' }, h('label', { for: `${base}-until`, text: t('lit.until') }), untilSel),
      timeField,
      hoursField,
      h('small', { class: 'hint', text: t('lit.untilHint') }),
      h('div', { class: 'btn-row' }, set, resume),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void overrideGroup(g.id, form);
  });
  resume.addEventListener('click', () => void resumeTarget({ group: g.id }, key, form));
  return form;
}

/** The level typed, or undefined (with the message) when it is not a whole number 0–100. */
function typedLevel(raw) {
  const s = String(raw ?? '').trim();
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

async function overrideGroup(groupId, form) {
  const key = `g|${groupId}`;
  const d = model.drafts.get(key);
  const level = typedLevel(d.level);
  const redraw = () => updateGroup(model.groups.find((g) => g.id === groupId));
  if (level === undefined) {
    setMsg(key, localError(() => t('lit.typeLevel'), ['level']), false, redraw);
    redraw();
    return;
  }
  let until;
  if (d.until === 'time') {
    if (!/^\d{2}:\d{2}$/.test(d.time)) {
      setMsg(key, localError(() => t('lit.typeTime'), ['untilIso']), false, redraw);
      redraw();
      return;
    }
    until = nextLocalTime(d.time);
  } else if (d.until === 'hours') {
    const n = Number(String(d.hours).trim());
    if (!(n > 0)) {
      setMsg(key, localError(() => t('lit.typeHours'), ['untilIso']), false, redraw);
      redraw();
      return;
    }
    until = serverNow() + n * 3600_000;
  }
  await sendOverride({ group: groupId }, level, until, key, form, redraw);
}

async function sendOverride(target, level, until, key, form, redraw) {
  if (model.busy.has(key)) return;
  model.busy.add(key);
  redraw();
  const body = { ...target, level, ...(until !== undefined && { untilIso: new Date(until).toISOString() }) };
  const res = await request('POST', '/api/lighting/overrides', body);
  model.busy.delete(key);
  const name = target.group ? groupName(target.group) : lightName(target.device);
  if (res.ok) {
    const fn =
      level === null
        ? () => ({ kind: 'ok', title: t('lit.sentResume', { target: name }), lines: [t('lit.sentNote')] })
        : until !== undefined
          ? () => ({ kind: 'ok', title: t('lit.sentUntil', { target: name, level: pct(level), time: fmtTime(until) }), lines: [t('lit.sentNote')] })
          : () => ({ kind: 'ok', title: t('lit.sent', { target: name, level: pct(level) }), lines: [t('lit.sentNote')] });
    setMsg(key, fn, true, redraw);
  } else setMsg(key, apiError(res), false, redraw);
  redraw();
  if (form) markInvalid(form, model.msgs.get(key));
  refreshSoon();
}

async function resumeTarget(target, key, form) {
  const redraw = () => {
    for (const g of model.groups) updateGroup(g);
  };
  await sendOverride(target, null, undefined, key, form, redraw);
}

function chip(kind, n) {
  return h('span', { class: `chip chip-${kind} ${n ? '' : 'is-zero'}`, 'data-count': kind, text: t(`lit.count.${kind}`, { n }) });
}

function updateGroup(g) {
  if (!g) return;
  const card = cards.get(g.id);
  if (!card) return;
  const { refs } = card;
  const lights = g.lights ?? [];
  setText(refs.name, g.name);
  const cal = g.calendar ? t('lit.calendarOf', { name: programName(g.calendar.default) }) : t('lit.calendarOf', { name: t('lit.noCalendar') });
  setText(refs.meta, `${t('lit.lightCount', { n: lights.length })} · ${cal}`);

  // The lights, in one word each: the counts add up to the group's size.
  const counts = { on: 0, off: 0, failed: 0, offline: 0, unknown: 0 };
  for (const l of lights) counts[lightStatus(l)]++;
  refs.summary.replaceChildren(
    chip('on', counts.on),
    chip('off', counts.off),
    chip('failed', counts.failed),
    chip('offline', counts.offline),
    ...(counts.unknown ? [chip('unknown', counts.unknown)] : []),
  );
  for (const [k, v] of Object.entries(counts)) refs.summary.dataset[k] = String(v);

  // The levels the lights reported, most common first.
  const byLevel = new Map();
  for (const l of lights) if (l.state && typeof l.state.level === 'number') byLevel.set(l.state.level, (byLevel.get(l.state.level) ?? 0) + 1);
  const levels = [...byLevel.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  setText(
    refs.levels,
    levels.length ? t('lit.reportedLevels', { list: levels.map(([lv, n]) => (n > 1 ? t('lit.times', { level: pct(lv), n }) : pct(lv))).join(', ') }) : t('lit.noReports'),
  );
  refs.levels.dataset.levels = levels.map(([lv]) => lv).join(',');

  const ov = model.overrides.find((o) => o.target?.group === g.id && o.level !== null && (o.until === undefined || o.until > serverNow()));
  setText(
    refs.mode,
    ov ? (ov.until !== undefined ? t('lit.groupOverrideUntil', { level: pct(ov.level), time: fmtTime(ov.until) }) : t('lit.groupOverride', { level: pct(ov.level) })) : t('lit.groupOnProgram'),
  );
  refs.mode.dataset.mode = ov ? 'override' : 'program';

  renderTonight(g, refs);

  // Controls.
  const key = `g|${g.id}`;
  const busy = model.busy.has(key);
  for (const b of refs.form?.querySelectorAll('button') ?? []) {
    /** @type {HTMLButtonElement} */ (b).disabled = busy;
    b.setAttribute('aria-busy', String(busy));
  }
  showMsg(refs.msg, model.msgs.get(key));

  // Light rows: rebuilt only when the group's lights change, else updated in place.
  const ids = lights.map((l) => l.id).join();
  if (ids !== refs.lightIds) {
    refs.lightIds = ids;
    refs.rows.clear();
    refs.lights.replaceChildren(...lights.map((l) => lightRow(g, l, refs.rows).root));
  }
  for (const l of lights) updateLight(g, l, refs.rows.get(l.id));
}

function renderTonight(g, refs) {
  const tonight = g.tonight;
  if (!tonight) {
    setText(refs.tonightH, t('lit.tonight', { name: '—' }));
    refs.timeline.hidden = true;
    refs.plan.replaceChildren(h('li', { class: 'note', text: t('lit.noTonight') }));
    refs.plan.dataset.program = '';
    return;
  }
  setText(refs.tonightH, t('lit.tonight', { name: tonight.name ?? programName(tonight.program) }));
  refs.plan.dataset.program = tonight.program;
  const steps = (tonight.steps ?? []).map((s) => ({ ...s, ms: Date.parse(s.at) })).filter((s) => !Number.isNaN(s.ms));
  const now = serverNow();
  let current = -1;
  steps.forEach((s, i) => {
    if (s.ms <= now) current = i;
  });
  refs.plan.replaceChildren(
    ...steps.map((s, i) =>
      h(
        'li',
        { class: `plan-step ${i === current ? 'is-now' : ''}`, 'data-testid': 'tonight-step', 'data-at': s.at, 'data-level': s.level },
        h('time', { datetime: s.at, class: 'plan-time', text: fmtHm(s.ms) }),
        h('span', { class: 'plan-level', text: pct(s.level) }),
        s.step?.astro ? h('span', { class: 'plan-when', text: whenText(s.step) }) : null,
        i === current ? h('span', { class: 'badge badge-on', text: t('lit.now') }) : null,
      ),
    ),
  );
  renderTimeline(refs.timeline, steps, now);
}

/** A noon-to-noon bar: each stretch shaded by its level, with the hours and a mark at now. */
function renderTimeline(el, steps, now) {
  const { from, to } = currentNight();
  const span = to - from;
  if (!steps.length || !(span > 0)) {
    el.hidden = true;
    return;
  }
  el.hidden = false;
  el.title = t('lit.timelineLabel');
  const segs = [];
  // Before the first step, the last one (of the night before) is in force.
  let level = steps[steps.length - 1].level;
  let at = from;
  for (const s of steps) {
    const ms = Math.max(from, Math.min(to, s.ms));
    if (ms > at) segs.push({ w: ms - at, level });
    at = Math.max(at, ms);
    level = s.level;
  }
  if (to > at) segs.push({ w: to - at, level });
  const ticks = [];
  const p = siteParts(from);
  for (const [dd, hh] of [
    [0, 18],
    [1, 0],
    [1, 6],
  ]) {
    const ms = siteTimeToMs(p.year, p.month, p.day + dd, hh, 0);
    ticks.push(h('span', { class: 'tick', style: { left: `${(((ms - from) / span) * 100).toFixed(2)}%` }, text: `${String(hh).padStart(2, '0')}:00` }));
  }
  const bars = h(
    'div',
    { class: 'tl-bars' },
    ...segs.map((s) => h('span', { class: 'tl-seg', style: { 'flex-grow': s.w, '--a': (0.12 + 0.88 * (s.level / 100)).toFixed(2) }, 'data-level': s.level })),
  );
  if (now >= from && now < to) bars.append(h('span', { class: 'tl-now', style: { left: `${(((now - from) / span) * 100).toFixed(2)}%` } }));
  el.replaceChildren(bars, h('div', { class: 'tl-ticks' }, ...ticks));
}

function lightRow(g, l, rows) {
  const key = `${g.id}|${l.id}`;
  const d = draft(key, () => ({ level: '100', hours: '' }));
  const base = `l-${g.id}-${l.id}`;
  const refs = {
    name: h('strong', { class: 'light-name' }),
    avail: h('span', { class: 'avail' }),
    level: h('strong', { class: 'light-level', 'data-testid': 'light-reported' }),
    mode: h('span', { class: 'light-mode', 'data-testid': 'light-mode' }),
    facts: h('span', { class: 'light-facts' }),
    wanted: h('p', { class: 'note light-wanted', 'data-testid': 'light-wanted' }),
    msg: h('div', { class: 'cmd-error', role: 'status', 'data-testid': 'light-msg' }),
  };
  const num = h('input', { id: base, type: 'number', inputmode: 'numeric', min: 0, max: 100, step: 1, value: d.level, class: 'level-input', 'data-path': 'level', 'data-testid': `light-level-${l.id}` });
  num.addEventListener('input', () => {
    d.level = num.value;
    num.removeAttribute('aria-invalid');
  });
  const hours = h('select', { id: `${base}-until`, 'data-testid': `light-until-${l.id}` });
  hours.append(h('option', { value: '', text: t('lit.until.none') }), ...LIGHT_HOURS.map((n) => h('option', { value: String(n), text: t('lit.until.h', { n }) })));
  hours.value = d.hours;
  hours.addEventListener('change', () => (d.hours = hours.value));
  const set = h('button', { type: 'submit', class: 'btn btn-small', 'data-testid': `light-override-${l.id}` }, t('lit.setShort'));
  const resume = h('button', { type: 'button', class: 'btn btn-light btn-small', 'data-testid': `light-resume-${l.id}` }, t('lit.resume'));
  const numLabel = h('label', { for: base, class: 'sr' });
  const hoursLabel = h('label', { for: `${base}-until`, class: 'sr' });
  const form = can('lighting.control') ? h('form', { class: 'light-ctl', novalidate: true }, numLabel, num, h('span', { class: 'unit', 'aria-hidden': 'true', text: '%' }), hoursLabel, hours, set, resume) : null;
  const redraw = () => {
    const gg = model.groups.find((x) => x.id === g.id);
    const ll = gg?.lights?.find((x) => x.id === l.id);
    if (gg && ll) updateLight(gg, ll, rows.get(l.id));
  };
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    const level = typedLevel(d.level);
    if (level === undefined) {
      setMsg(key, localError(() => t('lit.typeLevel'), ['level']), false, redraw);
      redraw();
      markInvalid(form, model.msgs.get(key));
      return;
    }
    const until = d.hours ? serverNow() + Number(d.hours) * 3600_000 : undefined;
    void sendOverride({ device: l.id }, level, until, key, form, redraw);
  });
  resume.addEventListener('click', () => void sendOverride({ device: l.id }, null, undefined, key, form, redraw));
  const root = h(
    'li',
    { class: 'light', 'data-light-id': l.id },
    h('div', { class: 'light-main' }, refs.name, refs.avail, refs.level, refs.mode),
    refs.facts,
    refs.wanted,
    form,
    refs.msg,
  );
  const row = { root, refs, form, numLabel, hoursLabel, key };
  rows.set(l.id, row);
  return row;
}

function updateLight(g, l, row) {
  if (!row) return;
  const { refs, root } = row;
  const name = l.name ?? l.id;
  const availability = l.availability ?? 'unknown';
  const state = l.state;
  const level = state && typeof state.level === 'number' ? state.level : undefined;
  root.dataset.availability = availability;
  root.dataset.level = level === undefined ? '' : String(level);
  root.dataset.mode = state?.mode ?? '';
  root.dataset.status = lightStatus(l);
  setText(refs.name, name);
  refs.avail.className = `avail avail-${availability}`;
  setText(refs.avail, `${availability === 'online' ? '●' : availability === 'offline' ? '○' : '?'} ${t(`avail.${availability}`)}`);
  setText(refs.level, level === undefined ? t('lit.noState') : pct(level));
  refs.level.classList.toggle('is-on', !!level);
  let mode = '';
  if (state?.mode === 'override') mode = state.overrideUntil ? t('lit.mode.overrideUntil', { time: fmtTime(state.overrideUntil) }) : t('lit.mode.override');
  else if (state?.mode === 'program') mode = t('lit.mode.program');
  setText(refs.mode, mode);

  // Power, meter and faults as the light reported them, plus faults the controller raised.
  const facts = [];
  const tel = l.telemetry;
  if (tel && typeof tel.powerW === 'number') facts.push(h('span', { text: t('lit.power', { w: withUnit(fmtNum(tel.powerW, 1), 'W') }) }));
  if (tel && typeof tel.energyKwh === 'number') facts.push(h('span', { text: t('lit.meter', { kwh: kwh(tel.energyKwh) }) }));
  for (const k of faultsOf(l)) facts.push(h('span', { class: 'fault', 'data-fault': k, text: kindText(k) }));
  if (availability === 'offline' && level !== undefined) facts.push(h('span', { class: 'note stale', text: t('staleState') }));
  refs.facts.replaceChildren(...facts.flatMap((f, i) => (i ? [' · ', f] : [f])));

  // What the controller wants, only while the light has not reported it.
  const want = l.desired;
  const differs = want && typeof want.level === 'number' && want.level !== level;
  refs.wanted.hidden = !differs;
  if (differs) setText(refs.wanted, t('lit.wanted', { level: pct(want.level), source: t(`lit.source.${want.source}`) }));

  setText(row.numLabel, t('lit.lightLevel', { name }));
  setText(row.hoursLabel, t('lit.lightUntil', { name }));
  const busy = model.busy.has(row.key);
  for (const b of row.form?.querySelectorAll('button') ?? []) /** @type {HTMLButtonElement} */ (b).disabled = busy;
  showMsg(refs.msg, model.msgs.get(row.key));
}

// ---------------------------------------------------------------- energy

function figure(key, label, value, extra) {
  return h('div', { class: 'kv-row', 'data-key': key }, h('dt', { text: label }), h('dd', {}, value, extra ? h('small', { class: 'calc', text: ` ${extra}` }) : null));
}

function savedText(x) {
  const saved = Number(x.savedKwh);
  const p = Number(x.baselineKwh) > 0 ? ` (${pct(x.savedPct)})` : '';
  return `${saved < 0 ? '−' : ''}${kwh(Math.abs(saved))}${p}`;
}

function renderEnergy() {
  const night = model.energyNight;
  if (!night) return;
  const input = /** @type {HTMLInputElement} */ ($('#energy-night'));
  if (input.value !== night) input.value = night;
  input.max = dayKey(new Date(serverNow()));
  setText($('#energy-window'), t('lit.energy.window', { date: fmtLocalDate(night), next: fmtLocalDate(addDays(night, 1)) }));
  const body = $('#energy-body');
  const e = model.energy;
  body.dataset.state = e === undefined ? 'loading' : e ? 'data' : 'none';
  if (e === undefined) {
    body.replaceChildren(h('p', { class: 'note', text: t('loading') }));
    return;
  }
  const none = h('p', { class: 'empty', 'data-testid': 'energy-empty', text: t('lit.energy.none', { date: fmtLocalDate(night) }) });
  if (model.energyError) {
    const box = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'energy-error' });
    showMsg(box, model.energyError);
    body.replaceChildren(box, none);
    return;
  }
  const lights = Array.isArray(e?.lights) ? e.lights : (e?.groups ?? []).flatMap((g) => g.lights ?? []);
  const groups = Array.isArray(e?.groups) ? e.groups : [];
  if (!e || (!lights.length && !groups.length)) {
    body.replaceChildren(none);
    return;
  }
  const byLight = new Map(lights.map((l) => [l.deviceId, l]));
  const defs = h(
    'ul',
    { class: 'defs', 'data-testid': 'energy-definition' },
    h('li', { text: t('lit.energy.defKwh') }),
    h('li', { text: t('lit.energy.defBaseline') }),
    h('li', { text: t('lit.energy.defSaved') }),
  );
  const blocks = groups.map((ge) => {
    const g = model.groups.find((x) => x.id === ge.id);
    const members = (g?.devices ?? (ge.lights ?? []).map((l) => l.deviceId)).map((id) => byLight.get(id) ?? (ge.lights ?? []).find((l) => l.deviceId === id)).filter(Boolean);
    return h(
      'article',
      { class: 'energy-group', 'data-energy-group': ge.id },
      h('h3', { class: 'dev-name', text: g?.name ?? ge.id }),
      h(
        'dl',
        { class: 'kv' },
        figure('kwh', t('lit.energy.kwh'), kwh(ge.kwh)),
        figure('baseline', t('lit.energy.baseline'), kwh(ge.baselineKwh)),
        figure('saved', t('lit.energy.saved'), savedText(ge), t('lit.energy.calc', { baseline: fmtNum(Number(ge.baselineKwh), 2), kwh: fmtNum(Number(ge.kwh), 2) })),
      ),
      usageBar(ge),
      members.length ? lightTable(members) : null,
    );
  });
  const loose = groups.length ? [] : [lightTable(lights)];
  body.replaceChildren(defs, ...blocks, ...loose);
}

/** How much of the full-power energy was used, as a bar (the text says the same). */
function usageBar(x) {
  const base = Number(x.baselineKwh);
  if (!(base > 0)) return null;
  const used = Math.max(0, Math.min(1, Number(x.kwh) / base));
  const label = t('lit.energy.bar', { pct: pct(used * 100) });
  return h('div', { class: 'usage', title: label }, h('span', { class: 'usage-fill', style: { width: `${(used * 100).toFixed(1)}%` } }), h('span', { class: 'sr', text: label }));
}

function lightTable(list) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'energy-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: t('lit.energy.light') }),
          h('th', { scope: 'col', text: t('lit.energy.kwh') }),
          h('th', { scope: 'col', text: t('lit.energy.baseline') }),
          h('th', { scope: 'col', text: t('lit.energy.saved') }),
          h('th', { scope: 'col', text: t('lit.energy.onHours') }),
        ),
      ),
      h(
        'tbody',
        {},
        ...list.map((l) =>
          h(
            'tr',
            { 'data-energy-light': l.deviceId },
            h('th', { scope: 'row', text: lightName(l.deviceId) }),
            h('td', { text: kwh(l.kwh) }),
            h('td', { text: kwh(l.baselineKwh) }),
            h('td', { text: savedText(l) }),
            h('td', { text: withUnit(fmtNum(Number(l.onHours ?? 0), 1), t('unit.h')) }),
          ),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- programs: the list

function usesOf(programId) {
  const out = [];
  for (const g of model.groups) {
    const c = g.calendar;
    if (!c) continue;
    if (c.default === programId) out.push(t('lit.asDefault', { name: g.name }));
    else if ((c.rules ?? []).some((r) => r.program === programId)) out.push(g.name);
  }
  return out;
}

function renderPrograms() {
  const list = $('#program-list');
  if (model.programs.length === 0) list.replaceChildren(h('li', { class: 'empty', text: t('lit.noPrograms') }));
  else list.replaceChildren(...model.programs.map(programItem));
  showMsg($('#program-list-error'), model.listMsg);
}

function programItem(p) {
  const uses = usesOf(p.id);
  const edit = h('button', { type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'program-edit' }, t('lit.edit'));
  edit.addEventListener('click', () => openEditor(p));
  const del = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'program-delete' }, t('lit.delete'));
  del.addEventListener('click', () => void deleteProgram(p));
  return h(
    'li',
    { class: 'program', 'data-program-id': p.id },
    h('div', { class: 'program-head' }, h('h3', { class: 'dev-name', text: p.name })),
    h(
      'ol',
      { class: 'plan', 'data-testid': 'program-steps' },
      ...(p.steps ?? []).map((s) => h('li', { class: 'plan-step' }, h('span', { class: 'plan-time', text: whenText(s) }), h('span', { class: 'plan-level', text: pct(s.level) }))),
    ),
    h('p', { class: 'note', text: uses.length ? t('lit.usedBy', { list: uses.join(', ') }) : t('lit.unused') }),
    h('p', { class: 'note' }, h('code', { text: p.id })),
    can('lighting.control') ? h('div', { class: 'btn-row' }, edit, del) : null,
  );
}

async function deleteProgram(p) {
  if (!window.confirm(t('lit.confirmDelete', { name: p.name }))) return;
  const res = await request('DELETE', `/api/lighting/programs/${encodeURIComponent(p.id)}`);
  model.listMsg = res.ok ? null : apiError(res);
  if (res.ok && model.editor?.id === p.id && model.editor.mode === 'edit') closeEditor();
  try {
    await loadPrograms();
  } catch {
    renderPrograms();
  }
}

// ---------------------------------------------------------------- programs: the editor

function stepDraft(s) {
  if (s.at) return { type: 'at', at: s.at, offset: '0', level: String(s.level) };
  return { type: s.astro, at: '18:00', offset: String(s.offsetMin ?? 0), level: String(s.level) };
}

function newDraft() {
  return {
    mode: 'create',
    id: '',
    idTouched: false,
    name: '',
    steps: [
      { type: 'sunset', at: '18:00', offset: '-10', level: '100' },
      { type: 'at', at: '23:00', offset: '0', level: '50' },
      { type: 'sunrise', at: '06:00', offset: '10', level: '0' },
    ],
  };
}

function openEditor(p) {
  model.editor = p ? { mode: 'edit', id: p.id, idTouched: true, name: p.name, steps: (p.steps ?? []).map(stepDraft) } : newDraft();
  model.editorError = null;
  renderEditor();
  /** @type {HTMLElement | null} */ (document.querySelector('#program-form-h'))?.focus();
}

function closeEditor() {
  model.editor = null;
  model.editorError = null;
  renderEditor();
}

/** Up, down and remove buttons for item i of a list, with the editor redrawn after. */
function rowTools(list, i, labels, rerender, focusFirst, min) {
  const move = (delta) => {
    const j = i + delta;
    [list[i], list[j]] = [list[j], list[i]];
    rerender(focusFirst(j));
  };
  const up = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': labels.up, title: labels.up, disabled: i === 0 }, '↑');
  up.addEventListener('click', () => move(-1));
  const down = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': labels.down, title: labels.down, disabled: i === list.length - 1 }, '↓');
  down.addEventListener('click', () => move(1));
  const rm = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': labels.remove, disabled: list.length <= min }, t('lit.form.remove'));
  rm.addEventListener('click', () => {
    list.splice(i, 1);
    rerender(labels.afterRemove);
  });
  return h('div', { class: 'step-tools' }, up, down, rm);
}

function renderEditor() {
  const host = $('#program-editor');
  const d = model.editor;
  $('#program-new').hidden = !!d || !can('lighting.control');
  if (!d) {
    host.replaceChildren();
    return;
  }
  const form = h('form', { class: 'program-form', novalidate: true, 'data-testid': 'program-form', 'aria-labelledby': 'program-form-h' });
  const title = h('h3', { id: 'program-form-h', tabindex: '-1', text: d.mode === 'create' ? t('lit.form.create') : t('lit.form.editTitle', { name: d.name }) });
  const rerender = (focusSel) => {
    renderEditor();
    if (focusSel) /** @type {HTMLElement | null} */ (document.querySelector(focusSel))?.focus();
  };

  const idInput = h('input', { id: 'pf-id', type: 'text', value: d.id, autocomplete: 'off', spellcheck: 'false', 'data-path': 'id', 'data-testid': 'program-id', 'aria-describedby': 'pf-id-hint', readonly: d.mode === 'edit' });
  const nameInput = h('input', { id: 'pf-name', type: 'text', value: d.name, autocomplete: 'off', 'data-path': 'name', 'data-testid': 'program-name' });
  nameInput.addEventListener('input', () => {
    d.name = nameInput.value;
    if (d.mode === 'create' && !d.idTouched) {
      d.id = slug(d.name);
      idInput.value = d.id;
    }
  });
  idInput.addEventListener('input', () => {
    d.id = idInput.value;
    d.idTouched = true;
  });
  const basics = h(
    'div',
    { class: 'fs plain' },
    h('div', { class: 'field grow' }, h('label', { for: 'pf-name', text: t('lit.form.name') }), nameInput),
    h(
      'div',
      { class: 'field grow' },
      h('label', { for: 'pf-id', text: t('lit.form.id') }),
      idInput,
      h('small', { id: 'pf-id-hint', class: 'hint', text: d.mode === 'create' ? t('lit.form.idHint') : t('lit.form.idFixed') }),
    ),
  );

  const steps = h('fieldset', { class: 'fs', 'data-path': 'steps' }, h('legend', { text: t('lit.form.steps') }));
  d.steps.forEach((s, i) => {
    const n = i + 1;
    const kind = h('select', { id: `pf-step-kind-${i}`, 'data-testid': `program-step-kind-${i}`, 'data-path': `steps.${i}` });
    for (const k of ['at', 'sunset', 'sunrise']) kind.append(h('option', { value: k, text: t(`lit.form.kind.${k}`) }));
    kind.value = s.type;
    kind.addEventListener('change', () => {
      s.type = kind.value;
      rerender(`#pf-step-kind-${i}`);
    });
    const row = h('div', { class: 'row', 'data-testid': 'program-step' }, h('span', { class: 'step-n', 'aria-hidden': 'true', text: `${n}.` }), h('div', { class: 'field' }, h('label', { for: `pf-step-kind-${i}`, text: t('lit.form.stepKind', { n }) }), kind));
    if (s.type === 'at') {
      const at = h('input', { id: `pf-step-at-${i}`, type: 'time', value: s.at, 'data-path': `steps.${i}.at`, 'data-testid': `program-step-at-${i}` });
      at.addEventListener('input', () => (s.at = at.value));
      row.append(h('div', { class: 'field' }, h('label', { for: `pf-step-at-${i}`, text: t('lit.form.time') }), at));
    } else {
      const off = h('input', { id: `pf-step-offset-${i}`, type: 'number', inputmode: 'numeric', min: -180, max: 180, step: 1, value: s.offset, 'data-path': `steps.${i}.offsetMin`, 'data-testid': `program-step-offset-${i}` });
      off.addEventListener('input', () => (s.offset = off.value));
      row.append(h('div', { class: 'field' }, h('label', { for: `pf-step-offset-${i}`, text: t('lit.form.offset') }), off));
    }
    const level = h('input', { id: `pf-step-level-${i}`, type: 'number', inputmode: 'numeric', min: 0, max: 100, step: 1, value: s.level, 'data-path': `steps.${i}.level`, 'data-testid': `program-step-level-${i}` });
    level.addEventListener('input', () => (s.level = level.value));
    row.append(
      h('div', { class: 'field' }, h('label', { for: `pf-step-level-${i}`, text: t('lit.form.level') }), level),
      rowTools(d.steps, i, { up: t('lit.form.moveUp', { n }), down: t('lit.form.moveDown', { n }), remove: t('lit.form.removeStep', { n }), afterRemove: '#pf-add-step' }, rerender, (j) => `#pf-step-kind-${j}`, 1),
    );
    steps.append(row);
  });
  const addStep = h('button', { id: 'pf-add-step', type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'program-add-step', disabled: d.steps.length >= MAX_STEPS }, t('lit.form.addStep'));
  addStep.addEventListener('click', () => {
    d.steps.push({ type: 'at', at: '22:00', offset: '0', level: '50' });
    rerender(`#pf-step-kind-${d.steps.length - 1}`);
  });
  steps.append(h('div', { class: 'btn-row' }, addStep), h('small', { class: 'hint', text: t('lit.form.stepsHint', { n: MAX_STEPS }) }));

  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'program-error' });
  const save = h('button', { type: 'submit', class: 'btn', 'data-testid': 'program-save', disabled: model.busy.has('program') }, t('lit.form.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-light', 'data-testid': 'program-cancel' }, t('lit.form.cancel'));
  cancel.addEventListener('click', () => {
    closeEditor();
    $('#program-new').focus();
  });
  form.append(title, basics, steps, err, h('div', { class: 'btn-row' }, save, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveProgram();
  });
  host.replaceChildren(form);
  showMsg(err, model.editorError);
  markInvalid(form, model.editorError);
}

const num = (s) => (String(s ?? '').trim() === '' ? undefined : Number(s));

function programBody(d) {
  return {
    name: d.name,
    steps: d.steps.map((s) => (s.type === 'at' ? { at: s.at, level: num(s.level) } : { astro: s.type, offsetMin: num(s.offset) ?? 0, level: num(s.level) })),
  };
}

async function saveProgram() {
  const d = model.editor;
  if (!d || model.busy.has('program')) return;
  const id = d.id.trim();
  if (!id) {
    model.editorError = localError(() => `${t('lit.form.id')}: ${t('lit.form.idMissing')}`, ['id']);
    renderEditor();
    return;
  }
  if (d.mode === 'create' && model.programs.some((p) => p.id === id)) {
    model.editorError = localError(() => `${t('lit.form.id')}: ${t('lit.form.idTaken', { id })}`, ['id']);
    renderEditor();
    return;
  }
  model.busy.add('program');
  renderEditor();
  const res = await request('PUT', `/api/lighting/programs/${encodeURIComponent(id)}`, programBody(d));
  model.busy.delete('program');
  if (res.ok) {
    const name = res.body?.name ?? d.name;
    closeEditor();
    try {
      await loadPrograms();
    } catch {
      // the list refreshes later
    }
    const saved = () => ({ kind: 'ok', title: t('lit.form.saved', { name }), lines: [] });
    model.listMsg = saved;
    renderPrograms();
    setTimeout(() => {
      if (model.listMsg !== saved) return;
      model.listMsg = null;
      renderPrograms();
    }, OK_SHOWN_MS);
    const head = /** @type {HTMLElement | null} */ (document.querySelector(`#program-list [data-program-id="${CSS.escape(id)}"] h3`));
    head?.setAttribute('tabindex', '-1');
    head?.focus();
    refreshSoon();
    return;
  }
  model.editorError = apiError(res);
  renderEditor();
  /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="program-error"]'))?.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------- calendars

function ruleWhen(r) {
  if (r.kind === 'weekdays') {
    const days = [...(r.days ?? [])].sort((a, b) => a - b);
    return days.length === 7 ? t('lit.cal.everyDay') : days.map((x) => t(`irr.day.${x}`)).join(', ');
  }
  if (r.kind === 'dates') return r.from === r.to ? dayFromApi(r.from) : t('lit.cal.range', { from: dayFromApi(r.from), to: dayFromApi(r.to) });
  if (r.kind === 'lunar') return t('lit.cal.lunar', { day: r.day, month: r.month, n: r.days ?? 1 });
  return r.kind;
}

function renderCalendars() {
  const list = $('#calendar-list');
  list.replaceChildren(
    ...model.groups.map((g) => {
      const c = g.calendar;
      const edit = h('button', { type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'calendar-edit' }, c ? t('lit.cal.edit') : t('lit.cal.create'));
      edit.addEventListener('click', () => openCalendar(g));
      return h(
        'li',
        { class: 'program', 'data-calendar-group': g.id },
        h('div', { class: 'program-head' }, h('h3', { class: 'dev-name', text: g.name })),
        c
          ? h(
              'ol',
              { class: 'rules' },
              ...(c.rules ?? []).map((r) => h('li', { 'data-kind': r.kind, text: t('lit.cal.rule', { when: ruleWhen(r), program: programName(r.program) }) })),
              h('li', { class: 'rule-default', text: t('lit.cal.otherNights', { name: programName(c.default) }) }),
            )
          : h('p', { class: 'note', text: t('lit.cal.none') }),
        can('lighting.control') ? h('div', { class: 'btn-row' }, edit) : null,
      );
    }),
  );
  if (!model.groups.length) list.replaceChildren(h('li', { class: 'empty', text: t('lit.noGroups') }));
  showMsg($('#calendar-list-error'), model.calMsg);
}

function ruleDraft(r) {
  const first = model.programs[0]?.id ?? '';
  const base = { kind: 'weekdays', days: [6, 7], from: '', to: '', month: '1', day: '1', nights: '3', program: first };
  if (!r) return base;
  if (r.kind === 'weekdays') return { ...base, kind: r.kind, days: [...r.days], program: r.program };
  if (r.kind === 'dates') return { ...base, kind: r.kind, from: dayFromApi(r.from), to: dayFromApi(r.to), program: r.program };
  return { ...base, kind: 'lunar', month: String(r.month), day: String(r.day), nights: String(r.days ?? 1), program: r.program };
}

function openCalendar(g) {
  if (!model.programs.length) {
    model.calMsg = localError(() => t('lit.cal.needProgram'));
    renderCalendars();
    return;
  }
  model.calMsg = null;
  const c = g.calendar;
  model.calEditor = { group: g.id, rules: (c?.rules ?? []).map(ruleDraft), def: c?.default ?? model.programs[0].id };
  model.calError = null;
  renderCalendars();
  renderCalendarEditor();
  /** @type {HTMLElement | null} */ (document.querySelector('#calendar-form-h'))?.focus();
}

function closeCalendar() {
  model.calEditor = null;
  model.calError = null;
  renderCalendarEditor();
}

function programSelect(id, value, path, testid) {
  const sel = h('select', { id, 'data-path': path, 'data-testid': testid });
  for (const p of model.programs) sel.append(h('option', { value: p.id, text: p.name }));
  if (value && !model.programs.some((p) => p.id === value)) sel.append(h('option', { value, text: value }));
  sel.value = value;
  return sel;
}

function renderCalendarEditor() {
  const host = $('#calendar-editor');
  const d = model.calEditor;
  if (!d) {
    host.replaceChildren();
    return;
  }
  const form = h('form', { class: 'program-form', novalidate: true, 'data-testid': 'calendar-form', 'data-group': d.group, 'aria-labelledby': 'calendar-form-h' });
  const title = h('h3', { id: 'calendar-form-h', tabindex: '-1', text: t('lit.cal.title', { name: groupName(d.group) }) });
  const rerender = (focusSel) => {
    renderCalendarEditor();
    if (focusSel) /** @type {HTMLElement | null} */ (document.querySelector(focusSel))?.focus();
  };

  const rules = h('fieldset', { class: 'fs', 'data-path': 'rules' }, h('legend', { text: t('lit.cal.rules') }));
  d.rules.forEach((r, i) => {
    const n = i + 1;
    const kind = h('select', { id: `cf-kind-${i}`, 'data-testid': `calendar-rule-kind-${i}`, 'data-path': `rules.${i}` });
    for (const k of ['weekdays', 'dates', 'lunar']) kind.append(h('option', { value: k, text: t(`lit.cal.kind.${k}`) }));
    kind.value = r.kind;
    kind.addEventListener('change', () => {
      r.kind = kind.value;
      rerender(`#cf-kind-${i}`);
    });
    const row = h('div', { class: 'row', 'data-testid': 'calendar-rule' }, h('span', { class: 'step-n', 'aria-hidden': 'true', text: `${n}.` }), h('div', { class: 'field' }, h('label', { for: `cf-kind-${i}`, text: t('lit.cal.ruleKind', { n }) }), kind));
    if (r.kind === 'weekdays') {
      const days = h('fieldset', { class: 'days', 'data-path': `rules.${i}.days` }, h('legend', { text: t('lit.cal.days') }));
      for (let x = 1; x <= 7; x++) {
        const box = h('input', { id: `cf-day-${i}-${x}`, type: 'checkbox', value: x, 'data-testid': `calendar-rule-day-${i}-${x}` });
        box.checked = r.days.includes(x);
        box.addEventListener('change', () => {
          r.days = box.checked ? [...new Set([...r.days, x])].sort((a, b) => a - b) : r.days.filter((y) => y !== x);
        });
        days.append(h('span', { class: 'day' }, box, h('label', { for: `cf-day-${i}-${x}`, title: t(`irr.dayLong.${x}`), text: t(`irr.day.${x}`) })));
      }
      row.append(days);
    } else if (r.kind === 'dates') {
      const from = h('input', { id: `cf-from-${i}`, type: 'text', inputmode: 'numeric', placeholder: '30/04', value: r.from, size: 10, 'data-path': `rules.${i}.from`, 'data-testid': `calendar-rule-from-${i}`, 'aria-describedby': `cf-date-hint-${i}` });
      from.addEventListener('input', () => (r.from = from.value));
      const to = h('input', { id: `cf-to-${i}`, type: 'text', inputmode: 'numeric', placeholder: '01/05', value: r.to, size: 10, 'data-path': `rules.${i}.to`, 'data-testid': `calendar-rule-to-${i}`, 'aria-describedby': `cf-date-hint-${i}` });
      to.addEventListener('input', () => (r.to = to.value));
      row.append(
        h('div', { class: 'field' }, h('label', { for: `cf-from-${i}`, text: t('lit.cal.from') }), from),
        h('div', { class: 'field' }, h('label', { for: `cf-to-${i}`, text: t('lit.cal.to') }), to),
        h('small', { id: `cf-date-hint-${i}`, class: 'hint', text: t('lit.cal.dateHint') }),
      );
    } else {
      const numField = (key, label, min, max, path) => {
        const input = h('input', { id: `cf-${key}-${i}`, type: 'number', inputmode: 'numeric', min, max, step: 1, value: r[key], 'data-path': `rules.${i}.${path}`, 'data-testid': `calendar-rule-${key}-${i}` });
        input.addEventListener('input', () => (r[key] = input.value));
        return h('div', { class: 'field' }, h('label', { for: `cf-${key}-${i}`, text: t(label) }), input);
      };
      row.append(numField('day', 'lit.cal.lunarDay', 1, 30, 'day'), numField('month', 'lit.cal.lunarMonth', 1, 12, 'month'), numField('nights', 'lit.cal.lunarDays', 1, 15, 'days'));
    }
    const prog = programSelect(`cf-program-${i}`, r.program, `rules.${i}.program`, `calendar-rule-program-${i}`);
    prog.addEventListener('change', () => (r.program = prog.value));
    row.append(
      h('div', { class: 'field' }, h('label', { for: `cf-program-${i}`, text: t('lit.cal.program') }), prog),
      rowTools(d.rules, i, { up: t('lit.cal.moveUp', { n }), down: t('lit.cal.moveDown', { n }), remove: t('lit.cal.removeRule', { n }), afterRemove: '#cf-add-rule' }, rerender, (j) => `#cf-kind-${j}`, 0),
    );
    rules.append(row);
  });
  const add = h('button', { id: 'cf-add-rule', type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'calendar-add-rule', disabled: d.rules.length >= MAX_RULES }, t('lit.cal.addRule'));
  add.addEventListener('click', () => {
    d.rules.push(ruleDraft(null));
    rerender(`#cf-kind-${d.rules.length - 1}`);
  });
  rules.append(h('div', { class: 'btn-row' }, add), h('small', { class: 'hint', text: t('lit.cal.hint') }));

  const def = programSelect('cf-default', d.def, 'default', 'calendar-default');
  def.addEventListener('change', () => (d.def = def.value));
  const defBox = h('div', { class: 'fs plain' }, h('div', { class: 'field' }, h('label', { for: 'cf-default', text: t('lit.cal.default') }), def));

  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'calendar-error' });
  const save = h('button', { type: 'submit', class: 'btn', 'data-testid': 'calendar-save', disabled: model.busy.has('calendar') }, t('lit.cal.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-light', 'data-testid': 'calendar-cancel' }, t('lit.form.cancel'));
  cancel.addEventListener('click', () => closeCalendar());
  form.append(title, rules, defBox, err, h('div', { class: 'btn-row' }, save, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveCalendar();
  });
  host.replaceChildren(form);
  showMsg(err, model.calError);
  markInvalid(form, model.calError);
}

function calendarBody(d) {
  return {
    rules: d.rules.map((r) => {
      if (r.kind === 'weekdays') return { kind: 'weekdays', days: [...r.days].sort((a, b) => a - b), program: r.program };
      if (r.kind === 'dates') return { kind: 'dates', from: dayToApi(r.from), to: dayToApi(r.to), program: r.program };
      return { kind: 'lunar', month: num(r.month), day: num(r.day), days: num(r.nights) ?? 1, program: r.program };
    }),
    default: d.def,
  };
}

async function saveCalendar() {
  const d = model.calEditor;
  if (!d || model.busy.has('calendar')) return;
  model.busy.add('calendar');
  renderCalendarEditor();
  const res = await request('PUT', `/api/lighting/groups/${encodeURIComponent(d.group)}/calendar`, calendarBody(d));
  model.busy.delete('calendar');
  if (res.ok) {
    const name = groupName(d.group);
    const group = d.group;
    closeCalendar();
    const saved = () => ({ kind: 'ok', title: t('lit.cal.saved', { name }), lines: [] });
    model.calMsg = saved;
    const g = model.groups.find((x) => x.id === group);
    if (g && res.body) g.calendar = res.body;
    renderCalendars();
    renderPrograms();
    setTimeout(() => {
      if (model.calMsg !== saved) return;
      model.calMsg = null;
      renderCalendars();
    }, OK_SHOWN_MS);
    refreshSoon();
    return;
  }
  // The server speaks of MM-DD; the reader typed day/month: say again how to write a date.
  const dateIssue = (res.body?.issues ?? []).some((i) => /^(body\.)?rules\.\d+\.(from|to)$/.test(String(i.path ?? '')));
  model.calError = apiError(res, () => (dateIssue ? [t('lit.cal.dateHint')] : []));
  renderCalendarEditor();
  /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="calendar-error"]'))?.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------- boot

function applyTitle() {
  const name = model.site?.name;
  if (name) setText($('#site-name'), name);
  document.title = name ? `${t('lit.title')} · ${name}` : t('lit.title');
}

/** Everything again in the current language (what was typed lives in the model and comes back). */
function renderAll() {
  applyStatic();
  applyTitle();
  cards.clear();
  $('#group-cards').replaceChildren();
  renderFailures();
  renderGroups();
  renderEnergy();
  renderPrograms();
  renderEditor();
  renderCalendars();
  renderCalendarEditor();
}

let stream = null;

async function load() {
  const notice = $('#notice');
  notice.dataset.kind = '';
  setText(notice, t('loading'));
  try {
    const [site, groups, failures, overrides, programs] = await Promise.all([
      getJson('/api/site'),
      getJson('/api/lighting/groups'),
      getJson('/api/lighting/failures'),
      getJson('/api/lighting/overrides'),
      getJson('/api/lighting/programs'),
    ]);
    model.site = site.site ?? {};
    setSiteTz(model.site.tz);
    model.programs = programs ?? [];
    model.failures = { active: failures.active ?? [], recent: failures.recent ?? [] };
    model.overrides = overrides ?? [];
    model.groups = groups ?? [];
    calendarsSeen = JSON.stringify(model.groups.map((g) => [g.id, g.name, g.calendar]));
    if (!model.energyNight) model.energyNight = lastNight();
    setText(notice, '');
    renderAll();
    void loadEnergy();
    if (!stream) {
      stream = liveStream({
        events: ['device', 'command', 'alert'],
        // Something may have been missed while the stream was down.
        onOpen: refreshSoon,
        onEvent: () => scheduleRefresh(),
      });
    }
  } catch {
    showLoadError(() => void load());
  }
}

async function init() {
  initLangToggle(renderAll);
  applyTitle();
  $('#program-new').addEventListener('click', () => openEditor(null));
  const night = /** @type {HTMLInputElement} */ ($('#energy-night'));
  night.addEventListener('change', () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(night.value) || night.value === model.energyNight) return;
    model.energyNight = night.value;
    void loadEnergy();
  });
  $('#energy-form').addEventListener('submit', (e) => e.preventDefault());
  if (!(await initSession({ need: 'lighting.read' }))) return;

  // Relative times every 10 s; the fallback refetch every 5 s; programs and energy every minute.
  setInterval(refreshRelativeTimes, 10_000);
  setInterval(scheduleRefresh, FALLBACK_MS);
  setInterval(() => {
    void loadPrograms().catch(() => undefined);
    if (model.energyNight) void loadEnergy(true);
  }, SLOW_MS);

  void load();
}

void init();
