// A commune with two farmers' zones side by side (a valve and a sensor in each), a light, a
// speaker and a shared well: for the permission tests.
import { SiteConfig } from '../../controller/config/site.js';

export const ZONE_A = 'vuon-a';
export const ZONE_B = 'vuon-b';

export function authSite(): SiteConfig {
  return SiteConfig.parse({
    site: { id: 'xa-thu', name: 'Xã Thử', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: [
      { id: 'thon-a', name: 'Thôn A' },
      { id: 'thon-b', name: 'Thôn B' },
    ],
    waterSources: [{ id: 'gieng-1', name: 'Giếng 1', kind: 'well', maxValves: 2 }],
    zones: [
      { id: ZONE_A, name: 'Vườn A', hamlet: 'thon-a', kind: 'greenhouse', areaM2: 500, crop: 'dưa lưới', waterSource: 'gieng-1' },
      { id: ZONE_B, name: 'Vườn B', hamlet: 'thon-b', kind: 'greenhouse', areaM2: 500, crop: 'cà chua', waterSource: 'gieng-1' },
    ],
    devices: [
      { id: 'van-a', type: 'irrigation-valve', name: 'Van A', hamlet: 'thon-a', zone: ZONE_A, attributes: { kind: 'drip' } },
      { id: 'cb-a', type: 'greenhouse-sensor', name: 'Cảm biến A', hamlet: 'thon-a', zone: ZONE_A, attributes: {} },
      { id: 'van-b', type: 'irrigation-valve', name: 'Van B', hamlet: 'thon-b', zone: ZONE_B, attributes: { kind: 'drip' } },
      { id: 'cb-b', type: 'greenhouse-sensor', name: 'Cảm biến B', hamlet: 'thon-b', zone: ZONE_B, attributes: {} },
      { id: 'den-1', type: 'street-light', name: 'Đèn 1', hamlet: 'thon-a', attributes: { ratedPowerW: 60 } },
      { id: 'loa-1', type: 'loudspeaker', name: 'Loa 1', hamlet: 'thon-b', attributes: {} },
    ],
    lightGroups: [{ id: 'duong-chinh', name: 'Đường chính', devices: ['den-1'] }],
  });
}
