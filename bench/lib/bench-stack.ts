// The local stack as `npm start` runs it — a cluster with pg_cron, the gateway (/rest/v1,
// /functions/v1), the pg_net worker, Vault entries, demo access — around a simulator of the
// bench's own, for benchmarks that measure the whole path rather than the engine alone.
import { join } from 'node:path';
import postgres from 'postgres';
import {
  type Cluster,
  destroyCluster,
  freePort,
  startCluster,
} from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY } from '../../tools/local-stack/src/keys.ts';
import { LOCAL_DIR } from '../../tools/local-stack/src/paths.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { writeVaultEntries } from '../../tools/local-stack/src/vault-entries.ts';
import { createApi } from '../../web/src/api.ts';
import { firstCopyProgress, type SyncHealthRow } from '../../web/src/freshness.ts';

class NoWebSocket {
  constructor() {
    throw new Error('realtime is not used');
  }
}

export type Api = ReturnType<typeof createApi>;

/** The page's own client (web/src/api.ts) with the anon key, as the demo page reads. */
export function pageApi(url: string): Api {
  return createApi(
    { supabaseUrl: url, anonKey: ANON_KEY, staleAfterMinutes: 15, pollSeconds: 60 },
    { realtime: { transport: NoWebSocket }, auth: { persistSession: false } },
  );
}

export interface BenchStack {
  cluster: Cluster;
  sql: postgres.Sql;
  /** The gateway's URL (Vault's project_url), once the platform runs. */
  url: string;
  api: Api;
  /** (Re)starts the platform with this environment for the Edge Functions. */
  platform(functionEnv: Record<string, string>): Promise<void>;
  /** What `npm start` does once up: the first sync now, not at the next tick. */
  kickSync(): Promise<void>;
  /** Seconds until every model has completed its first copy (reporting.sync_health). */
  waitFirstCopy(timeoutMs: number, log?: (line: string) => void): Promise<number>;
  /**
   * Called once the first copy is complete: until every report was rebuilt, or found current,
   * after the sync run that completed it (ods.reporting_matviews, where the engine keeps one;
   * that run's refresh starts after it ends) and the reports show a company through /rest/v1. Past
   * `timeoutMs` (a refresh stuck on a plan made before the tables had statistics, issue 14), the
   * benchmark steps in so that what follows can be measured: cancels the refresh, analyses the
   * mirror and refreshes itself.
   */
  waitReportsVisible(timeoutMs: number): Promise<{ seconds: number; rescued: boolean }>;
  /** Pauses (or resumes) pg_cron's one-minute call of odoo-sync. */
  minuteCron(active: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchStack(name: string): Promise<BenchStack> {
  const dir = join(LOCAL_DIR, `bench-${name}-${process.pid}`);
  const cluster = await startCluster(dir);
  const sql = postgres(cluster.url, { max: 3, onnotice: () => {} });
  await sql`select ods.set_demo_access(true)`;
  const gatewayPort = await freePort();
  let current: Platform | undefined;
  const stack: BenchStack = {
    cluster,
    sql,
    url: `http://127.0.0.1:${gatewayPort}`,
    api: pageApi(`http://127.0.0.1:${gatewayPort}`),
    async platform(functionEnv) {
      await current?.close();
      current = undefined;
      current = await startPlatform({ dbPort: cluster.port, gatewayPort, functionEnv });
      await writeVaultEntries(cluster.url, current.url);
    },
    async kickSync() {
      await sql`select ods.invoke_sync('sync', 'start')`;
    },
    async waitFirstCopy(timeoutMs, log) {
      const t0 = performance.now();
      let lastLog = 0;
      for (;;) {
        const health = await sql<SyncHealthRow[]>`select * from reporting.sync_health`;
        const copy = firstCopyProgress(health);
        if (copy.done) return (performance.now() - t0) / 1000;
        if (performance.now() - t0 > timeoutMs)
          throw new Error(`first copy not complete after ${timeoutMs} ms: ${copy.pending}`);
        if (log && performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`first copy ${copy.percent} % (${copy.records.toLocaleString()} records)`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async waitReportsVisible(timeoutMs) {
      const t0 = performance.now();
      const [{ since }] =
        await sql`select max(ended_at) as since from ods.runs where mode = 'sync'`;
      while (performance.now() - t0 < timeoutMs) {
        const [{ current }] = await sql`select to_regclass('ods.reporting_matviews') is null
          or (select coalesce(bool_and(greatest(refreshed_at, checked_at) >= ${since}), false)
                from ods.reporting_matviews) as current`;
        if (current && (await stack.api.companies()).length > 0)
          return { seconds: (performance.now() - t0) / 1000, rescued: false };
        await new Promise((r) => setTimeout(r, 500));
      }
      await sql`select pg_cancel_backend(pid) from pg_stat_activity
        where query like '%refresh_reporting%' and pid <> pg_backend_pid()`;
      await sql`analyze`;
      await sql`select * from ods.refresh_reporting(true, true)`;
      return { seconds: (performance.now() - t0) / 1000, rescued: true };
    },
    async minuteCron(active) {
      await sql`select cron.alter_job(jobid, active => ${active}) from cron.job
        where jobname = 'odoo-sync'`;
    },
    async close() {
      await current?.close();
      await sql.end({ timeout: 2 });
      destroyCluster(dir);
    },
  };
  return stack;
}

/**
 * The 10-second schedule Supabase's pg_cron 1.5+ would run (`'10 seconds'`), which Debian's
 * minute-only pg_cron 1.4 cannot: the cron job's own SQL, `select ods.invoke_sync('sync', …)`,
 * from a loop on wall-clock multiples of `everyMs` (as a scheduler fires), its own connection.
 */
export function startSyncDriver(dbUrl: string, everyMs: number, trigger = 'cron-10s') {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticks = 0;
  const tick = async () => {
    if (stopped) return;
    try {
      await sql`select ods.invoke_sync('sync', ${trigger})`;
      ticks++;
    } catch {
      // A missed tick is a scheduler's failure, not the benchmark's; the next one follows.
    }
    if (!stopped) timer = setTimeout(tick, everyMs - (Date.now() % everyMs));
  };
  timer = setTimeout(tick, everyMs - (Date.now() % everyMs));
  return {
    get ticks() {
      return ticks;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await sql.end({ timeout: 2 });
    },
  };
}

/** The sync's own pace in a window: records fetched per second of invocation time (ods.runs). */
export async function syncThroughput(sql: postgres.Sql, from: Date, to: Date) {
  const [r] = await sql`select count(*)::int as runs,
      coalesce(sum((select sum((m->>'fetched')::bigint) from jsonb_array_elements(models) m)), 0)::float as records,
      coalesce(sum(extract(epoch from ended_at - started_at)), 0)::float as seconds
    from ods.runs
    where mode = 'sync' and ended_at is not null and started_at >= ${from} and started_at < ${to}`;
  return {
    runs: r.runs as number,
    records: r.records as number,
    seconds: r.seconds as number,
    perSecond: r.seconds > 0 ? r.records / r.seconds : 0,
  };
}
