// The zones: moisture, water used, next program start, each valve as it reported itself, the
// zone's run with its countdown, and "water now" / "stop" for those who may.
import { useState } from 'preact/hooks';
import { site } from '../../components/Shell.js';
import { Msg, refusal } from '../../components/Msg.js';
import { fmtClock, fmtDuration, fmtNum, fmtTime, withUnit } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { irr, type Zone } from './api.js';
import { RunLeft, stopRun } from './Queue.js';
import { busy, devices, moistureTypes, programName, setBusy, setZoneMsg, water, zoneMsgs, zoneName, zones } from './store.js';
import { Countdown, RelTime } from './time.js';
import { reasonText } from './words.js';

type Availability = 'online' | 'offline' | 'unknown';

function Kv({ k, label, value, testid, children }: { k: string; label: string; value: string; testid?: string; children?: preact.ComponentChildren }) {
  return (
    <div class="kv-row" data-key={k} data-testid={testid}>
      <dt>{label}</dt>
      <dd>
        {value}
        {children}
      </dd>
    </div>
  );
}

function moistureText(z: Zone): string {
  if (z.moisture) return t('irr.moisturePct', { pct: fmtNum(z.moisture.pct, 1), n: z.moisture.sensors });
  const hasSensor = [...devices.value.values()].some((d) => d.zone === z.id && moistureTypes.value.has(d.type));
  return hasSensor ? t('irr.moistureStale') : t('irr.noSensor');
}

const areaText = (m2: number) => (m2 >= 10_000 ? withUnit(fmtNum(m2 / 10_000, 2), 'ha') : withUnit(fmtNum(m2), 'm²'));

function Valve({ v }: { v: Zone['valves'][number] }) {
  const dev = devices.value.get(v.id);
  const availability = (dev?.availability ?? v.availability ?? 'unknown') as Availability;
  const state = dev?.state ?? v.state ?? null;
  const stateAt = dev?.stateAt;
  const open = typeof state?.open === 'boolean' ? state.open : undefined;
  const remainingS = typeof state?.remainingS === 'number' ? state.remainingS : undefined;
  return (
    <li class="valve" data-valve-id={v.id} data-open={open === undefined ? 'unknown' : String(open)} data-availability={availability} data-testid="valve">
      <span class="valve-name">{dev?.name ?? v.name ?? v.id}</span>
      <span class={`avail avail-${availability}`}>
        <span aria-hidden="true">{availability === 'online' ? '● ' : availability === 'offline' ? '○ ' : '? '}</span>
        {t(`avail.${availability}`)}
      </span>
      <strong class={`valve-state ${open ? 'is-open' : ''}`} data-testid="valve-state">
        {open === undefined ? t('irr.noState') : open ? t('irr.valveOpen') : t('irr.valveClosed')}
      </strong>
      {open && remainingS !== undefined ? (
        stateAt && availability === 'online' ? (
          <Countdown remainingS={remainingS} from={stateAt} />
        ) : (
          <span class="valve-left" data-testid="valve-left">
            {t('irr.left', { time: fmtClock(remainingS) })}
          </span>
        )
      ) : null}
      {availability !== 'online' && open !== undefined ? <small class="note stale">{t('staleState')}</small> : null}
    </li>
  );
}

function RunNow({ z }: { z: Zone }) {
  const id = `run-${z.id}`;
  const maxMin = Math.floor(z.maxRunS / 60);
  const [minutes, setMinutes] = useState(String(Math.min(5, maxMin)));
  const [bad, setBad] = useState(false);
  const key = `run|${z.id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value.has(key)) return;
    const input = (e.currentTarget as HTMLFormElement).querySelector('input');
    const raw = minutes.trim();
    const sentS = raw !== '' && !input?.validity.badInput ? Math.round(Number(raw) * 60) : undefined;
    setBusy(key, true);
    try {
      await irr.run(sentS === undefined ? { zone: z.id } : { zone: z.id, durationS: sentS });
      setBad(false);
      setZoneMsg(z.id, () => ({ kind: 'ok', title: t('irr.queued', { zone: zoneName(z.id), time: fmtDuration(sentS ?? 0) }) }), true);
    } catch (err) {
      setBad(true);
      const words = refusal(err);
      setZoneMsg(z.id, () => {
        const m = words();
        const extra: string[] = [];
        if (sentS !== undefined) extra.push(t('irr.sentAs', { min: raw, s: sentS }));
        if (sentS !== undefined && sentS > z.maxRunS) extra.push(t('irr.overMax', { max: fmtDuration(z.maxRunS) }));
        if (sentS === undefined) extra.push(t('irr.typeMinutes'));
        return { ...m, lines: [...(m.lines ?? []), ...extra] };
      });
    } finally {
      setBusy(key, false);
    }
  };
  const sending = busy.value.has(key);
  return (
    <form class="cmd-form run-now" novalidate data-testid="run-now-form" onSubmit={submit}>
      <div class="fields">
        <div class="field">
          <label for={id}>{t('irr.minutes')}</label>
          <input
            id={id}
            type="number"
            inputMode="decimal"
            min={1}
            max={maxMin}
            step="any"
            value={minutes}
            data-testid="run-now-minutes"
            aria-describedby={`${id}-hint`}
            aria-invalid={bad || undefined}
            onInput={(e) => {
              setMinutes(e.currentTarget.value);
              setBad(false);
            }}
          />
        </div>
        <div class="field submit">
          <button type="submit" class="btn" data-testid="run-now" disabled={sending} aria-busy={sending}>
            {t('irr.runNow')}
          </button>
        </div>
        <small id={`${id}-hint`} class="hint">
          {t('irr.maxMinutes', { max: fmtNum(maxMin) })}
        </small>
      </div>
    </form>
  );
}

function sensorText(sc: NonNullable<Zone['sensorControl']>): string {
  if (!sc.enabled) return t('irr.sensorOff');
  return t('irr.sensorOn', {
    below: fmtNum(sc.startBelowPct),
    for: fmtDuration(sc.dryForS),
    stop: fmtNum(sc.stopAtPct),
    run: fmtDuration(sc.runS),
    gap: fmtDuration(sc.minIntervalS),
    max: sc.maxRunsPerDay,
  });
}

function ZoneCard({ z }: { z: Zone }) {
  const headId = `zone-${z.id}`;
  const s = site.value;
  const hamlet = s?.hamlets.find((h) => h.id === z.hamlet)?.name ?? z.hamlet;
  const source = z.waterSource ? (s?.waterSources.find((w) => w.id === z.waterSource)?.name ?? z.waterSource) : t('irr.noSource');
  const w = water.value.get(z.id);
  const next = z.nextProgramStart;
  const r = z.activeRun;
  const mayRun = can('irrigation.run');
  return (
    <article class="card zone-card" data-zone-id={z.id} aria-labelledby={headId}>
      <header class="card-head">
        <div class="card-title">
          <h3 class="dev-name" id={headId}>
            {z.name}
          </h3>
          <p class="dev-meta">{[z.crop, areaText(z.areaM2), hamlet].filter(Boolean).join(' · ')}</p>
        </div>
        <a class="history-link chart-link" href={`/app/zone.html?zone=${encodeURIComponent(z.id)}`} data-testid="zone-chart-link" aria-describedby={headId}>
          {t('zoneChart.open')}
        </a>
      </header>
      <section class="block">
        <dl class="kv">
          <Kv k="moisture" label={t('irr.moisture')} value={moistureText(z)} />
          <Kv k="source" label={t('irr.source')} value={source} />
          <Kv
            k="water"
            testid="water"
            label={t('irr.water7')}
            value={w ? `${withUnit(fmtNum(w.liters, 0), 'L')} · ${withUnit(fmtNum(w.litersPerM2PerDay, 2), t('irr.perM2Day'))}` : w === null ? t('irr.noData') : '…'}
          />
          <Kv k="next" testid="next-start" label={t('irr.nextStart')} value={next ? `${fmtTime(next.at)} · ${programName(next.program)}` : t('irr.noNext')}>
            {next ? (
              <span class="note">
                {' ('}
                <RelTime at={next.at} />)
              </span>
            ) : null}
          </Kv>
        </dl>
      </section>
      <section class="block">
        <h4 class="h5">{t('irr.valves')}</h4>
        <ul class="valves" data-testid="valves">
          {z.valves.length ? z.valves.map((v) => <Valve key={v.id} v={v} />) : <li class="note">{t('irr.noValves')}</li>}
        </ul>
      </section>
      <section class="block">
        <h4 class="h5">{t('irr.watering')}</h4>
        <div class="zone-run" data-testid="zone-run" aria-live="polite" data-run-id={r?.id} data-status={r?.status}>
          {r ? (
            <>
              <strong>{`${t(`irr.status.${r.status}`)} · `}</strong>
              <RunLeft r={r} />
              {` · ${reasonText(r)}`}
              {z.queued ? <span class="note">{` · ${t('irr.queuedCount', { n: z.queued })}`}</span> : null}
            </>
          ) : (
            <span class="note">{z.queued ? t('irr.queuedCount', { n: z.queued }) : t('irr.notWatering')}</span>
          )}
        </div>
        {mayRun ? (
          <div class="btn-row">
            <button type="button" class="btn btn-danger" data-testid="stop-run" hidden={!r || r.status === 'stopping'} disabled={!!r && busy.value.has(`stop|${r.id}`)} onClick={() => r && void stopRun(r)}>
              {t('irr.stop')}
            </button>
          </div>
        ) : null}
        {mayRun ? <RunNow z={z} /> : null}
        <Msg msg={zoneMsgs.value.get(z.id)} testid="run-now-error" />
      </section>
      {z.sensorControl ? (
        <p class="note" data-testid="sensor-control">
          {sensorText(z.sensorControl)}
        </p>
      ) : (
        <p class="note" data-testid="sensor-control" hidden />
      )}
    </article>
  );
}

export function Zones() {
  const list = zones.value;
  return (
    <section id="zones" class="panel-plain" aria-labelledby="zones-h">
      <h2 id="zones-h">{t('irr.zones')}</h2>
      <div id="zone-cards" class="cards">
        {list.length ? list.map((z) => <ZoneCard key={z.id} z={z} />) : <p class="note">{t('irr.noZones')}</p>}
      </div>
    </section>
  );
}
