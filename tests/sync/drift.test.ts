import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../../packages/shared/src/sync/budget.ts';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

// The paths through which the copy used to drift silently while sync_health said "fresh"
// (each case fails on an engine without its fix, against a simulator that behaves like Odoo).

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 23 });
  await h.syncToEnd();
});
afterAll(async () => {
  await h?.close();
});

const c = () => h.sim.control;
const RECONCILE_MODELS = [
  'account.move.line',
  'account.partial.reconcile',
  'account.full.reconcile',
  'account.move',
];

async function expectConverged(models = CATALOG_MODELS) {
  for (const model of models) expect(await diffWithTruth(h, model), model).toEqual([]);
}

/** A posted customer invoice nobody has paid yet, with one installment. */
function unpaidInvoice(): number {
  const lines = c().truth('account.move.line');
  const terms = new Map<number, number>();
  for (const l of lines) {
    if (l.display_type === 'payment_term')
      terms.set(l.move_id as number, (terms.get(l.move_id as number) ?? 0) + 1);
  }
  const inv = c()
    .truth('account.move')
    .find(
      (m) =>
        m.move_type === 'out_invoice' &&
        m.state === 'posted' &&
        m.payment_state === 'not_paid' &&
        terms.get(m.id as number) === 1,
    );
  if (!inv) throw new Error('no unpaid single-installment invoice in the books');
  return inv.id as number;
}

const termLine = (moveId: number) =>
  c()
    .truth('account.move.line')
    .find((l) => l.move_id === moveId && l.display_type === 'payment_term')!.id as number;

/** One slice of these models with room for a single page each. */
async function onePage(models: string[], full = false) {
  const res = h.open();
  try {
    return await runSlice({
      ...res,
      models,
      full,
      trigger: 'test',
      budget: new Budget({ wallMs: 60_000, records: 1 }),
    });
  } finally {
    await res.close();
  }
}

describe('reconciliation paths', () => {
  it('a payment completing a full reconcile reaches the partials of the earlier payments', async () => {
    const inv = unpaidInvoice();
    const total = c()
      .truth('account.move')
      .find((m) => m.id === inv)!.amount_total as number;
    c().pay(inv, Math.round(total * 40) / 100);
    await h.syncToEnd();
    const [first] = c()
      .truth('account.partial.reconcile')
      .filter((p) => p.debit_move_id === termLine(inv));
    // Later, other payments move the partials' high-water mark past the first one's overlap.
    c().advanceClock(20 * 60);
    c().pay(unpaidInvoice());
    await h.syncToEnd();
    c().pay(inv); // the rest: Odoo creates the full reconcile, sets it on both partials by SQL
    const full = c()
      .truth('account.partial.reconcile')
      .find((p) => p.id === first.id)!.full_reconcile_id;
    expect(full).toBeGreaterThan(0);
    await h.syncToEnd();
    const [mirrored] = await h.sql`select full_reconcile_id from odoo.account_partial_reconcile
      where id = ${first.id as number}`;
    expect(Number(mirrored.full_reconcile_id)).toBe(full);
    await expectConverged(RECONCILE_MODELS);
  });

  it('un-reconciling one payment of a full reconcile updates every line and partial it held, without waiting for reconciliation', async () => {
    const inv = unpaidInvoice();
    const total = c()
      .truth('account.move')
      .find((m) => m.id === inv)!.amount_total as number;
    c().pay(inv, Math.round(total * 30) / 100);
    c().pay(inv);
    await h.syncToEnd();
    const line = termLine(inv);
    const partials = c()
      .truth('account.partial.reconcile')
      .filter((p) => p.debit_move_id === line);
    expect(partials).toHaveLength(2);
    const fullId = partials[0].full_reconcile_id as number;
    expect(fullId).toBeGreaterThan(0);
    // The second payment's line: un-reconciling it leaves the first payment's line fully
    // matched (residual 0, write_date untouched) but no longer in a full reconcile.
    const second = partials[1].credit_move_id as number;
    c().unreconcile([second]);
    await h.syncToEnd(); // no --reconcile: incremental sync alone
    const [gone] = await h.sql`select count(*)::int as n from odoo.account_full_reconcile
      where id = ${fullId}`;
    expect(gone.n).toBe(0);
    const [stale] = await h.sql`select count(*)::int as n from odoo.account_move_line
      where full_reconcile_id = ${fullId}`;
    expect(stale.n).toBe(0);
    await expectConverged(RECONCILE_MODELS);
    const [audit] = await h.sql`select count(*)::int as n from ods.deletions
      where model = 'account.partial.reconcile' and record_id = ${partials[1].id as number}`;
    expect(audit.n).toBe(1);
  });

  it('lines an interrupted journal-item snapshot has passed still get a silent reconcile', async () => {
    await h.sql`update ods.sync_state set page_size = 50 where model = 'account.move.line'`;
    const s = await onePage(['account.move.line'], true); // a re-snapshot, one page in
    expect(s.models[0].phase).toBe('snapshot');
    const [{ cursor }] = await h.sql`select snapshot_cursor::int as cursor from ods.sync_state
      where model = 'account.move.line'`;
    const passed = c()
      .truth('account.move.line')
      .filter((l) => (l.id as number) <= cursor && l.full_reconcile_id === 0)
      .slice(0, 2)
      .map((l) => l.id as number);
    expect(passed).toHaveLength(2);
    c().reconcileWithoutWriteDate(passed);
    await h.syncToEnd();
    await expectConverged(RECONCILE_MODELS);
  });
});

describe('the high-water mark', () => {
  it('a window pass spanning invocations longer than the overlap does not skip edits behind its cursor', async () => {
    await h.syncToEnd();
    await h.sql`update ods.sync_state set page_size = 50 where model = 'account.move.line'`;
    const ids = c()
      .truth('account.move.line')
      .slice(0, 300)
      .map((l) => l.id as number);
    c().update('account.move.line', ids, { ref: 'mass update' });
    const s = await onePage(['account.move.line']);
    expect(s.models[0].done).toBe(false);
    const [{ cursor }] = await h.sql`select window_cursor::int as cursor from ods.sync_state
      where model = 'account.move.line'`;
    expect(cursor).toBeGreaterThan(0);
    const behind = ids.find((id) => id < cursor)!;
    c().update('account.move.line', behind, { ref: 'edited behind the cursor' });
    c().advanceClock(20 * 60); // the pass goes on for longer than the overlap
    const ahead = ids[ids.length - 1];
    c().update('account.move.line', ahead, { ref: 'edited ahead of the cursor' });
    await h.syncToEnd(); // finishes the pass
    await h.syncToEnd(); // the next window
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
  });

  it('a record dated in the future neither moves the mark past Odoo’s clock nor stops later windows', async () => {
    const [p1, p2] = c()
      .truth('res.partner')
      .slice(5, 7)
      .map((p) => p.id as number);
    c().setWriteDate('res.partner', p1, '9999-12-31 23:59:59');
    await h.syncToEnd();
    const [s] = await h.sql`select high_water, clock_outlier from ods.sync_state
      where model = 'res.partner'`;
    expect((s.high_water as Date).getUTCFullYear()).toBeLessThan(3000);
    expect(s.clock_outlier).toMatchObject({ id: p1 });
    expect(String(s.clock_outlier.write_date)).toMatch(/^9999-12-31/);
    c().advanceClock(30 * 60);
    c().update('res.partner', p2, { email: 'after-the-outlier@example.com' });
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  });
});

describe('companies', () => {
  it('an archived company’s records are neither hidden nor reconciled away', async () => {
    const companies = c().truth('res.company');
    const withLines = new Set(
      c()
        .truth('account.move.line')
        .map((l) => l.company_id),
    );
    const archived = companies.find((co) => co.id !== 1 && withLines.has(co.id))!.id as number;
    c().archive('res.company', archived);
    await h.syncToEnd();
    await h.syncToEnd({ mode: 'reconcile' });
    const [{ n }] = await h.sql`select count(*)::int as n from odoo.account_move_line
      where company_id = ${archived}`;
    expect(n).toBeGreaterThan(0);
    await expectConverged();
  });
});

describe('the content sweep', () => {
  it('repairs an update committed by a transaction older than the overlap (counts and window miss it)', async () => {
    const line = c()
      .truth('account.move.line')
      .find((l) => l.parent_state === 'posted' && l.display_type === 'payment_term')!;
    c().update('account.move.line', c().truth('account.move.line')[0].id as number, {
      ref: 'a recent edit: the high-water mark is now',
    });
    await h.syncToEnd();
    c().longTransaction(45 * 60, (tx) =>
      tx.update('account.move.line', line.id as number, { date_maturity: '2031-01-31' }),
    );
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([
      expect.stringContaining(`${line.id}.date_maturity`),
      expect.stringContaining(`${line.id}.write_date`),
    ]);
    const [s] = await h.syncToEnd({ mode: 'reconcile', models: ['account.move.line'] });
    expect(s.models[0].swept).toBe(1);
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
    const [st] = await h.sql`select last_swept_at, sweep_repaired::int as n from ods.sync_state
      where model = 'account.move.line'`;
    expect(st.last_swept_at).not.toBeNull();
    expect(st.n).toBeGreaterThanOrEqual(1);
  });

  it('finds a deletion and a missed create that cancel out in the counts', async () => {
    await h.syncToEnd();
    const gone = c().truth('res.partner')[3].id as number;
    c().delete('res.partner', gone);
    const late = c().longTransaction(45 * 60, (tx) =>
      tx.create('res.partner', { name: 'Created by a long import', is_company: true }),
    ).result;
    await h.syncToEnd();
    const [{ local }] = await h.sql`select count(*)::int as local from odoo.res_partner`;
    expect(local).toBe(c().truth('res.partner').length); // the counts agree
    expect((await diffWithTruth(h, 'res.partner')).sort()).toEqual(
      [
        `res.partner ${gone}: in mirror, deleted in Odoo`,
        `res.partner ${late}: missing in mirror`,
      ].sort(),
    );
    await h.syncToEnd({ mode: 'reconcile', models: ['res.partner'] });
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  });

  it('is paced over its period by the cron and resumes where a slice stopped', async () => {
    await h.sql`update ods.catalog set page_size = 50 where model = 'account.move.line'`;
    await h.sql`update ods.sync_state set sweep_cursor = 0, sweep_started_at = now() - interval '12 hours'
      where model = 'account.move.line'`;
    const res = h.open({ SYNC_SWEEP_HOURS: '24' });
    const slice = (records: number) =>
      runSlice({
        ...res,
        mode: 'reconcile',
        models: ['account.move.line'],
        trigger: 'cron',
        budget: new Budget({ wallMs: 60_000, records }),
      });
    try {
      const [{ max }] = await h.sql`select max(id)::int as max from odoo.account_move_line`;
      // A slice with budget for a single page of 100 ids stops there, its cursor saved.
      const first = await slice(1);
      expect(first.models[0].done).toBe(false);
      const [a] = await h.sql`select sweep_cursor::int as cursor from ods.sync_state
        where model = 'account.move.line'`;
      expect(a.cursor).toBeGreaterThan(0);
      expect(a.cursor).toBeLessThan(max / 2);
      // The next one resumes there and stops at the half the elapsed half-period asks for.
      const second = await slice(1_000_000);
      expect(second.models[0].done).toBe(true);
      const [b] = await h.sql`select sweep_cursor::int as cursor, last_swept_at from ods.sync_state
        where model = 'account.move.line'`;
      expect(b.cursor).toBeGreaterThanOrEqual(Math.floor(max / 2));
      expect(b.cursor).toBeLessThan(Math.floor(max / 2) + 100);
    } finally {
      await res.close();
      await h.sql`update ods.catalog set page_size = 5000 where model = 'account.move.line'`;
    }
  });
});

describe('fields that appear later', () => {
  it('a field added to the catalog is picked up on the next run and backfilled for every row', async () => {
    await h.syncToEnd();
    await h.sql`update ods.catalog set fields = fields || '{price_unit}'
      where model = 'account.move.line'`;
    await h.syncToEnd(); // no schema TTL to wait for
    const [{ empty }] = await h.sql`select count(*) filter (where price_unit is null)::int as empty
      from odoo.account_move_line`;
    expect(empty).toBe(0);
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
  });

  it('a field that appears in Odoo after an upgrade is backfilled, not left NULL until rows change', async () => {
    const ttl0 = { SYNC_SCHEMA_TTL_MINUTES: '0' };
    c().setFieldHidden('res.partner', 'vat', true);
    await h.syncToEnd({ extraEnv: ttl0 });
    const partners = c()
      .truth('res.partner')
      .slice(0, 40)
      .map((p) => p.id as number);
    // Values set while this Odoo did not describe the field (the upgrade's own data).
    for (const id of partners) c().update('res.partner', id, { vat: `EU${id}` });
    await h.syncToEnd({ extraEnv: ttl0 });
    c().setFieldHidden('res.partner', 'vat', false);
    await h.syncToEnd({ extraEnv: ttl0 });
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  });
});

describe('bounded work', () => {
  it('a page that keeps timing out is shrunk only while the budget allows, then the slice stops cleanly', async () => {
    await h.syncToEnd();
    const ids = c()
      .truth('res.partner')
      .slice(0, 5)
      .map((p) => p.id as number);
    c().update('res.partner', ids, { email: 'slow@example.com' });
    await c().setFault({ kind: 'latency', ms: 2_000, model: 'res.partner', method: 'search_read' });
    const res = h.open({ ODOO_TIMEOUT_MS: '400' });
    try {
      const t0 = Date.now();
      const s = await runSlice({
        ...res,
        models: ['res.partner'],
        trigger: 'test',
        budget: new Budget({ wallMs: 4_500, records: 1_000_000 }),
      });
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect(s.models[0]).toMatchObject({ status: 'ok', done: false });
    } finally {
      await res.close();
      await c().clearFaults();
    }
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  });

  it('report upkeep starts no view after its budget; the rest stay pending for the next call', async () => {
    await h.sql`select * from ods.refresh_reporting()`;
    await h.sql`update odoo.res_partner set email = email where id = (select min(id) from odoo.res_partner)`;
    const deferred = await h.sql`select * from ods.refresh_reporting(false, false, 0)`;
    expect(deferred.some((r) => String(r.reason).startsWith('deferred'))).toBe(true);
    expect(deferred.every((r) => !r.refreshed)).toBe(true);
    const rest = await h.sql`select * from ods.refresh_reporting(false, false, null)`;
    expect(rest.filter((r) => r.refreshed).length).toBeGreaterThan(0);
  });

  it('a turn the platform killed mid-work is noticed and the next one takes smaller pages', async () => {
    await h.sql`update ods.sync_state set turn_started_at = now() - interval '2 minutes',
      page_size = 2000 where model = 'res.partner'`;
    const lines: string[] = [];
    await h.syncToEnd({ models: ['res.partner'], log: (l) => lines.push(l) });
    const [s] = await h.sql`select killed_turns, turn_started_at from ods.sync_state
      where model = 'res.partner'`;
    expect(s).toMatchObject({ killed_turns: 1, turn_started_at: null });
    expect(lines.join('\n')).toMatch(/killed.*page size → 1000/);
  });
});
