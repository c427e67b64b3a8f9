// "Test against past data": the form's rule as it is now, replayed by the server over a past range
// (POST /api/rules/test, nothing saved or sent), and what it would have done: how many times it
// would have fired, each firing at the site's time with the device, value and when it cleared.
import { useState } from 'preact/hooks';
import { Msg, refusal, type MessageFn } from '../../components/Msg.js';
import { fmtDateTime, fmtNum, withUnit } from '../../lib/format.js';
import { serverNow } from '../../lib/http.js';
import { t } from '../../lib/i18n.js';
import type { RuleTestResult } from './api.js';
import { metricCap, type Body } from './draft.js';
import type { FormContext, Issue } from './RuleForm.js';
import { pathLabel } from './words.js';

export type TestRange = '24h' | '7d' | '30d' | 'custom';
const SPAN: Record<Exclude<TestRange, 'custom'>, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

/** datetime-local's value for an instant, in the browser's zone (what the input shows). */
const inputValue = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function spanOf(range: TestRange, custom: { from: string; to: string }, now: number): { from: number; to: number } {
  if (range !== 'custom') return { from: now - SPAN[range], to: now };
  return { from: new Date(custom.from).getTime(), to: new Date(custom.to).getTime() };
}

export interface TestRunProps {
  body: Body;
  run: (body: Body, from: number, to: number) => Promise<RuleTestResult>;
  /** The body that was tested (the save button compares it with the form's). */
  onTested: (b: Body | undefined) => void;
  /** A refusal's issues go to the form's fields; returns them for the summary. */
  onIssues: (err: unknown) => Issue[];
  ctx: FormContext;
}

export function TestRun(p: TestRunProps) {
  const now = serverNow();
  const [range, setRange] = useState<TestRange>('7d');
  const [custom, setCustom] = useState({ from: inputValue(now - SPAN['7d']), to: inputValue(now) });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ r: RuleTestResult; stale: string } | null>(null);
  const [msg, setMsg] = useState<MessageFn | null>(null);

  const go = async () => {
    if (busy) return;
    const span = spanOf(range, custom, serverNow());
    const body = p.body;
    setBusy(true);
    setMsg(null);
    try {
      const r = await p.run(body, span.from, span.to);
      setResult({ r, stale: JSON.stringify(body) });
      p.onTested(body);
      p.onIssues(undefined);
    } catch (err) {
      setResult(null);
      p.onTested(undefined);
      const list = p.onIssues(err);
      const base = refusal(err, { label: pathLabel });
      setMsg(() => () => ({ ...base(), lines: list.length ? list.map((i) => `${pathLabel(i.path)}: ${i.text()}`) : base().lines }));
    } finally {
      setBusy(false);
    }
  };

  const r = result?.r;
  const changed = result && result.stale !== JSON.stringify(p.body);
  const when = p.body.when;
  const unit = when.kind === 'metric' ? metricCap(p.ctx.types, when.metric)?.unit : undefined;
  const name = (id: string | undefined, target: string) => (id ? (p.ctx.devices.find((d) => d.id === id)?.name ?? id) : target === '*' ? t('ru.test.all') : target === 'time' ? '' : target);

  return (
    <section class="fs test-run" aria-labelledby="rt-h" data-testid="rule-test">
      <h3 id="rt-h">{t('ru.test.title')}</h3>
      <fieldset class="ranges">
        <legend>{t('ru.test.range')}</legend>
        {(['24h', '7d', '30d', 'custom'] as const).map((x) => (
          <button key={x} type="button" data-testid={`rule-test-range-${x}`} aria-pressed={range === x} onClick={() => setRange(x)}>
            {t(`ru.test.range.${x}`)}
          </button>
        ))}
      </fieldset>
      {range === 'custom' ? (
        <div class="range">
          <div class="field">
            <label for="rt-from">{t('ru.test.from')}</label>
            <input id="rt-from" type="datetime-local" value={custom.from} data-testid="rule-test-from" onInput={(e) => setCustom({ ...custom, from: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="rt-to">{t('ru.test.to')}</label>
            <input id="rt-to" type="datetime-local" value={custom.to} data-testid="rule-test-to" onInput={(e) => setCustom({ ...custom, to: e.currentTarget.value })} />
          </div>
        </div>
      ) : null}
      <div class="btn-row">
        <button type="button" class="btn btn-light" data-testid="rule-test-run" aria-busy={busy} disabled={busy} onClick={() => void go()}>
          {busy ? t('ru.test.running') : t('ru.test.run')}
        </button>
      </div>
      <div aria-live="polite" class="test-out">
        {busy ? (
          <p class="note" data-testid="rule-test-busy">
            {t('ru.test.running')}
          </p>
        ) : null}
        <Msg msg={msg} testid="rule-test-error" />
        {r && !busy ? (
          <div data-testid="rule-test-result" data-fired={r.fired.length}>
            <p class="test-count" data-testid="rule-test-count">
              <strong>{r.fired.length ? t('ru.test.fired', { n: r.fired.length }) : t('ru.test.never')}</strong>
              {' · '}
              {t('ru.test.read', { readings: fmtNum(r.readings), events: fmtNum(r.events) })}
            </p>
            {changed ? <p class="note stale" data-testid="rule-test-changed">{t('ru.test.changed')}</p> : null}
            {r.truncated ? <p class="note stale">{t('ru.test.truncated')}</p> : null}
            {r.fired.length ? (
              <ol class="firings" data-testid="rule-test-firings">
                {r.fired.map((f, i) => (
                  <li key={i} data-testid="rule-test-firing" data-at={f.at}>
                    <span class="f-at">{fmtDateTime(f.at)}</span>
                    {name(f.device, f.target) ? <span class="f-dev">{name(f.device, f.target)}</span> : null}
                    {f.value !== undefined ? <span class="f-val">{withUnit(fmtNum(f.value), unit)}</span> : null}
                    {f.repeat ? <span class="f-rep">{t('ru.test.repeat', { n: f.repeat })}</span> : null}
                    <span class="f-clear">{f.clearedAt !== undefined ? t('ru.test.clearedAt', { time: fmtDateTime(f.clearedAt) }) : t('ru.test.notCleared')}</span>
                  </li>
                ))}
              </ol>
            ) : null}
            {r.open.length ? <p class="note">{t('ru.test.open', { n: r.open.length })}</p> : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
