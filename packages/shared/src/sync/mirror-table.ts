import type { Sql } from 'postgres';
import type { Column } from './columns.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/** A planned column whose mirror column has another type: Odoo changed the field's type. */
export interface TypeMismatch {
  column: Column;
  /** The mirror column's type now (format_type, timestamptz abbreviated). */
  have: string;
}

export interface MirrorShape {
  /** Every column the table has (planned or not, e.g. kept for a field Odoo dropped). */
  existing: Set<string>;
  mismatches: TypeMismatch[];
}

/**
 * Creates odoo.<table> or adds the columns it lacks. Columns are only ever added here: a field
 * that leaves the catalog or Odoo keeps its column, and a changed type is left to the caller
 * (column-retype.ts) rather than failing the model.
 */
export async function ensureMirrorTable(
  sql: Sql,
  model: string,
  table: string,
  columns: readonly Column[],
): Promise<MirrorShape> {
  await sql.unsafe(
    `create table if not exists ${mirrorTable(table)} (
       id bigint primary key,
       _synced_at timestamptz not null default now()
     )`,
  );
  await sql.unsafe(
    `comment on table ${mirrorTable(table)} is ${quoteLiteral(`Mirror of Odoo's ${model}`)}`,
  );
  const types = await mirrorColumnTypes(sql, table);
  const adds: string[] = [];
  const mismatches: TypeMismatch[] = [];
  for (const c of columns) {
    const have = types.get(c.name);
    if (have === undefined) adds.push(`add column ${ident(c.name)} ${c.sqlType}`);
    else if (have !== c.sqlType) mismatches.push({ column: c, have });
  }
  if (adds.length) await sql.unsafe(`alter table ${mirrorTable(table)} ${adds.join(', ')}`);
  return { existing: new Set([...types.keys(), ...columns.map((c) => c.name)]), mismatches };
}

/** The mirror table's columns and their types. */
export async function mirrorColumnTypes(sql: Sql, table: string): Promise<Map<string, string>> {
  const existing = await sql<{ name: string; type: string }[]>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a
     where a.attrelid = ${`odoo.${ident(table)}`}::regclass and a.attnum > 0 and not a.attisdropped`;
  return new Map(existing.map((c) => [c.name, normalise(c.type)]));
}

function normalise(pgType: string): string {
  if (pgType === 'timestamp with time zone') return 'timestamptz';
  return pgType;
}

export function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
