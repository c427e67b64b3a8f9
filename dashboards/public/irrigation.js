// The irrigation page for cooperative farmers. Plain ES module, no build step, nothing loaded from
// outside the server.
//
// Data: /api/site, /api/types, /api/devices, and /api/irrigation/{queue,zones,programs,history}, /api/alerts.
// This page does not use the stream's `irrigation` events yet: a `device` or `command` event means a
// valve may have moved, so the queue and zones are refetched (at most every 500 ms), and every 5 s anyway.
// A valve's open/closed and remaining time are only what the valve itself reported; a run's
// remaining time counts down from the run's endsAt. What the role may not do is not offered: no
// run or stop without irrigation.run, no program editing without irrigation.programs, no
// commune-wide pause or rain delay without irrigation.control. A farmer's lists hold their zones only.

import {
  $,
  applyStatic,
  can,
  codeText,
  dayKey,
  fmtClock,
  fmtDuration,
  fmtLocalDate,
  fmtNum,
  fmtRelative,
  fmtTime,
  getJson,
  h,
  initLangToggle,
  initSession,
  issuerName,
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
  withUnit,
} from './common.js';
import { t } from './i18n.js';

const REFRESH_MIN_MS = 500;
const FALLBACK_MS = 5000;
const SLOW_MS = 60_000;
const HISTORY_LIMIT = 20;
const MAX_STARTS = 4;
const MAX_STEPS = 32;

const model = {
  site: /** @type {any} */ ({}),
  hamlets: /** @type {Map<string, string>} */ (new Map()),
  zones: /** @type {any[]} */ ([]),
  queue: /** @type {any} */ (null),
  programs: /** @type {any[]} */ ([]),
  history: /** @type {any[]} */ ([]),
  alerts: /** @type {any[]} */ ([]),
  /** Water of the last 7 days by zone id: { liters, litersPerM2PerDay } or null when unknown. */
  water: /** @type {Map<string, any>} */ (new Map()),
  /** Device snapshots (with stateAt) from /api/devices and the event stream. */
  devices: /** @type {Map<string, any>} */ (new Map()),
  /** Device types that measure soil moisture (from /api/types capabilities). */
  moistureTypes: /** @type {Set<string>} */ (new Set()),
  /** Minutes typed per zone, kept across refreshes and language switches. */
  runDrafts: /** @type {Map<string, string>} */ (new Map()),
  /** Per-zone outcome of the last "run now" or "stop": a function building { kind, title, lines }. */
  zoneMsgs: /** @type {Map<string, Function>} */ (new Map()),
  queueError: /** @type {Function | null} */ (null),
  listError: /** @type {Function | null} */ (null),
  /** The program being edited or created, as typed; null when the editor is closed. */
  editor: /** @type {any} */ (null),
  editorError: /** @type {Function | null} */ (null),
  busy: /** @type {Set<string>} */ (new Set()),
};

/** Built zone cards by zone id, updated in place so typing survives refreshes. */
const cards = new Map();

// ---------------------------------------------------------------- words

const zoneName = (id) => model.zones.find((z) => z.id === id)?.name ?? id;
const programName = (id) => model.programs.find((p) => p.id === id)?.name ?? id;
const deviceName = (id) => model.devices.get(id)?.name ?? model.zones.flatMap((z) => z.valves ?? []).find((v) => v.id === id)?.name ?? id;

function word(prefix, key) {
  const k = `${prefix}.${key}`;
  const s = t(k);
  return s === k ? String(key) : s;
}

function minutesText(seconds) {
  return fmtDuration(seconds);
}

/** "bình minh + 15 phút", "05:30". */
function startText(s) {
  if (s.at) return s.at;
  const name = t(`irr.astro.${s.astro}`);
  const off = Number(s.offsetMin ?? 0);
  if (!off) return name;
  return `${name} ${off > 0 ? '+' : '−'} ${withUnit(fmtNum(Math.abs(off)), t('unit.min'))}`;
}

function calendarText(c) {
  if (!c) return '';
  if (c.kind === 'weekly') {
    const days = [...(c.days ?? [])].sort((a, b) => a - b);
    if (days.length === 7) return t('irr.cal.everyDay');
    return days.map((d) => t(`irr.day.${d}`)).join(', ');
  }
  if (c.kind === 'interval') return t('irr.cal.interval', { n: c.everyDays, from: fmtLocalDate(c.from) });
  if (c.kind === 'once') return t('irr.cal.once', { date: fmtLocalDate(c.date) });
  return c.kind;
}

/**
 * Notes come with a code and its parameters (controller/irrigation/notes.ts), put here in the
 * reader's language; a code without words here shows the server's own sentence.
 */
const tenth = (x) => fmtNum(Math.round(x * 10) / 10);
const NOTE_WORDS = {
  paused: (n) => t('irr.note.paused', { who: issuerText(n.by) }),
  cancelled: (n) => t('irr.note.cancelled', { who: issuerText(n.by) }),
  stopped: (n) => t('irr.note.stopped', { who: issuerText(n.by) }),
  'after-pause': () => t('irr.note.afterPause'),
  overdue: () => t('irr.note.overdue'),
  'soil-reached': (n) => t('irr.note.soilReached', { pct: tenth(n.pct), target: fmtNum(n.targetPct) }),
  capped: (n) => t('irr.note.capped', { max: fmtDuration(n.maxS) }),
  dry: (n) => t('irr.note.dry', { pct: n.pct === undefined ? '–' : tenth(n.pct), below: fmtNum(n.belowPct), for: fmtDuration(n.forS) }),
  'rain-delay': (n) => t('irr.note.rainDelay', { time: fmtTime(new Date(n.until).toISOString()) }),
  rain: (n) => t('irr.note.rain', { mm: tenth(n.mm), max: fmtNum(n.maxMm) }),
  missed: (n) => t('irr.note.missed', { time: fmtTime(new Date(n.at).toISOString()) }),
  'by-sensor': (n) => t('irr.note.bySensor', { zone: zoneName(n.zone) }),
  et0: (n) => t('irr.note.et0', { mm: tenth(n.mm) }),
  'no-weather': () => t('irr.note.noWeather'),
  'no-step': () => t('irr.note.noStep'),
  'no-valve': () => t('irr.note.noValve'),
};

function noteText(code, text) {
  const words = code && NOTE_WORDS[code.code];
  return words ? words(code) : (text ?? '');
}

function issuerText(issuer) {
  if (/^(user|token):/.test(issuer)) return issuerName(issuer);
  if (/^api:/.test(issuer)) return t('irr.issuer.api');
  if (/^program:/.test(issuer)) return t('irr.issuer.program', { name: programName(issuer.slice(8)) });
  if (issuer === 'sensor') return t('irr.issuer.sensor');
  return issuer;
}

/** An alert in the reader's language, from its code; the server's own words follow. */
function alertText(a) {
  const w = a.what;
  if (w?.code === 'flow-leak') return t('irr.alert.leak', { valve: deviceName(w.device) });
  if (w?.code === 'flow-none') return t('irr.alert.noFlow', { valve: deviceName(w.device) });
  if (w?.code === 'irrigation-run-failed') return t('irr.alert.runFailed', { zone: zoneName(w.zone) });
  return a.message;
}

// ---------------------------------------------------------------- errors from the API

/** Words for an API path such as "body.steps.0.durationS" or "params.id". */
function pathLabel(path) {
  const parts = String(path ?? '')
    .split('.')
    .filter((p) => p && p !== 'body' && p !== 'params' && p !== 'querystring');
  const [a, b, c] = parts;
  if (a === 'steps' && b !== undefined && /^\d+$/.test(b)) {
    const n = Number(b) + 1;
    return c ? `${t('irr.form.stepN', { n })} · ${t(c === 'zone' ? 'irr.form.zone' : 'irr.form.minutes')}` : t('irr.form.stepN', { n });
  }
  if (a === 'starts' && b !== undefined && /^\d+$/.test(b)) return t('irr.form.startN', { n: Number(b) + 1 });
  if (a === 'calendar') return t(b ? `irr.form.cal.${b}` : 'irr.form.calendar');
  const map = {
    id: 'irr.form.id',
    name: 'irr.form.name',
    enabled: 'irr.form.enabled',
    starts: 'irr.form.starts',
    steps: 'irr.form.steps',
    waterLevelPct: 'irr.form.level',
    weatherAdjust: 'irr.form.weather',
    durationS: 'irr.form.minutes',
    zone: 'irr.form.zone',
    hours: 'irr.rainHours',
  };
  return a && map[a] ? t(map[a]) : parts.join('.');
}

/** The path of an issue without its "body."/"params." part, as the form marks its inputs. */
function fieldPath(path) {
  return String(path ?? '')
    .split('.')
    .filter((p) => p && p !== 'body' && p !== 'params')
    .join('.');
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
    return { kind: 'error', title, lines: [...lines, ...extra()], fields: issues.map((i) => fieldPath(i.path)) };
  };
}

const OK_SHOWN_MS = 8000;

/** Sets a per-zone note; a success note goes away by itself after a while (an error stays). */
function setZoneMsg(zoneId, fn, ok) {
  model.zoneMsgs.set(zoneId, fn);
  if (ok) {
    setTimeout(() => {
      if (model.zoneMsgs.get(zoneId) !== fn) return;
      model.zoneMsgs.delete(zoneId);
      updateZone(zoneId);
    }, OK_SHOWN_MS);
  }
}

// ---------------------------------------------------------------- loading and refreshing

async function loadDevices() {
  const list = await getJson('/api/devices');
  model.devices = new Map(list.map((d) => [d.id, d]));
}

async function loadWater() {
  await Promise.all(
    model.zones.map(async (z) => {
      try {
        model.water.set(z.id, await getJson(`/api/irrigation/zones/${encodeURIComponent(z.id)}/water?days=7`));
      } catch {
        model.water.set(z.id, null);
      }
      updateZone(z.id);
    }),
  );
}

async function loadPrograms() {
  model.programs = await getJson('/api/irrigation/programs');
  renderPrograms();
}

let refreshTimer = null;
let lastRefresh = 0;
let refreshing = false;
let refreshAgain = false;

/** Refetch the queue, zones and history soon: at most once per REFRESH_MIN_MS. */
function scheduleRefresh() {
  if (refreshTimer) return;
  const wait = Math.max(0, lastRefresh + REFRESH_MIN_MS - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refresh();
  }, wait);
}

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  lastRefresh = Date.now();
  try {
    const [queue, zones, history] = await Promise.all([
      getJson('/api/irrigation/queue'),
      getJson('/api/irrigation/zones'),
      getJson(`/api/irrigation/history?limit=${HISTORY_LIMIT}`),
    ]);
    model.queue = queue;
    const layoutChanged = zones.map((z) => z.id).join() !== model.zones.map((z) => z.id).join();
    model.zones = zones;
    model.history = history;
    if (layoutChanged) renderZones();
    else for (const z of zones) updateZone(z.id);
    renderQueue();
    renderHistory();
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

async function refreshAlerts() {
  try {
    model.alerts = (await getJson('/api/alerts')).active ?? [];
    renderAlerts();
  } catch {
    // kept as they were
  }
}

function onEvent(kind, data) {
  if (kind === 'device' && data?.id) {
    model.devices.set(data.id, data);
    // A valve's own report is shown at once; the runs follow with the refetch.
    const zone = model.zones.find((z) => (z.valves ?? []).some((v) => v.id === data.id) || z.id === data.zone);
    if (zone) updateZone(zone.id);
  }
  if (kind === 'alert') void refreshAlerts();
  else scheduleRefresh();
}

// ---------------------------------------------------------------- alerts

function renderAlerts() {
  const list = $('#alert-list');
  $('#alerts').hidden = model.alerts.length === 0;
  list.replaceChildren(
    ...model.alerts.map((a) =>
      h(
        'li',
        { class: `alert alert-${a.severity}`, 'data-alert-key': a.key, 'data-severity': a.severity },
        h('strong', { text: `${t(`irr.severity.${a.severity}`)}: ` }),
        h('span', { text: alertText(a) }),
        ' · ',
        relTimeEl(a.startedAt),
        alertText(a) !== a.message ? h('small', { class: 'raw', lang: 'en', text: a.message }) : null,
      ),
    ),
  );
}

// ---------------------------------------------------------------- the queue

function runCountdown(r) {
  if (r.status === 'starting') return h('span', { class: 'run-left', text: t('irr.status.starting') });
  if (!r.endsAt) return h('span', { class: 'run-left', text: minutesText(r.durationS) });
  const el = h('span', { class: 'run-left', 'data-ends': r.endsAt });
  tickEnds(el);
  return el;
}

function tickEnds(el) {
  const left = (Number(el.dataset.ends) - serverNow()) / 1000;
  setText(el, t('irr.left', { time: fmtClock(left) }));
}

function reasonText(r) {
  const w = t(`irr.reason.${r.reason}`);
  return r.reason === 'program' && r.program ? `${w} “${programName(r.program)}”` : w;
}

function valveNames(r) {
  return (r.valves ?? []).map(deviceName).join(', ');
}

function renderQueue() {
  const q = model.queue;
  if (!q) return;
  const flags = [];
  if (q.paused) flags.push(h('p', { class: 'flag flag-paused', 'data-testid': 'queue-paused', text: t('irr.paused') }));
  if (q.rainDelayUntil && q.rainDelayUntil > serverNow()) {
    flags.push(h('p', { class: 'flag flag-rain', 'data-testid': 'queue-rain', text: t('irr.rainUntil', { time: fmtTime(q.rainDelayUntil) }) }, ' · ', relTimeEl(q.rainDelayUntil)));
  }
  if (!flags.length) flags.push(h('p', { class: 'flag flag-ok', text: t('irr.normal') }));
  $('#queue-flags').replaceChildren(...flags);
  $('#queue-flags').dataset.paused = String(!!q.paused);

  const running = q.running ?? [];
  $('#queue-running').replaceChildren(
    ...(running.length
      ? running.map((r) =>
          h(
            'li',
            { class: 'run run-active', 'data-run-id': r.id, 'data-zone': r.zone, 'data-status': r.status },
            h('div', { class: 'run-main' }, h('strong', { class: 'run-zone', text: zoneName(r.zone) }), ' ', runCountdown(r)),
            h('div', { class: 'run-meta', text: [valveNames(r), reasonText(r), t('irr.planned', { time: minutesText(r.durationS) })].filter(Boolean).join(' · ') }),
            r.note ? h('div', { class: 'run-note', text: noteText(r.noteCode, r.note) }) : null,
            can('irrigation.run') ? stopButton(r, 'queue-stop', t('irr.stop')) : null,
          ),
        )
      : [h('li', { class: 'empty', text: t('irr.noneRunning') })]),
  );

  const queued = q.queued ?? [];
  $('#queue-queued').replaceChildren(
    ...(queued.length
      ? queued.map((r) => {
          let when;
          if (q.paused) when = t('irr.waitResume');
          else if (r.expectedStartAt !== undefined) {
            const soon = r.expectedStartAt - serverNow() < 30_000;
            when = soon ? t('irr.startsSoon') : t('irr.expected', { time: fmtTime(r.expectedStartAt), rel: fmtRelative(r.expectedStartAt) });
          } else when = '';
          return h(
            'li',
            { class: 'run', 'data-run-id': r.id, 'data-zone': r.zone, 'data-status': r.status },
            h('div', { class: 'run-main' }, h('strong', { class: 'run-zone', text: zoneName(r.zone) }), ' ', h('span', { class: 'run-when', text: when })),
            h('div', { class: 'run-meta', text: [minutesText(r.durationS), reasonText(r)].join(' · ') }),
            r.waitingFor?.length ? h('div', { class: 'run-wait', text: t('irr.waitingFor', { list: r.waitingFor.map(deviceName).join(', ') }) }) : null,
            r.note ? h('div', { class: 'run-note', text: noteText(r.noteCode, r.note) }) : null,
            can('irrigation.run') ? stopButton(r, 'queue-cancel', t('irr.cancelOne')) : null,
          );
        })
      : [h('li', { class: 'empty', text: t('irr.queueEmpty') })]),
  );

  $('#pause').hidden = !!q.paused;
  $('#resume').hidden = !q.paused;
  showMsg($('#queue-error'), model.queueError);
}

function stopButton(r, testid, label) {
  const key = `stop|${r.id}`;
  const btn = h('button', { type: 'button', class: 'btn btn-light btn-small', 'data-testid': testid, 'data-run-id': r.id, disabled: model.busy.has(key) }, label);
  btn.addEventListener('click', () => void stopRun(r, null));
  return btn;
}

async function queueAction(key, path, body) {
  if (model.busy.has(key)) return;
  model.busy.add(key);
  const res = await request('POST', path, body);
  model.busy.delete(key);
  model.queueError = res.ok ? null : apiError(res);
  showMsg($('#queue-error'), model.queueError);
  if (res.ok && path.endsWith('/pause') && res.body) model.queue = res.body;
  if (res.ok && path.endsWith('/resume') && res.body) model.queue = res.body;
  renderQueue();
  lastRefresh = 0;
  scheduleRefresh();
  return res;
}

async function stopRun(r, zoneId) {
  const key = `stop|${r.id}`;
  if (model.busy.has(key)) return;
  model.busy.add(key);
  if (zoneId) updateZone(zoneId);
  const res = await request('POST', `/api/irrigation/runs/${encodeURIComponent(r.id)}/stop`);
  model.busy.delete(key);
  const target = zoneId ?? r.zone;
  if (res.ok) setZoneMsg(target, () => ({ kind: 'ok', title: t('irr.stopped', { zone: zoneName(target) }), lines: [] }), true);
  else setZoneMsg(target, apiError(res), false);
  if (!zoneId && !res.ok) {
    model.queueError = apiError(res);
  }
  updateZone(target);
  lastRefresh = 0;
  scheduleRefresh();
}

// ---------------------------------------------------------------- zones

function renderZones() {
  cards.clear();
  const grid = $('#zone-cards');
  if (model.zones.length === 0) {
    grid.replaceChildren(h('p', { class: 'note', text: t('irr.noZones') }));
    return;
  }
  grid.replaceChildren(...model.zones.map((z) => zoneCard(z).root));
  for (const z of model.zones) updateZone(z.id);
}

function zoneCard(z) {
  let card = cards.get(z.id);
  if (card) return card;
  const headId = `zone-${z.id}`;
  const refs = {
    name: h('h3', { class: 'dev-name', id: headId }),
    meta: h('p', { class: 'dev-meta' }),
    facts: h('dl', { class: 'kv' }),
    valves: h('ul', { class: 'valves', 'data-testid': 'valves' }),
    run: h('div', { class: 'zone-run', 'data-testid': 'zone-run', 'aria-live': 'polite' }),
    sensor: h('p', { class: 'note', 'data-testid': 'sensor-control' }),
    msg: h('div', { class: 'cmd-error', role: 'status', 'data-testid': 'run-now-error' }),
  };
  const stop = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'stop-run', hidden: true }, t('irr.stop'));
  stop.addEventListener('click', () => {
    const zone = model.zones.find((x) => x.id === z.id);
    if (zone?.activeRun) void stopRun(zone.activeRun, z.id);
  });
  refs.stop = stop;
  const mayRun = can('irrigation.run');
  const form = mayRun ? buildRunNow(z) : null;
  refs.form = form;
  const root = h(
    'article',
    { class: 'card zone-card', 'data-zone-id': z.id, 'aria-labelledby': headId },
    h('header', { class: 'card-head' }, h('div', { class: 'card-title' }, refs.name, refs.meta)),
    h('section', { class: 'block' }, refs.facts),
    h('section', { class: 'block' }, h('h4', { class: 'h5', text: t('irr.valves') }), refs.valves),
    h('section', { class: 'block' }, h('h4', { class: 'h5', text: t('irr.watering') }), refs.run, mayRun ? h('div', { class: 'btn-row' }, stop) : null, form, refs.msg),
    refs.sensor,
  );
  card = { root, refs };
  cards.set(z.id, card);
  return card;
}

function buildRunNow(z) {
  const id = `run-${z.id}`;
  const maxMin = Math.floor((z.maxRunS ?? 3600) / 60);
  const input = h('input', {
    id,
    type: 'number',
    inputmode: 'decimal',
    min: 1,
    max: maxMin,
    step: 'any',
    value: model.runDrafts.get(z.id) ?? String(Math.min(5, maxMin)),
    'data-testid': 'run-now-minutes',
    'aria-describedby': `${id}-hint`,
  });
  input.addEventListener('input', () => {
    model.runDrafts.set(z.id, input.value);
    input.removeAttribute('aria-invalid');
  });
  const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'run-now' }, t('irr.runNow'));
  const form = h(
    'form',
    { class: 'cmd-form run-now', novalidate: true, 'data-testid': 'run-now-form' },
    h(
      'div',
      { class: 'fields' },
      h('div', { class: 'field' }, h('label', { for: id, text: t('irr.minutes') }), input),
      h('div', { class: 'field submit' }, btn),
      h('small', { id: `${id}-hint`, class: 'hint', text: t('irr.maxMinutes', { max: fmtNum(maxMin) }) }),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void runNow(z.id, input);
  });
  return form;
}

async function runNow(zoneId, input) {
  const key = `run|${zoneId}`;
  if (model.busy.has(key)) return;
  const raw = input.value.trim();
  const body = { zone: zoneId };
  let sentS;
  if (raw !== '' && !input.validity.badInput) {
    sentS = Math.round(Number(raw) * 60);
    body.durationS = sentS;
  }
  model.busy.add(key);
  updateZone(zoneId);
  const res = await request('POST', '/api/irrigation/run', body);
  model.busy.delete(key);
  const zone = model.zones.find((z) => z.id === zoneId);
  if (res.ok) {
    input.removeAttribute('aria-invalid');
    setZoneMsg(zoneId, () => ({ kind: 'ok', title: t('irr.queued', { zone: zoneName(zoneId), time: minutesText(sentS ?? 0) }), lines: [] }), true);
  } else {
    input.setAttribute('aria-invalid', 'true');
    setZoneMsg(
      zoneId,
      apiError(res, () => {
        const extra = [];
        if (sentS !== undefined) extra.push(t('irr.sentAs', { min: raw, s: sentS }));
        if (zone && sentS !== undefined && sentS > zone.maxRunS) extra.push(t('irr.overMax', { max: fmtDuration(zone.maxRunS) }));
        if (sentS === undefined) extra.push(t('irr.typeMinutes'));
        return extra;
      }),
      false,
    );
  }
  updateZone(zoneId);
  lastRefresh = 0;
  scheduleRefresh();
}

function moistureText(z) {
  if (z.moisture && typeof z.moisture.pct === 'number') {
    return t('irr.moisturePct', { pct: fmtNum(z.moisture.pct, 1), n: z.moisture.sensors });
  }
  const hasSensor = [...model.devices.values()].some((d) => d.zone === z.id && model.moistureTypes.has(d.type));
  return hasSensor ? t('irr.moistureStale') : t('irr.noSensor');
}

function areaText(m2) {
  return m2 >= 10_000 ? withUnit(fmtNum(m2 / 10_000, 2), 'ha') : withUnit(fmtNum(m2), 'm²');
}

function kv(key, label, value, attrs = {}) {
  return h('div', { class: 'kv-row', 'data-key': key, ...attrs }, h('dt', { text: label }), h('dd', { text: value }));
}

function updateZone(id) {
  const z = model.zones.find((x) => x.id === id);
  const card = cards.get(id);
  if (!z || !card) return;
  const { refs } = card;
  setText(refs.name, z.name);
  refs.meta.replaceChildren(
    [z.crop, areaText(z.areaM2), model.hamlets.get(z.hamlet) ?? z.hamlet].filter(Boolean).join(' · '),
  );

  const water = model.water.get(z.id);
  const next = z.nextProgramStart;
  refs.facts.replaceChildren(
    kv('moisture', t('irr.moisture'), moistureText(z)),
    kv('source', t('irr.source'), z.waterSource ? (model.sources?.get(z.waterSource) ?? z.waterSource) : t('irr.noSource')),
    kv(
      'water',
      t('irr.water7'),
      water ? `${withUnit(fmtNum(water.liters, 0), 'L')} · ${withUnit(fmtNum(water.litersPerM2PerDay, 2), t('irr.perM2Day'))}` : water === null ? t('irr.noData') : '…',
      { 'data-testid': 'water' },
    ),
    kv('next', t('irr.nextStart'), next ? `${fmtTime(next.at)} · ${programName(next.program)}` : t('irr.noNext'), { 'data-testid': 'next-start' }),
  );
  const nextDd = refs.facts.querySelector('[data-key="next"] dd');
  if (next && nextDd) nextDd.append(h('span', { class: 'note' }, ' (', relTimeEl(next.at), ')'));

  // Valves: exactly what each reported.
  refs.valves.replaceChildren(
    ...(z.valves ?? []).map((v) => {
      const dev = model.devices.get(v.id);
      const availability = dev?.availability ?? v.availability ?? 'unknown';
      const state = dev?.state ?? v.state ?? null;
      const stateAt = dev?.stateAt;
      const open = typeof state?.open === 'boolean' ? state.open : undefined;
      const li = h(
        'li',
        { class: 'valve', 'data-valve-id': v.id, 'data-open': open === undefined ? 'unknown' : String(open), 'data-availability': availability, 'data-testid': 'valve' },
        h('span', { class: 'valve-name', text: dev?.name ?? v.name ?? v.id }),
        h('span', { class: `avail avail-${availability}` }, h('span', { 'aria-hidden': 'true', text: availability === 'online' ? '● ' : availability === 'offline' ? '○ ' : '? ' }), t(`avail.${availability}`)),
        h('strong', { class: `valve-state ${open ? 'is-open' : ''}`, 'data-testid': 'valve-state', text: open === undefined ? t('irr.noState') : open ? t('irr.valveOpen') : t('irr.valveClosed') }),
      );
      if (open && typeof state.remainingS === 'number') {
        const left = h('span', { class: 'valve-left', 'data-testid': 'valve-left' });
        if (stateAt && availability === 'online') {
          left.dataset.countdown = String(state.remainingS);
          left.dataset.from = stateAt;
          left.title = t('estimated', { time: fmtTime(stateAt) });
          tickCountdown(left);
        } else setText(left, t('irr.left', { time: fmtClock(state.remainingS) }));
        li.append(left);
      }
      if (availability !== 'online' && open !== undefined) li.append(h('small', { class: 'note stale', text: t('staleState') }));
      return li;
    }),
  );
  if (!(z.valves ?? []).length) refs.valves.replaceChildren(h('li', { class: 'note', text: t('irr.noValves') }));

  // The zone's run.
  const r = z.activeRun;
  if (r) {
    refs.run.dataset.runId = r.id;
    refs.run.dataset.status = r.status;
    refs.run.replaceChildren(h('strong', { text: `${t(`irr.status.${r.status}`)} · ` }), runCountdown(r), ` · ${reasonText(r)}`);
  } else {
    delete refs.run.dataset.runId;
    delete refs.run.dataset.status;
    const queuedNote = z.queued ? t('irr.queuedCount', { n: z.queued }) : t('irr.notWatering');
    refs.run.replaceChildren(h('span', { class: 'note', text: queuedNote }));
  }
  if (r && z.queued) refs.run.append(h('span', { class: 'note', text: ` · ${t('irr.queuedCount', { n: z.queued })}` }));
  refs.stop.hidden = !r || r.status === 'stopping';
  refs.stop.disabled = !!r && model.busy.has(`stop|${r.id}`);
  const runBtn = /** @type {HTMLButtonElement | null} */ (refs.form?.querySelector('button[type=submit]'));
  if (runBtn) {
    runBtn.disabled = model.busy.has(`run|${z.id}`);
    runBtn.setAttribute('aria-busy', String(runBtn.disabled));
  }
  showMsg(refs.msg, model.zoneMsgs.get(z.id));

  const sc = z.sensorControl;
  refs.sensor.hidden = !sc;
  if (sc) {
    setText(
      refs.sensor,
      sc.enabled === false
        ? t('irr.sensorOff')
        : t('irr.sensorOn', {
            below: fmtNum(sc.startBelowPct),
            for: fmtDuration(sc.dryForS),
            stop: fmtNum(sc.stopAtPct),
            run: fmtDuration(sc.runS),
            gap: fmtDuration(sc.minIntervalS),
            max: sc.maxRunsPerDay,
          }),
    );
  }
}

function tickCountdown(el) {
  const base = Number(el.dataset.countdown);
  const from = new Date(el.dataset.from ?? '').getTime();
  const left = Math.max(0, base - (serverNow() - from) / 1000);
  setText(el, `≈ ${t('irr.left', { time: fmtClock(left) })}`);
}

// ---------------------------------------------------------------- programs: the list

function renderPrograms() {
  const list = $('#program-list');
  if (model.programs.length === 0) {
    list.replaceChildren(h('li', { class: 'empty', text: t('irr.noPrograms') }));
  } else {
    list.replaceChildren(...model.programs.map(programItem));
  }
  let err = $('#program-list-error');
  if (!err) {
    err = h('div', { id: 'program-list-error', class: 'cmd-error', role: 'alert', 'data-testid': 'program-list-error' });
    list.after(err);
  }
  showMsg(err, model.listError);
}

function programItem(p) {
  const steps = (p.steps ?? []).map((s) => `${zoneName(s.zone)} ${minutesText(s.durationS)}`);
  const level =
    p.effectiveLevelPct !== undefined && p.effectiveLevelPct !== p.waterLevelPct
      ? t('irr.levelAdjusted', { pct: p.waterLevelPct, now: p.effectiveLevelPct })
      : withUnit(fmtNum(p.waterLevelPct ?? 100), '%');
  const edit = h('button', { type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'program-edit' }, t('irr.edit'));
  edit.addEventListener('click', () => openEditor(p));
  const del = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'program-delete' }, t('irr.delete'));
  del.addEventListener('click', () => void deleteProgram(p));
  return h(
    'li',
    { class: `program ${p.enabled === false ? 'is-off' : ''}`, 'data-program-id': p.id },
    h(
      'div',
      { class: 'program-head' },
      h('h3', { class: 'dev-name', text: p.name }),
      h('span', { class: `badge ${p.enabled === false ? 'badge-off' : 'badge-on'}`, 'data-testid': 'program-enabled', text: p.enabled === false ? t('irr.off') : t('irr.on') }),
    ),
    h(
      'dl',
      { class: 'kv' },
      kv('calendar', t('irr.form.calendar'), calendarText(p.calendar)),
      kv('starts', t('irr.form.starts'), (p.starts ?? []).map(startText).join(', ')),
      kv('steps', t('irr.form.steps'), steps.join(' → ')),
      kv('level', t('irr.form.level'), level),
      kv('next', t('irr.nextStart'), p.nextStartAt ? fmtTime(p.nextStartAt) : p.enabled === false ? t('irr.off') : t('irr.noNext')),
    ),
    p.weatherAdjust ? h('p', { class: 'note', text: [t('irr.weatherOn'), noteText(p.levelNoteCode, p.levelNote)].filter(Boolean).join(' · ') }) : null,
    h('p', { class: 'note' }, h('code', { text: p.id })),
    can('irrigation.programs') ? h('div', { class: 'btn-row' }, edit, del) : null,
  );
}

async function deleteProgram(p) {
  if (!window.confirm(t('irr.confirmDelete', { name: p.name }))) return;
  const res = await request('DELETE', `/api/irrigation/programs/${encodeURIComponent(p.id)}`);
  model.listError = res.ok ? null : apiError(res);
  if (res.ok && model.editor?.id === p.id && model.editor.mode === 'edit') closeEditor();
  try {
    await loadPrograms();
  } catch {
    renderPrograms();
  }
  scheduleRefresh();
}

// ---------------------------------------------------------------- programs: the editor

function localToday() {
  return dayKey(new Date(serverNow()));
}

function newDraft() {
  const firstZone = model.zones[0]?.id ?? '';
  return {
    mode: 'create',
    id: '',
    idTouched: false,
    name: '',
    enabled: true,
    kind: 'weekly',
    days: [1, 2, 3, 4, 5, 6, 7],
    everyDays: '2',
    from: localToday(),
    date: localToday(),
    starts: [{ type: 'at', at: '06:00', offset: '0' }],
    steps: [{ zone: firstZone, minutes: '5' }],
    level: '100',
    weather: false,
  };
}

function draftOf(p) {
  const c = p.calendar ?? {};
  return {
    ...newDraft(),
    mode: 'edit',
    id: p.id,
    idTouched: true,
    name: p.name,
    enabled: p.enabled !== false,
    kind: c.kind ?? 'weekly',
    days: c.kind === 'weekly' ? [...c.days] : [1, 2, 3, 4, 5, 6, 7],
    everyDays: c.kind === 'interval' ? String(c.everyDays) : '2',
    from: c.kind === 'interval' ? c.from : localToday(),
    date: c.kind === 'once' ? c.date : localToday(),
    starts: (p.starts ?? []).map((s) => (s.at ? { type: 'at', at: s.at, offset: '0' } : { type: s.astro, at: '06:00', offset: String(s.offsetMin ?? 0) })),
    steps: (p.steps ?? []).map((s) => ({ zone: s.zone, minutes: String(s.durationS / 60) })),
    level: String(p.waterLevelPct ?? 100),
    weather: !!p.weatherAdjust,
  };
}

function openEditor(p) {
  model.editor = p ? draftOf(p) : newDraft();
  model.editorError = null;
  renderEditor();
  $('#program-form-h')?.focus();
}

function closeEditor() {
  model.editor = null;
  model.editorError = null;
  renderEditor();
}

function renderEditor() {
  const host = $('#program-editor');
  const d = model.editor;
  $('#program-new').hidden = !!d || !can('irrigation.programs');
  if (!d) {
    host.replaceChildren();
    return;
  }
  const form = h('form', { class: 'program-form', novalidate: true, 'data-testid': 'program-form', 'aria-labelledby': 'program-form-h' });
  const title = h('h3', { id: 'program-form-h', tabindex: '-1', text: d.mode === 'create' ? t('irr.form.create') : t('irr.form.editTitle', { name: d.name }) });
  const rerender = (focusSel) => {
    renderEditor();
    if (focusSel) /** @type {HTMLElement | null} */ (document.querySelector(focusSel))?.focus();
  };

  // Name and id.
  const idInput = h('input', {
    id: 'pf-id',
    type: 'text',
    value: d.id,
    autocomplete: 'off',
    spellcheck: 'false',
    'data-path': 'id',
    'data-testid': 'program-id',
    'aria-describedby': 'pf-id-hint',
    readonly: d.mode === 'edit',
  });
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
  const enabled = h('input', { id: 'pf-enabled', type: 'checkbox', 'data-path': 'enabled', 'data-testid': 'program-enabled-input' });
  enabled.checked = d.enabled;
  enabled.addEventListener('change', () => (d.enabled = enabled.checked));

  const basics = h(
    'fieldset',
    { class: 'fs' },
    h('legend', { text: t('irr.form.basics') }),
    h('div', { class: 'field grow' }, h('label', { for: 'pf-name', text: t('irr.form.name') }), nameInput),
    h(
      'div',
      { class: 'field grow' },
      h('label', { for: 'pf-id', text: t('irr.form.id') }),
      idInput,
      h('small', { id: 'pf-id-hint', class: 'hint', text: d.mode === 'create' ? t('irr.form.idHint') : t('irr.form.idFixed') }),
    ),
    h('div', { class: 'field check' }, enabled, h('label', { for: 'pf-enabled', text: t('irr.form.enabled') })),
  );

  // Calendar.
  const kind = h('select', { id: 'pf-kind', 'data-path': 'calendar.kind', 'data-testid': 'program-kind' });
  for (const k of ['weekly', 'interval', 'once']) kind.append(h('option', { value: k, text: t(`irr.form.kind.${k}`) }));
  kind.value = d.kind;
  kind.addEventListener('change', () => {
    d.kind = kind.value;
    rerender('#pf-kind');
  });
  const cal = h('fieldset', { class: 'fs' }, h('legend', { text: t('irr.form.calendar') }), h('div', { class: 'field' }, h('label', { for: 'pf-kind', text: t('irr.form.kind') }), kind));
  if (d.kind === 'weekly') {
    const days = h('fieldset', { class: 'days', 'data-path': 'calendar.days' }, h('legend', { text: t('irr.form.cal.days') }));
    for (let i = 1; i <= 7; i++) {
      const box = h('input', { id: `pf-day-${i}`, type: 'checkbox', value: i, 'data-testid': `program-day-${i}` });
      box.checked = d.days.includes(i);
      box.addEventListener('change', () => {
        d.days = box.checked ? [...new Set([...d.days, i])].sort((a, b) => a - b) : d.days.filter((x) => x !== i);
      });
      days.append(h('span', { class: 'day' }, box, h('label', { for: `pf-day-${i}`, title: t(`irr.dayLong.${i}`), text: t(`irr.day.${i}`) })));
    }
    cal.append(days);
  } else if (d.kind === 'interval') {
    const every = h('input', { id: 'pf-every', type: 'number', inputmode: 'numeric', min: 1, max: 60, step: 1, value: d.everyDays, 'data-path': 'calendar.everyDays', 'data-testid': 'program-every-days' });
    every.addEventListener('input', () => (d.everyDays = every.value));
    const from = h('input', { id: 'pf-from', type: 'date', value: d.from, 'data-path': 'calendar.from', 'data-testid': 'program-from' });
    from.addEventListener('input', () => (d.from = from.value));
    cal.append(
      h('div', { class: 'field' }, h('label', { for: 'pf-every', text: t('irr.form.cal.everyDays') }), every),
      h('div', { class: 'field' }, h('label', { for: 'pf-from', text: t('irr.form.cal.from') }), from),
    );
  } else {
    const date = h('input', { id: 'pf-date', type: 'date', value: d.date, 'data-path': 'calendar.date', 'data-testid': 'program-date' });
    date.addEventListener('input', () => (d.date = date.value));
    cal.append(h('div', { class: 'field' }, h('label', { for: 'pf-date', text: t('irr.form.cal.date') }), date));
  }

  // Start times.
  const starts = h('fieldset', { class: 'fs', 'data-path': 'starts' }, h('legend', { text: t('irr.form.starts') }));
  d.starts.forEach((s, i) => {
    const typeSel = h('select', { id: `pf-start-kind-${i}`, 'data-testid': `program-start-kind-${i}`, 'data-path': `starts.${i}` });
    for (const k of ['at', 'sunrise', 'sunset']) typeSel.append(h('option', { value: k, text: t(`irr.form.startKind.${k}`) }));
    typeSel.value = s.type;
    typeSel.addEventListener('change', () => {
      s.type = typeSel.value;
      rerender(`#pf-start-kind-${i}`);
    });
    const row = h('div', { class: 'row', 'data-testid': 'program-start' }, h('div', { class: 'field' }, h('label', { for: `pf-start-kind-${i}`, text: t('irr.form.startN', { n: i + 1 }) }), typeSel));
    if (s.type === 'at') {
      const at = h('input', { id: `pf-start-at-${i}`, type: 'time', value: s.at, 'data-path': `starts.${i}.at`, 'data-testid': `program-start-at-${i}` });
      at.addEventListener('input', () => (s.at = at.value));
      row.append(h('div', { class: 'field' }, h('label', { for: `pf-start-at-${i}`, text: t('irr.form.time') }), at));
    } else {
      const off = h('input', { id: `pf-start-offset-${i}`, type: 'number', inputmode: 'numeric', min: -240, max: 240, step: 1, value: s.offset, 'data-path': `starts.${i}.offsetMin`, 'data-testid': `program-start-offset-${i}` });
      off.addEventListener('input', () => (s.offset = off.value));
      row.append(h('div', { class: 'field' }, h('label', { for: `pf-start-offset-${i}`, text: t('irr.form.offset') }), off));
    }
    const rm = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': t('irr.form.removeStart', { n: i + 1 }), disabled: d.starts.length <= 1 }, t('irr.form.remove'));
    rm.addEventListener('click', () => {
      d.starts.splice(i, 1);
      rerender('#pf-add-start');
    });
    row.append(h('div', { class: 'field submit' }, rm));
    starts.append(row);
  });
  const addStart = h('button', { id: 'pf-add-start', type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'program-add-start', disabled: d.starts.length >= MAX_STARTS }, t('irr.form.addStart'));
  addStart.addEventListener('click', () => {
    d.starts.push({ type: 'at', at: '17:00', offset: '0' });
    rerender(`#pf-start-kind-${d.starts.length - 1}`);
  });
  starts.append(h('div', { class: 'btn-row' }, addStart), h('small', { class: 'hint', text: t('irr.form.startsHint', { n: MAX_STARTS }) }));

  // Steps.
  const steps = h('fieldset', { class: 'fs', 'data-path': 'steps' }, h('legend', { text: t('irr.form.steps') }));
  d.steps.forEach((s, i) => {
    const zoneSel = h('select', { id: `pf-step-zone-${i}`, 'data-path': `steps.${i}.zone`, 'data-testid': `program-step-zone-${i}` });
    for (const z of model.zones) zoneSel.append(h('option', { value: z.id, text: z.name }));
    if (s.zone && !model.zones.some((z) => z.id === s.zone)) zoneSel.append(h('option', { value: s.zone, text: s.zone }));
    zoneSel.value = s.zone;
    zoneSel.addEventListener('change', () => (s.zone = zoneSel.value));
    const min = h('input', { id: `pf-step-min-${i}`, type: 'number', inputmode: 'decimal', min: 1, step: 'any', value: s.minutes, 'data-path': `steps.${i}.durationS`, 'data-testid': `program-step-minutes-${i}` });
    min.addEventListener('input', () => (s.minutes = min.value));
    const move = (delta) => {
      const j = i + delta;
      [d.steps[i], d.steps[j]] = [d.steps[j], d.steps[i]];
      rerender(`#pf-step-zone-${j}`);
    };
    const up = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': t('irr.form.moveUp', { n: i + 1 }), title: t('irr.form.moveUp', { n: i + 1 }), disabled: i === 0 }, '↑');
    up.addEventListener('click', () => move(-1));
    const down = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': t('irr.form.moveDown', { n: i + 1 }), title: t('irr.form.moveDown', { n: i + 1 }), disabled: i === d.steps.length - 1 }, '↓');
    down.addEventListener('click', () => move(1));
    const rm = h('button', { type: 'button', class: 'btn btn-light btn-small', 'aria-label': t('irr.form.removeStep', { n: i + 1 }), disabled: d.steps.length <= 1 }, t('irr.form.remove'));
    rm.addEventListener('click', () => {
      d.steps.splice(i, 1);
      rerender('#pf-add-step');
    });
    steps.append(
      h(
        'div',
        { class: 'row', 'data-testid': 'program-step' },
        h('span', { class: 'step-n', 'aria-hidden': 'true', text: `${i + 1}.` }),
        h('div', { class: 'field' }, h('label', { for: `pf-step-zone-${i}`, text: t('irr.form.stepZone', { n: i + 1 }) }), zoneSel),
        h('div', { class: 'field' }, h('label', { for: `pf-step-min-${i}`, text: t('irr.form.minutes') }), min),
        h('div', { class: 'step-tools' }, up, down, rm),
      ),
    );
  });
  const addStep = h('button', { id: 'pf-add-step', type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'program-add-step', disabled: d.steps.length >= MAX_STEPS }, t('irr.form.addStep'));
  addStep.addEventListener('click', () => {
    d.steps.push({ zone: model.zones[0]?.id ?? '', minutes: '5' });
    rerender(`#pf-step-zone-${d.steps.length - 1}`);
  });
  steps.append(h('div', { class: 'btn-row' }, addStep), h('small', { class: 'hint', text: t('irr.form.stepsHint') }));

  // Water level and weather.
  const level = h('input', { id: 'pf-level', type: 'number', inputmode: 'numeric', min: 0, max: 250, step: 1, value: d.level, 'data-path': 'waterLevelPct', 'data-testid': 'program-level', 'aria-describedby': 'pf-level-hint' });
  level.addEventListener('input', () => (d.level = level.value));
  const weather = h('input', { id: 'pf-weather', type: 'checkbox', 'data-path': 'weatherAdjust', 'data-testid': 'program-weather' });
  weather.checked = d.weather;
  weather.addEventListener('change', () => (d.weather = weather.checked));
  const water = h(
    'fieldset',
    { class: 'fs' },
    h('legend', { text: t('irr.form.water') }),
    h('div', { class: 'field' }, h('label', { for: 'pf-level', text: t('irr.form.levelPct') }), level),
    h('small', { id: 'pf-level-hint', class: 'hint', text: t('irr.form.levelHint') }),
    h('div', { class: 'field check' }, weather, h('label', { for: 'pf-weather', text: t('irr.form.weather') })),
  );

  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'program-error' });
  const save = h('button', { type: 'submit', class: 'btn', 'data-testid': 'program-save', disabled: model.busy.has('program') }, t('irr.form.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-light', 'data-testid': 'program-cancel' }, t('irr.form.cancel'));
  cancel.addEventListener('click', () => {
    closeEditor();
    $('#program-new').focus();
  });

  form.append(title, basics, cal, starts, steps, water, err, h('div', { class: 'btn-row' }, save, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveProgram();
  });
  host.replaceChildren(form);
  showFormError(form);
}

function showFormError(form) {
  const err = /** @type {HTMLElement} */ (form.querySelector('[data-testid="program-error"]'));
  showMsg(err, model.editorError);
  markInvalid(form, model.editorError);
}

const num = (s) => (String(s).trim() === '' ? undefined : Number(s));

function programBody(d) {
  const calendar =
    d.kind === 'weekly'
      ? { kind: 'weekly', days: [...d.days].sort((a, b) => a - b) }
      : d.kind === 'interval'
        ? { kind: 'interval', everyDays: num(d.everyDays), from: d.from }
        : { kind: 'once', date: d.date };
  return {
    name: d.name,
    enabled: d.enabled,
    calendar,
    starts: d.starts.map((s) => (s.type === 'at' ? { at: s.at } : { astro: s.type, offsetMin: num(s.offset) ?? 0 })),
    steps: d.steps.map((s) => {
      const m = num(s.minutes);
      return { zone: s.zone, ...(m !== undefined && { durationS: Math.round(m * 60) }) };
    }),
    waterLevelPct: num(d.level),
    weatherAdjust: d.weather,
  };
}

async function saveProgram() {
  const d = model.editor;
  if (!d || model.busy.has('program')) return;
  const id = d.id.trim();
  const form = /** @type {HTMLElement} */ (document.querySelector('[data-testid="program-form"]'));
  if (!id) {
    model.editorError = () => ({ kind: 'error', title: t('badRequest'), lines: [`${t('irr.form.id')}: ${t('irr.form.idMissing')}`], fields: ['id'] });
    showFormError(form);
    return;
  }
  if (d.mode === 'create' && model.programs.some((p) => p.id === id)) {
    model.editorError = () => ({ kind: 'error', title: t('badRequest'), lines: [`${t('irr.form.id')}: ${t('irr.form.idTaken', { id })}`], fields: ['id'] });
    showFormError(form);
    return;
  }
  model.busy.add('program');
  /** @type {HTMLButtonElement} */ (form.querySelector('[data-testid="program-save"]')).disabled = true;
  const res = await request('PUT', `/api/irrigation/programs/${encodeURIComponent(id)}`, programBody(d));
  model.busy.delete('program');
  if (res.ok) {
    const name = res.body?.name ?? d.name;
    closeEditor();
    try {
      await loadPrograms();
    } catch {
      // the list refreshes later
    }
    const saved = () => ({ kind: 'ok', title: t('irr.form.saved', { name }), lines: [] });
    model.listError = saved;
    renderPrograms();
    setTimeout(() => {
      if (model.listError !== saved) return;
      model.listError = null;
      renderPrograms();
    }, OK_SHOWN_MS);
    // The form is gone: focus goes to what was saved.
    const head = /** @type {HTMLElement | null} */ (document.querySelector(`[data-program-id="${CSS.escape(id)}"] h3`));
    head?.setAttribute('tabindex', '-1');
    head?.focus();
    lastRefresh = 0;
    scheduleRefresh();
    return;
  }
  model.editorError = apiError(res);
  renderEditor();
  /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="program-error"]'))?.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------- history

function renderHistory() {
  const list = $('#history-list');
  if (!model.history.length) {
    list.replaceChildren(h('li', { class: 'empty', text: t('irr.noHistory') }));
    return;
  }
  list.replaceChildren(
    ...model.history.map((e) => {
      if (e.outcome) {
        const started = e.outcome === 'started';
        return h(
          'li',
          { class: `hist hist-program hist-${e.outcome}`, 'data-program': e.program, 'data-outcome': e.outcome },
          h('time', { datetime: new Date(e.at).toISOString(), text: fmtTime(e.at) }),
          h('span', { class: 'hist-what' }, h('strong', { text: `${t('irr.reason.program')} “${programName(e.program)}”` }), ` · ${t(`irr.outcome.${e.outcome}`)}`),
          h(
            'span',
            { class: 'hist-detail' },
            [started && e.levelPct !== undefined ? t('irr.levelAt', { pct: e.levelPct }) : '', noteText(e.reasonCode, e.reason)].filter(Boolean).join(' · '),
          ),
        );
      }
      const ran = e.startedAt ? ((e.endedAt ?? serverNow()) - e.startedAt) / 1000 : 0;
      const detail = [
        reasonText(e),
        e.startedAt ? t('irr.ranFor', { ran: minutesText(ran), planned: minutesText(e.durationS) }) : t('irr.notStarted'),
        e.liters !== undefined ? withUnit(fmtNum(e.liters, 1), 'L') : '',
        noteText(e.noteCode, e.note),
      ].filter(Boolean);
      return h(
        'li',
        { class: `hist hist-run hist-${e.status}`, 'data-run-id': e.id, 'data-status': e.status, 'data-zone': e.zone },
        h('time', { datetime: new Date(e.endedAt ?? e.queuedAt).toISOString(), text: fmtTime(e.endedAt ?? e.queuedAt) }),
        h('span', { class: 'hist-what' }, h('strong', { text: zoneName(e.zone) }), ' · ', h('span', { class: `st st-${e.status}`, text: t(`irr.status.${e.status}`) })),
        h('span', { class: 'hist-detail', text: detail.join(' · ') }),
      );
    }),
  );
}

// ---------------------------------------------------------------- boot

function applyTitle() {
  const name = model.site?.name;
  if (name) setText($('#site-name'), name);
  document.title = name ? `${t('irr.title')} · ${name}` : t('irr.title');
}

function renderAll() {
  applyStatic();
  applyTitle();
  renderAlerts();
  renderQueue();
  renderZones();
  renderPrograms();
  renderEditor();
  renderHistory();
}

let stream = null;

async function load() {
  const notice = $('#notice');
  notice.dataset.kind = '';
  setText(notice, t('loading'));
  try {
    const [site, queue, zones, programs, history, alerts, types] = await Promise.all([
      getJson('/api/site'),
      getJson('/api/irrigation/queue'),
      getJson('/api/irrigation/zones'),
      getJson('/api/irrigation/programs'),
      getJson(`/api/irrigation/history?limit=${HISTORY_LIMIT}`),
      getJson('/api/alerts'),
      getJson('/api/types'),
      loadDevices(),
    ]);
    model.moistureTypes = new Set(types.filter((x) => (x.capabilities ?? []).some((c) => c.key === 'soilMoisturePct')).map((x) => x.type));
    model.site = site.site ?? {};
    setSiteTz(model.site.tz);
    model.hamlets = new Map((site.hamlets ?? []).map((x) => [x.id, x.name]));
    model.sources = new Map((site.waterSources ?? []).map((x) => [x.id, x.name]));
    model.queue = queue;
    model.zones = zones;
    model.programs = programs;
    model.history = history;
    model.alerts = alerts.active ?? [];
    setText(notice, '');
    renderAll();
    void loadWater();
    if (!stream) {
      stream = liveStream({
        events: ['device', 'command', 'alert'],
        onOpen: () => {
          // Something may have been missed while the stream was down.
          void loadDevices().then(() => {
            for (const z of model.zones) updateZone(z.id);
          }, () => undefined);
          void refreshAlerts();
          lastRefresh = 0;
          scheduleRefresh();
        },
        onEvent,
      });
    }
  } catch {
    showLoadError(() => void load());
  }
}

async function init() {
  initLangToggle(renderAll);
  applyTitle();
  $('#pause').addEventListener('click', () => void queueAction('pause', '/api/irrigation/pause'));
  $('#resume').addEventListener('click', () => void queueAction('resume', '/api/irrigation/resume'));
  $('#cancel-all').addEventListener('click', () => {
    if (window.confirm(t('irr.confirmCancel'))) void queueAction('cancel', '/api/irrigation/cancel');
  });
  $('#rain-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = /** @type {HTMLInputElement} */ ($('#rain-hours'));
    const hours = num(input.value);
    void queueAction('rain', '/api/irrigation/rain-delay', hours === undefined || Number.isNaN(hours) ? {} : { hours }).then((res) => {
      if (res && !res.ok) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      if (res?.ok && res.body) model.queue = { ...model.queue, rainDelayUntil: res.body.rainDelayUntil };
      renderQueue();
    });
  });
  $('#program-new').addEventListener('click', () => openEditor(null));
  if (!(await initSession())) return;

  // Countdowns every second; relative times every 10 s; the fallback refetch every 5 s; the slow parts every minute.
  let n = 0;
  setInterval(() => {
    for (const el of document.querySelectorAll('[data-ends]')) tickEnds(/** @type {HTMLElement} */ (el));
    for (const el of document.querySelectorAll('[data-countdown]')) tickCountdown(/** @type {HTMLElement} */ (el));
    if (++n % 10 === 0) refreshRelativeTimes();
  }, 1000);
  setInterval(scheduleRefresh, FALLBACK_MS);
  setInterval(() => {
    void loadPrograms().catch(() => undefined);
    void loadWater();
  }, SLOW_MS);

  void load();
}

void init();
