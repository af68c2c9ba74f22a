import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';
import { agedKeys, refreshAll } from './helpers.ts';

// ods.refresh_reporting: refreshes after a sync that changed its inputs and not otherwise, only
// the views whose inputs changed (the maintained reports by applying the changed rows), on a
// change of date for the "as of today" ones, never blocks readers and is single-flight.
let h: SyncHarness;
let other: postgres.Sql;

const short = (m: unknown) => String(m).replace('reporting_private.', '');
const counts = async () =>
  new Map(
    (await h.sql`select matview, refreshes from ods.reporting_matviews`).map((r) => [
      short(r.matview),
      Number(r.refreshes),
    ]),
  );

/**
 * The views refreshed since `before` (refresh counters), after one more ods.refresh_reporting()
 * call: whether the sync engine refreshed at the end of its run or not, the set is the same.
 */
async function refreshedSince(before: Map<string, number>): Promise<string[]> {
  await h.sql`select * from ods.refresh_reporting()`;
  const after = await counts();
  return [...after]
    .filter(([k, v]) => v > (before.get(k) ?? 0))
    .map(([k]) => k)
    .sort();
}

beforeAll(async () => {
  h = await startSyncHarness({ seed: 9, scale: 3000 });
  await h.sql`select cron.unschedule('reporting-refresh')`; // this file calls the refresh itself
  await h.syncToEnd();
  other = postgres(h.dbUrl, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await other?.end({ timeout: 2 });
  await h?.close();
});

describe('ods.refresh_reporting', () => {
  it('after the first sync every view is populated, and another call refreshes nothing', async () => {
    const before = await counts();
    expect(before.size).toBe(16);
    await h.sql`select * from ods.refresh_reporting()`; // whether or not the sync already did
    const populated = await counts();
    expect([...populated.values()].every((n) => n >= 1)).toBe(true);
    expect(await refreshedSince(populated)).toEqual([]);
  });

  it('a sync that changed nothing in Odoo refreshes nothing', async () => {
    const before = await counts();
    const summaries = await h.syncToEnd();
    expect(summaries.every((s) => s.outcome === 'ok')).toBe(true);
    expect(await refreshedSince(before)).toEqual([]);
    const [f] = await h.sql`select refresh_pending from reporting.freshness`;
    expect(f.refresh_pending).toBe(false);
  });

  it('a payment refreshes the views over journal items and reconciles, not the others', async () => {
    const c = h.sim.control;
    const invoice = c
      .truth('account.move')
      .find(
        (m) =>
          m.move_type === 'out_invoice' && m.state === 'posted' && Number(m.amount_residual) > 0,
      )!;
    const [{ today }] = await h.sql`select current_date::text as today`;
    const before = await counts();
    const agedBefore = agedKeys(
      await h.sql`select * from reporting.aged_balance(current_date, 'receivable')`,
    );
    c.pay(Number(invoice.id), undefined, today);
    await h.syncToEnd();
    expect(await refreshedSince(before)).toEqual(
      [
        'account_month_totals',
        'aged_items',
        'aged_payable_today',
        'aged_receivable_today',
        'cash_position',
        'cashflow_by_due_week',
        'open_documents',
        'partner_balances',
        'partner_ledger',
        'revenue_expenses_by_month',
        'trade_item_partials',
        'trade_items',
        'unmatched_month_totals',
      ].sort(),
    );
    // Each maintained report applied the payment's rows; none was rebuilt in full.
    const modes = await h.sql`select matview, last_mode from ods.reporting_matviews
      where maintained order by matview`;
    expect(modes.filter((m) => m.last_mode !== 'incremental')).toEqual([]);
    expect(modes).toHaveLength(13);
    const [{ diffs }] = await h.sql`select count(*)::int as diffs from ods.report_differences()
      where missing > 0 or extra > 0`;
    expect(diffs).toBe(0);
    const after = await h.sql`select * from reporting.aged_receivable`;
    expect(agedKeys(after)).not.toEqual(agedBefore);
    expect(agedKeys(after)).toEqual(agedKeys(c.agedBalance(today, 'receivable')));
    const [gone] = await h.sql`select count(*)::int as n from reporting.open_invoices
      where move_id = ${Number(invoice.id)}`;
    expect(gone.n).toBe(0);
  });

  it('a partner rename refreshes the partner names, the aged views and the open documents only', async () => {
    const partner = h.sim.control.truth('res.partner')[5];
    const before = await counts();
    h.sim.control.update('res.partner', Number(partner.id), {
      name: 'Renamed Partner',
      complete_name: 'Renamed Partner',
    });
    await h.syncToEnd();
    // open_documents keeps the name in its rows (the invoice search has statistics on it).
    expect(await refreshedSince(before)).toEqual([
      'aged_payable_today',
      'aged_receivable_today',
      'open_documents',
      'partners',
    ]);
    const [p] =
      await h.sql`select name from reporting.partners where partner_id = ${Number(partner.id)}`;
    expect(p.name).toBe('Renamed Partner');
    const names = await h.sql`select distinct partner_name from reporting.open_invoices
      where partner_id = ${Number(partner.id)}`;
    expect(names.map((n) => n.partner_name)).toEqual(['Renamed Partner']);
  });

  it('a snapshot of the partners (no ids logged) brings a rename into every report showing it', async () => {
    const [{ id }] = await h.sql`select a.partner_id::int as id from reporting.aged_receivable a
      where exists (select from reporting.open_invoices o where o.partner_id = a.partner_id)
      order by a.partner_id limit 1`;
    // As a snapshot page writes: the change is logged for the table, not per row.
    await h.sql.begin(async (tx) => {
      await tx`select set_config('ods.report_capture', 'bulk', true)`;
      await tx`update odoo.res_partner set name = 'Snapshot Name', complete_name = 'Snapshot Name',
        display_name = 'Snapshot Name' where id = ${id}`;
    });
    await h.sql`select * from ods.refresh_reporting()`;
    const aged = await h.sql`select distinct partner_name from reporting.aged_receivable
      where partner_id = ${id}`;
    expect(aged.map((r) => r.partner_name)).toEqual(['Snapshot Name']);
    const open = await h.sql`select distinct partner_name from reporting.open_invoices
      where partner_id = ${id}`;
    expect(open.map((r) => r.partner_name)).toEqual(['Snapshot Name']);
  });

  it('a change in the mirror shows as refresh_pending until the refresh', async () => {
    await h.sql`update odoo.account_move set ref = 'changed' where id = (select min(id) from odoo.account_move)`;
    const [f] = await h.sql`select refresh_pending from reporting.freshness`;
    expect(f.refresh_pending).toBe(true);
    const rows = await h.sql`select * from ods.refresh_reporting()`;
    expect(rows.filter((r) => r.refreshed).map((r) => short(r.matview))).toEqual([
      'open_documents',
    ]);
    // A maintained report: the one changed invoice recomputed, not the whole view.
    expect(rows.find((r) => r.refreshed)!.reason).toBe('incremental (1 keys)');
    const [g] = await h.sql`select refresh_pending from reporting.freshness`;
    expect(g.refresh_pending).toBe(false);
  });

  it('a new day refreshes the "as of today" views', async () => {
    await h.sql`update ods.reporting_matviews set as_of = as_of - 1
      where matview like 'reporting_private.aged_%'`;
    const rows = await h.sql`select * from ods.refresh_reporting()`;
    const refreshed = rows.filter((r) => r.refreshed);
    expect(refreshed.map((r) => r.matview).sort()).toEqual([
      'reporting_private.aged_payable_today',
      'reporting_private.aged_receivable_today',
    ]);
    // Maintained tables: rebuilt from their definitions once a day.
    expect(refreshed.every((r) => r.reason === 'full')).toBe(true);
  });

  it('readers are not blocked while a refresh runs, and see the new data at its commit', async () => {
    await h.sql.begin(async (tx) => {
      await tx`select * from ods.refresh_reporting(true)`; // holds its locks until commit
      const t0 = performance.now();
      const rows = await other.begin(async (r) => {
        await r`set local lock_timeout = '500ms'`;
        return [
          await r`select count(*)::int as n from reporting.aged_receivable`,
          await r`select count(*)::int as n from reporting.partner_ledger`,
          await r`select count(*)::int as n from reporting.aged_balance(current_date, 'payable')`,
        ];
      });
      expect(rows.every(([x]) => x.n > 0)).toBe(true);
      expect(performance.now() - t0).toBeLessThan(500);
      // A second refresh meanwhile does not wait either: it reports "busy".
      const busy = await other`select * from ods.refresh_reporting(true)`;
      expect(busy).toHaveLength(1);
      expect(busy[0].reason).toMatch(/^busy/);
    });
  });

  it('a reader in a long transaction does not block the refresh', async () => {
    await other.begin(async (r) => {
      await r`select count(*) from reporting.open_invoices`;
      await r`select count(*) from reporting.aged_payable`;
      await h.sql.begin(async (tx) => {
        await tx`set local lock_timeout = '2s'`;
        const rows = await tx`select * from ods.refresh_reporting(true)`;
        expect(rows.filter((x) => x.refreshed)).toHaveLength(16);
      });
    });
  });

  it('refresh bookkeeping: seen versions, timings, counts', async () => {
    await refreshAll(h.sql, false);
    const rows = await h.sql`select matview, seen, refreshed_at, last_ms, refreshes
      from ods.reporting_matviews`;
    expect(rows).toHaveLength(16);
    for (const r of rows) {
      expect(r.refreshed_at).toBeInstanceOf(Date);
      expect(Number(r.refreshes)).toBeGreaterThanOrEqual(3);
      expect(Object.keys(r.seen).length).toBeGreaterThan(0);
    }
  });
});
