// The registry of indicators. Adding one is adding its definition to its area's list.
import type { IndicatorDefinition } from './define.js';
import { irrigationIndicators } from './defs/irrigation.js';
import { lightingIndicators } from './defs/lighting.js';
import { planeIndicators } from './defs/plane.js';
import { radioIndicators } from './defs/radio.js';

export const indicators: readonly IndicatorDefinition[] = Object.freeze([...radioIndicators, ...lightingIndicators, ...irrigationIndicators, ...planeIndicators]);

export function indicator(id: string): IndicatorDefinition | undefined {
  return indicators.find((i) => i.id === id);
}

export * from './define.js';
