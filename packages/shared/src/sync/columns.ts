// How an Odoo field becomes a Postgres column (DESIGN §3). Decided from fields_get only, so a
// new model or field is a catalog row, not new code.

/** The subset of fields_get attributes the mapping needs. */
export interface OdooFieldInfo {
  type: string;
  store?: boolean;
  relation?: string;
  string?: string;
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

export interface ColumnPlan {
  columns: Column[];
  /** Requested fields this Odoo does not have, or has but does not store. */
  missing: string[];
}

/** Columns for `requested` field names ('*' = every stored, mirrorable field), `id` first. */
export function planColumns(
  fields: Record<string, OdooFieldInfo>,
  requested: readonly string[],
): ColumnPlan {
  const wanted = requested.includes('*')
    ? Object.keys(fields).filter(
        (f) => fields[f].store !== false && !NEVER_MIRRORED.has(fields[f].type),
      )
    : [...new Set(requested)];
  const columns: Column[] = [{ name: 'id', odooType: 'integer', sqlType: 'bigint' }];
  const missing: string[] = [];
  for (const name of wanted.sort()) {
    if (name === 'id') continue;
    const f = fields[name];
    const sqlType = f && SQL_TYPES[f.type];
    if (!f || f.store === false || !sqlType) {
      missing.push(name);
      continue;
    }
    columns.push({ name, odooType: f.type, sqlType });
  }
  return { columns, missing };
}

/** `account.move.line` → `account_move_line`, the mirror table in schema `odoo`. */
export function tableName(model: string): string {
  return model.replaceAll('.', '_');
}
