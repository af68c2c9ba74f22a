// How an Odoo field becomes a Postgres column (DESIGN §3). Decided from fields_get only, so a
// new model or field is a catalog row, not new code.
import { MalformedRecordError } from './errors.ts';
import { preview } from './value-checks.ts';

/** The subset of fields_get attributes the mapping needs. */
export interface OdooFieldInfo {
  type: string;
  store?: boolean;
  relation?: string;
  string?: string;
  /** Odoo computes the value for the company of the call (env.company). */
  company_dependent?: boolean;
}

export type SqlType =
  | 'bigint'
  | 'bigint[]'
  | 'numeric'
  | 'text'
  | 'date'
  | 'timestamptz'
  | 'boolean'
  | 'jsonb';

export interface Column {
  name: string;
  odooType: string;
  sqlType: SqlType;
}

const SQL_TYPES: Record<string, SqlType> = {
  integer: 'bigint', // Odoo sends ints above 2^31-1 as floats; bigint holds them all
  many2one: 'bigint',
  many2one_reference: 'bigint',
  many2many: 'bigint[]',
  float: 'numeric',
  monetary: 'numeric',
  char: 'text',
  text: 'text',
  html: 'text',
  selection: 'text',
  reference: 'text',
  date: 'date',
  datetime: 'timestamptz',
  boolean: 'boolean',
  json: 'jsonb',
  properties: 'jsonb',
};

// Binary payloads are too heavy to mirror; one2many is the inverse of a many2one already mirrored.
const NEVER_MIRRORED = new Set(['binary', 'one2many', 'properties_definition']);

/** A field left out of the mirror because its name or description cannot be a column. */
export interface RejectedField {
  name: string;
  reason: string;
}

export interface ColumnPlan {
  columns: Column[];
  /** Fields read once per company into odoo.<table>__company (see company-fields.ts). */
  perCompany: Column[];
  /** Requested fields this Odoo does not have, or has but does not store. */
  missing: string[];
  /** Fields whose name or fields_get description cannot be mirrored: skipped, not fatal. */
  rejected: RejectedField[];
}

// A column name: what Odoo's own field names look like, within Postgres' 63-byte identifiers
// (longer ones are truncated, so two could become one column).
const FIELD_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// Postgres' system columns (15 and later): a table cannot have a column of that name.
const SYSTEM_COLUMNS = new Set(['tableoid', 'xmin', 'cmin', 'xmax', 'cmax', 'ctid']);

/** Why `name` cannot be a mirror column, or null when it can. */
export function fieldNameFault(name: string): string | null {
  if (!FIELD_NAME.test(name)) {
    return name.length === 0
      ? 'an empty name'
      : new TextEncoder().encode(name).length > 63
        ? 'a name longer than 63 bytes (Postgres would truncate it)'
        : 'a name outside [a-z0-9_] or not starting with a letter or _';
  }
  if (name.startsWith('_')) return "a name starting with _, reserved for the mirror's own columns";
  if (SYSTEM_COLUMNS.has(name)) return 'the name of a Postgres system column';
  return null;
}

/** How a rejected field is listed in ods.sync_state.missing_fields and the run report. */
export const describeRejected = (r: RejectedField) => `${preview(r.name)} (skipped: ${r.reason})`;

/**
 * Columns for `requested` field names ('*' = every stored, mirrorable field), `id` first. A
 * field is per company when fields_get flags it company_dependent, or when `companyFields`
 * names it and Odoo does not store it (18+ account.account.code, computed from a
 * company-dependent store); one Odoo stores plainly (16/17 codes) stays a normal column.
 */
export function planColumns(
  fields: Record<string, OdooFieldInfo>,
  requested: readonly string[],
  model = 'fields_get',
  companyFields: readonly string[] = [],
): ColumnPlan {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new MalformedRecordError(
      `${model}: fields_get answered ${preview(fields)}, not a description of fields`,
      { model },
    );
  }
  const info = (name: string): OdooFieldInfo | undefined => {
    const f = Object.hasOwn(fields, name) ? fields[name] : undefined;
    return f !== null && typeof f === 'object' ? f : undefined;
  };
  const wanted = requested.includes('*')
    ? Object.keys(fields).filter((f) => {
        const fi = info(f);
        return !fi || (fi.store !== false && !NEVER_MIRRORED.has(fi.type));
      })
    : [...new Set(requested)];
  const columns: Column[] = [{ name: 'id', odooType: 'integer', sqlType: 'bigint' }];
  const perCompany: Column[] = [];
  const missing: string[] = [];
  const rejected: RejectedField[] = [];
  for (const name of wanted.sort()) {
    if (name === 'id') continue;
    const fault = fieldNameFault(name);
    if (fault) {
      rejected.push({ name, reason: fault });
      continue;
    }
    if (Object.hasOwn(fields, name) && !info(name)) {
      rejected.push({ name, reason: 'fields_get describes it with no attributes' });
      continue;
    }
    const f = info(name);
    const sqlType = f && Object.hasOwn(SQL_TYPES, f.type) ? SQL_TYPES[f.type] : undefined;
    const byCompany =
      f?.company_dependent === true || (f?.store === false && companyFields.includes(name));
    if (!f || !sqlType || (f.store === false && !byCompany)) {
      missing.push(name);
      continue;
    }
    (byCompany ? perCompany : columns).push({ name, odooType: f.type, sqlType });
  }
  return { columns, perCompany, missing, rejected };
}

/** `account.move.line` → `account_move_line`, the mirror table in schema `odoo`. */
export function tableName(model: string): string {
  return model.replaceAll('.', '_');
}
