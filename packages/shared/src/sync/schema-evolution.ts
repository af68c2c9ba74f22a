import type { Sql } from 'postgres';
import { type Retyped, retypeColumn } from './column-retype.ts';
import type { Column } from './columns.ts';
import { ensureMirrorTable } from './mirror-table.ts';

/** One change of a model's fields the mirror followed; ods.sync_state keeps the latest per field. */
export interface SchemaChange {
  field: string;
  /** per_company: a dropped column whose field Odoo now computes per company (18+ account codes). */
  change: 'added' | 'dropped' | 'restored' | 'retyped' | 'per_company';
  /** The Odoo type before and after (retyped: the SQL types are in `sql`). */
  from?: string;
  to?: string;
  how?: Retyped['how'];
  keptAs?: string;
  views?: string[];
  reason?: string;
  odooVersion: number | null;
  at: string;
}

export interface Evolution {
  /** The columns to read and write from now on. */
  columns: Column[];
  /** Columns kept for fields Odoo dropped: NULL in every row written from now on. */
  dropped: string[];
  /** Fields whose values must be read again into their (new or converted) column. */
  reread: string[];
  /** This step's changes, to merge into the recorded ones. */
  changes: SchemaChange[];
}

/**
 * Brings odoo.<table> to `planned` after Odoo's fields changed (an upgrade, a module installed
 * or removed), never failing on it: new fields get a column; a field Odoo dropped keeps its
 * column (listed in `dropped`); a changed type is migrated or kept aside (column-retype.ts).
 * `previous` is the plan of the last schema step (null on a model's first one), `requested`
 * the catalog's field list: fields the catalog stopped asking for are not "dropped" by Odoo.
 */
export async function evolveMirror(
  sql: Sql,
  model: string,
  table: string,
  planned: readonly Column[],
  previous: readonly Column[] | null,
  previousDropped: readonly string[],
  requested: readonly string[],
  odooVersion: number | null,
): Promise<Evolution> {
  const at = new Date().toISOString();
  const shape = await ensureMirrorTable(sql, model, table, planned);
  const before = new Map((previous ?? []).map((c) => [c.name, c]));
  const changes: SchemaChange[] = [];
  const reread: string[] = [];
  const blocked = new Set<string>();
  const retyped = new Set(shape.mismatches.map((m) => m.column.name));
  for (const m of shape.mismatches) {
    const r = await retypeColumn(sql, table, m, before.get(m.column.name)?.odooType, odooVersion);
    changes.push({
      field: r.field,
      change: 'retyped',
      from: before.get(r.field)?.odooType ?? r.from,
      to: m.column.odooType,
      how: r.how,
      ...(r.keptAs ? { keptAs: r.keptAs } : {}),
      ...(r.views ? { views: r.views } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      odooVersion,
      at,
    });
    if (r.how === 'blocked') blocked.add(r.field);
    else reread.push(r.field);
  }
  const columns = planned.filter((c) => !blocked.has(c.name));
  const now = new Set(columns.map((c) => c.name));
  const asked = (f: string) => requested.includes('*') || requested.includes(f);
  const wasDropped = new Set(previousDropped);
  const dropped = new Set([...blocked]);
  for (const f of previousDropped) if (!now.has(f) && asked(f)) dropped.add(f);
  for (const c of previous ?? []) {
    if (now.has(c.name) || !asked(c.name) || dropped.has(c.name)) continue;
    dropped.add(c.name);
    changes.push({ field: c.name, change: 'dropped', from: c.odooType, odooVersion, at });
  }
  if (previous !== null) {
    for (const c of columns) {
      if (before.has(c.name) || retyped.has(c.name)) continue;
      const change = wasDropped.has(c.name) ? 'restored' : 'added';
      changes.push({ field: c.name, change, to: c.odooType, odooVersion, at });
    }
  }
  return {
    columns,
    dropped: [...dropped].filter((f) => shape.existing.has(f)).sort(),
    reread,
    changes,
  };
}

/**
 * The recorded changes with `changes` merged in, one entry per field. A change seen again
 * (a blocked type change, at every schema check until a migration resolves it) keeps the time
 * it was first seen.
 */
export function mergeChanges(
  recorded: readonly SchemaChange[],
  changes: readonly SchemaChange[],
): SchemaChange[] {
  const byField = new Map(recorded.map((c) => [c.field, c]));
  for (const c of changes) {
    const old = byField.get(c.field);
    const same = old && JSON.stringify({ ...old, at: '' }) === JSON.stringify({ ...c, at: '' });
    byField.set(c.field, same ? old : c);
  }
  return [...byField.values()].sort((a, b) => a.field.localeCompare(b.field));
}
