import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import {
  DEFAULT_CATALOG,
  type RunningSim,
  type SimOptions,
  startOdooSim,
} from '../../packages/odoo-sim/src/index.ts';
import type { Column } from '../../packages/shared/src/sync/columns.ts';
import { openSync, type SyncResources } from '../../packages/shared/src/sync/open-sync.ts';
import {
  runSlice,
  type SliceSummary,
  type SyncMode,
} from '../../packages/shared/src/sync/run-slice.ts';
import { destroyCluster, startCluster } from '../../tools/local-stack/src/cluster.ts';
import { LOCAL_DIR } from '../../tools/local-stack/src/paths.ts';
import { defaultOdooVersion, defaultTestProtocol } from '../setup/versions.ts';

/**
 * A sync test's world: its own Postgres cluster (the sync owns the odoo/ods schemas, so files
 * cannot share one) with every migration, and its own Odoo simulator over real HTTP.
 */
export interface SyncHarness {
  sim: RunningSim;
  dbUrl: string;
  sql: postgres.Sql;
  env: Record<string, string>;
  open(extraEnv?: Record<string, string>): SyncResources;
  /** Slices until nothing remains (or `maxSlices`), returning every summary. */
  syncToEnd(opts?: {
    mode?: SyncMode;
    models?: string[];
    extraEnv?: Record<string, string>;
    maxSlices?: number;
    log?: (line: string) => void;
  }): Promise<SliceSummary[]>;
  close(): Promise<void>;
}

let counter = 0;

export async function startSyncHarness(simOpts: SimOptions = {}): Promise<SyncHarness> {
  const dir = join(LOCAL_DIR, `test-${process.pid}-sync-${++counter}`);
  const cluster = await startCluster(dir);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  // Without a version of its own, the one under test (tests/setup/versions.ts).
  const sim = await startOdooSim({
    port: 0,
    scale: 2000,
    seed: 7,
    odooVersion: defaultOdooVersion(),
    ...simOpts,
  });
  const env: Record<string, string> = {
    SUPABASE_DB_URL: cluster.url,
    ...sim.env,
    // The transport under test (tests/setup/versions.ts): JSON-RPC unless the matrix says.
    ODOO_PROTOCOL: defaultTestProtocol(),
    SYNC_MAX_RPS: '0',
  };
  const sql = postgres(cluster.url, { max: 3, onnotice: () => {} });
  // The tests drive every sync themselves. pg_cron's own calls of the function (every minute,
  // and at :00/:15/:30/:45 and :07 for reconcile and verify) find no Vault entries here, so each
  // would be recorded as a failed invocation in sync_health whenever a test crosses one.
  await sql`update cron.job set active = false where jobname like 'odoo-sync%'`;
  const harness: SyncHarness = {
    sim,
    dbUrl: cluster.url,
    sql,
    env,
    open: (extraEnv = {}) => openSync({ ...env, ...extraEnv }),
    async syncToEnd({ mode = 'sync', models, extraEnv, maxSlices = 50, log } = {}) {
      const res = harness.open(extraEnv);
      const out: SliceSummary[] = [];
      const began = new Date();
      try {
        for (let i = 0; i < maxSlices; i++) {
          const s = await runSlice({
            ...res,
            mode,
            models,
            trigger: 'test',
            log,
            sweepCycleFrom: began,
          });
          out.push(s);
          if (!s.more) break;
        }
      } finally {
        await res.close();
      }
      return out;
    },
    async close() {
      await sql.end({ timeout: 2 });
      await sim.close();
      destroyCluster(dir);
    },
  };
  return harness;
}

/** The mirror's columns for a model, as the sync recorded them. */
export async function mirroredColumns(sql: postgres.Sql, model: string): Promise<Column[]> {
  const [row] = await sql`select columns from ods.sync_state where model = ${model}`;
  return row?.columns ?? [];
}

function expected(c: Column, v: unknown): unknown {
  if (c.sqlType === 'boolean') return v === true;
  if (v === false || v === null || v === undefined) return c.sqlType === 'bigint[]' ? [] : null;
  if (c.odooType === 'many2one' && (v === 0 || (Array.isArray(v) && v[0] === 0))) return null;
  if (c.sqlType === 'bigint') return Array.isArray(v) ? v[0] : v;
  if (c.sqlType === 'numeric') return Number(v);
  if (c.sqlType === 'timestamptz') return String(v).slice(0, 19); // the API returns seconds only
  if (c.sqlType === 'bigint[]') return [...(v as number[])].sort((a, b) => a - b);
  return v;
}

function actual(c: Column, v: unknown): unknown {
  if (v === null) return c.sqlType === 'bigint[]' ? [] : null;
  if (c.sqlType === 'bigint') return Number(v);
  if (c.sqlType === 'numeric') return Number(v);
  if (c.sqlType === 'timestamptz') return (v as Date).toISOString().slice(0, 19).replace('T', ' ');
  if (c.sqlType === 'date') return (v as Date).toISOString().slice(0, 10);
  if (c.sqlType === 'bigint[]') return (v as unknown[]).map(Number).sort((a, b) => a - b);
  return v;
}

/** Differences between the mirror and the simulator's truth for one model (empty = equal). */
export async function diffWithTruth(h: SyncHarness, model: string, limit = 10): Promise<string[]> {
  const columns = await mirroredColumns(h.sql, model);
  if (columns.length === 0) return [`${model}: no columns recorded (never synced)`];
  const table = model.replaceAll('.', '_');
  const rows = await h.sql.unsafe(`select * from odoo."${table}" order by id`);
  const local = new Map(rows.map((r) => [Number(r.id), r]));
  const truth = h.sim.control.truth(model);
  const diffs: string[] = [];
  const remoteIds = new Set<number>();
  for (const t of truth) {
    const id = t.id as number;
    remoteIds.add(id);
    const l = local.get(id);
    if (!l) {
      diffs.push(`${model} ${id}: missing in mirror`);
      continue;
    }
    for (const c of columns) {
      const e = expected(c, t[c.name]);
      const a = actual(c, l[c.name]);
      if (JSON.stringify(e) !== JSON.stringify(a))
        diffs.push(
          `${model} ${id}.${c.name}: odoo=${JSON.stringify(e)} mirror=${JSON.stringify(a)}`,
        );
    }
    if (diffs.length >= limit) return diffs;
  }
  for (const id of local.keys())
    if (!remoteIds.has(id)) diffs.push(`${model} ${id}: in mirror, deleted in Odoo`);
  return diffs.slice(0, limit);
}

/** The default catalog (DESIGN §3), as the migration seeds it and the simulator serves it. */
export const CATALOG_MODELS: string[] = [...DEFAULT_CATALOG];
