import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialStore, hashSecret, scryptHash, verifySecret } from '../../broker/credentials.js';
import { PacketSizeGuard } from '../../broker/packet-guard.js';
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

describe('packet size guard', () => {
  const feed = async (max: number, bufs: Buffer[]) => {
    const g = new PacketSizeGuard(max);
    const out: Buffer[] = [];
    g.on('data', (b: Buffer) => out.push(b));
    const err = new Promise<Error | undefined>((r) => {
      g.once('error', r);
      g.once('end', () => r(undefined));
    });
    for (const b of bufs) g.write(b);
    g.end();
    g.resume();
    return { err: await err, out: Buffer.concat(out) };
  };
  const publish = (bytes: number) =>
    mqttPacket.generate({ cmd: 'publish', topic: 'village/a/bb/telemetry', payload: Buffer.alloc(bytes, 1), qos: 0, dup: false, retain: false });

  it('passes packets under the limit unchanged, split at any byte', async () => {
    const stream = Buffer.concat([publish(10), publish(1000), publish(100)]);
    const parts = [...stream].map((b) => Buffer.from([b]));
    const { err, out } = await feed(2000, parts);
    expect(err).toBeUndefined();
    expect(out.equals(stream)).toBe(true);
  });

  it('errors at the header of a packet over the limit', async () => {
    const big = publish(70_000);
    const { err, out } = await feed(64 * 1024, [publish(5), big.subarray(0, 5)]);
    expect(err?.message).toMatch(/exceeds/);
    expect(out.length).toBeLessThan(100);
  });
});

describe('token bucket', () => {
  it('admits a burst, then delays, then refuses past the debt limit', () => {
    const b = new TokenBucket({ ratePerS: 10, burst: 5, maxDebtS: 1 }, 0);
    const kinds = Array.from({ length: 20 }, () => b.admit(0).kind);
    expect(kinds.slice(0, 5)).toEqual(['now', 'now', 'now', 'now', 'now']);
    expect(kinds.slice(5, 15).every((k) => k === 'later')).toBe(true);
    expect(kinds.slice(15).every((k) => k === 'refuse')).toBe(true);
    // after two seconds the debt is paid and the bucket refills
    expect(b.admit(2000).kind).toBe('now');
  });
});

