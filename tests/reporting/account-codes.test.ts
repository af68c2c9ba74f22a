import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';

// Account codes in the reports on Odoo 18+, where one account is shared by several companies
// under a code per company: the partner ledger and the cash position show the code of the
// row's company, and a company's code changed in Odoo reaches them after one sync.
type Row = Record<string, any>;

describe.each([{ odooVersion: 18 as const }, { odooVersion: 19 as const }])(
  'account codes on Odoo $odooVersion',
  ({ odooVersion }) => {
    let h: SyncHarness;
    let c1: number;
    let c2: number;
    let receivable: number;
    let bank: number;
    const codeAs = (company: number, id: number) =>
      h.sim.control.readAs('account.account', company, ['code']).find((a) => a.id === id)?.code;

    beforeAll(async () => {
      h = await startSyncHarness({ odooVersion, seed: 3, scale: 1500 });
      // Refreshes come from the sync slices alone (what this file checks), not from the cron.
      await h.sql`select cron.unschedule('reporting-refresh')`;
      const ctl = h.sim.control;
      [c1, c2] = ctl.truth('res.company').map((c) => c.id as number);
      const accounts = ctl.truth('account.account');
      const ofCompany = (type: string, company: number) =>
        accounts.find(
          (a) => a.account_type === type && (a.company_ids as number[]).join() === String(company),
        )!.id as number;
      // The first company's receivable and bank accounts become shared with the second, under
      // codes of its own; some of the second company's receivable items and one of its bank
      // journals move onto them.
      receivable = ofCompany('asset_receivable', c1);
      bank = ofCompany('asset_cash', c1);
      for (const [id, code] of [
        [receivable, '121099'],
        [bank, '101099'],
      ] as const) {
        ctl.update('account.account', id, { company_ids: [c1, c2] });
        ctl.setCompanyValue('account.account', id, c2, { code });
      }
      const theirs = ofCompany('asset_receivable', c2);
      const lines = ctl
        .truth('account.move.line')
        .filter(
          (l) => l.company_id === c2 && l.account_id === theirs && l.parent_state === 'posted',
        )
        .slice(0, 5);
      ctl.update(
        'account.move.line',
        lines.map((l) => l.id as number),
        { account_id: receivable },
      );
      const journal = ctl
        .truth('account.journal')
        .find((j) => j.type === 'bank' && j.company_id === c2)!;
      ctl.update('account.journal', journal.id as number, { default_account_id: bank });
      await h.syncToEnd();
    });

    afterAll(async () => {
      await h?.close();
    });

    it('keeps each company’s code of a shared account', async () => {
      const rows = await h.sql`select id, company_id, code from odoo.account_account__company
      where id in (${receivable}, ${bank}) order by id, company_id`;
      expect(rows.map((r) => [Number(r.id), Number(r.company_id), r.code])).toEqual([
        [receivable, c1, codeAs(c1, receivable)],
        [receivable, c2, '121099'],
        [bank, c1, codeAs(c1, bank)],
        [bank, c2, '101099'],
      ]);
      // Every account of the generated books has its code in every company that sees it.
      const [{ n }] = await h.sql`select count(*)::int as n from odoo.account_account a
      where not exists (select 1 from odoo.account_account__company c where c.id = a.id)`;
      expect(n).toBe(0);
    });

    it('shows the code of the row’s company in the partner ledger and the cash position', async () => {
      const ledger = await h.sql`select distinct company_id, account_code
      from reporting.partner_ledger where account_id = ${receivable} order by 1`;
      expect(ledger.map((r: Row) => [Number(r.company_id), r.account_code])).toEqual([
        [c1, codeAs(c1, receivable)],
        [c2, '121099'],
      ]);
      const cash = await h.sql`select distinct company_id, account_code
      from reporting.cash_position where account_id = ${bank} order by 1`;
      expect(cash.map((r: Row) => [Number(r.company_id), r.account_code])).toEqual([
        [c1, codeAs(c1, bank)],
        [c2, '101099'],
      ]);
      const [{ missing }] = await h.sql`select count(*)::int as missing
      from reporting.partner_ledger where account_code is null`;
      expect(missing).toBe(0);
    });

    it('shows a code changed in Odoo after one sync', async () => {
      h.sim.control.setCompanyValue('account.account', receivable, c2, { code: '121555' });
      h.sim.control.setCompanyValue('account.account', bank, c1, { code: '101555' });
      await h.syncToEnd();
      const ledger = await h.sql`select distinct account_code from reporting.partner_ledger
      where account_id = ${receivable} and company_id = ${c2}`;
      expect(ledger.map((r: Row) => r.account_code)).toEqual(['121555']);
      const cash = await h.sql`select distinct account_code from reporting.cash_position
      where account_id = ${bank} and company_id = ${c1}`;
      expect(cash.map((r: Row) => r.account_code)).toEqual(['101555']);
      // The companion table is an input of both views: a change there alone refreshes them.
      const inputs = await h.sql`select matview from ods.reporting_matviews
      where inputs @> '{account_account__company}' order by 1`;
      expect(inputs.map((r: Row) => r.matview)).toEqual([
        'reporting_private.cash_position',
        'reporting_private.partner_ledger',
      ]);
    });
  },
);
