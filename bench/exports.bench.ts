// A 200,000-row Excel export (the aged receivable's open items plus its partner summary),
// written by the jobs worker in Deno one invocation at a time — each invocation in its own
// process, as a fresh Edge Function request would be — with the CPU time and peak memory of
// every invocation against Supabase's limits (2 s CPU, 256 MB; targets 1.5 s and 200 MB).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asUser, COMPANY_A, startBooks, USER_A } from '../tests/jobs/books.ts';
import { denoSettings } from '../tools/local-stack/src/edge-functions.ts';
import { round } from './lib/measure.ts';
import type { BenchContext, BenchReport } from './lib/types.ts';

export const name = 'exports';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

interface Invocation {
  outcome: string;
  slices: number;
  rowsDone: number;
  ms: number;
  cpuMs: number;
  peakRssMB: number;
  heapMB: number;
  stored: number;
}

function invoke(dbUrl: string): Invocation {
  const r = spawnSync(
    join(root, 'node_modules', '.bin', 'deno'),
    [
      'run',
      '--quiet',
      '--allow-all',
      '--config',
      join(root, 'supabase', 'functions', 'jobs-worker', 'deno.json'),
      join(here, 'lib', 'jobs-probe.ts'),
      dbUrl,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...denoSettings(), NO_COLOR: '1' } },
  );
  if (r.status !== 0) throw new Error(`the Deno worker failed: ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Invocation;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  // ~80% of the invoices are open customer invoices of company 1: 250,000 → ~200,000 items.
  const invoices = ctx.quick ? 25_000 : 250_000;
  ctx.log(`books: ${invoices.toLocaleString()} invoices`);
  const seeded = Date.now();
  const books = await startBooks(invoices, 'bench-exports');
  ctx.log(`seeded and refreshed in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
  try {
    await asUser(
      books.sql,
      USER_A,
      (tx) =>
        tx`select reporting.request_export('aged_receivable', ${tx.json({ company_id: COMPANY_A } as never)})`,
    );
    const calls: Invocation[] = [];
    const started = Date.now();
    for (;;) {
      const c = invoke(books.dbUrl);
      if (c.outcome === 'idle') break;
      calls.push(c);
      ctx.log(
        `${c.outcome.padEnd(5)} rows ${String(c.rowsDone).padStart(7)}  cpu ${c.cpuMs.toFixed(0).padStart(5)} ms  wall ${String(c.ms).padStart(5)} ms  peak ${c.peakRssMB.toFixed(0)} MB`,
      );
      if (c.outcome !== 'more' && c.outcome !== 'done') throw new Error(`the export ${c.outcome}`);
      if (calls.length > 500) throw new Error('more than 500 invocations');
    }
    const done = calls.at(-1)!;
    const rows = done.rowsDone;
    const maxCpu = Math.max(...calls.map((c) => c.cpuMs));
    const maxRss = Math.max(...calls.map((c) => c.peakRssMB));
    const maxWall = Math.max(...calls.map((c) => c.ms));
    const totalCpu = calls.reduce((n, c) => n + c.cpuMs, 0);
    const figures = {
      rows: { value: rows, unit: 'rows' },
      invocations: { value: calls.length, unit: 'calls' },
      maxCpuPerInvocation: { value: round(maxCpu / 1000, 3), unit: 's', max: 1.5 },
      maxPeakRss: { value: round(maxRss, 1), unit: 'MB', max: 200 },
      maxWallPerInvocation: { value: round(maxWall / 1000, 2), unit: 's' },
      totalCpu: { value: round(totalCpu / 1000, 2), unit: 's' },
      fileSize: { value: round(done.stored / 1048576, 2), unit: 'MB' },
      elapsed: { value: round((Date.now() - started) / 1000, 1), unit: 's' },
    };
    const markdown = [
      `Aged receivable of one company, ${rows.toLocaleString()} rows (open items + partner summary), written by the jobs worker in Deno ${'(bench/lib/jobs-probe.ts)'}: one process per invocation as a fresh Edge Function request, default settings (JOBS_SLICE_ROWS 5000, JOBS_BUDGET_MS 900). CPU is the invocation's own (process.cpuUsage around it, Deno's start excluded); memory is the process's peak RSS (VmHWM, Deno's runtime included).`,
      '',
      '| figure | value | target |',
      '|---|---|---|',
      `| invocations | ${calls.length} | |`,
      `| max CPU per invocation | ${figures.maxCpuPerInvocation.value} s | < 1.5 s |`,
      `| max peak RSS per invocation | ${figures.maxPeakRss.value} MB | < 200 MB |`,
      `| max wall per invocation | ${figures.maxWallPerInvocation.value} s | |`,
      `| total CPU (worker) | ${figures.totalCpu.value} s | |`,
      `| the last (assembling ${figures.fileSize.value} MB, storing) | ${round(done.cpuMs / 1000, 3)} s CPU, ${round(done.peakRssMB, 1)} MB | |`,
      `| elapsed, first call to file | ${figures.elapsed.value} s | |`,
    ].join('\n');
    return {
      title: 'Excel export (jobs worker, Deno)',
      figures,
      markdown,
      details: { invoices, calls },
    };
  } finally {
    await books.close();
  }
}
