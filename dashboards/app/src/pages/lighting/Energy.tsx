// A night's energy (noon to noon, last night by default) per group and light against what the
// lamps would have used at full power, with the definitions beside the figures. A 404 means the
// controller has no figures for that night: "no data", not an error.
import { useSignal, useSignalEffect } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { Msg, refusal, type MessageFn } from '../../components/Msg.js';
import { ApiError, serverNow } from '../../lib/http.js';
import { dayKey, fmtLocalDate, fmtNum, withUnit } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { lightingApi, type Energy as EnergyAnswer } from './api.js';
import { groups, lightName } from './store.js';
import { addDays, kwh, lastNight, pct } from './words.js';

const SLOW_MS = 60_000;

type Figures = { kwh: number; baselineKwh: number; savedKwh: number; savedPct: number };
type LightFigures = EnergyAnswer['lights'][number];

function savedText(x: Figures): string {
  const p = x.baselineKwh > 0 ? ` (${pct(x.savedPct)})` : '';
  return `${x.savedKwh < 0 ? '−' : ''}${kwh(Math.abs(x.savedKwh))}${p}`;
}

function Figure({ k, label, value, extra }: { k: string; label: string; value: string; extra?: string }) {
  return (
    <div class="kv-row" data-key={k}>
      <dt>{label}</dt>
      <dd>
        {value}
        {extra ? <small class="calc">{` ${extra}`}</small> : null}
      </dd>
    </div>
  );
}

/** How much of the full-power energy was used, as a bar (the text says the same). */
function UsageBar({ x }: { x: Figures }) {
  if (!(x.baselineKwh > 0)) return null;
  const used = Math.max(0, Math.min(1, x.kwh / x.baselineKwh));
  const label = t('lit.energy.bar', { pct: pct(used * 100) });
  return (
    <div class="usage" title={label}>
      <span class="usage-fill" style={{ width: `${(used * 100).toFixed(1)}%` }} />
      <span class="sr">{label}</span>
    </div>
  );
}

function LightTable({ list, label }: { list: LightFigures[]; label: string }) {
  // Scrolls sideways on a phone: focusable (and named) so a keyboard can scroll it too.
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table class="energy-table">
        <thead>
          <tr>
            <th scope="col">{t('lit.energy.light')}</th>
            <th scope="col">{t('lit.energy.kwh')}</th>
            <th scope="col">{t('lit.energy.baseline')}</th>
            <th scope="col">{t('lit.energy.saved')}</th>
            <th scope="col">{t('lit.energy.onHours')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((l) => (
            <tr key={l.deviceId} data-energy-light={l.deviceId}>
              <th scope="row">{lightName(l.deviceId)}</th>
              <td>{kwh(l.kwh)}</td>
              <td>{kwh(l.baselineKwh)}</td>
              <td>{savedText(l)}</td>
              <td>{withUnit(fmtNum(l.onHours ?? 0, 1), t('unit.h'))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Figures({ e, night }: { e: EnergyAnswer | null; night: string }) {
  const none = (
    <p class="empty" data-testid="energy-empty">
      {t('lit.energy.none', { date: fmtLocalDate(night) })}
    </p>
  );
  if (!e || (!e.lights.length && !e.groups.length)) return none;
  const byLight = new Map(e.lights.map((l) => [l.deviceId, l]));
  return (
    <>
      <ul class="defs" data-testid="energy-definition">
        <li>{t('lit.energy.defKwh')}</li>
        <li>{t('lit.energy.defBaseline')}</li>
        <li>{t('lit.energy.defSaved')}</li>
      </ul>
      {e.groups.map((ge) => {
        const g = groups.value.find((x) => x.id === ge.id);
        const members = (g?.devices ?? []).flatMap((id) => byLight.get(id) ?? []);
        return (
          <article key={ge.id} class="energy-group" data-energy-group={ge.id}>
            <h3 class="dev-name">{g?.name ?? ge.name ?? ge.id}</h3>
            <dl class="kv">
              <Figure k="kwh" label={t('lit.energy.kwh')} value={kwh(ge.kwh)} />
              <Figure k="baseline" label={t('lit.energy.baseline')} value={kwh(ge.baselineKwh)} />
              <Figure k="saved" label={t('lit.energy.saved')} value={savedText(ge)} extra={t('lit.energy.calc', { baseline: fmtNum(ge.baselineKwh, 2), kwh: fmtNum(ge.kwh, 2) })} />
            </dl>
            <UsageBar x={ge} />
            {members.length ? <LightTable list={members} label={`${t('lit.energy')}: ${g?.name ?? ge.name ?? ge.id}`} /> : null}
          </article>
        );
      })}
      {e.groups.length ? null : <LightTable list={e.lights} label={t('lit.energy')} />}
    </>
  );
}

export function Energy() {
  const night = useSignal(lastNight());
  /** undefined while loading, null when there is nothing for the night. */
  const answer = useSignal<EnergyAnswer | null | undefined>(undefined);
  const error = useSignal<MessageFn | undefined>(undefined);

  const load = async (n: string, quiet: boolean) => {
    if (!quiet) {
      answer.value = undefined;
      error.value = undefined;
    }
    try {
      const e = await lightingApi.energy(n);
      if (n !== night.peek()) return; // another night was chosen meanwhile
      answer.value = e;
      error.value = undefined;
    } catch (err) {
      if (n !== night.peek()) return;
      answer.value = null;
      error.value = err instanceof ApiError && err.status === 404 ? undefined : refusal(err);
    }
  };
  useSignalEffect(() => void load(night.value, false));
  // The night's figures grow while it lasts: read them again every minute, keeping what is shown.
  useEffect(() => {
    const id = setInterval(() => void load(night.peek(), true), SLOW_MS);
    return () => clearInterval(id);
  }, []);

  const n = night.value;
  const e = answer.value;
  return (
    <section id="energy" class="panel" data-testid="energy" aria-labelledby="energy-h">
      <h2 id="energy-h">{t('lit.energy')}</h2>
      <form id="energy-form" class="cmd-form" noValidate onSubmit={(ev) => ev.preventDefault()}>
        <div class="fields">
          <div class="field">
            <label for="energy-night">{t('lit.energy.night')}</label>
            <input
              id="energy-night"
              type="date"
              data-testid="energy-night"
              aria-describedby="energy-window"
              value={n}
              max={dayKey(serverNow())}
              onChange={(ev) => {
                const v = ev.currentTarget.value;
                if (/^\d{4}-\d{2}-\d{2}$/.test(v)) night.value = v;
              }}
            />
          </div>
          <small id="energy-window" class="hint">
            {t('lit.energy.window', { date: fmtLocalDate(n), next: fmtLocalDate(addDays(n, 1)) })}
          </small>
        </div>
      </form>
      <div id="energy-body" class="energy-body" data-testid="energy-body" aria-live="polite" data-state={e === undefined ? 'loading' : e ? 'data' : 'none'}>
        {e === undefined ? (
          <p class="note">{t('loading')}</p>
        ) : error.value ? (
          <>
            <Msg msg={error.value} testid="energy-error" />
            <Figures e={null} night={n} />
          </>
        ) : (
          <Figures e={e} night={n} />
        )}
      </div>
    </section>
  );
}
