import type { Sql } from 'postgres';
import type { Column } from './columns.ts';
import { SyncError } from './errors.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/** Raised when Odoo changed a field's type; the column must be migrated by a person. */
export class ColumnTypeChangedError extends SyncError {}

/**
 * Creates odoo.<table> or adds the columns it lacks. Columns are only ever added: a field that
 * leaves the catalog keeps its column (and its last values) rather than losing data silently.
 */
export async function ensureMirrorTable(
  sql: Sql,
  model: string,
  table: string,
  columns: readonly Column[],
) {
  await sql.unsafe(
    `create table if not exists ${mirrorTable(table)} (
       id bigint primary key,
       _synced_at timestamptz not null default now()
     )`,
  );
  await sql.unsafe(
    `comment on table ${mirrorTable(table)} is ${quoteLiteral(`Mirror of Odoo's ${model}`)}`,
  );
  const existing = await sql<{ name: string; type: string }[]>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a
     where a.attrelid = ${`odoo.${ident(table)}`}::regclass and a.attnum > 0 and not a.attisdropped`;
  const types = new Map(existing.map((c) => [c.name, normalise(c.type)]));
  const adds: string[] = [];
  for (const c of columns) {
    const have = types.get(c.name);
    if (have === undefined) adds.push(`add column ${ident(c.name)} ${c.sqlType}`);
    else if (have !== c.sqlType) {
      throw new ColumnTypeChangedError(
        `${model}.${c.name} is ${c.odooType} in Odoo now (${c.sqlType}) but odoo.${table}.${c.name} is ${have}; ` +
          'migrate or drop the column, then run again',
        { model },
      );
    }
  }
  if (adds.length) await sql.unsafe(`alter table ${mirrorTable(table)} ${adds.join(', ')}`);
}

function normalise(pgType: string): string {
  if (pgType === 'timestamp with time zone') return 'timestamptz';
  return pgType;
}

function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
