import type { Sql } from 'postgres';
import type { Domain } from './odoo-reader.ts';

/** A dependent: records of `model` that must be re-read when a row of this model changes. */
export type Dependent =
  | { model: string; via: string[] } // ids held in these fields of the changed rows
  | { model: string; inverse: string }; // records whose `inverse` field points at the changed rows

export interface CatalogEntry {
  model: string;
  fields: string[];
  domain: Domain;
  priority: number;
  pageSize: number;
  verifyDateField: string | null;
  verifySumFields: string[];
  dependents: Dependent[];
  updatedAt: Date;
}

export async function loadCatalog(sql: Sql): Promise<CatalogEntry[]> {
  const rows = await sql`select * from ods.catalog where enabled order by priority, model`;
  return rows.map((r) => ({
    model: r.model,
    fields: r.fields,
    domain: r.domain,
    priority: r.priority,
    pageSize: r.page_size,
    verifyDateField: r.verify_date_field,
    verifySumFields: r.verify_sum_fields,
    dependents: r.dependents,
    updatedAt: r.updated_at,
  }));
}
