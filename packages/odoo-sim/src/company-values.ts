import type { Store } from './store.ts';
import { Column, type CompanyValues, NO_DATE, type Table } from './table.ts';

/**
 * Company-dependent values (reference §7): one value per company, read for `env.company`.
 * Odoo 18 keys `account.account.code_store` by the *root* company (a branch reads its
 * parent's code); property fields fall back to the company's default when a company has no
 * value of its own (ir.property defaults before 18, ir.default from 18).
 */
export function rootCompany(store: Store, companyId: number): number {
  const t = store.table('res.company');
  const parent = t.cols.get('parent_id')?.data as Int32Array | undefined;
  let id = companyId;
  for (let hops = 0; parent && hops < 16; hops++) {
    const p = t.pos(id);
    if (p < 0 || !parent[p]) break;
    id = parent[p];
  }
  return id;
}

/** The company whose value a read under `companyId` sees for this column. */
function keyCompany(store: Store, t: Table, colName: string, companyId: number): number {
  return t.def.name === 'account.account' && colName === 'code_store'
    ? rootCompany(store, companyId)
    : companyId;
}

/** The raw value of a company column at `pos` as a read under `companyId` returns it. */
export function companyValueAt(
  store: Store,
  t: Table,
  col: Column,
  pos: number,
  companyId: number,
): unknown {
  const map = (col.data as (CompanyValues | undefined)[])[pos];
  const v = map?.get(keyCompany(store, t, col.name, companyId));
  return v === undefined ? fallback(store, t, col, companyId) : v;
}

function fallback(store: Store, t: Table, col: Column, companyId: number): unknown {
  const def = t.def.byName.get(col.name)?.companyDefault;
  if (def) return defaultAccount(store, def, companyId);
  return emptyRaw(col.valueKind);
}

function emptyRaw(kind: Column['kind']): unknown {
  switch (kind) {
    case 'str':
      return false;
    case 'date':
      return NO_DATE;
    case 'datetime':
      return Number.NaN;
    case 'ids':
    case 'company':
      return undefined;
    default:
      return 0;
  }
}

/** Sets one company's value (raw, of the column's value kind); false/0 removes it. */
export function setCompanyValue(
  store: Store,
  t: Table,
  col: Column,
  pos: number,
  companyId: number,
  raw: unknown,
): void {
  const data = col.data as (CompanyValues | undefined)[];
  const map = data[pos] ? new Map(data[pos]) : new Map<number, unknown>();
  const key = keyCompany(store, t, col.name, companyId);
  if (raw === false || raw === undefined || (col.valueKind === 'i32' && raw === 0)) map.delete(key);
  else map.set(key, raw);
  data[pos] = map.size ? map : undefined;
  t.version++;
}

const views = new WeakMap<Table, Map<string, { stamp: string; col: Column }>>();

/**
 * The column as seen from one company: itself for an ordinary column, a materialized column
 * of the value kind for a company-dependent one (domains, ordering and grouping read it).
 */
export function columnFor(store: Store, t: Table, colName: string, companyId: number): Column {
  const col = t.col(colName);
  if (col.kind !== 'company') return col;
  const stamp = `${t.version}:${store.table('account.account').version}`;
  let cache = views.get(t);
  if (!cache) {
    cache = new Map();
    views.set(t, cache);
  }
  const key = `${colName}:${companyId}`;
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.col;
  const view = new Column(colName, col.valueKind, Math.max(t.n, 1));
  const out = view.data as unknown[];
  for (let p = 0; p < t.n; p++) out[p] = companyValueAt(store, t, col, p, companyId);
  cache.set(key, { stamp, col: view });
  return view;
}

/** The company's first account of a type (what a property default points at). */
export function defaultAccount(store: Store, type: string, companyId: number): number {
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
