// One invocation of the jobs worker in Deno (the Edge Functions runtime), as the jobs-worker
// function runs it, measured: CPU time of the invocation itself (process.cpuUsage around it),
// the process's peak resident memory (VmHWM) and the V8 heap. Started by exports.bench.ts:
// deno run --allow-all --config supabase/functions/jobs-worker/deno.json bench/lib/jobs-probe.ts <db url>
import process from 'node:process';
import postgres from 'postgres';
import { loadJobsConfig } from '../../packages/shared/src/jobs/config.ts';
import { runJobsInvocation } from '../../packages/shared/src/jobs/worker.ts';

const D = (
  globalThis as unknown as { Deno: { args: string[]; readTextFile(p: string): Promise<string> } }
).Deno;
const [dbUrl] = D.args;
const config = loadJobsConfig({ ...process.env, SUPABASE_DB_URL: dbUrl });
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
let stored = 0;
const cpu0 = process.cpuUsage();
const summary = await runJobsInvocation({
  sql,
  config,
  store: {
    async upload(_path, bytes) {
      stored = bytes.length;
    },
  },
});
const cpu = process.cpuUsage(cpu0);
const heapMB = process.memoryUsage().heapUsed / 1048576;
await sql.end();
const status = await D.readTextFile('/proc/self/status');
const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
console.log(
  JSON.stringify({
    ...summary,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMB: kb('VmHWM') / 1024,
    heapMB,
    stored,
  }),
);
