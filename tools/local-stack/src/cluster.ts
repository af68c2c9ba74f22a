import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { storedPassword } from './db-password.ts';
import { BIN, PG_BIN, ROOT, SQL_DIR } from './paths.ts';

/** A Postgres 15 cluster owned by the project (never the system cluster). */
export interface Cluster {
  dir: string;
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

const isRoot = () => process.getuid?.() === 0;

// initdb refuses to run as root; the Debian `postgres` user owns the cluster then.
function asPostgresUser(bin: string, args: string[], opts: { quiet?: boolean } = {}) {
  const [cmd, argv] = isRoot()
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const dataDir = (dir: string) => join(dir, 'data');
const stateFile = (dir: string) => join(dir, 'cluster.json');

export function readCluster(dir: string): Cluster | undefined {
  if (!existsSync(stateFile(dir))) return undefined;
  const { port } = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as { port: number };
  return { dir, port, url: clusterUrl(port, 'postgres', storedPassword(dir)) };
}

export function isRunning(dir: string): boolean {
  if (!existsSync(join(dataDir(dir), 'PG_VERSION'))) return false;
  const r = isRoot()
    ? spawnSync('runuser', [
        '-u',
        'postgres',
        '--',
        join(PG_BIN, 'pg_ctl'),
        'status',
        '-D',
        dataDir(dir),
      ])
    : spawnSync(join(PG_BIN, 'pg_ctl'), ['status', '-D', dataDir(dir)]);
  return r.status === 0;
}

/**
 * Creates (first time) and starts the cluster in `dir`, applies the platform bootstrap and every
 * migration. Idempotent: an existing cluster is started and only new migrations are applied.
 */
export async function startCluster(dir: string, port?: number): Promise<Cluster> {
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(join(dataDir(dir), 'PG_VERSION'));
  const chosenPort = port ?? readCluster(dir)?.port ?? (await freePort());
  if (fresh) initCluster(dir, chosenPort);
  writeFileSync(stateFile(dir), JSON.stringify({ port: chosenPort }));
  if (!isRunning(dir)) {
    asPostgresUser(
      'pg_ctl',
      [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        dataDir(dir),
        '-l',
        join(dataDir(dir), 'server.log'),
        '-o',
        `-p ${chosenPort}`,
      ],
      { quiet: true },
    );
  }
  const cluster = {
    dir,
    port: chosenPort,
    url: clusterUrl(chosenPort, 'postgres', storedPassword(dir)),
  };
  if (fresh) psqlFile(cluster, join(SQL_DIR, 'bootstrap.sql'));
  applyMigrations(cluster);
  return cluster;
}

function initCluster(dir: string, port: number): void {
  if (isRoot()) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    chownSync(dir, Number(id), Number(gid));
  }
  asPostgresUser(
    'initdb',
    [
      '-D',
      dataDir(dir),
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
  const file = join(dataDir(dir), 'postgresql.conf');
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
    asPostgresUser('pg_ctl', ['stop', '-m', 'fast', '-w', '-D', dataDir(dir)], { quiet: true });
}

export function destroyCluster(dir: string): void {
  stopCluster(dir);
  rmSync(dir, { recursive: true, force: true });
}
