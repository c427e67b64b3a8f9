// The commune-radio page (đài truyền thanh xã): compose a bulletin, approve it, follow its airing
// on every loudspeaker cluster, the programme slots, cluster health and the month's log. Who acts
// is the signed-in user; the page offers what their role may do (an operator drafts and submits,
// an official approves and sends emergencies, nobody approves their own bulletin). The rules are
// in docs/RADIO.md.
import { useEffect } from 'preact/hooks';
import { startPage } from '../../components/Shell.js';
import { useStream } from '../../stream.js';
import { Clusters, Log } from './Clusters.js';
import { Compose } from './Compose.js';
import { followEdited, mayCompose } from './compose.js';
import { Live, Pending } from './Lists.js';
import { Programme } from './Programme.js';
import { clustersSoon, everythingSoon, load, loaded, onRadio, slotsSoon } from './store.js';

/** A fallback refetch now and then (the stream carries the rest). */
const FALLBACK_MS = 15_000;

function App() {
  useEffect(() => {
    void load();
    const stop = followEdited();
    const timer = setInterval(() => {
      slotsSoon();
      clustersSoon();
    }, FALLBACK_MS);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, []);
  useStream(
    {
      onOpen: everythingSoon,
      radio: onRadio,
      device: (d) => {
        if (d.type === 'loudspeaker') clustersSoon();
      },
    },
    [],
  );
  if (!loaded.value) return null;
  return (
    <div class="irr rad">
      {mayCompose() ? <Compose /> : null}
      <div class="rad-side">
        <Pending />
        <Programme />
      </div>
      <Live />
      <Clusters />
      <Log />
    </div>
  );
}

startPage({ page: 'radio', title: 'radio.title', skip: 'radio.skip', need: 'radio.read', live: true, bodyClass: 'radio', App });
