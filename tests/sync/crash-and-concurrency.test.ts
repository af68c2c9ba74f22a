import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePage } from '../../packages/shared/src/sync/convert.ts';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 21 });
});
afterAll(async () => {
  await h?.close();
});

const cli = join(ROOT, 'tools', 'sync', 'cli.ts');

function startCli(): { proc: ChildProcess; exited: Promise<number | null>; output: () => string } {
  // One process (tsx as a loader, not its wrapper), so SIGKILL hits the runner itself.
  const proc = spawn(process.execPath, ['--import', 'tsx', cli], {
    cwd: ROOT,
    env: { ...process.env, ...h.env },
  });
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  return { proc, exited, output: () => out };
}

async function expectExactCopy() {
  for (const model of CATALOG_MODELS) expect(await diffWithTruth(h, model), model).toEqual([]);
  // The bookkeeping agrees with the tables: nothing was counted twice.
  const states = await h.sql`select model, rows from ods.sync_state`;
  for (const s of states) {
    const [{ n }] = await h.sql.unsafe(
      `select count(*)::bigint as n from odoo."${s.model.replaceAll('.', '_')}"`,
    );
    expect(Number(s.rows), s.model).toBe(Number(n));
  }
}

describe('a killed runner', () => {
  it('loses nothing and duplicates nothing when killed mid-page, again and again', async () => {
    // Many small, slow pages, so each kill lands while a page is in flight.
    await h.sql`update ods.catalog set page_size = 50`;
    h.sim.control.setFault({ kind: 'latency', ms: 150, method: 'search_read' });
    try {
      for (let kill = 0; kill < 3; kill++) {
        const run = startCli();
        const until = Date.now() + 30_000;
        // Wait until this run has committed at least one more page, then kill it hard.
        const [{ before }] =
          await h.sql`select coalesce(sum(rows), 0)::bigint as before from ods.sync_state`;
        for (;;) {
          const [{ now }] =
            await h.sql`select coalesce(sum(rows), 0)::bigint as now from ods.sync_state`;
          if (Number(now) > Number(before) || Date.now() > until) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 50 + kill * 60));
        run.proc.kill('SIGKILL');
        await run.exited;
        h.sim.control.activity!.step(10);
      }
    } finally {
      await h.sim.control.clearFaults();
    }
    const [{ interrupted }] =
      await h.sql`select count(*)::int as interrupted from ods.runs where outcome = 'running'`;
    expect(interrupted).toBeGreaterThan(0);
    await h.sql`update ods.catalog set page_size = 2000`;
    const last = startCli();
    expect(await last.exited, last.output()).toBe(0);
    await h.syncToEnd({ mode: 'reconcile' });
    await expectExactCopy();
    const [{ open }] =
      await h.sql`select count(*)::int as open from ods.runs where outcome = 'running'`;
    expect(open).toBe(0);
    const [{ closed }] =
      await h.sql`select count(*)::int as closed from ods.runs where outcome = 'interrupted'`;
    expect(closed).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

describe('concurrent invocations', () => {
  it('never both work on one model; together they still converge exactly', async () => {
    h.sim.control.activity!.step(60);
    await h.sql`update ods.sync_state set phase = 'snapshot', snapshot_cursor = 0, snapshot_started_at = null`;
    await h.sql`update ods.catalog set page_size = 100`;
    h.sim.control.setFault({ kind: 'latency', ms: 30, method: 'search_read' });
    // Every Odoo call of each invocation, per model, as a time interval.
    const calls: Array<{ who: string; model: string; from: number; to: number }> = [];
    const instrumented = (who: string) => {
      const res = h.open();
      const odoo = res.odoo as unknown as Record<string, unknown>;
      for (const name of ['searchRead', 'search', 'searchCount', 'read', 'fieldsGet']) {
        const f = odoo[name] as (...a: unknown[]) => Promise<unknown>;
        odoo[name] = async (...a: unknown[]) => {
          const from = performance.now();
          try {
            return await f(...a);
          } finally {
            calls.push({ who, model: a[0] as string, from, to: performance.now() });
          }
        };
      }
      return res;
    };
    const a = instrumented('a');
    const b = instrumented('b');
    try {
      const [ra, rb] = await Promise.all([
        runSlice({ ...a, trigger: 'test-a' }),
        runSlice({ ...b, trigger: 'test-b' }),
      ]);
      const busy = [...ra.models, ...rb.models].filter((m) => m.status === 'busy');
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.every((m) => m.error === 'already running')).toBe(true);
      expect([...ra.models, ...rb.models].filter((m) => m.status === 'error')).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await h.sim.control.clearFaults();
      await h.sql`update ods.catalog set page_size = 2000`;
    }
    for (const x of calls.filter((c) => c.who === 'a' && c.model !== 'res.company')) {
      const overlapping = calls.filter(
        (y) => y.who === 'b' && y.model === x.model && y.from < x.to && x.from < y.to,
      );
      expect(overlapping, `${x.model} worked on by both at once`).toEqual([]);
    }
    await h.syncToEnd();
    await h.syncToEnd({ mode: 'reconcile' });
    await expectExactCopy();
  }, 60_000);

  it('a page whose cursor moved underneath is discarded, not applied twice', async () => {
    const { commitPage } = await import('../../packages/shared/src/sync/page-commit.ts');
    const [state] =
      await h.sql`select window_cursor from ods.sync_state where model = 'res.currency'`;
    const columns = [
      { name: 'id', odooType: 'integer', sqlType: 'bigint' },
      { name: 'name', odooType: 'char', sqlType: 'text' },
    ] as const;
    const run = {
      sql: h.sql,
      entry: { model: 'res.currency', dependents: [] },
      table: 'res_currency',
      columns,
    } as never;
    await expect(
      commitPage(
        run,
        encodePage('res.currency', columns, [{ id: 999_999, name: 'XXX' }]),
        { column: 'window_cursor', value: Number(state.window_cursor) + 7 },
        async () => {},
      ),
    ).rejects.toThrow(/page discarded/);
    const rows = await h.sql`select id from odoo.res_currency where id = 999999`;
    expect(rows).toHaveLength(0);
  });
});
