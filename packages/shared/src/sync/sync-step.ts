import { type Dependent, needsRows } from './catalog.ts';
import { withCompanyValues } from './company-fields.ts';
import { encodePage, formatOdooDatetime, parseOdooDatetime } from './convert.ts';
import { encodeCopyPage } from './copy-encoder.ts';
import { transcodeSearchRead } from './copy-transcoder.ts';
import { type ModelRun, readFields, request } from './engine-context.ts';
import { earliest, isFromTheFuture, latest, noteClockOutlier, odooNow } from './high-water.ts';
import { loadState, type RefetchItem } from './model-state.ts';
import { commitPage, writePageAndDeletions } from './page-commit.ts';
import { fetchPage } from './page-fetch.ts';
import { PAGE_HEADROOM_MS, pipelinePages } from './page-pipeline.ts';
import type { EncodedPage } from './page-writer.ts';
import { mirrorTable } from './sql-ident.ts';

function tally(run: ModelRun, pageRows: number, w: { inserted: number; updated: number }) {
  run.report.upserted += w.inserted + w.updated;
  run.report.unchanged += pageRows - w.inserted - w.updated;
}

/** Snapshot (rule 1): keyset by id from the cursor, one transaction per page. */
export async function snapshot(run: ModelRun): Promise<void> {
  const { entry, state, sql } = run;
  if (!state.snapshotStartedAt) {
    // The incremental phase will start from the newest write_date Odoo had *before* the first
    // page, so rows changed behind the cursor during the snapshot are caught afterwards.
    const [newest] = await request(run, () =>
      run.odoo.searchRead(entry.model, entry.domain, ['write_date'], {
        limit: 1,
        order: 'write_date desc, id desc',
        context: run.context,
      }),
    );
    const total = await request(run, () =>
      run.odoo.searchCount(entry.model, entry.domain, run.context),
    );
    // Never past Odoo's own clock: one record dated 9999-12-31 must not stop every later window.
    const newestDate =
      newest && typeof newest.write_date === 'string' ? parseOdooDatetime(newest.write_date) : null;
    const hw = earliest(newestDate, odooNow(run));
    if (newestDate && isFromTheFuture(run, newest.write_date as string)) {
      await sql`update ods.sync_state set clock_outlier = ${sql.json({
        id: newest.id as number,
        write_date: newestDate.toISOString(),
        odoo_now: odooNow(run).toISOString(),
        seen_at: new Date().toISOString(),
      })} where model = ${entry.model}`;
    }
    // rows is recounted: a re-snapshot (--full) starts over a table that may already hold rows.
    await sql.unsafe(
      `update ods.sync_state set snapshot_started_at = now(), snapshot_total = $2, high_water = $3,
         unsettled_from = $4, snapshot_cursor = 0, rows = (select count(*) from ${mirrorTable(run.table)}),
         updated_at = now()
       where model = $1`,
      [entry.model, total, hw, odooNow(run)],
    );
    Object.assign(state, await loadState(sql, entry.model));
  }
  // Pages above the mirror's greatest id go in by COPY: there is nothing there to compare with.
  // A re-snapshot over rows already mirrored upserts instead, so unchanged rows stay untouched.
  const [{ top }] = await sql.unsafe<{ top: string }[]>(
    `select coalesce(max(id), 0) as top from ${mirrorTable(run.table)}`,
  );
  const copyAbove = run.config.copy ? Number(top) : Number.POSITIVE_INFINITY;
  // New rows have no previous values to compare: the `mirror` dependents do not apply.
  const dependents = entry.dependents.filter((d) => !('mirror' in d));
  const keepRows = needsRows(dependents);
  // Such pages are taken straight from Odoo's JSON when the transcoder can (no dependents
  // to tell: they need the rows' values).
  const transcode = keepRows
    ? undefined
    : (body: Uint8Array, enveloped: boolean) =>
        transcodeSearchRead(entry.model, run.columns, body, enveloped);
  let declined = false;
  await pipelinePages(run, state.snapshotCursor, {
    fetch: (after) =>
      fetchPage(
        run,
        [...entry.domain, ['id', '>', after]],
        after >= copyAbove ? transcode : undefined,
      ),
    prepare: (got, from, last, finished) => {
      if (got.declined && !declined) {
        declined = true; // said once: every page is likely to look the same
        run.log?.(
          `[${entry.model}] Odoo's answer is not in the shape the fast path takes; decoding it instead (slower)`,
        );
      }
      const page: EncodedPage = !got.records
        ? got.page
        : from >= copyAbove
          ? encodeCopyPage(entry.model, run.columns, got.records, keepRows)
          : encodePage(entry.model, run.columns, got.records, keepRows);
      page.companies = got.companies;
      return { page, from, last, finished };
    },
    commit: async ({ page, from, last, finished }) => {
      const written = await commitSnapshotPage(run, page, from, last, finished, dependents);
      tally(run, page.count, written);
      state.snapshotCursor = last;
      run.report.cursor = `id>${last}`;
      state.rows += written.inserted;
      if (finished) {
        state.phase = 'incremental';
        // Statistics for what was just bulk-loaded: the report rebuild that follows, and every
        // query after it, is planned on the table as it now is, not as it was empty.
        await sql.unsafe(`analyze ${mirrorTable(run.table)}`);
      }
      run.onProgress?.({
        model: entry.model,
        phase: 'snapshot',
        done: state.rows,
        total: state.snapshotTotal,
        fetched: run.report.fetched,
      });
    },
  });
}

async function commitSnapshotPage(
  run: ModelRun,
  page: EncodedPage,
  cursor: number,
  last: number,
  finished: boolean,
  dependents: readonly Dependent[],
) {
  const expect = { column: 'snapshot_cursor', value: cursor } as const;
  return commitPage(
    run,
    page,
    expect,
    async (tx, w) => {
      await tx`update ods.sync_state set snapshot_cursor = ${last}, rows = rows + ${w.inserted},
      page_size = ${run.pageSize.current}, updated_at = now() where model = ${run.entry.model}`;
      if (finished) {
        await tx.unsafe(
          `update ods.sync_state set phase = 'incremental', snapshot_done_at = now(),
           window_since = null, window_cursor = 0, window_max_seen = null,
           rows = (select count(*) from ${mirrorTable(run.table)})
         where model = $1`,
          [run.entry.model],
        );
      }
    },
    dependents,
  );
}

/**
 * Incremental (rule 2): the window write_date >= high_water - overlap, keyset by id inside it.
 * The high-water mark advances only when a window pass completes, to the newest write_date
 * read — but never past Odoo's clock when the pass began: a pass spanning several invocations
 * must not skip what was edited behind its cursor meanwhile, and a record dated in the future
 * must not carry the mark with it.
 */
export async function incremental(run: ModelRun): Promise<boolean> {
  const { entry, state } = run;
  const since =
    state.windowSince ??
    (state.highWater
      ? new Date(state.highWater.getTime() - run.config.overlapMinutes * 60_000)
      : null);
  const window = since ? [['write_date', '>=', formatOdooDatetime(since)]] : [];
  const keepRows = needsRows(entry.dependents);
  // The newest write_date read so far in this window pass (pages are prepared in order).
  let newest = latest(state.windowMaxSeen, state.highWater);
  // Odoo's clock before the pass's first read (kept across invocations): the high-water mark never
  // passes it, and records dated in or after its second count as unsettled on the next pass.
  const passClock = state.windowClock ?? odooNow(run);
  let passFinished = false;
  await pipelinePages(run, state.windowCursor, {
    fetch: (after) => fetchPage(run, [...entry.domain, ...window, ['id', '>', after]]),
    prepare: (got, from, last, finished) => {
      const page = encodePage(entry.model, run.columns, got.records ?? [], keepRows);
      page.companies = got.companies;
      newest = latest(newest, page.maxWriteDate ? parseOdooDatetime(page.maxWriteDate) : null);
      const future = isFromTheFuture(run, page.maxWriteDate);
      return { page, from, last, finished, seen: newest, clock: passClock, future };
    },
    commit: async ({ page, from, last, finished, seen, clock, future }) => {
      const highWater = earliest(seen, clock);
      const written = await commitPage(
        run,
        page,
        { column: 'window_cursor', value: from },
        (tx, w) =>
          finished
            ? tx`update ods.sync_state set high_water = ${highWater}, window_since = null, window_cursor = 0,
              window_max_seen = null, window_clock = null, unsettled_from = ${clock},
              rows = rows + ${w.inserted},
              last_success_at = now(), page_size = ${run.pageSize.current}, updated_at = now()
              where model = ${entry.model}`
            : tx`update ods.sync_state set window_since = ${since}, window_cursor = ${last},
              window_max_seen = ${seen}, window_clock = ${clock}, rows = rows + ${w.inserted},
              page_size = ${run.pageSize.current}, updated_at = now() where model = ${entry.model}`,
      );
      if (future) await noteClockOutlier(run);
      passFinished = finished;
      tally(run, page.count, written);
      state.rows += written.inserted;
      run.report.cursor = `write_date>=${since ? formatOdooDatetime(since) : '∅'} id>${last}`;
      run.onProgress?.({
        model: entry.model,
        phase: 'incremental',
        done: state.rows,
        total: null,
        fetched: run.report.fetched,
      });
      Object.assign(
        state,
        finished
          ? {
              highWater,
              unsettledFrom: clock,
              windowSince: null,
              windowCursor: 0,
              windowMaxSeen: null,
              windowClock: null,
            }
          : { windowSince: since, windowCursor: last, windowMaxSeen: seen, windowClock: clock },
      );
    },
  });
  return passFinished;
}

/**
 * Re-reads what other models queued (values Odoo changed without bumping write_date). Ids Odoo
 * no longer has (read omits them) are deleted here and then, not 15 minutes later.
 */
export async function refetchQueued(run: ModelRun): Promise<void> {
  const { entry, sql } = run;
  while (run.budget.allows(PAGE_HEADROOM_MS)) {
    const [row] = await sql`select refetch from ods.sync_state where model = ${entry.model}`;
    const queue = row.refetch as RefetchItem[];
    if (queue.length === 0) return;
    const item = queue[0];
    const fields = readFields(run.columns);
    const chunk = run.pageSize.current;
    let records: Record<string, unknown>[];
    let rest: RefetchItem | null;
    let asked: number[] = [];
    if ('ids' in item) {
      asked = [...new Set(item.ids)].slice(0, chunk);
      records = await request(run, () => run.odoo.read(entry.model, asked, fields, run.context));
      rest = item.ids.length > chunk ? { ids: item.ids.slice(chunk) } : null;
    } else {
      const values = item.values.slice(0, 1000);
      records = await request(run, () =>
        run.odoo.searchRead(entry.model, [...entry.domain, [item.field, 'in', values]], fields, {
          limit: 0,
          order: 'id asc',
          context: run.context,
        }),
      );
      rest =
        item.values.length > 1000 ? { field: item.field, values: item.values.slice(1000) } : null;
    }
    run.report.fetched += records.length;
    run.budget.spend(records.length);
    const page = await withCompanyValues(
      run,
      encodePage(entry.model, run.columns, records, needsRows(entry.dependents)),
    );
    const returned = new Set(page.ids);
    const gone = asked.filter((id) => !returned.has(id));
    const written = await sql.begin(async (tx) => {
      const { written: w, deleted } = await writePageAndDeletions(tx, run, page, gone);
      const [{ refetch }] =
        await tx`select refetch from ods.sync_state where model = ${entry.model} for update`;
      const remaining = [...(rest ? [rest] : []), ...(refetch as RefetchItem[]).slice(1)];
      await tx`update ods.sync_state set refetch = ${tx.json(remaining as never)},
        rows = rows + ${w.inserted} - ${deleted}, updated_at = now() where model = ${entry.model}`;
      run.report.deleted += deleted;
      run.state.rows -= deleted;
      return w;
    });
    tally(run, page.count, written);
    run.state.rows += written.inserted;
  }
}
