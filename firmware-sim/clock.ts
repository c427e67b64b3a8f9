// Simulated time: sim = start + real elapsed × speed. The physics runs on it, so a day of sun and
// irrigation can pass in minutes; timestamps on the wire stay on real time (see device.ts).

export interface SimClockOptions {
  /** Time acceleration: 1 is real time, 60 makes a simulated minute pass every real second. */
  speed: number;
  /** Sim time at the start (epoch ms); defaults to the real time then. */
  startMs?: number;
  /** The real clock; tests pass their own. */
  realNow?: () => number;
}

export class SimClock {
  readonly speed: number;
  private readonly realNow: () => number;
  private readonly realStart: number;
  private readonly simStart: number;

  constructor(o: SimClockOptions) {
    if (!(o.speed > 0) || !Number.isFinite(o.speed)) throw new Error(`speed must be a positive number, got ${o.speed}`);
    this.speed = o.speed;
    this.realNow = o.realNow ?? Date.now;
    this.realStart = this.realNow();
    this.simStart = o.startMs ?? this.realStart;
  }

  nowMs(): number {
    return this.simStart + (this.realNow() - this.realStart) * this.speed;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Real milliseconds that take `simS` simulated seconds. */
  realMsFor(simS: number): number {
    return (simS * 1000) / this.speed;
  }
}
