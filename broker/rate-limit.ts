// Admission control for the publish path: a token bucket per client. A client over its rate is
// slowed down (its publish is acknowledged late, which stops aedes reading its socket: TCP
// back-pressure), and one that keeps flooding past maxDebtS is refused and disconnected.
// Without this, a flood of ~240k msg/s killed aedes 1.2 with a stack overflow (mqemitter #204, aedes #193).
export interface RateLimitOptions {
  ratePerS: number;
  burst: number;
  /** How far behind its allowance a client may fall before it is cut off. */
  maxDebtS: number;
}

export type Admission = { kind: 'now' } | { kind: 'later'; delayMs: number } | { kind: 'refuse' };

export class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly o: RateLimitOptions,
    now: number,
  ) {
    this.tokens = o.burst;
    this.at = now;
  }

  admit(now: number): Admission {
    this.tokens = Math.min(this.o.burst, this.tokens + ((now - this.at) / 1000) * this.o.ratePerS);
    this.at = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return { kind: 'now' };
    const delayS = -this.tokens / this.o.ratePerS;
    if (delayS > this.o.maxDebtS) {
      this.tokens += 1; // the refused message is not owed
      return { kind: 'refuse' };
    }
    return { kind: 'later', delayMs: Math.ceil(delayS * 1000) };
  }
}
