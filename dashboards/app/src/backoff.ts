// Reconnect waits for the live stream, as devices do (docs/PROTOCOL.md): doubling from the first
// wait up to a ceiling, each wait picked between half and all of it, so that every page of a
// village does not come back in the same second after the plane restarts. Pure: no timers.
export class Backoff {
  private ceiling: number;
  constructor(
    private readonly o: { firstMs: number; maxMs: number; random?: () => number } = { firstMs: 1000, maxMs: 30_000 },
  ) {
    this.ceiling = o.firstMs;
  }

  /** The wait before the next attempt; the one after is up to twice as long. */
  next(): number {
    const c = this.ceiling;
    this.ceiling = Math.min(this.o.maxMs, c * 2);
    return Math.round(c / 2 + ((this.o.random ?? Math.random)() * c) / 2);
  }

  /** After a connection that worked: start again from the first wait. */
  reset(): void {
    this.ceiling = this.o.firstMs;
  }
}
