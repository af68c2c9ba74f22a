import type { Sql } from 'postgres';
import { OdooAuthError, OdooConnectionError } from '../odoo/errors.ts';
import { Budget } from './budget.ts';
import { type CatalogEntry, loadCatalog } from './catalog.ts';
import { tableName } from './columns.ts';
import type { SyncConfig } from './config.ts';
import { type ModelReport, type ModelRun, type Progress, request } from './engine-context.ts';
import { SyncConfigError } from './errors.ts';
import { ModelLocks } from './model-lock.ts';
import { loadState } from './model-state.ts';
import type { OdooCallContext, OdooReader } from './odoo-reader.ts';
import { PAGE_HEADROOM_MS } from './page-pipeline.ts';
import { PageSize } from './page-size.ts';
import { RateLimiter } from './rate-limiter.ts';
import { reconcile } from './reconcile-step.ts';
import { rereadQueued } from './reread-step.ts';
import { ensureSchema } from './schema-step.ts';
import { sweep } from './sweep-step.ts';
import { clearError, describeError, recordError } from './sync-errors.ts';
import { incremental, refetchQueued, snapshot } from './sync-step.ts';
import { verify } from './verify-step.ts';

export type SyncMode = 'sync' | 'reconcile' | 'verify';

export interface SliceOptions {
  sql: Sql;
  odoo: OdooReader;
  config: SyncConfig;
  mode?: SyncMode;
  /** Only these models (Odoo names); default every enabled catalog model. */
  models?: string[];
  /** Start every selected model's snapshot again (rows are kept; unchanged ones are skipped). */
  full?: boolean;
  trigger?: string;
  /**
   * Reconcile mode: run a whole content-sweep cycle that began no earlier than this time (a
   * pass looping slices, as the CLI does, gives the time it began) instead of sweeping the
   * share of the current cycle that its pacing over SYNC_SWEEP_HOURS asks for now.
   */
  sweepCycleFrom?: Date;
  /** Override the configured limits (the CLI is not bound by Edge Function limits). */
  budget?: Budget;
  onProgress?: (p: Progress) => void;
  log?: (line: string) => void;
}

export interface SliceSummary {
  runId: number;
  mode: SyncMode;
  outcome: 'ok' | 'partial' | 'failed' | 'busy';
  /** Work remains (backlog, budget ran out): invoke again rather than wait for the next tick. */
  more: boolean;
  models: ModelReport[];
  /** Reporting materialized views refreshed after this run. */
  reportsRefreshed: number;
  /**
   * This run changed the copy but its report upkeep did not fit what was left of its budget (a
   * first copy's full rebuild, typically): call again at once, so the upkeep runs in a slice of
   * its own instead of waiting up to a minute for the cron's refresh.
   */
  reportsPending: boolean;
  elapsedMs: number;
}

/** A fault that every following model would hit too: report it on them without asking Odoo. */
const isSystemic = (e: unknown) => e instanceof OdooAuthError || e instanceof OdooConnectionError;

/** One bounded invocation (rule 6): every selected model, in catalog priority order. */
export async function runSlice(opts: SliceOptions): Promise<SliceSummary> {
  const { sql, config } = opts;
  const mode = opts.mode ?? 'sync';
  const t0 = performance.now();
  const budget =
    opts.budget ?? new Budget({ wallMs: config.sliceSeconds * 1000, records: config.sliceRecords });
  const limiter = new RateLimiter(config.maxRequestsPerSecond);

  let catalog = await loadCatalog(sql);
  if (opts.models?.length) {
    const known = new Set(catalog.map((c) => c.model));
    const unknown = opts.models.filter((m) => !known.has(m));
    if (unknown.length) {
      throw new SyncConfigError(
        `not in the catalog (or disabled): ${unknown.join(', ')}; known: ${[...known].join(', ')}`,
      );
    }
    catalog = catalog.filter((c) => opts.models!.includes(c.model));
  }
  const [{ id: runId }] =
    await sql`insert into ods.runs (mode, trigger) values (${mode}, ${opts.trigger ?? 'manual'})
    returning id`;
  const locks = new ModelLocks(config.dbUrl);
  const reports: ModelReport[] = [];
  let systemic: unknown = null;
  let session: Session | null = null;

  /**
   * Between two units of a background pass: a sync waiting for the model takes it now. The
   * pass's turn mark is lifted meanwhile, or the sync would take it for a killed turn.
   */
  const handOver = async (model: string) => {
    if (!(await locks.waiting(model))) return false;
    await sql`update ods.sync_state set turn_started_at = null where model = ${model}`;
    await locks.handOver(model);
    await sql`update ods.sync_state set turn_started_at = clock_timestamp() where model = ${model}`;
    opts.log?.(`[${model}] let a waiting sync go first`);
    return true;
  };

  /** One model's turn: under its lock; a failure is recorded on it and the others go on. */
  const turn = async (entry: CatalogEntry, report: ModelReport, step: SyncMode | 'dependents') => {
    const background = step === 'reconcile' || step === 'verify';
    try {
      const locked = background
        ? await locks.tryLockBackground(entry.model)
        : (await locks.tryLock(entry.model)) ||
          (await locks.waitForBackground(
            entry.model,
            Math.min(BACKGROUND_WAIT_MS, budget.remainingMs() - PAGE_HEADROOM_MS),
          ));
      if (!locked) {
        report.status = 'busy';
        report.error = 'already running';
        return;
      }
      try {
        await noteTurnStart(sql, entry.model, opts.log);
        if (!session) {
          session = await openSession(opts, budget, limiter, report);
          await sql`update ods.runs set odoo_version = ${session.odooVersion} where id = ${runId}`;
        }
        await runModel(opts, step, entry, {
          budget,
          limiter,
          ...session,
          report,
          runId: Number(runId),
          yieldLock: background ? () => handOver(entry.model) : undefined,
        });
      } finally {
        await sql`update ods.sync_state set turn_started_at = null where model = ${entry.model}`;
        await (background ? locks.unlockBackground(entry.model) : locks.unlock(entry.model));
      }
    } catch (e) {
      report.status = 'error';
      report.error = describeError(e);
      opts.log?.(`[${entry.model}] ${report.error}`);
      await recordError(sql, entry.model, e, mode);
      if (isSystemic(e)) systemic = e;
    }
  };

  try {
    await locks.holdRun(Number(runId));
    await locks.closeAbandonedRuns(Number(runId));
    for (const entry of catalog) {
      const report: ModelReport = {
        model: entry.model,
        status: 'ok',
        phase: mode,
        fetched: 0,
        upserted: 0,
        unchanged: 0,
        deleted: 0,
        requests: 0,
        cursor: null,
        done: false,
      };
      reports.push(report);
      if (systemic) {
        report.status = 'error';
        report.error = describeError(systemic);
        await recordError(sql, entry.model, systemic, mode);
        continue;
      }
      if (!budget.allows(PAGE_HEADROOM_MS)) {
        report.status = 'skipped';
        continue;
      }
      await turn(entry, report, mode);
    }
    // Re-reads queued by dependents (a changed residual → its partials → their full
    // reconcile → the lines and partials it held) are followed in this slice, not the next.
    for (let round = 0; mode === 'sync' && !systemic && round < DEPENDENT_ROUNDS; round++) {
      const queued = await modelsWithQueuedRereads(sql, catalog);
      const due = reports.filter((r) => r.status === 'ok' && queued.has(r.model));
      if (due.length === 0 || !budget.allows(PAGE_HEADROOM_MS)) break;
      for (const report of due) {
        await turn(catalog.find((c) => c.model === report.model)!, report, 'dependents');
      }
    }
  } finally {
    await locks.close();
  }

  const failed = reports.filter((r) => r.status === 'error').length;
  const outcome: SliceSummary['outcome'] =
    reports.length > 0 && reports.every((r) => r.status === 'busy')
      ? 'busy'
      : failed === 0
        ? 'ok'
        : failed === reports.length
          ? 'failed'
          : 'partial';
  // Only healthy models ask for another slice: a failing one waits for the next tick.
  const more = reports.some((r) => (r.status === 'ok' && !r.done) || r.status === 'skipped');
  await sql`update ods.runs set ended_at = clock_timestamp(), outcome = ${outcome}, more = ${more},
    models = ${sql.json(reports as never)}, error = ${failed ? (reports.find((r) => r.error)?.error ?? null) : null}
    where id = ${runId}`;
  // Reports are refreshed once the copy has caught up (not after every slice of a long
  // snapshot), and only if this run changed something; the refresh itself skips unchanged views.
  const changed = reports.some((r) => r.upserted > 0 || r.deleted > 0 || (r.companyRows ?? 0) > 0);
  // A continuation may have been called for the upkeep alone (reportsPending): it refreshes even
  // when it copied nothing, and then does not continue again, whatever it could not fit.
  const upkeep =
    !more && (changed || opts.trigger === 'continue')
      ? await refreshReports(sql, budget.remainingMs() - 1_000, config.reportsFull, opts.log)
      : { refreshed: 0, deferred: 0 };
  return {
    runId: Number(runId),
    mode,
    outcome,
    more,
    models: reports,
    reportsRefreshed: upkeep.refreshed,
    reportsPending: changed && upkeep.deferred > 0,
    elapsedMs: Math.round(performance.now() - t0),
  };
}

/**
 * Refreshes the reports whose inputs changed, starting none after `budgetMs` (the rest wait for
 * the next slice or the cron); says how many it refreshed and how many it left for lack of time.
 */
async function refreshReports(
  sql: Sql,
  budgetMs: number,
  full: boolean,
  log?: (line: string) => void,
): Promise<{ refreshed: number; deferred: number }> {
  // No time to start any: whatever is due is left for later (one or more, the count unknown).
  if (budgetMs <= 0) return { refreshed: 0, deferred: 1 };
  try {
    const rows = await sql`select refreshed, reason
      from ods.refresh_reporting(false, false, ${Math.round(budgetMs)}::int, ${full})`;
    // Deferred for the budget, or left for the next call by the one that rebuilt its reports (the
    // aged timeline); not for a snapshot still running (the copy's end refreshes them).
    const deferred = rows.filter((r) =>
      /^deferred( \(budget|: built in the next call)/.test(String(r.reason)),
    ).length;
    if (deferred)
      log?.(`[reporting] ${deferred} report(s) left to the next refresh (budget, or built after)`);
    return { refreshed: rows.filter((r) => r.refreshed).length, deferred };
  } catch (e) {
    // The copy is fine; stale reports say so through sync_health, and cron retries the refresh.
    log?.(`[reporting] refresh failed: ${describeError(e)}`);
    return { refreshed: 0, deferred: 0 };
  }
}

/** What every model's turn in one invocation shares about Odoo. */
interface Session {
  context: OdooCallContext;
  odooVersion: number | null;
}

async function openSession(
  opts: SliceOptions,
  budget: Budget,
  limiter: RateLimiter,
  report: ModelReport,
): Promise<Session> {
  const run = { budget, limiter, report, log: opts.log };
  // Before any read: an upgraded Odoo may have dropped fields a cached schema still asks for.
  // A server that will not say (an odd proxy) is still synced, without upgrade detection.
  let odooVersion: number | null = null;
  try {
    odooVersion = await request(run, () => opts.odoo.serverVersion());
  } catch (e) {
    if (isSystemic(e)) throw e;
    opts.log?.(`[odoo] no version: ${describeError(e)}; upgrades go unnoticed in this run`);
  }
  const companies = await request(run, () => opts.odoo.userCompanyIds());
  return {
    context: { active_test: false, lang: opts.odoo.lang, allowed_company_ids: companies },
    odooVersion,
  };
}

/**
 * Marks the model's turn as started. A mark still there (we hold the model's lock, so nobody
 * else is working on it) means the previous invocation was killed mid-work, by the platform's
 * wall or CPU limit most likely: the page size is halved so the same page is not retried, and
 * killed forever, at the size that killed it.
 */
async function noteTurnStart(sql: Sql, model: string, log?: (line: string) => void) {
  await sql`insert into ods.sync_state (model) values (${model}) on conflict do nothing`;
  const [s] = await sql`
    with prev as (select turn_started_at from ods.sync_state where model = ${model} for update)
    update ods.sync_state set turn_started_at = clock_timestamp(),
      killed_turns = killed_turns + (prev.turn_started_at is not null)::int,
      page_size = case when prev.turn_started_at is not null and page_size is not null
                       then greatest(50, page_size / 2) else page_size end
      from prev
     where model = ${model}
    returning prev.turn_started_at as previous, page_size`;
  if (s.previous) {
    log?.(
      `[${model}] the previous invocation was killed while working on this model; page size → ${s.page_size ?? 'default'}`,
    );
  }
}

/**
 * How long a sync waits for a model a background pass (sweep, counts, verification) holds: it
 * lets the sync in after its current unit, one Odoo request and its repairs, so the change a
 * tick brings is not left for the next tick.
 */
const BACKGROUND_WAIT_MS = 15_000;

/** Rounds of dependent re-reads one sync slice follows after its pass over the models. */
const DEPENDENT_ROUNDS = 4;

async function modelsWithQueuedRereads(sql: Sql, catalog: CatalogEntry[]): Promise<Set<string>> {
  const rows = await sql`select model from ods.sync_state
    where model = any(${catalog.map((c) => c.model)}) and phase = 'incremental'
      and jsonb_array_length(refetch) > 0`;
  return new Set(rows.map((r) => r.model as string));
}

async function runModel(
  opts: SliceOptions,
  mode: SyncMode | 'dependents',
  entry: CatalogEntry,
  shared: Pick<
    ModelRun,
    'budget' | 'limiter' | 'context' | 'odooVersion' | 'report' | 'runId' | 'yieldLock'
  >,
): Promise<void> {
  const { sql } = opts;
  if (opts.full && mode === 'sync') {
    await sql`update ods.sync_state set phase = 'snapshot', snapshot_cursor = 0, snapshot_started_at = null,
      snapshot_done_at = null, window_since = null, window_cursor = 0, window_max_seen = null
      where model = ${entry.model}`;
  }
  const state = await loadState(sql, entry.model);
  const table = tableName(entry.model);
  const base = { sql, odoo: opts.odoo, config: opts.config, log: opts.log, ...shared };
  const columns = await ensureSchema(base, entry, state, table);
  const run: ModelRun = {
    ...base,
    entry,
    state,
    table,
    columns,
    companyColumns: state.companyColumns,
    // Grows up to the catalog's size (at least 1,000): memory per page stays bounded (two
    // pages are in flight while pipelining) whatever the table size. Not beyond: an Odoo's cost
    // per record grows with the page (a 10,000-record page cost the simulator 60 % more per
    // record than pages of 5,000).
    pageSize: new PageSize(
      Math.min(state.pageSize ?? entry.pageSize, Math.max(entry.pageSize, 1000)),
      50,
      Math.min(10_000, Math.max(entry.pageSize, 1000)),
    ),
    onProgress: opts.onProgress,
  };
  if (state.missingFields.length) shared.report.missingFields = state.missingFields;
  const report = shared.report;

  if (mode === 'dependents') {
    await refetchQueued(run);
    const [s] = await sql`select jsonb_array_length(refetch) as queued from ods.sync_state
      where model = ${entry.model}`;
    report.done = report.done && s.queued === 0;
    return;
  }
  if (mode === 'sync') {
    if (state.phase === 'snapshot') await snapshot(run);
    // Caught up only if a window pass ran to its end in this invocation: a pass that has not
    // started (or stopped for the budget) says nothing about what changed since the last one.
    let passFinished = false;
    if (state.phase === 'incremental' && run.budget.allows(PAGE_HEADROOM_MS)) {
      passFinished = await incremental(run);
      await refetchQueued(run);
      await rereadQueued(run);
    }
    report.phase = state.phase;
    const [s] = await sql`select jsonb_array_length(refetch) + jsonb_array_length(rereads) as queued
      from ods.sync_state where model = ${entry.model}`;
    report.done = passFinished && s.queued === 0;
  } else if (state.phase !== 'incremental') {
    // Reconciling or verifying a half-copied model would "find" every missing row.
    report.phase = state.phase;
    report.done = true;
    report.error = undefined;
    report.cursor = 'snapshot not finished';
    return;
  } else if (mode === 'reconcile') {
    // Counts per id range first (cheap, finds deletions fast), then the content sweep.
    const counted = await reconcile(run);
    if (counted) {
      await sql`update ods.sync_state set last_reconciled_at = now() where model = ${entry.model}`;
    }
    report.done = counted && (await sweep(run, opts.sweepCycleFrom ?? null));
  } else {
    // Months found different earlier are re-read first; a new verification only after them.
    if (await rereadQueued(run)) {
      await verify(run);
      report.done = await rereadQueued(run);
    }
    // Verified once the re-reads it asked for are done, not when it asked: a run killed in
    // between must still count as the latest verification attempt.
    if (report.done) {
      await sql`update ods.sync_state set last_verified_at = now() where model = ${entry.model}`;
    }
  }
  await clearError(sql, entry.model, mode);
  if (mode === 'sync' && report.done) {
    // last_success_at is when the copy was last known complete: what lag is measured from.
    await sql`update ods.sync_state set last_success_at = now(), updated_at = now()
      where model = ${entry.model}`;
  }
}
