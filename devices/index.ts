// The registry of device types. Adding a type is adding one definition here.
import type { DeviceType, Trait } from './define.js';
import { greenhouseSensor } from './types/greenhouse-sensor.js';
import { irrigationValve } from './types/irrigation-valve.js';
import { loudspeaker } from './types/loudspeaker.js';
import { streetLight } from './types/street-light.js';
import { weatherStation } from './types/weather-station.js';

export const deviceTypes: Readonly<Record<string, DeviceType<any, any>>> = Object.freeze(
  Object.fromEntries(
    [greenhouseSensor, weatherStation, irrigationValve, streetLight, loudspeaker].map((t) => [t.type, t]),
  ),
);
export const DEVICE_TYPE_NAMES = Object.keys(deviceTypes) as [string, ...string[]];

export function deviceType(name: string): DeviceType<any, any> | undefined {
  return deviceTypes[name];
}

/** Whether a type (by name) has a trait: false for an unknown type. */
export function hasTrait(typeName: string, trait: Trait): boolean {
  return deviceTypes[typeName]?.traits.includes(trait) ?? false;
}

export * from './define.js';
export * from './topics.js';
export * from './envelope.js';
