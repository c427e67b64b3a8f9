// The commune-radio page (đài truyền thanh xã): compose a bulletin, approve it, follow its airing
// on every loudspeaker cluster, the programme slots, cluster health and the month's log. Plain ES
// module, no build step. The rules are in docs/RADIO.md.
//
// Data: /api/site, /api/radio/{zones,clusters,slots,bulletins}. Who acts is the signed-in user; the
// page offers what their role may do (an operator drafts and submits, an official approves and
// sends emergencies, nobody approves their own bulletin). The /api/events stream sends a whole
// bulletin in each `radio` event (it replaces ours by id, no refetch); a loudspeaker's `device`
// event refetches the clusters. What the form holds lives in its inputs and in `model.compose`, so
// an error or a language switch never loses what was typed.

import {
  $,
  applyStatic,
  can,
  codeText,
  fmtDuration,
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
  session,
  setSiteTz,
  setText,
  showLoadError,
  showMsg,
  slug,
  siteParts,
  siteTimeToMs,
  withUnit,
} from './common.js';
import { getLang, hasString, t } from './i18n.js';

/** Bulletins fetched at load, by status; of those done, only the newest are kept. */
const LOAD_STATUSES = ['draft', 'rejected', 'pending', 'approved', 'airing', 'done'];
const DONE_KEPT = 20;
/** Aired bulletins shown under "on air" besides those airing now. */
const RECENT_AIRED = 6;
const OK_SHOWN_MS = 8000;
const REFETCH_MIN_MS = 500;
const FALLBACK_MS = 15_000;
const MAX_SLOTS = 24;
const IN_FLIGHT = new Set(['queued', 'sent', 'acked', 'started']);

const model = {
  site: /** @type {any} */ ({}),
  zones: /** @type {any} */ ({ commune: { id: 'commune', name: '' }, hamlets: [], groups: [] }),
  clusters: /** @type {any[]} */ ([]),
  slots: /** @type {any[]} */ ([]),
  /** Every bulletin we know, by id, as the API last sent it. */
  bulletins: /** @type {Map<string, any>} */ (new Map()),
  compose: {
    /** The draft or rejected bulletin being edited (PATCH), or null for a new one (POST). */
    id: /** @type {string | null} */ (null),
    /** The form as it was when that bulletin was saved or loaded, to tell whether it was changed since. */
    savedSig: '',
    tab: 'text',
    zones: /** @type {Set<string>} */ (new Set()),
    slot: '',
    preview: /** @type {any} */ (null),
    previewFor: '',
    previewBusy: false,
    previewError: /** @type {Function | null} */ (null),
    upload: /** @type {any} */ (null),
    uploading: '',
    uploadError: /** @type {Function | null} */ (null),
    msg: /** @type {Function | null} */ (null),
  },
  busy: /** @type {Set<string>} */ (new Set()),
  /** An action's error, shown in the bulletin's own card, by bulletin id. */
  itemErrors: /** @type {Map<string, Function>} */ (new Map()),
  /** A section's last success (or an error for an item no longer listed), by section. */
  sectionMsgs: /** @type {Map<string, Function>} */ (new Map()),
  /** Reject notes being typed, by bulletin id (open reject forms). */
  rejecting: /** @type {Map<string, string>} */ (new Map()),
  /** The slots being edited, as typed; null when the editor is closed. */
  slotEditor: /** @type {any[] | null} */ (null),
  slotError: /** @type {Function | null} */ (null),
};

// ---------------------------------------------------------------- who acts

const myLogin = () => session()?.user?.login ?? '';
/** Approving, and cancelling anyone's bulletin even on air, go together (admin, official). */
const isOfficial = () => can('radio.approve');
const mayCancel = (b) => can('radio.cancel') && (isOfficial() || (b.createdBy === myLogin() && b.status !== 'airing'));
/** Four eyes: the author of a bulletin is not offered its approval. */
const mayApprove = (b) => isOfficial() && b.createdBy !== myLogin();
/** An official writes emergencies only: they go on air at once, without a draft or an approval. */
const emergencyOnly = () => !can('radio.draft') && can('radio.emergency');

/** A request as the signed-in user (JSON, or multipart for a FormData body); never throws. */
const act = (method, url, body) => request(method, url, body);

// ---------------------------------------------------------------- words

const levelText = (l) => t(`radio.level.${l}`);
const statusText = (s) => t(`radio.s.${s}`);
const deliveryText = (s) => t(`radio.d.${s}`);
const hamletName = (id) => model.zones.hamlets.find((x) => x.id === id)?.name ?? id;
const slotName = (id) => model.slots.find((s) => s.id === id)?.name ?? id;
const whoText = (id) => (id === 'radio' ? t('radio.system') : id);

function zoneName(id) {
  if (id === 'commune') return t('radio.zone.commune');
  return model.zones.groups.find((g) => g.id === id)?.name ?? hamletName(id);
}

const zonesText = (zones) => (zones ?? []).map(zoneName).join(', ');

function sizeText(bytes) {
  const n = Number(bytes);
  return n >= 1024 * 1024 ? withUnit(fmtNum(n / 1024 / 1024, 1), 'MB') : withUnit(fmtNum(Math.max(1, Math.round(n / 1024))), 'KB');
}

function daysText(days) {
  const d = [...(days ?? [])].sort((a, b) => a - b);
  return d.length === 7 ? t('radio.slot.everyDay') : d.map((x) => t(`irr.day.${x}`)).join(', ');
}

/** A delivery's reason in words (the server's own text when there is no word for it). */
function reasonText(reason) {
  const known = { preempted: 'preempted', busy: 'busy', offline: 'offline', stopped: 'stopped', cancelled: 'cancelled', 'no end report': 'noEnd', 'window closed': 'windowClosed' };
  return known[reason] ? t(`radio.reason.${known[reason]}`) : String(reason ?? '');
}

/** A history entry in words; the radio's own "aired" names its slot run ("sang@2026-11-23") in the note. */
function historyLine(e) {
  const slot = e.action === 'aired' && e.note ? /^([^@]+)@/.exec(e.note) : null;
  const key = `radio.h.${e.action}`;
  const words = slot ? t('radio.h.airedIn', { slot: slotName(slot[1]) }) : t(key) === key ? e.action : t(key);
  return { action: words, note: slot ? '' : e.note };
}

/**
 * Where a bulletin reached, in one sentence from its `reach`: "Đã phát ở 2/3 thôn; cụm loa Thôn
 * Đông mất kết nối". A cluster is named by its hamlet when it is the hamlet's only one.
 */
function reachText(b) {
  const r = b.reach;
  if (!r || (!b.deliveries?.length && !r.uncovered?.length)) return t('radio.reach.notAired');
  const perHamlet = new Map();
  for (const d of b.deliveries ?? []) perHamlet.set(d.hamlet, (perHamlet.get(d.hamlet) ?? 0) + 1);
  const parts = [t('radio.reach.played', { reached: r.hamlets.reached, total: r.hamlets.total })];
  for (const n of r.notReached ?? []) {
    const who = (perHamlet.get(n.hamlet) ?? 1) > 1 ? t('radio.reach.clusterNamed', { name: n.name, hamlet: n.hamletName }) : t('radio.reach.cluster', { hamlet: n.hamletName });
    parts.push(whyNotReached(n, who));
  }
  const open = (b.deliveries ?? []).filter((d) => IN_FLIGHT.has(d.status)).length;
  if (open && b.status === 'airing') parts.push(t('radio.reach.playing', { n: open }));
  for (const id of r.uncovered ?? []) parts.push(t('radio.reach.uncovered', { hamlet: hamletName(id) }));
  return parts.join('; ');
}

function whyNotReached(n, who) {
  if (n.status === 'waiting') {
    if (n.reason === 'offline') return t('radio.reach.offlineWaiting', { who });
    if (n.reason === 'busy') return t('radio.reach.busy', { who });
    return t('radio.reach.waiting', { who, reason: reasonText(n.reason) });
  }
  if (n.status === 'missed') return n.reason === 'offline' ? t('radio.reach.offline', { who }) : t('radio.reach.missed', { who });
  if (n.status === 'expired') return n.reason === 'offline' ? t('radio.reach.offline', { who }) : t('radio.reach.expired', { who });
  if (n.status === 'failed') return t('radio.reach.failed', { who, reason: reasonText(n.reason) });
  return `${who}: ${deliveryText(n.status)}`;
}

// ---------------------------------------------------------------- errors from the API

/** An issue's path without the part of the request it is in: "body.content.text" → "content.text". */
const fieldOf = (path) => String(path ?? '').replace(/^(body|params|querystring)\./, '');

/** Words for an API path: "title", "zones.0", "content.text", "schedule.slot", or a slot's "1.time". */
function pathLabel(path) {
  const p = fieldOf(path);
  const slot = /^(\d+)(?:\.(\w+))?/.exec(p);
  if (slot) {
    const n = t('radio.slot.n', { n: Number(slot[1]) + 1 });
    const field = { name: 'radio.slot.name', id: 'radio.slot.id', time: 'radio.slot.time', days: 'radio.slot.days', windowMin: 'radio.slot.window' }[slot[2] ?? ''];
    return field ? `${n} · ${t(field)}` : n;
  }
  const map = {
    title: 'radio.f.title',
    level: 'radio.f.level',
    zones: 'radio.f.zones',
    content: 'radio.f.content',
    'content.text': 'radio.f.text',
    'content.file': 'radio.f.file',
    'content.kind': 'radio.f.content',
    expiresAt: 'radio.f.expiresAt',
    repeat: 'radio.f.repeat',
    volumePct: 'radio.f.volume',
    schedule: 'radio.f.schedule',
    'schedule.slot': 'radio.f.slot',
    'schedule.notBefore': 'radio.f.notBefore',
  };
  const key = map[p] ?? map[p.split('.')[0]];
  return key ? t(key) : p;
}

/** A function building { kind, title, lines, fields } in the current language from a failed request. */
function apiError(res, title) {
  const body = res.body;
  const issues = Array.isArray(body?.issues) ? body.issues : [];
  const message = body?.message ? String(body.message) : '';
  return () => {
    let head;
    if (res.status === 0) head = t('irr.err.network');
    else if (title) head = title();
    else if (res.status === 400) head = t('badRequest');
    else if (res.status === 403) head = codeText(body?.code) || t('radio.err.forbidden');
    else if (res.status === 404) head = t('irr.err.notFound');
    else if (res.status === 409) head = t('radio.err.conflict');
    else if (res.status === 413) head = t('radio.err.tooLarge');
    else head = t('serverError', { status: res.status });
    // The server's words, as it wrote them; the field each is about in ours. An audio refusal
    // is said in our words first (by its code), then in the server's.
    const lines = issues.length ? issues.map((i) => (i.path ? `${pathLabel(i.path)}: ${i.message}` : String(i.message))) : message ? [message] : [];
    const code = typeof body?.code === 'string' ? `radio.audioErr.${body.code}` : '';
    if (code && hasString(code)) lines.unshift(t(code));
    return { kind: 'error', title: head, lines, fields: issues.map((i) => fieldOf(i.path)) };
  };
}

const localError = (line, fields = []) => () => ({ kind: 'error', title: t('badRequest'), lines: [line()], fields });
const okMsg = (title) => () => ({ kind: 'ok', title: title(), lines: [] });

/** A section's success note, gone by itself after a while. */
function setSectionMsg(section, fn) {
  model.sectionMsgs.set(section, fn);
  renderSectionMsgs();
  if (fn?.().kind === 'ok') {
    setTimeout(() => {
      if (model.sectionMsgs.get(section) !== fn) return;
      model.sectionMsgs.delete(section);
      renderLists();
    }, OK_SHOWN_MS);
  }
}

function renderSectionMsgs() {
  for (const s of ['drafts', 'pending', 'queue', 'live']) {
    const box = document.getElementById(`${s}-msg`);
    if (box) showMsg(box, model.sectionMsgs.get(s));
  }
}

// ---------------------------------------------------------------- times at the site

const pad = (n) => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:MM" typed in a datetime-local, read as the site's wall time. */
function localInputToIso(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(v);
  if (!m) return undefined;
  return new Date(siteTimeToMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]))).toISOString();
}

function isoToLocalInput(iso) {
  if (!iso) return '';
  const p = siteParts(iso);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

function thisMonth() {
  const p = siteParts(serverNow());
  return `${p.year}-${pad(p.month)}`;
}

const timeEl = (iso, o) => h('time', { datetime: iso, text: fmtTime(iso, o) });

// ---------------------------------------------------------------- loading and live updates

let stream = null;

function upsert(b) {
  if (b && typeof b.id === 'string') model.bulletins.set(b.id, b);
}

async function loadBulletins() {
  const lists = await Promise.all(LOAD_STATUSES.map((s) => getJson(`/api/radio/bulletins?status=${s}`)));
  const next = new Map();
  lists.forEach((list, i) => {
    const keep = LOAD_STATUSES[i] === 'done' ? list.slice(0, DONE_KEPT) : list;
    for (const b of keep) next.set(b.id, b);
  });
  // Those we follow that left the lists loaded (cancelled, expired) stay as they were last sent.
  for (const [id, b] of model.bulletins) if (!next.has(id) && !LOAD_STATUSES.includes(b.status)) next.set(id, b);
  model.bulletins = next;
}

async function loadSlots() {
  model.slots = await getJson('/api/radio/slots');
}

async function loadClusters() {
  model.clusters = await getJson('/api/radio/clusters');
}

/** A throttled refetch: at most one in flight, and not more often than every REFETCH_MIN_MS. */
function throttled(fn, after) {
  let timer = null;
  let last = 0;
  return () => {
    if (timer) return;
    timer = setTimeout(
      async () => {
        try {
          await fn();
          after();
        } catch {
          // shown by the stream status; the next event or tick tries again
        } finally {
          last = Date.now();
          timer = null;
        }
      },
      Math.max(0, last + REFETCH_MIN_MS - Date.now()),
    );
  };
}

const slotsSoon = throttled(loadSlots, () => {
  renderSlots();
  renderComposeSlots();
});
const clustersSoon = throttled(loadClusters, () => renderClusters());
const everythingSoon = throttled(
  () => Promise.all([loadBulletins(), loadSlots(), loadClusters()]),
  () => {
    renderLists();
    renderSlots();
    renderComposeSlots();
    renderClusters();
  },
);

let listsQueued = false;
/** Redraws the bulletin lists once for a burst of events (a 50-cluster airing is one). */
function listsSoon() {
  if (listsQueued) return;
  listsQueued = true;
  setTimeout(() => {
    listsQueued = false;
    renderLists();
  }, 50);
}

function onEvent(kind, data) {
  if (kind === 'radio') {
    upsert(data);
    listsSoon();
    slotsSoon(); // the queued counts follow approvals and airings
  } else if (kind === 'device' && data?.type === 'loudspeaker') clustersSoon();
}

async function load() {
  const notice = $('#notice');
  notice.dataset.kind = '';
  setText(notice, t('loading'));
  try {
    const [site, zones] = await Promise.all([getJson('/api/site'), getJson('/api/radio/zones'), loadBulletins(), loadSlots(), loadClusters()]);
    model.site = site.site ?? {};
    setSiteTz(model.site.tz);
    model.zones = { commune: zones.commune, hamlets: zones.hamlets ?? [], groups: zones.groups ?? [] };
    setText(notice, '');
    renderAll();
    if (!stream) stream = liveStream({ events: ['radio', 'device'], onOpen: everythingSoon, onEvent });
  } catch {
    showLoadError(() => void load());
  }
}

// ---------------------------------------------------------------- compose

const input = (sel) => /** @type {HTMLInputElement} */ ($(sel));

function renderCompose() {
  const c = model.compose;
  const level = input('#c-level').value;
  $('#compose').dataset.level = level;
  setText($('#c-level-hint'), t(emergencyOnly() ? 'radio.levelHint.emergencyNow' : `radio.levelHint.${level}`));
  setText($('#c-tz-hint'), t('radio.f.siteTime', { tz: model.site.tz ?? 'Asia/Ho_Chi_Minh' }));
  for (const tab of document.querySelectorAll('[data-tab]')) {
    const on = tab.getAttribute('data-tab') === c.tab;
    tab.setAttribute('aria-selected', String(on));
    tab.setAttribute('tabindex', on ? '0' : '-1');
  }
  $('#pane-text').hidden = c.tab !== 'text';
  $('#pane-audio').hidden = c.tab !== 'audio';
  const editing = c.id ? model.bulletins.get(c.id) : null;
  $('#compose-editing').hidden = !c.id;
  $('#compose-new').hidden = !c.id;
  if (c.id) setText($('#compose-editing'), t('radio.editing', { title: editing?.title ?? input('#c-title').value, status: statusText(editing?.status ?? 'draft') }));
  renderZones();
  renderComposeSlots();
  renderPreview();
  renderUpload();
  renderComposeButtons();
  showComposeMsg();
}

function showComposeMsg() {
  const form = /** @type {HTMLFormElement} */ ($('#compose-form'));
  showMsg($('#compose-error'), model.compose.msg);
  markInvalid(form, model.compose.msg);
  if (model.compose.uploadError) input('#c-file').setAttribute('aria-invalid', 'true');
}

function renderComposeButtons() {
  const busy = model.busy.has('compose');
  const level = input('#c-level').value;
  const emergency = /** @type {HTMLButtonElement} */ ($('#c-emergency'));
  emergency.hidden = !(can('radio.emergency') && level === 'emergency');
  $('#c-draft').hidden = !can('radio.draft');
  $('#c-submit').hidden = !can('radio.draft');
  for (const id of ['#c-draft', '#c-submit', '#c-emergency']) {
    const b = /** @type {HTMLButtonElement} */ ($(id));
    b.disabled = busy;
    b.setAttribute('aria-busy', String(busy));
  }
}

function renderZones() {
  const host = $('#c-zones');
  const c = model.compose;
  const z = model.zones;
  const box = (id, label, meta) => {
    const cb = h('input', { id: `zone-${id}`, type: 'checkbox', value: id, 'data-testid': `zone-${id}` });
    cb.checked = c.zones.has(id);
    cb.addEventListener('change', () => {
      if (cb.checked) c.zones.add(id);
      else c.zones.delete(id);
    });
    return h('div', { class: 'field check zone' }, cb, h('label', { for: `zone-${id}` }, h('span', { class: 'zone-name', text: label }), meta ? h('small', { class: 'zone-meta', text: meta }) : null));
  };
  const clusterCount = (n) => (n ? t('radio.zone.clusters', { n }) : t('radio.zone.noCluster'));
  const total = z.hamlets.reduce((a, x) => a + (x.clusters ?? 0), 0);
  host.replaceChildren(
    box('commune', t('radio.zone.commune'), `${z.commune?.name ?? ''} · ${clusterCount(total)}`),
    ...(z.groups.length
      ? [h('p', { class: 'zone-h', text: t('radio.zones.groups') }), ...z.groups.map((g) => box(g.id, g.name, (g.hamlets ?? []).map(hamletName).join(', ')))]
      : []),
    h('p', { class: 'zone-h', text: t('radio.zones.hamlets') }),
    ...z.hamlets.map((x) => box(x.id, x.name, clusterCount(x.clusters ?? 0))),
  );
}

function renderComposeSlots() {
  const sel = /** @type {HTMLSelectElement} */ ($('#c-slot'));
  const c = model.compose;
  const opts = [h('option', { value: '', text: t('radio.slot.any') }), ...model.slots.map((s) => h('option', { value: s.id, text: t('radio.slot.option', { name: s.name, time: s.time }) }))];
  // A slot chosen then removed stays listed (the server says it is unknown), so nothing changes under the hand.
  if (c.slot && !model.slots.some((s) => s.id === c.slot)) opts.push(h('option', { value: c.slot, text: c.slot }));
  sel.replaceChildren(...opts);
  sel.value = c.slot;
}

/** One <audio> per place and file, kept across redraws so a play in progress goes on. */
const players = new Map();
function player(a, testid, owner = '') {
  const key = `${testid}|${owner}|${a.file}`;
  let el = players.get(key);
  if (!el) {
    el = h('audio', { controls: true, preload: 'metadata', src: `/api/radio/audio/${encodeURIComponent(a.file)}`, 'data-testid': testid });
    players.set(key, el);
  }
  return el;
}

function audioFacts(a, name) {
  const d = t('radio.duration', { d: fmtDuration(a.durationS) });
  return name ? `${t('radio.uploaded', { name, format: String(a.format).toUpperCase(), size: sizeText(a.bytes) })} · ${d}` : d;
}

function renderPreview() {
  const c = model.compose;
  const out = $('#c-preview-out');
  const btn = /** @type {HTMLButtonElement} */ ($('#c-preview'));
  btn.disabled = c.previewBusy;
  btn.setAttribute('aria-busy', String(c.previewBusy));
  const parts = [];
  if (c.previewBusy) parts.push(h('p', { class: 'note', text: t('radio.previewing') }));
  if (c.preview) {
    parts.push(player(c.preview, 'preview-audio'), h('p', { class: 'audio-facts', 'data-testid': 'preview-duration', 'data-duration': c.preview.durationS, text: audioFacts(c.preview) }));
    if (input('#c-text').value !== c.previewFor) parts.push(h('p', { class: 'note stale', 'data-testid': 'preview-stale', text: t('radio.previewStale') }));
  }
  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'preview-error' });
  showMsg(err, c.previewError);
  out.replaceChildren(...parts, err);
}

function renderUpload() {
  const c = model.compose;
  const out = $('#c-upload-out');
  const parts = [];
  if (c.uploading) parts.push(h('p', { class: 'note', text: t('radio.uploading', { name: c.uploading }) }));
  else if (c.upload) parts.push(player(c.upload, 'upload-audio'), h('p', { class: 'audio-facts', 'data-testid': 'upload-facts', 'data-duration': c.upload.durationS, text: audioFacts(c.upload, c.upload.name) }));
  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'upload-error' });
  showMsg(err, c.uploadError);
  out.replaceChildren(...parts, err);
  const file = input('#c-file');
  if (c.uploadError) file.setAttribute('aria-invalid', 'true');
  else file.removeAttribute('aria-invalid');
}

async function previewText() {
  const c = model.compose;
  if (c.previewBusy) return;
  const text = input('#c-text').value;
  if (!text.trim()) {
    c.previewError = localError(() => t('radio.typeText'), ['content.text']);
    renderPreview();
    return;
  }
  c.previewBusy = true;
  c.previewError = null;
  renderPreview();
  const res = await act('POST', '/api/radio/tts', { text });
  c.previewBusy = false;
  if (res.ok && res.body?.file) {
    c.preview = res.body;
    c.previewFor = text;
  } else c.previewError = apiError(res, () => t('radio.previewFailed'));
  renderPreview();
}

async function uploadFile(file) {
  const c = model.compose;
  c.uploading = file.name;
  c.upload = null;
  c.uploadError = null;
  renderUpload();
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await act('POST', '/api/radio/audio', form);
  // Another file was chosen meanwhile: that one's answer decides.
  if (c.uploading !== file.name) return;
  c.uploading = '';
  if (res.ok && res.body?.file) c.upload = { ...res.body, name: file.name };
  else c.uploadError = apiError(res, () => t('radio.uploadFailed', { name: file.name }));
  renderUpload();
}

/** The bulletin as the form holds it, or a local error for what the server could not be sent. */
function composeBody() {
  const c = model.compose;
  for (const [sel, path, label] of [
    ['#c-notbefore', 'schedule.notBefore', 'radio.f.notBefore'],
    ['#c-expires', 'expiresAt', 'radio.f.expiresAt'],
  ]) {
    if (input(sel).validity.badInput) return { error: localError(() => `${t(label)}: ${t('radio.f.badTime')}`, [path]) };
  }
  if (c.tab === 'audio' && !c.upload) return { error: localError(() => t('radio.needUpload'), ['content.file']) };
  const content = c.tab === 'text' ? { kind: 'text', text: input('#c-text').value } : { kind: 'audio', file: c.upload.file };
  // The zones in the order they are listed: the commune, the groups, the hamlets.
  const zones = [...document.querySelectorAll('#c-zones input[type="checkbox"]')].filter((x) => /** @type {HTMLInputElement} */ (x).checked).map((x) => /** @type {HTMLInputElement} */ (x).value);
  const notBefore = localInputToIso(input('#c-notbefore').value);
  const expiresAt = localInputToIso(input('#c-expires').value);
  // An empty volume leaves it to the cluster (an emergency: 100 %); a bad one the server explains.
  const volume = input('#c-volume').value.trim();
  const body = {
    title: input('#c-title').value,
    level: input('#c-level').value,
    zones,
    content,
    schedule: { ...(c.slot && { slot: c.slot }), ...(notBefore && { notBefore }) },
    ...(expiresAt && { expiresAt }),
    repeat: Number(input('#c-repeat').value),
    ...(volume !== '' && { volumePct: Number(volume) }),
  };
  return { body };
}

function setComposeMsg(fn) {
  model.compose.msg = fn;
  showComposeMsg();
  if (fn?.().kind === 'ok') {
    setTimeout(() => {
      if (model.compose.msg !== fn) return;
      model.compose.msg = null;
      showComposeMsg();
    }, OK_SHOWN_MS);
  }
  if (fn) $('#compose-error').scrollIntoView({ block: 'nearest' });
}

/** Saves the form: as a draft, a draft submitted for approval, or an emergency on air at once. */
async function saveCompose(mode) {
  const c = model.compose;
  if (model.busy.has('compose')) return;
  const { body, error } = composeBody();
  if (error) {
    setComposeMsg(error);
    return;
  }
  if (mode === 'emergency') {
    const zones = body.zones.length ? zonesText(body.zones) : '—';
    if (!window.confirm(t('radio.confirmEmergency', { title: body.title.trim() || '—', zones }))) return;
  }
  model.busy.add('compose');
  renderComposeButtons();
  try {
    let res;
    if (mode === 'emergency') {
      const { title, zones, content, expiresAt, repeat, volumePct } = body;
      res = await act('POST', '/api/radio/emergency', { title, zones, content, repeat, ...(expiresAt && { expiresAt }), ...(volumePct !== undefined && { volumePct }) });
    } else if (c.id) res = await act('PATCH', `/api/radio/bulletins/${encodeURIComponent(c.id)}`, body);
    else res = await act('POST', '/api/radio/bulletins', body);
    if (!res.ok) {
      setComposeMsg(apiError(res));
      return;
    }
    upsert(res.body);
    const title = res.body.title;
    if (mode === 'emergency') {
      resetCompose();
      setComposeMsg(okMsg(() => t('radio.sentEmergency', { title })));
    } else if (mode === 'draft') {
      c.id = res.body.id;
      c.savedSig = formSig();
      setComposeMsg(okMsg(() => t('radio.saved', { title })));
    } else {
      c.id = res.body.id;
      // The action routes take a JSON body (an optional note): an empty one here.
      const sub = await act('POST', `/api/radio/bulletins/${encodeURIComponent(res.body.id)}/submit`, {});
      if (!sub.ok) {
        const err = apiError(sub);
        setComposeMsg(() => ({ ...err(), title: `${t('radio.notSubmitted')} ${err().title}` }));
        return;
      }
      upsert(sub.body);
      resetCompose();
      setComposeMsg(okMsg(() => t('radio.submitted', { title })));
    }
  } finally {
    model.busy.delete('compose');
    renderCompose();
    renderLists();
  }
}

/** What the form holds now, as one string. */
function formSig() {
  return JSON.stringify(composeBody());
}

/**
 * The bulletin being edited moved on elsewhere (submitted from the list, or by someone else): a
 * form unchanged since its save is cleared; a changed one is kept, as a new bulletin.
 */
function followEdited() {
  const c = model.compose;
  const b = c.id ? model.bulletins.get(c.id) : null;
  if (!b || b.status === 'draft' || b.status === 'rejected' || model.busy.has('compose')) return;
  if (formSig() === c.savedSig) resetCompose();
  else c.id = null;
  renderCompose();
}

function resetCompose() {
  const c = model.compose;
  /** @type {HTMLFormElement} */ ($('#compose-form')).reset();
  Object.assign(c, { id: null, savedSig: '', tab: 'text', slot: '', preview: null, previewFor: '', previewError: null, upload: null, uploading: '', uploadError: null, msg: null });
  c.zones.clear();
}

/** Puts a draft or rejected bulletin into the form, to edit it and send it again. */
function editBulletin(b) {
  resetCompose();
  const c = model.compose;
  c.id = b.id;
  input('#c-title').value = b.title;
  input('#c-level').value = b.level;
  for (const z of b.zones ?? []) c.zones.add(z);
  c.slot = b.schedule?.slot ?? '';
  input('#c-notbefore').value = isoToLocalInput(b.schedule?.notBefore);
  input('#c-expires').value = isoToLocalInput(b.expiresAt);
  input('#c-repeat').value = String(b.repeat ?? 1);
  input('#c-volume').value = b.volumePct === undefined ? '' : String(b.volumePct);
  if (b.content?.kind === 'audio') {
    c.tab = 'audio';
    c.upload = { ...b.audio, name: b.content.file };
  } else {
    c.tab = 'text';
    input('#c-text').value = b.content?.text ?? '';
    c.preview = b.audio;
    c.previewFor = b.content?.text ?? '';
  }
  renderCompose();
  c.savedSig = formSig();
  $('#compose-h').focus();
  $('#compose').scrollIntoView({ block: 'start' });
}

// ---------------------------------------------------------------- bulletin lists

/** Keeps one element per item, rebuilt only when its signature changes (audio keeps playing, typing stays). */
const listCache = new WeakMap();
function keyedList(host, items, { sig, build, empty }) {
  let cache = listCache.get(host);
  if (!cache) listCache.set(host, (cache = new Map()));
  if (!items.length) {
    cache.clear();
    host.replaceChildren(h('li', { class: 'empty', text: empty() }));
    return;
  }
  const els = items.map((b) => {
    const s = JSON.stringify([getLang(), sig(b)]);
    const had = cache.get(b.id);
    if (had && had.sig === s) return had.el;
    const el = build(b);
    cache.set(b.id, { sig: s, el });
    return el;
  });
  const ids = new Set(items.map((b) => b.id));
  for (const id of [...cache.keys()]) if (!ids.has(id)) cache.delete(id);
  if (els.length !== host.children.length || els.some((el, i) => host.children[i] !== el)) host.replaceChildren(...els);
  // Errors and busy buttons change without a rebuild.
  for (const b of items) {
    const el = cache.get(b.id)?.el;
    const box = el?.querySelector(':scope .item-error');
    if (box) showMsg(box, model.itemErrors.get(b.id));
    const busy = model.busy.has(b.id);
    for (const btn of el?.querySelectorAll(':scope .item-actions button') ?? []) {
      /** @type {HTMLButtonElement} */ (btn).disabled = busy;
      btn.setAttribute('aria-busy', String(busy));
    }
  }
}

function byNewest(a, b) {
  return String(b.createdAt).localeCompare(String(a.createdAt));
}

function renderLists() {
  const all = [...model.bulletins.values()];
  const of = (...s) => all.filter((b) => s.includes(b.status));

  followEdited();
  const drafts = of('draft', 'rejected').sort(byNewest);
  const details = /** @type {HTMLDetailsElement} */ ($('#drafts'));
  const wasHidden = details.hidden;
  details.hidden = !can('radio.draft') || (drafts.length === 0 && !model.sectionMsgs.get('drafts'));
  // Open when drafts appear (a rejected one comes back to its author); the reader may close it.
  if (wasHidden && !details.hidden) details.open = true;
  setText($('#drafts-h'), `${t('radio.drafts')} (${drafts.length})`);
  keyedList($('#draft-list'), drafts, { sig: (b) => [b.status, b.history.length, b.title], build: draftItem, empty: () => '' });

  $('#pending-role').hidden = isOfficial();
  setText($('#pending-role'), t('radio.onlyOfficial'));
  const pending = of('pending').sort((a, b) => -byNewest(a, b));
  // The players of bulletins no longer pending go with them.
  const pendingIds = new Set(pending.map((b) => b.id));
  for (const key of [...players.keys()]) if (key.startsWith('item-audio|') && !pendingIds.has(key.split('|')[1])) players.delete(key);
  keyedList($('#pending-list'), pending, { sig: (b) => [b.history.length, model.rejecting.has(b.id)], build: pendingItem, empty: () => t('radio.noPending') });

  // Priority first, then in approval order: the order a slot plays them.
  const rank = (b) => (b.level === 'priority' ? 0 : 1);
  const queue = of('approved')
    .filter((b) => b.level !== 'emergency')
    .sort((a, b) => rank(a) - rank(b) || String(a.approvedAt ?? '').localeCompare(String(b.approvedAt ?? '')));
  keyedList($('#queue-list'), queue, { sig: (b) => [b.history.length, model.slots.map((s) => [s.id, s.name])], build: queueItem, empty: () => t('radio.queueEmpty') });

  const aired = (b) => String(b.airedAt ?? b.createdAt);
  const airing = of('airing').sort((a, b) => aired(b).localeCompare(aired(a)));
  const recent = all
    .filter((b) => b.status !== 'airing' && b.airedAt && b.deliveries?.length)
    .sort((a, b) => aired(b).localeCompare(aired(a)))
    .slice(0, RECENT_AIRED);
  keyedList($('#live-list'), [...airing, ...recent], { sig: (b) => [b.status, b.deliveries, b.history.length], build: liveItem, empty: () => t('radio.liveEmpty') });
  renderSectionMsgs();
}

function levelBadge(level) {
  return h('span', { class: `badge level level-${level}`, 'data-level': level, text: levelText(level) });
}

function statusBadge(status) {
  return h('span', { class: `badge status status-${status}`, 'data-status': status, text: statusText(status) });
}

function itemHead(b, ...extra) {
  return h('div', { class: 'item-head' }, h('h3', { class: 'item-title', text: b.title }), h('div', { class: 'chips' }, levelBadge(b.level), ...extra));
}

function contentBlock(b) {
  const parts = [];
  if (b.content?.kind === 'text') parts.push(h('blockquote', { class: 'item-text', 'data-testid': 'item-text', text: b.content.text }));
  if (b.audio?.file) parts.push(h('div', { class: 'item-audio' }, player(b.audio, 'item-audio', b.id), h('span', { class: 'audio-facts', text: t('radio.duration', { d: fmtDuration(b.audio.durationS) }) })));
  return parts;
}

function historyBlock(b) {
  const items = (b.history ?? []).map((e) => {
    const l = historyLine(e);
    const text = t('radio.histLine', { who: whoText(e.by), role: t(`radio.roleShort.${e.role}`), action: l.action }) + (l.note ? `: ${l.note}` : '');
    return h('li', { class: 'hist', 'data-action': e.action }, h('time', { datetime: e.at, text: fmtTime(e.at) }), h('span', { text }));
  });
  return h('details', { class: 'recent item-history' }, h('summary', { text: t('radio.history') }), h('ol', { class: 'history' }, ...items));
}

const itemError = () => h('div', { class: 'cmd-error item-error', role: 'alert', 'data-testid': 'item-error' });

function button(text, cls, testid, onClick) {
  const b = h('button', { type: 'button', class: `btn ${cls}`, 'data-testid': testid }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** A bulletin action as the chosen user; its error shows in the bulletin's card, its success in the section. */
async function bulletinAction(b, step, body, section, done) {
  if (model.busy.has(b.id)) return;
  model.busy.add(b.id);
  model.itemErrors.delete(b.id);
  renderLists();
  const res = await act('POST', `/api/radio/bulletins/${encodeURIComponent(b.id)}/${step}`, body);
  model.busy.delete(b.id);
  if (res.ok) {
    upsert(res.body);
    model.rejecting.delete(b.id);
    setSectionMsg(section, okMsg(() => done(res.body.title)));
  } else model.itemErrors.set(b.id, apiError(res));
  renderLists();
  slotsSoon();
}

function cancelButton(b, section) {
  return button(t('radio.cancel'), 'btn-danger btn-small', 'cancel', () => {
    if (!window.confirm(t('radio.confirmCancel', { title: b.title }))) return;
    void bulletinAction(b, 'cancel', {}, section, (title) => t('radio.cancelled', { title }));
  });
}

/** How it plays, when not the plain default: "phát 2 lần, âm lượng 40 %". */
function playText(b) {
  const parts = [(b.repeat ?? 1) > 1 ? t('radio.repeatTimes', { n: b.repeat }) : null, b.volumePct !== undefined ? t('radio.volumeAt', { pct: b.volumePct }) : null].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

function metaLine(...parts) {
  return h('p', { class: 'item-meta' }, ...parts.filter(Boolean).flatMap((p, i) => (i ? [' · ', p] : [p])));
}

function draftItem(b) {
  const rejected = b.status === 'rejected' ? [...b.history].reverse().find((e) => e.action === 'rejected') : null;
  const actions = h(
    'div',
    { class: 'btn-row item-actions' },
    button(t('radio.edit'), 'btn-light btn-small', 'edit', () => editBulletin(b)),
    button(t('radio.submit'), 'btn-small', 'submit', () => void bulletinAction(b, 'submit', {}, 'drafts', (title) => t('radio.submitted', { title }))),
    mayCancel(b) ? cancelButton(b, 'drafts') : null,
  );
  return h(
    'li',
    { class: `bulletin level-${b.level}`, 'data-bulletin-id': b.id, 'data-status': b.status, 'data-testid': 'draft-item' },
    itemHead(b, statusBadge(b.status)),
    metaLine(zonesText(b.zones), t('radio.author', { who: b.createdBy }), fmtTime(b.createdAt)),
    rejected ? h('p', { class: 'note stale', text: t('radio.rejectedBy', { who: rejected.by, note: rejected.note || t('radio.noNote') }) }) : null,
    actions,
    itemError(),
  );
}

function pendingItem(b) {
  const submitted = [...b.history].reverse().find((e) => e.action === 'submitted');
  const actions = h('div', { class: 'btn-row item-actions' });
  let rejectForm = null;
  if (mayApprove(b)) {
    if (model.rejecting.has(b.id)) {
      const note = h('textarea', { id: `reject-${b.id}`, rows: 2, maxlength: 500, 'data-testid': 'reject-note' });
      note.value = model.rejecting.get(b.id) ?? '';
      note.addEventListener('input', () => model.rejecting.set(b.id, note.value));
      rejectForm = h('div', { class: 'field reject-note' }, h('label', { for: `reject-${b.id}`, text: t('radio.rejectNote') }), note);
      actions.append(
        button(t('radio.rejectConfirm'), 'btn-danger', 'reject-confirm', () => {
          const text = (model.rejecting.get(b.id) ?? '').trim();
          void bulletinAction(b, 'reject', text ? { note: text } : {}, 'pending', (title) => t('radio.rejected', { title }));
        }),
        button(t('radio.back'), 'btn-light', 'reject-back', () => {
          model.rejecting.delete(b.id);
          renderLists();
        }),
      );
    } else {
      actions.append(
        button(t('radio.approve'), '', 'approve', () => void bulletinAction(b, 'approve', {}, 'pending', (title) => t('radio.approved', { title }))),
        button(t('radio.reject'), 'btn-danger', 'reject', () => {
          model.rejecting.set(b.id, '');
          renderLists();
          /** @type {HTMLElement | null} */ (document.getElementById(`reject-${b.id}`))?.focus();
        }),
      );
    }
  }
  if (mayCancel(b) && !model.rejecting.has(b.id)) actions.append(cancelButton(b, 'pending'));
  return h(
    'li',
    { class: `bulletin level-${b.level}`, 'data-bulletin-id': b.id, 'data-status': b.status, 'data-testid': 'pending-item' },
    itemHead(b),
    metaLine(
      h('span', { 'data-testid': 'item-zones', text: zonesText(b.zones) }),
      h('span', { 'data-testid': 'item-author', text: t('radio.author', { who: b.createdBy }) }),
      submitted ? t('radio.submittedAt', { time: fmtTime(submitted.at) }) : null,
      b.schedule?.slot ? t('radio.queue.slot', { name: slotName(b.schedule.slot) }) : null,
      b.expiresAt ? t('radio.queue.expires', { time: fmtTime(b.expiresAt) }) : null,
      playText(b),
    ),
    ...contentBlock(b),
    isOfficial() && b.createdBy === myLogin() ? h('p', { class: 'note', 'data-testid': 'own-bulletin', text: t('radio.ownBulletin') }) : null,
    rejectForm,
    actions,
    itemError(),
  );
}

function queueItem(b) {
  const approved = [...b.history].reverse().find((e) => e.action === 'approved');
  return h(
    'li',
    { class: `bulletin level-${b.level}`, 'data-bulletin-id': b.id, 'data-status': b.status, 'data-testid': 'queue-item' },
    itemHead(b),
    metaLine(
      zonesText(b.zones),
      t('radio.queue.slot', { name: b.schedule?.slot ? slotName(b.schedule.slot) : t('radio.slot.any') }),
      b.schedule?.notBefore ? t('radio.queue.notBefore', { time: fmtTime(b.schedule.notBefore) }) : null,
      b.expiresAt ? t('radio.queue.expires', { time: fmtTime(b.expiresAt) }) : null,
      approved ? t('radio.approvedBy', { who: approved.by, time: fmtTime(approved.at) }) : null,
      playText(b),
    ),
    mayCancel(b) ? h('div', { class: 'btn-row item-actions' }, cancelButton(b, 'queue')) : null,
    itemError(),
  );
}

function deliveryTimes(d) {
  const s = { seconds: true };
  return [
    d.sentAt ? t('radio.t.sent', { time: fmtTime(d.sentAt, s) }) : null,
    d.ackedAt ? t('radio.t.acked', { time: fmtTime(d.ackedAt, s) }) : null,
    d.startedAt ? t('radio.t.started', { time: fmtTime(d.startedAt, s) }) : null,
    d.endedAt ? t('radio.t.ended', { time: fmtTime(d.endedAt, s) }) : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function liveItem(b) {
  const rows = (b.deliveries ?? []).map((d) =>
    h(
      'tr',
      { 'data-device': d.device, 'data-status': d.status, 'data-testid': 'delivery' },
      h('th', { scope: 'row' }, h('span', { class: 'cl-name', text: d.name }), h('small', { class: 'cl-hamlet', text: d.hamletName })),
      h(
        'td',
        {},
        h('span', { class: `chip d-chip d-${d.status}`, 'data-testid': 'delivery-status', text: deliveryText(d.status) }),
        d.reason && !d.reason.startsWith('repeat ') ? h('small', { class: 'd-reason', text: reasonText(d.reason) }) : null,
        (b.repeat ?? 1) > 1 ? h('small', { class: 'd-reason', 'data-testid': 'delivery-plays', text: t('radio.playsOf', { n: d.plays ?? 0, of: b.repeat }) }) : null,
      ),
      h('td', { class: 'd-times' }, deliveryTimes(d), d.attempts > 1 ? h('small', { class: 'd-reason', text: t('radio.attempts', { n: d.attempts }) }) : null),
    ),
  );
  const okAll = b.reach && b.reach.hamlets.reached === b.reach.hamlets.total && !b.reach.notReached?.length && !b.reach.uncovered?.length;
  return h(
    'li',
    { class: `bulletin live-item level-${b.level}`, 'data-bulletin-id': b.id, 'data-status': b.status, 'data-testid': 'live-item' },
    itemHead(b, statusBadge(b.status)),
    metaLine(zonesText(b.zones), b.airedAt ? t('radio.airedAt', { time: fmtTime(b.airedAt) }) : null),
    h('p', { class: `reach ${okAll ? 'reach-ok' : 'reach-partial'}`, 'data-testid': 'reach', text: reachText(b) }),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table deliveries' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('radio.col.cluster') }), h('th', { scope: 'col', text: t('radio.col.status') }), h('th', { scope: 'col', text: t('radio.col.times') }))),
        h('tbody', {}, ...rows),
      ),
    ),
    b.status === 'airing' && mayCancel(b) ? h('div', { class: 'btn-row item-actions' }, cancelButton(b, 'live')) : null,
    itemError(),
    historyBlock(b),
  );
}

// ---------------------------------------------------------------- programme slots

function renderSlots() {
  const body = $('#slot-rows');
  if (!model.slots.length) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'empty', text: t('radio.slot.none') })));
  } else {
    body.replaceChildren(
      ...model.slots.map((s) =>
        h(
          'tr',
          { 'data-slot-id': s.id, 'data-testid': 'slot' },
          h(
            'th',
            { scope: 'row' },
            h('span', { text: s.name }),
            s.lastRun ? h('small', { class: 'cl-hamlet', text: t('radio.slot.lastRun', { time: fmtTime(s.lastRun.at), outcome: t(`radio.slot.outcome.${s.lastRun.outcome}`) }) }) : null,
          ),
          h('td', { class: 'num', text: s.time }),
          h('td', { text: daysText(s.days) }),
          h('td', { 'data-testid': 'slot-next' }, s.next ? timeEl(s.next) : '—', s.next ? h('small', { class: 'cl-hamlet' }, relTimeEl(s.next)) : null),
          h('td', { class: 'num', 'data-testid': 'slot-queued', 'data-queued': s.queued, text: t('radio.slot.queuedN', { n: s.queued ?? 0 }) }),
        ),
      ),
    );
  }
  renderSlotControls();
}

function renderSlotControls() {
  $('#slots-edit').hidden = !can('radio.slots') || model.slotEditor !== null;
  if (!can('radio.slots') && model.slotEditor) {
    model.slotEditor = null;
    renderSlotEditor();
  }
}

function openSlotEditor() {
  model.slotEditor = model.slots.map((s) => ({ id: s.id, name: s.name, time: s.time, days: [...s.days], windowMin: String(s.windowMin ?? 60), isNew: false }));
  model.slotError = null;
  renderSlotControls();
  renderSlotEditor();
  /** @type {HTMLElement | null} */ (document.querySelector('#slot-form-h'))?.focus();
}

function closeSlotEditor() {
  model.slotEditor = null;
  model.slotError = null;
  renderSlotEditor();
  renderSlotControls();
}

function renderSlotEditor() {
  const host = $('#slot-editor');
  const rows = model.slotEditor;
  if (!rows) {
    host.replaceChildren();
    return;
  }
  const form = h('form', { class: 'program-form slot-form', novalidate: true, 'data-testid': 'slot-form', 'aria-labelledby': 'slot-form-h' });
  const title = h('h3', { id: 'slot-form-h', tabindex: '-1', text: t('radio.slot.edit') });
  const list = h('div', { class: 'slot-rows' });
  rows.forEach((r, i) => {
    const n = i + 1;
    const field = (key, label, el) => {
      el.id = `sf-${key}-${i}`;
      el.setAttribute('data-path', `${i}.${key}`);
      el.setAttribute('data-testid', `slot-${key}-${i}`);
      return h('div', { class: 'field' }, h('label', { for: el.id, text: t(label) }), el);
    };
    const name = h('input', { type: 'text', value: r.name, maxlength: 80, size: 14 });
    const id = h('input', { type: 'text', value: r.id, maxlength: 63, size: 10, readonly: !r.isNew, spellcheck: 'false' });
    name.addEventListener('input', () => {
      r.name = name.value;
      if (r.isNew && !r.idTyped) {
        r.id = slug(name.value, 40);
        /** @type {HTMLInputElement} */ (id).value = r.id;
      }
    });
    id.addEventListener('input', () => {
      r.id = /** @type {HTMLInputElement} */ (id).value;
      r.idTyped = true;
    });
    const time = h('input', { type: 'time', value: r.time });
    time.addEventListener('input', () => (r.time = /** @type {HTMLInputElement} */ (time).value));
    const win = h('input', { type: 'number', inputmode: 'numeric', min: 5, max: 720, step: 1, value: r.windowMin, 'aria-describedby': 'sf-window-hint' });
    win.addEventListener('input', () => (r.windowMin = /** @type {HTMLInputElement} */ (win).value));
    const days = h('fieldset', { class: 'days', 'data-path': `${i}.days` }, h('legend', { text: t('radio.slot.days') }));
    for (let x = 1; x <= 7; x++) {
      const box = h('input', { id: `sf-day-${i}-${x}`, type: 'checkbox', value: x, 'data-testid': `slot-day-${i}-${x}` });
      /** @type {HTMLInputElement} */ (box).checked = r.days.includes(x);
      box.addEventListener('change', () => {
        r.days = /** @type {HTMLInputElement} */ (box).checked ? [...new Set([...r.days, x])].sort((a, b) => a - b) : r.days.filter((y) => y !== x);
      });
      days.append(h('span', { class: 'day' }, box, h('label', { for: `sf-day-${i}-${x}`, title: t(`irr.dayLong.${x}`), text: t(`irr.day.${x}`) })));
    }
    const remove = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'aria-label': t('radio.slot.remove', { n }), 'data-testid': `slot-remove-${i}` }, '✕');
    remove.addEventListener('click', () => {
      rows.splice(i, 1);
      renderSlotEditor();
      /** @type {HTMLElement | null} */ (document.querySelector('#sf-add'))?.focus();
    });
    list.append(
      h(
        'div',
        { class: 'row', 'data-testid': 'slot-row', 'data-path': String(i) },
        h('span', { class: 'step-n', 'aria-hidden': 'true', text: `${n}.` }),
        field('name', 'radio.slot.name', name),
        field('id', 'radio.slot.id', id),
        field('time', 'radio.slot.time', time),
        field('windowMin', 'radio.slot.window', win),
        days,
        h('div', { class: 'step-tools' }, remove),
      ),
    );
  });
  const add = h('button', { id: 'sf-add', type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'slot-add', disabled: rows.length >= MAX_SLOTS }, t('radio.slot.add'));
  add.addEventListener('click', () => {
    rows.push({ id: '', name: '', time: '', days: [1, 2, 3, 4, 5, 6, 7], windowMin: '60', isNew: true });
    renderSlotEditor();
    /** @type {HTMLElement | null} */ (document.querySelector(`#sf-name-${rows.length - 1}`))?.focus();
  });
  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': 'slot-error' });
  const busy = model.busy.has('slots');
  const save = h('button', { type: 'submit', class: 'btn', 'data-testid': 'slot-save', disabled: busy }, t('radio.slot.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-light', 'data-testid': 'slot-cancel' }, t('radio.slot.cancel'));
  cancel.addEventListener('click', closeSlotEditor);
  form.append(
    title,
    h('fieldset', { class: 'fs plain' }, list, h('div', { class: 'btn-row' }, add), h('small', { id: 'sf-window-hint', class: 'hint', text: t('radio.slot.windowHint') })),
    err,
    h('div', { class: 'btn-row' }, save, cancel),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveSlots();
  });
  host.replaceChildren(form);
  showMsg(err, model.slotError);
  markInvalid(form, model.slotError);
}

async function saveSlots() {
  const rows = model.slotEditor;
  if (!rows || model.busy.has('slots')) return;
  const body = rows.map((r) => {
    const w = String(r.windowMin).trim();
    // What was typed goes as typed when it is not a number: the server says what is wrong.
    return { id: r.id.trim(), name: r.name, time: r.time, days: r.days, ...(w !== '' && { windowMin: Number.isNaN(Number(w)) ? w : Number(w) }) };
  });
  model.busy.add('slots');
  renderSlotEditor();
  const res = await act('PUT', '/api/radio/slots', body);
  model.busy.delete('slots');
  if (!res.ok) {
    model.slotError = apiError(res);
    renderSlotEditor();
    /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="slot-error"]'))?.scrollIntoView({ block: 'nearest' });
    return;
  }
  const n = Array.isArray(res.body) ? res.body.length : rows.length;
  closeSlotEditor();
  const saved = okMsg(() => t('radio.slot.saved', { n }));
  showMsg($('#slots-msg'), saved);
  setTimeout(() => showMsg($('#slots-msg'), null), OK_SHOWN_MS);
  try {
    await loadSlots();
  } catch {
    // the next event or tick refetches
  }
  renderSlots();
  renderComposeSlots();
  renderLists();
}

// ---------------------------------------------------------------- clusters

function renderClusters() {
  const body = $('#cluster-rows');
  if (!model.clusters.length) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'empty', text: t('radio.noClusters') })));
    return;
  }
  body.replaceChildren(
    ...model.clusters.map((c) => {
      const amp = c.amplifierOk === true ? 'ok' : c.amplifierOk === false ? 'fault' : 'unknown';
      const b = c.broadcastId ? model.bulletins.get(c.broadcastId) : null;
      const playing = c.playing
        ? h('span', {}, b ? b.title : t('radio.playingOther', { id: c.broadcastId ?? '?' }), ' ', c.priority ? levelBadge(c.priority) : null)
        : h('span', { class: 'muted', text: t('radio.idle') });
      return h(
        'tr',
        { 'data-cluster-id': c.id, 'data-availability': c.availability, 'data-amplifier': amp, 'data-playing': String(c.playing), 'data-testid': 'cluster' },
        h('th', { scope: 'row' }, h('span', { class: 'cl-name', text: c.name }), h('small', { class: 'cl-hamlet', text: c.hamletName })),
        h('td', {}, h('span', { class: `avail avail-${c.availability}`, 'data-testid': 'cluster-avail', text: t(`avail.${c.availability}`) })),
        h('td', {}, h('span', { class: `chip amp-${amp}`, 'data-testid': 'cluster-amp', text: t(`radio.amp.${amp}`) })),
        h('td', { 'data-testid': 'cluster-playing' }, playing),
        h('td', { class: 'num', text: typeof c.volumePct === 'number' ? withUnit(fmtNum(c.volumePct), '%') : '—' }),
      );
    }),
  );
}

// ---------------------------------------------------------------- log

function renderLog() {
  const month = input('#log-month');
  if (!/^\d{4}-\d{2}$/.test(month.value)) month.value = thisMonth();
  const link = /** @type {HTMLAnchorElement} */ ($('#log-csv'));
  link.href = `/api/radio/log?month=${encodeURIComponent(month.value)}&format=csv`;
  link.setAttribute('download', `radio-log-${month.value}.csv`);
}

// ---------------------------------------------------------------- boot

function applyTitle() {
  const name = model.site?.name;
  if (name) setText($('#site-name'), name);
  document.title = name ? `${t('radio.title')} · ${name}` : t('radio.title');
}

/** Everything again in the current language (what was typed lives in the inputs and the model). */
function renderAll() {
  applyStatic();
  applyTitle();
  renderCompose();
  renderLists();
  renderSlots();
  renderSlotEditor();
  renderClusters();
  renderLog();
}

/** The compose form as the role may use it: none to read only, emergencies only for an official. */
function fitCompose() {
  $('#compose').hidden = !can('radio.draft') && !can('radio.emergency');
  $('#drafts').hidden = !can('radio.draft');
  if (!emergencyOnly()) return;
  // At the emergency level; speech previews and uploads where the role may make audio.
  for (const o of document.querySelectorAll('#c-level option')) if (/** @type {HTMLOptionElement} */ (o).value !== 'emergency') o.remove();
  input('#c-level').value = 'emergency';
  $('#tab-audio').hidden = !can('radio.audio');
  $('#c-preview').hidden = !can('radio.audio');
}

async function init() {
  initLangToggle(renderAll);
  applyTitle();

  const form = /** @type {HTMLFormElement} */ ($('#compose-form'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveCompose('submit');
  });
  $('#c-draft').addEventListener('click', () => void saveCompose('draft'));
  $('#c-emergency').addEventListener('click', () => void saveCompose('emergency'));
  $('#c-level').addEventListener('change', () => renderCompose());
  $('#c-preview').addEventListener('click', () => void previewText());
  $('#c-text').addEventListener('input', () => {
    const stale = !!model.compose.preview && input('#c-text').value !== model.compose.previewFor;
    if (stale !== !!document.querySelector('[data-testid="preview-stale"]')) renderPreview();
  });
  $('#c-slot').addEventListener('change', () => (model.compose.slot = /** @type {HTMLSelectElement} */ ($('#c-slot')).value));
  $('#c-file').addEventListener('change', () => {
    const f = input('#c-file').files?.[0];
    if (f) void uploadFile(f);
  });
  const tabs = [...document.querySelectorAll('[data-tab]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      model.compose.tab = tab.getAttribute('data-tab') ?? 'text';
      renderCompose();
    });
    // Arrow keys move between the two tabs, as a tab list does.
    tab.addEventListener('keydown', (e) => {
      const k = /** @type {KeyboardEvent} */ (e).key;
      if (k !== 'ArrowLeft' && k !== 'ArrowRight') return;
      const next = tabs[(tabs.indexOf(tab) + 1) % tabs.length];
      model.compose.tab = next.getAttribute('data-tab') ?? 'text';
      renderCompose();
      /** @type {HTMLElement} */ (next).focus();
    });
  }
  $('#compose-new').addEventListener('click', () => {
    resetCompose();
    renderCompose();
    input('#c-title').focus();
  });
  $('#slots-edit').addEventListener('click', openSlotEditor);
  $('#log-month').addEventListener('change', renderLog);
  $('#log-form').addEventListener('submit', (e) => e.preventDefault());
  if (!(await initSession({ need: 'radio.read' }))) return;
  fitCompose();

  // Relative times every 10 s; a fallback refetch now and then (the stream carries the rest).
  setInterval(refreshRelativeTimes, 10_000);
  setInterval(() => {
    slotsSoon();
    clustersSoon();
  }, FALLBACK_MS);

  void load();
}

void init();
