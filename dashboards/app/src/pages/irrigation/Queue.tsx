// The commune's queue: what runs now, what waits and when it should start, and (for those who run
// the commune's watering) pause / resume, cancel all and the rain delay.
import { useState } from 'preact/hooks';
import { Msg, refusal } from '../../components/Msg.js';
import { fmtDuration, fmtRelative, fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { num } from '../../components/ProgramEditor.js';
import { irr, type QueuedRun, type RunItem } from './api.js';
import { busy, deviceName, now, queue, queueMsg, setBusy, setZoneMsg, zoneName } from './store.js';
import { Ends, RelTime } from './time.js';
import { noteText, pathLabel, reasonText } from './words.js';

/** Stops a run (from the queue or its zone's card); the outcome shows on the zone's card. */
export async function stopRun(r: RunItem): Promise<void> {
  const key = `stop|${r.id}`;
  if (busy.value.has(key)) return;
  setBusy(key, true);
  try {
    await irr.stop(r.id);
    setZoneMsg(r.zone, () => ({ kind: 'ok', title: t('irr.stopped', { zone: zoneName(r.zone) }) }), true);
  } catch (err) {
    setZoneMsg(r.zone, refusal(err));
    queueMsg.value = refusal(err);
  } finally {
    setBusy(key, false);
  }
}

function StopButton({ r, testid, label }: { r: RunItem; testid: string; label: string }) {
  return (
    <button type="button" class="btn btn-light btn-small" data-testid={testid} data-run-id={r.id} disabled={busy.value.has(`stop|${r.id}`)} onClick={() => void stopRun(r)}>
      {label}
    </button>
  );
}

export function RunLeft({ r }: { r: RunItem }) {
  if (r.status === 'starting') return <span class="run-left">{t('irr.status.starting')}</span>;
  if (!r.endsAt) return <span class="run-left">{fmtDuration(r.durationS)}</span>;
  return <Ends at={r.endsAt} />;
}

function Running({ r }: { r: RunItem }) {
  const meta = [r.valves.map(deviceName).join(', '), reasonText(r), t('irr.planned', { time: fmtDuration(r.durationS) })].filter(Boolean).join(' · ');
  return (
    <li class="run run-active" data-run-id={r.id} data-zone={r.zone} data-status={r.status}>
      <div class="run-main">
        <strong class="run-zone">{zoneName(r.zone)}</strong> <RunLeft r={r} />
      </div>
      <div class="run-meta">{meta}</div>
      {r.note ? <div class="run-note">{noteText(r.noteCode, r.note)}</div> : null}
      {can('irrigation.run') ? <StopButton r={r} testid="queue-stop" label={t('irr.stop')} /> : null}
    </li>
  );
}

function Waiting({ r, paused }: { r: QueuedRun; paused: boolean }) {
  let when = '';
  if (paused) when = t('irr.waitResume');
  else if (r.expectedStartAt !== undefined) {
    when = r.expectedStartAt - now.value < 30_000 ? t('irr.startsSoon') : t('irr.expected', { time: fmtTime(r.expectedStartAt), rel: fmtRelative(r.expectedStartAt, now.value) });
  }
  return (
    <li class="run" data-run-id={r.id} data-zone={r.zone} data-status={r.status}>
      <div class="run-main">
        <strong class="run-zone">{zoneName(r.zone)}</strong> <span class="run-when">{when}</span>
      </div>
      <div class="run-meta">{[fmtDuration(r.durationS), reasonText(r)].join(' · ')}</div>
      {r.waitingFor?.length ? <div class="run-wait">{t('irr.waitingFor', { list: r.waitingFor.map(deviceName).join(', ') })}</div> : null}
      {r.note ? <div class="run-note">{noteText(r.noteCode, r.note)}</div> : null}
      {can('irrigation.run') ? <StopButton r={r} testid="queue-cancel" label={t('irr.cancelOne')} /> : null}
    </li>
  );
}

async function queueAction(key: string, send: () => Promise<unknown>): Promise<boolean> {
  if (busy.value.has(key)) return false;
  setBusy(key, true);
  try {
    await send();
    queueMsg.value = null;
    return true;
  } catch (err) {
    queueMsg.value = refusal(err, { label: pathLabel });
    return false;
  } finally {
    setBusy(key, false);
  }
}

function Controls() {
  const q = queue.value;
  const [hours, setHours] = useState('24');
  const [rainBad, setRainBad] = useState(false);
  const pause = () =>
    void queueAction('pause', async () => {
      const next = await irr.pause();
      queue.value = { ...queue.value, ...next };
    });
  const resume = () =>
    void queueAction('resume', async () => {
      const next = await irr.resume();
      queue.value = { ...queue.value, ...next };
    });
  const cancel = () => {
    if (window.confirm(t('irr.confirmCancel'))) void queueAction('cancel', () => irr.cancelAll());
  };
  const rain = async (e: Event) => {
    e.preventDefault();
    const h = num(hours);
    const ok = await queueAction('rain', async () => {
      const s = await irr.rainDelay(h === undefined || Number.isNaN(h) ? {} : { hours: h });
      if (queue.value) queue.value = { ...queue.value, rainDelayUntil: s.rainDelayUntil };
    });
    setRainBad(!ok);
  };
  return (
    <div class="queue-controls">
      <div class="btn-row">
        {q?.paused ? (
          <button id="resume" type="button" class="btn" data-testid="resume" disabled={busy.value.has('resume')} onClick={resume}>
            {t('irr.resume')}
          </button>
        ) : (
          <button id="pause" type="button" class="btn" data-testid="pause" disabled={busy.value.has('pause')} onClick={pause}>
            {t('irr.pause')}
          </button>
        )}
        <button id="cancel-all" type="button" class="btn btn-danger" data-testid="cancel-all" disabled={busy.value.has('cancel')} onClick={cancel}>
          {t('irr.cancelAll')}
        </button>
      </div>
      <form id="rain-form" class="cmd-form" novalidate onSubmit={rain}>
        <div class="fields">
          <div class="field">
            <label for="rain-hours">{t('irr.rainHours')}</label>
            <input
              id="rain-hours"
              type="number"
              inputMode="decimal"
              min={0}
              max={336}
              step="any"
              value={hours}
              data-testid="rain-delay-hours"
              aria-describedby="rain-hint"
              aria-invalid={rainBad || undefined}
              onInput={(e) => setHours(e.currentTarget.value)}
            />
          </div>
          <div class="field submit">
            <button type="submit" class="btn btn-light" data-testid="rain-delay" disabled={busy.value.has('rain')}>
              {t('irr.rainDelay')}
            </button>
          </div>
          <small id="rain-hint" class="hint">
            {t('irr.rainHint')}
          </small>
        </div>
      </form>
      <Msg msg={queueMsg.value} testid="queue-error" id="queue-error" />
    </div>
  );
}

export function Queue() {
  const q = queue.value;
  const paused = !!q?.paused;
  const rainUntil = q?.rainDelayUntil !== undefined && q.rainDelayUntil > now.value ? q.rainDelayUntil : undefined;
  const running = q?.running ?? [];
  const queued = q?.queued ?? [];
  return (
    <section id="queue" class="panel" data-testid="queue" aria-labelledby="queue-h">
      <h2 id="queue-h">{t('irr.queue')}</h2>
      <div id="queue-flags" class="flags" data-testid="queue-flags" data-paused={String(paused)} aria-live="polite">
        {paused ? (
          <p class="flag flag-paused" data-testid="queue-paused">
            {t('irr.paused')}
          </p>
        ) : null}
        {rainUntil !== undefined ? (
          <p class="flag flag-rain" data-testid="queue-rain">
            {t('irr.rainUntil', { time: fmtTime(rainUntil) })} · <RelTime at={rainUntil} />
          </p>
        ) : null}
        {!paused && rainUntil === undefined ? <p class="flag flag-ok">{t('irr.normal')}</p> : null}
      </div>
      <h3 class="sub">{t('irr.runningNow')}</h3>
      <ul id="queue-running" class="runs" data-testid="queue-running">
        {running.length ? running.map((r) => <Running key={r.id} r={r} />) : <li class="empty">{t('irr.noneRunning')}</li>}
      </ul>
      <h3 class="sub">{t('irr.upNext')}</h3>
      <ul id="queue-queued" class="runs" data-testid="queue-queued">
        {queued.length ? queued.map((r) => <Waiting key={r.id} r={r} paused={paused} />) : <li class="empty">{t('irr.queueEmpty')}</li>}
      </ul>
      {can('irrigation.control') ? <Controls /> : null}
    </section>
  );
}
