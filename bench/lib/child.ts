// A TypeScript script run as its own Node process (the real CLI, a probe), with its output,
// its peak resident set and its wall time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

export function child(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ out: string; peakRssMb: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // A heap cap well under an Edge Function's 256 MB: a slice that needed more would fail here,
    // and V8 grows its heap lazily up to whatever cap it has, so without one RSS says little.
    const proc = spawn(
      process.execPath,
      ['--max-old-space-size=128', '--import', 'tsx', script, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    let out = '';
    let err = '';
    let peak = 0;
    // VmHWM is the process's own peak resident set, read while it runs (it dies at the end).
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // exited
      }
    }, 50);
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.stderr.on('data', (d) => {
      err += d;
    });
    proc.on('exit', (code) => {
      clearInterval(timer);
      if (code === 0) resolve({ out, peakRssMb: peak, ms: performance.now() - t0 });
      else reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}
