// `npm run sync -- [--models a,b] [--full] [--reconcile] [--verify]`: the same runner as the
// Edge Function, looping bounded slices until nothing remains, with progress. Exit 0 only if
// every model succeeded; otherwise one line per failed model saying why.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Budget } from '../../packages/shared/src/sync/budget.ts';
import type { ModelReport } from '../../packages/shared/src/sync/engine-context.ts';
import { openSync } from '../../packages/shared/src/sync/open-sync.ts';
import { runSlice, type SyncMode } from '../../packages/shared/src/sync/run-slice.ts';
import { describeError } from '../../packages/shared/src/sync/sync-errors.ts';
import { readCluster } from '../local-stack/src/cluster.ts';
import { readEnvFile } from '../local-stack/src/env-file.ts';
import { LOCAL_DIR, ROOT } from '../local-stack/src/paths.ts';
import { guardDriverWrites } from './driver-guard.ts';
import { transactionPoolerProblem } from './pooler.ts';
import { ProgressView } from './progress.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    full: { type: 'boolean', default: false },
    reconcile: { type: 'boolean', default: false },
    verify: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run sync -- [--models a,b] [--full] [--reconcile] [--verify]');
  process.exit(0);
}

// Environment first, then .env; with neither, the local stack's database and demo Odoo.
const env: Record<string, string | undefined> = {
  ...readEnvFile(join(ROOT, '.env')),
  ...process.env,
};
if (!env.SUPABASE_DB_URL) env.SUPABASE_DB_URL = readCluster(join(LOCAL_DIR, 'db'))?.url;
const pooler = env.SUPABASE_DB_URL && transactionPoolerProblem(env.SUPABASE_DB_URL);
if (pooler) {
  console.error(pooler);
  process.exit(2);
}
const stackFile = join(LOCAL_DIR, 'stack.json');
if (!env.ODOO_URL && existsSync(stackFile)) {
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as { odooEnv?: Record<string, string> };
  Object.assign(env, stack.odooEnv ?? {});
}

const models = values.models
  ?.split(',')
  .map((m) => m.trim())
  .filter(Boolean);
const modes: SyncMode[] = [
  'sync',
  ...(values.reconcile ? (['reconcile'] as const) : []),
  ...(values.verify ? (['verify'] as const) : []),
];

let resources: ReturnType<typeof openSync>;
try {
  resources = openSync(env);
} catch (e) {
  console.error(describeError(e));
  process.exit(2);
}

const view = new ProgressView();
const began = new Date();
const final = new Map<string, ModelReport>();
const log = (line: string) => process.stderr.write(`${line}\n`);
guardDriverWrites(log);
let exitCode = 0;
try {
  for (const mode of modes) {
    let full = values.full && mode === 'sync';
    for (;;) {
      const summary = await runSlice({
        ...resources,
        mode,
        models,
        full,
        trigger: 'cli',
        sweepCycleFrom: began, // every CLI pass runs to the end, a whole sweep cycle included
        // A terminal is not an Edge Function: larger slices, fewer round trips.
        budget: new Budget({ wallMs: 300_000, records: 1_000_000 }),
        onProgress: (p) => view.update(p),
        log,
      });
      full = false;
      for (const r of summary.models) final.set(`${mode}:${r.model}`, r);
      if (!summary.more) break;
      if (summary.models.every((r) => r.fetched === 0 && r.status !== 'skipped')) break; // no progress possible
    }
  }
} catch (e) {
  console.error(describeError(e));
  exitCode = 2;
} finally {
  await resources.close();
}

for (const [key, r] of final) {
  const [mode] = key.split(':');
  if (r.status === 'error' || r.status === 'busy') {
    exitCode ||= 1;
    console.error(`FAILED ${mode} ${r.model}: ${r.error}`);
  } else {
    const v = r.verification
      ? ` periods=${r.verification.periods} mismatched=${r.verification.mismatched.length} repaired=${r.verification.repaired}`
      : '';
    const missing = r.missingFields?.length ? ` (not mirrored: ${r.missingFields.join(', ')})` : '';
    console.log(
      `ok     ${mode.padEnd(9)} ${r.model.padEnd(26)} fetched=${r.fetched} upserted=${r.upserted} deleted=${r.deleted}${v}${missing}`,
    );
  }
}
process.exit(exitCode);
