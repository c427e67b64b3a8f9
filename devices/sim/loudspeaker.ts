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
//
// Audio. As real clusters do, a play first downloads its audioUrl (unless the play would be refused
// anyway) and then plays it for its real length, capped at maxPlayS. A download that fails is
// rejected "audio unavailable: …", a file that cannot be decoded "audio unplayable: …". Without a
// download (the bare model, in unit tests) a play lasts playDurationS.
import { parseBuffer } from 'music-metadata';
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
  /** The audio of the broadcast on air, or of the last one: what the speaker downloaded. */
  audioBytes?: number;
  audioDurationS?: number;
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

type Play = { broadcastId: string; audioUrl: string; priority: Priority; volumePct?: number };

/** What a play does to the speaker as it is: refused, nothing (already on air), or a start. */
function admit(s: SpeakerState, p: Play): { reject: string } | 'on-air' | 'start' {
  if (!s.amplifierOk) return { reject: 'amplifier fault' };
  if (s.playing && s.broadcastId !== undefined && s.priority !== undefined) {
    if (s.broadcastId === p.broadcastId) return 'on-air';
    if (!preempts(p.priority, s.priority)) return { reject: 'busy' };
  }
  return 'start';
}

/** A download as long as this is given up on. */
const FETCH_TIMEOUT_MS = 10_000;

/** Downloads a play's audio and reads its length, as the cluster's player would before starting. */
async function fetchAudio(url: string, signal: AbortSignal): Promise<{ prepared: Record<string, unknown> } | { reject: string }> {
  let bytes: Buffer;
  try {
    const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]) });
    if (!res.ok) {
      await res.body?.cancel();
      return { reject: `audio unavailable: HTTP ${res.status}` };
    }
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    // fetch() says only "fetch failed"; the cause says why (ECONNREFUSED, a bad name).
    const err = e as Error & { cause?: { message?: string } };
    return { reject: `audio unavailable: ${err.cause?.message ?? err.message}` };
  }
  try {
    const { duration } = (await parseBuffer(bytes, undefined, { duration: true, skipCovers: true })).format;
    if (duration === undefined || !(duration > 0)) return { reject: 'audio unplayable: no sound in the file' };
    return { prepared: { audioDurationS: duration, audioBytes: bytes.length } };
  } catch (e) {
    return { reject: `audio unplayable: ${(e as Error).message}` };
  }
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

  async prepare(s, cmd, { signal }) {
    if (cmd.action !== 'play') return {};
    const p = cmd.params as Play;
    // A play refused anyway, or already on air, needs no download: command() answers it.
    if (admit(s, p) !== 'start') return {};
    return fetchAudio(p.audioUrl, signal);
  },

  command(s, cmd, { config, prepared }) {
    switch (cmd.action) {
      case 'play': {
        const p = cmd.params as Play;
        const verdict = admit(s, p);
        if (verdict === 'on-air') return { state: s, status: 'applied' };
        if (verdict !== 'start') return { state: s, status: 'rejected', reason: verdict.reject };
        const events: Record<string, unknown>[] = [];
        if (s.playing && s.broadcastId !== undefined) events.push(event(s.broadcastId, 'failed', 'preempted'));
        const playVolumePct = p.volumePct ?? s.baseVolumePct ?? config.defaultVolumePct;
        events.push(event(p.broadcastId, 'started'));
        const audio = prepared as { audioDurationS: number; audioBytes: number } | undefined;
        const { audioBytes: _b, audioDurationS: _d, ...rest } = s;
        return {
          state: {
            ...rest,
            playing: true,
            broadcastId: p.broadcastId,
            priority: p.priority,
            remainingS: audio ? Math.min(config.maxPlayS, audio.audioDurationS) : playDurationS(p.broadcastId, config.maxPlayS),
            playVolumePct,
            volumePct: playVolumePct,
            ...(audio && { audioBytes: audio.audioBytes, audioDurationS: audio.audioDurationS }),
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
