// A zone's chart: the soil moisture of each of its sensors, with the periods its runs watered
// shaded behind, over 1 h to 30 d or a chosen range; zoom, and a CSV of what is shown.
//   /app/zone.html?zone=nha-mang-1&range=7d
import type { ZoneHistory } from '../../../../../controller/api/contract/irrigation.js';
import { LinesView } from '../../components/LinesView.js';
import { site, startPage } from '../../components/Shell.js';
import { get } from '../../lib/http.js';
import { t } from '../../lib/i18n.js';
import '../../styles/charts.css';

const zoneId = new URLSearchParams(location.search).get('zone') ?? '';

function ZoneChart() {
  const s = site.value!;
  const zone = s.zones.find((z) => z.id === zoneId);
  if (!zone) return <p data-testid="lines-error">{t('zoneChart.noZone')}</p>;
  return (
    <LinesView
      heading={t('zoneChart.heading', { zone: zone.name })}
      back={{ href: '/app/irrigation.html', label: t('zoneChart.back') }}
      urlParams={{ zone: zoneId }}
      load={async (span, points) => {
        const q = new URLSearchParams({ from: String(span.from), to: String(span.to), points: String(points) });
        const h = await get<ZoneHistory>(`/api/irrigation/zones/${encodeURIComponent(zoneId)}/history?${q}`);
        return { ...h, lines: h.sensors, periods: h.runs };
      }}
      periodLabel={t('zoneChart.watered')}
      periodColumn="watering"
      csvName={zoneId}
      noLines={t('zoneChart.noSensors')}
      periodCount={(n) => t('zoneChart.runs', { n })}
      follows={(d) => d.zone === zoneId}
      tz={s.site.tz}
    />
  );
}

startPage({ page: 'irrigation', title: 'zoneChart.title', skip: 'irr.skip', live: true, App: ZoneChart });
