// One slice of an export, in one transaction: read the next rows as the requester, write them,
// and commit their deflated output part with the job's new position. A worker killed at any
// point leaves the job at its last committed slice; a worker that lost its lease (the token
// changed) cannot commit anything.
import type { Sql } from 'postgres';
import { newWorkbookState, WorkbookSlice, type WorkbookState } from '../xlsx/sliced-workbook.ts';
import { asRequester } from './as-requester.ts';
import { JobLostError } from './errors.ts';
import type { ExportKind, Job, Json, Tx } from './export-kind.ts';

/** What the job's `state` column holds between slices. */
export interface ExportState {
  ctx: Record<string, Json>;
  /** The sheet being written (index in the kind's sheets); = sheets.length when all are. */
  sheet: number;
  cursor: Json | null;
  workbook: WorkbookState;
  /** The next part's number. */
  seq: number;
}

export interface ClaimedJob extends Job {
  token: string;
}

export interface SliceOutcome {
  /** Every sheet is written: the file can be assembled. */
  written: boolean;
  rowsDone: number;
}

/**
 * Writes up to `budget` rows of the kind's sheets from the position in `s` (advanced in place),
 * every read through `read`; returns the rows written. A sheet that ends gets its footer rows
 * and is closed.
 */
export async function writeSheets(
  tx: Tx,
  job: Job,
  kind: ExportKind,
  s: ExportState,
  slice: WorkbookSlice,
  budget: number,
  read: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<number> {
  let written = 0;
  while (written < budget && s.sheet < kind.sheets.length) {
    const plan = kind.sheets[s.sheet];
    slice.use(plan.spec(s.ctx));
    const page = await read(() =>
      plan.page(tx, s.ctx, s.cursor, Math.min(budget - written, 5000), job),
    );
    for (const values of page.rows) slice.add(values);
    written += page.rows.length;
    if (page.next === null) {
      for (const f of plan.footer?.(s.ctx) ?? []) slice.add(f.values, f);
      slice.close();
      s.sheet++;
      s.cursor = null;
    } else {
      s.cursor = page.next;
    }
  }
  return written;
}

export async function writeExportSlice(
  sql: Sql,
  job: ClaimedJob,
  kind: ExportKind,
  rows: number,
  maxSheetRows?: number,
): Promise<SliceOutcome> {
  return sql.begin(async (tx) => {
    const [held] = await tx`select state, rows_done from ods.jobs
      where id = ${job.id} and lock_token = ${job.token} for update`;
    if (!held)
      throw new JobLostError(`job ${job.id}: this worker's lease ended (another took it over)`);
    let state = held.state as ExportState | null;
    let rowsTotal: number | null = null;
    if (!state) {
      const prepared = await asRequester(tx, job, () => kind.prepare(tx, job));
      state = { ctx: prepared.ctx, sheet: 0, cursor: null, workbook: newWorkbookState(), seq: 0 };
      rowsTotal = prepared.rowsTotal;
    }
    const s = state;
    const slice = new WorkbookSlice(s.workbook, maxSheetRows);
    const rowsDone =
      Number(held.rows_done) +
      (await writeSheets(tx, job, kind, s, slice, rows, (read) => asRequester(tx, job, read)));
    for (const piece of slice.finish()) {
      await tx`insert into ods.job_parts (job_id, seq, sheet, data)
               values (${job.id}, ${s.seq++}, ${piece.sheet}, ${piece.data})`;
    }
    await tx`update ods.jobs
                set state = ${tx.json(s as never)}, rows_done = ${rowsDone},
                    rows_total = coalesce(${rowsTotal}::bigint, rows_total), updated_at = now()
              where id = ${job.id}`;
    return { written: s.sheet >= kind.sheets.length, rowsDone };
  });
}
