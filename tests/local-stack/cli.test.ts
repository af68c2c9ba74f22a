import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyCluster, freePort, isRunning } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY } from '../../tools/local-stack/src/keys.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

// The commands as a user runs them, each against its own folder so a developer's stack is untouched.
const localDir = join(ROOT, '.local', `test-cli-${process.pid}`);
mkdirSync(localDir, { recursive: true });
writeFileSync(join(localDir, 'owner.pid'), String(process.pid));
const env = { ...process.env, FINANZAS_LOCAL_DIR: localDir };
const stackCli = join(ROOT, 'tools', 'local-stack', 'bin', 'stack.mjs');
const run = (...args: string[]) =>
  spawnSync('node', [stackCli, ...args], { cwd: ROOT, env, encoding: 'utf8' });

afterAll(() => {
  destroyCluster(join(localDir, 'db')); // as root its data is outside localDir
  rmSync(localDir, { recursive: true, force: true });
});

describe('npm run db', () => {
  it('up, then url gives a connection string psql can use with every migration applied', () => {
    const up = run('db', 'up');
    expect(up.status, up.stderr).toBe(0);
    const url = run('db', 'url').stdout.trim();
    expect(url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    const psql = spawnSync(
      'psql',
      ['-X', '-At', url, '-c', 'select count(*) from supabase_migrations.schema_migrations'],
      {
        encoding: 'utf8',
      },
    );
    expect(psql.status, psql.stderr).toBe(0);
    const migrations = spawnSync('ls', [join(ROOT, 'supabase', 'migrations')], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((f) => f.endsWith('.sql'));
    expect(Number(psql.stdout.trim())).toBe(migrations.length);
  }, 120_000);

  it('rejects an unknown subcommand with usage', () => {
    const r = run('db', 'sideways');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run db -- up | down | reset | url');
  });
});

describe('npm start', () => {
  let stack: ChildProcess | undefined;
  afterAll(() => {
    stack?.kill('SIGINT');
  });

  it('brings the stack up, refuses a second start, and Ctrl-C stops what it started', async () => {
    run('db', 'down'); // so the cluster is npm start's to start, and to stop
    const apiPort = await freePort();
    stack = spawn('node', [stackCli, 'start'], {
      cwd: ROOT,
      env: { ...env, API_PORT: String(apiPort) },
    });
    let out = '';
    stack.stdout?.on('data', (d) => {
      out += d;
    });
    stack.stderr?.on('data', (d) => {
      out += d;
    });
    const until = Date.now() + 90_000;
    while (!out.includes('Ctrl-C stops everything') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(out).toContain('Ctrl-C stops everything');
    const api = `http://127.0.0.1:${apiPort}`;
    expect(out).toContain(`${api}/rest/v1`);
    expect(out).toContain(ANON_KEY);
    expect(out).toMatch(/Data {11}\/\S+\/data \(server run by/);

    const rest = await fetch(`${api}/rest/v1/`, { headers: { apikey: ANON_KEY } });
    expect(rest.status).toBeLessThan(500);
    const fn = await fetch(`${api}/functions/v1/does-not-exist`);
    expect(fn.status).toBe(404);
    const page = await fetch(`${api}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    // The demo Odoo is up and the first sync starts at once, not at the next cron tick.
    const odooUrl = /Odoo\s+(http:\/\/\S+) \(demo simulator/.exec(out)?.[1];
    expect(odooUrl).toBeDefined();
    const db = postgres(run('db', 'url').stdout.trim(), { max: 1, onnotice: () => {} });
    try {
      const filled = Date.now() + 60_000;
      let lines = 0;
      while (Date.now() < filled) {
        [{ lines }] = await db`select count(*)::int as lines from odoo.account_move_line`;
        if (lines > 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(lines).toBeGreaterThan(0);
    } finally {
      await db.end();
    }

    const second = run('start');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already running');

    const exited = new Promise<number | null>((resolve) => stack!.once('exit', resolve));
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(isRunning(join(localDir, 'db'))).toBe(false); // no stray cluster either
    await expect(fetch(`${api}/`)).rejects.toThrow();
    await expect(
      fetch(`${odooUrl}/web/webclient/version_info`, { method: 'POST' }),
    ).rejects.toThrow();
    stack = undefined;
  }, 150_000);
});
