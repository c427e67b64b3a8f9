// Indicators for commune officials, as data: one definition each (names, a definition paragraph,
// what the numerator and denominator count, unit, period, scope, target, what it maps to) and a
// query that gives the numerator and denominator per hamlet and for the commune. Modelled on the
// device types (devices/define.ts); tests/unit/indicators.test.ts checks every definition.
import type { Label } from '../../devices/define.js';
import type { SiteConfig } from '../config/site.js';
import type { Storage } from '../storage/storage.js';

export type IndicatorUnit = '%' | 'h' | 'kWh' | 'm³/ha' | 's' | 'count';

/** A ratio before scaling: the value is numerator ÷ denominator × scale (null when nothing to divide by). */
export interface Ratio {
  numerator: number;
  denominator: number;
}

/** Why a hamlet's value is what it is, in words the overview can show ("cluster offline 3 days"). */
export interface Finding {
  hamlet?: string;
  device?: string;
  /** A code with its parameters, for the page to put in words. */
  code: string;
  params?: Record<string, string | number>;
}

export interface IndicatorResult {
  commune: Ratio;
  /** Every hamlet of the site, for a hamlet-scoped indicator. */
  hamlets?: Record<string, Ratio>;
  findings?: Finding[];
}

export interface IndicatorContext {
  storage: Storage;
  /** The retention policy events and readings are kept in. */
  rp: string;
  site: SiteConfig;
  /** The period, [from, to): a whole month, or the month so far. */
  from: Date;
  to: Date;
}

export interface IndicatorDefinition {
  id: string;
  name: Label;
  /** One paragraph, written next to the figure wherever it is shown. */
  definition: Label;
  numerator: Label;
  denominator: Label;
  unit: IndicatorUnit;
  /** 100 for a percentage, else 1. */
  scale: number;
  /** The period the figure is reported for. */
  period: 'day' | 'month';
  /** `hamlet`: computed per hamlet and for the commune; `commune`: for the commune only. */
  scope: 'hamlet' | 'commune';
  target?: { op: '>=' | '<='; value: number };
  /** A national or provincial criterion this figure maps to. It maps, it never certifies. */
  mapsTo?: Label;
  compute(ctx: IndicatorContext): Promise<IndicatorResult>;
}

export function defineIndicator(d: Omit<IndicatorDefinition, 'scale'> & { scale?: number }): IndicatorDefinition {
  return { ...d, scale: d.scale ?? (d.unit === '%' ? 100 : 1) };
}

/** The figure a ratio stands for, or null when its denominator is 0 (nothing to measure). */
export function valueOf(d: Pick<IndicatorDefinition, 'scale'>, r: Ratio): number | null {
  return r.denominator === 0 ? null : (r.numerator / r.denominator) * d.scale;
}

/** Whether a value meets the target; undefined when there is no target or no value. */
export function meets(d: Pick<IndicatorDefinition, 'target'>, value: number | null): boolean | undefined {
  if (!d.target || value === null) return undefined;
  return d.target.op === '>=' ? value >= d.target.value : value <= d.target.value;
}
