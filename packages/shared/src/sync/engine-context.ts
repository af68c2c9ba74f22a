import type { Sql } from 'postgres';
import type { Budget } from './budget.ts';
import type { CatalogEntry } from './catalog.ts';
import type { Column } from './columns.ts';
import type { SyncConfig } from './config.ts';
import type { ModelState } from './model-state.ts';
import type { OdooCallContext, OdooReader } from './odoo-reader.ts';
import type { PageSize } from './page-size.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { withRetries } from './retrying.ts';

export interface Progress {
  model: string;
  phase: string;
  done: number;
  total: number | null;
  fetched: number;
}

/** What one model did in one invocation; the JSON summary and the run log carry it. */
export interface ModelReport {
  model: string;
  status: 'ok' | 'error' | 'busy' | 'skipped';
  phase: string;
  fetched: number;
  upserted: number;
  unchanged: number;
  deleted: number;
  /** Rows of odoo.<table>__company written or removed. */
  companyRows?: number;
  /** Records the content sweep found different and repaired. */
  swept?: number;
  requests: number;
  cursor: string | null;
  done: boolean;
  missingFields?: string[];
  error?: string;
  verification?: { periods: number; mismatched: string[]; repaired: number };
}

/** Everything a step needs for one model, for one invocation. */
export interface ModelRun {
  sql: Sql;
  odoo: OdooReader;
  config: SyncConfig;
  budget: Budget;
  limiter: RateLimiter;
  context: OdooCallContext;
  /** Odoo's major version in this invocation (null: not known, e.g. it did not say). */
  odooVersion: number | null;
  entry: CatalogEntry;
  state: ModelState;
  table: string;
  columns: Column[];
  /** Company-dependent fields, kept per (record, company) in odoo.<table>__company. */
  companyColumns: Column[];
  pageSize: PageSize;
  runId: number;
  report: ModelReport;
  /**
   * Background passes (sweep, counts, verification) call it between units: a sync waiting for
   * the model takes it first, then the pass goes on. Absent for a sync.
   */
  yieldLock?: () => Promise<boolean>;
  onProgress?: (p: Progress) => void;
  log?: (line: string) => void;
}

/** Every Odoo request goes through here: rate cap, retries for transient faults, counting. */
export async function request<T>(
  run: Pick<ModelRun, 'budget' | 'limiter' | 'report' | 'log'>,
  call: () => Promise<T>,
): Promise<T> {
  return withRetries(
    async () => {
      await run.limiter.take();
      run.report.requests++;
      return call();
    },
    run.budget,
    undefined,
    (err, attempt, waitMs) =>
      run.log?.(
        `[${run.report.model}] retry ${attempt} in ${Math.round(waitMs)} ms: ${(err as Error).message}`,
      ),
  );
}

/** The fields to ask Odoo for: every mirrored column but `id`, which Odoo always returns. */
export const readFields = (columns: readonly Column[]) =>
  columns.filter((c) => c.name !== 'id').map((c) => c.name);
