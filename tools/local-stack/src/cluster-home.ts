import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PG_BIN } from './paths.ts';

/**
 * Where a cluster's server files (PGDATA) live, and as whom its server runs.
 *
 * `initdb` refuses to run as root, so as root the server runs as Debian's `postgres` user. That
 * user cannot enter a checkout under a 0700 folder (a clone in /root, say), so as root the data
 * lives in a folder `postgres` owns, one per cluster folder, named after a hash of that folder's
 * absolute path: two clones (or two test runs) never share one, and the clone itself needs no
 * permission change. As any other user the server runs as that user, beside the checkout.
 */
export const SYSTEM_CLUSTERS_DIR = '/var/lib/postgresql/finanzas-agv';

export const runsAsPostgres = () => process.getuid?.() === 0;

const ORIGIN_FILE = 'origin';

/** The PGDATA a new cluster kept in `dir` gets. */
export function newDataDir(dir: string): string {
  if (!runsAsPostgres()) return join(resolve(dir), 'data');
  const key = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  return join(SYSTEM_CLUSTERS_DIR, key, 'data');
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Creates the folder that will hold `data` (owned by the server's user, 0700) and, outside the
 * checkout, records which cluster folder it belongs to, so an orphan can be recognised.
 */
export function prepareDataHome(dir: string, data: string): void {
  const home = dirname(data);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (!runsAsPostgres()) return;
  const { uid, gid } = postgresIds();
  if (!data.startsWith(`${SYSTEM_CLUSTERS_DIR}/`)) {
    chownSync(home, uid, gid); // a cluster made before the data moved out of the checkout
    return;
  }
  for (const d of [SYSTEM_CLUSTERS_DIR, home]) chownSync(d, uid, gid);
  writeFileSync(join(home, ORIGIN_FILE), resolve(dir));
}

/**
 * Whether an external PGDATA belongs to another cluster folder that still exists: the state file
 * was copied along with a checkout (`cp -r`), and the copy must get a cluster of its own.
 */
export function ownedByAnother(dir: string, data: string): boolean {
  if (!data.startsWith(`${SYSTEM_CLUSTERS_DIR}/`)) return false;
  let owner: string;
  try {
    owner = readFileSync(join(dirname(data), ORIGIN_FILE), 'utf8');
  } catch {
    return false;
  }
  return owner !== resolve(dir) && existsSync(owner);
}

/** Records (again) which cluster folder owns an external PGDATA: a moved clone claims its data. */
export function claimDataHome(dir: string, data: string): void {
  const origin = join(dirname(data), ORIGIN_FILE);
  if (!data.startsWith(`${SYSTEM_CLUSTERS_DIR}/`) || !existsSync(dirname(data))) return;
  if (!existsSync(origin) || readFileSync(origin, 'utf8') !== resolve(dir))
    writeFileSync(origin, resolve(dir));
}

/** Removes the folder of an external PGDATA (never a folder inside the checkout's cluster dir). */
export function removeDataHome(dir: string, data: string): void {
  if (data.startsWith(`${SYSTEM_CLUSTERS_DIR}/`)) {
    rmSync(dirname(data), { recursive: true, force: true });
  } else if (data.startsWith(resolve(dir))) {
    rmSync(data, { recursive: true, force: true });
  }
}

/**
 * A checkout deleted (or a test run killed) without `npm run db -- down` leaves its data under
 * SYSTEM_CLUSTERS_DIR, perhaps with its server running: stop and remove every cluster whose
 * cluster folder no longer exists. Returns the folders removed.
 */
export function sweepOrphanedDataHomes(): string[] {
  if (!runsAsPostgres() || !existsSync(SYSTEM_CLUSTERS_DIR)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(SYSTEM_CLUSTERS_DIR)) {
    const home = join(SYSTEM_CLUSTERS_DIR, name);
    let origin: string;
    try {
      origin = readFileSync(join(home, ORIGIN_FILE), 'utf8');
    } catch {
      continue; // being created, or being removed by its owner
    }
    if (existsSync(origin)) continue;
    spawnSync('runuser', [
      '-u',
      'postgres',
      '--',
      join(PG_BIN, 'pg_ctl'),
      'stop',
      '-m',
      'immediate',
      '-w',
      '-D',
      join(home, 'data'),
    ]);
    rmSync(home, { recursive: true, force: true });
    removed.push(home);
  }
  return removed;
}
