// The irrigation page: alerts first, then the queue, the zones, the programs and the history.
// Loads everything once, then follows the live stream (refetching, see store.ts), a 5 s fallback
// refetch, a one-second clock for countdowns, and programs and water every minute.
import { useEffect, useState } from 'preact/hooks';
import { showLoadError, clearNotice } from '../../components/Shell.js';
import { serverNow } from '../../lib/http.js';
import { t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { Alerts } from './Alerts.js';
import { History } from './History.js';
import { Programs } from './Programs.js';
import { Queue } from './Queue.js';
import { loadAll, loadDevices, loadPrograms, loadWater, now, putDevice, refreshAlerts, scheduleRefresh } from './store.js';
import { Zones } from './Zones.js';

const FALLBACK_MS = 5000;
const SLOW_MS = 60_000;

export function App() {
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const load = () => {
      clearNotice();
      loadAll().then(
        () => {
          setReady(true);
          void loadWater();
        },
        () => showLoadError(load),
      );
    };
    load();
    const clock = setInterval(() => (now.value = serverNow()), 1000);
    const fallback = setInterval(() => scheduleRefresh(), FALLBACK_MS);
    const slow = setInterval(() => {
      void loadPrograms().catch(() => undefined);
      void loadWater();
    }, SLOW_MS);
    return () => [clock, fallback, slow].forEach(clearInterval);
  }, []);

  useStream(
    {
      device: (d) => {
        // A valve's own report shows at once; the runs follow with the refetch.
        putDevice(d);
        scheduleRefresh();
      },
      alert: () => void refreshAlerts(),
      onOpen: () => {
        // Something may have been missed while the stream was down.
        void loadDevices().catch(() => undefined);
        void refreshAlerts();
        scheduleRefresh(true);
      },
    },
    [],
  );

  if (!ready) return <p aria-busy="true">{t('loading')}</p>;
  return (
    <div class="irr">
      <Alerts />
      <Queue />
      <Zones />
      <Programs />
      <History />
    </div>
  );
}
