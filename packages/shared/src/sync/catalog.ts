import type { Sql } from 'postgres';
import type { Domain } from './odoo-reader.ts';

/**
 * A dependent: records of `model` that must be re-read when a row of this model changes,
 * because Odoo changes them without bumping their write_date (or deletes them silently).
 */
export type Dependent =
  /** The records held in these fields of the changed rows. */
  | { model: string; via: string[] }
  /** The records whose `inverse` field points at a changed row: searched in Odoo (links made)
   * and in the mirror (links Odoo has dropped, e.g. to a deleted full reconcile). */
  | { model: string; inverse: string }
  /** The mirror's records whose `mirror` fields point at a row whose `when` fields changed
   * (or that was deleted): checked against Odoo, deleted if Odoo no longer has them. */
  | { model: string; mirror: string[]; when: string[] }
  /** The mirror's records whose `peers` field holds a value a changed (or deleted) row held
   * there before, if it matches the `match` pattern (a POSIX regex): the rest of a group Odoo
   * renames as a whole, of which only some members are dated (a matching graph's number). */
  | { model: string; peers: string; match?: string };

/** Fields whose change a page write must report, for the `mirror` dependents. */
export const watchedFields = (dependents: readonly Dependent[]): string[] => [
  ...new Set(dependents.flatMap((d) => ('when' in d ? d.when : []))),
];

/** The field whose previous values a page write must report, for a `peers` dependent. */
export const peersField = (dependents: readonly Dependent[]): string | undefined =>
  dependents.flatMap((d) => ('peers' in d ? [d.peers] : []))[0];

/** Whether the dependents read values of the changed rows (else their ids are enough). */
export const needsRows = (dependents: readonly Dependent[]): boolean =>
  dependents.some((d) => 'via' in d);

export interface CatalogEntry {
  model: string;
  fields: string[];
  domain: Domain;
  priority: number;
  pageSize: number;
  verifyDateField: string | null;
  verifySumFields: string[];
  dependents: Dependent[];
  /** Fields to keep per company even where fields_get does not flag them company_dependent. */
  companyFields: string[];
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
    companyFields: r.company_fields ?? [],
    updatedAt: r.updated_at,
  }));
}
