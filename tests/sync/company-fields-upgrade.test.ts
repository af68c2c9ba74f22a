import { expect, it } from 'vitest';
import { diffWithTruth, startSyncHarness } from './harness.ts';

// Odoo 17 → 18 under a running copy: account codes stop being a plain stored field and become
// one per company (computed from code_store). The copy backfills every account's code per
// company (not only accounts that change afterwards), and the reports follow.
it('moves account codes to per-company values on a 17 → 18 upgrade', async () => {
  const h = await startSyncHarness({ odooVersion: 17, seed: 9, scale: 1000 });
  try {
    // fields_get is read again at every run, so the upgrade is seen at once.
    const extraEnv = { SYNC_SCHEMA_TTL_MINUTES: '0' };
    await h.syncToEnd({ extraEnv });
    const [{ plain }] = await h.sql`select count(*)::int as plain from odoo.account_account
      where code is not null`;
    expect(plain).toBeGreaterThan(0);
    expect(await h.sql`select 1 from odoo.account_account__company`).toHaveLength(0);

    h.sim.control.upgrade(18);
    await h.syncToEnd({ extraEnv });
    const ctl = h.sim.control;
    const truth = ctl
      .truth('res.company')
      .flatMap((c) =>
        ctl
          .readAs('account.account', c.id as number, ['code'])
          .map((a) => `${a.id}|${c.id}|${a.code}`),
      )
      .sort();
    const copied = (await h.sql`select id, company_id, code from odoo.account_account__company`)
      .map((r) => `${r.id}|${r.company_id}|${r.code}`)
      .sort();
    expect(copied).toEqual(truth);
    const [{ missing }] = await h.sql`select count(*)::int as missing
      from reporting.partner_ledger where account_code is null`;
    expect(missing).toBe(0);
    // (Other models' upgrade changes, made without a write_date, are another test's subject.)
    for (const model of ['account.account', 'res.partner']) {
      expect(await diffWithTruth(h, model), model).toEqual([]);
    }
  } finally {
    await h.close();
  }
}, 120_000);
