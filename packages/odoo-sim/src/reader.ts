import type { FieldDef } from './catalog.ts';
import { companyValueAt } from './company-values.ts';
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
  const names_ = new NameMemo(store, env.companyId);
  const fields: PageField[] = [{ name: 'id', kind: 'int', get: (p) => t.ids[p] }];
  for (const n of names) {
    if (n === 'id') continue;
    fields.push(pageField(store, t, t.def.byName.get(n)!, env, classic, names_));
  }
  return new RecordPage(positions, fields);
}

/**
 * Display names computed for one request, each once (Odoo caches them per record in the
 * request's environment), each costing `store.nameCostUs` of CPU like Odoo's Python compute.
 * `load=''` skips the many2one ones: that is the work it saves.
 */
class NameMemo {
  private readonly done = new Map<string, string>();
  constructor(
    private readonly store: Store,
    private readonly companyId: number,
  ) {}

  get(model: string, id: number, compute: () => string): string {
    const key = `${model},${id}`;
    let v = this.done.get(key);
    if (v === undefined) {
      v = compute();
      this.done.set(key, v);
      this.store.namesComputed++;
      burn(this.store.nameCostUs);
    }
    return v;
  }

  of(model: string, id: number): string {
    return this.get(model, id, () => this.store.displayName(model, id, this.companyId));
  }
}

function burn(us: number): void {
  if (us <= 0) return;
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // CPU time, as a Python compute spends it.
  }
}

function pageField(
  store: Store,
  t: Table,
  f: FieldDef,
  env: Env,
  classic: boolean,
  names: NameMemo,
): PageField {
  const name = f.name;
  const m2oKind = classic ? 'm2o' : 'm2o-id';
  const label = f.relation ? (id: number) => names.of(f.relation!, id) : undefined;
  if (f.compute && !f.column) {
    switch (f.compute) {
      case 'display_name':
        return {
          name,
          kind: 'str',
          get: (p) =>
            names.get(t.def.name, t.ids[p], () => store.displayNameAt(t, p, env.companyId)),
        };
      case 'o2m': {
        const inv = store.inverse(f.relation!, f.inverse!);
        return { name, kind: 'ids', get: (p) => inv.get(t.ids[p]) ?? [] };
      }
      case 'zero':
        return { name, kind: 'float', get: () => 0 };
      case 'currency_rate':
        return { name, kind: 'float', get: (p) => currencyRate(store, t.ids[p], env.companyId) };
      case 'placeholder_code':
        return { name, kind: 'str', get: (p) => placeholderCode(store, t, p, env) };
    }
  }
  const colName = storageColumn(f);
  // Non-stored related fields the simulator does not compute read as empty.
  if (!colName) return { name, kind: f.type === 'many2one' ? m2oKind : 'str', get: () => false };
  const stored = t.col(colName);
  if (stored.kind === 'company') {
    const get = (p: number) => companyValueAt(store, t, stored, p, env.companyId);
    if (f.type === 'many2one') return { name, kind: m2oKind, get, label };
    return { name, kind: 'str', get: (p) => get(p) || false };
  }
  const col = stored;
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
    default:
      throw new Error(`reader: ${t.def.name}.${name} has an unreadable column`);
  }
}

/**
 * 18+ `placeholder_code`: the code in env.company, else the code in the first of the user's
 * companies sharing the account, suffixed with that company's name.
 */
function placeholderCode(store: Store, t: Table, p: number, env: Env): string | false {
  const col = t.col('code_store');
  const own = companyValueAt(store, t, col, p, env.companyId) as string | false;
  if (own) return own;
  const companies = (t.col('company_ids').data as (number[] | undefined)[])[p] ?? [];
  for (const c of [...companies].sort((a, b) => a - b)) {
    if (!store.userCompanyIds.includes(c)) continue;
    const code = companyValueAt(store, t, col, p, c) as string | false;
    if (code) return `${code} (${store.displayName('res.company', c)})`;
  }
  return false;
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
