import type { Sql } from 'postgres';
import type { CatalogEntry } from './catalog.ts';
import type { Column } from './columns.ts';
import { companionTable } from './company-fields.ts';
import type { ModelRun } from './engine-context.ts';
import { SyncError } from './errors.ts';
import type { ModelState } from './model-state.ts';
import { queueReread } from './reread-step.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/** Raised when Odoo changed a per-company field's type; the column must be migrated by a person. */
export class CompanyColumnTypeChangedError extends SyncError {}

/**
 * Creates odoo.<table>__company, the per-company values of a model's company-dependent fields
 * (one row per record and company that sees it), or adds the columns it lacks. Its rows go
 * with their record: every deletion of mirror rows (writePageAndDeletions: reconciliation,
 * sweep, re-reads) deletes theirs. No foreign key: a mirror table stays truncatable alone.
 */
export async function ensureCompanionTable(
  sql: Sql,
  model: string,
  table: string,
  columns: readonly Column[],
): Promise<void> {
  const name = companionTable(table);
  if (new TextEncoder().encode(name).length > 63) {
    throw new SyncError(
      `${model}: the table of its per-company values, ${name}, is longer than Postgres' 63 bytes`,
      { model },
    );
  }
  await sql.unsafe(
    `create table if not exists ${mirrorTable(name)} (
       id bigint not null,
       company_id bigint not null,
       _synced_at timestamptz not null default now(),
       primary key (id, company_id)
     )`,
  );
  const existing = await sql<{ name: string; type: string }[]>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a
     where a.attrelid = ${`odoo.${ident(name)}`}::regclass and a.attnum > 0 and not a.attisdropped`;
  const types = new Map(
    existing.map((c) => [c.name, c.type.replace('timestamp with time zone', 'timestamptz')]),
  );
  const adds: string[] = [];
  for (const c of columns) {
    const have = types.get(c.name);
    if (have === undefined) adds.push(`add column ${ident(c.name)} ${c.sqlType}`);
    else if (have !== c.sqlType) {
      throw new CompanyColumnTypeChangedError(
        `${model}.${c.name} (per company) is ${c.odooType} in Odoo now (${c.sqlType}) but odoo.${name}.${c.name} is ${have}; ` +
          'migrate or drop the column, then run again',
        { model },
      );
    }
  }
  if (adds.length) await sql.unsafe(`alter table ${mirrorTable(name)} ${adds.join(', ')}`);
}

/**
 * Takes a model's per-company columns as fields_get now describes them: the companion table
 * follows, a field that became per company after rows were copied is backfilled, and the
 * columns are recorded on the model's state.
 */
export async function applyCompanyColumns(
  run: Pick<ModelRun, 'sql' | 'log'>,
  entry: CatalogEntry,
  state: ModelState,
  table: string,
  perCompany: Column[],
): Promise<void> {
  if (perCompany.length) await ensureCompanionTable(run.sql, entry.model, table, perCompany);
  const before = new Set(state.companyColumns.map((c) => c.name));
  const added = perCompany.filter((c) => !before.has(c.name)).map((c) => c.name);
  const copied = state.phase === 'incremental' || state.snapshotCursor > 0;
  if (added.length && copied) {
    run.log?.(`[${entry.model}] per-company field(s) ${added.join(', ')}: backfilling`);
    await queueReread(run.sql, entry.model, { reason: 'backfill', fields: added, after: 0 });
  }
  await run.sql`update ods.sync_state set company_columns = ${run.sql.json(perCompany as never)}
    where model = ${entry.model}`;
  state.companyColumns = perCompany;
}
