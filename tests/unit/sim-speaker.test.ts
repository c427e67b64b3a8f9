import { describe, expect, it } from 'vitest';
import { loudspeakerSim as sim, playDurationS, type SpeakerState } from '../../devices/sim/loudspeaker.js';
import { loudspeaker } from '../../devices/types/loudspeaker.js';
import { dev, envAt, steadyRng } from './sim-helpers.js';

const config = { defaultVolumePct: 70, maxPlayS: 1800 };
const env = envAt(new Date('2025-06-15T00:00:00Z'));
const speaker = dev({ id: 'speaker-01' });

const play = (s: SpeakerState, broadcastId: string, priority: string, volumePct?: number) =>
  sim.command!(s, { action: 'play', params: { broadcastId, audioUrl: `http://x/${broadcastId}.mp3`, priority, ...(volumePct !== undefined && { volumePct }) } }, { config, env });

describe('loudspeaker model', () => {
  const idle = sim.init(speaker, steadyRng, env);

  it('starts a broadcast and reports it started, then finished when it ends', () => {
    const r = play(idle, 'news-1', 'normal', 80);
    expect(r.status).toBe('applied');
    expect(r.events).toEqual([{ broadcastId: 'news-1', event: 'started' }]);
    expect(sim.reported!(r.state)).toEqual({ playing: true, broadcastId: 'news-1', priority: 'normal' });
    expect(sim.reading(r.state, { env, rng: steadyRng, device: speaker })).toEqual({ volumePct: 80, amplifierOk: true, playing: true });
    for (const e of r.events ?? []) expect(loudspeaker.events!.safeParse(e).success).toBe(true);

    const d = playDurationS('news-1', config.maxPlayS);
    expect(d).toBeGreaterThanOrEqual(30);
    expect(d).toBeLessThanOrEqual(120);
    const mid = sim.step(r.state, { env, dtS: d - 1, rng: steadyRng, config, device: speaker });
    expect(mid.events).toBeUndefined();
    const end = sim.step(mid.state, { env, dtS: 1, rng: steadyRng, config, device: speaker });
    expect(end.events).toEqual([{ broadcastId: 'news-1', event: 'finished' }]);
    expect(sim.reported!(end.state)).toEqual({ playing: false });
    expect(end.state.volumePct).toBe(70);
  });

  it('lets an emergency preempt a normal broadcast, and rejects a normal one while it plays', () => {
    const normal = play(idle, 'news-1', 'normal').state;
    const em = play(normal, 'flood-1', 'emergency');
    expect(em.status).toBe('applied');
    expect(em.events).toEqual([
      { broadcastId: 'news-1', event: 'failed', reason: 'preempted' },
      { broadcastId: 'flood-1', event: 'started' },
    ]);
    const busy = play(em.state, 'news-2', 'normal');
    expect(busy).toMatchObject({ status: 'rejected', reason: 'busy' });
    expect(busy.state).toBe(em.state);
    expect(play(em.state, 'notice-1', 'priority')).toMatchObject({ status: 'rejected', reason: 'busy' });
    // The latest emergency wins.
    const em2 = play(em.state, 'flood-2', 'emergency');
    expect(em2.status).toBe('applied');
    expect(sim.reported!(em2.state)).toMatchObject({ broadcastId: 'flood-2', priority: 'emergency' });
  });

  it('rejects a peer of equal normal priority, lets a higher one in, and re-applies the same broadcast', () => {
    const normal = play(idle, 'news-1', 'normal').state;
    expect(play(normal, 'news-2', 'normal')).toMatchObject({ status: 'rejected', reason: 'busy' });
    expect(play(normal, 'notice-1', 'priority').status).toBe('applied');
    const again = play(normal, 'news-1', 'normal');
    expect(again.status).toBe('applied');
    expect(again.events).toBeUndefined();
    expect(again.state.remainingS).toBe(normal.remainingS);
  });

  it('stops only the broadcast named, and sets the volume', () => {
    const s = play(idle, 'news-1', 'normal').state;
    const other = sim.command!(s, { action: 'stop', params: { broadcastId: 'news-9' } }, { config, env });
    expect(other.state.playing).toBe(true);
    const stopped = sim.command!(s, { action: 'stop', params: { broadcastId: 'news-1' } }, { config, env });
    expect(stopped.state.playing).toBe(false);
    expect(stopped.events).toEqual([{ broadcastId: 'news-1', event: 'finished', reason: 'stopped' }]);
    const v = sim.command!(idle, { action: 'setVolume', params: { volumePct: 40 } }, { config, env }).state;
    expect(sim.reading(v, { env, rng: steadyRng, device: speaker }).volumePct).toBe(40);
    expect(play(v, 'news-3', 'normal').state.volumePct).toBe(40);
  });

  it('plays downloaded audio for its own length, capped at maxPlayS, and keeps what it fetched', () => {
    const cmd = { action: 'play', params: { broadcastId: 'news-1', audioUrl: 'http://x/a.wav', priority: 'normal' } };
    const r = sim.command!(idle, cmd, { config, env, prepared: { audioDurationS: 12.25, audioBytes: 540_000 } });
    expect(r.state).toMatchObject({ playing: true, remainingS: 12.25, audioDurationS: 12.25, audioBytes: 540_000 });
    const capped = sim.command!(idle, cmd, { config: { ...config, maxPlayS: 10 }, env, prepared: { audioDurationS: 12.25, audioBytes: 540_000 } });
    expect(capped.state.remainingS).toBe(10);
    // What was fetched stays readable after the broadcast ends.
    const end = sim.step(r.state, { env, dtS: 12.25, rng: steadyRng, config, device: speaker });
    expect(end.events).toEqual([{ broadcastId: 'news-1', event: 'finished' }]);
    expect(end.state).toMatchObject({ playing: false, audioBytes: 540_000 });
  });

  it('downloads nothing for a play it would refuse or that is already on air', async () => {
    const signal = new AbortController().signal;
    // Nothing listens on port 9 of 127.0.0.1: a download would come back as a rejection.
    const url = (id: string) => ({ broadcastId: id, audioUrl: 'http://127.0.0.1:9/a.wav', priority: 'normal' });
    const busy = play(idle, 'news-1', 'priority').state;
    expect(await sim.prepare!(busy, { action: 'play', params: url('news-2') }, { config, signal })).toEqual({});
    expect(await sim.prepare!(busy, { action: 'play', params: url('news-1') }, { config, signal })).toEqual({});
    expect(await sim.prepare!({ ...idle, amplifierOk: false }, { action: 'play', params: url('news-2') }, { config, signal })).toEqual({});
    expect(await sim.prepare!(idle, { action: 'stop', params: {} }, { config, signal })).toEqual({});
    const fetched = await sim.prepare!(idle, { action: 'play', params: url('news-2') }, { config, signal });
    expect(fetched).toMatchObject({ reject: expect.stringMatching(/^audio unavailable: /) });
  });
});
