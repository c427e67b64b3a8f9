// The alert inbox (/app/alerts.html): every alert the role may see, one per source, those nobody
// has looked at first; acknowledge with a note. Pushed live (alertChanged); phone first.
import { useEffect } from 'preact/hooks';
import { loadOrOfferRetry, startPage } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { Inbox } from './Inbox.js';
import { applyChange, loadAll, loaded } from './store.js';
import './alerts.css';

const load = (): Promise<void> => loadOrOfferRetry(loadAll);

function Page() {
  useEffect(() => void load(), []);
  // Pushed changes; after a reconnect, read again (some may have been missed).
  useStream({ alertChanged: applyChange, onOpen: () => void load() }, []);
  if (!loaded.value) return <p class="note" aria-busy="true">{t('loading')}</p>;
  return <Inbox />;
}

startPage({ page: 'alerts', title: 'al.title', skip: 'al.skip', need: 'alerts.read', live: true, bodyClass: 'alerts-page', App: Page });
