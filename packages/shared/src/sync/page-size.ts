/**
 * Adaptive page size: grow while pages come back quickly, halve when a page is slow, times out
 * or is too large, so one invocation neither idles on small pages nor hits Odoo's time limits.
 */
export class PageSize {
  private size: number;
  constructor(
    initial: number,
    private readonly min = 50,
    private readonly max = 20_000,
    private readonly targetMs = 3_000,
  ) {
    this.size = Math.min(max, Math.max(min, Math.round(initial)));
  }

  get current(): number {
    return this.size;
  }

  /** Feeds back how long a full page took. */
  observe(ms: number, full: boolean): void {
    if (ms > this.targetMs * 2) this.shrink();
    else if (full && ms < this.targetMs / 3)
      this.size = Math.min(this.max, Math.round(this.size * 1.5));
  }

  /** After a timeout or an oversized response. Returns false when already at the minimum. */
  shrink(): boolean {
    if (this.size <= this.min) return false;
    this.size = Math.max(this.min, Math.floor(this.size / 2));
    return true;
  }
}
