import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './cluster.ts';
import { readEnvFile } from './env-file.ts';
import { BIN, ROOT } from './paths.ts';

interface Worker {
  port: number;
  proc: ChildProcess;
  ready: Promise<void>;
  log: string[];
}

const NETWORK_ENV = new Set([
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'DENO_CERT',
]);

/** How every Deno this project starts is set up: one module cache, the system's CAs too. */
export function denoSettings(): Record<string, string> {
  return {
    DENO_DIR: join(ROOT, '.local', 'deno'),
    DENO_TLS_CA_STORE: process.env.DENO_TLS_CA_STORE ?? 'mozilla,system',
    DENO_NO_UPDATE_CHECK: '1',
  };
}

export class FunctionBootError extends Error {
  override name = 'FunctionBootError';
}

export interface EdgeFunctionsOptions {
  functionsDir: string;
  /** What every function gets, like the platform's default secrets (SUPABASE_URL, keys, DB URL). */
  env: Record<string, string>;
  log?: (line: string) => void;
}

/**
 * Runs each `<functionsDir>/<name>/index.ts` in its own Deno process, started on first use and
 * kept warm, with the function's own deno.json (import map). Stands in for the edge runtime.
 */
export class EdgeFunctions {
  private workers = new Map<string, Worker>();
  constructor(private readonly opts: EdgeFunctionsOptions) {}

  exists(name: string): boolean {
    return (
      /^[A-Za-z0-9_-]+$/.test(name) && existsSync(join(this.opts.functionsDir, name, 'index.ts'))
    );
  }

  /** The port of a ready worker for `name`, booting it if needed. */
  async portFor(name: string): Promise<number> {
    let w = this.workers.get(name);
    if (!w || w.proc.exitCode !== null || w.proc.signalCode !== null) {
      w = await this.boot(name);
      this.workers.set(name, w);
    }
    await w.ready;
    return w.port;
  }

  private async boot(name: string): Promise<Worker> {
    const dir = join(this.opts.functionsDir, name);
    const port = await freePort();
    const config = join(dir, 'deno.json');
    const args = [
      'run',
      '--allow-all',
      '--no-prompt',
      '--quiet',
      ...(existsSync(config) ? ['--config', config] : ['--no-config']),
      join(ROOT, 'tools', 'local-stack', 'deno', 'serve-function.ts'),
      pathToFileURL(join(dir, 'index.ts')).href,
    ];
    const env = {
      // As on the platform, env files may not define SUPABASE_* names.
      ...Object.fromEntries(
        Object.entries(readEnvFile(join(this.opts.functionsDir, '.env'))).filter(
          ([k]) => !k.startsWith('SUPABASE_'),
        ),
      ),
      ...this.opts.env,
      // The machine's network setup (proxies, extra CAs), which the runtime needs to fetch
      // npm: modules and reach https URLs; the platform provides its own equivalent.
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => NETWORK_ENV.has(k.toUpperCase()) && process.env[k] !== undefined,
        ) as [string, string][],
      ),
      ...denoSettings(),
      LOCAL_FUNCTION_PORT: String(port),
      NO_COLOR: '1',
    };
    const proc = spawn(join(BIN, 'deno'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          log.push(line);
          if (log.length > 200) log.shift();
          this.opts.log?.(`[${name}] ${line}`);
          if (line.includes('[function] listening on')) resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.on('exit', (code) =>
        reject(
          new FunctionBootError(`${name} exited (${code}) before serving:\n${log.join('\n')}`),
        ),
      );
    });
    ready.catch(() => {}); // observed by portFor; avoids an unhandled rejection on later exits
    return { port, proc, ready, log };
  }

  async close(): Promise<void> {
    const exits = [...this.workers.values()].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.proc.exitCode !== null || w.proc.signalCode !== null) return resolve();
          w.proc.once('exit', () => resolve());
          w.proc.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    this.workers.clear();
  }
}
