// The composition root: builds every module with its dependencies, starts them in data-flow
// order and stops them in reverse. Nothing else wires modules together.
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Broker, type BrokerLimits } from '../broker/broker.js';
import { CredentialStore } from '../broker/credentials.js';
import { Dynsec } from '../broker/dynsec.js';
import { Api, type DeviceAdmin } from './api/server.js';
import { Auth } from './auth/auth.js';
import { Bus } from './bus.js';
import { Modules, type Module } from './lifecycle.js';
import { CommandService, type CommandOptions } from './commands/commands.js';
import { writeFileAtomic } from './config/atomic.js';
import { SiteStore } from './config/site.js';
import { DeviceConfigPublisher } from './device-config.js';
import { Ingest } from './ingest/ingest.js';
import { Alerts } from './alerts/alerts.js';
import { BrokerWatch, type BrokerWatchOptions } from './alerts/broker-watch.js';
import { ReportPdf } from './indicators/report-pdf.js';
import { ProvincePush, type ProvincePushOptions } from './indicators/push.js';
import { IndicatorService } from './indicators/service.js';
import { WaterAccounting } from './irrigation/accounting.js';
import { FlowMonitor } from './irrigation/flow.js';
import { Irrigation } from './irrigation/irrigation.js';
import { LightEnergy } from './lighting/energy.js';
import { LampMonitor } from './lighting/failures.js';
import { Lighting } from './lighting/lighting.js';
import { WeatherService } from './irrigation/weather.js';
import { AudioStore } from './radio/audio.js';
import { ClusterHealth } from './radio/health.js';
import { Radio } from './radio/radio.js';
import { RuleEngine, type RuleEngineOptions } from './rules/engine.js';
import { historyInputs } from './rules/history.js';
import { Scenes, type ScenesOptions } from './scenes/scenes.js';
import { MqttPlaneLink } from './mqtt-plane-link.js';
import { InProcessPlaneLink, type PlaneLink } from './plane-link.js';
import { LiveState } from './state/live-state.js';
import type { InfluxdProcess } from './storage/influxd.js';
import { StorageSink } from './storage/sink.js';
import { storageUnder, type InfluxV2Options, type Storage, type StorageOptions } from './storage/storage.js';

export interface VillageOptions {
  log: Logger;
  dataDir: string;
  siteFile: string;
  /** Address the HTTP and MQTT listeners bind to. */
  host: string;
  httpPort: number;
  mqttPort: number;
  /** An InfluxDB URL (1.x, or 2.x/3/Cloud with influxV2); when absent the village runs its own influxd (1.x) under dataDir. */
  influxUrl?: string;
  influxDb?: string;
  /** With influxUrl: write through the v2 API into these buckets; reads use `/query` with the token. */
  influxV2?: InfluxV2Options;
  brokerLimits?: Partial<BrokerLimits>;
  /**
   * BROKER=external: the plane is a client of this Mosquitto (no embedded broker, no MQTT listeners)
   * and provisions devices there through dynamic security with the admin client's credentials.
   */
  externalBroker?: { url: string; adminUser: string; adminPassword: string };
  /** The embedded broker shares its router through Redis with standalone broker processes (broker/main.ts). */
  brokerCluster?: { redisUrl: string };
  /** Broker refusals per source in a minute that raise an alert, and the quiet time that clears it (controller/alerts/broker-watch.ts). */
  brokerAlerts?: Pick<BrokerWatchOptions, 'thresholds' | 'windowMs' | 'quietMs' | 'tickMs'>;
  commands?: Partial<Pick<CommandOptions, 'ackTimeoutMs' | 'maxAttempts' | 'defaultTtlS'>>;
  /** The scheduling clock for programs and sensor-driven watering (tests move it). */
  now?: () => number;
  irrigation?: { tickMs?: number; endGraceS?: number; litersWaitS?: number };
  lighting?: { tickMs?: number };
  radio?: { tickMs?: number; retryS?: number; emergencyWindowS?: number; lateToleranceS?: number; maxAudioBytes?: number; maxAudioS?: number };
  /** Where speakers fetch bulletin audio from (e.g. http://192.168.1.10:8080); the API's own address by default. */
  radioAudioBase?: string;
  /** HTTPS for the API and pages, and MQTT over TLS on mqttsPort (8883 by default). */
  tls?: { cert: Buffer | string; key: Buffer | string; mqttsPort?: number };
  auth?: {
    sessionIdleMs?: number;
    sessionMaxMs?: number;
    /** Failed sign-ins allowed per minute per account and per address. */
    signInPerAccount?: number;
    signInPerIp?: number;
    /** How long failed sign-ins count (a minute; tests shorten it). */
    signInWindowMs?: number;
    setupTtlMs?: number;
  };
  /** The Chromium that prints the monthly report to PDF (Debian's /usr/bin/chromium by default). */
  chromiumPath?: string;
  /** Live event streams allowed per user and in all (8 and 500). */
  streams?: { perActor?: number; total?: number };
  /** Runs once accounts can be made, before a first run would ask for setup (the demo's users). */
  seedUsers?: (auth: Auth) => Promise<void>;
  storage?: Partial<Pick<StorageOptions, 'batchSize' | 'flushMs' | 'probeMs' | 'maxSpoolBytes'>>;
  /** The rule engine's grace after start, tick, webhook retries; isAcknowledged from the alert lifecycle. */
  /** Offline alerts after start wait this long (120 s): devices reconnecting after a restart. */
  alerts?: { graceS?: number };
  rules?: Partial<Pick<RuleEngineOptions, 'graceS' | 'tickMs' | 'webhook' | 'isAcknowledged'>>;
  /** Push the indicators' day and month snapshots to this province (controller/indicators/push.ts). */
  province?: { url: string; token: string } & Partial<Pick<ProvincePushOptions, 'tickMs' | 'retry' | 'maxCatchUpDays'>>;
  /** How long a scene run waits for its devices to settle (controller/scenes/). */
  scenes?: Partial<Pick<ScenesOptions, 'settleMs'>>;
}

export const PLANE_ID = 'plane-controller';
/** A speaker may be asked to play hours after the URL was made (slot windows, retries); each send signs anew. */
const AUDIO_URL_TTL_MS = 12 * 3600_000;

/** The plane's own MQTT identity: generated at first start, its secret readable only by the owner. */
async function planeIdentity(credentials: CredentialStore, dataDir: string): Promise<{ id: string; secret: string }> {
  const file = join(dataDir, 'plane-identity.json');
  try {
    const id = JSON.parse(await readFile(file, 'utf8')) as { id: string; secret: string };
    if (credentials.kindOf(id.id) === 'plane' && (await credentials.verify(id.id, id.secret))) return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = await credentials.issue(PLANE_ID, 'plane');
  await writeFileAtomic(file, JSON.stringify({ id: PLANE_ID, secret }) + '\n', 0o600);
  await chmod(file, 0o600);
  return { id: PLANE_ID, secret };
}

export class Village {
  readonly bus: Bus;
  readonly site: SiteStore;
  readonly credentials: CredentialStore;
  readonly http: HttpServer;
  readonly auth: Auth;
  influxd?: InfluxdProcess | undefined;
  storage!: Storage;
  private embedded?: Broker;
  /** Provisioning on the external broker (BROKER=external only). */
  dynsec?: Dynsec;
  link!: PlaneLink;
  /** Adds, re-keys and removes devices: what the API calls, and tests provision through. */
  deviceAdmin!: DeviceAdmin;
  ingest!: Ingest;
  live!: LiveState;
  commands!: CommandService;
  api!: Api;
  irrigation!: Irrigation;
  lighting!: Lighting;
  indicators!: IndicatorService;
  radio!: Radio;
  audio!: AudioStore;
  alerts!: Alerts;
  rules!: RuleEngine;
  scenes!: Scenes;
  /** Snapshots to the province (PROVINCE_URL only). */
  provincePush?: ProvincePush;
  private readonly modules: Modules;

  constructor(private readonly o: VillageOptions) {
    this.modules = new Modules({ log: o.log });
    this.bus = new Bus(o.log);
    this.site = new SiteStore({ file: o.siteFile });
    this.credentials = new CredentialStore({ file: join(o.dataDir, 'credentials.json') });
    this.http = o.tls ? (createHttpsServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }) as unknown as HttpServer) : createServer();
    this.auth = new Auth({
      dataDir: o.dataDir,
      log: o.log.child({ module: 'auth' }),
      site: () => this.site.config.site.id,
      writeEvent: (p) => this.storage.writeEvent(p),
      setupUrl: () => new URL('setup.html', this.url).toString(),
      ...(o.auth?.setupTtlMs && { setupTtlMs: o.auth.setupTtlMs }),
    });
  }

  /** The embedded broker; there is none with BROKER=external. */
  get broker(): Broker {
    if (!this.embedded) throw new Error('no embedded broker: BROKER=external');
    return this.embedded;
  }

  /** Where devices connect. */
  get mqttUrl(): string {
    return this.o.externalBroker?.url ?? `mqtt://${this.o.host === '0.0.0.0' ? '127.0.0.1' : this.o.host}:${this.broker.port}`;
  }

  get httpPort(): number {
    return this.api.port;
  }

  get url(): string {
    return `${this.o.tls ? 'https' : 'http'}://${this.o.host === '0.0.0.0' ? '127.0.0.1' : this.o.host}:${this.httpPort}/`;
  }

  async start(): Promise<void> {
    const { log, dataDir } = this.o;
    const child = (module: string) => log.child({ module });
    const site = await this.site.load();
    if (site.devices.some((d) => d.id === PLANE_ID)) throw new Error(`device id ${PLANE_ID} is reserved for the plane`);
    await this.credentials.load();
    const identity = await planeIdentity(this.credentials, dataDir);

    const siteId = site.site.id;
    const { influxd, storage } = storageUnder({ dataDir, influxUrl: this.o.influxUrl, database: this.o.influxDb ?? 'village', v2: this.o.influxV2, batchSize: 500, overrides: this.o.storage, log: child, bus: this.bus });
    this.influxd = influxd;
    this.storage = storage;
    // A broker process that joins later missed the retained configs: publish them all again.
    let peerReady = () => {};
    const brokerWatch = new BrokerWatch({ bus: this.bus, ...this.o.brokerAlerts });
    const external = this.o.externalBroker;
    const dynsec = external && new Dynsec({ url: external.url, username: external.adminUser, password: external.adminPassword, site: siteId, log: child('dynsec') });
    this.dynsec = dynsec;
    const broker = external ? undefined : new Broker({
      log: child('broker'),
      onRefusal: (r) => brokerWatch.record(r),
      site: siteId,
      policy: 'secure',
      credentials: this.credentials,
      isKnownDevice: (id) => !!this.site.device(id),
      tcp: { host: this.o.host, port: this.o.mqttPort },
      ...(this.o.tls && { tls: { host: this.o.host, port: this.o.tls.mqttsPort ?? 8883, cert: this.o.tls.cert, key: this.o.tls.key } }),
      ws: { server: this.http, path: '/mqtt' },
      ...(this.o.brokerLimits && { limits: this.o.brokerLimits }),
      ...(this.o.brokerCluster && { cluster: this.o.brokerCluster, onPeerReady: () => peerReady() }),
    });
    this.embedded = broker;
    const sink = new StorageSink({ bus: this.bus, storage: this.storage, site: this.site });
    this.live = new LiveState({ site: this.site, bus: this.bus, snapshotFile: join(dataDir, 'live-state.json') });
    const linkOptions = {
      site: siteId,
      planeId: identity.id,
      log: child('plane-link'),
      channels: ['telemetry', 'state', 'avail', 'ack'] as const,
      onMessage: (topic: string, payload: Buffer) => this.ingest.handle(topic, payload),
    };
    this.link = external ? new MqttPlaneLink({ ...linkOptions, url: external.url, secret: identity.secret }) : new InProcessPlaneLink({ ...linkOptions, broker: broker! });
    const publish = (retain: boolean) => (topic: string, payload: unknown) => this.link.publish(topic, payload, { qos: 1, retain });
    this.commands = new CommandService({
      site: this.site,
      bus: this.bus,
      storage: this.storage,
      log: child('commands'),
      publish: publish(false),
      ackTimeoutMs: 5000,
      maxAttempts: 3,
      defaultTtlS: 60,
      maxTtlS: 86400,
      maxPendingPerDevice: 20,
      maxPending: 2000,
      historySize: 5000,
      ...this.o.commands,
    });
    this.ingest = new Ingest({ site: this.site, bus: this.bus, storage: this.storage, log: child('ingest') });
    this.alerts = new Alerts({
      bus: this.bus,
      storage: this.storage,
      log: child('alerts'),
      file: join(dataDir, 'alerts.json'),
      site: () => this.site.config.site.id,
      zoneOf: (id) => this.site.device(id)?.zone,
      hamletOf: (zone, device) => (device && this.site.device(device)?.hamlet) || this.site.config.zones.find((z) => z.id === zone)?.hamlet,
      ...(this.o.now && { now: this.o.now }),
      ...(this.o.alerts?.graceS !== undefined && { graceS: this.o.alerts.graceS }),
    });
    const wasActive = (key: string) => this.alerts.get(key)?.state === 'active';
    const flow = new FlowMonitor({ bus: this.bus, site: this.site, live: this.live, wasActive, ...(this.o.now && { now: this.o.now }) });
    const accounting = new WaterAccounting({ storage: this.storage, site: this.site });
    this.irrigation = new Irrigation({
      site: this.site,
      bus: this.bus,
      live: this.live,
      commands: this.commands,
      storage: this.storage,
      weather: new WeatherService({ storage: this.storage, site: this.site }),
      file: join(dataDir, 'irrigation.json'),
      log: child('irrigation'),
      ...(this.o.now && { now: this.o.now }),
      ...this.o.irrigation,
    });
    const lamps = new LampMonitor({ bus: this.bus, site: this.site, live: this.live, wasActive, ...(this.o.now && { now: this.o.now }) });
    const energy = new LightEnergy({ storage: this.storage, site: this.site });
    this.indicators = new IndicatorService({ storage: this.storage, site: this.site, log: child('indicators'), ...(this.o.now && { now: this.o.now }) });
    const province = this.o.province;
    const push = province && new ProvincePush({
      ...province,
      dir: join(dataDir, 'province-outbox'),
      indicators: this.indicators,
      tz: () => this.site.config.site.tz,
      log: child('province-push'),
      ...(this.o.now && { now: this.o.now }),
    });
    this.provincePush = push;
    const reportPdf = new ReportPdf({ baseUrl: () => this.url, log: child('report-pdf'), ...(this.o.chromiumPath && { executablePath: this.o.chromiumPath }) });
    this.lighting = new Lighting({
      site: this.site,
      bus: this.bus,
      live: this.live,
      commands: this.commands,
      file: join(dataDir, 'lighting.json'),
      log: child('lighting'),
      pushConfig: (id) => configs.push(id),
      onNightOver: async (n) => {
        const night = `${n.year}-${String(n.month).padStart(2, '0')}-${String(n.day).padStart(2, '0')}`;
        for (const id of new Set(this.site.config.lightGroups.flatMap((g) => g.devices))) {
          await energy.store(await energy.night(id, night, this.lighting.programFor(id, n)?.steps ?? []));
        }
      },
      ...(this.o.now && { now: this.o.now }),
      ...this.o.lighting,
    });
    const { maxAudioBytes, maxAudioS, ...radioTiming } = this.o.radio ?? {};
    this.audio = new AudioStore({
      dir: join(dataDir, 'audio'),
      log: child('audio'),
      limits: { ...(maxAudioBytes && { maxBytes: maxAudioBytes }), ...(maxAudioS && { maxDurationS: maxAudioS }) },
    });
    this.radio = new Radio({
      site: this.site,
      bus: this.bus,
      live: this.live,
      commands: this.commands,
      storage: this.storage,
      audio: this.audio,
      file: join(dataDir, 'radio.json'),
      log: child('radio'),
      // Speakers have no session: the URL carries its expiry and the plane's signature.
      audioUrl: (file) =>
        new URL(`api/radio/audio/${file}?${this.auth.signAudio(file, AUDIO_URL_TTL_MS)}`, this.o.radioAudioBase ? this.o.radioAudioBase.replace(/\/?$/, '/') : this.url).toString(),
      ...(this.o.now && { now: this.o.now }),
      ...radioTiming,
    });
    this.scenes = new Scenes({
      site: this.site,
      bus: this.bus,
      commands: this.commands,
      irrigation: this.irrigation,
      lighting: this.lighting,
      radio: this.radio,
      bulletin: (id) => {
        try {
          return this.radio.bulletin(id);
        } catch {
          return undefined;
        }
      },
      file: join(dataDir, 'scenes.json'),
      log: child('scenes'),
      ...(this.o.now && { now: this.o.now }),
      ...this.o.scenes,
    });
    this.rules = new RuleEngine({
      site: this.site,
      bus: this.bus,
      live: this.live,
      commands: this.commands,
      irrigation: this.irrigation,
      lighting: this.lighting,
      radio: this.radio,
      scenes: this.scenes,
      actorOf: (login) => {
        const u = this.auth.user(login);
        return u && u.state === 'active' ? this.auth.actorOf(u) : undefined;
      },
      bulletinFailed: (id) => {
        try {
          return this.radio.bulletin(id).deliveries.some((d) => ['failed', 'missed', 'expired'].includes(d.status));
        } catch {
          return false;
        }
      },
      // Escalation waits on the alert lifecycle: an acknowledged rule alert is not escalated.
      isAcknowledged: (key) => this.alerts.get(key)?.ack !== undefined,
      history: (rule, from, to) => historyInputs({ storage: this.storage, rp: 'village_2y', site: this.site.config, rule, from, to }),
      file: join(dataDir, 'rules.json'),
      log: child('rules'),
      ...(this.o.now && { now: this.o.now }),
      ...this.o.rules,
    });
    const clusterHealth = new ClusterHealth({ bus: this.bus, site: this.site, live: this.live, wasActive });
    const configs = new DeviceConfigPublisher({ site: this.site, log: child('device-config'), publish: publish(true), extra: (id) => this.lighting.configFor(id) });
    this.deviceAdmin = {
      issueSecret: async (id) => {
        const secret = await this.credentials.issue(id, 'device');
        // Mosquitto keeps its own hash of the secret; the plane's store keeps one too, as embedded.
        await dynsec?.putDevice(id, secret);
        return secret;
      },
      forget: async (id) => {
        await this.credentials.revoke(id);
        if (dynsec) await dynsec.removeDevice(id);
        else broker!.disconnect(id);
      },
      pushConfig: (id) => configs.push(id),
    };
    peerReady = () => {
      if (this.link.connected) configs.start().catch((err: Error) => log.error({ err: err.message }, 'configs not republished for a cluster peer'));
    };
    this.api = new Api({
      log,
      http: this.http,
      host: this.o.host,
      port: this.o.httpPort,
      site: this.site,
      bus: this.bus,
      live: this.live,
      commands: this.commands,
      storage: this.storage,
      alerts: this.alerts,
      auth: this.auth,
      tls: !!this.o.tls,
      ...(this.o.streams && { streams: this.o.streams }),
      ...(this.o.radioAudioBase && { audioOrigin: new URL(this.o.radioAudioBase).origin }),
      sessions: { ...(this.o.auth?.sessionIdleMs && { idleMs: this.o.auth.sessionIdleMs }), ...(this.o.auth?.sessionMaxMs && { maxMs: this.o.auth.sessionMaxMs }) },
      signIn: {
        ...(this.o.auth?.signInPerAccount && { perAccount: this.o.auth.signInPerAccount }),
        ...(this.o.auth?.signInPerIp && { perIp: this.o.auth.signInPerIp }),
        ...(this.o.auth?.signInWindowMs && { windowMs: this.o.auth.signInWindowMs }),
      },
      devices: this.deviceAdmin,
      irrigation: this.irrigation,
      accounting,
      lighting: this.lighting,
      energy,
      indicators: this.indicators,
      reportPdf,
      radio: this.radio,
      audio: this.audio,
      rules: this.rules,
      scenes: this.scenes,
      ...(push && { provincePush: push }),
      degraded: () => [
        ...(influxd && influxd.status().state !== 'running' ? [`influxdb ${influxd.status().state}`] : []),
        ...(this.storage.stats().up ? [] : ['storage spooling: InfluxDB unreachable']),
        ...(this.link.connected ? [] : ['plane not connected to the broker']),
        ...(push?.status().lastError ? [`province push: ${push.status().pending} snapshots waiting (${push.status().lastError})`] : []),
      ],
      status: () => ({
        ...(influxd && { influxd: influxd.status() }),
        ok: true,
        ...(broker ? { broker: broker.stats() } : { broker: { external: external!.url } }),
        storage: this.storage.stats(),
        ingest: this.ingest.stats(),
        mqttLink: this.link.connected,
        ...(push && { provincePush: push.status() }),
      }),
    });

    // Data-flow order. Bus consumers start before the plane subscribes, and the plane subscribes
    // before the broker listens, so nothing a device hands over meets an empty house; the API
    // opens last and closes first.
    const modules: Module[] = [
      ...(influxd ? [{ name: 'influxd', start: () => influxd.start(), stop: () => influxd.stop() }] : []),
      { name: 'storage', start: () => this.storage.start(), stop: () => this.storage.stop() },
      // Accounts and the keys that sign speakers' audio URLs, before anything could build one.
      { name: 'auth', start: () => this.auth.start(), stop: () => this.auth.stop() },
      ...(this.o.seedUsers ? [{ name: 'seed-users', start: () => this.o.seedUsers!(this.auth), stop: async () => {} }] : []),
      // The broker without listeners: devices can connect only once the plane is subscribed.
      ...(broker ? [{ name: 'broker', start: () => broker.create(), stop: () => broker.stop() }] : []),
      // External: the plane's client and role exist before it connects; devices gone from the site lose theirs.
      ...(dynsec ? [{ name: 'dynsec', start: () => this.provisionExternal(dynsec, identity), stop: () => dynsec.stop() }] : []),
      { name: 'storage-sink', start: () => sink.start(), stop: () => sink.stop() },
      { name: 'live-state', start: () => this.live.start(), stop: () => this.live.stop() },
      { name: 'alerts', start: () => this.alerts.start(), stop: () => this.alerts.stop() },
      { name: 'broker-watch', start: () => brokerWatch.start(), stop: () => brokerWatch.stop() },
      { name: 'flow-monitor', start: () => flow.start(), stop: () => flow.stop() },
      { name: 'lamp-monitor', start: () => lamps.start(), stop: () => lamps.stop() },
      { name: 'cluster-health', start: () => clusterHealth.start(), stop: () => clusterHealth.stop() },
      { name: 'audio', start: () => this.audio.start(), stop: () => this.audio.stop() },
      { name: 'commands', start: () => this.commands.start(), stop: () => this.commands.stop() },
      // Before the link: the valves' first state reports after a restart drive reconciliation.
      { name: 'irrigation', start: () => this.irrigation.start(), stop: () => this.irrigation.stop() },
      { name: 'lighting', start: () => this.lighting.start(), stop: () => this.lighting.stop() },
      // Before the link: playback reports and availability replayed on subscribe update deliveries.
      { name: 'radio', start: () => this.radio.start(), stop: () => this.radio.stop() },
      // After the services it acts through, before the link: availability replayed on subscribe
      // meets the start-up grace, and a reading after a restart meets its rule's saved pending.
      // Before rules: a rule may run a scene.
      { name: 'scenes', start: () => this.scenes.start(), stop: () => this.scenes.stop() },
      { name: 'rules', start: () => this.rules.start(), stop: () => this.rules.stop() },
      { name: 'plane-link', start: () => this.link.start(), stop: () => this.link.stop() },
      { name: 'device-config', start: () => configs.start(), stop: () => configs.stop() },
      // Now devices: every acknowledged publish has a subscriber, and their retained configs wait.
      ...(broker ? [{ name: 'broker-listeners', start: () => broker.listen(), stop: () => broker.closeListeners() }] : []),
      // Overrides still in force go out again once the link is up (a light may have rebooted).
      { name: 'lighting-overrides', start: () => this.lighting.reapply(), stop: async () => {} },
      { name: 'api', start: () => this.api.start(), stop: () => this.api.stop() },
      { name: 'report-pdf', start: async () => {}, stop: () => reportPdf.stop() },
      // Last: it only reads what the plane stored, and may wait on the province for long.
      ...(push ? [{ name: 'province-push', start: () => push.start(), stop: () => push.stop() }] : []),
      { name: 'setup-code', start: () => this.auth.announceSetup(), stop: async () => {} },
      // Speakers fetch their audio from the API, so plays go out only once it listens.
      { name: 'radio-on-air', start: () => this.radio.onAir(), stop: async () => {} },
    ];
    await this.modules.start(modules, () => this.stop());
    if (this.o.host === '0.0.0.0' && !this.o.radioAudioBase) {
      log.warn('HOST is 0.0.0.0 but RADIO_AUDIO_BASE is not set: speakers will be told to fetch bulletin audio from 127.0.0.1');
    }
    log.info({ url: this.url, mqtt: this.mqttUrl, site: siteId }, 'village started');
  }

  private async provisionExternal(dynsec: Dynsec, identity: { id: string; secret: string }): Promise<void> {
    await dynsec.start();
    await dynsec.putPlane(identity.id, identity.secret);
    const known = new Set(this.site.config.devices.map((d) => d.id));
    const there = new Set(await dynsec.deviceClients());
    for (const id of there) {
      if (known.has(id)) continue;
      await dynsec.removeDevice(id);
      this.o.log.info({ device: id }, 'removed from the broker: not a device of the site');
    }
    // The plane keeps only hashes: a device without a client on this broker needs a new secret.
    const missing = [...known].filter((id) => !there.has(id));
    if (missing.length) this.o.log.warn({ devices: missing }, 'devices have no client on the external broker; issue them a new secret');
  }

  /** Stops modules in reverse order; a failing stop is logged and the rest still stop. */
  async stop(): Promise<void> {
    // Devices drop as the broker goes down: that is this stop, not an outage to alert on.
    if (this.modules.running) {
      this.alerts?.quiesce();
      this.rules?.quiesce();
    }
    await this.modules.stop();
  }
}
