// Two hours of one greenhouse's air temperature, minute by minute, written straight into InfluxDB:
// the history the rule tests replay (the API's test and the rules page), with firings worked out by
// hand in tests/integration/rules-test.test.ts. A site of two greenhouses in two hamlets.
import type { SiteConfig } from '../../controller/config/site.js';
import { testSite } from './site.js';
import type { TestVillage } from './village.js';

export const MIN = 60_000;

/**
 * gh-01's air temperature at minute m (0 … 119):
 *   0–19 at 30 °C; 20–39 at 39 °C; 40–44 at 37 °C; 45–54 at 35 °C; 55–59 at 39 °C; 60–119 at 30 °C.
 */
export const tempAt = (m: number): number => (m < 20 ? 30 : m < 40 ? 39 : m < 45 ? 37 : m < 55 ? 35 : m < 60 ? 39 : 30);

/** The test site plus greenhouse 2 (zone nha-mang-2, sensor gh-02) in Thôn B. */
export function twoGreenhouses(): SiteConfig {
  const s = testSite();
  s.zones.push({ ...s.zones[0]!, id: 'nha-mang-2', name: 'Nhà màng 2', hamlet: 'thon-b' });
  s.devices.push({ ...s.devices[0]!, id: 'gh-02', name: 'Cảm biến 2', hamlet: 'thon-b', zone: 'nha-mang-2' });
  return s;
}

/** Writes gh-01's two hours from t0 (tempAt) and waits until they are in InfluxDB. */
export async function seedGreenhouseHours(t: TestVillage, t0: number): Promise<void> {
  for (let m = 0; m < 120; m++) {
    t.village.storage.write({
      measurement: 'greenhouse',
      tags: { site: 'xa-thu', type: 'greenhouse-sensor', device: 'gh-01', hamlet: 'thon-a', zone: 'nha-mang-1' },
      fields: { airTempC: tempAt(m), humidityPct: 70 },
      time: t0 + m * MIN,
    });
  }
  await t.village.storage.flush();
}
