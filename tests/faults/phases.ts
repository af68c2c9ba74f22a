import { expect } from 'vitest';
import type { SyncMode } from '../../packages/shared/src/sync/run-slice.ts';
import type { SyncHarness } from '../sync/harness.ts';

/** The model every cell works on: dated and summed (verify), changed by users, deletable. */
export const MODEL = 'account.move';
const TABLE = 'odoo.account_move';

/**
 * A phase of the engine and the drift only it repairs: a cell puts that drift in the copy, then
 * runs the phase under a fault, so "converged" afterwards proves the phase itself did the work.
 */
export interface Phase {
  name: 'snapshot' | 'incremental' | 'reconcile' | 'verify';
  /** The run mode that executes the phase (the content sweep runs inside 'reconcile'). */
  mode: SyncMode;
  prepare(h: SyncHarness): Promise<void>;
}

let edits = 0;

/** Ids of mirrored rows Odoo last wrote long ago (outside any incremental window). */
async function oldRows(h: SyncHarness, n: number, where = 'true'): Promise<number[]> {
  const rows = await h.sql.unsafe(
    `select id from ${TABLE} where write_date < now() - interval '1 hour' and date is not null
       and ${where}
     order by md5(id::text || $1) limit $2`,
    [String(++edits), n],
  );
  return rows.map((r) => Number(r.id));
}

/** Removes mirrored rows behind the engine's back, keeping its row count honest. */
async function loseLocally(h: SyncHarness, ids: number[]): Promise<void> {
  await h.sql.begin(async (tx) => {
    const gone = await tx.unsafe(`delete from ${TABLE} where id = any($1) returning id`, [ids]);
    await tx`update ods.sync_state set rows = rows - ${gone.length} where model = ${MODEL}`;
  });
}

// Adding a phase is one entry here; every fault picks it up.
export const PHASES: Phase[] = [
  {
    // Resumes a snapshot half done: the upper half of the ids is still to copy.
    name: 'snapshot',
    mode: 'sync',
    async prepare(h) {
      const [{ mid }] = await h.sql.unsafe(
        `select percentile_disc(0.5) within group (order by id) as mid from ${TABLE}`,
      );
      await h.sql.begin(async (tx) => {
        await tx.unsafe(`delete from ${TABLE} where id > $1`, [mid]);
        await tx.unsafe(
          `update ods.sync_state set phase = 'snapshot', snapshot_started_at = now(),
             snapshot_cursor = $2, snapshot_done_at = null, window_since = null, window_cursor = 0,
             window_max_seen = null, rows = (select count(*) from ${TABLE})
           where model = $1`,
          [MODEL, mid],
        );
      });
    },
  },
  {
    // Users edit documents: only the incremental window brings the edits.
    name: 'incremental',
    mode: 'sync',
    async prepare(h) {
      const ids = await oldRows(h, 3);
      h.sim.control.update(MODEL, ids, { ref: `fault-matrix edit ${++edits}` });
    },
  },
  {
    // Odoo deletes documents (no trace left) and a row went missing from the copy: only the
    // id-range reconciliation finds either. Unpaid invoices: deleting them changes no other
    // document (un-reconciling is a case of its own). Two deletions for one loss, so the
    // counts never cancel out (that case is the content sweep's, with tests of its own).
    name: 'reconcile',
    mode: 'reconcile',
    async prepare(h) {
      const [{ top }] = await h.sql.unsafe(`select max(id) as top from ${TABLE}`);
      const rows = await h.sql.unsafe(
        `select id from ${TABLE} where payment_state = 'not_paid' and id < $1
           and move_type in ('out_invoice', 'in_invoice', 'out_refund', 'in_refund')
         order by md5(id::text || $2) limit 2`,
        [top, String(++edits)],
      );
      expect(rows, 'unpaid invoices left to delete').toHaveLength(2);
      h.sim.control.delete(
        MODEL,
        rows.map((r) => Number(r.id)),
        { force: true },
      );
      await loseLocally(h, [Number(top)]);
    },
  },
  {
    // The copy lost a row and holds a wrong amount: only the per-month totals show it.
    name: 'verify',
    mode: 'verify',
    async prepare(h) {
      const [lost, wrong] = await oldRows(h, 2);
      await loseLocally(h, [lost]);
      await h.sql.unsafe(
        `update ${TABLE} set amount_total_signed = amount_total_signed + 1 where id = $1`,
        [wrong],
      );
    },
  },
];
