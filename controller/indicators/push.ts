// Store-and-forward of the commune's indicator snapshots to its province (PROVINCE_URL with the
// push token the province issued). At each local day's close the plane computes the month so far
// through that day (or, on a month's last day, the finished month) from its own InfluxDB, which
// needs no link, and keeps it in an outbox on disk. The outbox drains oldest first whenever the
// province answers: an outage of days leaves a backlog that arrives in order, and a push answered
// but lost on the way is sent again and taken once (the province keys snapshots by commune and
// period). Nothing leaves the outbox until the province has answered for it.
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SnapshotPush } from '../api/contract/province.js';
import { writeFileAtomic } from '../config/atomic.js';
import { localDate } from '../../devices/local-time.js';
import { addDays, dayKeyOf, daySpan, endsMonth, monthKey, monthOfDay, addMonths } from './period.js';
import type { IndicatorService, Snapshot } from './service.js';

export interface ProvincePushOptions {
  /** The province's base URL. */
  url: string;
  token: string;
  /** The outbox and its cursor. */
  dir: string;
  indicators: Pick<IndicatorService, 'snapshot' | 'firstDataAt' | 'storedMonths'>;
  tz: () => string;
  log: Logger;
  now?: () => number;
  /** How often closed days are looked for and the outbox tried (a minute). */
  tickMs?: number;
  /** Waits after a failed send, doubling from min to max. */
  retry?: { minMs?: number; maxMs?: number };
  /** A plane down longer than this catches up only these last days (its finished months whole). */
  maxCatchUpDays?: number;
  /** How long one push may take. */
  timeoutMs?: number;
}

interface Item {
  seq: number;
  key: string;
  body: SnapshotPush;
  queuedAt: string;
}

export interface PushStatus {
  /** Snapshots waiting to be sent. */
  pending: number;
  /** The last closed day put in the outbox. */
  through: string | null;
  sent: number;
  /** Snapshots the province refused as invalid (kept apart under rejected/, never retried). */
  rejected: number;
  lastSentAt: string | null;
  /** Why the last try failed, while the outbox is not draining. */
  lastError: string | null;
}

const file = (seq: number) => `q-${String(seq).padStart(10, '0')}.json`;

export class ProvincePush {
  private through: string | null = null;
  private seq = 0;
  private queue: number[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failures = 0;
  private stopped = false;
  private readonly counts = { sent: 0, rejected: 0 };
  private lastSentAt: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly o: ProvincePushOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  status(): PushStatus {
    return { pending: this.queue.length, through: this.through, ...this.counts, lastSentAt: this.lastSentAt === null ? null : new Date(this.lastSentAt).toISOString(), lastError: this.lastError };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await mkdir(join(this.o.dir, 'rejected'), { recursive: true });
    try {
      this.through = (JSON.parse(await readFile(join(this.o.dir, 'cursor.json'), 'utf8')) as { through: string }).through;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.queue = (await readdir(this.o.dir))
      .filter((f) => /^q-\d{10}\.json$/.test(f))
      .map((f) => Number(f.slice(2, 12)))
      .sort((a, b) => a - b);
    this.seq = this.queue.at(-1) ?? 0;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => {
        const wait = this.failures === 0 ? (this.o.tickMs ?? 60_000) : Math.min(this.o.retry?.maxMs ?? 600_000, (this.o.retry?.minMs ?? 5_000) * 2 ** (this.failures - 1));
        this.schedule(wait);
      });
    }, ms);
    this.timer.unref();
  }

  /** Queues the days closed since the last look, then sends what waits. One at a time. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.enqueueClosed();
        await this.drain();
      } catch (err) {
        this.o.log.error({ err }, 'province push failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** The closed days after the cursor, each as its day's snapshot or (a month's last) its month's. */
  private async enqueueClosed(): Promise<void> {
    const tz = this.o.tz();
    const yesterday = dayKeyOf(localDate(new Date(this.now()), tz, -1));
    let from: string;
    if (this.through === null) {
      // First run: the last finished month and this month so far, if the plane has data that old.
      // Until the plane has data of a closed day, or the last month's figures (a demo's seeded
      // history), there is nothing to report, and no cursor.
      const lastMonth = addMonths(monthOfDay(yesterday), -1);
      from = `${monthKey(lastMonth)}-01`;
      if ((await this.o.indicators.storedMonths([lastMonth])).length === 0) {
        const first = await this.o.indicators.firstDataAt();
        if (first === undefined) return;
        const firstDay = dayKeyOf(localDate(new Date(first), tz));
        if (firstDay > yesterday) return;
        if (firstDay > from) from = firstDay;
      }
    } else from = addDays(this.through, 1);
    const floor = addDays(yesterday, -((this.o.maxCatchUpDays ?? 62) - 1));
    if (from < floor) {
      this.o.log.warn({ from, floor }, 'province push: catching up only the last days');
      from = floor;
    }
    for (let day = from; day <= yesterday; day = addDays(day, 1)) {
      const month = monthOfDay(day);
      const monthEnd = addDays(`${monthKey(addMonths(month, 1))}-01`, -1);
      // A month finished within the catch-up goes whole, not day by day.
      if (!endsMonth(day) && monthEnd <= yesterday) continue;
      const snap = endsMonth(day) ? await this.o.indicators.snapshot(month) : await this.o.indicators.snapshot(month, { until: daySpan(day, tz).to.getTime() });
      const body: SnapshotPush = endsMonth(day) ? { kind: 'month', snapshot: snap as unknown as Record<string, unknown> } : { kind: 'day', day, snapshot: snap as unknown as Record<string, unknown> };
      await this.put({ seq: ++this.seq, key: endsMonth(day) ? monthKey(month) : day, body, queuedAt: new Date(this.now()).toISOString() });
      await this.advance(day);
    }
  }

  /** A finished month recomputed on the plane: queued to replace what the province has (newer computedAt). */
  async requeue(snapshot: Snapshot): Promise<void> {
    await this.put({ seq: ++this.seq, key: snapshot.period, body: { kind: 'month', snapshot: snapshot as unknown as Record<string, unknown> }, queuedAt: new Date(this.now()).toISOString() });
    this.o.log.info({ key: snapshot.period }, 'recomputed month queued for the province');
    this.schedule(0);
  }

  private async put(item: Item): Promise<void> {
    await writeFileAtomic(join(this.o.dir, file(item.seq)), JSON.stringify(item));
    this.queue.push(item.seq);
  }

  private async advance(day: string): Promise<void> {
    if (this.through !== null && day <= this.through) return;
    this.through = day;
    await writeFileAtomic(join(this.o.dir, 'cursor.json'), JSON.stringify({ through: day }) + '\n');
  }

  private async drain(): Promise<void> {
    while (this.queue.length && !this.stopped) {
      const seq = this.queue[0]!;
      const item = JSON.parse(await readFile(join(this.o.dir, file(seq)), 'utf8')) as Item;
      const r = await this.send(item);
      if (r === 'retry') {
        this.failures++;
        return;
      }
      if (r === 'rejected') {
        // Invalid here is invalid on every retry: set aside, so the days after it still go.
        await rename(join(this.o.dir, file(seq)), join(this.o.dir, 'rejected', file(seq)));
        this.counts.rejected++;
      } else {
        await rm(join(this.o.dir, file(seq)));
        this.counts.sent++;
        this.lastSentAt = this.now();
      }
      this.queue.shift();
      this.failures = 0;
      this.lastError = null;
    }
  }

  private async send(item: Item): Promise<'done' | 'rejected' | 'retry'> {
    let res: Response;
    try {
      res = await fetch(new URL('/api/province/snapshots', this.o.url), {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.token}` },
        body: JSON.stringify(item.body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (err) {
      return this.failed(item, `province unreachable: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as { result?: string; code?: string; message?: string };
    if (res.ok) {
      this.o.log.info({ key: item.key, result: body.result }, 'snapshot pushed to the province');
      return 'done';
    }
    // Invalid or too large is so on every retry; kept on disk under rejected/ for a person to look at.
    if ([400, 413, 422].includes(res.status)) {
      this.o.log.error({ key: item.key, status: res.status, code: body.code, reason: body.message }, 'province refused a snapshot: set aside');
      return 'rejected';
    }
    // 401/403: the token was revoked or re-keyed; 409: it is another commune's; 429/5xx: the
    // province is busy or down. All wait, in order, until someone fixes the token or the province.
    return this.failed(item, [401, 403, 409].includes(res.status) ? `province refused the token (${res.status} ${body.code ?? ''})`.trim() : `province answered ${res.status}`);
  }

  private failed(item: Item, reason: string): 'retry' {
    if (this.lastError !== reason) this.o.log.warn({ key: item.key, pending: this.queue.length, reason }, 'province push waiting');
    this.lastError = reason;
    return 'retry';
  }
}
