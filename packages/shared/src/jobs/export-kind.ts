// What an export kind is to the worker: a preparation step (title facts, totals, row count —
// kept in the job's state as plain JSON) and sheets read page by page with a keyset cursor.
// Every read runs as the requester (see as-requester.ts), through `reporting`.
import type { Sql, TransactionSql } from 'postgres';
import type { CellValue } from '../xlsx/sheet-xml.ts';
import type { SheetSpec } from '../xlsx/sliced-workbook.ts';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type Tx = TransactionSql | Sql;

export interface Job {
  id: number;
  kind: string;
  params: Record<string, Json>;
  requester: string | null;
  companies: number[] | null;
}

export interface Prepared {
  /** Facts the sheets need (names, totals, dates), saved with the job. */
  ctx: Record<string, Json>;
  /** Rows the file will have, for the progress bar (an estimate is fine). */
  rowsTotal: number;
}

export interface Page {
  rows: CellValue[][];
  /** Where the next page starts; null when this was the last. */
  next: Json | null;
}

/** A row with a style: `total` bold, `percent` shows its numbers as percentages. */
export interface StyledRow {
  values: CellValue[];
  total?: boolean;
  percent?: boolean;
}

export interface SheetPlan {
  spec(ctx: Record<string, Json>): SheetSpec;
  /** Up to `limit` rows after `cursor` (null: from the start). */
  page(
    tx: Tx,
    ctx: Record<string, Json>,
    cursor: Json | null,
    limit: number,
    job: Job,
  ): Promise<Page>;
  /** Rows after the last page (totals). */
  footer?(ctx: Record<string, Json>): StyledRow[];
}

export interface ExportKind {
  /** File name without extension, e.g. aged-receivable-2026-12-04. */
  fileName(job: Job, ctx: Record<string, Json>): string;
  prepare(tx: Tx, job: Job): Promise<Prepared>;
  sheets: readonly SheetPlan[];
}

/** The generated-at / data-as-of facts every title block shows. */
export async function titleFacts(
  tx: Tx,
): Promise<{ generatedAt: string; dataAsOf: string | null }> {
  const [f] = await tx`select now()::text as generated_at,
    (select data_as_of::text from reporting.freshness) as data_as_of`;
  return { generatedAt: f.generated_at, dataAsOf: f.data_as_of ?? null };
}
