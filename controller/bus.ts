// The typed event bus modules talk through. Emitting never throws into the emitter: a failing
// listener is logged, so one bad consumer cannot stop ingest.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AlertWhat } from './alert-codes.js';
import type { AlertState } from './api/contract/alerts.js';
import type { IrrigationEvent } from './api/contract/irrigation.js';
import type { LightingEvent } from './api/contract/lighting.js';
import type { CommandRecord } from './commands/commands.js';
import type { SceneRun } from './scenes/schema.js';
import type { DeviceSnapshot } from './state/live-state.js';

export interface Reading {
  deviceId: string;
  type: string;
  ts: Date;
  values: Record<string, unknown>;
  /** Unknown extra fields: kept for the record, never trusted. */
  extra?: Record<string, unknown>;
  /** One of a backlog's older items (all but its last): history for the record, not the present. */
  backlog?: true;
}

export interface BusEvents {
  reading: Reading;
  /** A non-periodic telemetry message, e.g. a loudspeaker's playback report. */
  deviceEvent: Reading;
  state: { deviceId: string; state: Record<string, unknown>; at: Date };
  availability: { deviceId: string; availability: 'online' | 'offline'; at: Date; why: 'message' | 'silence' };
  ack: { deviceId: string; id: string; status: 'applied' | 'rejected' | 'expired'; reason?: string; at: Date };
  command: CommandRecord;
  device: DeviceSnapshot;
  /** A bulletin or one of its deliveries changed (coalesced: at most one per bulletin per 200 ms). */
  radio: { bulletinId: string };
  /** Irrigation's read model changed: built only while someone listens, at most one per 250 ms (controller/irrigation/irrigation.ts). Unfiltered: a farmer's stream filters it. */
  irrigation: IrrigationEvent;
  /** Street lighting's read model changed: built only while someone listens, at most one per 250 ms (controller/lighting/lighting.ts). */
  lighting: LightingEvent;
  /** `device` and `zone` say what the alert is about, so a farmer sees only their zones' alerts. */
  alert: { key: string; what: AlertWhat; severity: 'info' | 'warning' | 'critical'; message: string; at: Date; active: boolean; device?: string; zone?: string };
  /** An alert's lifecycle moved (raised, seen again, cleared, acknowledged): its whole state (controller/alerts/alerts.ts). */
  alertChanged: AlertState;
  /** A scene run moved: an action's state or a device's outcome (controller/scenes/scenes.ts). */
  scene: SceneRun;
  /** A province took a commune's push (controller/province/rollup.ts): what it did with it. */
  provincePush: { commune: string; key: string; kind: 'day' | 'month'; result: 'stored' | 'unchanged' | 'superseded'; at: Date };
}

export class Bus {
  private readonly ee = new EventEmitter();
  constructor(private readonly log: Logger) {
    // Each live stream listens once to each of its events (at most 500 streams, controller/api/routes/events.ts).
    this.ee.setMaxListeners(1000);
  }

  on<K extends keyof BusEvents>(event: K, fn: (e: BusEvents[K]) => void): () => void {
    const wrapped = (e: BusEvents[K]) => {
      try {
        fn(e);
      } catch (err) {
        this.log.error({ err, event }, 'bus listener failed');
      }
    };
    this.ee.on(event, wrapped);
    return () => this.ee.off(event, wrapped);
  }

  /** Whether anyone listens: an event costly to build is built only then. */
  listens(event: keyof BusEvents): boolean {
    return this.ee.listenerCount(event) > 0;
  }

  listenerCount(event: keyof BusEvents): number {
    return this.ee.listenerCount(event);
  }

  emit<K extends keyof BusEvents>(event: K, e: BusEvents[K]): void {
    this.ee.emit(event, e);
  }
}
