import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecimalSum } from '../../packages/odoo-sim/src/decimal-sum.ts';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { byId, cents, checkBooks, type Row, truthOf } from './check-books.ts';
import { call, control, json2, jsonrpc } from './rpc-helpers.ts';

describe.each([16, 17, 18, 19] as const)(
  'odoo-sim deletes like Odoo %i (cascade, unreconcile, posted entries refused)',
  (v) => {
    let sim: RunningSim;
    beforeAll(async () => {
      sim = await startOdooSim({ scale: 3000, seed: 9, odooVersion: v });
      // A frozen clock: every write of one control call carries the same, known write_date.
      sim.control.setClock(sim.control.now(), { frozen: true });
    });
    afterAll(() => sim.close());

    const link = v >= 18 ? 'origin_payment_id' : 'payment_id';
    const linesOf = (moveId: number) =>
      truthOf(sim, 'account.move.line').filter((l) => l.move_id === moveId);

    it('unlinks a draft move with its lines over JSON-RPC', async () => {
      const [draft] = await call(
        sim,
        'account.move',
        'search_read',
        [
          [
            ['state', '=', 'draft'],
            ['move_type', '!=', 'entry'],
          ],
        ],
        { fields: ['line_ids'], limit: 1 },
      );
      expect(draft.line_ids.length).toBeGreaterThan(0);
      expect(await call(sim, 'account.move', 'unlink', [[draft.id]])).toBe(true);
      expect(await call(sim, 'account.move', 'read', [[draft.id], ['name']])).toEqual([]);
      expect(
        await call(sim, 'account.move.line', 'search', [[['move_id', '=', draft.id]]]),
      ).toEqual([]);
      expect(await call(sim, 'account.move.line', 'read', [draft.line_ids, ['name']])).toEqual([]);
      expect(linesOf(draft.id)).toEqual([]);
      checkBooks(sim);
    });

    it('refuses to delete posted entries through the ORM and, by default, the control API', async () => {
      const [posted] = await call(sim, 'account.move', 'search', [[['state', '=', 'posted']]], {
        limit: 1,
      });
      const body = await jsonrpc(sim, 'account.move', 'unlink', [[posted]]);
      expect(body.error.data.name).toBe('odoo.exceptions.UserError');
      expect(body.error.data.message).toBe('You cannot delete an item linked to a posted entry.');
      const [line] = linesOf(posted);
      const lineBody = await jsonrpc(sim, 'account.move.line', 'unlink', [[line.id]]);
      expect(lineBody.error.data.name).toBe('odoo.exceptions.UserError');
      expect(() => sim.control.delete('account.move', posted)).toThrow(/posted entry/);
      await expect(
        control(sim, 'delete', { model: 'account.move', ids: [posted] }),
      ).rejects.toThrow(/422.*posted entry/);
      expect(linesOf(posted).length).toBeGreaterThan(0);
    });

    it('force-deleting a paid invoice unreconciles its payment first', async () => {
      const moves = truthOf(sim, 'account.move');
      const lines = truthOf(sim, 'account.move.line');
      const partials = truthOf(sim, 'account.partial.reconcile');
      // A paid invoice whose payment counterpart line is matched with this invoice only.
      const inv = moves.find((m) => {
        if (m.move_type !== 'out_invoice' || m.payment_state !== 'paid') return false;
        const mine = new Set(lines.filter((l) => l.move_id === m.id).map((l) => l.id));
        const ps = partials.filter((p) => mine.has(p.debit_move_id));
        return ps.length === 1;
      })!;
      expect(inv).toBeDefined();
      const invLineIds = new Set(linesOf(inv.id).map((l) => l.id));
      const [partial] = partials.filter((p) => invLineIds.has(p.debit_move_id));
      const counterId = partial.credit_move_id as number;
      const before = byId(lines).get(counterId)!;
      expect(before.reconciled).toBe(true);
      expect(before.full_reconcile_id).toBeTruthy();
      const fullId = before.full_reconcile_id;
      const payMove = moves.find((m) => m.id === before.move_id)!;
      const payment = truthOf(sim, 'account.payment').find((p) => p.id === payMove[link])!;
      expect(payment.is_reconciled).toBe(true);

      sim.control.advanceClock(5);
      const stamp = sim.control.now();
      await control(sim, 'delete', { model: 'account.move', ids: [inv.id], force: true });

      expect(truthOf(sim, 'account.move').some((m) => m.id === inv.id)).toBe(false);
      expect(linesOf(inv.id)).toEqual([]);
      expect(truthOf(sim, 'account.partial.reconcile').some((p) => p.id === partial.id)).toBe(
        false,
      );
      expect(truthOf(sim, 'account.full.reconcile').some((f) => f.id === fullId)).toBe(false);
      const after = byId(truthOf(sim, 'account.move.line')).get(counterId)!;
      expect(cents(after.amount_residual)).toBe(cents(after.balance));
      expect(after.reconciled).toBe(false);
      expect(after.full_reconcile_id).toBeFalsy();
      expect(after.matching_number).toBe(false);
      expect(after.write_date).toBe(stamp);
      const payAfter = truthOf(sim, 'account.payment').find((p) => p.id === payment.id)!;
      expect(payAfter.is_reconciled).toBe(false);
      expect(payAfter.write_date).toBe(stamp);
      // What a sync sees: the counterpart line changed since the watermark.
      const changed = await call(sim, 'account.move.line', 'search', [
        [['write_date', '>=', stamp.slice(0, 19)]],
      ]);
      expect(changed).toContain(counterId);
      checkBooks(sim);
    });

    it('deleting a payment (force) reopens the invoice it paid', async () => {
      const moves = truthOf(sim, 'account.move');
      const inv = moves.find(
        (m) => m.move_type === 'in_invoice' && m.state === 'posted' && m.payment_state === 'paid',
      )!;
      const invTerms = linesOf(inv.id).filter((l) => l.display_type === 'payment_term');
      const termIds = new Set(invTerms.map((l) => l.id));
      const payLineIds = truthOf(sim, 'account.partial.reconcile')
        .filter((p) => termIds.has(p.credit_move_id))
        .map((p) => p.debit_move_id);
      const lines = byId(truthOf(sim, 'account.move.line'));
      const payMoveIds = [...new Set(payLineIds.map((id) => lines.get(id)!.move_id))];
      const link = v >= 18 ? 'origin_payment_id' : 'payment_id';
      const payIds = moves.filter((m) => payMoveIds.includes(m.id)).map((m) => m[link]);
      expect(payIds.every(Boolean)).toBe(true);

      sim.control.advanceClock(5);
      const stamp = sim.control.now();
      sim.control.delete('account.payment', payIds, { force: true });
      const payments = truthOf(sim, 'account.payment');
      expect(payments.some((p) => payIds.includes(p.id))).toBe(false);
      const left = truthOf(sim, 'account.move');
      expect(left.some((m) => payMoveIds.includes(m.id))).toBe(false);
      const m = left.find((x) => x.id === inv.id)!;
      expect(m.payment_state).toBe('not_paid');
      expect(cents(m.amount_residual)).toBe(cents(m.amount_total));
      expect(m.write_date).toBe(stamp);
      for (const l of linesOf(inv.id).filter((x) => x.display_type === 'payment_term')) {
        expect(cents(l.amount_residual)).toBe(cents(l.balance));
        expect(l.write_date).toBe(stamp);
        expect(l.matching_number).toBe(false);
      }
      checkBooks(sim);
    });

    it('unlinking a partial reconcile (ORM) splits the match and drops the full reconcile', async () => {
      const lines = truthOf(sim, 'account.move.line');
      const withFull = lines.find((l) => l.full_reconcile_id && l.display_type === 'payment_term')!;
      const fullId = withFull.full_reconcile_id;
      const partials = truthOf(sim, 'account.partial.reconcile').filter(
        (p) => p.full_reconcile_id === fullId,
      );
      expect(partials.length).toBeGreaterThan(0);
      expect(await call(sim, 'account.partial.reconcile', 'unlink', [[partials[0].id]])).toBe(true);
      expect(truthOf(sim, 'account.full.reconcile').some((f) => f.id === fullId)).toBe(false);
      expect(truthOf(sim, 'account.move.line').some((l) => l.full_reconcile_id === fullId)).toBe(
        false,
      );
      checkBooks(sim);
    });

    it('keeps the books consistent through activity, which deletes drafts the same way', () => {
      const before = sim.control.stats()['account.move'];
      sim.control.activity.step(400);
      expect(sim.control.stats()['account.move']).not.toBe(before);
      checkBooks(sim);
    });
  },
);

describe('odoo-sim grouped sums are exact decimals, like SUM over numeric', () => {
  let sim: RunningSim;
  let sim19: RunningSim;
  beforeAll(async () => {
    [sim, sim19] = await Promise.all([
      startOdooSim({ scale: 5000, seed: 3 }),
      startOdooSim({ scale: 2000, seed: 4, odooVersion: 19 }),
    ]);
  });
  afterAll(async () => {
    await sim.close();
    await sim19.close();
  });

  it('sums exactly whatever the decimals', () => {
    const s = new DecimalSum(2);
    for (const v of [0.1, 0.2]) s.add(v);
    expect(s.value()).toBe(0.3);
    const t = new DecimalSum(2);
    for (const v of [42310.36, 0.005, 1e-7, -2.5, 1e21]) t.add(v);
    expect(t.toDecimalString()).toBe('1000000000000000042307.8650001');
    expect(new DecimalSum(2).value()).toBe(0);
  });

  const exact = (rows: Row[], key: (r: Row) => unknown, field: string) => {
    const out = new Map<string, number>();
    for (const r of rows) {
      const k = JSON.stringify(key(r));
      out.set(k, (out.get(k) ?? 0) + cents(r[field]));
    }
    return out;
  };

  it('read_group sums equal the exact cent totals (no float drift)', async () => {
    const rows = truthOf(sim, 'account.move.line');
    const groups = await call(
      sim,
      'account.move.line',
      'read_group',
      [[], ['debit:sum', 'credit:sum', 'balance:sum', 'amount_residual:sum'], ['account_id']],
      { lazy: false },
    );
    expect(groups.length).toBeGreaterThan(5);
    let drifted = 0;
    for (const field of ['debit', 'credit', 'balance', 'amount_residual']) {
      const want = exact(rows, (r) => r.account_id, field);
      for (const g of groups) {
        const total = want.get(JSON.stringify(g.account_id[0]))!;
        expect(g[field]).toBe(total / 100);
        const naive = rows
          .filter((r) => r.account_id === g.account_id[0])
          .reduce((s, r) => s + (r[field] as number), 0);
        if (naive !== total / 100) drifted++;
      }
    }
    expect(drifted).toBeGreaterThan(0); // the data does exercise float drift
    // On the wire too: Python's repr of the exact value, never ...99999999.
    const body = await (
      await fetch(`${sim.url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          method: 'call',
          id: 1,
          params: {
            service: 'object',
            method: 'execute_kw',
            args: [
              sim.db,
              sim.uid,
              sim.apiKey,
              'account.move.line',
              'read_group',
              [[], ['debit:sum'], ['account_id']],
              {},
            ],
          },
        }),
      })
    ).text();
    for (const m of body.matchAll(/"debit": ?(-?[0-9.e+-]+)/g)) {
      expect(m[1]).toMatch(/^-?\d+\.\d{1,2}$/);
    }
  });

  it('formatted_read_group (19) sums per month are exact too', async () => {
    const rows = truthOf(sim19, 'account.move.line').filter((r) => r.parent_state === 'posted');
    const res = await json2(sim19, 'account.move.line', 'formatted_read_group', {
      domain: [['parent_state', '=', 'posted']],
      groupby: ['date:month'],
      aggregates: ['debit:sum', 'balance:sum', 'amount_currency:sum'],
    });
    const groups = (await res.json()) as Row[];
    const want = exact(rows, (r) => (r.date as string).slice(0, 7), 'debit');
    const wantCur = exact(rows, (r) => (r.date as string).slice(0, 7), 'amount_currency');
    for (const g of groups) {
      const key = JSON.stringify((g['date:month'][0] as string).slice(0, 7));
      expect(g['debit:sum']).toBe(want.get(key)! / 100);
      expect(g['amount_currency:sum']).toBe(wantCur.get(key)! / 100);
      expect(g['balance:sum']).toBe(0);
    }
  });
});

describe('odoo-sim activity is deterministic', () => {
  it('same seed and same steps give the same truth; another seed does not', async () => {
    const sims = await Promise.all([
      startOdooSim({ scale: 1500, seed: 21 }),
      startOdooSim({ scale: 1500, seed: 21 }),
      startOdooSim({ scale: 1500, seed: 22 }),
    ]);
    try {
      for (const s of sims) {
        s.control.setClock('2026-03-02 09:30:00', { frozen: true });
        s.control.activity.step(150);
        s.control.advanceClock(3600);
        s.control.activity.step(150);
      }
      const [a, b, c] = sims;
      const models = Object.keys(a.control.stats());
      for (const model of models) {
        expect(truthOf(b, model), model).toEqual(truthOf(a, model));
      }
      expect(truthOf(c, 'account.move')).not.toEqual(truthOf(a, 'account.move'));
      // And something did happen, deletions of drafts included.
      const moves = truthOf(a, 'account.move').map((m) => m.id as number);
      const maxId = Math.max(...moves);
      expect(maxId - moves.length).toBeGreaterThan(0);
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });
});
