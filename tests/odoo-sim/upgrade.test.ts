import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { call, control } from './rpc-helpers.ts';

// An in-place upgrade migrates data by SQL, as Odoo's upgrade scripts do: the catalog
// changes, ids and write_date do not.
type Row = Record<string, any>;
const byId = (rows: Row[]) => new Map(rows.map((r) => [r.id as number, r]));
const MODELS = ['account.account', 'account.move', 'account.move.line', 'account.payment'];

describe('odoo-sim upgrades in place', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 1500, seed: 17, odooVersion: 16, nameCostUs: 0 });
  });
  afterAll(() => sim.close());

  const snapshot = () => Object.fromEntries(MODELS.map((m) => [m, byId(sim.control.truth(m))]));
  const expectSameRowsAndStamps = (before: Record<string, Map<number, Row>>) => {
    for (const m of MODELS) {
      const after = byId(sim.control.truth(m));
      expect([...after.keys()], m).toEqual([...before[m].keys()]);
      for (const [id, row] of after)
        expect(row.write_date, `${m} ${id}`).toBe(before[m].get(id)!.write_date);
    }
  };

  it('16 → 17: matching numbers by SQL, full reconcile names gone', async () => {
    const before = snapshot();
    expect((await control(sim, 'upgrade', { to: 17 })).from).toBe(16);
    expect(sim.odooVersion).toBe(17);
    expectSameRowsAndStamps(before);
    for (const l of byId(sim.control.truth('account.move.line')).values()) {
      const old = before['account.move.line'].get(l.id)!;
      if (l.full_reconcile_id) {
        expect(old.matching_number).toMatch(/^A\d+$/);
        expect(l.matching_number).toBe(String(l.full_reconcile_id));
      } else if (old.matching_number === 'P') expect(l.matching_number).toMatch(/^P\d+$/);
    }
    const full = await call(sim, 'account.full.reconcile', 'fields_get', [], {
      attributes: ['type'],
    });
    expect(full.name).toBeUndefined();
    expect(
      Boolean((await call(sim, 'res.company', 'fields_get', [['parent_id']], {})).parent_id),
    ).toBe(true);
  });

  it('17 → 18: shared accounts with per-company codes, payments of their own', async () => {
    const accFieldsBefore = await call(sim, 'account.account', 'fields_get', [], {
      attributes: ['type', 'store'],
    });
    expect(accFieldsBefore.company_id.type).toBe('many2one');
    const before = snapshot();
    sim.upgrade(18);
    const res = await fetch(`${sim.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: { service: 'common', method: 'version', args: [] } }),
    });
    expect((await res.json()).result.server_version).toBe('18.0');
    expectSameRowsAndStamps(before);
    const acc = await call(sim, 'account.account', 'fields_get', [], {
      attributes: ['type', 'store'],
    });
    expect(acc.company_id).toBeUndefined();
    expect(acc.company_ids).toEqual({ type: 'many2many', store: true });
    expect(acc.code.store).toBe(false);
    for (const a of byId(sim.control.truth('account.account')).values()) {
      const old = before['account.account'].get(a.id)!;
      expect(a.company_ids).toEqual([old.company_id]);
      expect(a.code_store).toEqual({ [old.company_id]: old.code });
    }
    const someAccount = [...before['account.account'].values()].find((a) => a.company_id !== 1)!;
    const [read] = await call(sim, 'account.account', 'read', [[someAccount.id], ['code']], {
      context: { allowed_company_ids: [someAccount.company_id] },
    });
    expect(read.code).toBe(someAccount.code);
    const moves = byId(sim.control.truth('account.move'));
    let linked = 0;
    for (const p of sim.control.truth('account.payment') as Row[]) {
      const old = before['account.payment'].get(p.id)!;
      expect(p.state).toBe(
        old.state === 'posted' ? (p.is_reconciled ? 'paid' : 'in_process') : old.state,
      );
      expect(p.memo).toBe(old.ref);
      expect(moves.get(p.move_id)!.origin_payment_id).toBe(
        before['account.move'].get(p.move_id)!.payment_id,
      );
      for (const inv of p.invoice_ids) {
        expect(moves.get(inv)!.matched_payment_ids).toContain(p.id);
        linked++;
      }
    }
    expect(linked).toBeGreaterThan(0);
    // The books keep working on the new version.
    expect(sim.control.activity.step(40).changes).toBeGreaterThan(0);
  });

  it('18 → 19: deprecated becomes active', async () => {
    const before = snapshot();
    await control(sim, 'upgrade', { to: 19 });
    expectSameRowsAndStamps(before);
    for (const a of byId(sim.control.truth('account.account')).values()) {
      expect(a.active).toBe(!before['account.account'].get(a.id)!.deprecated);
    }
    const archived = await call(sim, 'account.account', 'search', [[['active', '=', false]]]);
    expect(archived.length).toBe(3);
    expect((await fetch(`${sim.url}/web/version`)).status).toBe(200);
    await expect(control(sim, 'upgrade', { to: 18 })).rejects.toThrow(/cannot go back/);
  });
});
