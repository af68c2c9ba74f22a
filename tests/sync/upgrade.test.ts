import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../../packages/shared/src/sync/budget.ts';
import { runSlice, type SyncMode } from '../../packages/shared/src/sync/run-slice.ts';
import { expectModelConverged } from '../faults/convergence.ts';
import { CATALOG_MODELS, type SyncHarness, startSyncHarness } from './harness.ts';

// An Odoo 17 upgraded in place to 18 while its copy keeps syncing in cron-sized slices: the copy
// ends equal to the 18 truth (every model, row and field), no row was deleted and re-created,
// the fields 18 dropped are reported (account codes as moved per company, each backfilled), and
// no model ever failed.

const SLICES_BEFORE = 6;
const SLICES_AFTER = 30;

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ odooVersion: 17, seed: 61, scale: 3000 });
});
afterAll(async () => {
  await h?.close();
});

const c = () => h.sim.control;

/** The mirror's ids per model. */
async function mirrorIds(): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  for (const model of CATALOG_MODELS) {
    const rows = await h.sql.unsafe(`select id from odoo."${model.replaceAll('.', '_')}"`);
    out.set(model, new Set(rows.map((r) => Number(r.id))));
  }
  return out;
}

/** Ids that were in the mirror and that Odoo still has, but the mirror lost (even briefly). */
async function vanished(before: Map<string, Set<number>>): Promise<string[]> {
  const now = await mirrorIds();
  const out: string[] = [];
  for (const [model, ids] of before) {
    const live = new Set(
      c()
        .truth(model)
        .map((r) => r.id as number),
    );
    for (const id of ids) if (live.has(id) && !now.get(model)!.has(id)) out.push(`${model} ${id}`);
  }
  return out;
}

describe('Odoo 17 → 18 in place, under a running copy', () => {
  it('converges to the 18 truth without deleting and re-creating a row or failing a model', async () => {
    await h.syncToEnd();
    const columns17 = new Map(
      (await h.sql`select model, columns from ods.sync_state`).map((r) => [
        r.model as string,
        (r.columns as { name: string }[]).map((col) => col.name),
      ]),
    );
    const failures: string[] = [];
    const versions: number[] = [];
    const vanishedIds: string[] = [];
    const slice = async (tick: number) => {
      c().activity!.step(8);
      const mode: SyncMode = tick % 5 === 4 ? 'reconcile' : 'sync';
      const res = h.open(); // one client per invocation, as the Edge Function has
      try {
        const before = await mirrorIds();
        const s = await runSlice({
          ...res,
          mode,
          trigger: 'cron',
          // An Edge Function's slice, scaled down so the re-read spans several of them.
          budget: new Budget({ wallMs: 20_000, records: 1_500 }),
        });
        for (const m of s.models.filter((x) => x.status === 'error'))
          failures.push(`slice ${tick} ${mode} ${m.model}: ${m.error}`);
        vanishedIds.push(...(await vanished(before)));
        const [run] = await h.sql`select odoo_version from ods.runs where id = ${s.runId}`;
        versions.push(run.odoo_version);
      } finally {
        await res.close();
      }
    };
    for (let t = 0; t < SLICES_BEFORE; t++) await slice(t);
    const atUpgrade = await mirrorIds();
    const t0 = performance.now();
    h.sim.upgrade(18);
    expect(h.sim.odooVersion).toBe(18);
    for (let t = SLICES_BEFORE; t < SLICES_BEFORE + SLICES_AFTER; t++) await slice(t);
    // Activity stops; the copy catches up as `npm run sync -- --reconcile --verify` would.
    const final = [
      ...(await h.syncToEnd()),
      ...(await h.syncToEnd({ mode: 'reconcile' })),
      ...(await h.syncToEnd({ mode: 'verify' })),
      ...(await h.syncToEnd()),
    ];
    const seconds = (performance.now() - t0) / 1000;
    for (const s of final)
      for (const m of s.models.filter((x) => x.status === 'error'))
        failures.push(`final ${s.mode} ${m.model}: ${m.error}`);
    console.log(
      `upgrade 17 → 18: ${SLICES_AFTER} cron slices + catch-up in ${seconds.toFixed(1)} s`,
    );

    expect(failures, 'no model ever failed').toEqual([]);
    expect(versions.slice(0, SLICES_BEFORE).every((v) => v === 17)).toBe(true);
    expect(versions.slice(SLICES_BEFORE).every((v) => v === 18)).toBe(true);
    expect(vanishedIds, 'rows Odoo kept never left the mirror').toEqual([]);
    expect(await vanished(atUpgrade)).toEqual([]);
    for (const model of CATALOG_MODELS) await expectModelConverged(h, model, 'after 17 → 18');

    const states =
      await h.sql`select model, odoo_version, columns, company_columns, dropped_columns,
      schema_changes, rereads, last_error from ods.sync_state order by model`;
    for (const st of states) {
      expect(st.odoo_version, st.model).toBe(18);
      expect(st.rereads, st.model).toEqual([]);
      expect(st.last_error, st.model).toBeNull();
      // Every field the 17 copy had that 18 lacks is reported, its column kept.
      const now = new Set((st.columns as { name: string }[]).map((col) => col.name));
      const gone = (columns17.get(st.model) ?? []).filter((f) => !now.has(f));
      expect([...st.dropped_columns].sort(), st.model).toEqual(expect.arrayContaining(gone));
      // A field 18 computes per company moved to the companion table: reported as such.
      const perCompany = new Set(
        ((st.company_columns ?? []) as { name: string }[]).map((col) => col.name),
      );
      for (const f of gone) {
        const change = perCompany.has(f) ? 'per_company' : 'dropped';
        expect(st.schema_changes, `${st.model}.${f}`).toContainEqual(
          expect.objectContaining({ field: f, change, odooVersion: 18 }),
        );
      }
    }
    // 18 shares accounts between companies: company_id is gone, company_ids new.
    const account = states.find((s) => s.model === 'account.account')!;
    expect(account.dropped_columns).toContain('company_id');
    expect(account.schema_changes).toContainEqual(
      expect.objectContaining({ field: 'code', change: 'per_company', odooVersion: 18 }),
    );
    expect(account.schema_changes).toContainEqual(
      expect.objectContaining({ field: 'company_ids', change: 'added', odooVersion: 18 }),
    );
    const [health] = await h.sql`select odoo_version, schema_changes from reporting.sync_health
      where model = 'account.account'`;
    expect(health.odoo_version).toBe(18);
    expect(health.schema_changes).toContainEqual(expect.objectContaining({ field: 'company_id' }));

    // 18 computes account codes per company: every account's code in every company that sees
    // it was backfilled (not only accounts changed after the upgrade), and the reports show one.
    const perCompanyTruth = c()
      .truth('res.company')
      .flatMap((co) =>
        c()
          .readAs('account.account', co.id as number, ['code'])
          .map((a) => `${a.id}|${co.id}|${a.code}`),
      )
      .sort();
    const perCompanyCopy = (
      await h.sql`select id, company_id, code from odoo.account_account__company`
    )
      .map((r) => `${r.id}|${r.company_id}|${r.code}`)
      .sort();
    expect(perCompanyCopy).toEqual(perCompanyTruth);
    const [{ uncoded }] = await h.sql`select count(*)::int as uncoded
      from reporting.partner_ledger where account_code is null`;
    expect(uncoded).toBe(0);
  }, 240_000);
});
