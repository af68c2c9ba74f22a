import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';

/**
 * A harness for the matrix: its copy complete, and the cluster's own pg_cron jobs paused — the
 * cells run every slice themselves, and a cron tick landing mid-cell (its invocation fails here:
 * no Edge Function runtime) would put an unrelated error in sync_health.
 */
export async function startMatrixHarness(seed: number): Promise<SyncHarness> {
  const h = await startSyncHarness({ seed });
  await h.sql`update cron.job set active = false`;
  await h.syncToEnd();
  return h;
}
