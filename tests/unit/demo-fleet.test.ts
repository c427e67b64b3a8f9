import { describe, expect, it } from 'vitest';
import { SiteConfig, issueLines } from '../../controller/config/site.js';
import { demoFleet } from '../../firmware-sim/fleet.js';

describe('demo commune', () => {
  it('is a valid site file with the pilot a commune would install', () => {
    const r = SiteConfig.safeParse(demoFleet(42));
    if (!r.success) throw new Error(issueLines(r.error).join('\n'));
    const count = (type: string) => r.data.devices.filter((d) => d.type === type).length;
    expect(r.data.hamlets).toHaveLength(3);
    expect(count('greenhouse-sensor')).toBe(6);
    expect(count('weather-station')).toBe(1);
    expect(count('irrigation-valve')).toBe(8);
    expect(count('street-light')).toBe(40);
    expect(count('loudspeaker')).toBe(10);
    // every light is in its hamlet's group
    const grouped = new Set(r.data.lightGroups.flatMap((g) => g.devices));
    expect(r.data.devices.filter((d) => d.type === 'street-light').every((d) => grouped.has(d.id))).toBe(true);
    // every zone draws from a source, and every sensor-watered zone has a sensor in it
    for (const z of r.data.zones) {
      expect(r.data.waterSources.map((w) => w.id)).toContain(z.waterSource);
      if (z.sensorControl) expect(r.data.devices.some((d) => d.zone === z.id && d.type === 'greenhouse-sensor')).toBe(true);
    }
  });

  it('is the same for the same seed', () => {
    expect(demoFleet(7)).toEqual(demoFleet(7));
  });
});
