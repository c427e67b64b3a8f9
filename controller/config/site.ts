// The site file: commune, hamlets, farm zones and devices (users live in the auth store). Validated at start;
// changes made through the API are validated the same way and persisted atomically.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import { DEVICE_TYPE_NAMES, deviceType, ID_PATTERN } from '../../devices/index.js';
import { VALVE_MAX_RUN_S } from '../../devices/types/irrigation-valve.js';
import { DomainError, issuesOf } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const Id = z.string().regex(ID_PATTERN, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
const Name = z.string().trim().min(1).max(120);

export const SiteConfig = z
  .object({
    site: z.object({
      id: Id,
      name: Name,
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      tz: z.string().refine(isTimeZone, 'unknown IANA time zone').default('Asia/Ho_Chi_Minh'),
    }),
    hamlets: z.array(z.object({ id: Id, name: Name })).min(1),
    // Named groups of hamlets a radio bulletin can target (the river hamlets, the upland ones).
    hamletGroups: z.array(z.object({ id: Id, name: Name, hamlets: z.array(Id).min(1) })).default([]),
    // Wells, pumps and tanks shared by zones: at most maxValves valves (and maxLpm) at once.
    waterSources: z
      .array(
        z.object({
          id: Id,
          name: Name,
          kind: z.enum(['well', 'pump', 'tank']),
          maxValves: z.number().int().min(1).max(64),
          maxLpm: z.number().positive().optional(),
          /** A pump or master valve (an irrigation-valve device) switched on before and off after the zone valves. */
          pump: z.object({ device: Id, onDelayS: z.number().int().min(0).max(600).default(5), offDelayS: z.number().int().min(0).max(600).default(5) }).optional(),
        }),
      )
      .default([]),
    zones: z
      .array(
        z.object({
          id: Id,
          name: Name,
          hamlet: Id,
          kind: z.enum(['greenhouse', 'field', 'parcel']),
          areaM2: z.number().positive(),
          crop: z.string().max(80),
          waterSource: Id.optional(),
          /** No single run in this zone may be longer; the zone's valves get it as their own maxRunS. */
          maxRunS: z.number().int().min(60).max(VALVE_MAX_RUN_S).default(3600),
          /** Sensor-driven watering: start when soil stays below startBelowPct, stop at stopAtPct. */
          sensorControl: z
            .object({
              enabled: z.boolean().default(true),
              startBelowPct: z.number().min(0).max(100),
              stopAtPct: z.number().min(0).max(100),
              dryForS: z.number().int().min(0).max(86400).default(600),
              minIntervalS: z.number().int().min(0).max(7 * 86400).default(3600),
              maxRunsPerDay: z.number().int().min(1).max(48).default(4),
              runS: z.number().int().min(10).max(VALVE_MAX_RUN_S).default(900),
            })
            .refine((c) => c.stopAtPct > c.startBelowPct, { message: 'stopAtPct must be above startBelowPct (hysteresis)', path: ['stopAtPct'] })
            .optional(),
        }),
      )
      .default([]),
    devices: z.array(
      z.object({
        id: Id,
        type: z.enum(DEVICE_TYPE_NAMES),
        name: Name,
        hamlet: Id,
        zone: Id.optional(),
        attributes: z.record(z.string(), z.unknown()).default({}),
        /** Overrides of the type's default device config (e.g. a valve's maxRunS). */
        config: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    // Street-light groups (a road, a hamlet); a light may be in several. The first group with a
    // calendar decides a light's program.
    lightGroups: z.array(z.object({ id: Id, name: Name, devices: z.array(Id).min(1) })).default([]),
  })
  .superRefine((cfg, ctx) => {
    const unique = (items: { id: string }[], path: string) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        if (seen.has(it.id)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id ${it.id}` });
        seen.add(it.id);
      });
    };
    unique(cfg.hamlets, 'hamlets');
    // A bulletin's zone is a hamlet id, a group id or "commune": one namespace for all three.
    const hamletIds = new Set(['commune', ...cfg.hamlets.map((h) => h.id)]);
    cfg.hamletGroups.forEach((g, i) => {
      if (hamletIds.has(g.id)) ctx.addIssue({ code: 'custom', path: ['hamletGroups', i, 'id'], message: `${g.id} is already a hamlet id or "commune"` });
      hamletIds.add(g.id);
    });
    if (cfg.hamlets.some((h) => h.id === 'commune')) ctx.addIssue({ code: 'custom', path: ['hamlets'], message: '"commune" is reserved for the whole commune' });
    unique(cfg.zones, 'zones');
    unique(cfg.waterSources, 'waterSources');
    unique(cfg.lightGroups, 'lightGroups');
    cfg.lightGroups.forEach((g, i) =>
      g.devices.forEach((id, j) => {
        const d = cfg.devices.find((x) => x.id === id);
        if (!d || !deviceType(d.type)!.commands.set) {
          ctx.addIssue({ code: 'custom', path: ['lightGroups', i, 'devices', j], message: `${id} is not a light of this site` });
        }
      }),
    );
    const sources = new Set(cfg.waterSources.map((w) => w.id));
    const pumps = new Set(cfg.waterSources.flatMap((w) => (w.pump ? [w.pump.device] : [])));
    cfg.waterSources.forEach((w, i) => {
      const pump = w.pump && cfg.devices.find((d) => d.id === w.pump!.device);
      if (w.pump && (!pump || !deviceType(pump.type)!.commands.open)) {
        ctx.addIssue({ code: 'custom', path: ['waterSources', i, 'pump', 'device'], message: `pump ${w.pump.device} must be a device that opens and closes` });
      }
    });
    unique(cfg.devices, 'devices');
    const hamlets = new Set(cfg.hamlets.map((h) => h.id));
    cfg.hamletGroups.forEach((g, i) =>
      g.hamlets.forEach((h, j) => {
        if (!hamlets.has(h)) ctx.addIssue({ code: 'custom', path: ['hamletGroups', i, 'hamlets', j], message: `unknown hamlet ${h}` });
      }),
    );
    const zones = new Set(cfg.zones.map((z) => z.id));
    cfg.zones.forEach((z, i) => {
      if (!hamlets.has(z.hamlet)) ctx.addIssue({ code: 'custom', path: ['zones', i, 'hamlet'], message: `unknown hamlet ${z.hamlet}` });
      if (z.waterSource && !sources.has(z.waterSource)) ctx.addIssue({ code: 'custom', path: ['zones', i, 'waterSource'], message: `unknown water source ${z.waterSource}` });
    });
    cfg.devices.forEach((d, i) => {
      if (!hamlets.has(d.hamlet)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'hamlet'], message: `unknown hamlet ${d.hamlet}` });
      if (d.zone && !zones.has(d.zone)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'zone'], message: `unknown zone ${d.zone}` });
      const t = deviceType(d.type)!;
      if (t.requiresZone && !d.zone && !pumps.has(d.id)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'zone'], message: `a ${t.type} must belong to a zone or be a water source's pump` });
      }
      const attrs = t.attributes.safeParse(d.attributes);
      if (!attrs.success) {
        for (const issue of attrs.error.issues) {
          ctx.addIssue({ code: 'custom', path: ['devices', i, 'attributes', ...issue.path.map(String)], message: issue.message });
        }
      } else d.attributes = attrs.data;
      if (d.config) {
        const partial = (t.config as unknown as z.ZodObject).partial().safeParse(d.config);
        if (!partial.success) {
          for (const issue of partial.error.issues) {
            ctx.addIssue({ code: 'custom', path: ['devices', i, 'config', ...issue.path.map(String)], message: issue.message });
          }
        }
      }
    });
  });
export type SiteConfig = z.infer<typeof SiteConfig>;
/** A site as written in the file: defaults not yet applied. */
export type SiteInput = z.input<typeof SiteConfig>;
export type SiteDevice = SiteConfig['devices'][number];

/** The config a device should run with: its type's defaults for this site, then the site file's overrides. */
export function desiredConfig(site: SiteConfig, d: SiteDevice): Record<string, unknown> {
  const t = deviceType(d.type)!;
  const zone = d.zone ? site.zones.find((z) => z.id === d.zone) : undefined;
  const ctx = { lat: site.site.lat, lon: site.site.lon, tz: site.site.tz, ...(zone && { zone: { maxRunS: zone.maxRunS } }) };
  const base = t.defaultConfig(ctx, d.attributes) as Record<string, unknown>;
  return t.config.parse({ ...base, ...d.config }) as Record<string, unknown>;
}

/** zod issues as "path: message" lines. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export class SiteConfigError extends DomainError {
  constructor(
    readonly file: string,
    readonly lines: string[],
  ) {
    super('invalid-site', lines.join('; '), 400, issuesOf(lines));
  }

  /** For the console at start: which file, a line per problem. */
  describe(): string {
    return `invalid site file ${this.file}:\n  ${this.lines.join('\n  ')}`;
  }
}

const isYaml = (file: string) => ['.yaml', '.yml'].includes(extname(file));

export function parseSite(text: string, file: string): SiteConfig {
  let raw: unknown;
  try {
    raw = isYaml(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new SiteConfigError(file, [`(file): ${(e as Error).message}`]);
  }
  const r = SiteConfig.safeParse(raw);
  if (!r.success) throw new SiteConfigError(file, issueLines(r.error));
  return r.data;
}

/** Holds the site in memory; every change is validated whole, then written atomically. */
export class SiteStore {
  private cfg?: SiteConfig;
  constructor(private readonly o: { file: string }) {}

  async load(): Promise<SiteConfig> {
    this.cfg = parseSite(await readFile(this.o.file, 'utf8'), this.o.file);
    return this.cfg;
  }

  get config(): SiteConfig {
    if (!this.cfg) throw new Error('site not loaded');
    return this.cfg;
  }

  device(id: string): SiteDevice | undefined {
    return this.config.devices.find((d) => d.id === id);
  }

  /** Applies a change to a copy; throws SiteConfigError (nothing written) if the result is invalid. */
  async update(change: (draft: SiteConfig) => void): Promise<SiteConfig> {
    const draft = structuredClone(this.config);
    change(draft);
    const r = SiteConfig.safeParse(draft);
    if (!r.success) throw new SiteConfigError(this.o.file, issueLines(r.error));
    const text = isYaml(this.o.file) ? YAML.stringify(r.data) : JSON.stringify(r.data, null, 2) + '\n';
    await writeFileAtomic(this.o.file, text);
    this.cfg = r.data;
    return r.data;
  }
}
