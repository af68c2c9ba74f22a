import { intSetting } from '../config/strict-int.ts';
import { JobsConfigError } from './errors.ts';

/** The jobs worker's settings, read once at the edge (environment or .env). */
export interface JobsConfig {
  /** Postgres connection string (Supabase sets SUPABASE_DB_URL for Edge Functions). */
  dbUrl: string;
  /** Rows one slice writes: each slice commits its output part and progress (JOBS_SLICE_ROWS, 5000; 100..100000). */
  sliceRows: number;
  /**
   * Wall time one invocation spends before leaving the rest to its next call, the CPU proxy
   * (JOBS_BUDGET_MS, 900; 50..60000): Supabase allows 2 s of CPU per request.
   */
  budgetMs: number;
  /** How long a claim holds a job; a worker silent for longer lost it (JOBS_LEASE_SECONDS, 120; 1..3600). */
  leaseSeconds: number;
  /** Wait before retrying a failed job (JOBS_RETRY_SECONDS, 30; 0..86400). */
  retrySeconds: number;
  /** Lifetime of the signed links the page asks for is the page's; the bucket is fixed. */
  bucket: string;
}

const int = (
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
) => intSetting(env, name, fallback, min, max, (problem) => new JobsConfigError(problem));

export function loadJobsConfig(env: Record<string, string | undefined>): JobsConfig {
  const dbUrl = env.SUPABASE_DB_URL?.trim();
  if (!dbUrl)
    throw new JobsConfigError('SUPABASE_DB_URL is required (the Postgres connection string)');
  return {
    dbUrl,
    sliceRows: int(env, 'JOBS_SLICE_ROWS', 5000, 100, 100_000),
    budgetMs: int(env, 'JOBS_BUDGET_MS', 900, 50, 60_000),
    leaseSeconds: int(env, 'JOBS_LEASE_SECONDS', 120, 1, 3600),
    retrySeconds: int(env, 'JOBS_RETRY_SECONDS', 30, 0, 86_400),
    bucket: 'exports',
  };
}
