// Timing helpers: CPU time of this process (all threads, so GC helpers count) and wall time.

export interface Sample {
  cpuMs: number;
  wallMs: number;
}

export async function sample(fn: () => unknown | Promise<unknown>): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median CPU and wall ms over `runs` runs after `warmup` discarded ones. */
export async function repeat(
  fn: () => unknown | Promise<unknown>,
  warmup: number,
  runs: number,
): Promise<{ cpuMs: number; wallMs: number; coldCpuMs: number }> {
  let coldCpuMs = 0;
  for (let i = 0; i < warmup; i++) {
    const s = await sample(fn);
    if (i === 0) coldCpuMs = s.cpuMs;
  }
  const xs: Sample[] = [];
  for (let i = 0; i < runs; i++) xs.push(await sample(fn));
  return {
    cpuMs: median(xs.map((x) => x.cpuMs)),
    wallMs: median(xs.map((x) => x.wallMs)),
    coldCpuMs,
  };
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile (p in 0–100) of unsorted samples; NaN when there are none. */
export const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
