import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { call, json2 } from './rpc-helpers.ts';

// What each simulated version's fields_get and data say, per reference §6 (16: account_type,
// no branches, matching computed by the ORM; 18: shared accounts, payments of their own;
// 19: active, JSON-2).
const cents = (x: unknown) => Math.round((x as number) * 100);

describe.each([16, 17, 18, 19] as const)('Odoo %i as the simulator speaks it', (v) => {
  let sim: RunningSim;
  const fieldsOf = (model: string) =>
    call(sim, model, 'fields_get', [], { attributes: ['type', 'store', 'required', 'selection'] });
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 1500, seed: 8, odooVersion: v, nameCostUs: 0 });
  });
  afterAll(() => sim.close());

  it('announces its version on every transport it has', async () => {
    const info = await call(sim, 'res.users', 'context_get', []);
    expect(info.uid).toBe(2);
    const res = await fetch(`${sim.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: { service: 'common', method: 'version', args: [] } }),
    });
    expect((await res.json()).result.server_version_info[0]).toBe(v);
    const j2 = await json2(sim, 'res.partner', 'search_count', { domain: [], limit: 3 });
    expect(j2.status).toBe(v >= 19 ? 200 : 404);
    expect(await call(sim, 'res.partner', 'search_count', [[]], { limit: 3 })).toBe(3);
  });

  it('describes accounts and companies as that version does', async () => {
    const acc = await fieldsOf('account.account');
    expect(acc.account_type.type).toBe('selection');
    expect(acc.user_type_id).toBeUndefined();
    expect(Boolean(acc.company_id)).toBe(v < 18);
    expect(Boolean(acc.company_ids)).toBe(v >= 18);
    expect(acc.code.store).toBe(v < 18);
    expect(Boolean(acc.deprecated)).toBe(v < 19);
    expect(Boolean(acc.active)).toBe(v >= 19);
    const company = await fieldsOf('res.company');
    expect(Boolean(company.parent_id)).toBe(v >= 17);
    const amount = await call(sim, 'account.move.line', 'fields_get', [['debit']], {});
    expect(Object.keys(amount.debit)).toContain(v >= 18 ? 'aggregator' : 'group_operator');
    const line = await fieldsOf('account.move.line');
    const types = line.display_type.selection.map((s: string[]) => s[0]);
    expect(types.includes('discount')).toBe(v >= 19);
    expect(types).toContain('epd');
    expect(line.exclude_from_invoice_tab).toBeUndefined();
    expect(Boolean((await fieldsOf('account.full.reconcile')).name)).toBe(v === 16);
  });

  it('describes payments and their link to entries as that version does', async () => {
    const pay = await fieldsOf('account.payment');
    expect(pay.state.selection.map((s: string[]) => s[0])).toEqual(
      v >= 18
        ? ['draft', 'in_process', 'paid', 'canceled', 'rejected']
        : ['draft', 'posted', 'cancel'],
    );
    expect(pay.move_id.required).toBe(v < 18);
    expect(Boolean(pay.memo)).toBe(v >= 18);
    expect(Boolean(pay.ref)).toBe(v < 18);
    expect(Boolean(pay.is_internal_transfer)).toBe(v < 18);
    expect(Boolean(pay.invoice_ids)).toBe(v >= 18);
    const move = await fieldsOf('account.move');
    expect(Boolean(move.payment_id)).toBe(v < 18);
    expect(Boolean(move.origin_payment_id)).toBe(v >= 18);
    expect(Boolean(move.matched_payment_ids)).toBe(v >= 18);
  });

  it('links payments and entries; from 18 some payments have no journal entry', () => {
    const payments = sim.control.truth('account.payment');
    const moves = new Map(sim.control.truth('account.move').map((m) => [m.id, m]));
    const link = v >= 18 ? 'origin_payment_id' : 'payment_id';
    const moveless = payments.filter((p) => !p.move_id);
    if (v < 18) expect(moveless).toEqual([]);
    else expect(moveless.length).toBeGreaterThan(0);
    for (const p of payments) {
      if (p.move_id) {
        expect(moves.get(p.move_id)![link]).toBe(p.id);
        expect(p.state).toBe(v >= 18 ? (p.is_reconciled ? 'paid' : 'in_process') : 'posted');
        continue;
      }
      // 18+: no entry, nothing reconciled: the invoice stays open, shown in_payment.
      expect(p.state).toBe('in_process');
      const [inv] = p.invoice_ids as number[];
      const invoice = moves.get(inv)!;
      expect(invoice.matched_payment_ids).toContain(p.id);
      expect(invoice.payment_state).toBe('in_payment');
      expect(cents(invoice.amount_residual)).toBeGreaterThan(0);
    }
    // Every invoice's residual is still its open term lines' (partials only move it).
    const open = new Map<number, number>();
    for (const l of sim.control.truth('account.move.line')) {
      if (l.display_type !== 'payment_term') continue;
      const m = l.move_id as number;
      open.set(m, (open.get(m) ?? 0) + cents(l.amount_residual_currency));
    }
    for (const m of moves.values()) {
      if (m.move_type === 'entry' || m.state !== 'posted') continue;
      expect(cents(m.amount_residual)).toBe(Math.abs(open.get(m.id as number) ?? 0));
    }
  });

  it('rewrites matching through the ORM on 16 (write_date moves), by SQL on 17+', () => {
    const c = sim.control;
    const lines = c.truth('account.move.line').filter((l) => l.full_reconcile_id);
    const full = lines[0].full_reconcile_id as number;
    const matched = lines.filter((l) => l.full_reconcile_id === full);
    c.advanceClock(60);
    c.delete('account.full.reconcile', full);
    const after = new Map(c.truth('account.move.line').map((l) => [l.id, l]));
    for (const l of matched) {
      const now = after.get(l.id)!;
      expect(now.full_reconcile_id).toBe(0);
      expect(now.matching_number).toMatch(v >= 17 ? /^P\d+$/ : /^P$/);
      if (v >= 17) expect(now.write_date).toBe(l.write_date);
      else expect((now.write_date as string) > (l.write_date as string)).toBe(true);
    }
  });
});
