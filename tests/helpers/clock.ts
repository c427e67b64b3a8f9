/** A controllable clock for the scheduler: it runs at real pace from wherever a test sets it. */
export class TestClock {
  private offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  set(ms: number): void {
    this.offset = ms - Date.now();
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
