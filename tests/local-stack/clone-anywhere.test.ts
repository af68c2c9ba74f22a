import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { destroyCluster, isRunning } from '../../tools/local-stack/src/cluster.ts';
import { SYSTEM_CLUSTERS_DIR } from '../../tools/local-stack/src/cluster-home.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

// A newcomer's clone, in a folder only its owner may enter (as /root is): the commands must work
// there as they do in an open folder. The clone is the working tree's files (tracked and new,
// what `git clone` of a commit of them would give) with node_modules linked, not reinstalled.
const base = mkdtempSync(join(tmpdir(), 'finanzas-0700-'));
chmodSync(base, 0o700);
const clone = join(base, 'finanzas-agv');
const cloneDb = join(clone, '.local', 'db');

// Outside git (an exported tarball, say), the tree minus what is installed or generated.
const NOT_COPIED = new Set(['.git', 'node_modules', '.local', 'dist', 'test-artifacts']);

function copyWorkingTree(): void {
  mkdirSync(clone);
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (git.status !== 0) {
    cpSync(ROOT, clone, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => !NOT_COPIED.has(basename(from)),
    });
  }
  for (const f of git.status === 0 ? git.stdout.split('\0') : []) {
    const from = join(ROOT, f);
    if (!f || !existsSync(from) || lstatSync(from).isDirectory()) continue; // deleted, submodule
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    cpSync(from, join(clone, f), { verbatimSymlinks: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
}

// The npm scripts, as `npm run …` runs them (package.json: node tools/local-stack/bin/stack.mjs).
function stack(args: string[], extraEnv: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  delete env.FINANZAS_LOCAL_DIR; // the default place, inside the clone
  const child = spawn('node', [join(clone, 'tools', 'local-stack', 'bin', 'stack.mjs'), ...args], {
    cwd: clone,
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (status) => resolve({ status, stdout, stderr })),
  );
}

let sim: RunningSim | undefined;

beforeAll(async () => {
  copyWorkingTree();
  sim = await startOdooSim({ port: 0, scale: 300, seed: 11 });
});

afterAll(async () => {
  await sim?.close();
  destroyCluster(cloneDb);
  rmSync(base, { recursive: true, force: true });
});

describe('a clone under a 0700 folder', () => {
  it('npm run db -- up, a sync against the simulator, npm run db -- down', async () => {
    const up = await stack(['db', 'up']);
    expect(up.status, up.stderr).toBe(0);
    const url = up.stdout.trim();
    expect(url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    // Where the data lives is said, and is somewhere the server's user can reach.
    const data = /^data: (\S+)/m.exec(up.stderr)?.[1];
    expect(data, up.stderr).toBeDefined();
    if (process.getuid?.() === 0) expect(data!.startsWith(`${SYSTEM_CLUSTERS_DIR}/`)).toBe(true);
    else expect(data!.startsWith(clone)).toBe(true);
    const said = await stack(['db', 'url']);
    expect(said.stdout.trim()).toBe(url);
    expect(said.stderr).toContain(`data: ${data}`);

    const sync = await stack(['run', 'tools/sync/cli.ts'], {
      ...sim!.env,
      ODOO_PROTOCOL: 'jsonrpc',
      SYNC_MAX_RPS: '0',
    });
    expect(sync.status, sync.stderr + sync.stdout).toBe(0);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [{ lines }] = await sql`select count(*)::int as lines from odoo.account_move_line`;
      expect(lines).toBeGreaterThan(0);
      const health = await sql`select model from reporting.sync_health
        where last_success_at is null`;
      expect(health).toEqual([]);
    } finally {
      await sql.end();
    }

    const down = await stack(['db', 'down']);
    expect(down.status, down.stderr).toBe(0);
    expect(isRunning(cloneDb)).toBe(false);
    expect((await stack(['db', 'url'])).stderr).toContain('stopped');
  }, 120_000);
});
