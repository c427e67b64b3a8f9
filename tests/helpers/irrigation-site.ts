import { SiteConfig } from '../../controller/config/site.js';
import { testSite } from './site.js';

/**
 * The test site with irrigation: one well of capacity 1 feeding three greenhouse zones, each with
 * one drip valve; nha-mang-1 is watered by its soil sensor (gh-01).
 */
export function irrigationSite(): SiteConfig {
  const s = testSite();
  return SiteConfig.parse({
    ...s,
    waterSources: [{ id: 'gieng-1', name: 'Giếng 1', kind: 'well', maxValves: 1 }],
    zones: [
      {
        id: 'nha-mang-1',
        name: 'Nhà màng 1',
        hamlet: 'thon-a',
        kind: 'greenhouse',
        areaM2: 1000,
        crop: 'dưa lưới',
        waterSource: 'gieng-1',
        maxRunS: 600,
        sensorControl: { startBelowPct: 25, stopAtPct: 35, dryForS: 2, minIntervalS: 3600, maxRunsPerDay: 4, runS: 60 },
      },
      { id: 'nha-mang-2', name: 'Nhà màng 2', hamlet: 'thon-a', kind: 'greenhouse', areaM2: 800, crop: 'cà chua', waterSource: 'gieng-1', maxRunS: 600 },
      { id: 'nha-mang-3', name: 'Nhà màng 3', hamlet: 'thon-b', kind: 'greenhouse', areaM2: 500, crop: 'rau', waterSource: 'gieng-1', maxRunS: 600 },
    ],
    devices: [
      ...s.devices.filter((d) => d.type !== 'irrigation-valve').map(({ config: _, ...d }) => d),
      { id: 'valve-01', type: 'irrigation-valve', name: 'Van 1', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: { kind: 'drip' } },
      { id: 'valve-02', type: 'irrigation-valve', name: 'Van 2', hamlet: 'thon-a', zone: 'nha-mang-2', attributes: { kind: 'drip' } },
      { id: 'valve-03', type: 'irrigation-valve', name: 'Van 3', hamlet: 'thon-b', zone: 'nha-mang-3', attributes: { kind: 'drip' } },
    ],
  });
}
