// A demo commune: Xã Tân Hòa near Hà Nội, with three hamlets (thôn), greenhouses and fields, and
// the devices a smart-village pilot would install. Deterministic for a seed; the output has the
// shape of the site file the controller reads (controller/config/site.ts).
import { rngFor } from './rng.js';

export interface SiteFile {
  site: { id: string; name: string; lat: number; lon: number; tz: string };
  hamlets: { id: string; name: string }[];
  waterSources: { id: string; name: string; kind: 'well' | 'pump' | 'tank'; maxValves: number }[];
  zones: {
    id: string;
    name: string;
    hamlet: string;
    kind: 'greenhouse' | 'field';
    areaM2: number;
    crop: string;
    waterSource?: string;
    maxRunS?: number;
    sensorControl?: { startBelowPct: number; stopAtPct: number; dryForS: number; minIntervalS: number; maxRunsPerDay: number; runS: number };
  }[];
  devices: { id: string; type: string; name: string; hamlet: string; zone?: string; attributes: Record<string, unknown> }[];
  lightGroups: { id: string; name: string; devices: string[] }[];
  hamletGroups: { id: string; name: string; hamlets: string[] }[];
}

const pad = (n: number) => String(n).padStart(2, '0');

export function demoFleet(seed = 42): SiteFile {
  const rng = rngFor(seed, 'demo-fleet');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;

  const hamlets = [
    { id: 'thon-dong', name: 'Thôn Đông' },
    { id: 'thon-doai', name: 'Thôn Đoài' },
    { id: 'thon-trung', name: 'Thôn Trung' },
  ];

  // Shared water: the Đông well feeds its two greenhouses (two valves at a time); the Đoài pump
  // station feeds one line at a time; Thôn Trung draws from a tank.
  const waterSources: SiteFile['waterSources'] = [
    { id: 'gieng-dong', name: 'Giếng khoan Thôn Đông', kind: 'well', maxValves: 2 },
    { id: 'tram-bom-doai', name: 'Trạm bơm Thôn Đoài', kind: 'pump', maxValves: 1 },
    { id: 'be-trung', name: 'Bể chứa Thôn Trung', kind: 'tank', maxValves: 2 },
  ];
  // Melons and tomatoes are watered by their soil sensors; the rest by programs.
  const bySoil = { startBelowPct: 22, stopAtPct: 32, dryForS: 600, minIntervalS: 3 * 3600, maxRunsPerDay: 4, runS: 1200 };
  const zones: SiteFile['zones'] = [
    { id: 'nha-mang-1', name: 'Nhà màng số 1', hamlet: 'thon-dong', kind: 'greenhouse', areaM2: 1000, crop: 'Dưa lưới', waterSource: 'gieng-dong', maxRunS: 1800, sensorControl: bySoil },
    { id: 'nha-mang-2', name: 'Nhà màng số 2', hamlet: 'thon-dong', kind: 'greenhouse', areaM2: 800, crop: 'Cà chua', waterSource: 'gieng-dong', maxRunS: 1800, sensorControl: bySoil },
    { id: 'nha-mang-3', name: 'Nhà màng số 3', hamlet: 'thon-trung', kind: 'greenhouse', areaM2: 1200, crop: 'Rau cải', waterSource: 'be-trung', maxRunS: 1800 },
    { id: 'nha-mang-4', name: 'Nhà màng số 4', hamlet: 'thon-doai', kind: 'greenhouse', areaM2: 600, crop: 'Ớt chuông', waterSource: 'tram-bom-doai', maxRunS: 1800 },
    { id: 'canh-dong-bac', name: 'Cánh đồng Bắc', hamlet: 'thon-doai', kind: 'field', areaM2: 15000, crop: 'Ngô', waterSource: 'tram-bom-doai', maxRunS: 3600 },
    { id: 'vuon-rau-trung', name: 'Vườn rau Thôn Trung', hamlet: 'thon-trung', kind: 'field', areaM2: 6000, crop: 'Rau muống', waterSource: 'be-trung', maxRunS: 3600 },
  ];
  const zone = (id: string) => zones.find((z) => z.id === id)!;

  const devices: SiteFile['devices'] = [];

  // Greenhouse sensors: the larger houses get two, at either end.
  ['nha-mang-1', 'nha-mang-1', 'nha-mang-2', 'nha-mang-3', 'nha-mang-3', 'nha-mang-4'].forEach((z, i) => {
    devices.push({
      id: `gh-sensor-${pad(i + 1)}`,
      type: 'greenhouse-sensor',
      name: `Cảm biến ${zone(z).name} (${pad(i + 1)})`,
      hamlet: zone(z).hamlet,
      zone: z,
      attributes: {},
    });
  });

  devices.push({ id: 'weather-01', type: 'weather-station', name: 'Trạm thời tiết UBND xã', hamlet: 'thon-trung', attributes: {} });

  // Drip lines in the greenhouses, sprinklers in the open fields.
  const valveZones = ['nha-mang-1', 'nha-mang-2', 'nha-mang-3', 'nha-mang-4', 'canh-dong-bac', 'canh-dong-bac', 'vuon-rau-trung', 'vuon-rau-trung'];
  valveZones.forEach((z, i) => {
    const kind = zone(z).kind === 'greenhouse' ? 'drip' : 'sprinkler';
    devices.push({
      id: `valve-${pad(i + 1)}`,
      type: 'irrigation-valve',
      name: `Van ${kind === 'drip' ? 'tưới nhỏ giọt' : 'tưới phun'} ${zone(z).name} (${pad(i + 1)})`,
      hamlet: zone(z).hamlet,
      zone: z,
      attributes: { kind },
    });
  });

  // Street lights along each hamlet's roads: 14 + 13 + 13.
  const lightsPer: Record<string, number> = { 'thon-dong': 14, 'thon-doai': 13, 'thon-trung': 13 };
  for (const h of hamlets) {
    for (let i = 1; i <= (lightsPer[h.id] ?? 0); i++) {
      devices.push({
        id: `light-${h.id}-${pad(i)}`,
        type: 'street-light',
        name: `Đèn đường ${h.name} số ${i}`,
        hamlet: h.id,
        attributes: { ratedPowerW: pick([40, 50, 60, 80]) },
      });
    }
  }

  // Loudspeaker clusters (cụm loa): the hamlet's cultural house first, then along the village roads.
  const speakerHamlets = ['thon-dong', 'thon-dong', 'thon-dong', 'thon-doai', 'thon-doai', 'thon-doai', 'thon-trung', 'thon-trung', 'thon-trung', 'thon-trung'];
  const seenHamlet = new Set<string>();
  speakerHamlets.forEach((h, i) => {
    const hamlet = hamlets.find((x) => x.id === h)!;
    const place = seenHamlet.has(h) ? `đường làng ${hamlet.name}` : `Nhà văn hóa ${hamlet.name}`;
    seenHamlet.add(h);
    devices.push({ id: `speaker-${pad(i + 1)}`, type: 'loudspeaker', name: `Cụm loa ${pad(i + 1)} – ${place}`, hamlet: h, attributes: {} });
  });

  // A group per hamlet's roads, and the main road through the commune (each hamlet's first lights).
  const lightsOf = (h: string) => devices.filter((d) => d.type === 'street-light' && d.hamlet === h).map((d) => d.id);
  const lightGroups: SiteFile['lightGroups'] = [
    { id: 'truc-chinh', name: 'Trục đường chính', devices: hamlets.flatMap((h) => lightsOf(h.id).slice(0, 4)) },
    ...hamlets.map((h) => ({ id: `den-${h.id}`, name: `Đèn ${h.name}`, devices: lightsOf(h.id) })),
  ];

  return {
    site: { id: 'xa-tan-hoa', name: 'Xã Tân Hòa', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' },
    hamlets,
    waterSources,
    zones,
    devices,
    lightGroups,
    // The two hamlets along the river hear flood warnings together.
    hamletGroups: [{ id: 'ven-song', name: 'Các thôn ven sông', hamlets: ['thon-dong', 'thon-doai'] }],
  };
}
