import { needsRows } from './catalog.ts';
import { withCompanyValues } from './company-fields.ts';
import { encodePage } from './convert.ts';
import { type ModelRun, readFields, request } from './engine-context.ts';
import { writePageAndDeletions } from './page-commit.ts';
import { PAGE_HEADROOM_MS } from './page-pipeline.ts';
import { mirrorTable } from './sql-ident.ts';

/** Below this many ids a range is listed outright instead of being split further. */
const LEAF_SPAN = 2_000;
const FAN_OUT = 8;

/**
 * Deletions (rule 4): compare local and Odoo counts per id range, split only the ranges that
 * differ, and in a small differing range list the ids on both sides: local ids Odoo no longer
 * has are deleted (and audited); Odoo ids the mirror lacks are read and inserted. Requests grow
 * with the number of differing ranges, not with the table: one deletion among 1,000,000 rows
 * costs the greatest id, 1 + 8 × 3 counts and one id listing.
 */
export async function reconcile(run: ModelRun): Promise<boolean> {
  const { sql, entry, table } = run;
  const [state] =
    await sql`select reconcile_stack from ods.sync_state where model = ${entry.model}`;
  // Ranges a previous slice had no budget left for: resumed, not started over.
  let stack = state?.reconcile_stack as Array<[number, number]> | null;
  if (!stack) {
    const [{ max }] = await sql.unsafe<{ max: string | null }[]>(
      `select max(id) as max from ${mirrorTable(table)}`,
    );
    if (max === null) {
      // Empty mirror: anything Odoo has is the incremental sync's business, not a deletion.
      return true;
    }
    // Up to Odoo's greatest id too: a record created by a transaction that committed after the
    // overlap window passed has an id above ours and would otherwise never be compared.
    const [remoteMax = 0] = await request(run, () =>
      run.odoo.search(entry.model, entry.domain, {
        order: 'id desc',
        limit: 1,
        context: run.context,
      }),
    );
    stack = [[0, Math.max(Number(max), remoteMax) + 1]];
  }
  while (stack.length) {
    if (!run.budget.allows(PAGE_HEADROOM_MS)) {
      await sql`update ods.sync_state set reconcile_stack = ${sql.json(stack)}
        where model = ${entry.model}`;
      return false;
    }
    await run.yieldLock?.();
    const [from, to] = stack.pop()!;
    const idRange = [
      ['id', '>=', from],
      ['id', '<', to],
    ];
    const remote = await request(run, () =>
      run.odoo.searchCount(entry.model, [...entry.domain, ...idRange], run.context),
    );
    const [{ local }] = await sql.unsafe<{ local: string }[]>(
      `select count(*) as local from ${mirrorTable(table)} where id >= $1 and id < $2`,
      [from, to],
    );
    if (Number(local) === remote) continue;
    if (to - from <= LEAF_SPAN) {
      await repairRange(run, from, to);
      continue;
    }
    const step = Math.ceil((to - from) / FAN_OUT);
    for (let a = to - step; a > from - step; a -= step)
      stack.push([Math.max(from, a), Math.min(to, a + step)]);
  }
  await sql`update ods.sync_state set reconcile_stack = null where model = ${entry.model}`;
  return true;
}

/** Makes the mirror hold exactly Odoo's ids in [from, to). */
export async function repairRange(run: ModelRun, from: number, to: number): Promise<void> {
  const { sql, entry, table } = run;
  const remoteIds = await request(run, () =>
    run.odoo.search(entry.model, [...entry.domain, ['id', '>=', from], ['id', '<', to]], {
      order: 'id asc',
      context: run.context,
    }),
  );
  const rows = await sql.unsafe<{ id: string }[]>(
    `select id from ${mirrorTable(table)} where id >= $1 and id < $2`,
    [from, to],
  );
  await applyIdDiff(
    run,
    remoteIds,
    rows.map((r) => Number(r.id)),
  );
}

/** Deletes local ids Odoo lacks and reads Odoo ids the mirror lacks. */
export async function applyIdDiff(
  run: ModelRun,
  remoteIds: number[],
  localIds: number[],
): Promise<void> {
  const remote = new Set(remoteIds);
  const local = new Set(localIds);
  await resync(
    run,
    remoteIds.filter((id) => !local.has(id)),
    localIds.filter((id) => !remote.has(id)),
  );
}

/**
 * Reads `toRead` and upserts them; deletes `toDelete` (audited). With `confirm`, a delete
 * candidate is read too and kept if Odoo still returns it (it only left the range asked about).
 * One transaction per chunk of a page size.
 */
export async function resync(
  run: ModelRun,
  toRead: number[],
  toDelete: number[],
  confirm = false,
): Promise<void> {
  const { sql, entry, columns } = run;
  const chunk = run.pageSize.current;
  const ids = confirm ? [...toRead, ...toDelete] : toRead;
  const deleting = new Set(toDelete);
  for (let i = 0; i === 0 || i < ids.length; i += chunk) {
    const part = ids.slice(i, i + chunk);
    const records = part.length
      ? await request(run, () => run.odoo.read(entry.model, part, readFields(columns), run.context))
      : [];
    run.report.fetched += records.length;
    run.budget.spend(records.length);
    const page = await withCompanyValues(
      run,
      encodePage(entry.model, columns, records, needsRows(entry.dependents)),
    );
    for (const id of page.ids) deleting.delete(id);
    const last = i + chunk >= ids.length;
    const gone = last ? [...deleting] : [];
    await sql.begin(async (tx) => {
      const { written: w, deleted } = await writePageAndDeletions(tx, run, page, gone);
      await tx`update ods.sync_state set rows = rows + ${w.inserted} - ${deleted}, updated_at = now()
        where model = ${entry.model}`;
      run.report.deleted += deleted;
      run.report.upserted += w.inserted + w.updated;
      run.report.unchanged += page.count - w.inserted - w.updated;
      run.state.rows += w.inserted - deleted;
    });
  }
}
