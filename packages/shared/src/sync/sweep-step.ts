import { sweepCompanyValues } from './company-fields.ts';
import { parseOdooDatetime } from './convert.ts';
import { type ModelRun, request } from './engine-context.ts';
import { PAGE_HEADROOM_MS } from './page-pipeline.ts';
import { resync } from './reconcile-step.ts';
import { mirrorTable } from './sql-ident.ts';

/** Ids per sweep request: only (id, write_date) travel, so pages are twice the catalog's. */
const sweepPage = (run: ModelRun) => Math.min(10_000, Math.max(100, run.entry.pageSize * 2));

/**
 * The rolling content sweep (DESIGN §4 rule 11): per id range, Odoo's (id, write_date) pairs
 * against the mirror's. It catches what the window and the counts cannot — an update committed
 * by a transaction older than the overlap (its write_date differs from the mirror's), and a
 * deletion cancelled out by a missed create in the same id range — and repairs exactly those
 * records. One cycle walks every id once; the cursor is saved after every page, so a slice that
 * runs out of budget (or is killed) resumes where it stopped.
 *
 * `cycleFrom`: run a whole cycle begun no earlier than then (the CLI: every id, once, in this
 * pass). Otherwise the cycle is paced over the configured period: each invocation sweeps up to
 * the share of ids the elapsed share of the period asks for.
 * Returns whether the sweep has nothing left to do in this invocation.
 */
export async function sweep(run: ModelRun, cycleFrom: Date | null): Promise<boolean> {
  const { sql, entry, table } = run;
  const [s] = await sql`select sweep_cursor, sweep_started_at, last_swept_at from ods.sync_state
    where model = ${entry.model}`;
  if (cycleFrom && s.last_swept_at && s.last_swept_at >= cycleFrom) return true;
  let cursor = Number(s.sweep_cursor);
  let startedAt: Date | null = s.sweep_started_at;
  // A pass that asks for a whole cycle does not take over one begun before it (its earlier ids
  // were swept before the pass began).
  if (!startedAt || (cycleFrom && startedAt < cycleFrom)) {
    startedAt = new Date();
    await sql`update ods.sync_state set sweep_started_at = ${startedAt}, sweep_cursor = 0
      where model = ${entry.model}`;
    cursor = 0;
  }
  const target = cycleFrom ? Number.POSITIVE_INFINITY : await pacedTarget(run, startedAt);
  const hasWriteDate = run.columns.some((c) => c.name === 'write_date');
  const limit = sweepPage(run);
  while (cursor < target) {
    if (!run.budget.allows(PAGE_HEADROOM_MS)) return false;
    await run.yieldLock?.();
    const remote = await request(run, () =>
      run.odoo.searchRead(
        entry.model,
        [...entry.domain, ['id', '>', cursor]],
        hasWriteDate ? ['write_date'] : [],
        { limit, order: 'id asc', context: run.context },
      ),
    );
    run.budget.spend(Math.ceil(remote.length / 10)); // ids and dates: a tenth of a record
    const end = remote.length < limit;
    const last = end ? Number.MAX_SAFE_INTEGER : (remote[remote.length - 1].id as number);
    const local = await sql.unsafe<{ id: string; write_date: Date | null }[]>(
      `select id, ${hasWriteDate ? 'write_date' : 'null::timestamptz as write_date'}
         from ${mirrorTable(table)} where id > $1 and id <= $2`,
      [cursor, last],
    );
    const mirrored = new Map(local.map((r) => [Number(r.id), r.write_date]));
    const toRead: number[] = [];
    for (const r of remote) {
      const id = r.id as number;
      const theirs = typeof r.write_date === 'string' ? parseOdooDatetime(r.write_date) : null;
      const ours = mirrored.get(id);
      mirrored.delete(id);
      if (ours === undefined || (hasWriteDate && ours?.getTime() !== theirs?.getTime())) {
        toRead.push(id);
      }
    }
    // Left in `mirrored`: ids Odoo did not list in this range (deleted, or out of the domain).
    const toDelete = [...mirrored.keys()];
    // Per-company values of the records not re-read below (those come with their re-read).
    const rereading = new Set(toRead);
    const valuesFixed = await sweepCompanyValues(
      run,
      remote.map((r) => r.id as number).filter((id) => !rereading.has(id)),
    );
    if (toRead.length || toDelete.length || valuesFixed) {
      const before = run.report.upserted + run.report.deleted;
      if (toRead.length || toDelete.length) await resync(run, toRead, toDelete, true);
      const repaired = run.report.upserted + run.report.deleted - before + valuesFixed;
      run.report.swept = (run.report.swept ?? 0) + repaired;
      if (repaired) {
        run.log?.(
          `[${entry.model}] sweep ids ${cursor + 1}..${end ? '∞' : last}: ${repaired} record(s) repaired`,
        );
      }
      await sql`update ods.sync_state set sweep_repaired = sweep_repaired + ${repaired}
        where model = ${entry.model}`;
    }
    cursor = end ? 0 : last;
    if (end) {
      // A cycle is complete: the next one starts now and is paced from here.
      await sql`update ods.sync_state set sweep_cursor = 0, sweep_started_at = now(),
        last_swept_at = now(), updated_at = now() where model = ${entry.model}`;
      return true;
    }
    await sql`update ods.sync_state set sweep_cursor = ${cursor}, updated_at = now()
      where model = ${entry.model}`;
    run.report.cursor = `sweep id>${cursor}`;
  }
  return true;
}

/** How far this invocation should sweep: the elapsed share of the period, in mirror ids. */
async function pacedTarget(run: ModelRun, startedAt: Date): Promise<number> {
  const periodMs = run.config.sweepHours * 3_600_000;
  const share = (Date.now() - startedAt.getTime()) / periodMs;
  if (share >= 1) return Number.POSITIVE_INFINITY;
  const [{ max }] = await run.sql.unsafe<{ max: string | null }[]>(
    `select max(id) as max from ${mirrorTable(run.table)}`,
  );
  return Math.floor(share * Number(max ?? 0));
}
