// The device dashboard. Plain ES module, no build step, nothing loaded from outside the server.
//
// Data flow: GET /api/site, /api/types, /api/devices once; then the /api/events stream
// (`device`, `command`) keeps it live, and every (re)connect refetches /api/devices.
// Device types are data: cards, readings and command forms are built from the type's
// capabilities and its commands' JSON Schemas. Nothing here switches on a device type.
//
// The state a card shows is only what the device reported. Commands are shown apart, with
// their own status (pending until the device acks), never as if they had already happened.

import {
  $,
  applyStatic as applyCommonStatic,
  can,
  codeText,
  fmtDuration,
  fmtTime,
  fold,
  getJson,
  h,
  initLangToggle,
  initSession,
  issuerName,
  liveStream,
  numberFormat,
  refreshRelativeTimes,
  relTimeEl,
  request,
  setSiteTz,
  setText,
  showConn,
  showLoadError,
  withUnit,
} from './common.js';
import { keyLabel, pick, t, valueLabel } from './i18n.js';

/** @typedef {{ id: string, deviceId: string, action: string, params: Record<string, unknown>, status: string, reason?: string, issuer?: string, issuedAt: string, expiresAt: string, settledAt?: string }} Command */

const model = {
  site: /** @type {any} */ (null),
  hamlets: /** @type {Map<string, string>} */ (new Map()),
  zones: /** @type {Map<string, any>} */ (new Map()),
  types: /** @type {Map<string, any>} */ (new Map()),
  devices: /** @type {Map<string, any>} */ (new Map()),
  commands: /** @type {Map<string, Command>} */ (new Map()),
  /** What the user typed, by "device|action|param": kept across re-renders and language switches. */
  drafts: new Map(),
  /** The last send error, by "device|action". */
  errors: new Map(),
  /** "device|action" being posted now. */
  sending: new Set(),
  layoutKey: '',
};

/** Built cards by device id. A card is built once and then updated in place, so typing survives live updates. */
const cards = new Map();

const KEEP_COMMANDS_PER_DEVICE = 10;

// ---------------------------------------------------------------- formatting

function decimalsOf(step) {
  const s = String(step);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function fmtNumber(n, cap) {
  let digits;
  if (cap?.step !== undefined) digits = decimalsOf(cap.step);
  else if (Number.isInteger(n)) digits = 0;
  else digits = Math.abs(n) < 10 ? 2 : 1;
  return numberFormat(digits).format(n);
}

/** A seconds value (a capability with unit "s", or a key like durationS / remainingS). */
function isSeconds(key, cap) {
  if (cap?.unit) return cap.unit === 's';
  return /[a-z]S$/.test(key);
}

const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** A value for display: booleans and enums as words, seconds as a duration, numbers with units. */
function fmtValue(key, value, cap) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return valueLabel(key, value) ?? t(value ? 'yes' : 'no');
  if (typeof value === 'number') {
    if (isSeconds(key, cap)) return fmtDuration(value);
    return withUnit(fmtNumber(value, cap), cap?.unit);
  }
  if (typeof value === 'string') {
    const word = valueLabel(key, value);
    if (word) return word;
    if (ISO_RE.test(value)) return fmtTime(value);
    return value;
  }
  return JSON.stringify(value);
}

/** A reading that needs attention, by convention of the capability: an enum that is not "ok", or a false "…Ok" flag. */
function needsAttention(cap, value) {
  if (!cap) return false;
  if (cap.kind === 'enum' && cap.values?.includes('ok')) return value !== 'ok';
  if (cap.kind === 'boolean' && /Ok$/.test(cap.key)) return value === false;
  return false;
}

function capFor(type, key, preferSet = false) {
  const caps = type?.capabilities ?? [];
  if (preferSet) {
    const set = caps.find((c) => c.key === key && c.access === 'set');
    if (set) return set;
  }
  return caps.find((c) => c.key === key);
}

function labelFor(type, key) {
  const cap = capFor(type, key, true);
  return cap ? pick(cap.label, key) : keyLabel(key);
}

/** A state field's name: a state flag like "playing" reads better as "Playback: Playing" than under its reading's label. */
function stateLabel(type, key) {
  const own = keyLabel(key);
  return own !== key ? own : labelFor(type, key);
}

function actionLabel(action) {
  const k = `action.${action}`;
  const s = t(k);
  return s === k ? action : s;
}

// ---------------------------------------------------------------- model updates

function applySite(data) {
  model.site = data.site ?? {};
  setSiteTz(model.site.tz);
  model.hamlets = new Map((data.hamlets ?? []).map((x) => [x.id, x.name]));
  model.zones = new Map((data.zones ?? []).map((z) => [z.id, z]));
}

function applyTypes(list) {
  model.types = new Map(list.map((x) => [x.type, x]));
}

function statusRank(status) {
  if (status === 'pending' || status === 'sending') return 0;
  if (status === 'unknown') return 1;
  return 2;
}

/** Merge a command; a settled status is never overwritten by an older "pending" copy. */
function upsertCommand(c) {
  if (!c || !c.id) return;
  const old = model.commands.get(c.id);
  if (old && statusRank(old.status) > statusRank(c.status)) return;
  model.commands.set(c.id, { ...old, ...c });
  pruneCommands(c.deviceId);
}

function pruneCommands(deviceId) {
  const list = commandsFor(deviceId);
  for (const c of list.slice(KEEP_COMMANDS_PER_DEVICE)) {
    if (c.status !== 'pending') model.commands.delete(c.id);
  }
}

/** Known commands for a device, newest first. */
function commandsFor(deviceId) {
  return [...model.commands.values()]
    .filter((c) => c.deviceId === deviceId)
    .sort((a, b) => String(b.issuedAt).localeCompare(String(a.issuedAt)));
}

function applyDevice(dev) {
  model.devices.set(dev.id, dev);
  for (const c of dev.pending ?? []) upsertCommand({ ...c, deviceId: c.deviceId ?? dev.id });
  for (const c of dev.recent ?? []) upsertCommand({ ...c, deviceId: c.deviceId ?? dev.id });
}

/**
 * After a resync, a command we still hold as pending but the device no longer lists was settled
 * while the stream was down. Ask for it; if the server cannot say, show "outcome unknown".
 */
async function settleMissed(devices) {
  const pendingNow = new Set(devices.flatMap((d) => (d.pending ?? []).map((c) => c.id)));
  const missed = [...model.commands.values()].filter((c) => c.status === 'pending' && !pendingNow.has(c.id));
  await Promise.all(
    missed.map(async (c) => {
      try {
        const body = await getJson(`/api/commands/${encodeURIComponent(c.id)}`);
        upsertCommand(body.command ?? body);
      } catch {
        upsertCommand({ ...c, status: 'unknown' });
      }
      updateCard(c.deviceId);
    }),
  );
}

// ---------------------------------------------------------------- live stream

let stream = null;
let resyncing = false;
let buffered = [];

function connect() {
  stream = liveStream({
    events: ['device', 'command'],
    onOpen: () => void resync(),
    onEvent: (kind, data) => onEvent(kind, data),
  });
}

function onEvent(kind, data) {
  if (resyncing) buffered.push([kind, data]);
  handleEvent(kind, data);
}

function handleEvent(kind, data) {
  if (kind === 'device') {
    applyDevice(data);
    if (cards.has(data.id) && layoutKey() === model.layoutKey) updateCard(data.id);
    else renderLayout();
    updateCounts();
  } else if (kind === 'command') {
    upsertCommand(data);
    updateCard(data.deviceId);
  }
}

/** Refetch all devices; events that arrive meanwhile are applied again on top. */
async function resync() {
  if (resyncing) return;
  resyncing = true;
  buffered = [];
  try {
    const devices = await getJson('/api/devices');
    const ids = new Set(devices.map((d) => d.id));
    for (const id of [...model.devices.keys()]) if (!ids.has(id)) model.devices.delete(id);
    for (const d of devices) applyDevice(d);
    for (const [kind, data] of buffered) {
      if (kind === 'device') applyDevice(data);
      else upsertCommand(data);
    }
    renderLayout();
    updateAllCards();
    updateCounts();
    void settleMissed(devices);
  } catch {
    // the stream will reconnect and try again
  } finally {
    resyncing = false;
    buffered = [];
  }
}

// ---------------------------------------------------------------- header, filters, layout

function applyStatic() {
  applyCommonStatic();
  showConn(stream ? stream.state() : 'connecting');
  const siteName = model.site?.name;
  if (siteName) setText($('#site-name'), siteName);
  document.title = siteName ? `${siteName} · ${t('appTitle')}` : t('appTitle');
  fillTypeFilter();
  updateCounts();
}

function fillTypeFilter() {
  const sel = /** @type {HTMLSelectElement} */ ($('#f-type'));
  const keep = sel.value;
  sel.replaceChildren(h('option', { value: '', text: t('allTypes') }));
  for (const type of model.types.values()) {
    sel.append(h('option', { value: type.type, text: pick(type.label, type.type) }));
  }
  sel.value = model.types.has(keep) ? keep : '';
}

function updateCounts() {
  let on = 0;
  let off = 0;
  let unknown = 0;
  for (const d of model.devices.values()) {
    if (d.availability === 'online') on++;
    else if (d.availability === 'offline') off++;
    else unknown++;
  }
  setText($('#count-online'), t('countOnline', { n: on }));
  setText($('#count-offline'), t('countOffline', { n: off }));
  const u = $('#count-unknown');
  setText(u, t('countUnknown', { n: unknown }));
  u.hidden = unknown === 0;
  for (const sec of document.querySelectorAll('section.hamlet')) updateHamletSummary(/** @type {HTMLElement} */ (sec));
}

function hamletOf(dev) {
  return dev.hamlet && model.hamlets.has(dev.hamlet) ? dev.hamlet : '';
}

function byName(a, b) {
  return String(a.name ?? a.id).localeCompare(String(b.name ?? b.id), 'vi', { numeric: true });
}

/** What the layout depends on; when it changes the groups are rebuilt (cards are reused). */
function layoutKey() {
  return [...model.devices.values()]
    .map((d) => `${d.id}|${hamletOf(d)}|${d.type}|${d.name}`)
    .sort()
    .join('\n');
}

function renderLayout() {
  model.layoutKey = layoutKey();
  const groups = $('#groups');
  const hamletIds = [...model.hamlets.keys()];
  const devices = [...model.devices.values()];
  if (devices.some((d) => !hamletOf(d))) hamletIds.push('');
  const typeOrder = [...model.types.keys()];
  for (const d of devices) if (!typeOrder.includes(d.type)) typeOrder.push(d.type);

  const sections = [];
  for (const hid of hamletIds) {
    const inHamlet = devices.filter((d) => hamletOf(d) === hid);
    if (inHamlet.length === 0) continue;
    const headId = `hamlet-${hid || 'none'}`;
    const section = h(
      'section',
      { class: 'hamlet', 'data-hamlet': hid, 'aria-labelledby': headId },
      h(
        'h2',
        { id: headId },
        h('span', { class: 'hamlet-name', text: hid ? model.hamlets.get(hid) : t('otherHamlet') }),
        ' ',
        h('span', { class: 'hamlet-summary' }),
      ),
    );
    const body = h('div', { class: 'hamlet-body' });
    section.append(body);
    for (const type of typeOrder) {
      const ofType = inHamlet.filter((d) => d.type === type).sort(byName);
      if (ofType.length === 0) continue;
      const typeDef = model.types.get(type);
      const group = h(
        'div',
        { class: 'type-group', 'data-type': type, style: { '--n': Math.min(ofType.length, 4) } },
        h('h3', { text: `${pick(typeDef?.label, type)} (${ofType.length})` }),
      );
      const grid = h('div', { class: 'cards' });
      for (const d of ofType) grid.append(cardFor(d.id).root);
      group.append(grid);
      body.append(group);
    }
    sections.push(section);
  }
  groups.replaceChildren(...sections);
  for (const id of [...cards.keys()]) if (!model.devices.has(id)) cards.delete(id);
  updateCounts();
  applyFilter();
}

function updateHamletSummary(section) {
  const hid = section.dataset.hamlet ?? '';
  const list = [...model.devices.values()].filter((d) => hamletOf(d) === hid);
  const off = list.filter((d) => d.availability === 'offline').length;
  let s = `· ${t('deviceCount', { n: list.length })}`;
  if (off) s += ` · ${t('hamletOffline', { n: off })}`;
  const el = section.querySelector('.hamlet-summary');
  if (el) setText(el, s);
}

function applyFilter() {
  const type = /** @type {HTMLSelectElement} */ ($('#f-type')).value;
  const words = fold(/** @type {HTMLInputElement} */ ($('#f-q')).value).split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const [id, card] of cards) {
    const dev = model.devices.get(id);
    if (!dev) continue;
    const hay = searchText(dev);
    const ok = (!type || dev.type === type) && words.every((w) => hay.includes(w));
    card.root.hidden = !ok;
    if (ok) shown++;
  }
  for (const g of document.querySelectorAll('.type-group')) {
    /** @type {HTMLElement} */ (g).hidden = !g.querySelector('.card:not([hidden])');
  }
  for (const s of document.querySelectorAll('section.hamlet')) {
    /** @type {HTMLElement} */ (s).hidden = !s.querySelector('.card:not([hidden])');
  }
  const notice = $('#notice');
  if (model.devices.size === 0) setText(notice, t('noDevices'));
  else if (shown === 0) setText(notice, t('noMatch'));
  else if (notice.dataset.kind !== 'error') setText(notice, '');
}

function searchText(dev) {
  const type = model.types.get(dev.type);
  const zone = dev.zone ? model.zones.get(dev.zone) : undefined;
  return fold(
    [
      dev.name,
      dev.id,
      type?.label?.vi,
      type?.label?.en,
      dev.hamlet,
      model.hamlets.get(dev.hamlet),
      dev.zone,
      zone?.name,
      zone?.crop,
    ].join(' '),
  );
}

// ---------------------------------------------------------------- device cards

function cardFor(id) {
  let card = cards.get(id);
  if (!card) {
    card = buildCard(model.devices.get(id));
    cards.set(id, card);
    updateCard(id);
  }
  return card;
}

function buildCard(dev) {
  const type = model.types.get(dev.type);
  const headId = `dev-${dev.id}`;
  const refs = {
    name: h('h4', { class: 'dev-name', id: headId }),
    meta: h('p', { class: 'dev-meta' }),
    avail: h('p', { class: 'avail', 'data-testid': 'availability' }, h('span', { class: 'avail-icon', 'aria-hidden': 'true' }), h('span', { class: 'avail-text' })),
    seen: h('p', { class: 'seen', 'data-testid': 'last-seen' }),
    readingsHead: h('h5'),
    readings: h('dl', { class: 'kv', 'data-testid': 'readings' }),
    stateHead: h('h5'),
    stateNote: h('p', { class: 'note stale', hidden: true }),
    state: h('dl', { class: 'kv', 'data-testid': 'state' }),
    controlHead: h('h5', { text: t('control') }),
    status: h('p', { class: 'cmd-status', 'data-testid': 'cmd-status', 'aria-live': 'polite', hidden: true }),
    pendingHead: h('p', { class: 'note', text: t('alsoPending'), hidden: true }),
    pending: h('ul', { class: 'pending', 'data-testid': 'pending-list', hidden: true }),
    offlineHint: h('p', { class: 'note', text: t('offlineHint'), hidden: true }),
    // Command forms only for a role that may send commands (a farmer's list holds only their zones).
    controls: type && can('devices.command') ? buildControls(dev, type) : null,
  };
  const hasState = !!type?.commands?.length;
  const root = h(
    'article',
    { class: 'card', 'data-device-id': dev.id, 'data-type': dev.type, 'aria-labelledby': headId },
    h('header', { class: 'card-head' }, h('div', { class: 'card-title' }, refs.name, refs.meta), refs.avail),
    refs.seen,
    h(
      'section',
      { class: 'block' },
      refs.readingsHead,
      refs.readings,
      // The history charts are the typed app's page (dashboards/app).
      h('a', { class: 'history-link', href: `/app/history.html?device=${encodeURIComponent(dev.id)}`, 'data-testid': 'history-link', text: t('history') }),
    ),
  );
  refs.stateBlock = h('section', { class: 'block', hidden: !hasState }, refs.stateHead, refs.stateNote, refs.state);
  refs.controlBlock = h(
    'section',
    { class: 'block control', hidden: !refs.controls },
    refs.controlHead,
    refs.status,
    refs.pendingHead,
    refs.pending,
    refs.offlineHint,
    refs.controls,
  );
  root.append(refs.stateBlock, refs.controlBlock);
  return { root, refs, type };
}

function updateAllCards() {
  for (const id of cards.keys()) updateCard(id);
}

function updateCard(id) {
  const card = cards.get(id);
  const dev = model.devices.get(id);
  if (!card || !dev) return;
  const { refs, root } = card;
  const type = model.types.get(dev.type);
  const avail = ['online', 'offline'].includes(dev.availability) ? dev.availability : 'unknown';

  root.dataset.availability = avail;
  setText(refs.name, dev.name ?? dev.id);
  const zone = dev.zone ? model.zones.get(dev.zone) : undefined;
  refs.meta.replaceChildren(
    h('code', { class: 'dev-id', text: dev.id }),
    ` · ${pick(type?.label, dev.type)}`,
    zone || dev.zone ? ` · ${t('zone', { name: zone?.name ?? dev.zone })}` : '',
  );

  refs.avail.className = `avail avail-${avail}`;
  refs.avail.dataset.availability = avail;
  setText(refs.avail.querySelector('.avail-icon'), avail === 'online' ? '●' : avail === 'offline' ? '○' : '?');
  setText(refs.avail.querySelector('.avail-text'), t(`avail.${avail}`));

  refs.seen.replaceChildren(
    dev.lastSeen
      ? h('span', {}, ...relTime('lastSeen', dev.lastSeen))
      : t('neverSeen'),
  );

  // Readings: the type's read capabilities the device has sent.
  const readCaps = (type?.capabilities ?? []).filter((c) => c.access === 'read');
  const shown = readCaps.filter((c) => dev.telemetry && dev.telemetry[c.key] !== undefined);
  refs.readingsHead.replaceChildren(t('readings'), ...(dev.telemetryAt ? [' · ', relTimeEl(dev.telemetryAt)] : []));
  if (shown.length === 0) refs.readings.replaceChildren(h('p', { class: 'note', text: t('noReadings') }));
  else {
    refs.readings.replaceChildren(
      ...shown.map((c) => {
        const v = dev.telemetry[c.key];
        return h(
          'div',
          { class: needsAttention(c, v) ? 'kv-row warn' : 'kv-row', 'data-key': c.key },
          h('dt', { text: pick(c.label, c.key) }),
          h('dd', { text: fmtValue(c.key, v, c) }),
        );
      }),
    );
  }

  // Reported state: exactly what the device said, with when.
  const hasState = dev.state && typeof dev.state === 'object' && Object.keys(dev.state).length > 0;
  refs.stateBlock.hidden = !hasState && !type?.commands?.length;
  refs.stateHead.replaceChildren(t('reportedState'), ...(dev.stateAt ? [' · ', relTimeEl(dev.stateAt)] : []));
  refs.stateNote.hidden = !(hasState && avail !== 'online');
  setText(refs.stateNote, t('staleState'));
  if (!hasState) refs.state.replaceChildren(h('p', { class: 'note', text: t('noState') }));
  else {
    refs.state.replaceChildren(
      ...Object.entries(dev.state)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => {
          const cap = capFor(type, k);
          const dd = h('dd', { text: fmtValue(k, v, cap) });
          // A device-side countdown keeps running between reports: show it as an estimate.
          if (typeof v === 'number' && /^remaining/.test(k) && isSeconds(k, cap) && dev.stateAt && avail === 'online' && v > 0) {
            dd.dataset.countdown = String(v);
            dd.dataset.from = dev.stateAt;
            dd.title = t('estimated', { time: fmtTime(dev.stateAt) });
            tickCountdown(dd);
          }
          return h('div', { class: needsAttention(cap, v) ? 'kv-row warn' : 'kv-row', 'data-key': k }, h('dt', { text: stateLabel(type, k) }), dd);
        }),
    );
  }

  updateCommands(card, dev, type, avail);
}

function relTime(key, iso) {
  return [t(key, { when: '' }).trim(), ' ', relTimeEl(iso)];
}

function tickCountdown(dd) {
  const base = Number(dd.dataset.countdown);
  const from = new Date(dd.dataset.from ?? '').getTime();
  const left = Math.max(0, base - (Date.now() - from) / 1000);
  setText(dd, `≈ ${fmtDuration(left)}`);
}

function updateCommands(card, dev, type, avail) {
  const { refs } = card;
  const list = commandsFor(dev.id);
  const latest = list[0];
  refs.controlBlock.hidden = !refs.controls && list.length === 0;
  refs.offlineHint.hidden = !(refs.controls && avail === 'offline');

  if (!latest) {
    refs.status.hidden = true;
    refs.status.removeAttribute('data-status');
    refs.status.replaceChildren();
  } else {
    refs.status.hidden = false;
    refs.status.dataset.status = latest.status;
    refs.status.dataset.commandId = latest.id;
    refs.status.dataset.action = latest.action;
    refs.status.replaceChildren(...commandLine(latest, type, true));
  }

  const others = list.slice(1).filter((c) => c.status === 'pending');
  refs.pendingHead.hidden = others.length === 0;
  refs.pending.hidden = others.length === 0;
  refs.pending.replaceChildren(
    ...others.map((c) =>
      h('li', { 'data-testid': 'cmd-pending', 'data-status': c.status, 'data-command-id': c.id, 'data-action': c.action }, ...commandLine(c, type, false)),
    ),
  );

  // Buttons are disabled only while their own request is in flight.
  if (refs.controls) {
    for (const form of refs.controls.querySelectorAll('form[data-action]')) {
      const action = form.getAttribute('data-action');
      const busy = model.sending.has(`${dev.id}|${action}`);
      const btn = form.querySelector('button[type=submit]');
      if (btn) {
        btn.disabled = busy;
        btn.setAttribute('aria-busy', String(busy));
      }
    }
  }
}

function statusWord(c) {
  const word = t(`cmd.${c.status}`);
  return c.status === 'rejected' && c.reason ? `${word}: ${c.reason}` : word;
}

function commandLine(c, type, withLabel) {
  const params = Object.entries(c.params ?? {})
    .map(([k, v]) => fmtValue(k, v, capFor(type, k, true)))
    .join(', ');
  const what = params ? `${actionLabel(c.action)} · ${params}` : actionLabel(c.action);
  const when =
    c.status === 'pending'
      ? [t('sentAt', { time: fmtTime(c.issuedAt) }), c.expiresAt ? t('expiresAt', { time: fmtTime(c.expiresAt) }) : ''].filter(Boolean).join(', ')
      : c.settledAt
        ? t('settledAt', { time: fmtTime(c.settledAt) })
        : t('sentAt', { time: fmtTime(c.issuedAt) });
  return [
    withLabel ? h('span', { class: 'cmd-label', text: `${t('lastCommand')}: ` }) : '',
    h('span', { class: 'cmd-what', text: what }),
    ' — ',
    h('strong', { class: `cmd-word cmd-${c.status}`, 'data-testid': withLabel ? 'cmd-word' : undefined, text: statusWord(c) }),
    h('span', { class: 'cmd-when', text: ` · ${when}${c.issuer ? ` · ${t('byIssuer', { who: issuerName(c.issuer) })}` : ''}` }),
  ];
}

// ---------------------------------------------------------------- command forms from JSON Schema

/**
 * Plan a command's form from its params schema. Numbers, integers, enums and booleans become
 * inputs. An optional free-text parameter is left out; a required one means the command needs a
 * page of its own (e.g. a broadcast needs audio), so it is not offered on the card.
 */
function planCommand(cmd, type) {
  const schema = cmd.params ?? {};
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const fields = [];
  for (const [key, ps] of Object.entries(props)) {
    const f = planField(key, ps ?? {}, type, required.has(key));
    if (f) fields.push(f);
    else if (required.has(key)) return null;
  }
  return { action: cmd.action, fields };
}

function planField(key, ps, type, required) {
  const cap = capFor(type, key, true);
  const jt = Array.isArray(ps.type) ? ps.type.find((x) => x !== 'null') : ps.type;
  const base = { key, cap, required, default: ps.default };
  const values = ps.enum ?? (cap?.kind === 'enum' ? cap.values : undefined);
  if (Array.isArray(values) && values.length) return { ...base, kind: 'enum', values };
  if (jt === 'integer' || jt === 'number') {
    const min = ps.minimum ?? (ps.exclusiveMinimum !== undefined ? ps.exclusiveMinimum : undefined) ?? cap?.min;
    const max = ps.maximum ?? (ps.exclusiveMaximum !== undefined ? ps.exclusiveMaximum : undefined) ?? cap?.max;
    if (isSeconds(key, cap)) return { ...base, kind: 'minutes', min, max };
    const step = cap?.step ?? (jt === 'integer' ? 1 : undefined);
    const slider = min !== undefined && max !== undefined && max - min <= 1000;
    return { ...base, kind: 'number', min, max, step, unit: cap?.unit, slider };
  }
  if (jt === 'boolean') return { ...base, kind: 'boolean' };
  return null;
}

function buildControls(dev, type) {
  const wrap = h('div', { class: 'controls' });
  const row = h('div', { class: 'btn-row' });
  for (const cmd of type.commands ?? []) {
    const plan = planCommand(cmd, type);
    if (!plan) continue;
    const form = buildForm(dev, type, plan);
    (plan.fields.length ? wrap : row).append(form);
  }
  if (row.childElementCount) wrap.append(row);
  return wrap.childElementCount ? wrap : null;
}

function fieldLabel(type, f) {
  const label = labelFor(type, f.key);
  if (f.kind === 'minutes') return t('inMinutes', { label });
  if (f.kind === 'number' && f.unit) return t('withUnit', { label, unit: f.unit });
  return label;
}

function buildForm(dev, type, plan) {
  const { action } = plan;
  const form = h('form', {
    class: plan.fields.length ? 'cmd-form' : 'cmd-form bare',
    novalidate: true,
    'data-testid': `cmd-form-${action}`,
    'data-action': action,
  });
  const fieldsBox = h('div', { class: 'fields' });
  const hints = [];
  for (const f of plan.fields) {
    const [field, hint] = buildField(dev, type, action, f);
    fieldsBox.append(field);
    if (hint) hints.push(hint);
  }
  const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': `cmd-${action}` }, actionLabel(action));
  const err = h('div', { class: 'cmd-error', role: 'alert', 'data-testid': `cmd-error-${action}` });
  if (plan.fields.length) fieldsBox.append(h('div', { class: 'field submit' }, btn), ...hints);
  form.append(...(plan.fields.length ? [fieldsBox] : [btn]), err);

  form.addEventListener('input', (e) => {
    const el = /** @type {HTMLInputElement} */ (e.target);
    const key = el.dataset?.param;
    if (!key) return;
    model.drafts.set(`${dev.id}|${action}|${key}`, el.type === 'checkbox' ? String(el.checked) : el.value);
    el.removeAttribute('aria-invalid');
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(dev.id, type, plan, form);
  });
  showError(form, model.errors.get(`${dev.id}|${action}`));
  return form;
}

function initialValue(dev, action, f) {
  const draft = model.drafts.get(`${dev.id}|${action}|${f.key}`);
  if (draft !== undefined) return draft;
  if (f.kind === 'minutes') return f.default !== undefined ? String(f.default / 60) : '';
  // Start from what the device last reported (e.g. the current level), never from a commanded value.
  const reported = dev.state?.[f.key] ?? dev.telemetry?.[f.key];
  if (reported !== undefined && reported !== null) return String(reported);
  return f.default !== undefined ? String(f.default) : '';
}

function buildField(dev, type, action, f) {
  const id = `f-${dev.id}-${action}-${f.key}`;
  const testid = `cmd-${action}-${f.key}`;
  const value = initialValue(dev, action, f);
  const label = h('label', { for: id, text: fieldLabel(type, f) });
  const wrap = h('div', { class: 'field', 'data-param': f.key });
  const common = { id, name: f.key, 'data-param': f.key, 'data-testid': testid, required: f.required };

  if (f.kind === 'enum') {
    const sel = h('select', common);
    if (!f.required) sel.append(h('option', { value: '', text: t('optional') }));
    for (const v of f.values) sel.append(h('option', { value: v, text: valueLabel(f.key, v) ?? v }));
    sel.value = value || (f.required ? f.values[0] : '');
    wrap.append(label, sel);
    return [wrap];
  }
  if (f.kind === 'boolean') {
    const box = h('input', { ...common, type: 'checkbox', required: undefined });
    box.checked = value === 'true';
    wrap.classList.add('check');
    wrap.append(box, label);
    return [wrap];
  }

  const minutes = f.kind === 'minutes';
  const min = minutes ? (f.min !== undefined ? Math.ceil(f.min / 60) : 0) : f.min;
  const max = minutes ? (f.max !== undefined ? Math.floor(f.max / 60) : undefined) : f.max;
  const unit = minutes ? t('unit.min') : f.unit ?? '';
  const hintId = `${id}-hint`;
  const num = h('input', {
    ...common,
    type: 'number',
    inputmode: minutes || f.step === undefined || f.step % 1 ? 'decimal' : 'numeric',
    min,
    max,
    step: minutes ? 'any' : f.step ?? 'any',
    value,
    'aria-describedby': min !== undefined && max !== undefined ? hintId : undefined,
  });
  wrap.append(label);
  if (f.slider) {
    const range = h('input', {
      type: 'range',
      min,
      max,
      step: f.step ?? 'any',
      value: value === '' ? undefined : value,
      'aria-label': labelFor(type, f.key),
      'data-testid': `${testid}-range`,
    });
    range.addEventListener('input', () => {
      num.value = range.value;
      num.dispatchEvent(new Event('input', { bubbles: true }));
    });
    num.addEventListener('input', () => {
      if (num.value !== '') range.value = num.value;
    });
    wrap.append(h('div', { class: 'slider' }, range, num));
  } else {
    wrap.append(num);
  }
  const hint =
    min !== undefined && max !== undefined
      ? h('small', { id: hintId, class: 'hint', text: t('range', { min: fmtNumber(min), max: fmtNumber(max), unit }).trim() })
      : null;
  return [wrap, hint];
}

/** Post a command. The inputs keep what the user typed whatever the outcome. */
async function send(deviceId, type, plan, form) {
  const { action } = plan;
  const ekey = `${deviceId}|${action}`;
  if (model.sending.has(ekey)) return;
  const params = {};
  const sentSeconds = {};
  const local = [];
  for (const f of plan.fields) {
    const input = /** @type {HTMLInputElement} */ (form.querySelector(`[data-param="${f.key}"]:is(input, select)`));
    if (!input) continue;
    if (f.kind === 'boolean') {
      params[f.key] = input.checked;
      continue;
    }
    if (input.validity?.badInput) {
      local.push({ f });
      continue;
    }
    const raw = input.value.trim();
    if (raw === '') continue; // a missing required value is for the server to name
    if (f.kind === 'enum') params[f.key] = raw;
    else if (f.kind === 'minutes') {
      params[f.key] = Math.round(Number(raw) * 60);
      sentSeconds[f.key] = params[f.key];
    } else params[f.key] = Number(raw);
  }
  if (local.length) {
    setError(deviceId, form, () => ({ title: t('badRequest'), lines: local.map((l) => `${fieldLabel(type, l.f)}: ${t('notANumber')}`), fields: local.map((l) => l.f.key) }));
    return;
  }

  model.sending.add(ekey);
  updateCard(deviceId);
  const res = await request('POST', `/api/devices/${encodeURIComponent(deviceId)}/commands`, { action, params });
  const body = res.body;
  model.sending.delete(ekey);

  if (res.status === 0) setError(deviceId, form, () => ({ title: t('networkError'), lines: [] }));
  else if (res.ok) {
    setError(deviceId, form, undefined);
    if (body?.command) upsertCommand({ ...body.command, deviceId: body.command.deviceId ?? deviceId });
  } else if (res.status === 400) {
    const issues = Array.isArray(body?.issues) ? body.issues : [];
    const message = String(body?.message ?? '');
    // Built when shown, so the words follow a language switch.
    setError(deviceId, form, () => {
      const fields = [];
      const lines = issues.length
        ? issues.map((i) => {
            const key = issueKey(i.path);
            const f = plan.fields.find((x) => x.key === key);
            if (!f) return key ? `${key}: ${i.message}` : String(i.message);
            fields.push(key);
            const sent = sentSeconds[key] !== undefined ? ` (${t('sentSeconds', { n: sentSeconds[key] })})` : '';
            return `${labelFor(type, f.key)}${sent}: ${i.message}`;
          })
        : [message];
      return { title: t('badRequest'), lines, fields };
    });
  } else if (res.status === 409) {
    const message = String(body?.message ?? '');
    setError(deviceId, form, () => ({ title: t('refused'), lines: [message] }));
  } else if (res.status === 404) {
    const lines = body?.message ? [String(body.message)] : [];
    setError(deviceId, form, () => ({ title: t('notFound'), lines }));
  } else {
    const { status } = res;
    const code = body?.code;
    const lines = body?.message ? [String(body.message)] : [];
    setError(deviceId, form, () => ({ title: codeText(code) || t('serverError', { status }), lines }));
  }
  updateCard(deviceId);
}

/** The parameter an issue is about: "params.durationS", "/params/durationS" or ["params", "durationS"]. */
function issueKey(path) {
  const parts = Array.isArray(path) ? path.map(String) : String(path ?? '').split(/[./[\]]+/);
  return parts.filter(Boolean).pop() ?? '';
}

function setError(deviceId, form, error) {
  const ekey = `${deviceId}|${form.getAttribute('data-action')}`;
  if (error) model.errors.set(ekey, error);
  else model.errors.delete(ekey);
  showError(form, error);
}

/** `error` is a function that builds { title, lines, fields } in the current language. */
function showError(form, errorFn) {
  const error = typeof errorFn === 'function' ? errorFn() : errorFn;
  const box = /** @type {HTMLElement} */ (form.querySelector('.cmd-error'));
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (!error) {
    box.replaceChildren();
    box.classList.remove('shown');
    return;
  }
  const lines = error.lines.filter(Boolean);
  box.replaceChildren(h('strong', { text: error.title }), ...(lines.length ? [h('ul', {}, ...lines.map((l) => h('li', { text: l })))] : []));
  box.classList.add('shown');
  for (const key of error.fields ?? []) form.querySelector(`input[data-param="${key}"], select[data-param="${key}"]`)?.setAttribute('aria-invalid', 'true');
}

// ---------------------------------------------------------------- boot

function renderAll() {
  applyStatic();
  cards.clear();
  renderLayout();
}

async function load() {
  const notice = $('#notice');
  notice.dataset.kind = '';
  setText(notice, t('loading'));
  try {
    const [site, types, devices] = await Promise.all([getJson('/api/site'), getJson('/api/types'), getJson('/api/devices')]);
    applySite(site);
    applyTypes(types);
    model.devices.clear();
    for (const d of devices) applyDevice(d);
    setText(notice, '');
    renderAll();
    if (!stream) connect();
  } catch {
    showLoadError(() => void load());
  }
}

async function init() {
  initLangToggle(renderAll);
  applyStatic();
  $('#f-type').addEventListener('change', applyFilter);
  $('#f-q').addEventListener('input', applyFilter);
  $('#filters').addEventListener('submit', (e) => e.preventDefault());

  // Relative times every 10 s; countdowns every second.
  let n = 0;
  setInterval(() => {
    for (const dd of document.querySelectorAll('[data-countdown]')) tickCountdown(/** @type {HTMLElement} */ (dd));
    if (++n % 10 === 0) {
      refreshRelativeTimes();
    }
  }, 1000);

  if (await initSession()) void load();
}

void init();
