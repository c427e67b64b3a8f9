// The street-lighting page for the village operator:
//   /app/lighting.html
// Failures first, then the groups with their lights, the energy of a night, the programs and the
// calendars. Overrides, programs and calendars are offered only to a role with lighting.control.
import { useEffect } from 'preact/hooks';
import { loadOrOfferRetry, startPage } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { Calendars } from './Calendars.js';
import { Energy } from './Energy.js';
import { Failures } from './Failures.js';
import { Groups } from './Groups.js';
import { Programs } from './Programs.js';
import { applyEvent, loadAll, loaded, loadPrograms, refetch, refreshFailures, tick } from './store.js';

const SLOW_MS = 60_000;
const TICK_MS = 10_000;

const load = (): Promise<void> => loadOrOfferRetry(loadAll);

function Lighting() {
  useEffect(() => {
    void load();
    // The programs (not in any event) every minute; relative times every 10 s.
    const timers = [setInterval(() => void loadPrograms().catch(() => undefined), SLOW_MS), setInterval(() => tick.value++, TICK_MS)];
    return () => timers.forEach(clearInterval);
  }, []);
  // Groups and overrides come pushed; an alert may be a lamp's failure; something may have been
  // missed while the stream was down.
  useStream({ lighting: applyEvent, alert: refreshFailures, onOpen: refetch }, []);

  if (!loaded.value) return <p class="note" aria-busy="true">{t('loading')}</p>;
  return (
    <div class="irr lit">
      <Failures />
      <Groups />
      <Energy />
      <Programs />
      <Calendars />
    </div>
  );
}

startPage({ page: 'lighting', title: 'lit.title', skip: 'lit.skip', need: 'lighting.read', live: true, App: Lighting });
