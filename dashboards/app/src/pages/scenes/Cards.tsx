// The scene cards: what a scene does, the run and undo buttons behind a confirmation (<dialog>),
// and the latest run as it settles: each action's state and, per device, applied / rejected /
// started (counts, and the list behind a disclosure).
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { Action } from '../../../../../controller/rules/schema.js';
import { fmtTime } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { isKey, t, type Key } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { scenesApi, type SceneRun, type SceneView } from './api.js';
import { applyRun, deviceNames, scenes } from './store.js';

/** What an action does, in words. */
function actionText(a: Action): string {
  switch (a.kind) {
    case 'bulletin':
      return t(`sc.do.bulletin.${a.level}`, { title: a.title });
    case 'lighting-all':
      return a.untilMin ? t('sc.do.lighting-all-for', { level: a.level, min: a.untilMin }) : t('sc.do.lighting-all', { level: a.level });
    case 'lighting-override':
      return t('sc.do.lighting-override', { group: a.group, level: a.level });
    case 'irrigation-rain-delay':
      return a.hours > 0 ? t('sc.do.rain-delay', { hours: a.hours }) : t('sc.do.rain-delay-off');
    case 'command':
      return t('sc.do.command', { device: deviceNames.value.get(a.device) ?? a.device, action: a.action });
    case 'alert':
      return t('sc.do.alert', { text: a.message });
    default: {
      const k = `sc.do.${a.kind}`;
      return isKey(k) ? t(k) : a.kind;
    }
  }
}

const kindText = (kind: string) => {
  const k = `sc.kind.${kind}`;
  return isKey(k) ? t(k) : kind;
};

const OUTCOMES = ['sent', 'applied', 'started', 'finished', 'rejected', 'expired', 'failed'] as const;

function RunView({ run }: { run: SceneRun }) {
  return (
    <section class="scene-run" aria-live="polite" data-testid="scene-run" data-run={run.id} data-status={run.status}>
      <h3 class="scene-run-head">
        {t(run.undo ? 'sc.run.undo' : 'sc.run.run')} · {fmtTime(run.startedAt, { seconds: true })}{' '}
        <span class={`badge run-${run.status}`}>{t(`sc.status.${run.status}`)}</span>
      </h3>
      <ol class="scene-run-actions">
        {run.actions.map((a, i) => {
          const counts = OUTCOMES.map((s) => [s, a.devices.filter((d) => d.state === s).length] as const).filter(([, n]) => n > 0);
          return (
            <li key={i} data-testid="run-action" data-kind={a.kind} data-state={a.state}>
              <span class="run-kind">{kindText(a.kind)}</span> <span class={`badge act-${a.state}`}>{t(`sc.state.${a.state}`)}</span>
              {a.state === 'failed' && a.code ? <p class="run-error">{isKey(`sc.err.${a.code}`) ? t(`sc.err.${a.code}` as Key) : t('sc.err.action')}</p> : null}
              {counts.length ? (
                <p class="run-counts" data-testid="run-counts">
                  {counts.map(([s, n]) => (
                    <span key={s} class={`count out-${s}`} data-outcome={s} data-n={n}>
                      {t(`sc.out.${s}`, { n })}
                    </span>
                  ))}
                </p>
              ) : null}
              {a.devices.length ? (
                <details class="run-devices">
                  <summary>{t('sc.devices', { n: a.devices.length })}</summary>
                  <ul>
                    {a.devices.map((d) => (
                      <li key={d.id} data-device={d.id} data-outcome={d.state}>
                        {deviceNames.value.get(d.id) ?? d.id}: {t(`sc.dev.${d.state}`)}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Asks before running: a modal <dialog> (focus moves into it, Esc closes, focus returns). */
function Confirm({ v, undo, onClose }: { v: SceneView; undo: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const busy = useSignal(false);
  const error = useSignal('');
  useEffect(() => {
    const d = ref.current!;
    const back = document.activeElement as HTMLElement | null;
    d.showModal();
    return () => back?.focus();
  }, []);
  const go = async () => {
    busy.value = true;
    error.value = '';
    try {
      applyRun(await scenesApi.run(v.scene.id, undo));
      ref.current?.close();
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      const k = `sc.err.${code}`;
      const action = err instanceof ApiError ? (err.body as { action?: { kind?: string } }).action?.kind : undefined;
      error.value = isKey(k) ? t(k, { action: action ? kindText(action) : '' }) : t('sc.err.failed');
    } finally {
      busy.value = false;
    }
  };
  const titleId = `confirm-${v.scene.id}`;
  return (
    <dialog ref={ref} class="scene-confirm" aria-labelledby={titleId} onClose={onClose} data-testid="confirm">
      <h2 id={titleId}>{undo ? t('sc.confirmUndo', { name: v.scene.name }) : v.scene.name}</h2>
      <p>{undo ? t('sc.confirmUndoText') : v.scene.confirm}</p>
      {error.value ? (
        <p class="run-error" role="alert" data-testid="confirm-error">
          {error.value}
        </p>
      ) : null}
      <div class="btn-row">
        <button type="button" class="btn btn-light" autoFocus onClick={() => ref.current?.close()} data-testid="confirm-cancel">
          {t('sc.cancel')}
        </button>
        <button type="button" class={`btn${undo ? '' : ' btn-danger'}`} disabled={busy.value} onClick={() => void go()} data-testid="confirm-go">
          {undo ? t('sc.undo') : t('sc.run')}
        </button>
      </div>
    </dialog>
  );
}

function Card({ v }: { v: SceneView }) {
  const asking = useSignal<'run' | 'undo' | null>(null);
  const latest = v.running ?? v.runs[0];
  const mayRun = can('scenes.run');
  return (
    <li class="card scene-card" data-testid="scene" data-scene={v.scene.id}>
      <h2 class="scene-name">{v.scene.name}</h2>
      {v.scene.description ? <p class="scene-desc">{v.scene.description}</p> : null}
      <ol class="scene-actions">
        {v.scene.actions.map((a, i) => (
          <li key={i}>{actionText(a)}</li>
        ))}
      </ol>
      {v.scene.undo?.length ? (
        <p class="note">
          {t('sc.undoDoes')} {v.scene.undo.map(actionText).join('; ')}
        </p>
      ) : null}
      {mayRun ? (
        <div class="btn-row">
          <button type="button" class="btn btn-danger" disabled={!!v.running} onClick={() => (asking.value = 'run')} data-testid="scene-run-button">
            {t('sc.run')}
          </button>
          {v.scene.undo?.length ? (
            <button type="button" class="btn btn-light" disabled={!!v.running} onClick={() => (asking.value = 'undo')} data-testid="scene-undo-button">
              {t('sc.undo')}
            </button>
          ) : null}
        </div>
      ) : null}
      {latest ? <RunView run={latest} /> : <p class="note">{t('sc.neverRun')}</p>}
      {asking.value ? <Confirm v={v} undo={asking.value === 'undo'} onClose={() => (asking.value = null)} /> : null}
    </li>
  );
}

export function SceneCards() {
  if (!scenes.value.length) return <p class="note">{t('sc.none')}</p>;
  return (
    <ul class="cards scene-cards" id="main-list">
      {scenes.value.map((v) => (
        <Card key={v.scene.id} v={v} />
      ))}
    </ul>
  );
}
