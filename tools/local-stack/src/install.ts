import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG_BIN, SQL_DIR } from './paths.ts';

// What the local stack needs from Debian, each with the file that proves it is installed.
// Checking files (not `dpkg -l`) keeps a warm start free of package-manager calls.
export interface AptPackage {
  pkg: string;
  proof: string;
}
export const APT_PACKAGES: AptPackage[] = [
  { pkg: 'postgresql-15', proof: join(PG_BIN, 'postgres') },
  { pkg: 'postgresql-15-cron', proof: '/usr/lib/postgresql/15/lib/pg_cron.so' },
  { pkg: 'postgresql-15-pgtap', proof: '/usr/share/postgresql/15/extension/pgtap.control' },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', proof: '/usr/bin/pg_prove' },
];

// Headless Chromium for the page's browser tests and benchmark (playwright-core drives it);
// 400+ MB, so installed only by the paths that need it (ensureChromium), not by every start.
export const CHROMIUM: AptPackage = { pkg: 'chromium', proof: '/usr/bin/chromium' };

// An independent reader of the exported workbooks (Debian's openpyxl, run by /usr/bin/python3)
// for the export tests; small, installed only by the paths that need it.
export const OPENPYXL: AptPackage = {
  pkg: 'python3-openpyxl',
  proof: '/usr/lib/python3/dist-packages/openpyxl/__init__.py',
};

/** Installs Debian's python3-openpyxl when missing. */
export function ensureOpenpyxl(log: (msg: string) => void = console.error): void {
  ensurePackages([OPENPYXL], log, '(reads exported workbooks back in tests)');
}

/** Installs Debian's chromium when missing; returns its path. */
export function ensureChromium(log: (msg: string) => void = console.error): string {
  ensurePackages([CHROMIUM], log, '(for the browser tests, ~15 s)');
  return CHROMIUM.proof;
}

const EXTENSION_DIR = '/usr/share/postgresql/15/extension';
// Marks the control files we install, so a real pg_net already on the machine is never replaced.
const STAND_IN_MARK = '# finanzas-agv local stand-in';

export class InstallError extends Error {
  override name = 'InstallError';
}

const isRoot = () => process.getuid?.() === 0;

// Root, or passwordless sudo: the only ways this script may install anything itself.
function canBecomeRoot(): boolean {
  if (isRoot()) return true;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/** The one line a user runs as root to install what is missing (apt packages, pg_net stand-in). */
export function rootCommand(pkgs: string[], copyFiles: string[] = []): string {
  const parts: string[] = [];
  if (pkgs.length > 0)
    parts.push('apt-get update', `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
  if (copyFiles.length > 0) parts.push(`cp ${copyFiles.join(' ')} ${EXTENSION_DIR}/`);
  return parts.join(' && ');
}

function cannotInstall(what: string, pkgs: string[], copyFiles: string[] = []): InstallError {
  const command = rootCommand(pkgs, copyFiles);
  return new InstallError(
    `missing ${what}, and this user (uid ${process.getuid?.()}) can neither install as root nor ` +
      `use passwordless sudo. Install it once as root with:\n\n  ${command}\n\n` +
      `(or: sudo sh -c '${command}'), then run the command again.`,
  );
}

function asRoot(cmd: string, args: string[]): void {
  const [bin, argv] = isRoot() ? [cmd, args] : ['sudo', ['-n', cmd, ...args]];
  const r = spawnSync(bin, argv, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) {
    throw new InstallError(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  }
}

/** Installs the given Debian packages when their proof files are missing. */
export function ensurePackages(
  packages: AptPackage[],
  log: (msg: string) => void = console.error,
  why = '',
): void {
  const missing = packages.filter((p) => !existsSync(p.proof)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const what = `Debian package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  if (!canBecomeRoot()) throw cannotInstall(what, missing);
  log(`[install] apt-get install ${missing.join(' ')}${why ? ` ${why}` : ''}`);
  asRoot('apt-get', ['update', '-qq']);
  asRoot('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

/**
 * Installs the missing Debian packages and the local pg_net stand-in; a no-op when warm. A user
 * who cannot become root gets, instead, everything that is missing and the one command to run.
 */
export function ensureInstalled(
  log: (msg: string) => void = console.error,
  packages: AptPackage[] = APT_PACKAGES,
): void {
  const missing = packages.filter((p) => !existsSync(p.proof)).map((p) => p.pkg);
  const pgNet = pgNetStandInNeeded();
  if ((missing.length > 0 || pgNet) && !canBecomeRoot()) {
    const what = [
      ...(missing.length
        ? [`Debian package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`]
        : []),
      ...(pgNet ? ['the pg_net stand-in'] : []),
    ].join(' and ');
    throw cannotInstall(what, missing, pgNet ? PG_NET_FILES : []);
  }
  ensurePackages(packages, log, '(~1 min)');
  if (pgNet) installPgNetStandIn(log);
}

/**
 * What `npm test` will install before it runs, and roughly how long the whole run takes: said
 * first, so a newcomer knows what the wait is for.
 */
export function testPlan(): string {
  const missing = [...APT_PACKAGES, CHROMIUM, OPENPYXL].filter((p) => !existsSync(p.proof));
  const installs = missing.length
    ? `  installs first: Debian ${missing.map((p) => p.pkg).join(', ')} (apt-get, ~1-2 min${
        missing.includes(CHROMIUM) ? '; chromium is ~400 MB' : ''
      })${canBecomeRoot() ? '' : ' — needs root: see the message below'}`
    : '  installs: nothing (every Debian package is in place)';
  return [
    'npm test: lint (biome), types (tsc, deno check), vitest (unit, integration on real Postgres',
    '  clusters it starts on free ports, real Deno, real Chromium for the page), pgTAP.',
    installs,
    '  takes 5-15 minutes on 2 cores once installed, depending on what else runs (measured: 7 and',
    '  13 min on a shared 2-core machine); each test file starts the clusters and servers it needs.',
  ].join('\n');
}

// pg_net is a C extension that Supabase ships; migrations say `create extension pg_net`. Locally
// an extension of the same name and API, written in SQL (sending is done by the stack's worker
// after commit), makes those migrations run unchanged.
const PG_NET_FILES = [join(SQL_DIR, 'pg_net.control'), join(SQL_DIR, 'pg_net--0.19.5.sql')];

function pgNetStandInNeeded(): boolean {
  const control = join(EXTENSION_DIR, 'pg_net.control');
  if (!existsSync(control)) return true;
  const current = readFileSync(control, 'utf8');
  if (!current.includes(STAND_IN_MARK)) return false; // the real pg_net is installed: use it
  const scriptPath = join(EXTENSION_DIR, 'pg_net--0.19.5.sql');
  return !(
    current === readFileSync(PG_NET_FILES[0], 'utf8') &&
    existsSync(scriptPath) &&
    readFileSync(scriptPath, 'utf8') === readFileSync(PG_NET_FILES[1], 'utf8')
  );
}

function installPgNetStandIn(log: (msg: string) => void): void {
  log(`[install] pg_net stand-in → ${EXTENSION_DIR}`);
  if (isRoot()) {
    writeFileSync(join(EXTENSION_DIR, 'pg_net.control'), readFileSync(PG_NET_FILES[0]));
    writeFileSync(join(EXTENSION_DIR, 'pg_net--0.19.5.sql'), readFileSync(PG_NET_FILES[1]));
  } else {
    asRoot('cp', [...PG_NET_FILES, EXTENSION_DIR]);
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
