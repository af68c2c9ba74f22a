import type { Sql, TransactionSql } from 'postgres';
import type { Column } from './columns.ts';
import type { SchemaChange } from './schema-evolution.ts';

export type RefetchItem = { ids: number[] } | { field: string; values: number[] };

export interface ModelState {
  model: string;
  phase: 'snapshot' | 'incremental';
  snapshotCursor: number;
  snapshotTotal: number | null;
  snapshotStartedAt: Date | null;
  highWater: Date | null;
  windowSince: Date | null;
  windowCursor: number;
  windowMaxSeen: Date | null;
  windowClock: Date | null;
  /** Odoo's clock when the last completed read began: newer records may hide a same-second rewrite. */
  unsettledFrom: Date | null;
  pageSize: number | null;
  columns: Column[] | null;
  /** Per-company columns (odoo.<table>__company), as last read from fields_get. */
  companyColumns: Column[];
  missingFields: string[];
  schemaCheckedAt: Date | null;
  rows: number;
  refetch: RefetchItem[];
  /** Odoo's major version when the fields were last read (null before the first time). */
  odooVersion: number | null;
  /** Columns kept for fields Odoo dropped: set to NULL whenever their row is written. */
  droppedColumns: string[];
  schemaChanges: SchemaChange[];
}

export async function loadState(
  sql: Sql | TransactionSql,
  model: string,
  forUpdate = false,
): Promise<ModelState> {
  await sql`insert into ods.sync_state (model) values (${model}) on conflict do nothing`;
  const [r] = forUpdate
    ? await sql`select * from ods.sync_state where model = ${model} for update`
    : await sql`select * from ods.sync_state where model = ${model}`;
  return {
    model,
    phase: r.phase,
    snapshotCursor: Number(r.snapshot_cursor),
    snapshotTotal: r.snapshot_total === null ? null : Number(r.snapshot_total),
    snapshotStartedAt: r.snapshot_started_at,
    highWater: r.high_water,
    windowSince: r.window_since,
    windowCursor: Number(r.window_cursor),
    windowMaxSeen: r.window_max_seen,
    windowClock: r.window_clock,
    unsettledFrom: r.unsettled_from,
    pageSize: r.page_size,
    columns: r.columns,
    companyColumns: r.company_columns ?? [],
    missingFields: r.missing_fields,
    schemaCheckedAt: r.schema_checked_at,
    rows: Number(r.rows),
    refetch: r.refetch,
    odooVersion: r.odoo_version,
    droppedColumns: r.dropped_columns,
    schemaChanges: r.schema_changes,
  };
}
