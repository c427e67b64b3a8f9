// A rule in words (what it watches, its state) and the words for the form's API paths and the
// server's issue messages. The server's issues carry a path and an English message; the page shows
// the field's name and, for the messages it knows, its own words (the English stays as a detail).
import { pick, t, isKey, type Key } from '../../lib/i18n.js';
import { fmtDateTime, fmtNum, withUnit } from '../../lib/format.js';
import { site } from '../../components/Shell.js';
import { metricCap, type Rule, type TypeMap } from './draft.js';
import type { RuleView } from './api.js';

type Sel = { devices?: string[]; type?: string; trait?: string; zone?: string; hamlet?: string } | undefined;

export function traitLabel(trait: string): string {
  const k = `ru.trait.${trait}`;
  return isKey(k) ? t(k) : trait;
}

export function selectWords(sel: Sel, types: TypeMap, deviceName: (id: string) => string): string {
  if (!sel) return t('ru.sel.every');
  if (sel.devices?.length) return sel.devices.map(deviceName).join(', ');
  const parts: string[] = [];
  if (sel.type) parts.push(pick(types.get(sel.type)?.label, sel.type));
  if (sel.trait) parts.push(traitLabel(sel.trait));
  if (sel.zone) parts.push(site.value?.zones.find((z) => z.id === sel.zone)?.name ?? sel.zone);
  if (sel.hamlet) parts.push(site.value?.hamlets.find((h) => h.id === sel.hamlet)?.name ?? sel.hamlet);
  return parts.join(' · ');
}

const dayList = (days: readonly number[] | undefined): string => (!days || days.length === 7 ? '' : days.map((d) => t(`irr.day.${d}` as Key)).join(', '));

/** What the rule watches, in one line: "Nhiệt độ không khí trên 38 °C trong 10 phút · Nhà màng 2". */
export function whenWords(r: Rule, types: TypeMap, deviceName: (id: string) => string): string {
  const w = r.when;
  if (w.kind === 'metric') {
    const cap = metricCap(types, w.metric);
    const u = (n: number | undefined) => withUnit(fmtNum(n ?? 0), cap?.unit);
    const cond =
      w.op === '>' ? t('ru.w.above', { v: u(w.value) })
      : w.op === '<' ? t('ru.w.below', { v: u(w.value) })
      : w.op === 'between' ? t('ru.w.between', { min: fmtNum(w.min ?? 0), max: u(w.max) })
      : w.op === 'outside' ? t('ru.w.outside', { min: fmtNum(w.min ?? 0), max: u(w.max) })
      : w.op === 'changed' ? t('ru.w.changed')
      : t('ru.w.stale', { n: fmtNum(w.staleMin ?? 0) });
    const held = w.forS ? ` ${t('ru.w.for', { n: fmtNum(w.forS / 60) })}` : '';
    return `${pick(cap?.label, w.metric)} ${cond}${held} · ${selectWords(w.select, types, deviceName)}`;
  }
  if (w.kind === 'event') {
    const what = w.event === 'device-offline' ? t('ru.w.offline', { n: fmtNum(w.forMin) }) : t(`ru.event.${w.event}`);
    return `${what} · ${selectWords(w.select, types, deviceName)}`;
  }
  const at = w.astro ? t(`ru.w.${w.astro}`, { n: (w.offsetMin >= 0 ? '+' : '') + fmtNum(w.offsetMin) }) : t('ru.w.at', { at: w.at ?? '' });
  const days = dayList(w.days);
  return days ? `${at} (${days})` : at;
}

export type Summary = { phase: 'off' | 'idle' | 'pending' | 'active'; since?: number; lastFired?: number };

/** The rule's state over its targets: active if any is, else pending, with the earliest since. */
export function summary(v: RuleView): Summary {
  const targets = Object.values(v.state?.targets ?? {});
  const lastFired = Math.max(v.state?.lastFiredAt ?? 0, ...targets.map((x) => ('lastFired' in x ? (x.lastFired ?? 0) : 0))) || undefined;
  if (!v.rule.enabled) return { phase: 'off', lastFired };
  const active = targets.flatMap((x) => (x.phase === 'active' ? [x.since] : x.phase === 'clearing' ? [x.activeSince] : []));
  if (active.length) return { phase: 'active', since: Math.min(...active), lastFired };
  const pending = targets.flatMap((x) => (x.phase === 'pending' ? [x.since] : []));
  if (pending.length) return { phase: 'pending', since: Math.min(...pending), lastFired };
  return { phase: 'idle', lastFired };
}

export function summaryWords(s: Summary): string {
  if (s.phase === 'active') return t('ru.state.activeSince', { time: fmtDateTime(s.since!) });
  if (s.phase === 'pending') return t('ru.state.pendingSince', { time: fmtDateTime(s.since!) });
  return t(`ru.state.${s.phase}`);
}

// ---------------------------------------------------------------- API paths and issues

/** The field a path names, in words: "when.clear.value" → "Ngưỡng hết". */
export function pathLabel(path: string): string {
  const p = path.replace(/^rule\./, '');
  const then = /^then\.(\d+)(?:\.(\w+))?/.exec(p);
  if (then) return t('ru.f.actionN', { n: Number(then[1]) + 1 }) + (then[2] && isKey(`ru.f.${then[2]}`) ? ` · ${t(`ru.f.${then[2]}` as Key)}` : '');
  const win = /^only\.windows\.(\d+)/.exec(p);
  if (win) return t('ru.f.windowN', { n: Number(win[1]) + 1 });
  const k = `ru.p.${p.replace(/\.\d+$/, '')}`;
  if (isKey(k)) return t(k);
  const short = `ru.f.${p.split('.').pop()}`;
  return isKey(short) ? t(short) : p;
}

const KNOWN: [RegExp, Key][] = [
  [/needs a value/, 'ru.issue.needValue'],
  [/needs min < max|clear needs min < max/, 'ru.issue.minMax'],
  [/needs staleMin/, 'ru.issue.needValue'],
  [/clear value must be at or below/, 'ru.issue.clearBelow'],
  [/clear value must be at or above/, 'ru.issue.clearAbove'],
  [/selects no device/, 'ru.issue.noDevice'],
  [/select at least one/, 'ru.issue.selectOne'],
  [/has no metric|is not a number/, 'ru.issue.metric'],
  [/must be HH:MM/, 'ru.issue.hhmm'],
  [/maxRepeats needs repeatEveryS/, 'ru.issue.repeat'],
  [/escalate needs an alert/, 'ru.issue.escalate'],
  [/not a valid .* command/, 'ru.issue.command'],
  [/expected number|received null|Invalid input: expected number/i, 'ru.issue.number'],
  [/Too small|too_small|>=|at least/i, 'ru.issue.small'],
  [/Too big|too_big|<=|at most/i, 'ru.issue.big'],
];

/** A server issue's message in the page's words, the server's own text kept after it. */
export function issueWords(message: string): string {
  const hit = KNOWN.find(([re]) => re.test(message));
  return hit ? `${t(hit[1])} (${message})` : `${t('ru.issue.other')} (${message})`;
}
