// The scenes page in a real browser at 360 px (a phone), on the simulated demo commune, signed in
// as an admin: the storm scene asks first (a modal dialog holding the focus; "no" does nothing),
// runs, its actions and every device's outcome arrive live, then the undo; no axe violations.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stormScene } from '../../controller/scenes/demo.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { demoFleet } from '../../firmware-sim/fleet.js';
import { axeViolations, collectErrors, launchChromium, signedInContext } from '../helpers/browser.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 60_000;
const poll = { timeout: WAIT, interval: 100 } as const;
const site = demoFleet(11);
const lights = site.devices.filter((d) => d.type === 'street-light').length;
const speakers = site.devices.filter((d) => d.type === 'loudspeaker').length;

let t: TestVillage | undefined;
let fleet: SimFleet | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
const errors: string[] = [];

const card = () => page.locator('[data-scene="bao"]');
const run = () => card().getByTestId('scene-run');
const action = (kind: string) => run().locator(`[data-testid="run-action"][data-kind="${kind}"]`);
/** A count per outcome as shown ("40 đã áp dụng"), 0 when not shown. */
const count = async (kind: string, outcome: string) => {
  const el = action(kind).locator(`[data-testid="run-counts"] [data-outcome="${outcome}"]`);
  return (await el.count()) ? Number(await el.getAttribute('data-n')) : 0;
};

beforeAll(async () => {
  t = await startTestVillage({ site, options: { radio: { tickMs: 1000 } } });
  fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 9, speed: 1, stepEveryMs: 500, reconnectPeriodMs: 200 });
  fleet.start();
  await until(() => t!.village.live.all().every((d) => d.availability === 'online'), 'the demo commune online', 60_000);
  await t.village.scenes.put(stormScene(site.site.name));
  browser = await launchChromium();
  context = await signedInContext(browser, t, { login: 'admin', role: 'admin' }, { viewport: { width: 360, height: 740 } });
  page = await context.newPage();
  collectErrors(page, errors);
}, 120_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await fleet?.stop();
  await t?.stop();
});

describe('scenes page', () => {
  it('asks, runs the storm with every device settling live, and undoes it', async () => {
    await page.goto(new URL('/app/scenes.html', t!.village.url).href);
    await expect.poll(() => card().count(), poll).toBe(1);
    expect(await page.getByTestId('nav-scenes').getAttribute('aria-current')).toBe('page');
    expect(await card().getByTestId('scene-run').count()).toBe(0);
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), poll).toBe('live');

    // The confirmation is a modal dialog with the focus inside; "no" closes it and runs nothing.
    await card().getByTestId('scene-run-button').click();
    const dialog = page.getByTestId('confirm');
    await expect.poll(() => dialog.isVisible(), poll).toBe(true);
    expect(await dialog.innerText()).toContain('Phát cảnh báo bão khẩn cấp');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('confirm-cancel').click();
    await expect.poll(() => dialog.count(), poll).toBe(0);
    expect(t!.village.scenes.runsOf('bao')).toEqual([]);

    await card().getByTestId('scene-run-button').click();
    await page.getByTestId('confirm-go').click();
    await expect.poll(() => dialog.count(), poll).toBe(0);
    // Live: the run shows up and settles; every light applied, every cluster playing (or played).
    await expect.poll(() => run().getAttribute('data-status'), poll).toBe('done');
    expect(await count('lighting-all', 'applied')).toBe(lights);
    expect(await action('bulletin').getByTestId('run-counts').innerText()).toMatch(/đang phát|đã phát xong/);
    expect((await count('bulletin', 'started')) + (await count('bulletin', 'finished'))).toBe(speakers);
    expect(await action('irrigation-pause').getAttribute('data-state')).toBe('done');
    expect(t!.village.irrigation.queue().paused).toBe(true);
    // The per-device list behind the disclosure names each light.
    await action('lighting-all').locator('summary').click();
    expect(await action('lighting-all').locator('li[data-outcome="applied"]').count()).toBe(lights);
    const first = await run().getAttribute('data-run');

    await card().getByTestId('scene-undo-button').click();
    await page.getByTestId('confirm-go').click();
    await expect.poll(async () => (await run().getAttribute('data-run')) !== first && (await run().getAttribute('data-status')), poll).toBe('done');
    expect(await action('lighting-resume').getAttribute('data-state')).toBe('done');
    expect(t!.village.irrigation.queue().paused).toBe(false);
    expect(t!.village.lighting.overrides().filter((o) => o.level !== null)).toEqual([]);

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);
});
