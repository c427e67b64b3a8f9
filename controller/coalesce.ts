// Changes gathered into one announcement: at most one flush per window, with the keys (zones,
// groups …) that changed since the last. The first change after a quiet window goes out on the next
// turn of the event loop, so a burst of changes made together is one flush; later ones wait for the
// window's end. Time is the real clock (setTimeout), never a module's scheduling clock.

export interface CoalescerOptions<K> {
  /** The shortest time between two flushes. */
  everyMs: number;
  flush: (keys: Set<K>) => void;
}

export class Coalescer<K> {
  private readonly keys = new Set<K>();
  private timer?: NodeJS.Timeout;
  private last = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly o: CoalescerOptions<K>) {}

  /**
   * Marks keys changed (none: something outside the keys changed); the flush comes at the window's
   * end, or on the next turn of the event loop after a quiet window.
   */
  touch(keys: Iterable<K> = []): void {
    if (this.stopped) return;
    for (const k of keys) this.keys.add(k);
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.o.everyMs - Date.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** No flush after this, and nothing pending is kept. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.keys.clear();
  }

  private run(): void {
    this.timer = undefined;
    this.last = Date.now();
    const keys = new Set(this.keys);
    this.keys.clear();
    this.o.flush(keys);
  }
}
