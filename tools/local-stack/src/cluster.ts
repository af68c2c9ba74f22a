import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  claimDataHome,
  newDataDir,
  ownedByAnother,
  prepareDataHome,
  removeDataHome,
  runsAsPostgres,
} from './cluster-home.ts';
import { storedPassword } from './db-password.ts';
import { freePort } from './free-port.ts';
import { BIN, PG_BIN, ROOT, SQL_DIR } from './paths.ts';

export { freePort };

/** A Postgres 15 cluster owned by the project (never the system cluster). */
export interface Cluster {
  /** The cluster's folder in the checkout: its state file (port, where the data lives). */
  dir: string;
  /** The server's files (PGDATA): beside `dir`, or under a system folder when run as root. */
  data: string;
  port: number;
  /** Superuser connection string (trust auth on 127.0.0.1). */
  url: string;
}

export class ClusterError extends Error {
  override name = 'ClusterError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// initdb refuses to run as root; the Debian `postgres` user owns the cluster then.
function asServerUser(bin: string, args: string[], opts: { quiet?: boolean } = {}) {
  const [cmd, argv] = runsAsPostgres()
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
    : [join(PG_BIN, bin), args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new ClusterError(`${bin} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  }
  if (!opts.quiet && r.stdout.trim()) process.stderr.write(r.stdout);
  return r.stdout;
}

/** `password`: the cluster's own once it requires one (db-password.ts); else any (trust). */
export function clusterUrl(port: number, user = 'postgres', password = 'postgres'): string {
  return `postgresql://${user}:${password}@127.0.0.1:${port}/postgres`;
}

const stateFile = (dir: string) => join(dir, 'cluster.json');

interface ClusterState {
  port: number;
  /** Absent in state files written before the data could live outside the checkout. */
  data?: string;
}

function readState(dir: string): ClusterState | undefined {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as ClusterState;
}

/** Where the cluster kept in `dir` has (or will have) its data. */
export function dataDirOf(dir: string): string {
  const recorded = readState(dir)?.data;
  if (recorded && !ownedByAnother(dir, recorded)) return recorded;
  return !recorded && existsSync(join(dir, 'data')) ? join(dir, 'data') : newDataDir(dir);
}

export function readCluster(dir: string): Cluster | undefined {
  const state = readState(dir);
  if (!state) return undefined;
  const url = clusterUrl(state.port, 'postgres', storedPassword(dir));
  return { dir, data: dataDirOf(dir), port: state.port, url };
}

export function isRunning(dir: string): boolean {
  const data = dataDirOf(dir);
  if (!existsSync(join(data, 'PG_VERSION'))) return false;
  const r = runsAsPostgres()
    ? spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), 'status', '-D', data])
    : spawnSync(join(PG_BIN, 'pg_ctl'), ['status', '-D', data]);
  return r.status === 0;
}

/**
 * Creates (first time) and starts the cluster in `dir`, applies the platform bootstrap and every
 * migration. Idempotent: an existing cluster is started and only new migrations are applied.
 */
export async function startCluster(dir: string, port?: number): Promise<Cluster> {
  mkdirSync(dir, { recursive: true });
  const data = dataDirOf(dir);
  const fresh = !existsSync(join(data, 'PG_VERSION'));
  const chosenPort = port ?? readState(dir)?.port ?? (await freePort());
  // Written before the data exists, so whoever removes `dir` can always find the data.
  writeFileSync(stateFile(dir), JSON.stringify({ port: chosenPort, data }));
  if (fresh) initCluster(dir, data, chosenPort);
  else claimDataHome(dir, data);
  if (!isRunning(dir)) {
    asServerUser(
      'pg_ctl',
      [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        data,
        '-l',
        join(data, 'server.log'),
        '-o',
        `-p ${chosenPort}`,
      ],
      { quiet: true },
    );
  }
  const cluster = {
    dir,
    data,
    port: chosenPort,
    url: clusterUrl(chosenPort, 'postgres', storedPassword(dir)),
  };
  if (fresh) psqlFile(cluster, join(SQL_DIR, 'bootstrap.sql'));
  // Idempotent, and on every start: clusters created before the Storage stand-in get it too.
  psqlFile(cluster, join(SQL_DIR, 'storage.sql'));
  applyMigrations(cluster);
  return cluster;
}

function initCluster(dir: string, data: string, port: number): void {
  // A half-made data folder (a killed initdb) would make initdb refuse: start over.
  rmSync(data, { recursive: true, force: true });
  prepareDataHome(dir, data);
  asServerUser(
    'initdb',
    [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ],
    { quiet: true },
  );
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = ''`,
    `shared_preload_libraries = 'pg_cron'`,
    `cron.database_name = 'postgres'`,
    `cron.use_background_workers = on`,
    `max_worker_processes = 32`,
    `max_connections = 200`,
    // A development and test cluster: durability is not worth the fsync cost here.
    `fsync = off`,
    `synchronous_commit = off`,
    `full_page_writes = off`,
    `timezone = 'UTC'`,
  ].join('\n');
  const file = join(data, 'postgresql.conf');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n# finanzas-agv local stack\n${conf}\n`);
}

export function psqlFile(cluster: Cluster, file: string): void {
  const r = spawnSync(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', cluster.url, '-f', file],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new ClusterError(`psql -f ${file} failed: ${r.stderr}`);
}

/** Applies pending migrations with the Supabase CLI, as `supabase db push` would on a project. */
export function applyMigrations(cluster: Cluster): void {
  const r = spawnSync(
    join(BIN, 'supabase'),
    ['migration', 'up', '--db-url', `${cluster.url}?sslmode=disable`, '--workdir', ROOT],
    {
      encoding: 'utf8',
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    },
  );
  if (r.status !== 0) {
    throw new ClusterError(`supabase migration up failed:\n${r.stderr}${r.stdout}`);
  }
}

export function stopCluster(dir: string): void {
  if (isRunning(dir))
    asServerUser('pg_ctl', ['stop', '-m', 'fast', '-w', '-D', dataDirOf(dir)], { quiet: true });
}

export function destroyCluster(dir: string): void {
  stopCluster(dir);
  // The data first: while `dir` exists, nothing takes the data for an orphan.
  if (readState(dir)) removeDataHome(dir, dataDirOf(dir));
  rmSync(dir, { recursive: true, force: true });
}
