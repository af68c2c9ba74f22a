import { dateToDays } from './dates.ts';
import type { Store } from './store.ts';

/** One partner's aged balance, company currency (reporting.aged_balance's columns). */
export interface AgedRow {
  company_id: number;
  partner_id: number | false;
  partner_name: string | false;
  not_due: number;
  days_1_30: number;
  days_31_60: number;
  days_61_90: number;
  days_91_120: number;
  older: number;
  total: number;
}

/**
 * Odoo's aged receivable/payable (reference §8.1) from the simulator's own rows: posted
 * trade lines on receivable/payable accounts dated ≤ asOf, residual as of asOf from partials
 * with max_date ≤ asOf, bucketed on COALESCE(date_maturity, date); payables negated; groups
 * rounding to zero dropped.
 */
/**
 * Odoo's aging bucket for an item `overdueDays` past its due date: 0 not due (due on or after
 * the as-of date), then 1–30, 31–60, 61–90, 91–120 and older (indices 1–5).
 */
export function agingBucket(overdueDays: number): number {
  if (overdueDays <= 0) return 0;
  if (overdueDays <= 30) return 1;
  if (overdueDays <= 60) return 2;
  if (overdueDays <= 90) return 3;
  if (overdueDays <= 120) return 4;
  return 5;
}

export function agedBalance(
  store: Store,
  asOf: string,
  kind: 'receivable' | 'payable',
  companyId?: number,
): AgedRow[] {
  const to = dateToDays(asOf);
  const type = kind === 'receivable' ? 'asset_receivable' : 'liability_payable';
  const lt = store.table('account.move.line');
  const pt = store.table('account.partial.reconcile');
  const at = store.table('account.account');
  const accType = at.col('account_type').data as (string | false)[];
  const nonTrade = at.col('non_trade').data as Uint8Array;
  const wanted = new Set<number>();
  for (let p = 0; p < at.n; p++)
    if (at.alive[p] && accType[p] === type && !nonTrade[p]) wanted.add(at.ids[p]);

  // Σ partial amounts per line side, only partials dated ≤ asOf.
  const debitSide = new Map<number, number>();
  const creditSide = new Map<number, number>();
  const pd = pt.col('debit_move_id').data as Int32Array;
  const pc = pt.col('credit_move_id').data as Int32Array;
  const pa = pt.col('amount').data as Float64Array;
  const pm = pt.col('max_date').data as Int32Array;
  for (let p = 0; p < pt.n; p++) {
    if (!pt.alive[p] || pm[p] > to) continue;
    debitSide.set(pd[p], (debitSide.get(pd[p]) ?? 0) + Math.round(pa[p] * 100));
    creditSide.set(pc[p], (creditSide.get(pc[p]) ?? 0) + Math.round(pa[p] * 100));
  }

  const acc = lt.col('account_id').data as Int32Array;
  const state = lt.col('parent_state').data as (string | false)[];
  const date = lt.col('date').data as Int32Array;
  const mat = lt.col('date_maturity').data as Int32Array;
  const bal = lt.col('balance').data as Float64Array;
  const comp = lt.col('company_id').data as Int32Array;
  const partner = lt.col('partner_id').data as Int32Array;
  const sign = kind === 'payable' ? -1 : 1;
  const groups = new Map<string, { row: AgedRow; buckets: number[] }>();
  for (let p = 0; p < lt.n; p++) {
    if (!lt.alive[p] || !wanted.has(acc[p]) || state[p] !== 'posted' || date[p] > to) continue;
    if (companyId !== undefined && comp[p] !== companyId) continue;
    const id = lt.ids[p];
    const residual =
      Math.round(bal[p] * 100) - (debitSide.get(id) ?? 0) + (creditSide.get(id) ?? 0);
    const aging = mat[p] !== -2147483648 ? mat[p] : date[p];
    const b = agingBucket(to - aging);
    const key = `${comp[p]}:${partner[p]}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        row: {
          company_id: comp[p],
          partner_id: partner[p] || false,
          partner_name: partner[p] ? store.displayName('res.partner', partner[p]) : false,
          not_due: 0,
          days_1_30: 0,
          days_31_60: 0,
          days_61_90: 0,
          days_91_120: 0,
          older: 0,
          total: 0,
        },
        buckets: [0, 0, 0, 0, 0, 0],
      };
      groups.set(key, g);
    }
    g.buckets[b] += residual;
  }
  const rows: AgedRow[] = [];
  for (const { row, buckets } of groups.values()) {
    const total = buckets.reduce((s, x) => s + x, 0);
    if (buckets.every((x) => x === 0)) continue;
    [row.not_due, row.days_1_30, row.days_31_60, row.days_61_90, row.days_91_120, row.older] =
      buckets.map((x) => (sign * x) / 100);
    row.total = (sign * total) / 100;
    rows.push(row);
  }
  return rows.sort(
    (a, b) => a.company_id - b.company_id || Number(a.partner_id) - Number(b.partner_id),
  );
}
