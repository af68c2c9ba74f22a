import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 11 });
  await h.syncToEnd();
});
afterAll(async () => {
  await h?.close();
});

async function expectConverged() {
  for (const model of CATALOG_MODELS) expect(await diffWithTruth(h, model), model).toEqual([]);
}

const liveIds = (model: string, pred: (r: Record<string, unknown>) => boolean = () => true) =>
  h.sim.control
    .truth(model)
    .filter(pred)
    .map((r) => r.id as number);

describe('incremental passes plus reconciliation converge to the truth', () => {
  it('after rounds of random activity, long transactions, silent reconciliations and bursts', async () => {
    const c = h.sim.control;
    for (let round = 0; round < 4; round++) {
      c.activity!.step(40);
      // A transaction that began five minutes ago (inside the overlap) commits only now.
      const partner = liveIds('res.partner')[round * 3];
      const line = liveIds('account.move.line')[round * 7 + 1];
      c.longTransaction(300, (tx) => {
        tx.update('res.partner', partner, { email: `late-${round}@example.com` });
        tx.update('account.move.line', line, { name: `late edit ${round} — ñ & <ok>` });
      });
      // Odoo 17+: full_reconcile_id / matching_number written by raw SQL, write_date untouched.
      const open = liveIds(
        'account.move.line',
        (r) =>
          r.parent_state === 'posted' &&
          !r.reconciled &&
          r.full_reconcile_id === 0 &&
          r.amount_residual !== 0,
      );
      if (open.length >= 2) c.reconcileWithoutWriteDate(open.slice(0, 2));
      c.burst(25);
      c.archive('res.partner', liveIds('res.partner', (r) => r.active === true)[round]);
      const drafts = liveIds('account.move', (r) => r.state === 'draft');
      if (drafts.length) c.delete('account.move', drafts[0]);

      await h.syncToEnd();
      await h.syncToEnd({ mode: 'reconcile' });
      await expectConverged();
    }
    const [{ n }] = await h.sql`select count(*)::int as n from ods.deletions`;
    expect(n).toBeGreaterThan(0);
  });

  it('reconciliation finds a record inserted by a transaction older than the overlap', async () => {
    const c = h.sim.control;
    const partnerId = c.longTransaction(30 * 60, (tx) =>
      tx.create('res.partner', { name: 'Late & <old> Ltd — 💶', is_company: true }),
    ).result;
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'res.partner')).toContain(
      `res.partner ${partnerId}: missing in mirror`,
    );
    const [s] = await h.syncToEnd({ mode: 'reconcile', models: ['res.partner'] });
    expect(s.models[0].upserted).toBe(1);
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  });

  it('verification finds a changed amount that escaped the incremental window and repairs its period', async () => {
    const c = h.sim.control;
    const [line] = h.sim.control
      .truth('account.move.line')
      .filter((r) => r.parent_state === 'posted' && (r.debit as number) > 0);
    c.longTransaction(30 * 60, (tx) =>
      tx.update('account.move.line', line.id as number, {
        debit: (line.debit as number) + 1,
        balance: (line.balance as number) + 1,
      }),
    );
    await h.syncToEnd();
    expect((await diffWithTruth(h, 'account.move.line')).length).toBeGreaterThan(0);
    const [s] = await h.syncToEnd({ mode: 'verify', models: ['account.move.line'] });
    const v = s.models[0].verification!;
    expect(v.mismatched).toEqual([String(line.date).slice(0, 7)]);
    expect(v.repaired).toBe(1);
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
    const [bad] = await h.sql`select period, ok, repaired from ods.verifications where not ok`;
    expect(bad).toMatchObject({ period: String(line.date).slice(0, 7), ok: false, repaired: true });
    const [again] = await h.syncToEnd({ mode: 'verify', models: ['account.move.line'] });
    expect(again.models[0].verification!.mismatched).toEqual([]);
  });

  it('an incremental pass with nothing changed in the window costs one request per model', async () => {
    await h.syncToEnd();
    // Move the sim's clock past the overlap so the window holds nothing new.
    c().advanceClock(11 * 60);
    await h.syncToEnd();
    const [s] = await h.syncToEnd();
    // The first model also asks Odoo's version and the user's companies for the whole slice.
    const [first, ...rest] = s.models;
    expect(first.requests, first.model).toBeLessThanOrEqual(3);
    for (const m of rest) expect(m.requests, m.model).toBeLessThanOrEqual(1);
  });
});

const c = () => h.sim.control;
