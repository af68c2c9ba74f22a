// One invocation of the jobs worker: claim one job (FOR UPDATE SKIP LOCKED), write slices of it
// while the invocation's budget lasts, then either finish it (file stored, job done), or give
// the lease back so the next call continues, or record the failure (retried, or dead after
// max_attempts). Time is the CPU proxy: an Edge Function has 2 s of CPU per request.
import type { Sql } from 'postgres';
import type { JobsConfig } from './config.ts';
import { describeJobError, JobInputError, JobLostError, jobFaultIsRetriable } from './errors.ts';
import { EXPORT_KINDS } from './export-kinds.ts';
import { type ClaimedJob, writeExportSlice } from './export-slice.ts';
import type { FileStore } from './file-store.ts';
import { finishExport } from './finish-export.ts';

export type InvocationOutcome = 'idle' | 'more' | 'done' | 'failed' | 'dead' | 'lost';

export interface InvocationSummary {
  outcome: InvocationOutcome;
  job: number | null;
  kind?: string;
  slices: number;
  rowsDone?: number;
  ms: number;
  path?: string;
  error?: string;
}

export interface WorkerDeps {
  sql: Sql;
  store: FileStore;
  config: Pick<JobsConfig, 'sliceRows' | 'budgetMs' | 'leaseSeconds' | 'retrySeconds' | 'bucket'>;
  /** Excel's row limit per sheet, lowered by tests. */
  maxSheetRows?: number;
  log?: (line: string) => void;
}

export async function runJobsInvocation(deps: WorkerDeps): Promise<InvocationSummary> {
  const { sql, config } = deps;
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const [row] = await sql`select * from ods.claim_job(${config.leaseSeconds})`;
  if (!row) return { outcome: 'idle', job: null, slices: 0, ms: ms() };
  const job: ClaimedJob = {
    id: Number(row.id),
    kind: row.kind,
    params: row.params ?? {},
    requester: row.requester,
    companies: row.companies ? row.companies.map(Number) : null,
    token: row.lock_token,
  };
  let slices = 0;
  let rowsDone = Number(row.rows_done);
  try {
    const kind = EXPORT_KINDS[job.kind];
    if (!kind) throw new JobInputError(`unknown job kind ${JSON.stringify(job.kind)}`);
    let slowest = 0;
    for (;;) {
      const t = performance.now();
      const r = await writeExportSlice(sql, job, kind, config.sliceRows, deps.maxSheetRows);
      slowest = Math.max(slowest, performance.now() - t);
      slices++;
      rowsDone = r.rowsDone;
      // Assembling reads every part back and zips them: worth a fresh budget when this one is
      // mostly spent.
      if (r.written && (slices === 1 || ms() < config.budgetMs / 2)) {
        const file = await finishExport(sql, job, kind, deps.store, config.bucket);
        deps.log?.(`[jobs-worker] job ${job.id} done: ${file.path} (${file.bytes} bytes)`);
        return {
          outcome: 'done',
          job: job.id,
          kind: job.kind,
          slices,
          rowsDone,
          ms: ms(),
          path: file.path,
        };
      }
      if (r.written || ms() + slowest > config.budgetMs) break;
    }
    await sql`update ods.jobs set locked_until = null, lock_token = null, updated_at = now()
               where id = ${job.id} and lock_token = ${job.token}`;
    return { outcome: 'more', job: job.id, kind: job.kind, slices, rowsDone, ms: ms() };
  } catch (e) {
    if (e instanceof JobLostError) {
      deps.log?.(`[jobs-worker] ${e.message}`);
      return {
        outcome: 'lost',
        job: job.id,
        kind: job.kind,
        slices,
        rowsDone,
        ms: ms(),
        error: e.message,
      };
    }
    const error = describeJobError(e);
    const retriable = jobFaultIsRetriable(e);
    const [f] = await sql`select ods.fail_job(${job.id}, ${job.token}, ${error}, ${retriable},
                                              make_interval(secs => ${config.retrySeconds})) as status`;
    deps.log?.(`[jobs-worker] job ${job.id} ${f?.status ?? 'lost'}: ${error}`);
    return {
      outcome: f?.status === 'dead' ? 'dead' : f?.status === 'failed' ? 'failed' : 'lost',
      job: job.id,
      kind: job.kind,
      slices,
      rowsDone,
      ms: ms(),
      error,
    };
  }
}
