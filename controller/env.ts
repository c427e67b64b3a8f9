// The environment, validated at boot: a bad value fails with "path: message" lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { issueLines } from './config/site.js';
import type { ProvinceOptions } from './province/province.js';
import type { VillageOptions } from './village.js';

export const Env = z.object({
  /** commune: a commune's plane (devices, broker); province: the roll-up of communes' indicators (docs/PROVINCE.md). */
  PLANE_MODE: z.enum(['commune', 'province']).default('commune'),
  /** PLANE_MODE=province: the province's id and name, and the time zone of its pages. */
  PROVINCE_ID: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must match ^[a-z0-9][a-z0-9-]{1,62}$').optional(),
  PROVINCE_NAME: z.string().trim().min(1).max(120).optional(),
  PROVINCE_TZ: z.string().default('Asia/Ho_Chi_Minh'),
  /** A commune's plane pushes its indicator snapshots to this province with this push token. */
  PROVINCE_URL: z.url().optional(),
  PROVINCE_TOKEN: z.string().regex(/^svt_/, 'a province push token (svt_…)').optional(),
  HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  /** embedded: the plane runs its own aedes broker; external: it is a client of the Mosquitto at MQTT_URL. */
  BROKER: z.enum(['embedded', 'external']).default('embedded'),
  MQTT_URL: z.url().regex(/^mqtts?:\/\//, 'mqtt:// or mqtts://').optional(),
  /** A dynamic-security admin on that Mosquitto: the plane provisions devices with it. */
  MQTT_ADMIN_USER: z.string().min(1).optional(),
  MQTT_ADMIN_PASSWORD: z.string().min(1).optional(),
  DATA_DIR: z.string().default('data'),
  SITE_FILE: z.string().optional(),
  INFLUX_URL: z.url().optional(),
  INFLUX_DB: z.string().regex(/^[A-Za-z0-9_]+$/).default('village'),
  /** With INFLUX_URL: the server is InfluxDB 2.x/3/Cloud, written through the v2 API (README "Running at scale"). */
  INFLUX_TOKEN: z.string().min(1).optional(),
  INFLUX_ORG: z.string().min(1).optional(),
  INFLUX_BUCKET: z.string().min(1).optional(),
  /** The indicators' monthly figures (1.x: `village_10y`); without it they go to INFLUX_BUCKET. */
  INFLUX_ARCHIVE_BUCKET: z.string().min(1).optional(),
  /** Where speakers fetch bulletin audio, when the API's bind address is not what they can reach. */
  RADIO_AUDIO_BASE: z.url().optional(),
  /** The Chromium that prints the monthly report to PDF. */
  CHROMIUM_PATH: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** PEM files: with both set, HTTP becomes HTTPS and MQTT also listens with TLS on MQTTS_PORT. */
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  MQTTS_PORT: z.coerce.number().int().min(0).max(65535).default(8883),
  /** Device connections the broker accepts at once (each listener). */
  MQTT_MAX_CONNECTIONS: z.coerce.number().int().min(10).max(1_000_000).default(20_000),
  /** Each device's publish allowance: messages per second, and the burst above it (docs/PROTOCOL.md). */
  MQTT_RATE_PER_S: z.coerce.number().int().min(1).max(100_000).default(50),
  MQTT_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** A redis:// URL: the embedded broker shares its router with standalone brokers (npm run broker -- --cluster). */
  MQTT_CLUSTER: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  /** Refusals of one device (or address) in a minute that raise an alert: failed connects, denied topics, rate-limit disconnects. */
  /** After start, offline alerts and offline rules wait this long: devices reconnecting after a restart. */
  OFFLINE_GRACE_S: z.coerce.number().int().min(0).max(3600).default(120),
  MQTT_ALERT_AUTH_FAILURES: z.coerce.number().int().min(1).max(100_000).default(10),
  MQTT_ALERT_DENIED: z.coerce.number().int().min(1).max(100_000).default(50),
  MQTT_ALERT_RATE_LIMITED: z.coerce.number().int().min(1).max(100_000).default(3),
  /** A session unused this long ends (minutes). */
  SESSION_IDLE_MIN: z.coerce.number().int().min(5).max(24 * 60).default(120),
  /** A session ends this long after sign-in, used or not (hours). */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
})
  .refine((e) => !!e.TLS_CERT === !!e.TLS_KEY, { message: 'set both TLS_CERT and TLS_KEY, or neither', path: ['TLS_CERT'] })
  .refine((e) => [e.INFLUX_TOKEN, e.INFLUX_ORG, e.INFLUX_BUCKET].every((v) => v === undefined) || [e.INFLUX_TOKEN, e.INFLUX_ORG, e.INFLUX_BUCKET].every((v) => v !== undefined), {
    message: 'InfluxDB 2.x needs all of INFLUX_TOKEN, INFLUX_ORG and INFLUX_BUCKET, or none',
    path: ['INFLUX_TOKEN'],
  })
  // The managed influxd is 1.x: a token only makes sense with a server of one's own.
  .refine((e) => !e.INFLUX_TOKEN || !!e.INFLUX_URL, { message: 'INFLUX_TOKEN needs INFLUX_URL (an InfluxDB 2.x/3/Cloud server)', path: ['INFLUX_URL'] })
  .refine((e) => !e.INFLUX_ARCHIVE_BUCKET || !!e.INFLUX_BUCKET, { message: 'INFLUX_ARCHIVE_BUCKET needs INFLUX_BUCKET', path: ['INFLUX_ARCHIVE_BUCKET'] })
  .refine((e) => e.BROKER !== 'external' || !!e.MQTT_URL, { message: 'BROKER=external needs MQTT_URL', path: ['MQTT_URL'] })
  .refine((e) => e.BROKER !== 'external' || (!!e.MQTT_ADMIN_USER && !!e.MQTT_ADMIN_PASSWORD), {
    message: 'BROKER=external needs MQTT_ADMIN_USER and MQTT_ADMIN_PASSWORD (a dynamic-security admin)',
    path: ['MQTT_ADMIN_USER'],
  })
  // A cluster shares the embedded broker's router; with Mosquitto there is no embedded broker.
  .refine((e) => e.PLANE_MODE !== 'province' || (!!e.PROVINCE_ID && !!e.PROVINCE_NAME), { message: 'PLANE_MODE=province needs PROVINCE_ID and PROVINCE_NAME', path: ['PROVINCE_ID'] })
  .refine((e) => !!e.PROVINCE_URL === !!e.PROVINCE_TOKEN, { message: 'set both PROVINCE_URL and PROVINCE_TOKEN, or neither', path: ['PROVINCE_URL'] })
  .refine((e) => e.PLANE_MODE !== 'province' || !e.PROVINCE_URL, { message: 'a province does not push to a province: PROVINCE_URL is for PLANE_MODE=commune', path: ['PROVINCE_URL'] })
  .refine((e) => e.BROKER !== 'external' || !e.MQTT_CLUSTER, { message: 'MQTT_CLUSTER is for the embedded broker, not BROKER=external', path: ['MQTT_CLUSTER'] });
export type Env = z.infer<typeof Env>;

export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const r = Env.safeParse(env);
  if (!r.success) throw new Error(`invalid environment:\n  ${issueLines(r.error).join('\n  ')}`);
  return r.data;
}

/** The village's options as the environment gives them. */
export function villageOptions(env: Env, log: Logger): VillageOptions {
  return {
    ...(env.TLS_CERT && env.TLS_KEY && { tls: { cert: readFileSync(env.TLS_CERT), key: readFileSync(env.TLS_KEY), mqttsPort: env.MQTTS_PORT } }),
    auth: { sessionIdleMs: env.SESSION_IDLE_MIN * 60_000, sessionMaxMs: env.SESSION_MAX_HOURS * 3600_000 },
    brokerLimits: { maxConnections: env.MQTT_MAX_CONNECTIONS, rate: { ratePerS: env.MQTT_RATE_PER_S, burst: env.MQTT_RATE_BURST, maxDebtS: 2 } },
    alerts: { graceS: env.OFFLINE_GRACE_S },
    rules: { graceS: env.OFFLINE_GRACE_S },
    brokerAlerts: { thresholds: { authFailures: env.MQTT_ALERT_AUTH_FAILURES, deniedTopics: env.MQTT_ALERT_DENIED, rateLimited: env.MQTT_ALERT_RATE_LIMITED } },
    log,
    dataDir: env.DATA_DIR,
    siteFile: siteFileOf(env),
    host: env.HOST,
    httpPort: env.HTTP_PORT,
    mqttPort: env.MQTT_PORT,
    ...(env.INFLUX_URL && { influxUrl: env.INFLUX_URL }),
    ...(env.BROKER === 'external' && { externalBroker: { url: env.MQTT_URL!, adminUser: env.MQTT_ADMIN_USER!, adminPassword: env.MQTT_ADMIN_PASSWORD! } }),
    ...(env.MQTT_CLUSTER && { brokerCluster: { redisUrl: env.MQTT_CLUSTER } }),
    influxDb: env.INFLUX_DB,
    ...(env.INFLUX_TOKEN && env.INFLUX_ORG && env.INFLUX_BUCKET && {
      influxV2: { token: env.INFLUX_TOKEN, org: env.INFLUX_ORG, bucket: env.INFLUX_BUCKET, ...(env.INFLUX_ARCHIVE_BUCKET && { archiveBucket: env.INFLUX_ARCHIVE_BUCKET }) },
    }),
    ...(env.RADIO_AUDIO_BASE && { radioAudioBase: env.RADIO_AUDIO_BASE }),
    ...(env.PROVINCE_URL && env.PROVINCE_TOKEN && { province: { url: env.PROVINCE_URL, token: env.PROVINCE_TOKEN } }),
    ...(env.CHROMIUM_PATH && { chromiumPath: env.CHROMIUM_PATH }),
  };
}

/** The province's options (PLANE_MODE=province) as the environment gives them. */
export function provinceOptions(env: Env, log: Logger): ProvinceOptions {
  return {
    ...(env.TLS_CERT && env.TLS_KEY && { tls: { cert: readFileSync(env.TLS_CERT), key: readFileSync(env.TLS_KEY) } }),
    auth: { sessionIdleMs: env.SESSION_IDLE_MIN * 60_000, sessionMaxMs: env.SESSION_MAX_HOURS * 3600_000 },
    log,
    dataDir: env.DATA_DIR,
    province: { id: env.PROVINCE_ID!, name: env.PROVINCE_NAME!, tz: env.PROVINCE_TZ },
    ...(env.CHROMIUM_PATH && { chromiumPath: env.CHROMIUM_PATH }),
    host: env.HOST,
    httpPort: env.HTTP_PORT,
    ...(env.INFLUX_URL && { influxUrl: env.INFLUX_URL }),
    influxDb: env.INFLUX_DB,
    ...(env.INFLUX_TOKEN && env.INFLUX_ORG && env.INFLUX_BUCKET && {
      influxV2: { token: env.INFLUX_TOKEN, org: env.INFLUX_ORG, bucket: env.INFLUX_BUCKET, ...(env.INFLUX_ARCHIVE_BUCKET && { archiveBucket: env.INFLUX_ARCHIVE_BUCKET }) },
    }),
  };
}

export function siteFileOf(env: Env): string {
  return env.SITE_FILE ?? join(env.DATA_DIR, 'site.json');
}
