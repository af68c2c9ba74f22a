import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';
import { BUCKETS, cents, companyIds, randomDates, refreshAll } from './helpers.ts';

// reporting.aged_totals / aged_totals_as_of / aged_balance_top (what the page reads) against
// the sums and order of reporting.aged_balance's rows — and so against the simulator's own
// computation of Odoo's algorithm, which aged-balance.test.ts compares with aged_balance — for
// many random as-of dates, both kinds, every company, to the cent.
type Row = Record<string, unknown>;

/** company|partners|buckets in cents, from a totals row. */
const totalsKey = (t: Row) =>
  [Number(t.company_id), Number(t.partners), ...BUCKETS.map((b) => cents(t[b]))].join('|');

/** The same key from per-partner rows (aged_balance or the simulator). */
function sumKey(companyId: number, rows: readonly Row[]) {
  return [
    companyId,
    rows.length,
    ...BUCKETS.map((b) => rows.reduce((s, r) => s + cents(r[b]), 0)),
  ].join('|');
}

const topKeys = (rows: readonly Row[], n: number) =>
  [...rows]
    .sort(
      (a, b) =>
        cents(b.total) - cents(a.total) ||
        (a.partner_id == null ? 1 : 0) - (b.partner_id == null ? 1 : 0) ||
        Number(a.partner_id) - Number(b.partner_id),
    )
    .slice(0, n)
    .map((r) => `${r.partner_id ?? '-'}|${BUCKETS.map((b) => cents(r[b])).join('|')}`);

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 47, scale: 3000 });
  await h.sql`select cron.unschedule('reporting-refresh')`;
  await h.syncToEnd();
  await refreshAll(h.sql);
});

afterAll(async () => {
  await h?.close();
});

describe('aging totals and top partners', () => {
  const dates = randomDates(4711, 20, '2024-10-20', '2027-02-28');

  it.each(['receivable', 'payable'] as const)(
    'totals as of random dates = sums of aged_balance = the simulator (%s)',
    async (kind) => {
      let open = 0;
      for (const asOf of dates) {
        const rows = await h.sql`select * from reporting.aged_balance(${asOf}::date, ${kind})`;
        const all = await h.sql`select * from reporting.aged_totals_as_of(${asOf}::date, ${kind})`;
        expect(all.map((t) => Number(t.company_id)).sort()).toEqual([...companyIds(h)].sort());
        for (const companyId of companyIds(h)) {
          const mine = rows.filter((r) => Number(r.company_id) === companyId);
          const expected = sumKey(companyId, mine);
          const [one] = await h.sql`select * from reporting.aged_totals_as_of(${asOf}::date,
            ${kind}, ${companyId})`;
          const at = `${kind} as of ${asOf}, company ${companyId}`;
          expect(totalsKey(one), at).toBe(expected);
          expect(totalsKey(all.find((t) => Number(t.company_id) === companyId)!), at).toBe(
            expected,
          );
          expect(one.kind).toBe(kind);
          const truth = h.sim.control.agedBalance(asOf, kind, companyId) as unknown as Row[];
          expect(sumKey(companyId, truth), at).toBe(expected);
          open += mine.length;
        }
      }
      expect(open).toBeGreaterThan(100); // the dates hit real open items
    },
  );

  it.each(['receivable', 'payable'] as const)(
    'aged_balance_top as of random dates = aged_balance ordered by total (%s)',
    async (kind) => {
      for (const asOf of dates.slice(0, 8)) {
        const rows = await h.sql`select * from reporting.aged_balance(${asOf}::date, ${kind})`;
        for (const companyId of companyIds(h)) {
          const mine = rows.filter((r) => Number(r.company_id) === companyId);
          const top = await h.sql`select * from reporting.aged_balance_top(${asOf}::date, ${kind},
            10, ${companyId})`;
          expect(topKeys(top, 10), `${kind} as of ${asOf}, company ${companyId}`).toEqual(
            topKeys(mine, 10),
          );
          // Already in that order, names included.
          expect(top.map((r) => `${r.partner_id ?? '-'}`)).toEqual(
            topKeys(mine, 10).map((k) => k.split('|')[0]),
          );
          for (const r of top) {
            const same = mine.find((m) => m.partner_id === r.partner_id)!;
            expect(r.partner_name).toBe(same.partner_name);
          }
        }
      }
    },
  );

  it('aged_totals (today) = sums of aged_receivable / aged_payable = aged_totals_as_of(today)', async () => {
    const view = await h.sql`select * from reporting.aged_totals`;
    expect(view).toHaveLength(companyIds(h).length * 2);
    for (const kind of ['receivable', 'payable'] as const) {
      const rows = await h.sql.unsafe(`select * from reporting.aged_${kind}`);
      const fn = await h.sql`select * from reporting.aged_totals_as_of(current_date, ${kind})`;
      for (const companyId of companyIds(h)) {
        const v = view.find((t) => Number(t.company_id) === companyId && t.kind === kind)!;
        const expected = sumKey(
          companyId,
          rows.filter((r) => Number(r.company_id) === companyId),
        );
        expect(totalsKey(v), `${kind}, company ${companyId}`).toBe(expected);
        expect(totalsKey(fn.find((t) => Number(t.company_id) === companyId)!)).toBe(expected);
      }
    }
  });

  it('restricted by the company claim like every report', async () => {
    const [first, second] = companyIds(h);
    const rows = await h.sql.begin(async (tx) => {
      await tx`set local role authenticated`;
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'authenticated', company_ids: [second] })}, true)`;
      return [
        await tx`select company_id from reporting.aged_totals`,
        await tx`select company_id from reporting.aged_totals_as_of(current_date, 'receivable')`,
        await tx`select * from reporting.aged_totals_as_of(current_date, 'receivable', ${first})`,
        await tx`select distinct company_id from reporting.aged_balance_top(current_date, 'payable')`,
      ];
    });
    expect(rows[0].map((r) => Number(r.company_id))).toEqual([second, second]);
    expect(rows[1].map((r) => Number(r.company_id))).toEqual([second]);
    expect(rows[2]).toHaveLength(0);
    expect(rows[3].map((r) => Number(r.company_id))).toEqual([second]);
  });
});
