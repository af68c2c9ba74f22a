import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { call, control, jsonrpc } from './rpc-helpers.ts';

// Company-dependent fields hold one value per company; a read answers env.company's value
// (first of allowed_company_ids, else the user's default company) — reference §7.
const inCompany = (c: number) => ({ context: { allowed_company_ids: [c] } });

describe.each([16, 17, 18, 19] as const)('company-dependent values on Odoo %i', (version) => {
  let sim: RunningSim;
  let c1: number;
  let c2: number;
  const shared = version >= 18;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 600, seed: 21, odooVersion: version, nameCostUs: 0 });
    [c1, c2] = sim.control.books.companies.map((c) => c.id);
  });
  afterAll(() => sim.close());

  /** The account the first two companies share (18+). */
  const sharedAccount = async (fields: string[]) =>
    (
      await call(
        sim,
        'account.account',
        'search_read',
        [
          [
            ['company_ids', 'in', [c2]],
            ['company_ids', 'in', [c1]],
          ],
        ],
        { fields, ...inCompany(c1) },
      )
    )[0];

  it('describes property fields as company-dependent, stored only from 18', async () => {
    const fields = await call(sim, 'res.partner', 'fields_get', [], {
      attributes: ['store', 'company_dependent'],
    });
    expect(fields.property_account_receivable_id).toEqual({
      store: version >= 18,
      company_dependent: true,
    });
    const acc = await call(sim, 'account.account', 'fields_get', [], {
      attributes: ['store', 'company_dependent', 'type'],
    });
    if (shared) {
      expect(acc.code).toEqual({ store: false, company_dependent: false, type: 'char' });
      expect(acc.code_store).toEqual({ store: true, company_dependent: true, type: 'char' });
      expect(acc.company_id).toBeUndefined();
    } else {
      expect(acc.code).toEqual({ store: true, company_dependent: false, type: 'char' });
      expect(acc.code_store).toBeUndefined();
    }
  });

  it.runIf(shared)(
    'reads a shared account’s code per company, the default company without context',
    async () => {
      const account = await sharedAccount(['company_ids', 'code']);
      expect(account.company_ids).toEqual([c1, c2]);
      const codeIn = async (kw: Record<string, unknown>) =>
        (
          await call(sim, 'account.account', 'read', [[account.id], ['code', 'display_name']], kw)
        )[0];
      const one = await codeIn(inCompany(c1));
      const two = await codeIn(inCompany(c2));
      expect(one.code).toBe('607000');
      expect(two.code).toBe('607001');
      expect(one.display_name).toBe(`607000 ${one.display_name.slice(7)}`);
      expect(two.display_name.startsWith('607001 ')).toBe(true);
      expect((await codeIn({})).code).toBe(one.code);
      const truth = sim.control.truth('account.account').find((a) => a.id === account.id)!;
      expect(truth.code_store).toEqual({ [c1]: '607000', [c2]: '607001' });
      expect(truth.code).toBeUndefined();
      // code is searchable and orders by env.company's code
      const found = await call(
        sim,
        'account.account',
        'search',
        [[['code', '=', '607001']]],
        inCompany(c2),
      );
      expect(found).toEqual([account.id]);
    },
  );

  it.runIf(shared)(
    'record rules: an account of another company is invisible or refused',
    async () => {
      const visible2 = await call(sim, 'account.account', 'search_read', [[]], {
        fields: ['company_ids'],
        ...inCompany(c2),
      });
      expect(visible2.length).toBeGreaterThan(10);
      for (const a of visible2) expect(a.company_ids).toContain(c2);
      const only1 = sim.control
        .truth('account.account')
        .find((a) => (a.company_ids as number[]).join() === String(c1))!;
      const refused = await jsonrpc(
        sim,
        'account.account',
        'read',
        [[only1.id], ['code']],
        inCompany(c2),
      );
      expect(refused.error.data.name).toBe('odoo.exceptions.AccessError');
      const [placeholder] = await call(
        sim,
        'account.account',
        'read',
        [[only1.id], ['code', 'placeholder_code']],
        { context: { allowed_company_ids: [c2, c1] } },
      );
      expect(placeholder.code).toBe(false);
      expect(placeholder.placeholder_code).toMatch(/^\d{6} \(AGV Finanzas España/);
    },
  );

  it.runIf(shared)(
    'writes code for env.company through the ORM and groups by code_store',
    async () => {
      const account = await sharedAccount(['code']);
      const before = sim.control.truth('account.account').find((a) => a.id === account.id)!;
      sim.control.advanceClock(5);
      expect(
        await call(
          sim,
          'account.account',
          'write',
          [[account.id], { code: '607999' }],
          inCompany(c2),
        ),
      ).toBe(true);
      const after = sim.control.truth('account.account').find((a) => a.id === account.id)!;
      expect(after.code_store).toEqual({ [c1]: '607000', [c2]: '607999' });
      expect((after.write_date as string) > (before.write_date as string)).toBe(true);
      const groups = await call(
        sim,
        'account.account',
        'read_group',
        [[], ['code_store'], ['code_store']],
        {
          ...inCompany(c2),
          lazy: false,
        },
      );
      expect(groups.map((g: any) => g.code_store)).toContain('607999');
      expect(groups.map((g: any) => g.code_store)).not.toContain('607000');
    },
  );

  it('property accounts default per company; a control op sets one company’s value', async () => {
    const partner = sim.control.truth('res.partner').find((p) => !p.company_id && p.active)!;
    const read = async (c: number) =>
      (
        await call(
          sim,
          'res.partner',
          'read',
          [[partner.id], ['property_account_receivable_id', 'write_date']],
          {
            load: '',
            ...inCompany(c),
          },
        )
      )[0];
    const [r1, r2] = [await read(c1), await read(c2)];
    expect(r1.property_account_receivable_id).toBe(
      sim.control.books.companyOf(c1).accounts.receivable,
    );
    expect(r2.property_account_receivable_id).toBe(
      sim.control.books.companyOf(c2).accounts.receivable,
    );
    const other = sim.control.books.companyOf(c2).accounts.asset_current;
    sim.control.advanceClock(5);
    await control(sim, 'set-company-value', {
      model: 'res.partner',
      ids: [partner.id],
      companyId: c2,
      values: { property_account_receivable_id: other },
    });
    const [a1, a2] = [await read(c1), await read(c2)];
    expect(a2.property_account_receivable_id).toBe(other);
    expect(a1.property_account_receivable_id).toBe(r1.property_account_receivable_id);
    expect(a2.write_date > r2.write_date).toBe(true);
    const truth = sim.control.truth('res.partner').find((p) => p.id === partner.id)!;
    expect(truth.property_account_receivable_id).toEqual({ [c2]: other });
    const rows = sim.control.readAs('res.partner', c2, ['property_account_receivable_id']);
    expect(rows.find((r) => r.id === partner.id)!.property_account_receivable_id).toBe(other);
  });
});
