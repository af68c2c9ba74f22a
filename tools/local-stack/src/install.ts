import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG_BIN, SQL_DIR } from './paths.ts';

// What the local stack needs from Debian, each with the file that proves it is installed.
// Checking files (not `dpkg -l`) keeps a warm start free of package-manager calls.
const APT_PACKAGES: Array<{ pkg: string; proof: string }> = [
  { pkg: 'postgresql-15', proof: join(PG_BIN, 'postgres') },
  { pkg: 'postgresql-15-cron', proof: '/usr/lib/postgresql/15/lib/pg_cron.so' },
  { pkg: 'postgresql-15-pgtap', proof: '/usr/share/postgresql/15/extension/pgtap.control' },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', proof: '/usr/bin/pg_prove' },
];

// Headless Chromium for the page's browser tests and benchmark (playwright-core drives it);
// 400+ MB, so installed only by the paths that need it (ensureChromium), not by every start.
export const CHROMIUM = { pkg: 'chromium', proof: '/usr/bin/chromium' };

/** Installs Debian's chromium when missing; returns its path. */
export function ensureChromium(log: (msg: string) => void = console.error): string {
  if (!existsSync(CHROMIUM.proof)) {
    log(`[install] apt-get install ${CHROMIUM.pkg} (for the browser tests, ~15 s)`);
    asRoot('apt-get', ['update', '-qq']);
    asRoot('apt-get', ['install', '-y', '-qq', '--no-install-recommends', CHROMIUM.pkg]);
  }
  return CHROMIUM.proof;
}

const EXTENSION_DIR = '/usr/share/postgresql/15/extension';
// Marks the control files we install, so a real pg_net already on the machine is never replaced.
const STAND_IN_MARK = '# finanzas-agv local stand-in';

export class InstallError extends Error {
  override name = 'InstallError';
}

function asRoot(cmd: string, args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  const [bin, argv] = isRoot ? [cmd, args] : ['sudo', ['-n', cmd, ...args]];
  const r = spawnSync(bin, argv, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) {
    throw new InstallError(
      `${cmd} ${args.join(' ')} failed (exit ${r.status})` +
        (isRoot ? '' : ' — run as root or allow passwordless sudo'),
    );
  }
}

/** Installs the missing Debian packages and the local pg_net stand-in; a no-op when warm. */
export function ensureInstalled(log: (msg: string) => void = console.error): void {
  const missing = APT_PACKAGES.filter((p) => !existsSync(p.proof)).map((p) => p.pkg);
  if (missing.length > 0) {
    log(`[install] apt-get install ${missing.join(' ')}`);
    asRoot('apt-get', ['update', '-qq']);
    asRoot('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  }
  installPgNetStandIn(log);
}

// pg_net is a C extension that Supabase ships; migrations say `create extension pg_net`. Locally
// an extension of the same name and API, written in SQL (sending is done by the stack's worker
// after commit), makes those migrations run unchanged.
function installPgNetStandIn(log: (msg: string) => void): void {
  const control = join(EXTENSION_DIR, 'pg_net.control');
  const wanted = readFileSync(join(SQL_DIR, 'pg_net.control'), 'utf8');
  const script = readFileSync(join(SQL_DIR, 'pg_net--0.19.5.sql'), 'utf8');
  if (existsSync(control)) {
    const current = readFileSync(control, 'utf8');
    if (!current.includes(STAND_IN_MARK)) return; // the real pg_net is installed: use it
    const scriptPath = join(EXTENSION_DIR, 'pg_net--0.19.5.sql');
    if (current === wanted && existsSync(scriptPath) && readFileSync(scriptPath, 'utf8') === script)
      return;
  }
  log('[install] pg_net stand-in → ' + EXTENSION_DIR);
  if (process.getuid?.() === 0) {
    writeFileSync(control, wanted);
    writeFileSync(join(EXTENSION_DIR, 'pg_net--0.19.5.sql'), script);
  } else {
    asRoot('cp', [
      join(SQL_DIR, 'pg_net.control'),
      join(SQL_DIR, 'pg_net--0.19.5.sql'),
      EXTENSION_DIR,
    ]);
  }
}

export function pgProveAvailable(): boolean {
  try {
    execFileSync('pg_prove', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
