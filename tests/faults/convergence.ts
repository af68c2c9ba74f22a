import { expect } from 'vitest';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness } from '../sync/harness.ts';

/** The record ids a diffWithTruth answer is about. */
export function idsIn(diffs: string[]): Set<number> {
  return new Set(diffs.map((d) => Number(/^\S+ (\d+)[.:]/.exec(d)?.[1] ?? Number.NaN)));
}

/**
 * The model's copy equals Odoo's truth: nothing lost or wrong, nothing Odoo deleted still (or
 * again) there, no row counted twice, and no deletion audited for a record Odoo still has.
 */
export async function expectModelConverged(
  h: SyncHarness,
  model: string,
  context = '',
): Promise<void> {
  expect(await diffWithTruth(h, model, 20), `${model} equals Odoo ${context}`).toEqual([]);
  const table = model.replaceAll('.', '_');
  const [{ n }] = await h.sql.unsafe(`select count(*)::bigint as n from odoo."${table}"`);
  const [st] = await h.sql`select rows from ods.sync_state where model = ${model}`;
  expect(Number(st.rows), `${model}: rows as counted by the engine`).toBe(Number(n));
  const live = new Set(h.sim.control.truth(model).map((r) => r.id as number));
  const audited = await h.sql`select distinct record_id from ods.deletions where model = ${model}`;
  const wrongly = audited.map((r) => Number(r.record_id)).filter((id) => live.has(id));
  expect(wrongly, `${model}: audited as deleted, but Odoo has them`).toEqual([]);
}

/** Every catalog model converged, as after `npm run sync -- --reconcile --verify`. */
export async function expectCopyConverged(h: SyncHarness): Promise<void> {
  await h.syncToEnd();
  await h.syncToEnd({ mode: 'reconcile' });
  await h.syncToEnd({ mode: 'verify' });
  await h.syncToEnd();
  for (const model of CATALOG_MODELS) await expectModelConverged(h, model);
  const failing = await h.sql`select model, last_error from reporting.sync_health
    where last_error is not null`;
  expect(failing, 'sync_health reports no error once the copy has converged').toEqual([]);
}
