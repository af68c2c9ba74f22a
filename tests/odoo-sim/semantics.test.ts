import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { call, jsonrpc } from './rpc-helpers.ts';

describe.each([16, 17, 18, 19] as const)('odoo-sim ORM semantics on Odoo %i', (odooVersion) => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 2000, seed: 5, odooVersion });
  });
  afterAll(() => sim.close());

  it('evaluates domains with prefix operators, like and in', async () => {
    const all = await call(sim, 'res.partner', 'search_read', [[]], {
      fields: ['name', 'email', 'is_company'],
      order: 'id',
      context: { active_test: false },
    });
    const expectIds = (pred: (r: any) => boolean) => all.filter(pred).map((r: any) => r.id);
    const ids = async (domain: unknown[]) =>
      (await call(sim, 'res.partner', 'search', [domain], {
        order: 'id',
        context: { active_test: false },
      })) as number[];
    expect(await ids(['|', ['is_company', '=', true], ['email', '=', false]])).toEqual(
      expectIds((r) => r.is_company || r.email === false),
    );
    expect(await ids(['!', ['name', 'ilike', 'á']])).toEqual(
      expectIds((r) => !r.name?.toLowerCase().includes('á')),
    );
    expect(await ids([['name', '=like', 'Tom%']])).toEqual(
      expectIds((r) => typeof r.name === 'string' && r.name.startsWith('Tom')),
    );
    expect(await ids([['id', 'in', [1, 3, 999999]]])).toEqual([1, 3]);
    expect(
      await ids([
        ['id', 'not in', [1]],
        ['id', '<=', 3],
      ]),
    ).toEqual([2, 3]);
    expect(await ids([['email', 'not ilike', 'example']])).toEqual(
      expectIds((r) => r.email === false || !r.email.includes('example')),
    );
  });

  it('orders, limits and offsets with an id tiebreak', async () => {
    const rows = await call(sim, 'account.move', 'search_read', [[]], {
      fields: ['date'],
      order: 'date desc',
      limit: 50,
    });
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i - 1].date >= rows[i].date).toBe(true);
      if (rows[i - 1].date === rows[i].date) expect(rows[i - 1].id < rows[i].id).toBe(true);
    }
    const page2 = await call(sim, 'account.move', 'search_read', [[]], {
      fields: ['date'],
      order: 'date desc',
      limit: 10,
      offset: 10,
    });
    expect(page2).toEqual(rows.slice(10, 20));
    const byId = await call(sim, 'account.move.line', 'search', [[['id', '>', 100]]], {
      order: 'id desc',
      limit: 3,
    });
    expect(byId[0]).toBeGreaterThan(byId[1]);
  });

  it('hides archived rows unless active_test is false, but read returns them', async () => {
    const archived = await call(sim, 'res.partner', 'search', [[['active', '=', false]]]);
    expect(archived.length).toBeGreaterThan(0);
    const visible = await call(sim, 'res.partner', 'search', [[['id', '=', archived[0]]]]);
    expect(visible).toEqual([]);
    const hidden = await call(sim, 'res.partner', 'search', [[['id', '=', archived[0]]]], {
      context: { active_test: false },
    });
    expect(hidden).toEqual([archived[0]]);
    const read = await call(sim, 'res.partner', 'read', [[archived[0]], ['active']]);
    expect(read).toEqual([{ id: archived[0], active: false }]);
  });

  it('restricts records by allowed_company_ids', async () => {
    const total = await call(sim, 'account.move', 'search_count', [[]]);
    const c1 = await call(sim, 'account.move', 'search_count', [[]], {
      context: { allowed_company_ids: [1] },
    });
    const c2 = await call(sim, 'account.move', 'search_count', [[]], {
      context: { allowed_company_ids: [2, 3] },
    });
    expect(c1 + c2).toBe(total);
    const other = await call(sim, 'account.move', 'search', [[]], {
      limit: 1,
      context: { allowed_company_ids: [2] },
    });
    const denied = await jsonrpc(sim, 'account.move', 'read', [other, ['name']], {
      context: { allowed_company_ids: [1] },
    });
    expect(denied.error.data.name).toBe('odoo.exceptions.AccessError');
  });

  it('stores write_date with microseconds, returns seconds and compares at full precision', async () => {
    sim.control.setClock('2030-01-01 10:00:00.500000', { frozen: true });
    const id = sim.control.create('res.partner', { name: 'Precise' });
    sim.control.setClock(null);
    const truth = sim.control.truth('res.partner').find((r) => r.id === id)!;
    expect(truth.write_date).toBe('2030-01-01 10:00:00.500000');
    const [row] = await call(sim, 'res.partner', 'read', [[id], ['write_date']]);
    expect(row.write_date).toBe('2030-01-01 10:00:00');
    expect(
      await call(sim, 'res.partner', 'search', [[['write_date', '>=', '2030-01-01 10:00:00']]]),
    ).toEqual([id]);
    expect(
      await call(sim, 'res.partner', 'search', [[['write_date', '>', '2030-01-01 10:00:00']]]),
    ).toEqual([id]);
    expect(
      await call(sim, 'res.partner', 'search', [[['write_date', '=', '2030-01-01 10:00:00']]]),
    ).toEqual([]);
  });

  it('formats values like Odoo (False, many2one pairs, x2many ids, load)', async () => {
    const [line] = await call(
      sim,
      'account.move.line',
      'search_read',
      [[['full_reconcile_id', '!=', false]]],
      {
        fields: [
          'move_id',
          'full_reconcile_id',
          'matched_debit_ids',
          'matched_credit_ids',
          'date_maturity',
        ],
        limit: 1,
      },
    );
    expect(line.move_id).toEqual([expect.any(Number), expect.any(String)]);
    expect(Array.isArray(line.matched_debit_ids)).toBe(true);
    const [bare] = await call(sim, 'account.move.line', 'search_read', [[['id', '=', line.id]]], {
      fields: ['move_id'],
      load: '',
    });
    expect(bare.move_id).toBe(line.move_id[0]);
    const [move] = await call(sim, 'account.move', 'search_read', [[['move_type', '=', 'entry']]], {
      fields: ['invoice_date', 'partner_id'],
      limit: 1,
    });
    expect(move.invoice_date).toBe(false);
    const fields = await call(sim, 'account.move.line', 'fields_get', [], {
      attributes: ['type', 'store', 'relation'],
    });
    expect(fields.move_id).toEqual({ type: 'many2one', store: true, relation: 'account.move' });
    expect(fields.display_name.store).toBe(false);
  });

  it('answers read_group sums per month that match the rows', async () => {
    const groups = await call(
      sim,
      'account.move.line',
      'read_group',
      [[['parent_state', '=', 'posted']], ['debit:sum', 'credit:sum'], ['date:month']],
      { lazy: false },
    );
    const rows = await call(
      sim,
      'account.move.line',
      'search_read',
      [[['parent_state', '=', 'posted']]],
      { fields: ['debit', 'date'] },
    );
    const sum = rows.reduce((s: number, r: any) => s + Math.round(r.debit * 100), 0);
    expect(groups.reduce((s: number, g: any) => s + Math.round(g.debit * 100), 0)).toBe(sum);
    expect(groups.reduce((s: number, g: any) => s + g.__count, 0)).toBe(rows.length);
    expect(groups[0]['date:month']).toMatch(/^[A-Z][a-z]+ \d{4}$/);
    expect(groups[0].__range['date:month'].from).toMatch(/^\d{4}-\d{2}-01$/);
  });
});
