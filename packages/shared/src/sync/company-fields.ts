// Company-dependent fields (DESIGN §4 rule 10): Odoo computes them for env.company, the first
// of allowed_company_ids, so one read under every synced company at once would give the
// default company's value for every record. They are read again once per synced company, with
// that company alone in the context, and kept per (record, company) in odoo.<table>__company.
// The values of a page are read before its transaction and written in it, with the page: every
// path that writes mirror rows goes through writePageWithDependents, which refuses a page
// without them, so no path can leave the companion table behind.
import type { TransactionSql } from 'postgres';
import type { Column } from './columns.ts';
import type { PageFacts } from './convert.ts';
import { encodePage, recordList } from './convert.ts';
import { type ModelRun, request } from './engine-context.ts';
import { SyncError } from './errors.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/** A page's per-company values, as the JSON json_to_recordset reads (id, company_id, fields). */
export interface CompanyPage {
  json: string;
  count: number;
  /** The records they were read for (the page's, or those of it that changed). */
  ids: number[];
  /** The columns the values are for (a backfill may carry only some). */
  columns: Column[];
}

/** `account_account` → `account_account__company`. */
export const companionTable = (table: string) => `${table}__company`;

const KEY: Column[] = [
  { name: 'id', odooType: 'integer', sqlType: 'bigint' },
  { name: 'company_id', odooType: 'many2one', sqlType: 'bigint' },
];

type Reading = Pick<
  ModelRun,
  'odoo' | 'entry' | 'context' | 'companyColumns' | 'budget' | 'limiter' | 'report' | 'log'
>;

/**
 * Reads the per-company values of `ids`: one search_read per synced company, that company
 * alone in allowed_company_ids (so it is env.company). A company that does not see a record
 * returns no row for it. Undefined when the model has no per-company field.
 */
export async function fetchCompanyValues(
  run: Reading,
  ids: readonly number[],
  columns: Column[] = run.companyColumns,
): Promise<CompanyPage | undefined> {
  if (columns.length === 0) return undefined;
  const model = run.entry.model;
  const fields = columns.map((c) => c.name);
  const rows: Record<string, unknown>[] = [];
  if (ids.length) {
    for (const company of run.context.allowed_company_ids ?? []) {
      const records = recordList(
        model,
        await request(run, () =>
          run.odoo.searchRead(model, [['id', 'in', [...ids]]], fields, {
            limit: 0,
            order: 'id asc',
            context: { ...run.context, allowed_company_ids: [company] },
          }),
        ),
      );
      for (const r of records) rows.push({ ...r, company_id: company });
    }
  }
  const page = encodePage(model, [...KEY, ...columns], rows);
  return { json: page.json, count: page.count, ids: [...ids], columns };
}

/**
 * The ids of fetched records whose per-company values must be read: those the mirror lacks or
 * holds with other values, and those dated in or after the second `unsettledFrom` (when the
 * last read began). Odoo writes a company-dependent value through its record (its write_date
 * moves), so the unchanged rows an incremental window re-reads cost no request — unless the
 * move stayed inside the second they were read in, which whole-second write_dates cannot show.
 */
export async function changedRecordIds(
  run: Pick<ModelRun, 'sql' | 'table' | 'columns' | 'entry'>,
  records: readonly Record<string, unknown>[],
  unsettledFrom: Date | null = null,
): Promise<number[]> {
  let page: ReturnType<typeof encodePage>;
  try {
    page = encodePage(run.entry.model, run.columns, records);
  } catch {
    return []; // the page itself is refused when prepared
  }
  if (page.count === 0) return [];
  const cols = run.columns.filter((c) => c.name !== 'id').map((c) => ident(c.name));
  const defs = run.columns.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ');
  const differs = cols.length
    ? `(${cols.map((n) => `t.${n}`).join(', ')}) is distinct from (${cols.map((n) => `src.${n}`).join(', ')})`
    : 'false';
  const unsettled =
    unsettledFrom && run.columns.some((c) => c.name === 'write_date')
      ? `or src.write_date >= date_trunc('second', $2::timestamptz)`
      : '';
  const rows = await run.sql.unsafe<{ id: string }[]>(
    `select src.id from json_to_recordset($1::text::json) as src(${defs})
       left join ${mirrorTable(run.table)} t on t.id = src.id
      where t.id is null or ${differs} ${unsettled}`,
    unsettled ? [page.json, unsettledFrom as Date] : [page.json],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The content sweep's part (DESIGN §4 rule 11): the per-company values of `ids` read again and
 * repaired where they differ. Odoo can change them without a new write_date on the record (a
 * company's default property before 18 lives in ir.property); returns the rows repaired.
 */
export async function sweepCompanyValues(run: ModelRun, ids: number[]): Promise<number> {
  if (run.companyColumns.length === 0 || ids.length === 0) return 0;
  const companies = await fetchCompanyValues(run, ids);
  const page: PageFacts = { count: ids.length, ids, maxWriteDate: null, rows: null, companies };
  const n = await run.sql.begin((tx) => writeCompanyValues(tx, run, page));
  if (n) run.report.companyRows = (run.report.companyRows ?? 0) + n;
  return n;
}

/** Deletes the per-company rows of records deleted from the mirror, in `tx`. */
export async function deleteCompanyValues(
  tx: TransactionSql,
  table: string,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  const companion = `odoo.${ident(companionTable(table))}`;
  const [{ present }] = await tx<{ present: boolean }[]>`
    select to_regclass(${companion}) is not null as present`;
  if (present) {
    await tx.unsafe(`delete from ${companion} where id = any($1::bigint[])`, [ids as number[]]);
  }
}

/** The page with its per-company values read from Odoo (none needed: the page as it is). */
export async function withCompanyValues<P extends PageFacts>(run: Reading, page: P): Promise<P> {
  page.companies = await fetchCompanyValues(run, page.ids);
  return page;
}

/**
 * Writes a page's per-company values in `tx`, after its mirror rows: upserts what each company
 * returned (unchanged rows untouched) and removes the companion rows of the page's records for
 * companies that no longer see them. Rows of records the mirror lacks are not written (a
 * backfill updates only records already copied). Returns how many rows changed.
 */
export async function writeCompanyValues(
  tx: TransactionSql,
  run: Pick<ModelRun, 'table' | 'companyColumns' | 'entry'>,
  page: PageFacts,
): Promise<number> {
  if (run.companyColumns.length === 0) return 0;
  const values = page.companies;
  if (!values) {
    throw new SyncError(
      `${run.entry.model}: a page came without its per-company values; nothing written`,
      { model: run.entry.model },
    );
  }
  if (values.ids.length === 0) return 0;
  const table = mirrorTable(companionTable(run.table));
  const cols = values.columns.map((c) => ident(c.name));
  const defs = [...KEY, ...values.columns].map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ');
  const changed = cols.length
    ? `where (${cols.map((n) => `t.${n}`).join(', ')}) is distinct from (${cols.map((n) => `excluded.${n}`).join(', ')})`
    : 'where false';
  const [{ n }] = await tx.unsafe<{ n: string }[]>(
    `with src as (select * from json_to_recordset($1::text::json) as r(${defs})),
     gone as (
       delete from ${table} t where t.id = any($2::bigint[])
          and not exists (select 1 from src where src.id = t.id and src.company_id = t.company_id)
       returning 1),
     up as (
       insert into ${table} as t (id, company_id${cols.map((c) => `, ${c}`).join('')}, _synced_at)
       select src.id, src.company_id${cols.map((c) => `, src.${c}`).join('')}, clock_timestamp()
         from src where exists (select 1 from ${mirrorTable(run.table)} m where m.id = src.id)
       on conflict (id, company_id) do update
         set ${[...cols.map((c) => `${c} = excluded.${c}`), '_synced_at = excluded._synced_at'].join(', ')}
         ${changed}
       returning 1)
     select (select count(*) from gone) + (select count(*) from up) as n`,
    [values.json, values.ids],
  );
  return Number(n);
}
