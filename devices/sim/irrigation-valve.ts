// A solenoid valve with a flow meter and a downstream pressure sensor. The run timer lives in the
// state and counts down in step(), so the valve closes itself on time with or without the plane.
import type { SimModel } from '../define.js';
import type { ValveConfig } from '../types/irrigation-valve.js';
import { clamp, round } from './util.js';
import { valveRefusal } from './valve-rules.js';

export interface ValveState {
  open: boolean;
  /** Seconds left in the current run (fractional inside the model, whole seconds when reported). */
  remainingS: number;
  runId?: string;
  totalLiters: number;
  flowLpm: number;
  pressureBar: number;
  /** This valve's flow at nominal pressure: emitters and nozzles differ from one line to the next. */
  nominalLpm: number;
}

const NOMINAL_BAR = 2.3;

/** Line pressure while open, and the flow it drives (orifice flow goes with the square root of pressure). */
function flowing(s: ValveState, rng: { normal(m: number, sd: number): number }) {
  const pressureBar = clamp(rng.normal(NOMINAL_BAR, 0.2), 1.5, 3);
  const flowLpm = Math.max(0, s.nominalLpm * Math.sqrt(pressureBar / NOMINAL_BAR) * (1 + rng.normal(0, 0.02)));
  return { pressureBar, flowLpm };
}

const closed = (s: ValveState): ValveState => {
  const { runId: _, ...rest } = s;
  return { ...rest, open: false, remainingS: 0, flowLpm: 0, pressureBar: 0 };
};

export const irrigationValveSim: SimModel<ValveState, ValveConfig> = {
  init(device, rng) {
    const sprinkler = device.attributes.kind === 'sprinkler';
    return {
      open: false,
      remainingS: 0,
      // A meter installed some seasons ago: not zero, but monotonic from here on.
      totalLiters: round(rng.next() * 20000, 1),
      flowLpm: 0,
      pressureBar: 0,
      nominalLpm: sprinkler ? 40 + 40 * rng.next() : 8 + 12 * rng.next(),
    };
  },

  step(s, { dtS, rng, config }) {
    if (!s.open) return { state: s };
    // A lowered maxRunS also bounds a run already in progress: it is a fail-safe limit.
    const remaining = Math.min(s.remainingS, config.maxRunS);
    const runS = Math.min(dtS, remaining);
    const { pressureBar, flowLpm } = flowing(s, rng);
    const next: ValveState = {
      ...s,
      totalLiters: s.totalLiters + (flowLpm * runS) / 60,
      remainingS: remaining - dtS,
      flowLpm,
      pressureBar,
    };
    return { state: next.remainingS <= 0 ? closed(next) : next };
  },

  reading(s) {
    return {
      flowLpm: round(s.flowLpm, 1),
      totalLiters: round(s.totalLiters, 1),
      pressureBar: round(s.pressureBar, 2),
    };
  },

  reported(s) {
    return { open: s.open, remainingS: Math.ceil(s.remainingS), ...(s.runId !== undefined && { runId: s.runId }) };
  },

  command(s, cmd, { config }) {
    const refusal = valveRefusal(cmd, config);
    if (refusal) return { state: s, status: 'rejected', reason: refusal };
    if (cmd.action === 'close') return { state: closed(s), status: 'applied' };
    if (cmd.action === 'open') {
      const { durationS, runId } = cmd.params as { durationS: number; runId?: string };
      // A new open while running restarts the timer: the latest instruction is the one in force.
      const { runId: _, ...rest } = s;
      const opened: ValveState = {
        ...rest,
        open: true,
        remainingS: durationS,
        ...(runId !== undefined && { runId }),
        // Water reaches the meter within a second; show it at once rather than at the next step.
        flowLpm: s.open ? s.flowLpm : s.nominalLpm,
        pressureBar: s.open ? s.pressureBar : NOMINAL_BAR,
      };
      return { state: opened, status: 'applied' };
    }
    return { state: s, status: 'rejected', reason: `unknown action ${cmd.action}` };
  },

  onPlaneLost(s, config) {
    return config.closeOnOffline && s.open ? closed(s) : s;
  },
};
