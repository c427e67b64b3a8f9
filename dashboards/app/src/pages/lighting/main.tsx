// The street-lighting page for the village operator:
//   /app/lighting.html
// Failures first, then the groups with their lights, the energy of a night, the programs and the
// calendars. Overrides, programs and calendars are offered only to a role with lighting.control.
import { useEffect } from 'preact/hooks';
import { showLoadError, clearNotice, startPage } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { Calendars } from './Calendars.js';
import { Energy } from './Energy.js';
import { Failures } from './Failures.js';
import { Groups } from './Groups.js';
import { Programs } from './Programs.js';
import { loadAll, loaded, loadPrograms, scheduleRefresh, tick } from './store.js';

const FALLBACK_MS = 5000;
const SLOW_MS = 60_000;
const TICK_MS = 10_000;

async function load(): Promise<void> {
  clearNotice();
  try {
    await loadAll();
  } catch {
    showLoadError(() => void load());
  }
}

function Lighting() {
  useEffect(() => {
    void load();
    // The fallback refetch every 5 s; the programs every minute; relative times every 10 s.
    const timers = [setInterval(scheduleRefresh, FALLBACK_MS), setInterval(() => void loadPrograms().catch(() => undefined), SLOW_MS), setInterval(() => tick.value++, TICK_MS)];
    return () => timers.forEach(clearInterval);
  }, []);
  // A light may have changed; something may have been missed while the stream was down.
  useStream({ device: scheduleRefresh, command: scheduleRefresh, alert: scheduleRefresh, onOpen: scheduleRefresh }, []);

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
