import type { Sql } from 'postgres';
import type { Column } from './columns.ts';
import { dependentViewNames, rebuildingDependentViews } from './dependent-views.ts';
import { mirrorColumnTypes, quoteLiteral, type TypeMismatch } from './mirror-table.ts';
import { ident, mirrorTable } from './sql-ident.ts';

/**
 * What became of a mirror column whose field Odoo now describes with another type:
 * - `in-place`: the values convert without loss (integer → float, many2one → many2many), so
 *   the column was altered and keeps them;
 * - `renamed`: they do not, so the old column is kept under `keptAs` with its values and a
 *   fresh column of the new type takes the field's name (to be re-read);
 * - `blocked`: a view reading the column does not fit the new type (dependent-views.ts): the
 *   column is left as it is and the field is not written until a migration adapts the view.
 * `views`: the views and materialized views that were rebuilt on the new column (or blocked it).
 */
export interface Retyped {
  field: string;
  from: string;
  to: Column['sqlType'];
  how: 'in-place' | 'renamed' | 'blocked';
  keptAs?: string;
  views?: string[];
  /** Why it is blocked: Postgres' own words. */
  reason?: string;
}

// Conversions that keep every value: old SQL type → new SQL type → the USING expression.
const LOSSLESS: Record<string, Partial<Record<Column['sqlType'], (c: string) => string>>> = {
  bigint: {
    numeric: (c) => `${c}::numeric`,
    // The mirror holds an empty many2many as an empty array, never NULL.
    'bigint[]': (c) => `case when ${c} is null then '{}'::bigint[] else array[${c}] end`,
  },
};

/** Brings one mismatching column to the field's new type without losing its values. */
export async function retypeColumn(
  sql: Sql,
  table: string,
  { column, have }: TypeMismatch,
  previousOdooType: string | undefined,
  odooVersion: number | null,
): Promise<Retyped> {
  const base = { field: column.name, from: have, to: column.sqlType };
  const t = mirrorTable(table);
  const col = ident(column.name);
  const using = LOSSLESS[have]?.[column.sqlType];
  const keptAs = using
    ? undefined
    : await freeName(sql, table, `${column.name}__was_${previousOdooType ?? tag(have)}`);
  const note = `Odoo's ${column.name} as ${previousOdooType ?? have}, kept when Odoo${
    odooVersion === null ? '' : ` ${odooVersion}`
  } made it ${column.odooType}; no longer synced`;
  try {
    const views = await sql.begin((tx) =>
      rebuildingDependentViews(tx, table, column.name, async () => {
        if (using) {
          await tx.unsafe(
            `alter table ${t} alter column ${col} type ${column.sqlType} using ${using(col)}`,
          );
          return;
        }
        await tx.unsafe(`alter table ${t} rename column ${col} to ${ident(keptAs!)}`);
        await tx.unsafe(`alter table ${t} add column ${col} ${column.sqlType}`);
        await tx.unsafe(`comment on column ${t}.${ident(keptAs!)} is ${quoteLiteral(note)}`);
      }),
    );
    return {
      ...base,
      how: using ? 'in-place' : 'renamed',
      ...(keptAs ? { keptAs } : {}),
      ...(views.length ? { views } : {}),
    };
  } catch (e) {
    const views = await dependentViewNames(sql, table, column.name);
    return { ...base, how: 'blocked', views, reason: (e as Error).message };
  }
}

/** `wanted` (within Postgres' 63 bytes), or with a number appended until no column has it. */
async function freeName(sql: Sql, table: string, wanted: string): Promise<string> {
  const taken = await mirrorColumnTypes(sql, table);
  const fit = (s: string, suffix = '') => s.slice(0, 63 - suffix.length) + suffix;
  if (!taken.has(fit(wanted))) return fit(wanted);
  for (let i = 2; ; i++) if (!taken.has(fit(wanted, `_${i}`))) return fit(wanted, `_${i}`);
}

const tag = (sqlType: string) => sqlType.replace(/\W+/g, '_');
