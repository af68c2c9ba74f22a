import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

export interface DemoOdoo {
  /** ODOO_* settings for the sync function and the CLI. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export class DemoOdooError extends Error {
  override name = 'DemoOdooError';
}

/**
 * The demo Odoo for `npm start`: the simulator in its own process (so its activity does not
 * compete with the gateway's event loop), changing data like a busy accounting team.
 */
export function startDemoOdoo(opts: {
  scale: number;
  seed?: number;
  log?: (l: string) => void;
}): Promise<DemoOdoo> {
  const cli = join(ROOT, 'packages', 'odoo-sim', 'src', 'cli.ts');
  const args = [
    '--import',
    'tsx',
    cli,
    '--port',
    '0',
    '--scale',
    String(opts.scale),
    '--seed',
    String(opts.seed ?? 1),
    '--activity',
  ];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr.on('data', (d) => opts.log?.(`[odoo-sim] ${String(d).trimEnd()}`));
  // Never outlives the command that started it, even one stopped before it could call stop().
  const orphanGuard = () => proc.kill('SIGTERM');
  process.once('exit', orphanGuard);
  proc.once('exit', () => process.off('exit', orphanGuard));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /^ODOO_SIM_READY (.+)$/m.exec(buf);
      if (!m) return;
      const ready = JSON.parse(m[1]) as { url: string; db: string; login: string; apiKey: string };
      resolve({
        env: {
          ODOO_URL: ready.url,
          ODOO_DB: ready.db,
          ODOO_USERNAME: ready.login,
          ODOO_API_KEY: ready.apiKey,
        },
        stop,
      });
    });
    proc.once('exit', (code) =>
      reject(new DemoOdooError(`the demo Odoo exited (${code}) before it was ready`)),
    );
  });
}
