import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';

const cents = (x: unknown) => Math.round((x as number) * 100);

describe.each([16, 17, 18, 19] as const)('odoo-sim generator on Odoo %i', (odooVersion) => {
  let a: RunningSim;
  let b: RunningSim;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      startOdooSim({ scale: 3000, seed: 11, odooVersion }),
      startOdooSim({ scale: 3000, seed: 11, odooVersion }),
    ]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('is deterministic for a seed', () => {
    for (const model of [
      'account.move.line',
      'account.partial.reconcile',
      'res.partner',
      'account.payment',
      'account.account',
    ]) {
      expect(a.control.truth(model)).toEqual(b.control.truth(model));
    }
    expect(a.control.stats()['account.move.line']).toBeGreaterThanOrEqual(3000);
  });

  it('balances every move and keeps residuals consistent with partials', () => {
    const lines = a.control.truth('account.move.line');
    const perMove = new Map<number, number>();
    for (const l of lines)
      perMove.set(l.move_id as number, (perMove.get(l.move_id as number) ?? 0) + cents(l.balance));
    for (const [, sum] of perMove) expect(sum).toBe(0);
    for (const l of lines) expect(cents(l.balance)).toBe(cents(l.debit) - cents(l.credit));

    const partials = a.control.truth('account.partial.reconcile');
    const applied = new Map<number, number>();
    for (const p of partials) {
      applied.set(
        p.debit_move_id as number,
        (applied.get(p.debit_move_id as number) ?? 0) - cents(p.amount),
      );
      applied.set(
        p.credit_move_id as number,
        (applied.get(p.credit_move_id as number) ?? 0) + cents(p.amount),
      );
    }
    const accounts = new Map(a.control.truth('account.account').map((x) => [x.id, x]));
    const fullNames = new Map(
      a.control.truth('account.full.reconcile').map((f) => [f.id, f.name as string]),
    );
    if (odooVersion === 16) expect([...fullNames.values()][0]).toMatch(/^A\d+$/);
    for (const l of lines) {
      const acc = accounts.get(l.account_id as number)!;
      if (!acc.reconcile) continue;
      expect(cents(l.amount_residual)).toBe(cents(l.balance) + (applied.get(l.id as number) ?? 0));
      // 17+: the full reconcile's id (raw SQL); 16: its sequence name (computed stored).
      if (l.full_reconcile_id)
        expect(l.matching_number).toBe(
          odooVersion >= 17 ? String(l.full_reconcile_id) : fullNames.get(l.full_reconcile_id),
        );
      else if (applied.has(l.id as number))
        expect(l.matching_number).toMatch(odooVersion >= 17 ? /^P\d+$/ : /^P$/);
    }
    const moves = a.control.truth('account.move');
    const kinds = new Set(moves.map((m) => `${m.move_type}/${m.state}/${m.payment_state}`));
    for (const k of [
      'out_invoice/posted/paid',
      'out_invoice/posted/not_paid',
      'in_invoice/posted/paid',
      'out_invoice/draft/not_paid',
    ])
      expect(kinds).toContain(k);
    expect(moves.some((m) => m.state === 'cancel')).toBe(true);
    expect(new Set(lines.map((l) => l.currency_id)).size).toBeGreaterThan(2);
  });

  it('computes the aged receivable from its own rows', () => {
    const rows = a.control.agedBalance('2026-06-30', 'receivable');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const sum =
        cents(r.not_due) +
        cents(r.days_1_30) +
        cents(r.days_31_60) +
        cents(r.days_61_90) +
        cents(r.days_91_120) +
        cents(r.older);
      expect(sum).toBe(cents(r.total));
    }
  });
});
