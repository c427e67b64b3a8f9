// The irrigation page: alerts first, then the queue, the zones, the programs and the history.
// Loads everything once, then follows the live stream: `irrigation` events carry the zones, the
// queue and the history (store.ts), `device` events the valves' own reports, `alert` events the
// alerts; a (re)connect reads it all again. Countdowns follow a one-second local clock. Water (from
// the database) and weather-adjusted programs (their level follows the last 24 h of weather) are not
// in any event: they are read every minute.
import { useEffect, useState } from 'preact/hooks';
import { showLoadError, clearNotice } from '../../components/Shell.js';
import { useClock } from '../../components/Time.js';
import { t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { Alerts } from './Alerts.js';
import { History } from './History.js';
import { Programs } from './Programs.js';
import { Queue } from './Queue.js';
import { applyEvent, loadAll, loadDevices, loadWater, programs, putDevice, refetch, refreshAlerts, refreshPrograms } from './store.js';
import { Zones } from './Zones.js';

const SLOW_MS = 60_000;

export function App() {
  const [ready, setReady] = useState(false);

  useClock();
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
    const slow = setInterval(() => {
      if (programs.value.some((p) => p.weatherAdjust)) refreshPrograms();
      void loadWater();
    }, SLOW_MS);
    return () => clearInterval(slow);
  }, []);

  useStream(
    {
      // A valve's own report shows at once; its zone's view follows in an `irrigation` event.
      device: putDevice,
      irrigation: applyEvent,
      alert: () => void refreshAlerts(),
      onOpen: () => {
        // Something may have been missed while the stream was down.
        void loadDevices().catch(() => undefined);
        void refreshAlerts();
        refetch();
        refreshPrograms();
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
