import { SiteConfig } from '../../controller/config/site.js';
import { testSite } from './site.js';

/** The test site with three lights on one road, two of them also in a hamlet group. */
export function lightingSite(): SiteConfig {
  const s = testSite();
  return SiteConfig.parse({
    ...s,
    devices: [
      ...s.devices,
      { id: 'light-02', type: 'street-light', name: 'Đèn 2', hamlet: 'thon-b', attributes: { ratedPowerW: 40 } },
      { id: 'light-03', type: 'street-light', name: 'Đèn 3', hamlet: 'thon-b', attributes: { ratedPowerW: 80 } },
    ],
    lightGroups: [
      { id: 'duong-lang', name: 'Đường làng', devices: ['light-01', 'light-02', 'light-03'] },
      { id: 'thon-b-den', name: 'Đèn Thôn B', devices: ['light-02', 'light-03'] },
    ],
  });
}
