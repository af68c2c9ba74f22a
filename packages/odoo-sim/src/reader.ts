import type { FieldDef } from './catalog.ts';
import { dateOrFalse, usToDatetime } from './dates.ts';
import { OdooError } from './odoo-error.ts';
import type { Env } from './query.ts';
import type { Store } from './store.ts';
import { NO_DATE, storageColumn, type Table } from './table.ts';
import { type PageField, RecordPage } from './values.ts';

/**
 * `read` semantics: `id` first, then the requested fields in order; many2one as
 * `[id, display_name]` (or the bare id when `load` is not `_classic_read`); x2many as id
 * lists; `False` for empty values.
 */
export function readPage(
  store: Store,
  t: Table,
  positions: ArrayLike<number>,
  fieldNames: unknown,
  env: Env,
  load: unknown = '_classic_read',
): RecordPage {
  const classic = load === '_classic_read';
  let names: string[];
  if (Array.isArray(fieldNames) && fieldNames.length > 0) {
    names = fieldNames.map(String);
    for (const n of names) {
      if (!t.def.byName.has(n)) {
        throw new OdooError('ValueError', `Invalid field '${n}' on model '${t.def.name}'`);
      }
    }
  } else {
    names = t.def.fields.map((f) => f.name);
  }
  const fields: PageField[] = [{ name: 'id', kind: 'int', get: (p) => t.ids[p] }];
  for (const n of names) {
    if (n === 'id') continue;
    fields.push(pageField(store, t, t.def.byName.get(n)!, env, classic));
  }
  return new RecordPage(positions, fields);
}

function pageField(store: Store, t: Table, f: FieldDef, env: Env, classic: boolean): PageField {
  const name = f.name;
  const m2oKind = classic ? 'm2o' : 'm2o-id';
  const label = f.relation ? (id: number) => store.displayName(f.relation!, id) : undefined;
  if (f.compute && !f.column) {
    switch (f.compute) {
      case 'display_name':
        return { name, kind: 'str', get: (p) => store.displayNameAt(t, p) };
      case 'o2m': {
        const inv = store.inverse(f.relation!, f.inverse!);
        return { name, kind: 'ids', get: (p) => inv.get(t.ids[p]) ?? [] };
      }
      case 'zero':
        return { name, kind: 'float', get: () => 0 };
      case 'currency_rate':
        return { name, kind: 'float', get: (p) => currencyRate(store, t.ids[p], env.companyId) };
      case 'property_receivable':
      case 'property_payable': {
        const type = f.compute === 'property_receivable' ? 'asset_receivable' : 'liability_payable';
        const acc = defaultAccount(store, type, env.companyId);
        return { name, kind: m2oKind, get: () => acc, label };
      }
    }
  }
  const col = t.col(storageColumn(f)!);
  const d = col.data as any;
  switch (col.kind) {
    case 'i32':
      if (f.type === 'many2one') return { name, kind: m2oKind, get: (p) => d[p], label };
      return { name, kind: 'int', get: (p) => d[p] };
    case 'f64':
      return { name, kind: 'float', get: (p) => d[p] };
    case 'u8':
      return { name, kind: 'bool', get: (p) => d[p] === 1 };
    case 'date':
      return { name, kind: 'str', get: (p) => (d[p] === NO_DATE ? false : dateOrFalse(d[p])) };
    case 'datetime':
      return { name, kind: 'str', get: (p) => (Number.isNaN(d[p]) ? false : usToDatetime(d[p])) };
    case 'str':
      return { name, kind: 'str', get: (p) => d[p] || false };
    case 'ids':
      return {
        name,
        kind: 'ids',
        get: (p) => (d[p] ? [...d[p]].sort((a: number, b: number) => a - b) : []),
      };
  }
}

function defaultAccount(store: Store, type: string, companyId: number): number {
  const t = store.table('account.account');
  const types = t.col('account_type').data as (string | false)[];
  const companyCol = t.cols.get('company_id')?.data as Int32Array | undefined;
  const companiesCol = t.cols.get('company_ids')?.data as (number[] | undefined)[] | undefined;
  for (let p = 0; p < t.n; p++) {
    if (!t.alive[p] || types[p] !== type) continue;
    if (companyCol && companyCol[p] !== companyId) continue;
    if (companiesCol && !companiesCol[p]?.includes(companyId)) continue;
    return t.ids[p];
  }
  return 0;
}

/** Latest rate of the currency for the company (1.0 when none: the company currency). */
function currencyRate(store: Store, currencyId: number, companyId: number): number {
  const t = store.table('res.currency.rate');
  const cur = t.col('currency_id').data as Int32Array;
  const comp = t.col('company_id').data as Int32Array;
  const day = t.col('name').data as Int32Array;
  const rate = t.col('rate').data as Float64Array;
  let best = -Infinity;
  let value = 1;
  for (let p = 0; p < t.n; p++) {
    if (!t.alive[p] || cur[p] !== currencyId) continue;
    if (comp[p] && comp[p] !== companyId) continue;
    if (day[p] > best) {
      best = day[p];
      value = rate[p];
    }
  }
  return value;
}
