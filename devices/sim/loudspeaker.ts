// A loudspeaker cluster (cụm loa) on the commune's public-address system.
//
// Preemption (PROTOCOL.md leaves equal priorities open; decided here):
// - an emergency preempts anything playing, another emergency included: the latest emergency is
//   the one people need to hear;
// - otherwise a strictly higher priority preempts a lower one ("priority" over "normal");
// - an equal or lower priority is rejected with reason "busy" (normal over normal: the plane
//   queues or retries, the device never cuts a broadcast short for a peer);
// - a play of the broadcast already on air is applied without restarting it (a re-sent command).
// The preempted broadcast is reported as event "failed" with reason "preempted"; a broadcast that
// runs to its end, or is stopped, is reported "finished".
import type { SimModel } from '../define.js';
import { hash32, happens } from './util.js';

export type Priority = 'normal' | 'priority' | 'emergency';
const RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

export interface SpeakerState {
  playing: boolean;
  broadcastId?: string;
  priority?: Priority;
  remainingS: number;
  /** What the amplifier is set to now. */
  volumePct: number;
  /** Set by setVolume; until then the config's default applies. */
  baseVolumePct?: number;
  /** The volume the current broadcast asked for. */
  playVolumePct?: number;
  amplifierOk: boolean;
}

export interface SpeakerConfig {
  defaultVolumePct: number;
  maxPlayS: number;
}

/** About one amplifier fault per two years. */
const AMP_FAULT_RATE_PER_S = 1 / (2 * 365 * 86400);

/** The simulated length of a broadcast: 30..120 s, the same every time for the same id. */
export function playDurationS(broadcastId: string, maxPlayS: number): number {
  return Math.min(maxPlayS, 30 + (hash32(broadcastId) % 91));
}

export function preempts(incoming: Priority, current: Priority): boolean {
  return incoming === 'emergency' || RANK[incoming] > RANK[current];
}

const idle = (s: SpeakerState, config: SpeakerConfig): SpeakerState => {
  const { broadcastId: _b, priority: _p, playVolumePct: _v, ...rest } = s;
  return { ...rest, playing: false, remainingS: 0, volumePct: s.baseVolumePct ?? config.defaultVolumePct };
};

const event = (broadcastId: string, e: 'started' | 'finished' | 'failed', reason?: string) => ({
  broadcastId,
  event: e,
  ...(reason !== undefined && { reason }),
});

export const loudspeakerSim: SimModel<SpeakerState, SpeakerConfig> = {
  init() {
    return { playing: false, remainingS: 0, volumePct: 70, amplifierOk: true };
  },

  step(s, { dtS, rng, config }) {
    const events: Record<string, unknown>[] = [];
    let next: SpeakerState = { ...s };
    if (next.amplifierOk && happens(rng.next(), AMP_FAULT_RATE_PER_S, dtS)) {
      next.amplifierOk = false;
      if (next.playing && next.broadcastId) events.push(event(next.broadcastId, 'failed', 'amplifier fault'));
      next = idle(next, config);
    }
    if (next.playing) {
      next.remainingS -= dtS;
      if (next.remainingS <= 0) {
        if (next.broadcastId) events.push(event(next.broadcastId, 'finished'));
        next = idle(next, config);
      }
    } else {
      next.volumePct = next.baseVolumePct ?? config.defaultVolumePct;
    }
    return events.length ? { state: next, events } : { state: next };
  },

  reading(s) {
    return { volumePct: s.volumePct, amplifierOk: s.amplifierOk, playing: s.playing };
  },

  reported(s) {
    return {
      playing: s.playing,
      ...(s.broadcastId !== undefined && { broadcastId: s.broadcastId }),
      ...(s.priority !== undefined && { priority: s.priority }),
    };
  },

  command(s, cmd, { config }) {
    switch (cmd.action) {
      case 'play': {
        const p = cmd.params as { broadcastId: string; priority: Priority; volumePct?: number };
        if (!s.amplifierOk) return { state: s, status: 'rejected', reason: 'amplifier fault' };
        const events: Record<string, unknown>[] = [];
        if (s.playing && s.broadcastId !== undefined && s.priority !== undefined) {
          if (s.broadcastId === p.broadcastId) return { state: s, status: 'applied' };
          if (!preempts(p.priority, s.priority)) return { state: s, status: 'rejected', reason: 'busy' };
          events.push(event(s.broadcastId, 'failed', 'preempted'));
        }
        const playVolumePct = p.volumePct ?? s.baseVolumePct ?? config.defaultVolumePct;
        events.push(event(p.broadcastId, 'started'));
        return {
          state: {
            ...s,
            playing: true,
            broadcastId: p.broadcastId,
            priority: p.priority,
            remainingS: playDurationS(p.broadcastId, config.maxPlayS),
            playVolumePct,
            volumePct: playVolumePct,
          },
          status: 'applied',
          events,
        };
      }
      case 'stop': {
        const { broadcastId } = cmd.params as { broadcastId?: string };
        // Stopping something that is not on air leaves the device as asked: applied, nothing to do.
        if (!s.playing || !s.broadcastId || (broadcastId !== undefined && broadcastId !== s.broadcastId)) {
          return { state: s, status: 'applied' };
        }
        return { state: idle(s, config), status: 'applied', events: [event(s.broadcastId, 'finished', 'stopped')] };
      }
      case 'setVolume': {
        const { volumePct } = cmd.params as { volumePct: number };
        // The knob turned during a broadcast applies to it too.
        return {
          state: { ...s, baseVolumePct: volumePct, volumePct, ...(s.playing && { playVolumePct: volumePct }) },
          status: 'applied',
        };
      }
      default:
        return { state: s, status: 'rejected', reason: `unknown action ${cmd.action}` };
    }
  },
};
