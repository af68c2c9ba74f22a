// A worker in a process of its own, so a test can kill it (SIGKILL) in the middle of a slice:
// invocations one after another until nothing is left, files written to a folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { runJobsInvocation } from '../../packages/shared/src/jobs/worker.ts';

const [dbUrl, outDir, sliceRows] = process.argv.slice(2);
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
const store = {
  async upload(path: string, bytes: Uint8Array) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), bytes);
  },
};
for (;;) {
  const s = await runJobsInvocation({
    sql,
    store,
    config: {
      sliceRows: Number(sliceRows),
      budgetMs: 60_000,
      leaseSeconds: 2,
      retrySeconds: 0,
      bucket: 'exports',
    },
  });
  console.log(JSON.stringify(s));
  if (s.outcome === 'idle') break;
}
await sql.end();
