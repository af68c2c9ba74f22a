import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { call, control, jsonrpc } from './rpc-helpers.ts';

describe.each([16, 17, 18, 19] as const)('odoo-sim control API and faults on Odoo %i', (v) => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 1200, seed: 6, odooVersion: v });
  });
  afterAll(() => sim.close());

  it('commits a long transaction with an old write_date, invisible until commit', async () => {
    const before = sim.control.now().slice(0, 19);
    const tx = sim.control.begin(300);
    const id = tx.create('res.partner', { name: 'Late commit' });
    expect(await call(sim, 'res.partner', 'search', [[['id', '=', id]]])).toEqual([]);
    const later = sim.control.create('res.partner', { name: 'Committed first' });
    expect(later).toBeGreaterThan(id);
    tx.commit();
    const [row] = await call(sim, 'res.partner', 'read', [[id], ['write_date']]);
    expect(row.write_date < before).toBe(true);
    expect(
      await call(sim, 'res.partner', 'search', [[['write_date', '>=', before]]]),
    ).not.toContain(id);
  });

  it('reconciles without bumping write_date', async () => {
    const [line] = await call(
      sim,
      'account.move.line',
      'search_read',
      [
        [
          ['full_reconcile_id', '=', false],
          ['account_type', '=', 'asset_receivable'],
        ],
      ],
      { fields: ['write_date'], limit: 1 },
    );
    const before = sim.control.truth('account.move.line').find((r) => r.id === line.id)!;
    const { fullReconcileId, matchingNumber } = await control(sim, 'reconcile-without-write-date', {
      lineIds: [line.id],
    });
    const after = sim.control.truth('account.move.line').find((r) => r.id === line.id)!;
    expect(after.full_reconcile_id).toBe(fullReconcileId);
    // 17+: the full reconcile's id; 16: its sequence name (account.reconcile, prefix A).
    expect(after.matching_number).toBe(matchingNumber);
    expect(matchingNumber).toMatch(v >= 17 ? new RegExp(`^${fullReconcileId}$`) : /^A\d+$/);
    expect(after.write_date).toBe(before.write_date);
  });

  it('pays an invoice: partial then full reconcile, residuals and payment_state', async () => {
    const [inv] = await call(
      sim,
      'account.move',
      'search_read',
      [
        [
          ['move_type', '=', 'out_invoice'],
          ['state', '=', 'posted'],
          ['payment_state', '=', 'not_paid'],
        ],
      ],
      { fields: ['amount_total', 'amount_residual'], limit: 1 },
    );
    sim.control.pay(inv.id, Math.floor(inv.amount_residual * 50) / 100);
    let [m] = await call(sim, 'account.move', 'read', [
      [inv.id],
      ['payment_state', 'amount_residual'],
    ]);
    expect(m.payment_state).toBe('partial');
    sim.control.pay(inv.id);
    [m] = await call(sim, 'account.move', 'read', [
      [inv.id],
      ['payment_state', 'amount_residual', 'line_ids'],
    ]);
    expect(m.payment_state).toBe('paid');
    expect(m.amount_residual).toBe(0);
    const lines = await call(sim, 'account.move.line', 'read', [
      m.line_ids,
      ['display_type', 'full_reconcile_id', 'reconciled'],
    ]);
    const term = lines.filter((l: any) => l.display_type === 'payment_term');
    expect(term.every((l: any) => l.reconciled && l.full_reconcile_id)).toBe(true);
  });

  it('bursts writes inside one second', () => {
    const { ids, second } = sim.control.burst(5);
    const truth = sim.control
      .truth('account.move.line')
      .filter((r) => ids.includes(r.id as number));
    const stamps = truth.map((r) => r.write_date as string);
    expect(new Set(stamps).size).toBe(5);
    expect(stamps.every((s) => s.startsWith(second))).toBe(true);
  });

  it('counts requests and injects faults', async () => {
    sim.control.resetCounters();
    await call(sim, 'res.partner', 'search_count', [[]]);
    expect(sim.control.requestCounts().byMethod['res.partner.search_count']).toBe(1);

    await control(sim, 'fault', {
      kind: 'odoo',
      error: 'MissingError',
      times: 1,
      model: 'res.partner',
    });
    expect((await jsonrpc(sim, 'res.partner', 'search_count', [[]])).error.data.name).toBe(
      'odoo.exceptions.MissingError',
    );
    expect((await jsonrpc(sim, 'res.partner', 'search_count', [[]])).result).toBeGreaterThan(0);

    await sim.control.setFault({ kind: 'http', status: 429, retryAfter: 7, times: 1 });
    const limited = await fetch(`${sim.url}/jsonrpc`, { method: 'POST', body: '{}' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    await sim.control.setFault({ kind: 'wrong-key', times: 1 });
    expect((await jsonrpc(sim, 'res.partner', 'search_count', [[]])).error.data.name).toBe(
      'odoo.exceptions.AccessDenied',
    );

    await sim.control.setFault({ kind: 'malformed', times: 1 });
    await expect(
      (await fetch(`${sim.url}/jsonrpc`, { method: 'POST', body: '{}' })).json(),
    ).rejects.toThrow();

    await sim.control.setFault({ kind: 'truncated', times: 1 });
    await expect(jsonrpc(sim, 'res.partner', 'search_read', [[]])).rejects.toThrow();
    await sim.control.setFault({ kind: 'reset', times: 1 });
    await expect(jsonrpc(sim, 'res.partner', 'search_read', [[]])).rejects.toThrow();

    await sim.control.setFault({ kind: 'latency', ms: 120, times: 1 });
    const t0 = performance.now();
    await call(sim, 'res.partner', 'search_count', [[]]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);

    await sim.control.setFault({ kind: 'down' });
    await expect(fetch(`${sim.url}/jsonrpc`, { method: 'POST', body: '{}' })).rejects.toThrow();
    await sim.control.clearFaults();
    expect(await call(sim, 'res.partner', 'search_count', [[]])).toBeGreaterThan(0);
  });

  it('drives data over HTTP and keeps the truth', async () => {
    const { id } = await control(sim, 'create', {
      model: 'res.partner',
      values: { name: 'Via HTTP & <co>' },
    });
    await control(sim, 'archive', { model: 'res.partner', ids: [id] });
    expect(await call(sim, 'res.partner', 'search', [[['id', '=', id]]])).toEqual([]);
    await control(sim, 'delete', { model: 'res.partner', ids: [id] });
    expect(await call(sim, 'res.partner', 'read', [[id], ['name']])).toEqual([]);
    const { writeDate, ids } = await control(sim, 'long-transaction', {
      startedSecondsAgo: 600,
      ops: [{ op: 'create', model: 'res.partner', values: { name: 'old' } }],
    });
    const truth = await control(sim, 'truth', { model: 'res.partner' });
    expect(truth.find((r: any) => r.id === ids[0]).write_date).toBe(writeDate);
    const step = await control(sim, 'activity', { action: 'step', n: 20 });
    expect(step.changes).toBeGreaterThan(0);
  });
});
