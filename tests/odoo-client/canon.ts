// The canonical form of tests/odoo-client/python/canon.py, for values decoded in JS.
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlRpcDateTime } from '../../packages/shared/src/odoo/index.ts';

export const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), 'python');

export function f64hex(x: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  let s = '';
  for (let i = 0; i < 8; i++) s += dv.getUint8(i).toString(16).padStart(2, '0');
  return s;
}

export function canon(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { num: f64hex(v) };
  if (typeof v === 'bigint') {
    return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n
      ? { num: f64hex(Number(v)) }
      : { big: String(v) };
  }
  if (v instanceof Uint8Array) return { b64: Buffer.from(v).toString('base64') };
  if (v instanceof XmlRpcDateTime) return { dt: v.value };
  if (v instanceof Date) return { dt: XmlRpcDateTime.fromDate(v).value };
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object') {
    const entries = Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => [k, canon((v as Record<string, unknown>)[k])]);
    return { struct: entries };
  }
  throw new TypeError(`cannot canonicalise ${typeof v}`);
}

/** Runs one of the python/ scripts, feeding `input` as JSON on stdin; parses its JSON output. */
export function runPython<T>(script: string, input?: unknown, args: string[] = []): T {
  const out = execFileSync('python3', [join(PYTHON_DIR, script), ...args], {
    input: input === undefined ? '' : JSON.stringify(input),
    maxBuffer: 256 * 1024 * 1024,
    timeout: 20_000,
  });
  return JSON.parse(out.toString('utf8')) as T;
}

/** Like runPython, without blocking the event loop (for scripts that call a server in this process). */
export function runPythonAsync<T>(script: string, args: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(PYTHON_DIR, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0)
        reject(new Error(`${script} exited ${code}: ${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as T);
    });
  });
}
