import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReadyLine, type SimEndpoint } from '../../packages/odoo-sim/src/index.ts';

// The simulator's CLI serves every version it knows and refuses the others.
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = join(root, 'packages', 'odoo-sim', 'src', 'cli.ts');

function start(args: string[]): Promise<{ child: ChildProcess; sim: SimEndpoint }> {
  const child = spawn(tsx, [cli, '--port', '0', '--scale', '200', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`odoo-sim exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const sim = parseReadyLine(line);
      if (sim) resolve({ child, sim });
    });
  });
}

describe('odoo-sim CLI --odoo-version', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGTERM');
  });

  it.each([16, 18])(
    'serves Odoo %i',
    async (v) => {
      const { child, sim } = await start(['--odoo-version', String(v), '--name-cost-us', '0']);
      children.push(child);
      expect(sim.odooVersion).toBe(v);
      const res = await fetch(`${sim.url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ params: { service: 'common', method: 'version', args: [] } }),
      });
      expect((await res.json()).result.server_version).toBe(`${v}.0`);
    },
    30_000,
  );

  it('refuses a version it does not speak', () => {
    const r = spawnSync(tsx, [cli, '--odoo-version', '15'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--odoo-version must be one of 16, 17, 18, 19, got 15');
  }, 30_000);
});
