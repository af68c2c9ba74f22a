import { OdooResponseTooLargeError, OdooTimeoutError } from '../odoo/errors.ts';
import { encodePage, formatOdooDatetime, parseOdooDatetime } from './convert.ts';
import { type CopyPage, encodeCopyPage } from './copy-encoder.ts';
import { transcodeSearchRead } from './copy-transcoder.ts';
import { type ModelRun, readFields, request } from './engine-context.ts';
import { loadState, type RefetchItem } from './model-state.ts';
import { commitPage, queueDependents } from './page-commit.ts';
import { type EncodedPage, writePage } from './page-writer.ts';
import { mirrorTable } from './sql-ident.ts';

const HEADROOM_MS = 3_000;

/** Raised inside a request to leave the retry loop and ask again with a smaller page. */
class PageTooBig extends Error {}

type Fetched =
  | { records: Record<string, unknown>[]; page?: undefined; full: boolean; declined?: boolean }
  | { records?: undefined; page: CopyPage; full: boolean; declined?: undefined };

/**
 * Fetches one keyset page: the records, or with `fromBody` possibly the page already encoded
 * from the answer's bytes. A timeout or an oversized answer halves the page at once (asking the
 * same question again would fail the same way); other transient faults are retried.
 */
async function fetchPage(
  run: ModelRun,
  domain: unknown[],
): Promise<{ records: Record<string, unknown>[]; full: boolean }>;
async function fetchPage(
  run: ModelRun,
  domain: unknown[],
  fromBody?: (body: Uint8Array, enveloped: boolean) => CopyPage | undefined,
): Promise<Fetched>;
async function fetchPage(
  run: ModelRun,
  domain: unknown[],
  fromBody?: (body: Uint8Array, enveloped: boolean) => CopyPage | undefined,
): Promise<Fetched> {
  for (;;) {
    const limit = run.pageSize.current;
    const t0 = performance.now();
    const opts = { limit, order: 'id asc', context: run.context };
    const fields = readFields(run.columns);
    try {
      const got: Fetched = await request(run, () =>
        (fromBody
          ? run.odoo
              .searchReadOrDecode(run.entry.model, domain, fields, opts, fromBody)
              .then((r) =>
                'decoded' in r
                  ? { page: r.decoded, full: false }
                  : { records: r.records, declined: r.declined, full: false },
              )
          : run.odoo
              .searchRead(run.entry.model, domain, fields, opts)
              .then((records): Fetched => ({ records, full: false }))
        ).catch((e) => {
          const tooBig = e instanceof OdooTimeoutError || e instanceof OdooResponseTooLargeError;
          if (tooBig && run.pageSize.shrink()) throw new PageTooBig(e.name);
          throw e;
        }),
      );
      const count = got.page ? got.page.count : got.records.length;
      run.pageSize.observe(performance.now() - t0, count === limit);
      run.report.fetched += count;
      run.budget.spend(count);
      // Whether the page was full is judged against the limit asked, not the adapted size.
      got.full = count === limit;
      return got;
    } catch (e) {
      if (!(e instanceof PageTooBig)) throw e;
      run.log?.(`[${run.entry.model}] ${e.message}; page size → ${run.pageSize.current}`);
    }
  }
}

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
    const hw =
      newest && typeof newest.write_date === 'string'
        ? `${newest.write_date.replace(' ', 'T')}Z`
        : null;
    // rows is recounted: a re-snapshot (--full) starts over a table that may already hold rows.
    await sql.unsafe(
      `update ods.sync_state set snapshot_started_at = now(), snapshot_total = $2, high_water = $3,
         snapshot_cursor = 0, rows = (select count(*) from ${mirrorTable(run.table)}), updated_at = now()
       where model = $1`,
      [entry.model, total, hw],
    );
    Object.assign(state, await loadState(sql, entry.model));
  }
  // Pages above the mirror's greatest id go in by COPY: there is nothing there to compare with.
  // A re-snapshot over rows already mirrored upserts instead, so unchanged rows stay untouched.
  const [{ top }] = await sql.unsafe<{ top: string }[]>(
    `select coalesce(max(id), 0) as top from ${mirrorTable(run.table)}`,
  );
  const copyAbove = run.config.copy ? Number(top) : Number.POSITIVE_INFINITY;
  const keepRows = entry.dependents.length > 0;
  // Such pages are taken straight from Odoo's JSON when the transcoder can (no dependents
  // to tell: they need the rows' values).
  const transcode = keepRows
    ? undefined
    : (body: Uint8Array, enveloped: boolean) =>
        transcodeSearchRead(entry.model, run.columns, body, enveloped);
  // Pipelined in three stages: Odoo serves page k+2 while this thread encodes page k+1 and
  // Postgres commits page k. Commits still happen one at a time, in order, each checking the
  // cursor the previous one left.
  const pageAfter = (id: number) =>
    fetchPage(run, [...entry.domain, ['id', '>', id]], id >= copyAbove ? transcode : undefined);
  let next: ReturnType<typeof fetchPage> | null = run.budget.allows(HEADROOM_MS)
    ? pageAfter(state.snapshotCursor)
    : null;
  let inFlight: Promise<void> | null = null;
  let cursor = state.snapshotCursor;
  let declined = false;
  try {
    while (next) {
      const got = await next;
      const from = cursor;
      const finished = !got.full;
      // Ask for the next page before encoding this one: Odoo serves it meanwhile. An id that is
      // not an integer fails the encoding below, and that request's answer is then dropped.
      const { records } = got;
      const count = records ? records.length : got.page.count;
      const last =
        count === 0 ? from : records ? (records[count - 1].id as number) : got.page.ids[count - 1];
      next = !finished && run.budget.allows(HEADROOM_MS) ? pageAfter(last) : null;
      next?.catch(() => {}); // observed on the next turn, or dropped if a commit fails first
      if (got.declined && !declined) {
        declined = true; // said once: every page is likely to look the same
        run.log?.(
          `[${entry.model}] Odoo's answer is not in the shape the fast path takes; decoding it instead (slower)`,
        );
      }
      const page: EncodedPage = !records
        ? got.page
        : from >= copyAbove
          ? encodeCopyPage(entry.model, run.columns, records, keepRows)
          : encodePage(entry.model, run.columns, records, keepRows);
      cursor = last;
      if (inFlight) await inFlight;
      inFlight = commitSnapshotPage(run, page, from, last, finished).then((written) => {
        tally(run, page.count, written);
        state.snapshotCursor = last;
        run.report.cursor = `id>${last}`;
        state.rows += written.inserted;
        if (finished) state.phase = 'incremental';
        run.onProgress?.({
          model: entry.model,
          phase: 'snapshot',
          done: state.rows,
          total: state.snapshotTotal,
          fetched: run.report.fetched,
        });
      });
      inFlight.catch(() => {}); // awaited below or on the next turn
      if (finished) break;
    }
  } finally {
    // Never leave a commit running behind the caller's back (it holds the model's lock).
    if (inFlight) await inFlight.catch(() => {});
  }
  if (inFlight) await inFlight; // rethrows a failed last commit
}

async function commitSnapshotPage(
  run: ModelRun,
  page: EncodedPage,
  cursor: number,
  last: number,
  finished: boolean,
) {
  return commitPage(run, page, { column: 'snapshot_cursor', value: cursor }, async (tx, w) => {
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
  });
}

/**
 * Incremental (rule 2): the window write_date >= high_water - overlap, keyset by id inside it.
 * The high-water mark advances only when a window pass completes, to the newest write_date read.
 */
export async function incremental(run: ModelRun): Promise<void> {
  const { entry, state } = run;
  const since =
    state.windowSince ??
    (state.highWater
      ? new Date(state.highWater.getTime() - run.config.overlapMinutes * 60_000)
      : null);
  while (run.budget.allows(HEADROOM_MS)) {
    const cursor = state.windowCursor;
    const window = since ? [['write_date', '>=', formatOdooDatetime(since)]] : [];
    const { records, full } = await fetchPage(run, [
      ...entry.domain,
      ...window,
      ['id', '>', cursor],
    ]);
    const page = encodePage(entry.model, run.columns, records, entry.dependents.length > 0);
    const last = page.count ? page.ids[page.count - 1] : cursor;
    const finished = !full;
    const pageMax = page.maxWriteDate ? parseOdooDatetime(page.maxWriteDate) : null;
    const seen = [state.windowMaxSeen, pageMax, state.highWater].filter(
      (d): d is Date => d !== null,
    );
    const newest = seen.length ? new Date(Math.max(...seen.map((d) => d.getTime()))) : null;
    const written = await commitPage(
      run,
      page,
      { column: 'window_cursor', value: cursor },
      (tx, w) =>
        finished
          ? tx`update ods.sync_state set high_water = ${newest}, window_since = null, window_cursor = 0,
            window_max_seen = null, rows = rows + ${w.inserted}, last_success_at = now(),
            page_size = ${run.pageSize.current}, updated_at = now() where model = ${entry.model}`
          : tx`update ods.sync_state set window_since = ${since}, window_cursor = ${last},
            window_max_seen = ${newest}, rows = rows + ${w.inserted},
            page_size = ${run.pageSize.current}, updated_at = now() where model = ${entry.model}`,
    );
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
    if (finished) {
      Object.assign(state, {
        highWater: newest,
        windowSince: null,
        windowCursor: 0,
        windowMaxSeen: null,
      });
      return;
    }
    Object.assign(state, { windowSince: since, windowCursor: last, windowMaxSeen: newest });
  }
}

/** Re-reads what other models queued (values Odoo changed without bumping write_date). */
export async function refetchQueued(run: ModelRun): Promise<void> {
  const { entry, sql } = run;
  while (run.budget.allows(HEADROOM_MS)) {
    const [row] = await sql`select refetch from ods.sync_state where model = ${entry.model}`;
    const queue = row.refetch as RefetchItem[];
    if (queue.length === 0) return;
    const item = queue[0];
    const fields = readFields(run.columns);
    const chunk = run.pageSize.current;
    let records: Record<string, unknown>[];
    let rest: RefetchItem | null;
    if ('ids' in item) {
      const ids = item.ids.slice(0, chunk);
      records = await request(run, () => run.odoo.read(entry.model, ids, fields, run.context));
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
    const hasDependents = entry.dependents.length > 0;
    const page = encodePage(entry.model, run.columns, records, hasDependents);
    const written = await sql.begin(async (tx) => {
      const w = await writePage(tx, run.table, run.columns, page, { changedIds: hasDependents });
      await queueDependents(tx, entry.dependents, page.rows ?? [], w.changedIds);
      const [{ refetch }] =
        await tx`select refetch from ods.sync_state where model = ${entry.model} for update`;
      const remaining = [...(rest ? [rest] : []), ...(refetch as RefetchItem[]).slice(1)];
      await tx`update ods.sync_state set refetch = ${tx.json(remaining as never)}, rows = rows + ${w.inserted},
        updated_at = now() where model = ${entry.model}`;
      return w;
    });
    tally(run, page.count, written);
    run.state.rows += written.inserted;
  }
}
