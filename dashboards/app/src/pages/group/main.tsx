// A light group's chart: each light's power with the nights (the site's sunset to sunrise) shaded
// behind, over 1 h to 30 d or a chosen range; zoom, and a CSV of what is shown.
//   /app/group.html?group=duong-lang&range=7d
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { z } from 'zod';
import type { GroupHistory, GroupView } from '../../../../../controller/api/contract/lighting.js';
import { LinesView } from '../../components/LinesView.js';
import { site, startPage } from '../../components/Shell.js';
import { get } from '../../lib/http.js';
import { t } from '../../lib/i18n.js';
import '../../styles/charts.css';

const groupId = new URLSearchParams(location.search).get('group') ?? '';

function GroupChart() {
  const s = site.value!;
  const group = useSignal<z.infer<typeof GroupView> | null | undefined>(undefined);
  useEffect(() => {
    get<z.infer<typeof GroupView>[]>('/api/lighting/groups')
      .then((gs) => (group.value = gs.find((g) => g.id === groupId) ?? null))
      .catch(() => (group.value = null));
  }, []);
  const g = group.value;
  if (g === undefined) return null;
  if (g === null) return <p data-testid="lines-error">{t('groupChart.noGroup')}</p>;
  return (
    <LinesView
      heading={t('groupChart.heading', { group: g.name })}
      back={{ href: '/app/lighting.html', label: t('groupChart.back') }}
      urlParams={{ group: groupId }}
      load={async (span, points) => {
        const q = new URLSearchParams({ from: String(span.from), to: String(span.to), points: String(points) });
        const h = await get<GroupHistory>(`/api/lighting/groups/${encodeURIComponent(groupId)}/history?${q}`);
        return { ...h, lines: h.lights, periods: h.nights };
      }}
      periodLabel={t('groupChart.night')}
      periodColumn="night"
      csvName={groupId}
      noLines={t('groupChart.noLights')}
      periodCount={(n) => t('groupChart.nights', { n })}
      follows={(d) => g.devices.includes(d.id)}
      tz={s.site.tz}
    />
  );
}

startPage({ page: 'lighting', title: 'groupChart.title', skip: 'lit.skip', need: 'lighting.read', live: true, App: GroupChart });
