/**
 * The bounded work of one invocation (DESIGN §4 rule 6). Supabase stops an Edge Function at
 * 150 s wall and 2 s CPU; CPU is not measurable from inside the isolate, so decoded records
 * stand in for it (JSON decode and row conversion cost ~5–10 ms of CPU per 1,000 records).
 */
export interface BudgetLimits {
  wallMs: number;
  records: number;
}

export class Budget {
  private readonly deadline: number;
  private used = 0;
  constructor(
    readonly limits: BudgetLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.deadline = now() + limits.wallMs;
  }

  spend(records: number): void {
    this.used += records;
  }

  get recordsUsed(): number {
    return this.used;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }

  /** Whether another request may start (leaving headroom for the commit after it). */
  allows(headroomMs = 0): boolean {
    return this.used < this.limits.records && this.remainingMs() > headroomMs;
  }
}
