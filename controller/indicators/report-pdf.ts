// The monthly report as a PDF: the plane's own headless Chromium (Debian's, through playwright-core)
// opens the report page of the web app and prints it on A4, so the PDF is the very page officials
// see and print themselves. The browser signs in with a ticket that may only read the indicators
// and lives for one render. One render at a time: Chromium is heavy on a commune's small server.
import { access } from 'node:fs/promises';
import type { Logger } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { DomainError } from '../errors.js';

export interface ReportPdfOptions {
  /** Debian's Chromium unless set (CHROMIUM_PATH). */
  executablePath?: string;
  /** The plane's own address, where the browser finds the report page. */
  baseUrl: () => string;
  log: Logger;
  /** How long one render may take before it is given up. */
  timeoutMs?: number;
  /** How many renders may wait behind the one under way before more are refused. */
  maxWaiting?: number;
}

export interface RenderRequest {
  /** The report page's path and query, e.g. `/app/report.html?period=2026-11`. */
  path: string;
  /** A bearer credential the page's requests carry. */
  bearer: string;
  lang: 'vi' | 'en';
  timezone: string;
}

export class ReportUnavailable extends DomainError {}

export class ReportPdf {
  private readonly executablePath: string;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private browser?: Browser;

  constructor(private readonly o: ReportPdfOptions) {
    this.executablePath = o.executablePath ?? '/usr/bin/chromium';
  }

  /** Renders one report, after those already asked; refuses when too many wait. */
  async render(r: RenderRequest): Promise<Buffer> {
    if (this.waiting > (this.o.maxWaiting ?? 3)) throw new ReportUnavailable('busy', 'too many reports being made; try again in a minute', 503);
    try {
      await access(this.executablePath);
    } catch {
      throw new ReportUnavailable('pdf-unavailable', `no Chromium at ${this.executablePath}: install Debian's chromium to make PDFs (printing the report page works without it)`, 503);
    }
    this.waiting++;
    const run = this.queue.then(() => this.renderNow(r));
    this.queue = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.waiting--;
    }
  }

  private async renderNow(r: RenderRequest): Promise<Buffer> {
    const started = performance.now();
    const timeout = this.o.timeoutMs ?? 60_000;
    // A browser per render: nothing stays resident between reports a month apart.
    const browser = (this.browser = await chromium.launch({
      executablePath: this.executablePath,
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
      timeout,
    }));
    try {
      const context = await browser.newContext({
        extraHTTPHeaders: { authorization: `Bearer ${r.bearer}` },
        locale: r.lang === 'vi' ? 'vi-VN' : 'en-GB',
        timezoneId: r.timezone,
        // The plane's own address on loopback; with TLS its certificate may be self-signed.
        ignoreHTTPSErrors: true,
      });
      await context.addInitScript((lang) => localStorage.setItem('village.lang', lang), r.lang);
      const page = await context.newPage();
      page.setDefaultTimeout(timeout);
      const res = await page.goto(new URL(r.path, this.o.baseUrl()).toString());
      // A page that is not there (the web app not built) would otherwise be waited on until the timeout.
      if (!res?.ok()) throw new ReportUnavailable('report-failed', `the report page answered ${res?.status() ?? 'nothing'}`, 502);
      // The page marks itself ready once every figure is drawn, or says why it could not be.
      const mark = await page.waitForSelector('[data-report-state="ready"], [data-report-state="error"]');
      if ((await mark.getAttribute('data-report-state')) === 'error') {
        const why = (await mark.getAttribute('data-report-error')) ?? 'unknown';
        throw new ReportUnavailable('report-failed', `the report page could not load its figures (${why})`, 502);
      }
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: FOOTER });
      this.o.log.info({ path: r.path, bytes: pdf.length, ms: Math.round(performance.now() - started) }, 'report PDF made');
      return pdf;
    } finally {
      this.browser = undefined;
      await browser.close().catch(() => undefined);
    }
  }

  /** Closes a browser still rendering (the plane is stopping). */
  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
  }
}

// Page numbers at the foot of each page ("2 / 5"): Chromium fills the spans' classes.
const FOOTER = '<div style="width:100%;font-size:8pt;color:#555;text-align:center;font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>';
