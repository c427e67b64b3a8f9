// The device page's body: filters and counts, then the devices by hamlet and type. A card filtered
// out is hidden, not removed, so what was typed into its forms stays.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { site, showLoadError, clearNotice } from '../../components/Shell.js';
import { pick, t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import { useClock } from '../../components/Time.js';
import { DeviceCard } from './Card.js';
import { devices, load, loaded, onCommand, onDevice, resync, types } from './store.js';
import { groupDevices, matches, type Places } from './view.js';

function start(): void {
  clearNotice();
  load().catch(() => showLoadError(start));
}

function Counts() {
  const all = [...devices.value.values()];
  const n = (a: string) => all.filter((d) => d.availability === a).length;
  const unknown = n('unknown');
  return (
    <p class="counts">
      <span class="count count-online" data-testid="count-online">
        {t('countOnline', { n: n('online') })}
      </span>
      <span class="count count-offline" data-testid="count-offline">
        {t('countOffline', { n: n('offline') })}
      </span>
      <span class="count count-unknown" data-testid="count-unknown" hidden={unknown === 0}>
        {t('countUnknown', { n: unknown })}
      </span>
    </p>
  );
}

export function DevicesPage() {
  const filterType = useSignal('');
  const q = useSignal('');
  useClock();
  useEffect(start, []);
  useStream({ device: onDevice, command: onCommand, onOpen: () => void resync() }, []);

  const s = site.value;
  const places: Places = {
    hamlets: new Map((s?.hamlets ?? []).map((h) => [h.id, h.name])),
    zones: new Map((s?.zones ?? []).map((z) => [z.id, z])),
  };
  const all = [...devices.value.values()];
  const typeMap = types.value;
  const shown = (id: string) => {
    const d = devices.value.get(id);
    return !!d && matches(d, typeMap.get(d.type), places, filterType.value, q.value);
  };
  const groups = groupDevices(all, [...typeMap.keys()], places);
  const anyShown = all.some((d) => shown(d.id));

  return (
    <>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-type">{t('filterType')}</label>
          <select id="f-type" data-testid="filter-type" value={filterType.value} onInput={(e) => (filterType.value = e.currentTarget.value)}>
            <option value="">{t('allTypes')}</option>
            {[...typeMap.values()].map((x) => (
              <option key={x.type} value={x.type}>
                {pick(x.label, x.type)}
              </option>
            ))}
          </select>
        </div>
        <div class="field grow">
          <label for="f-q">{t('search')}</label>
          <input id="f-q" type="search" data-testid="search" autocomplete="off" placeholder={t('searchPlaceholder')} value={q.value} onInput={(e) => (q.value = e.currentTarget.value)} />
        </div>
        <Counts />
      </form>
      {loaded.value && !anyShown ? (
        <p class="notice" data-testid="devices-empty" role="status">
          {all.length ? t('noMatch') : t('noDevices')}
        </p>
      ) : null}
      {!loaded.value ? <p class="note" aria-busy="true">{t('loading')}</p> : null}
      <div id="groups">
        {groups.map((g) => {
          const off = g.devices.filter((d) => d.availability === 'offline').length;
          const headId = `hamlet-${g.hamlet || 'none'}`;
          return (
            <section key={g.hamlet} class="hamlet" data-hamlet={g.hamlet} aria-labelledby={headId} hidden={!g.devices.some((d) => shown(d.id))}>
              <h2 id={headId}>
                <span class="hamlet-name">{g.hamlet ? places.hamlets.get(g.hamlet) : t('otherHamlet')}</span>{' '}
                <span class="hamlet-summary">
                  · {t('deviceCount', { n: g.devices.length })}
                  {off ? ` · ${t('hamletOffline', { n: off })}` : ''}
                </span>
              </h2>
              <div class="hamlet-body">
                {g.types.map((tg) => (
                  <div key={tg.type} class="type-group" data-type={tg.type} style={{ '--n': Math.min(tg.devices.length, 4) }} hidden={!tg.devices.some((d) => shown(d.id))}>
                    <h3>{`${pick(typeMap.get(tg.type)?.label, tg.type)} (${tg.devices.length})`}</h3>
                    <div class="cards">
                      {tg.devices.map((d) => (
                        <DeviceCard key={d.id} dev={d} type={typeMap.get(d.type)} places={places} hidden={!shown(d.id)} />
                      ))}
                    </div>
                  </div>
                ))}
              </div>
            </section>
          );
        })}
      </div>
    </>
  );
}

