import type { TransactionSql } from 'postgres';
import type { Column } from './columns.ts';
import { fetchCompanyValues, writeCompanyValues } from './company-fields.ts';
import { encodePage, type JsonPage } from './convert.ts';
import { type ModelRun, readFields, request } from './engine-context.ts';
import { writePageWithDependents } from './page-commit.ts';
import { PAGE_HEADROOM_MS } from './page-pipeline.ts';
import { resync } from './reconcile-step.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/**
 * A keyset re-read over the whole model (or one month of it), resumed page by page across
 * invocations: `backfill` fills columns that appeared after the rows were copied (only those
 * columns are written); `verify` re-reads every record of a month verification found different
 * (values Odoo changed without bumping write_date) and removes what Odoo no longer has there;
 * `upgrade` does the same over the whole model once Odoo's major version changed (its upgrade
 * scripts rewrite values without bumping write_date).
 */
export type Reread =
  | { reason: 'backfill'; fields: string[]; after: number }
  | { reason: 'verify'; period: string; after: number }
  | { reason: 'upgrade'; from: number; to: number; after: number };

/** Queues a re-read unless the same one is already queued. */
export async function queueReread(
  sql: ModelRun['sql'],
  model: string,
  item: Reread,
): Promise<void> {
  await sql`update ods.sync_state set rereads = rereads || ${sql.json([item] as never)}::jsonb
    where model = ${model}
      and not exists (select 1 from jsonb_array_elements(rereads) r
                       where r - 'after' = ${sql.json(item as never)}::jsonb - 'after')`;
}

/**
 * Queues the whole-model re-read after an upgrade from `from` to `to`, in place of any pending
 * upgrade re-read (it restarts from the first id) or backfill (it reads every column anyway).
 */
export async function queueUpgradeReread(
  sql: ModelRun['sql'],
  model: string,
  from: number,
  to: number,
): Promise<void> {
  const item: Reread = { reason: 'upgrade', from, to, after: 0 };
  await sql`update ods.sync_state set rereads = coalesce(
      (select jsonb_agg(r order by n) from jsonb_array_elements(rereads) with ordinality x(r, n)
        where r->>'reason' not in ('upgrade', 'backfill')), '[]'::jsonb)
      || ${sql.json([item] as never)}::jsonb
    where model = ${model}`;
}

/** Works through the queued re-reads within the budget; true when none is left. */
export async function rereadQueued(run: ModelRun): Promise<boolean> {
  const { sql, entry } = run;
  for (;;) {
    await run.yieldLock?.();
    const [row] = await sql`select rereads from ods.sync_state where model = ${entry.model}`;
    const queue = (row?.rereads ?? []) as Reread[];
    if (queue.length === 0) return true;
    if (!run.budget.allows(PAGE_HEADROOM_MS)) return false;
    const item = queue[0];
    const columns =
      item.reason === 'backfill'
        ? run.columns.filter((c) => c.name === 'id' || item.fields.includes(c.name))
        : run.columns;
    const perCompany =
      item.reason === 'backfill'
        ? run.companyColumns.filter((c) => item.fields.includes(c.name))
        : run.companyColumns;
    // A backfill of per-company fields alone still lists the records: by one small field.
    const fields = readFields(columns.length > 1 ? columns : run.columns).slice(
      0,
      columns.length > 1 ? undefined : 1,
    );
    const period = item.reason === 'verify' ? periodFilter(run, item.period) : NO_FILTER;
    const limit = run.pageSize.current;
    const records = await request(run, () =>
      run.odoo.searchRead(
        entry.model,
        [...entry.domain, ...period.domain, ['id', '>', item.after]],
        fields,
        { limit, order: 'id asc', context: run.context },
      ),
    );
    run.report.fetched += records.length;
    run.budget.spend(records.length);
    const finished = records.length < limit;
    const last = finished ? Number.MAX_SAFE_INTEGER : (records[records.length - 1].id as number);
    if (item.reason !== 'backfill') {
      // Mirror records of the month that Odoo did not list there: deleted, or moved to another
      // month (then read again and kept).
      const listed = new Set(records.map((r) => r.id as number));
      const local = await sql.unsafe<{ id: string }[]>(
        `select id from ${mirrorTable(run.table)} where ${period.where} and id > $${period.params.length + 1}
           and id <= $${period.params.length + 2}`,
        [...period.params, item.after, last] as never[],
      );
      const stray = local.map((r) => Number(r.id)).filter((id) => !listed.has(id));
      if (stray.length) await resync(run, [], stray, true);
    }
    const page = encodePage(entry.model, columns, records, true);
    page.companies = await fetchCompanyValues(run, page.ids, perCompany);
    await sql.begin(async (tx) => {
      if (item.reason === 'backfill') {
        run.report.upserted += await updateColumns(tx, run.table, columns, page);
        if (perCompany.length) {
          const n = await writeCompanyValues(tx, run, page);
          run.report.companyRows = (run.report.companyRows ?? 0) + n;
        }
      } else {
        const w = await writePageWithDependents(tx, run, page, entry.dependents);
        run.report.upserted += w.inserted + w.updated;
        run.report.unchanged += page.count - w.inserted - w.updated;
        await tx`update ods.sync_state set rows = rows + ${w.inserted} where model = ${entry.model}`;
      }
      const [{ rereads }] =
        await tx`select rereads from ods.sync_state where model = ${entry.model} for update`;
      const rest = (rereads as Reread[]).slice(1);
      const next = finished ? rest : [{ ...item, after: last }, ...rest];
      await tx`update ods.sync_state set rereads = ${tx.json(next as never)}, updated_at = now()
        where model = ${entry.model}`;
    });
    run.report.cursor = `${item.reason}${item.reason === 'verify' ? ` ${item.period}` : ''} id>${finished ? '∞' : last}`;
    if (finished && item.reason === 'backfill') {
      run.log?.(`[${entry.model}] backfilled ${item.fields.join(', ')}`);
    } else if (finished && item.reason === 'upgrade') {
      run.log?.(`[${entry.model}] re-read after the upgrade to Odoo ${item.to}`);
    }
  }
}

/** Writes only these columns of rows the mirror already has; returns how many changed. */
async function updateColumns(
  tx: TransactionSql,
  table: string,
  columns: readonly Column[],
  page: JsonPage,
): Promise<number> {
  const data = columns.filter((c) => c.name !== 'id').map((c) => ident(c.name));
  if (page.count === 0 || data.length === 0) return 0;
  const defs = columns.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ');
  const [{ n }] = await tx.unsafe<{ n: string }[]>(
    `with src as (select * from json_to_recordset($1::text::json) as r(${defs})),
     up as (
       update ${mirrorTable(table)} t set ${data.map((c) => `${c} = src.${c}`).join(', ')},
              _synced_at = clock_timestamp()
         from src
        where t.id = src.id
          and (${data.map((c) => `t.${c}`).join(', ')}, null) is distinct from (${data.map((c) => `src.${c}`).join(', ')}, null)
       returning 1)
     select count(*) as n from up`,
    [page.json],
  );
  return Number(n);
}

interface PeriodFilter {
  domain: unknown[];
  where: string;
  params: unknown[];
}

const NO_FILTER: PeriodFilter = { domain: [], where: 'true', params: [] };

/** The records of one verification period ('YYYY-MM', 'none' or 'all'), in Odoo and here. */
export function periodFilter(run: Pick<ModelRun, 'entry'>, period: string): PeriodFilter {
  const dateField = run.entry.verifyDateField;
  if (!dateField || period === 'all') return NO_FILTER;
  if (period === 'none') {
    return { domain: [[dateField, '=', false]], where: `${ident(dateField)} is null`, params: [] };
  }
  const [y, m] = period.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const [from, to] = [`${period}-01`, `${next}-01`];
  return {
    domain: [
      [dateField, '>=', from],
      [dateField, '<', to],
    ],
    where: `${ident(dateField)} >= $1 and ${ident(dateField)} < $2`,
    params: [from, to],
  };
}
