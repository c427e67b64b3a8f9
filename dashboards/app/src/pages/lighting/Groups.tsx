// The light groups: each card with its lights counted by status, the levels they reported, whether
// the group is held by hand, tonight's plan on a noon-to-noon bar, the group's override form and a
// row per light (what it reported, its faults, what the controller wants while the light has not
// reported it, and its own override). A light's level and mode are only what the light said.
import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { invalid, Msg } from '../../components/Msg.js';
import { serverNow } from '../../lib/http.js';
import { fmtHm, fmtNum, fmtTime, siteParts, siteTimeToMs, withUnit } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import type { Group, Light } from './api.js';
import { localError, useNote } from './note.js';
import { hoursFromNow, sendOverride, typedLevel } from './override.js';
import { failures, groups, overrides, programName, tick } from './store.js';
import { currentNight, faultsOf, kindText, kwh, lightStatus, nextLocalTime, numOf, pct, strOf, whenText, type LightStatus } from './words.js';

const LIGHT_HOURS = [1, 2, 4, 8];

export function Groups() {
  const gs = groups.value;
  return (
    <section id="groups" class="panel-plain" aria-labelledby="groups-h">
      <h2 id="groups-h" tabIndex={-1}>
        {t('lit.groups')}
      </h2>
      <div id="group-cards" class="cards group-cards">
        {gs.length ? gs.map((g) => <GroupCard key={g.id} g={g} />) : <p class="note">{t('lit.noGroups')}</p>}
      </div>
    </section>
  );
}

function GroupCard({ g }: { g: Group }) {
  const active = failures.value.active;
  const counts: Record<LightStatus, number> = { on: 0, off: 0, failed: 0, offline: 0, unknown: 0 };
  for (const l of g.lights) counts[lightStatus(l, active)]++;

  // The levels the lights reported, most common first.
  const byLevel = new Map<number, number>();
  for (const l of g.lights) {
    const lv = numOf(l.state, 'level');
    if (lv !== undefined) byLevel.set(lv, (byLevel.get(lv) ?? 0) + 1);
  }
  const levels = [...byLevel.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]);

  const now = serverNow();
  const ov = overrides.value.find((o) => 'group' in o.target && o.target.group === g.id && o.level !== null && (o.until === undefined || o.until > now));
  const cal = t('lit.calendarOf', { name: g.calendar ? programName(g.calendar.default) : t('lit.noCalendar') });
  const headId = `grp-${g.id}`;

  return (
    <article class="card group-card" data-group-id={g.id} aria-labelledby={headId}>
      <header class="card-head">
        <div class="card-title">
          <h3 class="dev-name" id={headId}>
            {g.name}
          </h3>
          <p class="dev-meta">{`${t('lit.lightCount', { n: g.lights.length })} · ${cal}`}</p>
        </div>
        <a class="history-link chart-link" href={`/app/group.html?group=${encodeURIComponent(g.id)}`} data-testid="group-chart-link" aria-describedby={headId}>
          {t('lit.chart')}
        </a>
      </header>
      <section class="block">
        <p class="chips" data-testid="group-summary" data-on={counts.on} data-off={counts.off} data-failed={counts.failed} data-offline={counts.offline} data-unknown={counts.unknown}>
          {(['on', 'off', 'failed', 'offline'] as const).map((k) => (
            <Chip key={k} kind={k} n={counts[k]} />
          ))}
          {counts.unknown ? <Chip kind="unknown" n={counts.unknown} /> : null}
        </p>
        <p class="lit-levels" data-testid="group-levels" data-levels={levels.map(([lv]) => lv).join(',')}>
          {levels.length ? t('lit.reportedLevels', { list: levels.map(([lv, n]) => (n > 1 ? t('lit.times', { level: pct(lv), n }) : pct(lv))).join(', ') }) : t('lit.noReports')}
        </p>
        <p class="note" data-testid="group-mode" data-mode={ov ? 'override' : 'program'}>
          {ov && ov.level !== null
            ? ov.until !== undefined
              ? t('lit.groupOverrideUntil', { level: pct(ov.level), time: fmtTime(ov.until) })
              : t('lit.groupOverride', { level: pct(ov.level) })
            : t('lit.groupOnProgram')}
        </p>
      </section>
      <section class="block">
        <Tonight g={g} />
      </section>
      {can('lighting.control') ? <GroupControl g={g} /> : null}
      <section class="block">
        <h4 class="h5">{t('lit.lights')}</h4>
        <ul class="lights" data-testid="lights">
          {g.lights.map((l) => (
            <LightRow key={l.id} groupId={g.id} l={l} />
          ))}
        </ul>
      </section>
    </article>
  );
}

function Chip({ kind, n }: { kind: LightStatus; n: number }) {
  return (
    <span class={`chip chip-${kind} ${n ? '' : 'is-zero'}`} data-count={kind}>
      {t(`lit.count.${kind}`, { n })}
    </span>
  );
}

type PlanStep = NonNullable<Group['tonight']>['steps'][number] & { ms: number };

function Tonight({ g }: { g: Group }) {
  void tick.value; // the step in force moves with the clock
  const tonight = g.tonight;
  if (!tonight) {
    return (
      <>
        <h4 class="plan-h">{t('lit.tonight', { name: '—' })}</h4>
        <ol class="plan" data-testid="tonight" data-program="">
          <li class="note">{t('lit.noTonight')}</li>
        </ol>
      </>
    );
  }
  const steps: PlanStep[] = tonight.steps.map((s) => ({ ...s, ms: Date.parse(s.at) })).filter((s) => !Number.isNaN(s.ms));
  const now = serverNow();
  let current = -1;
  steps.forEach((s, i) => {
    if (s.ms <= now) current = i;
  });
  return (
    <>
      <h4 class="plan-h">{t('lit.tonight', { name: tonight.name || programName(tonight.program) })}</h4>
      <Timeline steps={steps} now={now} />
      <ol class="plan" data-testid="tonight" data-program={tonight.program}>
        {steps.map((s, i) => (
          <li key={`${s.at}|${i}`} class={`plan-step ${i === current ? 'is-now' : ''}`} data-testid="tonight-step" data-at={s.at} data-level={s.level}>
            <time datetime={s.at} class="plan-time">
              {fmtHm(s.ms)}
            </time>
            <span class="plan-level">{pct(s.level)}</span>
            {'astro' in s.step ? <span class="plan-when">{whenText(s.step)}</span> : null}
            {i === current ? <span class="badge badge-on">{t('lit.now')}</span> : null}
          </li>
        ))}
      </ol>
    </>
  );
}

/** A noon-to-noon bar: each stretch shaded by its level, with the hours and a mark at now. */
function Timeline({ steps, now }: { steps: PlanStep[]; now: number }) {
  const { from, to } = currentNight(now);
  const span = to - from;
  const last = steps[steps.length - 1];
  if (!last || !(span > 0)) return null;
  const segs: { w: number; level: number }[] = [];
  // Before the first step, the last one (of the night before) is in force.
  let level = last.level;
  let at = from;
  for (const s of steps) {
    const ms = Math.max(from, Math.min(to, s.ms));
    if (ms > at) segs.push({ w: ms - at, level });
    at = Math.max(at, ms);
    level = s.level;
  }
  if (to > at) segs.push({ w: to - at, level });
  const p = siteParts(from);
  const left = (ms: number) => `${(((ms - from) / span) * 100).toFixed(2)}%`;
  return (
    <div class="timeline" aria-hidden="true" title={t('lit.timelineLabel')}>
      <div class="tl-bars">
        {segs.map((s, i) => (
          <span key={i} class="tl-seg" style={{ flexGrow: String(s.w), '--a': (0.12 + 0.88 * (s.level / 100)).toFixed(2) }} data-level={s.level} />
        ))}
        {now >= from && now < to ? <span class="tl-now" style={{ left: left(now) }} /> : null}
      </div>
      <div class="tl-ticks">
        {(
          [
            [0, 18],
            [1, 0],
            [1, 6],
          ] as const
        ).map(([dd, hh]) => (
          <span key={hh} class="tick" style={{ left: left(siteTimeToMs(p.year, p.month, p.day + dd, hh, 0)) }}>
            {`${String(hh).padStart(2, '0')}:00`}
          </span>
        ))}
      </div>
    </div>
  );
}

type Until = 'none' | 'time' | 'hours';

function GroupControl({ g }: { g: Group }) {
  const level = useSignal('100');
  /** The slider follows the number typed while it is one (clamped to 0–100). */
  const range = useSignal('100');
  const until = useSignal<Until>('none');
  const time = useSignal('');
  const hours = useSignal('2');
  const busy = useSignal(false);
  const note = useNote();
  const base = `g-${g.id}`;
  const msg = note.msg.value;

  const send = async (lv: number | null, end: number | undefined) => {
    if (busy.value) return;
    busy.value = true;
    await sendOverride({ group: g.id }, lv, end, note);
    busy.value = false;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const lv = typedLevel(level.value);
    if (lv === undefined) return note.set(localError(() => t('lit.typeLevel'), ['level']));
    let end: number | undefined;
    if (until.value === 'time') {
      if (!/^\d{2}:\d{2}$/.test(time.value)) return note.set(localError(() => t('lit.typeTime'), ['untilIso']));
      end = nextLocalTime(time.value);
    } else if (until.value === 'hours') {
      const n = Number(hours.value.trim());
      if (!(n > 0)) return note.set(localError(() => t('lit.typeHours'), ['untilIso']));
      end = hoursFromNow(n);
    }
    void send(lv, end);
  };

  return (
    <section class="block">
      <h4 class="h5">{t('lit.control')}</h4>
      <form class="cmd-form lit-override" noValidate data-testid="group-override-form" onSubmit={submit}>
        <div class="fields">
          <div class="field">
            <label for={`${base}-level`}>{t('lit.levelPct')}</label>
            <div class="slider">
              <input
                id={`${base}-level-range`}
                type="range"
                min={0}
                max={100}
                step={1}
                value={range.value}
                data-testid="group-level-range"
                aria-label={t('lit.levelPct')}
                onInput={(e) => (level.value = range.value = e.currentTarget.value)}
              />
              <input
                id={`${base}-level`}
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                step={1}
                value={level.value}
                data-testid="group-level"
                aria-invalid={invalid(msg, 'level')}
                onInput={(e) => {
                  const v = e.currentTarget.value;
                  level.value = v;
                  if (v.trim() !== '' && !Number.isNaN(Number(v))) range.value = String(Math.max(0, Math.min(100, Number(v))));
                }}
              />
            </div>
          </div>
          <div class="field">
            <label for={`${base}-until`}>{t('lit.until')}</label>
            <select id={`${base}-until`} data-testid="group-until" value={until.value} aria-invalid={invalid(msg, 'untilIso')} onChange={(e) => (until.value = e.currentTarget.value as Until)}>
              {(['none', 'time', 'hours'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`lit.until.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field" hidden={until.value !== 'time'}>
            <label for={`${base}-time`}>{t('lit.untilTime')}</label>
            <input id={`${base}-time`} type="time" value={time.value} data-testid="group-until-time" aria-invalid={until.value === 'time' ? invalid(msg, 'untilIso') : undefined} onInput={(e) => (time.value = e.currentTarget.value)} />
          </div>
          <div class="field" hidden={until.value !== 'hours'}>
            <label for={`${base}-hours`}>{t('lit.untilHours')}</label>
            <input
              id={`${base}-hours`}
              type="number"
              inputMode="decimal"
              min={0.25}
              max={720}
              step="any"
              value={hours.value}
              data-testid="group-until-hours"
              aria-invalid={until.value === 'hours' ? invalid(msg, 'untilIso') : undefined}
              onInput={(e) => (hours.value = e.currentTarget.value)}
            />
          </div>
          <small class="hint">{t('lit.untilHint')}</small>
          <div class="btn-row">
            <button type="submit" class="btn" data-testid="group-override" disabled={busy.value} aria-busy={busy.value}>
              {t('lit.set')}
            </button>
            <button type="button" class="btn btn-light" data-testid="group-resume" disabled={busy.value} aria-busy={busy.value} onClick={() => void send(null, undefined)}>
              {t('lit.resume')}
            </button>
          </div>
        </div>
      </form>
      <Msg msg={msg} testid="group-msg" />
    </section>
  );
}

function LightRow({ groupId, l }: { groupId: string; l: Light }) {
  const name = l.name ?? l.id;
  const availability = l.availability ?? 'unknown';
  const level = numOf(l.state, 'level');
  const mode = strOf(l.state, 'mode');
  const active = failures.value.active;

  let modeText = '';
  if (mode === 'override') {
    const end = l.state?.['overrideUntil'];
    modeText = typeof end === 'number' || typeof end === 'string' ? t('lit.mode.overrideUntil', { time: fmtTime(end) }) : t('lit.mode.override');
  } else if (mode === 'program') modeText = t('lit.mode.program');

  // Power, meter and faults as the light reported them, plus faults the controller raised.
  const facts: ComponentChildren[] = [];
  const powerW = numOf(l.telemetry, 'powerW');
  const energyKwh = numOf(l.telemetry, 'energyKwh');
  if (powerW !== undefined) facts.push(<span key="p">{t('lit.power', { w: withUnit(fmtNum(powerW, 1), 'W') })}</span>);
  if (energyKwh !== undefined) facts.push(<span key="m">{t('lit.meter', { kwh: kwh(energyKwh) })}</span>);
  for (const k of faultsOf(l, active))
    facts.push(
      <span key={`f-${k}`} class="fault" data-fault={k}>
        {kindText(k)}
      </span>,
    );
  if (availability === 'offline' && level !== undefined)
    facts.push(
      <span key="s" class="note stale">
        {t('staleState')}
      </span>,
    );

  // What the controller wants, only while the light has not reported it.
  const want = l.desired;
  const differs = !!want && want.level !== level;
  const avail = availability === 'online' || availability === 'offline' ? availability : 'unknown';

  return (
    <li class="light" data-light-id={l.id} data-availability={availability} data-level={level ?? ''} data-mode={mode ?? ''} data-status={lightStatus(l, active)}>
      <div class="light-main">
        <strong class="light-name">{name}</strong>
        <span class={`avail avail-${availability}`}>{`${avail === 'online' ? '●' : avail === 'offline' ? '○' : '?'} ${t(`avail.${avail}`)}`}</span>
        <strong class={`light-level${level ? ' is-on' : ''}`} data-testid="light-reported">
          {level === undefined ? t('lit.noState') : pct(level)}
        </strong>
        <span class="light-mode" data-testid="light-mode">
          {modeText}
        </span>
      </div>
      <span class="light-facts">{facts.flatMap((f, i) => (i ? [' · ', f] : [f]))}</span>
      <p class="note light-wanted" data-testid="light-wanted" hidden={!differs}>
        {differs && want ? t('lit.wanted', { level: pct(want.level), source: t(`lit.source.${want.source}`) }) : null}
      </p>
      {can('lighting.control') ? <LightControl groupId={groupId} id={l.id} name={name} /> : null}
    </li>
  );
}

function LightControl({ groupId, id, name }: { groupId: string; id: string; name: string }) {
  const level = useSignal('100');
  const hours = useSignal('');
  const busy = useSignal(false);
  const note = useNote();
  const base = `l-${groupId}-${id}`;
  const send = async (lv: number | null, end: number | undefined) => {
    if (busy.value) return;
    busy.value = true;
    await sendOverride({ device: id }, lv, end, note);
    busy.value = false;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const lv = typedLevel(level.value);
    if (lv === undefined) return note.set(localError(() => t('lit.typeLevel'), ['level']));
    void send(lv, hours.value ? hoursFromNow(Number(hours.value)) : undefined);
  };
  return (
    <>
      <form class="light-ctl" noValidate onSubmit={submit}>
        <label for={base} class="sr">
          {t('lit.lightLevel', { name })}
        </label>
        <input
          id={base}
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          value={level.value}
          class="level-input"
          data-testid={`light-level-${id}`}
          aria-invalid={invalid(note.msg.value, 'level')}
          onInput={(e) => (level.value = e.currentTarget.value)}
        />
        <span class="unit" aria-hidden="true">
          %
        </span>
        <label for={`${base}-until`} class="sr">
          {t('lit.lightUntil', { name })}
        </label>
        <select id={`${base}-until`} data-testid={`light-until-${id}`} value={hours.value} onChange={(e) => (hours.value = e.currentTarget.value)}>
          <option value="">{t('lit.until.none')}</option>
          {LIGHT_HOURS.map((n) => (
            <option key={n} value={String(n)}>
              {t('lit.until.h', { n })}
            </option>
          ))}
        </select>
        <button type="submit" class="btn btn-small" data-testid={`light-override-${id}`} disabled={busy.value}>
          {t('lit.setShort')}
        </button>
        <button type="button" class="btn btn-light btn-small" data-testid={`light-resume-${id}`} disabled={busy.value} onClick={() => void send(null, undefined)}>
          {t('lit.resume')}
        </button>
      </form>
      <Msg msg={note.msg.value} testid="light-msg" />
    </>
  );
}
