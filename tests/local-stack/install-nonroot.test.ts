import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { rootCommand } from '../../tools/local-stack/src/install.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

describe('what a user who cannot install is told', () => {
  it('one root command: apt packages, then the pg_net stand-in', () => {
    expect(rootCommand(['postgresql-15', 'postgresql-15-cron'])).toBe(
      'apt-get update && apt-get install -y --no-install-recommends postgresql-15 postgresql-15-cron',
    );
    expect(rootCommand([], ['/x/pg_net.control', '/x/pg_net--0.19.5.sql'])).toBe(
      'cp /x/pg_net.control /x/pg_net--0.19.5.sql /usr/share/postgresql/15/extension/',
    );
    expect(rootCommand(['chromium'], ['/x/a'])).toBe(
      'apt-get update && apt-get install -y --no-install-recommends chromium && ' +
        'cp /x/a /usr/share/postgresql/15/extension/',
    );
  });

  // For real: the installer run as `nobody` with no sudo on its PATH, asked for a package this
  // machine lacks. It is bundled into a folder nobody can read, since the checkout may sit
  // under a 0700 folder.
  const isRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'finanzas-nonroot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(isRoot)('as nobody without sudo: names what is missing and the command', async () => {
    chmodSync(dir, 0o755);
    const src = join(dir, 'tools', 'local-stack', 'src');
    await build({
      entryPoints: [join(ROOT, 'tools', 'local-stack', 'src', 'install.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(src, 'install.mjs'),
      logLevel: 'silent',
    });
    cpSync(join(ROOT, 'tools', 'local-stack', 'sql'), join(dir, 'tools', 'local-stack', 'sql'), {
      recursive: true,
    });
    mkdirSync(join(dir, 'bin'));
    symlinkSync(process.execPath, join(dir, 'bin', 'node')); // the only program on its PATH
    const script = `import(${JSON.stringify(join(src, 'install.mjs'))}).then((m) => {
      try {
        m.ensureInstalled(() => {}, [{ pkg: 'finanzas-agv-absent', proof: '/nonexistent/proof' }]);
        console.log(JSON.stringify({ installed: true }));
      } catch (e) {
        console.log(JSON.stringify({ name: e.name, message: e.message }));
      }
    })`;
    const r = spawnSync(
      'runuser',
      ['-u', 'nobody', '--', '/usr/bin/env', `PATH=${join(dir, 'bin')}`, 'node', '-e', script],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.name).toBe('InstallError');
    expect(out.message).toContain('missing Debian package finanzas-agv-absent');
    expect(out.message).toContain('uid 65534');
    expect(out.message).toContain(
      'apt-get update && apt-get install -y --no-install-recommends finanzas-agv-absent',
    );
  });
});
