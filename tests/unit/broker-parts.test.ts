import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialStore, hashSecret, scryptHash, verifySecret } from '../../broker/credentials.js';
import { FairQueue } from '../../broker/fair-queue.js';
import { PacketSizeCheck } from '../../broker/packet-guard.js';
import { TokenBucket } from '../../broker/rate-limit.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('credentials', () => {
  it('verifies a secret against its salted SHA-256 hash and rejects others', async () => {
    const h = hashSecret('s3cret');
    expect(h).toMatch(/^sha256\$[\w-]{22}\$[\w-]{43}$/);
    expect(hashSecret('s3cret')).not.toBe(h); // salted
    expect(h).not.toContain('s3cret');
    expect(await verifySecret('s3cret', h)).toBe(true);
    expect(await verifySecret('s3cret ', h)).toBe(false);
    expect(await verifySecret('s3cret', 'plain')).toBe(false);
    expect(await verifySecret('s3cret', 'sha256$x')).toBe(false);
  });

  it('still verifies an scrypt hash of before, and replaces it at the first right secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cred-'));
    dirs.push(dir);
    const file = join(dir, 'credentials.json');
    const secret = 'an-older-device-secret-0123456789';
    const old = await scryptHash(secret);
    expect(await verifySecret(secret, old)).toBe(true);
    await writeFile(file, JSON.stringify({ version: 1, entries: { 'valve-01': { kind: 'device', hash: old, issuedAt: '2026-01-01T00:00:00.000Z' } } }));
    const a = new CredentialStore({ file });
    await a.load();
    expect(a.legacyCount()).toBe(1);
    expect(await a.verify('valve-01', 'wrong')).toBeUndefined();
    expect(a.legacyCount()).toBe(1); // a wrong secret changes nothing
    expect(await a.verify('valve-01', secret)).toBe('device');
    expect(a.legacyCount()).toBe(0);
    await a.save();
    const stored = JSON.parse(await readFile(file, 'utf8')).entries['valve-01'].hash as string;
    expect(stored).toMatch(/^sha256\$/);
    const b = new CredentialStore({ file });
    await b.load();
    expect(await b.verify('valve-01', secret)).toBe('device');
  });

  it('coalesces a storm of saves into few writes, each with every change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cred-'));
    dirs.push(dir);
    const file = join(dir, 'credentials.json');
    const a = new CredentialStore({ file });
    await a.load();
    const secrets = await Promise.all(Array.from({ length: 50 }, (_, i) => a.issue(`dev-${String(i).padStart(2, '0')}`, 'device')));
    const b = new CredentialStore({ file });
    await b.load();
    expect(b.ids()).toHaveLength(50);
    for (const [i, s] of secrets.entries()) expect(await b.verify(`dev-${String(i).padStart(2, '0')}`, s)).toBe('device');
  });

  it('read-only (a standalone broker): verifies an scrypt hash of before but never writes the plane\'s file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cred-'));
    dirs.push(dir);
    const file = join(dir, 'credentials.json');
    const secret = 'an-older-device-secret-0123456789';
    const doc = JSON.stringify({ version: 1, entries: { 'valve-01': { kind: 'device', hash: await scryptHash(secret), issuedAt: '2026-01-01T00:00:00.000Z' } } });
    await writeFile(file, doc);
    const ro = new CredentialStore({ file, readOnly: true });
    await ro.load();
    expect(await ro.verify('valve-01', secret)).toBe('device');
    expect(ro.legacyCount()).toBe(1); // not upgraded: the plane does that
    await expect(ro.issue('valve-02', 'device')).rejects.toThrow(/read-only/);
    expect(ro.has('valve-02')).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(doc);
  });

  it('stores only hashes on disk and survives a reload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cred-'));
    dirs.push(dir);
    const file = join(dir, 'credentials.json');
    const a = new CredentialStore({ file });
    await a.load();
    const secret = await a.issue('valve-01', 'device');
    expect(await readFile(file, 'utf8')).not.toContain(secret);
    const b = new CredentialStore({ file });
    await b.load();
    expect(await b.verify('valve-01', secret)).toBe('device');
    expect(await b.verify('valve-01', 'wrong')).toBeUndefined();
    expect(await b.verify('valve-02', secret)).toBeUndefined();
  });
});

describe('packet size check', () => {
  const feed = (max: number, bufs: Buffer[]) => {
    const c = new PacketSizeCheck(max);
    let fed = 0;
    try {
      for (const b of bufs) {
        c.feed(b);
        fed += b.length;
      }
      return { fed };
    } catch (err) {
      return { err: err as Error, fed };
    }
  };
  const publish = (bytes: number) =>
    mqttPacket.generate({ cmd: 'publish', topic: 'village/a/bb/telemetry', payload: Buffer.alloc(bytes, 1), qos: 0, dup: false, retain: false });

  it('passes packets under the limit, split at any byte', () => {
    const stream = Buffer.concat([publish(10), publish(1000), publish(100)]);
    const { err, fed } = feed(2000, [...stream].map((b) => Buffer.from([b])));
    expect(err).toBeUndefined();
    expect(fed).toBe(stream.length);
  });

  it('throws at the header of a packet over the limit, before its body', () => {
    const big = publish(70_000);
    const { err, fed } = feed(64 * 1024, [publish(5), big.subarray(0, 5)]);
    expect(err?.message).toMatch(/exceeds/);
    expect(fed).toBeLessThan(100);
  });

  it('refuses a remaining length longer than four bytes', () => {
    expect(feed(1 << 30, [Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01])]).err?.message).toMatch(/malformed/);
  });
});

describe('fair queue of held publishes', () => {
  it('serves clients round-robin, each client in its own order', () => {
    const q = new FairQueue<string, string>();
    for (let i = 0; i < 5; i++) q.push('flood', `f${i}`);
    q.push('quiet', 'q0');
    q.push('other', 'o0');
    q.push('quiet', 'q1');
    expect(q.length).toBe(8);
    const out = Array.from({ length: 8 }, () => q.shift());
    // The quiet device waits one turn, not behind the whole flood.
    expect(out).toEqual(['f0', 'q0', 'o0', 'f1', 'q1', 'f2', 'f3', 'f4']);
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('keeps order over many items and gives everything back on drain', () => {
    const q = new FairQueue<number, number>();
    for (let i = 0; i < 5000; i++) q.push(i % 2, i);
    const firstHalf = Array.from({ length: 3000 }, () => q.shift()!);
    expect(firstHalf.filter((n) => n % 2 === 0)).toEqual(Array.from({ length: 1500 }, (_, k) => k * 2));
    const rest = q.drain();
    expect(rest.length).toBe(2000);
    expect(q.length).toBe(0);
    expect(new Set([...firstHalf, ...rest]).size).toBe(5000);
  });
});
