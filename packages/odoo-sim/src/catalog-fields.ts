/**
 * How the catalog describes models and fields (what `fields_get` answers and how the
 * simulator stores each field), with the small constructors the per-version catalogs use.
 */
export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'char'
  | 'text'
  | 'selection'
  | 'date'
  | 'datetime'
  | 'many2one'
  | 'one2many'
  | 'many2many';

/** Computed, non-column values; resolved by the reader. */
export type ComputeKind = 'display_name' | 'o2m' | 'zero' | 'currency_rate' | 'placeholder_code';

export interface FieldDef {
  name: string;
  type: FieldType;
  string: string;
  store: boolean;
  relation?: string;
  /** one2many: the many2one on `relation` pointing back. */
  inverse?: string;
  selection?: [string, string][];
  required?: boolean;
  readonly?: boolean;
  /**
   * One value per company (`company_dependent=True`): kept in a per-company column whatever
   * `store` says (ir.property before 18, a jsonb column from 18); reads answer env.company's.
   */
  companyDependent?: boolean;
  /** Company-dependent fallback when a company has no value (ir.property / ir.default). */
  companyDefault?: 'asset_receivable' | 'liability_payable';
  translate?: boolean;
  currencyField?: string;
  /** Storage column when it differs from the name (18+: account.account `code` → `code_store`). */
  column?: string;
  compute?: ComputeKind;
  help?: string;
}

export interface ModelDef {
  name: string;
  description: string;
  order: string;
  /** The archive flag that `active_test` filters on, if any. */
  activeField?: string;
  /** How multi-company record rules see the record. */
  companyField?: 'company_id' | 'company_ids' | 'self';
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
}

type Opts = Partial<Omit<FieldDef, 'name' | 'type' | 'string'>>;

export function fd(name: string, type: FieldType, string: string, o: Opts = {}): FieldDef {
  return { name, type, string, store: true, ...o };
}
export const char = (n: string, s: string, o?: Opts) => fd(n, 'char', s, o);
export const int = (n: string, s: string, o?: Opts) => fd(n, 'integer', s, o);
export const float = (n: string, s: string, o?: Opts) => fd(n, 'float', s, o);
export const money = (n: string, s: string, o?: Opts) =>
  fd(n, 'monetary', s, { currencyField: 'currency_id', ...o });
export const bool = (n: string, s: string, o?: Opts) => fd(n, 'boolean', s, o);
export const date = (n: string, s: string, o?: Opts) => fd(n, 'date', s, o);
export const m2o = (n: string, s: string, relation: string, o?: Opts) =>
  fd(n, 'many2one', s, { relation, ...o });
export const o2m = (n: string, s: string, relation: string, inverse: string, o?: Opts) =>
  fd(n, 'one2many', s, { relation, inverse, compute: 'o2m', ...o });
export const m2m = (n: string, s: string, relation: string, o?: Opts) =>
  fd(n, 'many2many', s, { relation, ...o });
export const sel = (n: string, s: string, selection: [string, string][], o?: Opts) =>
  fd(n, 'selection', s, { selection, ...o });

function magic(): FieldDef[] {
  return [
    int('id', 'ID', { readonly: true }),
    char('display_name', 'Display Name', { store: false, readonly: true, compute: 'display_name' }),
    fd('create_date', 'datetime', 'Created on', { readonly: true }),
    m2o('create_uid', 'Created by', 'res.users', { readonly: true }),
    fd('write_date', 'datetime', 'Last Updated on', { readonly: true }),
    m2o('write_uid', 'Last Updated by', 'res.users', { readonly: true }),
  ];
}

export function model(
  name: string,
  description: string,
  order: string,
  fields: (FieldDef | false)[],
  extra: Partial<Pick<ModelDef, 'activeField' | 'companyField'>> = {},
): ModelDef {
  const all = [...fields.filter((f): f is FieldDef => f !== false), ...magic()];
  return {
    name,
    description,
    order,
    fields: all,
    byName: new Map(all.map((f) => [f.name, f])),
    ...extra,
  };
}
