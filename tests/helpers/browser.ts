// Browser tests' shared parts: Debian's Chromium through playwright-core (never downloaded), PNG
// checks for screenshots, and the screenshot folder's clean-up.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/**
 * Screenshots at a phone's and a desktop's size into dir, each checked to be a PNG of that size,
 * after nothing on the page is wider than the screen. With `full`, a full-page shot too.
 */
export async function shootAtWidths(page: Page, dir: string, name: string, o: { timeout: number; full?: boolean }): Promise<void> {
  for (const [width, height] of [
    [390, 844],
    [1280, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: o.timeout, interval: 50 }).toBeLessThanOrEqual(width);
    const file = join(dir, `${name}-${width}x${height}.png`);
    await page.screenshot({ path: file });
    expect(pngSize(await readFile(file))).toEqual({ width, height });
    if (o.full) await page.screenshot({ path: join(dir, `${name}-${width}-full.png`), fullPage: true });
  }
}
