import type { TransactionSql } from 'postgres';
import type { Column } from './columns.ts';
import type { JsonPage } from './convert.ts';
import type { CopyPage } from './copy-encoder.ts';
import { CursorConflictError, SyncError } from './errors.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/** A page as Postgres will read it: JSON for an upsert, or a binary COPY body for new rows. */
export type EncodedPage = JsonPage | CopyPage;

export interface WriteResult {
  inserted: number;
  updated: number;
  /** With `changedIds`: ids whose row was inserted or actually changed (unchanged rows are not rewritten). */
  changedIds: number[];
  /** With `watch`: ids whose watched fields changed value (or that were inserted). */
  watchedIds: number[];
  /** With `previous`: the values that field held in rows where the page changed it. */
  previousValues: string[];
}

export interface WriteOptions {
  changedIds?: boolean;
  /** Report which rows changed these fields (those the table has). */
  watch?: readonly string[];
  /**
   * Columns (not in `columns`) set to NULL in every row the page changes: those of fields Odoo
   * dropped, whose old value must not outlive a newer read of its row.
   */
  clear?: readonly string[];
  /** Report the values this field held before the page changed them (if the table has it). */
  previous?: string;
}

/**
 * Writes one page in the caller's transaction. A JSON page is upserted: rows whose values equal
 * the stored ones are skipped (no new tuple, no _synced_at bump), so re-reading an overlap
 * window is cheap. A COPY page must land in an id range where the mirror has no row.
 */
export async function writePage(
  tx: TransactionSql,
  table: string,
  columns: readonly Column[],
  page: EncodedPage,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  if (page.count === 0) {
    return { inserted: 0, updated: 0, changedIds: [], watchedIds: [], previousValues: [] };
  }
  if (page.format === 'copy') {
    const [lo, hi] = idRange(page.ids);
    const [taken] = await tx.unsafe(
      `select 1 from ${mirrorTable(table)} where id between $1 and $2 limit 1`,
      [lo, hi],
    );
    if (taken) {
      // Only another writer could have put rows there since the snapshot looked (the model is
      // locked against other runs). The next run sees them and upserts this range instead.
      throw new CursorConflictError(
        `${page.model}: rows appeared in ids ${lo}..${hi} of a snapshot page; page discarded`,
        { model: page.model, cursor: lo },
      );
    }
    return copyPage(tx, table, columns, page, opts);
  }
  const names = columns.map((c) => ident(c.name));
  const defs = columns.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ');
  const data = columns.filter((c) => c.name !== 'id').map((c) => ident(c.name));
  const changed = data.length
    ? `where (${data.map((n) => `t.${n}`).join(', ')}) is distinct from (${data.map((n) => `excluded.${n}`).join(', ')})`
    : 'where false';
  const watch = (opts.watch ?? [])
    .filter((f) => columns.some((c) => c.name === f))
    .map((f) => ident(f));
  const watched = (alias: string) =>
    watch.length ? `row(${watch.map((n) => `${alias}.${n}`).join(', ')})` : 'null::int';
  const prev =
    opts.previous && columns.some((c) => c.name === opts.previous) ? ident(opts.previous) : null;
  const kept = (alias: string) => `${watched(alias)} as w${prev ? `, ${alias}.${prev} as p` : ''}`;
  // Every part of one statement sees the table as it was before it: `old` holds the values
  // the upsert is about to replace.
  const old =
    watch.length || prev
      ? `old as (select o.id, ${kept('o')} from ${mirrorTable(table)} o
         where o.id in (select id from src)),`
      : '';
  // json, not jsonb: parsed once while read, about a third cheaper for a page read only once.
  const upsert = `
    with src as (select * from json_to_recordset($1::text::json) as r(${defs})), ${old}
    up as (
      insert into ${mirrorTable(table)} as t (${names.join(', ')}, _synced_at)
      select ${names.join(', ')}, clock_timestamp() from src
      on conflict (id) do update
        set ${[
          ...data.map((n) => `${n} = excluded.${n}`),
          ...(opts.clear ?? []).map((c) => `${ident(c)} = null`),
          '_synced_at = excluded._synced_at',
        ].join(', ')}
        ${changed}
      returning t.id, (xmax = 0) as inserted${old ? `, ${kept('t')}` : ''}
    )`;
  if (!opts.changedIds && !old) {
    // Counts only: no id list to ship back when nobody needs it.
    const [r] = await tx.unsafe<{ inserted: string; n: string }[]>(
      `${upsert} select count(*) filter (where inserted) as inserted, count(*) as n from up`,
      [page.json],
    );
    const inserted = Number(r.inserted);
    return {
      inserted,
      updated: Number(r.n) - inserted,
      changedIds: [],
      watchedIds: [],
      previousValues: [],
    };
  }
  type Changed = { id: string; inserted: boolean; watched: boolean; previous: string | null };
  const result = await tx.unsafe<Changed[]>(
    old
      ? `${upsert} select up.id, up.inserted, old.w is distinct from up.w as watched,
                ${prev ? 'case when old.p is distinct from up.p then old.p::text end' : 'null'} as previous
           from up left join old on old.id = up.id`
      : `${upsert} select id, inserted, false as watched, null as previous from up`,
    [page.json],
  );
  let inserted = 0;
  const changedIds = new Array<number>(result.length);
  const watchedIds: number[] = [];
  const previous = new Set<string>();
  for (let i = 0; i < result.length; i++) {
    if (result[i].inserted) inserted++;
    changedIds[i] = Number(result[i].id);
    if (result[i].watched) watchedIds.push(changedIds[i]);
    if (result[i].previous !== null) previous.add(result[i].previous as string);
  }
  return {
    inserted,
    updated: result.length - inserted,
    changedIds,
    watchedIds,
    previousValues: [...previous],
  };
}

function idRange(ids: readonly number[]): [number, number] {
  let lo = ids[0];
  let hi = ids[0];
  for (const id of ids) {
    if (id < lo) lo = id;
    else if (id > hi) hi = id;
  }
  return [lo, hi];
}

/** Inserts every row of the page with COPY: the caller has made sure none of its ids exists. */
async function copyPage(
  tx: TransactionSql,
  table: string,
  columns: readonly Column[],
  page: CopyPage,
  opts: WriteOptions,
): Promise<WriteResult> {
  const query = tx.unsafe(
    `copy ${mirrorTable(table)} (${columns.map((c) => ident(c.name)).join(', ')}) from stdin (format binary)`,
  );
  // postgres.js (3.4) loses an error Postgres reports once all data is sent: the stream never
  // finishes and the error only reaches the query's reject, which it calls after having
  // resolved the query with the stream. Listen there too, so a failed COPY fails the page.
  const failed = new Promise<never>((_, reject) => {
    const q = query as unknown as { reject: (e: unknown) => void };
    const own = q.reject;
    q.reject = (e) => {
      own(e);
      reject(e);
    };
  });
  failed.catch(() => {});
  const stream = await query.writable();
  const done = new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.once('finish', resolve);
    stream.end(page.copy);
  });
  try {
    await Promise.race([done, failed]);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // A refused value or key would be refused by an upsert too; anything else Postgres (or a
    // pooler in front of it) says about a COPY is about the COPY.
    if ((e as Error).name !== 'PostgresError' || /^2[23]/.test(String(code))) throw e;
    throw new SyncError(
      `${page.model}: COPY into ${mirrorTable(table)} failed: ${(e as Error).message}; ` +
        'a connection that cannot COPY (some poolers) needs SYNC_COPY=off',
      { model: page.model, cause: e },
    );
  }
  return {
    inserted: page.count,
    updated: 0,
    changedIds: opts.changedIds ? [...page.ids] : [],
    watchedIds: opts.watch?.length ? [...page.ids] : [],
    // New rows held nothing before.
    previousValues: [],
  };
}

/** Deletes ids from the mirror, keeping their last values in the deletion audit. */
export async function deleteRecords(
  tx: TransactionSql,
  model: string,
  table: string,
  ids: readonly number[],
  runId: number | null,
): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const gone = await tx.unsafe<{ id: string; row: Record<string, unknown> }[]>(
    `delete from ${mirrorTable(table)} t where t.id = any($1::bigint[]) returning t.id, to_jsonb(t) as row`,
    [ids as number[]],
  );
  if (gone.length) {
    await tx`insert into ods.deletions (model, record_id, run_id, last_values)
      select ${model}, (r->>'id')::bigint, ${runId}, r from jsonb_array_elements(${tx.json(gone.map((g) => g.row) as never)}) r`;
  }
  return gone.map((g) => g.row);
}
