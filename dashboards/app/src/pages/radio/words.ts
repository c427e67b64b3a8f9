// The radio's data in words: zones, days, reasons, the reach sentence, history lines, and a
// refused request as a message. Pure functions of the store's lists and the current language.
import type { Message, MessageFn } from '../../components/Msg.js';
import { ApiError } from '../../lib/http.js';
import { codeText, isKey, t, type Key } from '../../lib/i18n.js';
import { fmtNum, siteParts, siteTimeToMs, withUnit } from '../../lib/format.js';
import type { Bulletin, Delivery, NotReached } from './api.js';
import { slots, zones } from './store.js';

export const IN_FLIGHT: ReadonlySet<string> = new Set(['queued', 'sent', 'acked', 'started']);

export const hamletName = (id: string): string => zones.value.hamlets.find((x) => x.id === id)?.name ?? id;
export const slotName = (id: string): string => slots.value.find((s) => s.id === id)?.name ?? id;
export const whoText = (id: string): string => (id === 'radio' ? t('radio.system') : id);

export function zoneName(id: string): string {
  if (id === 'commune') return t('radio.zone.commune');
  return zones.value.groups.find((g) => g.id === id)?.name ?? hamletName(id);
}
export const zonesText = (ids: readonly string[] | undefined): string => (ids ?? []).map(zoneName).join(', ');

export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? withUnit(fmtNum(bytes / 1024 / 1024, 1), 'MB') : withUnit(fmtNum(Math.max(1, Math.round(bytes / 1024))), 'KB');
}

export function daysText(days: readonly number[]): string {
  const d = [...days].sort((a, b) => a - b);
  return d.length === 7 ? t('radio.slot.everyDay') : d.map((x) => (isKey(`irr.day.${x}`) ? t(`irr.day.${x}` as Key) : String(x))).join(', ');
}

/** The words of a key built from a server value, or the value itself when there are none. */
function known(key: string, fallback: string): string {
  return isKey(key) ? t(key) : fallback;
}

type ReasonCode = NonNullable<Delivery['reasonCode']>;
/** Words for a delivery's reason code; a speaker's or the command service's own text has none. */
const REASON: Partial<Record<ReasonCode, Key>> = {
  offline: 'radio.reason.offline',
  busy: 'radio.reason.busy',
  preempted: 'radio.reason.preempted',
  stopped: 'radio.reason.stopped',
  cancelled: 'radio.reason.cancelled',
  'no-end': 'radio.reason.noEnd',
  'window-closed': 'radio.reason.windowClosed',
  expired: 'radio.reason.expired',
  'no-answer': 'radio.reason.noAnswer',
  rejected: 'radio.reason.rejected',
};

/** A delivery's reason in words: by its code; the server's text when it has no code we know. */
export function reasonText(d: Pick<Delivery, 'reason' | 'reasonCode'>): string {
  const key = d.reasonCode && REASON[d.reasonCode];
  return key ? t(key, { reason: d.reason ?? '' }) : (d.reason ?? '');
}

/** A history entry in words; "aired" in a slot run names the slot (from the bulletin's slot run key). */
export function historyLine(b: Bulletin, e: Bulletin['history'][number]): { action: string; note: string } {
  const slot = e.action === 'aired' && b.slotRun ? b.slotRun.split('@')[0] : undefined;
  if (slot) return { action: t('radio.h.airedIn', { slot: slotName(slot) }), note: '' };
  return { action: known(`radio.h.${e.action}`, e.action), note: e.note ?? '' };
}

function whyNotReached(n: NotReached, who: string): string {
  const offline = n.reasonCode === 'offline';
  switch (n.status) {
    case 'waiting':
      if (offline) return t('radio.reach.offlineWaiting', { who });
      if (n.reasonCode === 'busy') return t('radio.reach.busy', { who });
      return t('radio.reach.waiting', { who, reason: reasonText(n) });
    case 'missed':
      return offline ? t('radio.reach.offline', { who }) : t('radio.reach.missed', { who });
    case 'expired':
      return offline ? t('radio.reach.offline', { who }) : t('radio.reach.expired', { who });
    case 'failed':
      return t('radio.reach.failed', { who, reason: reasonText(n) });
    default:
      return `${who}: ${t(`radio.d.${n.status}`)}`;
  }
}

/**
 * Where a bulletin reached, in one sentence from its `reach`: "Đã phát ở 2/3 thôn; cụm loa Thôn
 * Đông mất kết nối". A cluster is named by its hamlet when it is the hamlet's only one.
 */
export function reachText(b: Bulletin): string {
  const r = b.reach;
  if (!b.deliveries.length && !r.uncovered.length) return t('radio.reach.notAired');
  const perHamlet = new Map<string, number>();
  for (const d of b.deliveries) perHamlet.set(d.hamlet, (perHamlet.get(d.hamlet) ?? 0) + 1);
  const parts = [t('radio.reach.played', { reached: r.hamlets.reached, total: r.hamlets.total })];
  for (const n of r.notReached) {
    const who = (perHamlet.get(n.hamlet) ?? 1) > 1 ? t('radio.reach.clusterNamed', { name: n.name, hamlet: n.hamletName }) : t('radio.reach.cluster', { hamlet: n.hamletName });
    parts.push(whyNotReached(n, who));
  }
  const open = b.deliveries.filter((d) => IN_FLIGHT.has(d.status)).length;
  if (open && b.status === 'airing') parts.push(t('radio.reach.playing', { n: open }));
  for (const id of r.uncovered) parts.push(t('radio.reach.uncovered', { hamlet: hamletName(id) }));
  return parts.join('; ');
}

export const reachedAll = (b: Bulletin): boolean => b.reach.hamlets.reached === b.reach.hamlets.total && !b.reach.notReached.length && !b.reach.uncovered.length;

// ---------------------------------------------------------------- refusals

/** An issue's path without the part of the request it is in: "body.content.text" → "content.text". */
const fieldOf = (path: string): string => path.replace(/^(body|params|querystring)\./, '');

const FIELD: Record<string, Key> = {
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
const SLOT_FIELD: Record<string, Key> = { name: 'radio.slot.name', id: 'radio.slot.id', time: 'radio.slot.time', days: 'radio.slot.days', windowMin: 'radio.slot.window' };

/** Words for an API path: "title", "zones.0", "content.text", "schedule.slot", or a slot's "1.time". */
export function pathLabel(path: string): string {
  const p = fieldOf(path);
  const slot = /^(\d+)(?:\.(\w+))?/.exec(p);
  if (slot) {
    const n = t('radio.slot.n', { n: Number(slot[1]) + 1 });
    const field = SLOT_FIELD[slot[2] ?? ''];
    return field ? `${n} · ${t(field)}` : n;
  }
  const key = FIELD[p] ?? FIELD[p.split('.')[0] ?? ''];
  return key ? t(key) : p;
}

/** A failed request as a message in the current language: its head by status (or `title`), then the server's issues by field. */
export function apiError(err: unknown, title?: () => string): MessageFn {
  return () => {
    if (!(err instanceof ApiError)) return { kind: 'error', title: title?.() ?? t('loadFailed'), lines: [String(err)] };
    const body = err.body;
    const issues = body.issues ?? [];
    let head: string;
    if (err.status === 0) head = t('irr.err.network');
    else if (title) head = title();
    else if (err.status === 400) head = t('badRequest');
    else if (err.status === 403) head = codeText(body.code) || t('radio.err.forbidden');
    else if (err.status === 404) head = t('irr.err.notFound');
    else if (err.status === 409) head = t('radio.err.conflict');
    else if (err.status === 413) head = t('radio.err.tooLarge');
    else head = t('serverError', { status: err.status });
    // The server's words, as it wrote them; the field each is about in ours. An audio refusal is
    // said in our words first (by its code), then in the server's.
    const lines = issues.length ? issues.map((i) => (i.path ? `${pathLabel(i.path)}: ${i.message}` : i.message)) : body.message && err.status !== 0 ? [body.message] : [];
    const audio = `radio.audioErr.${body.code}`;
    if (isKey(audio)) lines.unshift(t(audio));
    return { kind: 'error', title: head, lines, fields: issues.map((i) => fieldOf(i.path)) };
  };
}

export const localError =
  (line: () => string, fields: string[] = []): MessageFn =>
  (): Message => ({ kind: 'error', title: t('badRequest'), lines: [line()], fields });
export const okMsg =
  (title: () => string): MessageFn =>
  (): Message => ({ kind: 'ok', title: title(), lines: [] });

// ---------------------------------------------------------------- times at the site

const pad = (n: number): string => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:MM" typed in a datetime-local, read as the site's wall time. */
export function localInputToIso(v: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(v);
  if (!m) return undefined;
  return new Date(siteTimeToMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]))).toISOString();
}

export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const p = siteParts(iso);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

export function monthOf(when: number): string {
  const p = siteParts(when);
  return `${p.year}-${pad(p.month)}`;
}
