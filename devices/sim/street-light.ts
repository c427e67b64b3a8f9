// A dimmable LED luminaire with an energy meter. In program mode it runs its fallback profile
// (the same evaluation the controller uses); an override holds a level until a time or a resume.
import type { SimModel } from '../define.js';
import type { StreetLightConfig } from '../types/street-light.js';
import { levelAt } from './profile.js';
import { happens, round } from './util.js';

export interface StreetLightState {
  level: number;
  mode: 'program' | 'override';
  overrideUntil?: string;
  powerW: number;
  energyKwh: number;
  /** A dead lamp draws nothing at any level; it stays dead until replaced. */
  lampFailed: boolean;
}

/** The LED driver's own draw while the lamp is on, as a share of the rated power. */
export const DRIVER_LOSS = 0.04;

/** About one failure per three years of burning (12 h a night): rare, but seen across a commune. */
const FAILURE_RATE_PER_S = 1 / (3 * 365 * 12 * 3600);

export function lightPowerW(level: number, ratedPowerW: number, lampFailed = false): number {
  if (level <= 0 || lampFailed) return 0;
  return ratedPowerW * (level / 100 + DRIVER_LOSS);
}

const programLevel = (config: StreetLightConfig, now: Date) =>
  levelAt(config.fallback, config.lat, config.lon, config.tz, now);

const withoutOverride = (s: StreetLightState): StreetLightState => {
  const { overrideUntil: _, ...rest } = s;
  return { ...rest, mode: 'program' };
};

export const streetLightSim: SimModel<StreetLightState, StreetLightConfig> = {
  // The profile needs the config, which init() does not get: the runner's first step sets the level.
  init(_device, rng) {
    return { level: 0, mode: 'program', powerW: 0, energyKwh: round(rng.next() * 500, 3), lampFailed: false };
  },

  step(s, { env, dtS, rng, config }) {
    // Energy over the interval at the power that was in force during it.
    const energyKwh = s.energyKwh + (s.powerW * dtS) / 3_600_000;
    let next: StreetLightState = { ...s, energyKwh };
    if (next.mode === 'override' && next.overrideUntil !== undefined && env.now.getTime() >= Date.parse(next.overrideUntil)) {
      next = withoutOverride(next);
    }
    if (next.mode === 'program') next.level = programLevel(config, env.now);
    // Draw every step, lit or not, so one device's random sequence does not depend on its schedule.
    const u = rng.next();
    if (!next.lampFailed && next.level > 0 && happens(u, FAILURE_RATE_PER_S, dtS)) next.lampFailed = true;
    next.powerW = lightPowerW(next.level, config.ratedPowerW, next.lampFailed);
    return { state: next };
  },

  reading(s, { rng }) {
    return {
      powerW: s.powerW > 0 ? round(Math.max(0, s.powerW * (1 + rng.normal(0, 0.005))), 1) : 0,
      energyKwh: round(s.energyKwh, 4),
      lampStatus: s.lampFailed ? 'lampFailure' : 'ok',
    };
  },

  reported(s) {
    return { level: s.level, mode: s.mode, ...(s.overrideUntil !== undefined && { overrideUntil: s.overrideUntil }) };
  },

  command(s, cmd, { config, env }) {
    if (cmd.action === 'set') {
      const { level, untilIso } = cmd.params as { level: number; untilIso?: string };
      const { overrideUntil: _, ...rest } = s;
      return {
        state: {
          ...rest,
          mode: 'override',
          level,
          ...(untilIso !== undefined && { overrideUntil: untilIso }),
          powerW: lightPowerW(level, config.ratedPowerW, s.lampFailed),
        },
        status: 'applied',
      };
    }
    if (cmd.action === 'resume') {
      const level = programLevel(config, env.now);
      return {
        state: { ...withoutOverride(s), level, powerW: lightPowerW(level, config.ratedPowerW, s.lampFailed) },
        status: 'applied',
      };
    }
    return { state: s, status: 'rejected', reason: `unknown action ${cmd.action}` };
  },
};
