#!/usr/bin/env node
// Plain-JS entry point behind the npm scripts: it must run on a clean clone, before any
// dependency is installed, so it installs the npm dependencies when they are missing and then
// hands over to the TypeScript CLI (run by tsx).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

if (!existsSync(tsx) || !existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.error('[stack] installing npm dependencies (npm ci: ~20 s, ~450 MB in node_modules)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const [command, ...rest] = process.argv.slice(2);
const args =
  command === 'run'
    ? rest
    : [join(root, 'tools', 'local-stack', 'src', 'cli.ts'), command ?? 'help', ...rest];
// Signals are forwarded, so Ctrl-C (or a supervisor's SIGTERM) reaches the command, which
// stops what it started and exits with its own status.
const child = spawn(tsx, args, { cwd: process.cwd(), stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
