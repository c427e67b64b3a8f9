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
