import type { FieldDef } from './catalog.ts';
import { columnFor } from './company-values.ts';
import { daysToDate, MONTHS } from './dates.ts';
import { DecimalSum } from './decimal-sum.ts';
import { OdooError } from './odoo-error.ts';
import { type Env, search } from './query.ts';
import type { Store } from './store.ts';
import { type Column, NO_DATE, storageColumn, type Table } from './table.ts';
import { type OdooValue, PyFloat } from './values.ts';

/**
 * Grouped counts and sums: `read_group` (≤18 shape, still answered on 19) and 19's
 * `formatted_read_group`, enough for verification by period/company/account.
 */
const DAY_MS = 86_400_000;
type Granularity = 'day' | 'week' | 'month' | 'quarter' | 'year';

interface GroupSpec {
  spec: string;
  field: FieldDef;
  granularity?: Granularity;
  /** Group key of a row (number or string; null = empty). */
  key(p: number): number | string | null;
}

function bad(msg: string): OdooError {
  return new OdooError('ValueError', msg);
}

/** `colOf`: the column as env.company sees it (company-dependent values per company). */
function groupSpec(
  t: Table,
  spec: string,
  requireGranularity: boolean,
  colOf: (name: string) => Column,
): GroupSpec {
  const m = /^([a-z_][a-z0-9_]*)(?::(day|week|month|quarter|year))?$/.exec(spec);
  if (!m) throw bad(`Invalid groupby specification: ${JSON.stringify(spec)}`);
  const field = t.def.byName.get(m[1]);
  if (!field) throw bad(`Invalid field '${m[1]}' on model '${t.def.name}'`);
  const colName = m[1] === 'id' ? 'id' : storageColumn(field);
  if (!colName || !field.store) throw bad(`Field ${t.def.name}.${m[1]} is not groupable`);
  const temporal = field.type === 'date' || field.type === 'datetime';
  let gran = m[2] as Granularity | undefined;
  if (temporal && !gran) {
    if (requireGranularity) throw bad(`Granularity missing in groupby: ${spec}`);
    gran = 'month';
  }
  if (colName === 'id') return { spec, field, key: (p) => t.ids[p] };
  const col = colOf(colName);
  const d = col.data as any;
  if (field.type === 'date') {
    return {
      spec,
      field,
      granularity: gran,
      key: (p) => (d[p] === NO_DATE ? null : bucket(d[p], gran!)),
    };
  }
  if (field.type === 'datetime') {
    return {
      spec,
      field,
      granularity: gran,
      key: (p) => (Number.isNaN(d[p]) ? null : bucket(Math.floor(d[p] / 1e3 / DAY_MS), gran!)),
    };
  }
  switch (col.kind) {
    case 'i32':
      return { spec, field, key: (p) => (field.type === 'many2one' && d[p] === 0 ? null : d[p]) };
    case 'u8':
      return { spec, field, key: (p) => d[p] };
    case 'f64':
      return { spec, field, key: (p) => d[p] };
    default:
      return { spec, field, key: (p) => d[p] || null };
  }
}

/** First day (days since 1970) of the bucket holding `days`. */
function bucket(days: number, g: Granularity): number {
  if (g === 'day') return days;
  const d = new Date(days * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (g) {
    case 'week':
      return days - d.getUTCDay(); // en_US weeks start on Sunday
    case 'month':
      return Date.UTC(y, m, 1) / DAY_MS;
    case 'quarter':
      return Date.UTC(y, m - (m % 3), 1) / DAY_MS;
    default:
      return Date.UTC(y, 0, 1) / DAY_MS;
  }
}

function bucketEnd(start: number, g: Granularity): number {
  const d = new Date(start * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (g) {
    case 'day':
      return start + 1;
    case 'week':
      return start + 7;
    case 'month':
      return Date.UTC(y, m + 1, 1) / DAY_MS;
    case 'quarter':
      return Date.UTC(y, m + 3, 1) / DAY_MS;
    default:
      return Date.UTC(y + 1, 0, 1) / DAY_MS;
  }
}

const SHORT = MONTHS.map((m) => m.slice(0, 3));

function bucketLabel(start: number, g: Granularity): string {
  const d = new Date(start * DAY_MS);
  const y = d.getUTCFullYear();
  switch (g) {
    case 'day':
      return `${String(d.getUTCDate()).padStart(2, '0')} ${SHORT[d.getUTCMonth()]} ${y}`;
    case 'week': {
      const end = new Date((start + 6) * DAY_MS);
      if (end.getUTCFullYear() > y) return `W1 ${end.getUTCFullYear()}`;
      const jan1 = new Date(Date.UTC(y, 0, 1));
      const doy = start - Date.UTC(y, 0, 1) / DAY_MS;
      return `W${Math.floor((doy + jan1.getUTCDay()) / 7) + 1} ${y}`;
    }
    case 'month':
      return `${MONTHS[d.getUTCMonth()]} ${y}`;
    case 'quarter':
      return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${y}`;
    default:
      return String(y);
  }
}

interface Aggregate {
  out: string;
  field: FieldDef | null;
  fn: string;
  get?: (p: number) => any;
}

function aggregate(
  t: Table,
  outName: string,
  fname: string,
  fn: string,
  colOf: (name: string) => Column,
): Aggregate {
  if (fname === '__count') return { out: outName, field: null, fn: 'count_rows' };
  const field = t.def.byName.get(fname);
  if (!field) {
    throw bad(`Invalid field '${fname}' on model '${t.def.name}' for '${outName}'.`);
  }
  const colName = fname === 'id' ? 'id' : storageColumn(field);
  if (!colName || !field.store) throw bad(`Field ${fname} is not aggregatable`);
  if (
    ![
      'sum',
      'avg',
      'min',
      'max',
      'count',
      'count_distinct',
      'bool_and',
      'bool_or',
      'array_agg',
    ].includes(fn)
  ) {
    throw bad(`Invalid aggregation function ${JSON.stringify(fn)}.`);
  }
  const d = colName === 'id' ? t.ids : (colOf(colName).data as any);
  const get =
    field.type === 'boolean'
      ? (p: number) => d[p] === 1
      : field.type === 'date'
        ? (p: number) => (d[p] === NO_DATE ? null : daysToDate(d[p]))
        : field.type === 'many2one'
          ? (p: number) => (d[p] === 0 ? null : d[p])
          : (p: number) => d[p] ?? null;
  return { out: outName, field, fn, get };
}

/**
 * SUM over a numeric column, as Postgres computes it (exactly, in decimal) rather than a
 * running double total: monetary amounts (2 decimals here; the currency's in Odoo) and
 * float fields with digits are `numeric` columns in Odoo.
 */
function exactSum(field: FieldDef, values: number[]): DecimalSum {
  const s = new DecimalSum(field.type === 'monetary' ? 2 : 0);
  for (const v of values) s.add(v);
  return s;
}

function reduce(a: Aggregate, rows: number[]): OdooValue {
  if (a.fn === 'count_rows') return rows.length;
  const vals = rows.map(a.get!);
  const nonNull = vals.filter((v) => v !== null && v !== false);
  const isFloat = a.field!.type === 'float' || a.field!.type === 'monetary';
  switch (a.fn) {
    case 'sum': {
      if (isFloat) return new PyFloat(exactSum(a.field!, nonNull as number[]).value());
      let s = 0;
      for (const v of nonNull) s += v as number;
      return s;
    }
    case 'avg': {
      if (!nonNull.length) return false;
      if (isFloat)
        return new PyFloat(exactSum(a.field!, nonNull as number[]).value() / nonNull.length);
      let s = 0;
      for (const v of nonNull) s += v as number;
      return new PyFloat(s / nonNull.length);
    }
    case 'min':
    case 'max': {
      if (!nonNull.length) return false;
      let best = nonNull[0];
      for (const v of nonNull) if (a.fn === 'min' ? v < best : v > best) best = v;
      return isFloat ? new PyFloat(best as number) : (best as OdooValue);
    }
    case 'count':
      return nonNull.length;
    case 'count_distinct':
      return new Set(nonNull).size;
    case 'bool_and':
      return vals.every(Boolean);
    case 'bool_or':
      return vals.some(Boolean);
    default:
      return vals.map((v) => (v === null ? false : v)) as OdooValue;
  }
}

interface Group {
  keys: (number | string | null)[];
  rows: number[];
}

function groupRows(positions: number[], specs: GroupSpec[]): Group[] {
  const map = new Map<string, Group>();
  for (const p of positions) {
    const keys = specs.map((s) => s.key(p));
    const k = JSON.stringify(keys);
    let g = map.get(k);
    if (!g) {
      g = { keys, rows: [] };
      map.set(k, g);
    }
    g.rows.push(p);
  }
  return [...map.values()];
}

function groupValue(
  store: Store,
  s: GroupSpec,
  key: number | string | null,
  formatted: boolean,
): OdooValue {
  if (key === null) return false;
  if (s.granularity) {
    const label = bucketLabel(key as number, s.granularity);
    return formatted ? [daysToDate(key as number), label] : label;
  }
  if (s.field.type === 'many2one')
    return [key, store.displayName(s.field.relation!, key as number)];
  if (s.field.name === 'id') return formatted ? [key, String(key)] : key;
  if (s.field.type === 'boolean') return key === 1;
  if (s.field.type === 'float' || s.field.type === 'monetary') return new PyFloat(key as number);
  return key;
}

function groupDomain(s: GroupSpec, key: number | string | null): unknown[] {
  const name = s.field.name;
  if (key === null) return [[name, '=', false]];
  if (s.granularity) {
    const from = daysToDate(key as number);
    const to = daysToDate(bucketEnd(key as number, s.granularity));
    return ['&', [name, '>=', from], [name, '<', to]];
  }
  if (s.field.type === 'boolean') return [[name, '=', key === 1]];
  return [[name, '=', key]];
}

function andDomains(domains: unknown[][]): unknown[] {
  const parts = domains.filter((d) => d.length > 0);
  if (parts.length === 0) return [];
  const out: unknown[] = [];
  for (let i = 1; i < parts.length; i++) out.push('&');
  for (const d of parts) out.push(...d);
  return out;
}

function sortGroups(
  store: Store,
  groups: Group[],
  specs: GroupSpec[],
  order: SortKey[],
  aggs: Map<string, (g: Group) => OdooValue>,
) {
  const cmpKey = (s: GroupSpec, a: number | string | null, b: number | string | null) => {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    if (s.field.type === 'many2one') {
      const la = store.displayName(s.field.relation!, a as number);
      const lb = store.displayName(s.field.relation!, b as number);
      if (la !== lb) return la < lb ? -1 : 1;
    }
    return a < b ? -1 : 1;
  };
  groups.sort((ga, gb) => {
    for (const o of order) {
      let r = 0;
      const i = specs.findIndex((s) => s.spec === o.key || s.field.name === o.key);
      if (i >= 0) r = cmpKey(specs[i], ga.keys[i], gb.keys[i]);
      else {
        const f = aggs.get(o.key);
        if (f) {
          const x = toNum(f(ga));
          const y = toNum(f(gb));
          r = x === y ? 0 : x < y ? -1 : 1;
        }
      }
      if (r) return o.desc ? -r : r;
    }
    return 0;
  });
}

function toNum(v: OdooValue): number {
  return v instanceof PyFloat ? v.value : typeof v === 'number' ? v : 0;
}

interface SortKey {
  key: string;
  desc: boolean;
}

function parseGroupOrder(order: unknown, specs: GroupSpec[]): SortKey[] {
  const keys: SortKey[] = [];
  if (typeof order === 'string' && order.trim()) {
    for (const part of order.split(',')) {
      const m = /^\s*([a-z_][a-z0-9_:()]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
      if (!m) throw bad(`Invalid order: ${JSON.stringify(order)}`);
      keys.push({ key: m[1], desc: (m[2] ?? '').toLowerCase() === 'desc' });
    }
  }
  for (const s of specs)
    if (!keys.some((k) => k.key === s.spec)) keys.push({ key: s.spec, desc: false });
  return keys;
}

/** ≤18 `read_group(domain, fields, groupby, offset, limit, orderby, lazy)`. */
export function readGroup(store: Store, t: Table, env: Env, a: Record<string, unknown>): OdooValue {
  const colOf = (name: string) => columnFor(store, t, name, env.companyId);
  const domain = (a.domain as unknown[]) ?? [];
  let groupby = a.groupby as unknown;
  if (typeof groupby === 'string') groupby = [groupby];
  const allSpecs = ((groupby as string[]) ?? []).map((g) => groupSpec(t, g, false, colOf));
  const lazy = a.lazy !== false;
  const specs = lazy ? allSpecs.slice(0, 1) : allSpecs;
  const aggs: Aggregate[] = [];
  for (const raw of (a.fields as string[]) ?? []) {
    const m = /^(?:([a-z_][a-z0-9_]*):)?([a-z_][a-z0-9_]*)(?:\(([a-z_][a-z0-9_]*)\))?$/.exec(raw);
    const m2 = /^([a-z_][a-z0-9_]*):([a-z_]+)$/.exec(raw);
    let outName: string;
    let fname: string;
    let fn: string | undefined;
    if (m2 && !raw.includes('(')) {
      outName = m2[1];
      fname = m2[1];
      fn = m2[2];
    } else if (m?.[3]) {
      outName = m[1]!;
      fn = m[2];
      fname = m[3];
    } else if (m) {
      outName = m[2];
      fname = m[2];
    } else throw bad(`Invalid field specification ${JSON.stringify(raw)}`);
    if (fname === '__count' || specs.some((s) => s.field.name === fname)) continue;
    const field = t.def.byName.get(fname);
    if (!field) throw bad(`Invalid field '${fname}' on model '${t.def.name}'`);
    if (!fn) {
      if (['float', 'monetary', 'integer'].includes(field.type) && fname !== 'id' && field.store)
        fn = 'sum';
      else continue;
    }
    aggs.push(aggregate(t, outName, fname, fn, colOf));
  }
  const positions = search(store, t, domain, env, { order: 'id' });
  const groups = specs.length ? groupRows(positions, specs) : [{ keys: [], rows: positions }];
  const aggFns = new Map(aggs.map((x) => [x.out, (g: Group) => reduce(x, g.rows)]));
  sortGroups(store, groups, specs, parseGroupOrder(a.orderby, specs), aggFns);
  const offset = Number(a.offset ?? 0) || 0;
  const limit = a.limit ? Number(a.limit) : undefined;
  const sliced = groups.slice(offset, limit !== undefined ? offset + limit : undefined);
  const countKey = lazy && specs.length ? `${specs[0].field.name}_count` : '__count';
  return sliced.map((g) => {
    const row: Record<string, OdooValue> = {};
    specs.forEach((s, i) => {
      row[s.spec] = groupValue(store, s, g.keys[i], false);
    });
    row[countKey] = g.rows.length;
    for (const x of aggs) row[x.out] = reduce(x, g.rows);
    const ranges: Record<string, OdooValue> = {};
    specs.forEach((s, i) => {
      const k = g.keys[i];
      if (s.granularity && k !== null) {
        ranges[s.spec] = {
          from: daysToDate(k as number),
          to: daysToDate(bucketEnd(k as number, s.granularity)),
        };
      }
    });
    row.__domain = andDomains([
      ...specs.map((s, i) => groupDomain(s, g.keys[i])),
      domain,
    ]) as OdooValue;
    if (Object.keys(ranges).length) row.__range = ranges;
    if (lazy && allSpecs.length > 1) {
      row.__context = { group_by: allSpecs.slice(1).map((s) => s.spec) };
    }
    return row;
  });
}

/** 19's `formatted_read_group(domain, groupby, aggregates, having, offset, limit, order)`. */
export function formattedReadGroup(
  store: Store,
  t: Table,
  env: Env,
  a: Record<string, unknown>,
): OdooValue {
  const colOf = (name: string) => columnFor(store, t, name, env.companyId);
  const domain = (a.domain as unknown[]) ?? [];
  const specs = ((a.groupby as string[]) ?? []).map((g) => groupSpec(t, g, true, colOf));
  const aggs: Aggregate[] = ((a.aggregates as string[]) ?? []).map((spec) => {
    if (spec === '__count') return { out: '__count', field: null, fn: 'count_rows' };
    const m = /^([a-z_][a-z0-9_]*):([a-z_]+)$/.exec(spec);
    if (!m) throw bad(`Invalid aggregate specification ${JSON.stringify(spec)}`);
    return aggregate(t, spec, m[1], m[2], colOf);
  });
  const positions = search(store, t, domain, env, { order: 'id' });
  let groups =
    specs.length || positions.length ? groupRows(positions, specs) : [{ keys: [], rows: [] }];
  if (!specs.length && groups.length === 0) groups = [{ keys: [], rows: [] }];
  const aggFns = new Map(aggs.map((x) => [x.out, (g: Group) => reduce(x, g.rows)]));
  const having = a.having as unknown[] | undefined;
  if (Array.isArray(having) && having.length) {
    groups = groups.filter((g) =>
      having.every((h) => {
        if (!Array.isArray(h)) return true;
        const [k, op, v] = h as [string, string, number];
        const f = aggFns.get(k) ?? (k === '__count' ? (gr: Group) => gr.rows.length : undefined);
        if (!f) throw bad(`Invalid having clause ${JSON.stringify(h)}`);
        const x = toNum(f(g));
        return op === '>'
          ? x > v
          : op === '>='
            ? x >= v
            : op === '<'
              ? x < v
              : op === '<='
                ? x <= v
                : op === '='
                  ? x === v
                  : x !== v;
      }),
    );
  }
  sortGroups(store, groups, specs, parseGroupOrder(a.order, specs), aggFns);
  const offset = Number(a.offset ?? 0) || 0;
  const limit = a.limit ? Number(a.limit) : undefined;
  return groups.slice(offset, limit !== undefined ? offset + limit : undefined).map((g) => {
    const row: Record<string, OdooValue> = {};
    const extra = specs.length
      ? andDomains(specs.map((s, i) => groupDomain(s, g.keys[i])))
      : [[1, '=', 1]];
    row.__extra_domain = extra as OdooValue;
    specs.forEach((s, i) => {
      row[s.spec] = groupValue(store, s, g.keys[i], true);
    });
    for (const x of aggs) row[x.out] = reduce(x, g.rows);
    return row;
  });
}
