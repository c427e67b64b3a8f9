// Bulletin audio: speech made by espeak-ng and uploaded files. A file's type is read from its bytes
// (music-metadata), never from its name, and only what a speaker plays is kept: PCM WAV and MP3.
// Files are stored by content hash, with a JSON sidecar holding their AudioInfo.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseBuffer } from 'music-metadata';
import type { Logger } from 'pino';
import { z } from 'zod';
import { writeFileAtomic } from '../config/atomic.js';
import { DomainError } from '../errors.js';

export interface AudioInfo {
  file: string;
  format: 'wav' | 'mp3';
  durationS: number;
  bytes: number;
  source: 'tts' | 'upload';
}

export type AudioErrorCode = 'unsupported' | 'too-large' | 'too-long' | 'too-short' | 'empty' | 'invalid-text' | 'tts-unavailable' | 'tts-failed';

/** A refusal the API answers as is: `status` is the HTTP status, `code` what the page translates. */
export class AudioError extends DomainError {
  constructor(
    override readonly code: AudioErrorCode,
    message: string,
    status: number,
  ) {
    super(code, message, status);
  }
}

export interface AudioLimits {
  maxBytes: number;
  maxDurationS: number;
  minDurationS: number;
  maxTextChars: number;
}

export const DEFAULT_AUDIO_LIMITS: AudioLimits = { maxBytes: 20 * 1024 * 1024, maxDurationS: 1800, minDurationS: 0.5, maxTextChars: 5000 };

export interface AudioStoreOptions {
  dir: string;
  log: Logger;
  limits?: Partial<AudioLimits>;
  espeak?: { bin?: string; voice?: string; wordsPerMinute?: number; timeoutMs?: number };
}

const FILE = /^[0-9a-f]{24}\.(wav|mp3)$/;
const ACCEPTED = 'accepted: WAV (PCM) or MP3';
/** espeak-ng's usable speech rates. */
const WPM = { min: 80, max: 450 };

const Sidecar = z.object({
  file: z.string().regex(FILE),
  format: z.enum(['wav', 'mp3']),
  durationS: z.number().positive(),
  bytes: z.number().int().positive(),
  source: z.enum(['tts', 'upload']),
});

/** An options object without its undefined members, so they do not override the defaults. */
const defined = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
const seconds = (s: number) => (s < 10 ? s.toFixed(1) : String(Math.round(s)));
const byteSize = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`);
const unsupported = (what: string) => new AudioError('unsupported', `${what}; ${ACCEPTED}`, 400);

interface Wav {
  pcm: boolean;
  formatTag: number;
  durationS: number;
  truncated: boolean;
}

/**
 * Reads a WAV's fmt and data chunks. Duration counts only the sample bytes present, and a data
 * chunk that declares more than the file holds is truncated (0xFFFFFFFF: a streaming writer's
 * "unknown length", running to the end). WAVE_FORMAT_EXTENSIBLE counts as PCM when its subformat is.
 */
function readWav(b: Buffer): Wav | undefined {
  let fmt: { tag: number; byteRate: number } | undefined;
  for (let off = 12; off + 8 <= b.length; ) {
    const id = b.toString('latin1', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= b.length) {
      let tag = b.readUInt16LE(body);
      if (tag === 0xfffe && size >= 40 && body + 26 <= b.length) tag = b.readUInt16LE(body + 24);
      fmt = { tag, byteRate: b.readUInt32LE(body + 8) };
    } else if (id === 'data') {
      if (!fmt || fmt.byteRate === 0) return undefined;
      const present = Math.min(size, b.length - body);
      return { pcm: fmt.tag === 1, formatTag: fmt.tag, durationS: present / fmt.byteRate, truncated: size !== 0xffffffff && size > present };
    }
    off = body + size + (size % 2); // chunks are word-aligned
  }
  return undefined;
}

export class AudioStore {
  readonly dir: string;
  readonly limits: AudioLimits;
  private readonly log: Logger;
  private readonly espeak: { bin: string; voice: string; wordsPerMinute: number; timeoutMs: number };
  private readonly children = new Set<ChildProcess>();
  private espeakOk: Promise<boolean> | undefined;

  constructor(o: AudioStoreOptions) {
    this.dir = resolve(o.dir);
    this.log = o.log;
    this.limits = { ...DEFAULT_AUDIO_LIMITS, ...defined(o.limits) };
    this.espeak = { bin: 'espeak-ng', voice: 'vi', wordsPerMinute: 140, timeoutMs: 60_000, ...defined(o.espeak) };
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    if (!(await this.espeakAvailable())) {
      this.log.warn({ bin: this.espeak.bin }, 'espeak-ng does not run: text bulletins are off until it is installed (apt-get install espeak-ng)');
    }
  }

  async stop(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    this.children.clear();
  }

  /** The absolute path of a stored file's name, or undefined for anything that is not one (no traversal). */
  path(file: string): string | undefined {
    return FILE.test(file) ? join(this.dir, file) : undefined;
  }

  async info(file: string): Promise<AudioInfo | undefined> {
    const p = this.path(file);
    if (!p) return undefined;
    try {
      const info = Sidecar.safeParse(JSON.parse(await readFile(`${p}.json`, 'utf8')));
      if (info.success && info.data.file === file) return info.data;
      this.log.warn({ file }, 'audio sidecar invalid');
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ err: e, file }, 'audio sidecar unreadable');
      return undefined;
    }
  }

  /** Speaks Vietnamese text into a WAV. Text goes to espeak-ng on stdin, never on its command line. */
  async tts(text: string, opts: { wordsPerMinute?: number } = {}): Promise<AudioInfo> {
    // NFC: text typed on some keyboards arrives decomposed, which espeak-ng reads letter by letter.
    const t = text.normalize('NFC').trim();
    if (!t) throw new AudioError('invalid-text', 'the text is empty: write what the bulletin says', 400);
    if (t.length > this.limits.maxTextChars) {
      throw new AudioError('invalid-text', `the text is ${t.length} characters long; the limit is ${this.limits.maxTextChars}`, 400);
    }
    if (!(await this.espeakAvailable())) {
      throw new AudioError('tts-unavailable', 'text to speech is not available on this server: install espeak-ng (apt-get install espeak-ng)', 503);
    }
    const wpm = Math.round(Math.min(WPM.max, Math.max(WPM.min, opts.wordsPerMinute ?? this.espeak.wordsPerMinute)));
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tts-${randomBytes(6).toString('hex')}.wav`);
    try {
      await this.speak(t, wpm, tmp);
      const data = await readFile(tmp);
      // The byte limit guards uploads; speech is bounded by its text.
      return await this.store(data, 'tts', 0);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Checks an uploaded file by its bytes and stores it; the name and MIME type are only for the log. */
  async upload(data: Buffer, hint: { filename?: string; mimeType?: string } = {}): Promise<AudioInfo> {
    if (data.length === 0) throw new AudioError('empty', `the file is empty; ${ACCEPTED}`, 400);
    if (data.length > this.limits.maxBytes) {
      throw new AudioError('too-large', `the file is ${byteSize(data.length)}; the limit is ${byteSize(this.limits.maxBytes)}`, 413);
    }
    try {
      const info = await this.store(data, 'upload', this.limits.minDurationS);
      this.log.info({ file: info.file, durationS: info.durationS, bytes: info.bytes, ...hint }, 'audio uploaded');
      return info;
    } catch (e) {
      if (e instanceof AudioError) this.log.info({ code: e.code, reason: e.message, bytes: data.length, ...hint }, 'audio refused');
      throw e;
    }
  }

  // ---- Internals ---------------------------------------------------------------------------------

  private espeakAvailable(): Promise<boolean> {
    this.espeakOk ??= new Promise((ok) => {
      const child = spawn(this.espeak.bin, ['--version'], { stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('error', () => (clearTimeout(timer), ok(false)));
      child.on('close', (code) => (clearTimeout(timer), ok(code === 0)));
    });
    return this.espeakOk;
  }

  private speak(text: string, wpm: number, out: string): Promise<void> {
    const { bin, voice, timeoutMs } = this.espeak;
    return new Promise((done, fail) => {
      const child = spawn(bin, ['-v', voice, '-s', String(wpm), '-w', out, '--stdin'], { stdio: ['pipe', 'ignore', 'pipe'] });
      this.children.add(child);
      let stderr = '';
      let timedOut = false;
      child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(0, 2000)));
      const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        this.children.delete(child);
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        if (missing) this.espeakOk = undefined; // look again next time: it may be installed by then
        fail(
          missing
            ? new AudioError('tts-unavailable', 'text to speech is not available on this server: install espeak-ng (apt-get install espeak-ng)', 503)
            : new AudioError('tts-failed', `espeak-ng did not start: ${err.message}`, 500),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (code === 0) return done();
        const why = timedOut ? `took longer than ${timeoutMs / 1000} s` : signal ? `was stopped (${signal})` : `exited with ${code}`;
        fail(new AudioError('tts-failed', `speech synthesis failed: espeak-ng ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`, 500));
      });
      // A child that dies early closes its stdin; the close handler reports why.
      child.stdin.on('error', () => {});
      child.stdin.end(text, 'utf8');
    });
  }

  /** What the bytes are and how long they play, or an AudioError saying why they are refused. */
  private async probe(data: Buffer): Promise<{ format: AudioInfo['format']; durationS: number | undefined }> {
    let found: { container?: string; codec?: string; duration?: number };
    try {
      // No name or MIME hint: with one, music-metadata would read plain text as an MPEG stream.
      found = (await parseBuffer(data, undefined, { duration: true, skipCovers: true })).format;
    } catch (e) {
      const guessed = /MIME-type not supported: (\S+)/.exec((e as Error).message)?.[1];
      throw unsupported(guessed ? `the file is ${guessed}` : 'the file is not audio in a format this server knows, or it is damaged');
    }
    if (found.container === 'WAVE') {
      const wav = readWav(data);
      if (!wav) throw unsupported('the WAV file is truncated or damaged: it has no complete fmt and data chunks');
      if (!wav.pcm) throw unsupported(`the WAV file holds ${found.codec ?? `format ${wav.formatTag}`}, not PCM`);
      if (wav.truncated) throw unsupported('the WAV file is truncated: its data chunk is shorter than its header says');
      return { format: 'wav', durationS: wav.durationS };
    }
    if (found.container === 'MPEG' && /Layer 3$/.test(found.codec ?? '')) return { format: 'mp3', durationS: found.duration };
    const what = [found.container, found.codec].filter(Boolean).join(' ');
    throw unsupported(what ? `the file is ${what}` : 'the file is not audio in a format this server knows');
  }

  private async store(data: Buffer, source: AudioInfo['source'], minDurationS: number): Promise<AudioInfo> {
    const { format, durationS } = await this.probe(data);
    if (durationS === undefined || !Number.isFinite(durationS)) throw unsupported(`the ${format.toUpperCase()} file's length cannot be read (no audio frames found)`);
    if (!(durationS > 0)) throw new AudioError('too-short', 'the audio holds no sound', 400);
    if (durationS < minDurationS) throw new AudioError('too-short', `audio is ${seconds(durationS)} s long; the minimum is ${minDurationS} s`, 400);
    if (durationS > this.limits.maxDurationS) {
      throw new AudioError('too-long', `audio is ${seconds(durationS)} s long; the limit is ${this.limits.maxDurationS} s`, 400);
    }
    const file = `${createHash('sha256').update(data).digest('hex').slice(0, 24)}.${format}`;
    const existing = await this.info(file);
    if (existing) return existing; // the same content: stored once, whatever it was first called
    const info: AudioInfo = { file, format, durationS, bytes: data.length, source };
    // The audio first: a sidecar never names a file that is not there.
    await writeFileAtomic(join(this.dir, file), data);
    await writeFileAtomic(join(this.dir, `${file}.json`), JSON.stringify(info));
    return info;
  }
}
