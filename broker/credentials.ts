// Device and plane secrets. Only hashes are stored; a secret is shown once, when it is issued.
// A secret is 192 random bits, so it needs no password-stretching hash: a salted SHA-256 of it
// cannot be brute-forced, and checking it costs microseconds, not the 30 ms of scrypt per connect.
// scrypt hashes from before still verify and are replaced at the next successful connect.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../controller/config/atomic.js';
import { isId } from '../devices/topics.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;
// N=2^14, r=8: ~15-30 ms per check here, bounded work per connect attempt.
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

export type IdentityKind = 'device' | 'plane';
interface Entry {
  kind: IdentityKind;
  hash: string;
  issuedAt: string;
}

const sha256 = (salt: Buffer, secret: string) => createHash('sha256').update(salt).update(secret, 'utf8').digest();

/** `sha256$<salt>$<hash>`: for the long random secrets the plane issues, never for human passwords. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  return `sha256$${salt.toString('base64url')}$${sha256(salt, secret).toString('base64url')}`;
}

/** The scheme of before: kept to verify hashes written by earlier versions (and in tests of the upgrade). */
export async function scryptHash(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEYLEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts[0] === 'sha256' && parts.length === 3) {
    const expected = Buffer.from(parts[2]!, 'base64url');
    const got = sha256(Buffer.from(parts[1]!, 'base64url'), secret);
    return expected.length === got.length && timingSafeEqual(got, expected);
  }
  const [scheme, n, r, p, salt, hash] = parts;
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** The credential file: id → hash. Written atomically; never holds a secret in plain text. */
export class CredentialStore {
  private entries = new Map<string, Entry>();
  private saving?: Promise<void>;
  private saveAgain = false;
  /** readOnly: a standalone broker process reads the plane's file and never writes it (broker/main.ts). */
  constructor(private readonly opts: { file: string; readOnly?: boolean }) {}

  async load(): Promise<void> {
    try {
      const raw = JSON.parse(await readFile(this.opts.file, 'utf8')) as { entries?: Record<string, Entry> };
      this.entries = new Map(Object.entries(raw.entries ?? {}));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.entries = new Map();
    }
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  kindOf(id: string): IdentityKind | undefined {
    return this.entries.get(id)?.kind;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Issues a fresh secret for id (replacing any old one) and returns it; only its hash is kept. */
  async issue(id: string, kind: IdentityKind): Promise<string> {
    this.writable();
    if (!isId(id)) throw new Error(`invalid id ${JSON.stringify(id)}`);
    const secret = newSecret();
    this.entries.set(id, { kind, hash: hashSecret(secret), issuedAt: new Date().toISOString() });
    await this.save();
    return secret;
  }

  async revoke(id: string): Promise<void> {
    this.writable();
    if (this.entries.delete(id)) await this.save();
  }

  async verify(id: string, secret: string): Promise<IdentityKind | undefined> {
    const e = this.entries.get(id);
    if (!e) {
      // Same cost for unknown ids, so timing does not tell which ids exist.
      hashSecret(secret);
      return undefined;
    }
    if (!(await verifySecret(secret, e.hash))) return undefined;
    if (!e.hash.startsWith('sha256$') && !this.opts.readOnly) {
      // An scrypt hash from before: the right secret replaces it with the cheap one.
      e.hash = hashSecret(secret);
      // Not saved (disk full?): the next connect tries the upgrade again.
      void this.save().catch(() => {});
    }
    return e.kind;
  }

  /** How many entries still carry a hash of an older scheme. */
  legacyCount(): number {
    return [...this.entries.values()].filter((e) => !e.hash.startsWith('sha256$')).length;
  }

  /**
   * Writes the file; saves asked for while one is under way become one more write after it, so a
   * storm of upgrades costs two writes, not one per device.
   */
  private writable(): void {
    if (this.opts.readOnly) throw new Error('credential store is read-only in this process');
  }

  save(): Promise<void> {
    if (this.opts.readOnly) return Promise.reject(new Error('credential store is read-only in this process'));
    if (this.saving) {
      this.saveAgain = true;
      return this.saving;
    }
    this.saving = (async () => {
      try {
        do {
          this.saveAgain = false;
          const doc = { version: 1, entries: Object.fromEntries(this.entries) };
          await writeFileAtomic(this.opts.file, JSON.stringify(doc, null, 2) + '\n', 0o600);
        } while (this.saveAgain);
      } finally {
        this.saving = undefined;
      }
    })();
    return this.saving;
  }
}
