import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { dataDirOf, readCluster, stopCluster } from '../../tools/local-stack/src/cluster.ts';
import { LOCAL_DIR, PG_BIN, ROOT } from '../../tools/local-stack/src/paths.ts';
import type { SyncHarness } from '../sync/harness.ts';

const HOLD_KEY = 914_009;

/**
 * Makes the next page that writes to `table` stop halfway, deterministically: a row trigger
 * (fires only for rows the page really changes) waits for an advisory lock the test holds, so
 * the page's transaction has written rows and not committed when the test strikes.
 */
export async function holdPages(h: SyncHarness, table: string) {
  const fn = `public.fault_matrix_hold_${table}`;
  await h.sql.unsafe(`create or replace function ${fn}() returns trigger language plpgsql as $$
    begin perform pg_advisory_xact_lock_shared(${HOLD_KEY}); return null; end $$`);
  await h.sql.unsafe(`create trigger fault_matrix_hold after insert or update or delete
    on odoo."${table}" for each row execute function ${fn}()`);
  // A connection of its own: a Postgres restart kills it without disturbing the harness's pool.
  const holder = postgres(h.dbUrl, { max: 1, onnotice: () => {} });
  await holder`select pg_advisory_lock(${HOLD_KEY})`;
  return {
    /** The backend of a page stopped halfway (written, not committed). */
    async blocked(timeoutMs = 30_000): Promise<number> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await h.sql`select pid from pg_stat_activity
          where wait_event_type = 'Lock' and wait_event = 'advisory' and backend_xid is not null`;
        if (row) return row.pid;
        if (Date.now() > until) throw new Error(`no page reached odoo.${table} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** Lets held pages go on (if their process is still there) and removes the trigger. */
    async release(): Promise<void> {
      // Ending the session frees the lock; after a Postgres restart the session is gone already
      // (and a query on the dead connection would hit postgres.js 3.4.9's unguarded write after
      // close, porsager/postgres#1154).
      await holder.end({ timeout: 1 }).catch(() => {});
      await reachable(h);
      await h.sql.unsafe(`drop trigger if exists fault_matrix_hold on odoo."${table}"`);
      await h.sql.unsafe(`drop function if exists ${fn}()`);
    },
  };
}

/** Waits until the harness's pool answers again (its connections died with a restart). */
export async function reachable(h: SyncHarness, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await h.sql`select 1`;
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Waits until a backend is gone (a killed client's transaction rolled back). */
export async function gone(h: SyncHarness, pid: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const rows = await h.sql`select 1 from pg_stat_activity where pid = ${pid}`;
    if (rows.length === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`backend ${pid} still there after ${timeoutMs} ms`);
}

/** The harness's cluster directory (the one of this process listening on the harness's port). */
export function clusterDirOf(h: SyncHarness): string {
  const port = Number(new URL(h.dbUrl).port);
  const prefix = `test-${process.pid}-sync-`;
  const dirs = existsSync(LOCAL_DIR) ? readdirSync(LOCAL_DIR) : [];
  const dir = dirs
    .filter((d) => d.startsWith(prefix))
    .map((d) => join(LOCAL_DIR, d))
    .find((d) => readCluster(d)?.port === port);
  if (!dir) throw new Error(`no cluster directory of this process on port ${port}`);
  return dir;
}

/**
 * Stops Postgres (fast: every session ends, open transactions roll back) and starts it again
 * on the same port, as a crash-restart or a failover would; no migration runs in between.
 */
export function restartPostgres(dir: string): void {
  const port = readCluster(dir)?.port;
  if (!port) throw new Error(`no cluster in ${dir}`);
  stopCluster(dir);
  const data = dataDirOf(dir);
  const pgCtl = [join(PG_BIN, 'pg_ctl'), 'start', '-w', '-t', '60', '-D', data];
  const argv = [...pgCtl, '-l', join(data, 'server.log'), '-o', `-p ${port}`];
  const r =
    process.getuid?.() === 0
      ? spawnSync('runuser', ['-u', 'postgres', '--', ...argv], { encoding: 'utf8' })
      : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr}`);
}

/** `npm run sync` as a child process (one process: tsx as a loader, so SIGKILL hits it). */
export function startSyncCli(
  h: SyncHarness,
  args: string[],
): { proc: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const cli = join(ROOT, 'tools', 'sync', 'cli.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
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
