// The history page: one device's numeric metrics over 1 h, 24 h, 7 d, 30 d or a chosen range, as
// charts downsampled by the server (GET /api/series), with zoom and a CSV of what is shown.
//   /app/history.html?device=gh-01&metric=soilMoisturePct&range=7d
import { useSignal, useSignalEffect } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { AlertList } from '../../alerts.js';
import { api, type Alert, type Device, type DeviceTypeInfo, type Series } from '../../api.js';
import { ChartActions } from '../../components/ChartActions.js';
import { rangeFromUrl, rangeParams, RangePicker, spanOf, type RangeName } from '../../components/RangePicker.js';
import { site } from '../../components/Shell.js';
import { download, seriesCsv } from '../../csv.js';
import { ApiError } from '../../lib/http.js';
import { isKey, lang, locale, t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { HistoryChart } from './Chart.js';
import { withReading } from './series-live.js';

const params = new URLSearchParams(location.search);
const deviceId = params.get('device') ?? '';
const initialRange = rangeFromUrl(params);

interface Loaded {
  device: Device;
  type: DeviceTypeInfo;
  alerts: Alert[];
}

/** A failure in words, in the language shown: a server code has its sentence, an unknown one is named. */
type Failure = () => string;
function failure(e: unknown): Failure {
  if (!(e instanceof ApiError)) return () => String(e);
  const key = `hist.error.${e.code}`;
  return () => (isKey(key) ? t(key) : t('hist.error.other', { code: e.code }));
}

/** The shell's page: the device, its type and its alerts, then the charts. */
export function HistoryPage() {
  const loaded = useSignal<Loaded | undefined>(undefined);
  const failed = useSignal<Failure | undefined>(deviceId ? undefined : () => t('hist.noDevice'));
  useEffect(() => {
    if (!deviceId) return;
    Promise.all([api.device(deviceId), api.types(), api.alerts()])
      .then(([device, types, alerts]) => {
        const type = types.find((x) => x.type === device.type);
        if (!type) throw new Error(`unknown type ${device.type}`);
        loaded.value = { device, type, alerts: alerts.alerts.filter((a) => a.device === device.id) };
      })
      .catch((e: unknown) => void (failed.value = failure(e)));
  }, []);
  if (failed.value)
    return (
      <p class="error" role="alert" data-testid="history-error">
        {failed.value()}
      </p>
    );
  const l = loaded.value;
  if (!l) return <p aria-busy="true">{t('hist.loading')}</p>;
  return <History {...l} />;
}

function History({ device, type, alerts: initialAlerts }: Loaded) {
  const tz = site.value!.site.tz;
  const metrics = type.capabilities.filter((c) => c.access === 'read' && c.kind === 'number');
  const metric = useSignal(metrics.some((m) => m.key === params.get('metric')) ? params.get('metric')! : (metrics[0]?.key ?? ''));
  const range = useSignal<RangeName>(initialRange.range);
  const custom = useSignal(initialRange.custom);
  const series = useSignal<Series | undefined>(undefined);
  const error = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const view = useSignal<{ from: number; to: number } | undefined>(undefined);
  const resetKey = useSignal(0);
  const alerts = useSignal<Alert[]>(initialAlerts);

  useSignalEffect(() => {
    const m = metric.value;
    const choice = { range: range.value, custom: custom.value };
    const w = spanOf(choice);
    if (!m) return;
    history.replaceState(null, '', `?${rangeParams(choice, { device: device.id, metric: m })}`);
    busy.value = true;
    error.value = undefined;
    let stale = false;
    api
      .series({ device: device.id, metric: m, from: Math.round(w.from), to: Math.round(w.to), points: 1000 })
      .then((s) => {
        if (stale) return;
        series.value = s;
        view.value = { from: s.from, to: s.to };
      })
      .catch((e: unknown) => {
        if (!stale) error.value = failure(e);
      })
      .finally(() => {
        if (!stale) busy.value = false;
      });
    return () => {
      stale = true;
    };
  });

  // Readings pushed while the page is open extend a preset range's chart; a chosen range stays put.
  useStream(
    {
      device: (d) => {
        const v = d.telemetry?.[metric.value];
        if (d.id !== device.id || range.value === 'custom' || typeof v !== 'number' || !d.telemetryAt || !series.value) return;
        series.value = withReading(series.value, Date.parse(d.telemetryAt), v, Date.now());
      },
      // The device's alerts as they start and end, pushed.
      alert: (a) => {
        if (a.device !== device.id) return;
        const rest = alerts.value.filter((x) => x.key !== a.key);
        alerts.value = a.active ? [{ key: a.key, what: a.what, severity: a.severity, message: a.message, startedAt: a.at, device: a.device }, ...rest] : rest;
      },
    },
    [device.id],
  );

  const cap = metrics.find((m) => m.key === metric.value);
  const label = cap ? cap.label[lang.value] : metric.value;
  const localTime = useMemo(() => {
    const f = new Intl.DateTimeFormat(locale(), { timeZone: tz, dateStyle: 'short', timeStyle: 'short' });
    return (ms: number) => f.format(ms);
  }, [tz, lang.value]);
  const s = series.value;
  const hasData = !!s && s.mean.some((v) => v !== null);
  const step = s ? (s.stepMs >= 3600_000 ? `${(s.stepMs / 3600_000).toFixed(1)} h` : s.stepMs >= 60_000 ? `${Math.round(s.stepMs / 60_000)} min` : `${s.stepMs / 1000} s`) : '';

  if (metrics.length === 0) return <p data-testid="history-error">{t('hist.noMetric')}</p>;
  return (
    <>
      <h2 data-testid="history-device">
        {t('hist.title')}: {device.name}
      </h2>
      <AlertList alerts={alerts.value} names={{ device: (id) => (id === device.id ? device.name : id), zone: (id) => site.value?.zones.find((z) => z.id === id)?.name ?? id }} />
      <div class="controls">
        <label>
          {t('hist.metric')}
          <select data-testid="history-metric" value={metric.value} onChange={(e) => (metric.value = e.currentTarget.value)}>
            {metrics.map((m) => (
              <option value={m.key}>
                {m.label[lang.value]}
                {m.unit ? ` (${m.unit})` : ''}
              </option>
            ))}
          </select>
        </label>
        <RangePicker range={range} custom={custom} />
      </div>
      {error.value && (
        <p class="error" role="alert" data-testid="history-error">
          {error.value()}
        </p>
      )}
      {busy.value && !s && <p aria-busy="true">{t('hist.loading')}</p>}
      {s && (
        <section class="card" aria-busy={busy.value}>
          <p class="meta" data-testid="history-count" data-points={s.t.length} data-step={s.stepMs} data-last={s.t.at(-1)}>
            {t('hist.buckets', { n: s.t.length, step })} · {t('hist.zoomHint')}
          </p>
          {hasData ? (
            <HistoryChart series={s} label={label} tz={tz} resetKey={resetKey.value} onView={(v) => (view.value = v)} />
          ) : (
            <p data-testid="history-empty">{t('hist.empty')}</p>
          )}
          <ChartActions
            enabled={hasData}
            onReset={() => resetKey.value++}
            onCsv={() => download(`${device.id}-${s.metric}-${new Date(s.from).toISOString().slice(0, 10)}.csv`, seriesCsv(s, view.value ?? s, localTime))}
          />
        </section>
      )}
    </>
  );
}
