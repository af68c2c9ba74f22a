// The Odoo simulator in its own process (its CLI), so that Odoo's side of a read — the
// simulator's CPU time, from /proc — is measured apart from the client's.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseReadyLine, type SimEndpoint } from '../../packages/odoo-sim/src/index.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

export interface SimProcess extends SimEndpoint {
  pid: number;
  /** ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_API_KEY for a client of this simulator. */
  env: Record<string, string>;
  /** The process's CPU time so far (user + system, all threads), in ms. */
  cpuMs(): number;
  /** POST /sim/<action>: the simulator's control API. */
  control<T = unknown>(action: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface SimProcessOptions {
  /** Arguments for Node itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /**
   * Scheduling priority (nice, 0–19). Odoo runs on machines of its own; on a bench machine the
   * simulator standing in for it would otherwise take the CPU of what is measured.
   */
  nice?: number;
}

/** `npm run odoo-sim` with these arguments (plus `--port 0`), once it listens. */
export function startSimProcess(args: string[], opts: SimProcessOptions = {}): Promise<SimProcess> {
  const nodeArgs = opts.nodeArgs ?? [];
  const proc = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      join(ROOT, 'packages', 'odoo-sim', 'src', 'cli.ts'),
      '--port',
      '0',
      ...args,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (opts.nice && proc.pid) setPriority(proc.pid, opts.nice);
  let err = '';
  proc.stderr.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`odoo-sim exited ${code} before ready: ${err}`)));
    // Read every line to the end, so a full pipe never stalls the simulator.
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const ready = parseReadyLine(line);
      if (!ready) return;
      const pid = proc.pid!;
      resolve({
        ...ready,
        pid,
        env: {
          ODOO_URL: ready.url,
          ODOO_DB: ready.db,
          ODOO_USERNAME: ready.login,
          ODOO_API_KEY: ready.apiKey,
        },
        cpuMs() {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          // Fields after the command name: state is field 3, utime 14, stime 15.
          const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
        },
        async control<T>(action: string, body: unknown = {}) {
          const res = await fetch(`${ready.url}/sim/${action}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          if (!res.ok)
            throw new Error(`odoo-sim /sim/${action}: ${res.status} ${await res.text()}`);
          return (await res.json()) as T;
        },
        async close() {
          proc.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
