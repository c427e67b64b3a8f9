// Irrigation's indicators (water per hectare, automated share, water saved: to come).
import type { IndicatorDefinition } from '../define.js';

export const irrigationIndicators: IndicatorDefinition[] = [];
