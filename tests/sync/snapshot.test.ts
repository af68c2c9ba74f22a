import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('snapshot', () => {
  it('copies every catalog model exactly: every row, every synced field, archived rows included', async () => {
    const log: string[] = [];
    const summaries = await h.syncToEnd({ log: (line) => log.push(line) });
    // Every snapshot page of JSON-RPC answers was transcoded, none decoded the slow way.
    expect(log.filter((l) => l.includes('fast path'))).toEqual([]);
    const last = summaries[summaries.length - 1];
    expect(last.more).toBe(false);
    expect(last.outcome).toBe('ok');
    for (const model of CATALOG_MODELS) {
      expect(await diffWithTruth(h, model), model).toEqual([]);
    }
    // The reports were refreshed once the copy caught up.
    expect(summaries.reduce((n, s) => n + s.reportsRefreshed, 0)).toBeGreaterThan(0);
    const [{ stale }] =
      await h.sql`select count(*)::int as stale from ods.reporting_matviews where refreshed_at is null`;
    expect(stale).toBe(0);
    const [{ archived }] =
      await h.sql`select count(*)::int as archived from odoo.res_partner where not active`;
    expect(archived).toBeGreaterThan(0);
    const health = await h.sql`select phase, snapshot_progress from reporting.sync_health`;
    expect(
      health.every((r) => r.phase === 'incremental' && Number(r.snapshot_progress) === 1),
    ).toBe(true);
    const states =
      await h.sql`select model, phase, rows, high_water, last_error from ods.sync_state order by model`;
    expect(states).toHaveLength(CATALOG_MODELS.length);
    for (const s of states) {
      expect(s.phase, s.model).toBe('incremental');
      expect(s.last_error, s.model).toBeNull();
      expect(Number(s.rows), s.model).toBe(h.sim.control.truth(s.model).length);
    }
  });

  it('a second pass with nothing changed rewrites nothing', async () => {
    const before = await h.sql`select max(_synced_at) as at from odoo.account_move_line`;
    const [s] = await h.syncToEnd();
    expect(s.outcome).toBe('ok');
    for (const m of s.models) expect(m.upserted, m.model).toBe(0);
    expect(s.reportsRefreshed).toBe(0);
    const after = await h.sql`select max(_synced_at) as at from odoo.account_move_line`;
    expect(after[0].at).toEqual(before[0].at);
  });

  it('records each run with its outcome and per-model counts', async () => {
    const runs = await h.sql`select mode, outcome, ended_at, models from ods.runs order by id`;
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.ended_at !== null && r.outcome === 'ok')).toBe(true);
    expect(runs[0].models.map((m: { model: string }) => m.model)).toEqual(
      expect.arrayContaining(CATALOG_MODELS),
    );
  });
});
