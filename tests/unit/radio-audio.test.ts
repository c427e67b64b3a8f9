// The audio store on real parts: espeak-ng speaks, music-metadata reads the bytes, files land in a
// temp dir. Refused files must leave nothing behind.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioError, AudioStore, type AudioStoreOptions } from '../../controller/radio/audio.js';
import { MP3_FRAME_S, pcmWav, silentMp3 } from '../helpers/audio.js';

const SENTENCE = 'Thông báo: ngày mai xã tổ chức tiêm phòng cho gia súc.';
const silent = pino({ level: 'silent' });

let root: string;
const stores: AudioStore[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'radio-audio-'));
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.stop()));
  await rm(root, { recursive: true, force: true });
});

async function store(o: Partial<AudioStoreOptions> = {}): Promise<AudioStore> {
  const s = new AudioStore({ dir: join(root, `s${stores.length}`), log: silent, ...o });
  stores.push(s);
  await s.start();
  return s;
}

/** The AudioError a call fails with (the test fails if it succeeds or throws anything else). */
async function refusal(p: Promise<unknown>): Promise<AudioError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AudioError);
  return e as AudioError;
}

describe('text to speech', () => {
  let s: AudioStore;
  beforeAll(async () => {
    s = await store();
  });

  it('speaks Vietnamese into a stored WAV whose info matches its bytes', async () => {
    const info = await s.tts(SENTENCE);
    expect(info).toMatchObject({ format: 'wav', source: 'tts' });
    expect(info.file).toMatch(/^[0-9a-f]{24}\.wav$/);
    expect(info.durationS).toBeGreaterThan(0.5);
    const bytes = await readFile(s.path(info.file)!);
    expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(bytes.toString('latin1', 8, 12)).toBe('WAVE');
    expect(bytes.length).toBe(info.bytes);
    // espeak-ng writes 16-bit mono at 22050 Hz behind a 44-byte header.
    expect(info.durationS).toBeCloseTo((bytes.length - 44) / (22050 * 2), 3);
    expect(await s.info(info.file)).toEqual(info);
    expect(JSON.parse(await readFile(`${s.path(info.file)}.json`, 'utf8'))).toEqual(info);
  });

  it('stores the same text once, and a slower voice as a longer file', async () => {
    const a = await s.tts(SENTENCE);
    const b = await s.tts(`  ${SENTENCE}\n`);
    expect(b).toEqual(a);
    const slow = await s.tts(SENTENCE, { wordsPerMinute: 100 });
    expect(slow.file).not.toBe(a.file);
    expect(slow.durationS).toBeGreaterThan(a.durationS);
    expect((await readdir(s.dir)).filter((f) => !f.endsWith('.json')).sort()).toEqual([a.file, slow.file].sort());
  });

  it('refuses empty text and text over the limit', async () => {
    for (const text of ['', '   \n ']) {
      const e = await refusal(s.tts(text));
      expect([e.code, e.status]).toEqual(['invalid-text', 400]);
    }
    const long = await refusal(s.tts('a'.repeat(5001)));
    expect([long.code, long.status]).toEqual(['invalid-text', 400]);
    expect(long.message).toContain('5000');
    // The boundary itself, on a store with a small limit.
    const small = await store({ limits: { maxTextChars: 20 } });
    expect((await small.tts('Xin chào bà con xã.')).durationS).toBeGreaterThan(0);
    expect((await refusal(small.tts('Xin chào bà con xã ạ.'))).code).toBe('invalid-text');
  });

  it('says espeak-ng is missing, and how to install it', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const s2 = await store({ log, espeak: { bin: join(root, 'no-such-espeak-ng') } });
    expect(lines.some((l) => String(l.msg).includes('apt-get install espeak-ng'))).toBe(true);
    const e = await refusal(s2.tts(SENTENCE));
    expect([e.code, e.status]).toEqual(['tts-unavailable', 503]);
    expect(e.message).toContain('apt-get install espeak-ng');
  });

  it('fails a synthesis that runs past its timeout, leaving no file', async () => {
    const s3 = await store({ espeak: { timeoutMs: 1 } });
    const e = await refusal(s3.tts(SENTENCE));
    expect([e.code, e.status]).toEqual(['tts-failed', 500]);
    expect(e.message).toMatch(/longer than/);
    expect(await readdir(s3.dir)).toEqual([]);
  });

  it('reports espeak-ng failing, with what it said', async () => {
    const s4 = await store({ espeak: { voice: 'zzq' } });
    const e = await refusal(s4.tts(SENTENCE));
    expect([e.code, e.status]).toEqual(['tts-failed', 500]);
    expect(e.message).toMatch(/voice does not exist/);
  });
});

describe('uploads', () => {
  it('accepts the speech WAV as an upload, named by its content', async () => {
    const speaker = await store();
    const speech = await speaker.tts(SENTENCE);
    const bytes = await readFile(speaker.path(speech.file)!);
    const s = await store();
    const info = await s.upload(bytes, { filename: 'ghi-am.wav', mimeType: 'audio/wav' });
    expect(info).toEqual({ ...speech, source: 'upload' });
    expect(await s.info(info.file)).toEqual(info);
    // Again: the same file, nothing new.
    expect(await s.upload(Buffer.from(bytes))).toEqual(info);
    expect(await readdir(s.dir)).toEqual([info.file, `${info.file}.json`].sort());
  });

  it('reads the type from the bytes: an MP3 named .wav is stored as MP3', async () => {
    const s = await store();
    const mp3 = silentMp3(100);
    const info = await s.upload(mp3, { filename: 'ban-tin.wav', mimeType: 'audio/wav' });
    expect(info).toMatchObject({ format: 'mp3', bytes: mp3.length, source: 'upload' });
    expect(info.file).toMatch(/^[0-9a-f]{24}\.mp3$/);
    expect(info.durationS).toBeCloseTo(100 * MP3_FRAME_S, 2);
    expect((await readFile(s.path(info.file)!)).equals(mp3)).toBe(true);
  });

  it('refuses what is not PCM WAV or MP3, naming what it found, and stores nothing', async () => {
    const s = await store();
    const wav = pcmWav(2);
    const float = Buffer.from(wav);
    float.writeUInt16LE(3, 20); // IEEE float samples
    const cases: [string, Buffer, RegExp][] = [
      ['png', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex'), Buffer.alloc(200)]), /image\/png/],
      ['text', Buffer.from('Thông báo: đây không phải là âm thanh.\n'.repeat(40)), /not audio/],
      ['wav cut in its header', wav.subarray(0, 20), /truncated|damaged/],
      ['wav header only', wav.subarray(0, 44), /truncated/],
      ['wav cut in its data', wav.subarray(0, 5000), /truncated/],
      ['float wav', float, /IEEE_FLOAT/],
      ['mp3 cut after a frame', silentMp3(2).subarray(0, 600), /length cannot be read/],
      ['zeros', Buffer.alloc(4096), /not audio/],
    ];
    for (const [name, bytes, why] of cases) {
      const e = await refusal(s.upload(bytes, { filename: 'a.mp3', mimeType: 'audio/mpeg' }));
      expect([name, e.code, e.status]).toEqual([name, 'unsupported', 400]);
      expect(e.message, name).toMatch(why);
      expect(e.message, name).toContain('WAV (PCM) or MP3');
    }
    expect(await readdir(s.dir)).toEqual([]);
  });

  it('refuses an empty file, one over the size limit (413), too short or too long, with both lengths', async () => {
    const s = await store({ limits: { maxBytes: 50_000, maxDurationS: 2 } });
    const empty = await refusal(s.upload(Buffer.alloc(0)));
    expect([empty.code, empty.status]).toEqual(['empty', 400]);
    const big = await refusal(s.upload(pcmWav(4)));
    expect([big.code, big.status]).toEqual(['too-large', 413]);
    expect(big.message).toMatch(/48\.8 KB/);
    const long = await refusal(s.upload(pcmWav(2.5)));
    expect([long.code, long.status]).toEqual(['too-long', 400]);
    expect(long.message).toBe('audio is 2.5 s long; the limit is 2 s');
    const short = await refusal(s.upload(pcmWav(0.2)));
    expect([short.code, short.status]).toEqual(['too-short', 400]);
    expect(short.message).toContain('0.5 s');
    expect(await readdir(s.dir)).toEqual([]);
    // Within every limit: stored.
    expect((await s.upload(pcmWav(1.5))).durationS).toBeCloseTo(1.5, 6);
  });
});

describe('names', () => {
  it('gives a path only for a well-formed name, and no info for an unknown one', async () => {
    const s = await store();
    for (const bad of ['../x', 'abc.wav', '../../etc/passwd', `${'A'.repeat(24)}.wav`, `${'a'.repeat(24)}.ogg`, `${'a'.repeat(24)}.wav.json`, `/${'a'.repeat(24)}.wav`]) {
      expect(s.path(bad), bad).toBeUndefined();
      expect(await s.info(bad), bad).toBeUndefined();
    }
    const name = `${'0123456789abcdef'.repeat(2).slice(0, 24)}.mp3`;
    expect(s.path(name)).toBe(join(s.dir, name));
    expect(await s.info(name)).toBeUndefined();
  });
});
