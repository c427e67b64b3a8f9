// The irrigation page's sentences: notes and skip reasons from their codes
// (controller/irrigation/notes.ts), alerts from theirs, who issued a run, when a program runs, and
// the names of the form's API paths. Pure functions of the store and the language.
import { alertText } from '../../alerts.js';
import type { AlertWhat } from '../../../../../controller/alert-codes.js';
import { t, type Key } from '../../lib/i18n.js';
import { fmtDuration, fmtLocalDate, fmtNum, fmtTime, issuerName, withUnit } from '../../lib/format.js';
import type { Calendar, WhenApi } from '../../components/ProgramEditor.js';
import type { Note, RunItem } from './api.js';
import { deviceName, programName, zoneName } from './store.js';

const tenth = (x: number) => fmtNum(Math.round(x * 10) / 10);

/** Who stopped or paused a run: a user's login, "a user" for the API, a program, the sensor. */
export function issuerText(issuer: string): string {
  if (/^(user|token):/.test(issuer)) return issuerName(issuer);
  if (issuer.startsWith('api:')) return t('irr.issuer.api');
  if (issuer.startsWith('program:')) return t('irr.issuer.program', { name: programName(issuer.slice(8)) });
  if (issuer === 'sensor') return t('irr.issuer.sensor');
  return issuer;
}

/** A note or skip reason in the reader's language; the server's sentence when there is no code. */
export function noteText(n: Note | undefined, fallback = ''): string {
  if (!n) return fallback;
  switch (n.code) {
    case 'paused':
      return t('irr.note.paused', { who: issuerText(n.by) });
    case 'cancelled':
      return t('irr.note.cancelled', { who: issuerText(n.by) });
    case 'stopped':
      return t('irr.note.stopped', { who: issuerText(n.by) });
    case 'after-pause':
      return t('irr.note.afterPause');
    case 'overdue':
      return t('irr.note.overdue');
    case 'no-valve':
      return t('irr.note.noValve');
    case 'command-failed':
      return t('irr.note.commandFailed', { device: deviceName(n.device), status: n.status });
    case 'error':
      return n.message;
    case 'soil-reached':
      return t('irr.note.soilReached', { pct: tenth(n.pct), target: fmtNum(n.targetPct) });
    case 'capped':
      return t('irr.note.capped', { max: fmtDuration(n.maxS) });
    case 'dry':
      return t('irr.note.dry', { pct: n.pct === undefined ? '–' : tenth(n.pct), below: fmtNum(n.belowPct), for: fmtDuration(n.forS) });
    case 'missed':
      return t('irr.note.missed', { time: fmtTime(n.at) });
    case 'rain-delay':
      return t('irr.note.rainDelay', { time: fmtTime(n.until) });
    case 'rain':
      return t('irr.note.rain', { mm: tenth(n.mm), max: fmtNum(n.maxMm) });
    case 'by-sensor':
      return t('irr.note.bySensor', { zone: zoneName(n.zone) });
    case 'no-step':
      return t('irr.note.noStep');
    case 'et0':
      return t('irr.note.et0', { mm: tenth(n.mm) });
    case 'no-weather':
      return t('irr.note.noWeather');
  }
}

const IRRIGATION_ALERTS: ReadonlySet<AlertWhat['code']> = new Set(['flow-leak', 'flow-none', 'irrigation-run-failed']);

/** An irrigation alert in words (the app's one sentence per code), undefined for other pages' codes. */
export function alertWords(w: AlertWhat | undefined): string | undefined {
  return w && IRRIGATION_ALERTS.has(w.code) ? alertText(w, { device: deviceName, zone: zoneName }) : undefined;
}

export function reasonText(r: Pick<RunItem, 'reason' | 'program'>): string {
  const w = t(`irr.reason.${r.reason}`);
  return r.reason === 'program' && r.program ? `${w} “${programName(r.program)}”` : w;
}

/** "Bình minh + 15 phút", "05:30". */
export function startText(s: WhenApi): string {
  if ('at' in s) return s.at;
  const name = t(`irr.astro.${s.astro}`);
  const off = s.offsetMin;
  if (!off) return name;
  return `${name} ${off > 0 ? '+' : '−'} ${withUnit(fmtNum(Math.abs(off)), t('unit.min'))}`;
}

export function calendarText(c: Calendar): string {
  if (c.kind === 'weekly') {
    const days = [...c.days].sort((a, b) => a - b);
    if (days.length === 7) return t('irr.cal.everyDay');
    return days.map((d) => dayShort(d)).join(', ');
  }
  if (c.kind === 'interval') return t('irr.cal.interval', { n: c.everyDays, from: fmtLocalDate(c.from) });
  return t('irr.cal.once', { date: fmtLocalDate(c.date) });
}

const DAY_KEYS: Record<number, Key> = { 1: 'irr.day.1', 2: 'irr.day.2', 3: 'irr.day.3', 4: 'irr.day.4', 5: 'irr.day.5', 6: 'irr.day.6', 7: 'irr.day.7' };
const dayShort = (d: number) => (DAY_KEYS[d] ? t(DAY_KEYS[d]) : String(d));

const FIELD: Record<string, Key> = {
  id: 'irr.form.id',
  name: 'irr.form.name',
  enabled: 'irr.form.enabled',
  starts: 'irr.form.starts',
  steps: 'irr.form.steps',
  calendar: 'irr.form.calendar',
  waterLevelPct: 'irr.form.level',
  weatherAdjust: 'irr.form.weather',
  durationS: 'irr.form.minutes',
  zone: 'irr.form.zone',
  hours: 'irr.rainHours',
};
const CAL_FIELD: Record<string, Key> = {
  kind: 'irr.form.cal.kind',
  days: 'irr.form.cal.days',
  everyDays: 'irr.form.cal.everyDays',
  from: 'irr.form.cal.from',
  date: 'irr.form.cal.date',
};

/** Words for an API path without "body." ("steps.0.durationS" → "Bước 1 · Số phút"). */
export function pathLabel(path: string): string {
  const parts = path.split('.').filter(Boolean);
  const [a, b, c] = parts;
  if (a === 'steps' && b !== undefined && /^\d+$/.test(b)) {
    const step = t('irr.form.stepN', { n: Number(b) + 1 });
    return c ? `${step} · ${t(c === 'zone' ? 'irr.form.zone' : 'irr.form.minutes')}` : step;
  }
  if (a === 'starts' && b !== undefined && /^\d+$/.test(b)) return t('irr.form.startN', { n: Number(b) + 1 });
  if (a === 'calendar' && b && CAL_FIELD[b]) return t(CAL_FIELD[b]);
  const k = a ? FIELD[a] : undefined;
  return k ? t(k) : parts.join('.');
}
