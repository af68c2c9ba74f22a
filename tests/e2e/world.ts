// A complete local world for the page: its own cluster with every migration, an Odoo
// simulator, the sync (run from here, so the tests decide when data moves), the reports
// refreshed, and the gateway (/rest/v1, /auth/v1, the built page at /).

import type { SimOptions } from '../../packages/odoo-sim/src/index.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';

export interface World {
  h: SyncHarness;
  platform: Platform;
  url: string;
  /** Syncs to the end and refreshes the reports; returns whether every slice succeeded. */
  sync(): Promise<boolean>;
  demoAccess(on: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  opts: { sim?: SimOptions; anon?: boolean; log?: (l: string) => void } = {},
): Promise<World> {
  const h = await startSyncHarness({ scale: 3000, seed: 11, ...opts.sim });
  let platform: Platform | undefined;
  try {
    // The tests run the sync and the refresh themselves: no cron in between.
    await h.sql`select cron.unschedule(jobname) from cron.job
      where jobname in ('odoo-sync', 'reporting-refresh')`;
    platform = await startPlatform({
      dbPort: Number(new URL(h.dbUrl).port),
      gatewayPort: await freePort(),
      log: opts.log ?? (() => {}),
    });
  } catch (e) {
    await h.close();
    throw e;
  }
  const world: World = {
    h,
    platform,
    url: platform.url,
    async sync() {
      const summaries = await h.syncToEnd();
      await h.sql`select * from ods.refresh_reporting(false, true)`;
      return summaries.every((s) => s.outcome === 'ok');
    },
    async demoAccess(on) {
      await h.sql`select ods.set_demo_access(${on})`;
    },
    async close() {
      await platform?.close();
      await h.close();
    },
  };
  if (opts.anon ?? true) await world.demoAccess(true);
  return world;
}
