import { SiteConfig } from '../../controller/config/site.js';

/** A small site with one device of every type, for integration tests. */
export function testSite(): SiteConfig {
  return SiteConfig.parse({
    site: { id: 'xa-thu', name: 'Xã Thử', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: [
      { id: 'thon-a', name: 'Thôn A' },
      { id: 'thon-b', name: 'Thôn B' },
    ],
    zones: [{ id: 'nha-mang-1', name: 'Nhà màng 1', hamlet: 'thon-a', kind: 'greenhouse', areaM2: 1000, crop: 'dưa lưới' }],
    devices: [
      { id: 'gh-01', type: 'greenhouse-sensor', name: 'Cảm biến 1', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: {} },
      { id: 'weather-01', type: 'weather-station', name: 'Trạm 1', hamlet: 'thon-a', attributes: {} },
      { id: 'valve-01', type: 'irrigation-valve', name: 'Van 1', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: { kind: 'drip' }, config: { maxRunS: 600 } },
      { id: 'light-01', type: 'street-light', name: 'Đèn 1', hamlet: 'thon-b', attributes: { ratedPowerW: 60 } },
      { id: 'speaker-01', type: 'loudspeaker', name: 'Loa 1', hamlet: 'thon-b', attributes: {} },
    ],
  });
}
