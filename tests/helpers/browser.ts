// Browser tests' shared parts: Debian's Chromium through playwright-core (never downloaded), PNG
// checks for screenshots, and the screenshot folder's clean-up.
import { rm } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.length).toBeGreaterThan(100);
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** KEEP_SCREENSHOTS=1 leaves them in the temp dir to look at (they are never committed). */
export async function removeShots(dir: string | undefined): Promise<void> {
  if (!dir) return;
  if (process.env.KEEP_SCREENSHOTS) console.log(`screenshots kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
