/**
 * The database clock (UTC, microseconds). Real time by default; tests can pin it or shift
 * it so write_date values are deterministic.
 */
export class SimClock {
  private fixedUs: number | undefined;
  private offsetUs = 0;
  private lastUs = 0;

  /** Current time in µs; strictly increasing so two transactions never share a µs. */
  nowUs(): number {
    let t: number;
    if (this.fixedUs !== undefined) t = this.fixedUs;
    else t = Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000) + this.offsetUs;
    if (t <= this.lastUs && this.fixedUs === undefined) t = this.lastUs + 1;
    this.lastUs = Math.max(this.lastUs, t);
    return t;
  }

  /** Current time in µs without taking it (no strictly-increasing step): for HTTP Date headers. */
  peekUs(): number {
    if (this.fixedUs !== undefined) return this.fixedUs;
    return Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000) + this.offsetUs;
  }

  /** Pin the clock (`frozen`) or move real time to start at `us`; `null` restores real time. */
  set(us: number | null, frozen = false): void {
    if (us === null) {
      this.fixedUs = undefined;
      this.offsetUs = 0;
      this.lastUs = 0;
      return;
    }
    if (frozen) {
      this.fixedUs = us;
      this.lastUs = us;
    } else {
      this.fixedUs = undefined;
      this.offsetUs = 0;
      this.offsetUs = us - Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000);
      this.lastUs = 0;
    }
  }

  /** Advances a frozen clock (or shifts a running one). */
  advance(us: number): void {
    if (this.fixedUs !== undefined) this.fixedUs += us;
    else this.offsetUs += us;
  }

  get frozen(): boolean {
    return this.fixedUs !== undefined;
  }
}
