// The live stream (/api/events): each event's name and the schema of its data, for pages to type
// their handlers by. Each is filtered by the policy as the matching routes are.
import type { z } from 'zod';
import { AlertState } from './alerts.js';
import { AlertEvent, Command, Device } from './devices.js';
import { IrrigationEvent } from './irrigation.js';
import { LightingEvent } from './lighting.js';
import { ProvincePushed } from './province.js';
import { BulletinView } from './radio.js';
import { SceneRun } from './scenes.js';

export const StreamEventSchemas = {
  /** A device's live state changed (`GET /api/devices/:id`). */
  device: Device,
  /** A command was sent or settled. */
  command: Command,
  alert: AlertEvent,
  /** An alert's lifecycle moved (raised, seen, cleared, acknowledged): its whole state (`GET /api/alerts`). */
  alertChanged: AlertState,
  /** A bulletin or its deliveries changed (`GET /api/radio/bulletins/:id`); radio.read only. */
  radio: BulletinView,
  irrigation: IrrigationEvent,
  /** lighting.read only. */
  lighting: LightingEvent,
  /** A scene run moved (`GET /api/scenes/runs/:runId`); scenes.read only. */
  scene: SceneRun,
  /** On a province (PLANE_MODE=province), its only event: a commune pushed a snapshot; province.read only. */
  province: ProvincePushed,
} as const;

export type StreamEvents = { [K in keyof typeof StreamEventSchemas]: z.infer<(typeof StreamEventSchemas)[K]> };
