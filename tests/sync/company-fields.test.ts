import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../../packages/shared/src/odoo/client.ts';
import { loadOdooConfig } from '../../packages/shared/src/odoo/config.ts';
import { type SyncHarness, startSyncHarness } from './harness.ts';

// Company-dependent fields against the simulator's Odoo 19: partners' property accounts
// (stored, company_dependent) and account codes (non-stored, from the company-dependent
// code_store) are read once per company and kept per (record, company) in the companion
// tables; what each company sees, and only that, is there after every kind of pass.
type Row = Record<string, unknown>;
const PROPS = ['property_account_receivable_id', 'property_account_payable_id'];
const m2o = (v: unknown) => (Array.isArray(v) ? Number(v[0]) : v ? Number(v) : null);

let h: SyncHarness;
let odoo: OdooClient;
let companies: number[];

/** What Odoo returns for `fields` of every record of `model`, under each company alone. */
async function perCompanyTruth(model: string, fields: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of companies) {
    const rows = (await odoo.searchRead(model, [], {
      fields,
      context: { active_test: false, allowed_company_ids: [c] },
    })) as Row[];
    for (const r of rows) out.push([r.id, c, ...fields.map((f) => rowValue(r[f]))].join('|'));
  }
  return out.sort();
}

const rowValue = (v: unknown) => (typeof v === 'string' ? v : (m2o(v) ?? '-'));

async function companion(table: string, fields: string[]): Promise<string[]> {
  const rows = await h.sql.unsafe(
    `select id, company_id, ${fields.join(', ')} from odoo.${table}__company`,
  );
  return rows
    .map((r) =>
      [Number(r.id), Number(r.company_id), ...fields.map((f) => rowValue(r[f]))].join('|'),
    )
    .sort();
}

beforeAll(async () => {
  h = await startSyncHarness({ odooVersion: 19, seed: 11, scale: 1500 });
  odoo = createOdooClient(loadOdooConfig({ ...h.env }));
  companies = await odoo.search('res.company', [], { context: { active_test: false } });
  await h.syncToEnd();
});

afterAll(async () => {
  await h?.close();
});

describe('company-dependent fields on Odoo 19', () => {
  it('keeps every partner property per company as each company reads it', async () => {
    expect(companies.length).toBeGreaterThan(1);
    const truth = await perCompanyTruth('res.partner', PROPS);
    expect(truth.length).toBeGreaterThan(companies.length);
    // The companies disagree: one read under all companies would have missed that.
    const byCompany = new Set(truth.map((t) => t.split('|').slice(1).join('|')));
    expect(byCompany.size).toBeGreaterThanOrEqual(companies.length);
    expect(await companion('res_partner', PROPS)).toEqual(truth);
    const [state] =
      await h.sql`select company_columns, columns from ods.sync_state where model = 'res.partner'`;
    expect(state.company_columns.map((c: Row) => c.name).sort()).toEqual([...PROPS].sort());
    expect(state.columns.map((c: Row) => c.name)).not.toContain(PROPS[0]);
  });

  it('keeps every account code per company (non-stored in 18+)', async () => {
    const truth = await perCompanyTruth('account.account', ['code']);
    expect(truth.length).toBeGreaterThan(0);
    expect(await companion('account_account', ['code'])).toEqual(truth);
    const [{ n }] =
      await h.sql`select count(*)::int as n from reporting.partner_ledger where account_code is null`;
    const [{ total }] = await h.sql`select count(*)::int as total from reporting.partner_ledger`;
    expect(total).toBeGreaterThan(0);
    expect(n).toBe(0);
  });

  it('follows a record a company stops seeing, and one deleted in Odoo', async () => {
    const id = h.sim.control.create('res.partner', { name: 'Per-company probe', is_company: true });
    await h.syncToEnd();
    const rows = async () =>
      (
        await h.sql`select company_id from odoo.res_partner__company where id = ${id} order by 1`
      ).map((r) => Number(r.company_id));
    expect(await rows()).toEqual(companies);

    // Now only the first company sees it: the others' rows go on the next incremental pass.
    h.sim.control.update('res.partner', id, { company_id: companies[0] });
    await h.syncToEnd();
    expect(await rows()).toEqual([companies[0]]);

    h.sim.control.delete('res.partner', id, { force: true });
    await h.syncToEnd({ mode: 'reconcile' });
    expect(await rows()).toEqual([]);
    expect(await companion('res_partner', PROPS)).toEqual(
      await perCompanyTruth('res.partner', PROPS),
    );
  });
});
