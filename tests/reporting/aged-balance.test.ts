import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateToDays } from '../../packages/odoo-sim/src/dates.ts';
import { versionsUnderTest } from '../setup/versions.ts';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';
import { agedKeys, companyIds, randomDates, refreshAll } from './helpers.ts';

// reporting.aged_balance against the simulator's independent computation of Odoo's algorithm
// (reference §8.1), to the cent, for many random as-of dates, both kinds, every company; on
// the data of each Odoo version under test (from 18: accounts shared through company_ids, and
// code_store).
describe.each(versionsUnderTest())('aged balance on Odoo %i data', (odooVersion) => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 31 + odooVersion, scale: 3000, odooVersion });
    const c = h.sim.control;
    const comp = c.books.companies[0];
    const customer = Number(
      c.truth('account.move').find((m) => m.move_type === 'out_invoice')!.partner_id as number,
    );
    // A non-trade receivable (excluded by Odoo's default options) and a trade receivable item
    // without partner (Odoo's "Unknown" group), besides the generated books.
    c.store.transaction((tx) => {
      const where = odooVersion >= 18 ? { company_ids: [comp.id] } : { company_id: comp.id };
      const code = odooVersion >= 18 ? { code_store: '431000' } : { code: '431000' };
      const nonTrade = tx.create('account.account', {
        ...code,
        ...where,
        name: 'Staff loans',
        account_type: 'asset_receivable',
        internal_group: 'asset',
        reconcile: true,
        non_trade: true,
      });
      c.books.registerAccount(nonTrade, 'asset_receivable', true);
      const day = dateToDays('2026-03-02');
      c.books.createEntry(
        tx,
        comp,
        day,
        [
          { accountId: nonTrade, partnerId: customer, name: 'Loan', balanceCents: 500_000 },
          { accountId: comp.accounts.receivable, name: 'No partner', balanceCents: 12_345 },
          { accountId: comp.accounts.bank, name: 'Loan', balanceCents: -512_345 },
        ],
        'posted',
        'Staff loan',
      );
    });
    await h.syncToEnd();
    await refreshAll(h.sql);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the fixture reached the mirror (non_trade synced, partner-less item present)', async () => {
    const [{ n }] = await h.sql`select count(*)::int as n from odoo.account_account
      where non_trade`;
    expect(n).toBe(1);
    const rows = await h.sql`select * from reporting.aged_balance('2026-03-02', 'receivable')
      where partner_id is null`;
    expect(rows.length).toBeGreaterThan(0);
  });

  const dates = randomDates(2025 + odooVersion, 25, '2024-10-20', '2027-02-28');

  it.each(['receivable', 'payable'] as const)(
    'every bucket per partner equals the simulator for 25 random dates, every company and each alone (%s)',
    async (kind) => {
      let compared = 0;
      for (const asOf of dates) {
        const rows = await h.sql`select * from reporting.aged_balance(${asOf}::date, ${kind})`;
        for (const companyId of companyIds(h)) {
          const expected = h.sim.control.agedBalance(asOf, kind, companyId);
          const actual = rows.filter((r) => Number(r.company_id) === companyId);
          expect(agedKeys(actual), `${kind} as of ${asOf}, company ${companyId}`).toEqual(
            agedKeys(expected),
          );
          // One company is ranked from the timeline of totals, its buckets computed per row.
          const one = await h.sql`select * from reporting.aged_balance(${asOf}::date, ${kind},
            ${companyId})`;
          expect(agedKeys(one), `${kind} as of ${asOf}, company ${companyId} alone`).toEqual(
            agedKeys(expected),
          );
          compared += expected.length;
        }
      }
      expect(compared).toBeGreaterThan(100); // the dates hit real open items
    },
  );

  it('aged_receivable / aged_payable are the function as of today, and the simulator', async () => {
    for (const kind of ['receivable', 'payable'] as const) {
      const view = await h.sql.unsafe(`select * from reporting.aged_${kind}`);
      const fn = await h.sql`select * from reporting.aged_balance(current_date, ${kind})`;
      const [{ today }] = await h.sql`select current_date::text as today`;
      expect(agedKeys(view)).toEqual(agedKeys(fn));
      expect(agedKeys(view)).toEqual(agedKeys(h.sim.control.agedBalance(today, kind)));
      expect(view.length).toBeGreaterThan(0);
    }
  });

  it('rejects an invalid kind with a clear error', async () => {
    await expect(
      h.sql`select * from reporting.aged_balance(current_date, 'receivables')`,
    ).rejects.toMatchObject({
      code: '22023',
      message: expect.stringContaining("kind must be 'receivable' or 'payable'"),
    });
  });
});
