// Small hand-built communes for the indicator tests: local wall time in Vietnam (UTC+7, no DST),
// a site of a few hamlets and devices, and readings sent as a device's backlog over MQTT.
import { SiteConfig } from '../../controller/config/site.js';
import { until, type TestVillage } from './village.js';

/** Local wall time in Asia/Ho_Chi_Minh (UTC+7) as UTC ms; month 1..12. */
export const vnTime = (year: number, month: number, day: number, hh: number, mm = 0): number => Date.UTC(year, month - 1, day, hh - 7, mm);

type DeviceInput = { id: string; type: string; name?: string; hamlet: string; zone?: string; attributes?: Record<string, unknown> };

/** A commune in Vietnam with the given hamlets ("thon-a" is named "Thôn A") and devices. */
export function commune(o: { id: string; name: string; hamlets: string[]; devices: DeviceInput[]; zones?: unknown[]; lat?: number; lon?: number }): SiteConfig {
  return SiteConfig.parse({
    site: { id: o.id, name: o.name, lat: o.lat ?? 21.03, lon: o.lon ?? 105.75, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: o.hamlets.map((id) => ({ id, name: `Thôn ${id.replace(/^thon-/, '').toUpperCase()}` })),
    zones: o.zones ?? [],
    devices: o.devices.map((d) => ({ name: d.id, attributes: d.type === 'street-light' ? { ratedPowerW: 60 } : {}, ...d })),
  });
}

export const speakerReading = (ts: number, amplifierOk: boolean) => ({ ts, volumePct: 80, amplifierOk, playing: false });
export const lampReading = (ts: number) => ({ ts, powerW: 0, energyKwh: 1, lampStatus: 'ok' });

/** Sends readings as one backlog per device, then waits until the plane has ingested them all. */
export async function sendBacklogs(t: TestVillage, backlogs: Record<string, object[]>): Promise<void> {
  const before = t.village.ingest.stats().readings;
  let sent = 0;
  for (const [id, readings] of Object.entries(backlogs)) {
    const c = await t.connectDevice(id);
    await c.publishAsync(`village/${t.village.site.config.site.id}/${id}/telemetry`, JSON.stringify(readings), { qos: 1 });
    await c.endAsync();
    sent += readings.length;
  }
  await until(() => t.village.ingest.stats().readings >= before + sent, 'readings ingested', 30_000);
  await t.village.storage.flush();
}

/**
 * Two hamlets over September and October 2026, for the indicators' history and the overview.
 * Thôn A: cluster loa-a, lights den-1 and den-2. Thôn B: cluster loa-b, light den-3.
 * September: both clusters heard with their amplifiers fine; all three lights report on the 30th.
 * October: loa-b's amplifier faulty; den-2 last heard on the 10th, den-1 and den-3 on the 31st.
 */
export const twoMonths = {
  site: (id: string, name: string) =>
    commune({
      id,
      name,
      hamlets: ['thon-a', 'thon-b'],
      devices: [
        { id: 'loa-a', name: 'Loa A', type: 'loudspeaker', hamlet: 'thon-a' },
        { id: 'loa-b', name: 'Loa B', type: 'loudspeaker', hamlet: 'thon-b' },
        { id: 'den-1', name: 'Đèn 1', type: 'street-light', hamlet: 'thon-a' },
        { id: 'den-2', name: 'Đèn 2', type: 'street-light', hamlet: 'thon-a' },
        { id: 'den-3', name: 'Đèn 3', type: 'street-light', hamlet: 'thon-b' },
      ],
    }),
  at: (month: number, day: number, hh: number) => vnTime(2026, month, day, hh),
  async seed(t: TestVillage): Promise<void> {
    const at = twoMonths.at;
    await sendBacklogs(t, {
      'loa-a': [speakerReading(at(9, 5, 9), true), speakerReading(at(10, 5, 9), true)],
      'loa-b': [speakerReading(at(9, 6, 9), true), speakerReading(at(10, 6, 9), false)],
      'den-1': [lampReading(at(9, 30, 20)), lampReading(at(10, 31, 20))],
      'den-2': [lampReading(at(9, 30, 20)), lampReading(at(10, 10, 20))],
      'den-3': [lampReading(at(9, 30, 20)), lampReading(at(10, 31, 20))],
    });
  },
};
