import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncHarness, startSyncHarness } from './harness.ts';

// Company-dependent fields: partners' property accounts (company_dependent in every version;
// stored from 18) and 18+ account codes (non-stored, from the company-dependent code_store)
// are read once per company and kept per (record, company) in the companion tables; what each
// company sees, and only that, is there after every kind of pass, over every transport.
type Row = Record<string, unknown>;
const PROPS = ['property_account_receivable_id', 'property_account_payable_id'];
const m2o = (v: unknown) => (Array.isArray(v) ? Number(v[0]) : v ? Number(v) : null);

/** What Odoo answers for `fields` of every record of `model`, under each company alone. */
function perCompanyTruth(h: SyncHarness, model: string, fields: string[]): string[] {
  const out: string[] = [];
  for (const c of h.sim.control.truth('res.company').map((r) => r.id as number)) {
    for (const r of h.sim.control.readAs(model, c, fields)) {
      out.push([r.id, c, ...fields.map((f) => rowValue(r[f]))].join('|'));
    }
  }
  return out.sort();
}

const rowValue = (v: unknown) => (typeof v === 'string' ? v : (m2o(v) ?? '-'));

async function companion(h: SyncHarness, table: string, fields: string[]): Promise<string[]> {
  const rows = await h.sql.unsafe(
    `select id, company_id, ${fields.join(', ')} from odoo.${table}__company`,
  );
  return rows
    .map((r) =>
      [Number(r.id), Number(r.company_id), ...fields.map((f) => rowValue(r[f]))].join('|'),
    )
    .sort();
}

describe.each([
  { odooVersion: 17 as const, protocol: 'xmlrpc' },
  { odooVersion: 18 as const, protocol: 'jsonrpc' },
  { odooVersion: 19 as const, protocol: 'auto' },
])('company-dependent fields on Odoo $odooVersion over $protocol', ({ odooVersion, protocol }) => {
  let h: SyncHarness;
  let companies: number[];
  const extraEnv = { ODOO_PROTOCOL: protocol };
  const perCompany = (model: string, fields: string[]) => perCompanyTruth(h, model, fields);

  beforeAll(async () => {
    h = await startSyncHarness({ odooVersion, seed: 11, scale: 1000 });
    companies = h.sim.control.truth('res.company').map((r) => r.id as number);
    await h.syncToEnd({ extraEnv });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('keeps every partner property per company as each company reads it', async () => {
    expect(companies.length).toBeGreaterThan(1);
    const truth = perCompany('res.partner', PROPS);
    expect(truth.length).toBeGreaterThan(companies.length);
    // The companies disagree: one read under all companies would have missed that.
    const byCompany = new Set(truth.map((t) => t.split('|').slice(1).join('|')));
    expect(byCompany.size).toBeGreaterThanOrEqual(companies.length);
    expect(await companion(h, 'res_partner', PROPS)).toEqual(truth);
    const [state] =
      await h.sql`select company_columns, columns from ods.sync_state where model = 'res.partner'`;
    expect(state.company_columns.map((c: Row) => c.name).sort()).toEqual([...PROPS].sort());
    expect(state.columns.map((c: Row) => c.name)).not.toContain(PROPS[0]);
  });

  it('keeps every account code per company from 18 (a plain column before)', async () => {
    if (odooVersion < 18) {
      expect(await companion(h, 'account_account', ['code'])).toEqual([]);
      const [{ n }] =
        await h.sql`select count(*)::int as n from odoo.account_account where code is null`;
      expect(n).toBe(0);
    } else {
      const truth = perCompany('account.account', ['code']);
      expect(truth.length).toBeGreaterThan(0);
      expect(await companion(h, 'account_account', ['code'])).toEqual(truth);
    }
    const [{ n }] =
      await h.sql`select count(*)::int as n from reporting.partner_ledger where account_code is null`;
    const [{ total }] = await h.sql`select count(*)::int as total from reporting.partner_ledger`;
    expect(total).toBeGreaterThan(0);
    expect(n).toBe(0);
  });

  it('repairs per-company values that drifted in the content sweep', async () => {
    const [a, b] = await h.sql`select id, company_id from odoo.res_partner__company
      order by id, company_id limit 2`;
    await h.sql`update odoo.res_partner__company set property_account_receivable_id = null
      where id = ${a.id} and company_id = ${a.company_id}`;
    await h.sql`delete from odoo.res_partner__company
      where id = ${b.id} and company_id = ${b.company_id}`;
    const [sweep] = await h.syncToEnd({ mode: 'reconcile', models: ['res.partner'], extraEnv });
    expect(sweep.models[0].swept).toBe(2);
    expect(await companion(h, 'res_partner', PROPS)).toEqual(perCompany('res.partner', PROPS));
  });

  it('catches a per-company value rewritten within the second it was read', async () => {
    // write_date has whole seconds in the API: with Odoo's clock held inside one second, the
    // second write leaves the record looking exactly as the mirror read it after the first.
    const [first, second] = companies;
    const accounts = h.sim.control
      .truth('account.account')
      .filter((a) => a.company_id === second || (a.company_ids as number[])?.includes(second))
      .map((a) => a.id as number);
    const partner = h.sim.control.create('res.partner', { name: 'Same-second probe' });
    await h.syncToEnd({ extraEnv });
    const receivableOf = async () => {
      const [row] = await h.sql`select property_account_receivable_id as v
        from odoo.res_partner__company where id = ${partner} and company_id = ${second}`;
      return m2o(row?.v);
    };
    h.sim.control.setClock(h.sim.control.now(), { frozen: true });
    try {
      h.sim.control.setCompanyValue('res.partner', partner, second, {
        property_account_receivable_id: accounts[0],
      });
      await h.syncToEnd({ extraEnv });
      expect(await receivableOf()).toBe(accounts[0]);
      h.sim.control.setCompanyValue('res.partner', partner, second, {
        property_account_receivable_id: accounts[1],
      });
      await h.syncToEnd({ extraEnv });
      expect(await receivableOf()).toBe(accounts[1]);
    } finally {
      h.sim.control.setClock(null);
    }
    expect(first).not.toBe(second);
    expect(await companion(h, 'res_partner', PROPS)).toEqual(perCompany('res.partner', PROPS));
  });

  it('follows a record a company stops seeing, and one deleted in Odoo', async () => {
    const id = h.sim.control.create('res.partner', { name: 'Per-company probe', is_company: true });
    await h.syncToEnd({ extraEnv });
    const rows = async () =>
      (
        await h.sql`select company_id from odoo.res_partner__company where id = ${id} order by 1`
      ).map((r) => Number(r.company_id));
    expect(await rows()).toEqual(companies);

    // Now only the first company sees it: the others' rows go on the next incremental pass.
    h.sim.control.update('res.partner', id, { company_id: companies[0] });
    await h.syncToEnd({ extraEnv });
    expect(await rows()).toEqual([companies[0]]);

    h.sim.control.delete('res.partner', id, { force: true });
    await h.syncToEnd({ mode: 'reconcile', extraEnv });
    expect(await rows()).toEqual([]);
    expect(await companion(h, 'res_partner', PROPS)).toEqual(perCompany('res.partner', PROPS));
  });
});
