import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { CATALOG_MODELS, type SyncHarness, startSyncHarness } from './harness.ts';

// `npm run sync` as a user runs it (tools/sync/cli.ts), against this test's cluster and simulator.
let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 9 });
});
afterAll(async () => {
  await h?.close();
});

const cli = join(ROOT, 'tools', 'sync', 'cli.ts');

function runCli(args: string[], env: Record<string, string> = {}, tty = false) {
  const argv = [process.execPath, '--import', 'tsx', cli, ...args];
  // `script` gives the CLI a real terminal, where it draws progress bars instead of log lines.
  const [cmd, cmdArgs] = tty
    ? ['script', ['-qec', argv.join(' '), '/dev/null']]
    : [argv[0], argv.slice(1)];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(cmd, cmdArgs as string[], {
      cwd: ROOT,
      env: { ...process.env, ...h.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run sync', () => {
  it('exits 1 with one clear line per failed model when Odoo refuses the key', async () => {
    const r = await runCli([], { ODOO_API_KEY: 'wrong' });
    expect(r.code).toBe(1);
    const failed = r.stderr.split('\n').filter((l) => l.startsWith('FAILED'));
    expect(failed).toHaveLength(CATALOG_MODELS.length);
    for (const line of failed) expect(line).toMatch(/^FAILED sync \S+: OdooAuthError/);
    expect(r.stderr + r.stdout).not.toContain('wrong');
  });

  it('refuses an unknown model by name, listing the known ones', async () => {
    const r = await runCli(['--models', 'res.partner,x.nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not in the catalog \(or disabled\): x\.nope; known: .*res\.partner/);
  });

  it('fails fast, naming the variable, when configuration is missing', async () => {
    const r = await runCli([], { ODOO_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ODOO_URL/);
  });

  it('syncs to the end with progress on a terminal and exits 0', async () => {
    const r = await runCli(['--reconcile', '--verify'], {}, true);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /account\.move\.line\s+snapshot\s+\[#+\.*\] [\d,]+\/[\d,]+ rows\s+[\d,]+\/s\s+ETA/,
    );
    expect(r.stdout).toMatch(/ok\s+sync\s+account\.move\.line/);
    expect(r.stdout).toMatch(/ok\s+reconcile\s+account\.move\.line/);
    expect(r.stdout).toMatch(/ok\s+verify\s+account\.move\.line .*mismatched=0/);
  }, 60_000);

  it('prints plain progress lines when not on a terminal', async () => {
    await h.sql`update ods.sync_state set phase = 'snapshot', snapshot_cursor = 0, snapshot_started_at = null`;
    const r = await runCli(['--models', 'account.move.line']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('\x1b[');
    expect(r.stderr, JSON.stringify(r)).toMatch(/^account\.move\.line\s+snapshot .* rows/m);
  });
});
