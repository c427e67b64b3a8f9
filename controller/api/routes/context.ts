// What the route plugins are given: the modules they call, built once by the Api.
import type { Auth } from '../../auth/auth.js';
import type { Actor } from '../../auth/policy.js';
import type { Alerts } from '../../alerts/alerts.js';
import type { Bus } from '../../bus.js';
import type { CommandService } from '../../commands/commands.js';
import type { SiteStore } from '../../config/site.js';
import type { WaterAccounting } from '../../irrigation/accounting.js';
import type { Irrigation } from '../../irrigation/irrigation.js';
import type { ReportPdf } from '../../indicators/report-pdf.js';
import type { ProvincePush } from '../../indicators/push.js';
import type { IndicatorService } from '../../indicators/service.js';
import type { LightEnergy } from '../../lighting/energy.js';
import type { Lighting } from '../../lighting/lighting.js';
import type { AudioStore } from '../../radio/audio.js';
import type { Radio } from '../../radio/radio.js';
import type { RuleEngine } from '../../rules/engine.js';
import type { Scenes } from '../../scenes/scenes.js';
import type { DeviceSnapshot, LiveState } from '../../state/live-state.js';
import type { Storage } from '../../storage/storage.js';
import type { Device } from '../contract/devices.js';

/** What the API needs to add, change and remove devices (wired in the composition root). */
export interface DeviceAdmin {
  issueSecret(id: string): Promise<string>;
  forget(id: string): Promise<void>;
  pushConfig(id: string): Promise<void>;
}

/** The modules the routes call, built by the composition root. */
export interface ApiModules {
  site: SiteStore;
  bus: Bus;
  live: LiveState;
  commands: CommandService;
  storage: Storage;
  alerts: Alerts;
  auth: Auth;
  /** Site changes: the API edits devices; the store validates and persists atomically. */
  devices: DeviceAdmin;
  irrigation: Irrigation;
  accounting: WaterAccounting;
  lighting: Lighting;
  energy: LightEnergy;
  indicators: IndicatorService;
  /** The monthly report printed to PDF by the plane's own Chromium. */
  reportPdf: ReportPdf;
  radio: Radio;
  audio: AudioStore;
  rules: RuleEngine;
  scenes: Scenes;
  /** With PROVINCE_URL: the outbox to the province, for a recomputed month. */
  provincePush?: Pick<ProvincePush, 'requeue'>;
  status(): Record<string, unknown>;
  /** Parts working less well than they should, in a few words each; empty when all is well. */
  degraded(): string[];
}

/** What every route plugin is given: the modules and a few helpers made once by the Api. */
export interface ApiContext extends ApiModules {
  /** Cookies are Secure and the plane speaks HTTPS. */
  secure: boolean;
  /** A device as the API shows it: live state, its config and commands. */
  deviceView(s: DeviceSnapshot): Device;
  /** The issuer recorded on commands and audit points. */
  issuer(actor: Actor): string;
  /** A signed audio URL path for a page or a speaker. */
  audioPath(file: string, ttlMs?: number): string;
}
