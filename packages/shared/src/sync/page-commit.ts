import type { TransactionSql } from 'postgres';
import type { Dependent } from './catalog.ts';
import type { ModelRun } from './engine-context.ts';
import { CursorConflictError } from './errors.ts';
import type { RefetchItem } from './model-state.ts';
import { type EncodedPage, type WriteResult, writePage } from './page-writer.ts';

/**
 * One page in one transaction (DESIGN §4 rule 1): the rows, the queue of dependents to re-read,
 * and the state change. `expect` is compared with the stored cursor first, so if two writers
 * ever raced for a model, the second page would be discarded instead of applied twice.
 */
export async function commitPage(
  run: ModelRun,
  page: EncodedPage,
  expect: { column: 'snapshot_cursor' | 'window_cursor'; value: number },
  stateUpdate: (tx: TransactionSql, written: WriteResult) => Promise<unknown>,
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
    const written = await writePage(tx, run.table, run.columns, page, {
      changedIds: run.entry.dependents.length > 0,
    });
    await queueDependents(tx, run.entry.dependents, page.rows ?? [], written.changedIds);
    await stateUpdate(tx, written);
    return written;
  });
}

/** Queues, on each dependent model's state, what to re-read because these rows changed. */
export async function queueDependents(
  tx: TransactionSql,
  dependents: readonly Dependent[],
  rows: readonly Record<string, unknown>[],
  changedIds: readonly number[],
): Promise<void> {
  if (dependents.length === 0 || changedIds.length === 0) return;
  const changed = new Set(changedIds);
  for (const d of dependents) {
    let item: RefetchItem;
    if ('via' in d) {
      const ids = new Set<number>();
      for (const r of rows) {
        if (!changed.has(r.id as number)) continue;
        for (const f of d.via) if (typeof r[f] === 'number') ids.add(r[f] as number);
      }
      if (ids.size === 0) continue;
      item = { ids: [...ids] };
    } else {
      item = { field: d.inverse, values: [...changed] };
    }
    // Only once the dependent model has a mirror; its snapshot will read everything anyway.
    await tx`update ods.sync_state set refetch = refetch || ${tx.json([item] as never)}::jsonb
      where model = ${d.model} and phase = 'incremental'`;
  }
}
