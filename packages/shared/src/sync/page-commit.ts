import type { TransactionSql } from 'postgres';
import type { Dependent } from './catalog.ts';
import { peersField, watchedFields } from './catalog.ts';
import { tableName } from './columns.ts';
import { deleteCompanyValues, writeCompanyValues } from './company-fields.ts';
import type { ModelRun } from './engine-context.ts';
import { CursorConflictError } from './errors.ts';
import type { RefetchItem } from './model-state.ts';
import { deleteRecords, type EncodedPage, type WriteResult, writePage } from './page-writer.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/**
 * One page in one transaction (DESIGN §4 rule 1): the rows, the queue of dependents to re-read,
 * and the state change. `expect` is compared with the stored cursor first, so if two writers
 * ever raced for a model, the second page would be discarded instead of applied twice.
 * `dependents` defaults to the catalog's (a snapshot passes the ones that apply to new rows).
 */
export async function commitPage(
  run: ModelRun,
  page: EncodedPage,
  expect: { column: 'snapshot_cursor' | 'window_cursor'; value: number },
  stateUpdate: (tx: TransactionSql, written: WriteResult) => Promise<unknown>,
  dependents: readonly Dependent[] = run.entry.dependents,
): Promise<WriteResult> {
  return run.sql.begin(async (tx) => {
    const [cur] = await tx`select snapshot_cursor, window_cursor from ods.sync_state
      where model = ${run.entry.model} for update`;
    if (Number(cur[expect.column]) !== expect.value) {
      throw new CursorConflictError(
        `${run.entry.model}: ${expect.column} is ${cur[expect.column]}, expected ${expect.value}; page discarded`,
        { model: run.entry.model, cursor: expect.value },
      );
    }
    // A snapshot page is a bulk load: the reports reading it are rebuilt once at the end
    // instead of logging every row for the report upkeep (ods.report_changes).
    if (expect.column === 'snapshot_cursor') {
      await tx`select set_config('ods.report_capture', 'bulk', true)`;
    }
    const written = await writePageWithDependents(tx, run, page, dependents);
    await stateUpdate(tx, written);
    return written;
  });
}

/** Writes a page and queues what its changes make other models re-read, in `tx`. */
export async function writePageWithDependents(
  tx: TransactionSql,
  run: Pick<ModelRun, 'table' | 'columns' | 'state' | 'companyColumns' | 'entry' | 'report'>,
  page: EncodedPage,
  dependents: readonly Dependent[],
): Promise<WriteResult> {
  const written = await writePage(tx, run.table, run.columns, page, {
    changedIds: dependents.length > 0,
    watch: watchedFields(dependents),
    previous: peersField(dependents),
    clear: run.state.droppedColumns,
  });
  const companyRows = await writeCompanyValues(tx, run, page);
  if (companyRows) run.report.companyRows = (run.report.companyRows ?? 0) + companyRows;
  await queueDependents(tx, dependents, {
    rows: page.rows ?? [],
    changedIds: written.changedIds,
    watchedIds: written.watchedIds,
    previousValues: written.previousValues,
  });
  return written;
}

/**
 * Deletes `gone` from the mirror (audited; what they pointed at is queued for re-reading) and
 * writes the page, in `tx`: how every re-read of known ids applies what Odoo answered.
 */
export async function writePageAndDeletions(
  tx: TransactionSql,
  run: Pick<
    ModelRun,
    'table' | 'columns' | 'state' | 'companyColumns' | 'entry' | 'report' | 'runId'
  >,
  page: EncodedPage,
  gone: readonly number[],
): Promise<{ written: WriteResult; deleted: number }> {
  const { entry } = run;
  const deleted = await deleteRecords(tx, entry.model, run.table, gone, run.runId);
  await deleteCompanyValues(tx, run.table, gone);
  // E.g. the lines a deleted partial reconcile pointed at have a new residual and matching number.
  await queueDependents(tx, entry.dependents, {
    rows: deleted,
    changedIds: deleted.map((r) => Number(r.id)),
    deleted: true,
  });
  const written = await writePageWithDependents(tx, run, page, entry.dependents);
  return { written, deleted: deleted.length };
}

/** What changed in a page (or was deleted), as the dependents need it. */
export interface Changes {
  /** Converted rows of the page (the `via` dependents read their fields). */
  rows: readonly Record<string, unknown>[];
  /** Ids inserted or changed (or deleted). */
  changedIds: readonly number[];
  /** Ids whose `when` fields changed. */
  watchedIds?: readonly number[];
  /** Values the `peers` field held in the changed rows before (deleted rows: in `rows`). */
  previousValues?: readonly string[];
  /** The rows were deleted: Odoo has nothing left to search for. */
  deleted?: boolean;
}

/** Queues, on each dependent model's state, what to re-read because these rows changed. */
export async function queueDependents(
  tx: TransactionSql,
  dependents: readonly Dependent[],
  c: Changes,
): Promise<void> {
  if (dependents.length === 0 || c.changedIds.length === 0) return;
  const changed = new Set(c.changedIds);
  for (const d of dependents) {
    const items: RefetchItem[] = [];
    if ('via' in d) {
      const ids = new Set<number>();
      for (const r of c.rows) {
        if (!changed.has(r.id as number)) continue;
        for (const f of d.via) if (typeof r[f] === 'number') ids.add(r[f] as number);
      }
      if (ids.size) items.push({ ids: [...ids] });
    } else if ('inverse' in d) {
      if (!c.deleted) items.push({ field: d.inverse, values: [...changed] });
      const ids = await mirrorIdsPointingAt(tx, d.model, [d.inverse], c.changedIds);
      if (ids.length) items.push({ ids });
    } else if ('peers' in d) {
      const was = c.deleted
        ? c.rows.map((r) => r[d.peers]).filter((v) => v !== null && v !== undefined && v !== false)
        : (c.previousValues ?? []);
      const ids = was.length
        ? await mirrorIdsHolding(tx, d.model, d.peers, was.map(String), d.match)
        : [];
      if (ids.length) items.push({ ids });
    } else {
      const at = c.deleted ? c.changedIds : (c.watchedIds ?? []);
      const ids = at.length ? await mirrorIdsPointingAt(tx, d.model, d.mirror, at) : [];
      if (ids.length) items.push({ ids });
    }
    if (items.length) await queueRefetch(tx, d.model, items);
  }
}

/** Which of `fields` the mirror table has (a dependent may name a field not mirrored yet). */
async function mirrorColumns(
  tx: TransactionSql,
  table: string,
  fields: readonly string[],
): Promise<string[]> {
  const [{ present }] = await tx<{ present: string[] }[]>`
    select coalesce(array_agg(attname::text), '{}') as present from pg_attribute
     where attrelid = to_regclass(${`odoo.${ident(table)}`}) and attnum > 0 and not attisdropped
       and attname = any(${fields as string[]})`;
  return present;
}

/** Ids of the mirror of `model` whose `fields` hold one of `targets`. */
async function mirrorIdsPointingAt(
  tx: TransactionSql,
  model: string,
  fields: readonly string[],
  targets: readonly number[],
): Promise<number[]> {
  const table = tableName(model);
  const present = await mirrorColumns(tx, table, fields);
  if (present.length === 0) return [];
  const rows = await tx.unsafe<{ id: string }[]>(
    present
      .map((f) => `select id from ${mirrorTable(table)} where ${ident(f)} = any($1::bigint[])`)
      .join(' union '),
    [targets as number[]],
  );
  return rows.map((r) => Number(r.id));
}

/** Ids of the mirror of `model` whose `field` holds one of `values` (matching `match`). */
async function mirrorIdsHolding(
  tx: TransactionSql,
  model: string,
  field: string,
  values: readonly string[],
  match = '',
): Promise<number[]> {
  const table = tableName(model);
  if ((await mirrorColumns(tx, table, [field])).length === 0) return [];
  const rows = await tx.unsafe<{ id: string }[]>(
    `select id from ${mirrorTable(table)}
      where ${ident(field)}::text = any($1::text[]) and ${ident(field)}::text ~ $2`,
    [values as string[], match],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Appends to a model's re-read queue. While that model's snapshot runs, only what it has
 * already passed is queued (the snapshot reads the rest); before it starts, nothing is.
 */
async function queueRefetch(tx: TransactionSql, model: string, items: RefetchItem[]) {
  const [s] = await tx`select phase, snapshot_cursor from ods.sync_state where model = ${model}`;
  if (!s) return;
  const passed = s.phase === 'incremental' ? Number.POSITIVE_INFINITY : Number(s.snapshot_cursor);
  if (passed === 0) return;
  const kept = items
    .map((i) => ('ids' in i ? { ids: i.ids.filter((id) => id <= passed) } : i))
    .filter((i) => !('ids' in i) || i.ids.length > 0);
  if (kept.length === 0) return;
  await tx`update ods.sync_state set refetch = refetch || ${tx.json(kept as never)}::jsonb
    where model = ${model}`;
}
