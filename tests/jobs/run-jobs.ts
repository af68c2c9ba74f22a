// Drives the worker in-process as the Edge Function would, invocation after invocation, with
// Storage replaced by a map of stored files (the Storage API itself is the stand-in's concern).
import type postgres from 'postgres';
import type { FileStore } from '../../packages/shared/src/jobs/file-store.ts';
import {
  type InvocationSummary,
  runJobsInvocation,
  type WorkerDeps,
} from '../../packages/shared/src/jobs/worker.ts';

export interface MemoryStore extends FileStore {
  files: Map<string, Uint8Array>;
  uploads: number;
}

export function memoryStore(): MemoryStore {
  const files = new Map<string, Uint8Array>();
  const store: MemoryStore = {
    files,
    uploads: 0,
    async upload(path, bytes) {
      store.uploads++;
      files.set(path, bytes);
    },
  };
  return store;
}

export const SMALL_SLICES: WorkerDeps['config'] = {
  sliceRows: 400,
  budgetMs: 150,
  leaseSeconds: 60,
  retrySeconds: 0,
  bucket: 'exports',
};

/** Invocations until the worker finds nothing to do; every summary, in order. */
export async function runUntilIdle(
  sql: postgres.Sql,
  store: FileStore,
  config: Partial<WorkerDeps['config']> = {},
  max = 200,
): Promise<InvocationSummary[]> {
  const out: InvocationSummary[] = [];
  for (let i = 0; i < max; i++) {
    const s = await runJobsInvocation({ sql, store, config: { ...SMALL_SLICES, ...config } });
    if (s.outcome === 'idle') return out;
    out.push(s);
  }
  throw new Error(`the worker was still busy after ${max} invocations`);
}
