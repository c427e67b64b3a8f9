// Scenes (/app/scenes.html): each scene as a card with its actions, a run button behind a
// confirmation, the live run (each action's state, each device's outcome) and the undo. Phone first.
import { useEffect } from 'preact/hooks';
import { loadOrOfferRetry, startPage } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { SceneCards } from './Cards.js';
import { applyRun, loadAll, loaded } from './store.js';
import './scenes.css';

const load = (): Promise<void> => loadOrOfferRetry(loadAll);

function Page() {
  useEffect(() => void load(), []);
  // Pushed run changes; after a reconnect, read again (some may have been missed).
  useStream({ scene: applyRun, onOpen: () => void load() }, []);
  if (!loaded.value) return <p class="note" aria-busy="true">{t('loading')}</p>;
  return <SceneCards />;
}

startPage({ page: 'scenes', title: 'sc.title', skip: 'sc.skip', need: 'scenes.read', live: true, bodyClass: 'scenes-page', App: Page });
