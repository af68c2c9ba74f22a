import type { FieldDef } from './catalog.ts';
import { columnFor } from './company-values.ts';
import { dateToDays, datetimeToUs } from './dates.ts';
import { OdooError } from './odoo-error.ts';
import type { Store } from './store.ts';
import { NO_DATE, storageColumn, type Table } from './table.ts';

/**
 * Odoo domains (prefix `& | !`, implicit `&`) compiled into a predicate over row positions,
 * plus the bounds a scan can use: an id range (rows are sorted by id) and a lower
 * write_date bound (zone map).
 */
export type Pred = (pos: number) => boolean;

export interface ScanPlan {
  pred: Pred | null;
  idLo: number;
  idHi: number;
  writeDateMin: number;
  /** A leaf that can never match (e.g. `id in []`): skip the scan. */
  empty: boolean;
}

type Node =
  | { op: '&' | '|'; a: Node; b: Node }
  | { op: '!'; a: Node }
  | { op: 'leaf'; field: string | number; operator: string; value: unknown };

const OPERATORS = new Set([
  '=',
  '!=',
  '<>',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not in',
  'like',
  'ilike',
  'not like',
  'not ilike',
  '=like',
  '=ilike',
  '=?',
]);

function invalid(msg: string): OdooError {
  return new OdooError('ValueError', msg);
}

export function parseDomain(domain: unknown): Node | null {
  if (domain === false || domain === null || domain === undefined) return null;
  if (!Array.isArray(domain)) throw invalid(`Invalid domain: ${JSON.stringify(domain)}`);
  if (domain.length === 0) return null;
  let i = 0;
  const next = (): Node => {
    if (i >= domain.length) throw invalid(`Invalid domain: ${JSON.stringify(domain)}`);
    const item = domain[i++];
    if (item === '&' || item === '|') {
      const a = next();
      const b = next();
      return { op: item, a, b };
    }
    if (item === '!') return { op: '!', a: next() };
    if (!Array.isArray(item) || item.length !== 3) {
      throw invalid(`Invalid leaf ${JSON.stringify(item)}`);
    }
    const [field, operator, value] = item;
    const op = String(operator).toLowerCase();
    if (!OPERATORS.has(op)) throw invalid(`Invalid operator ${JSON.stringify(operator)}`);
    return { op: 'leaf', field, operator: op === '<>' ? '!=' : op, value };
  };
  const nodes: Node[] = [];
  while (i < domain.length) nodes.push(next());
  let root = nodes[nodes.length - 1];
  for (let k = nodes.length - 2; k >= 0; k--) root = { op: '&', a: nodes[k], b: root };
  return root;
}

/** Top-level leaves joined by `&` (what the planner may use for bounds). */
function conjuncts(n: Node | null, out: Node[] = []): Node[] {
  if (!n) return out;
  if (n.op === '&') {
    conjuncts(n.a, out);
    conjuncts(n.b, out);
  } else out.push(n);
  return out;
}

export function domainMentions(n: Node | null, field: string): boolean {
  if (!n) return false;
  if (n.op === 'leaf') return n.field === field;
  if (n.op === '!') return domainMentions(n.a, field);
  return domainMentions(n.a, field) || domainMentions(n.b, field);
}

export function andNodes(a: Node | null, b: Node | null): Node | null {
  if (!a) return b;
  if (!b) return a;
  return { op: '&', a, b };
}

export function leaf(field: string, operator: string, value: unknown): Node {
  return { op: 'leaf', field, operator, value };
}

export function planScan(
  store: Store,
  t: Table,
  root: Node | null,
  companyId = store.userCompanyId,
): ScanPlan {
  const plan: ScanPlan = {
    pred: root ? compile(store, t, root, companyId) : null,
    idLo: Number.NEGATIVE_INFINITY,
    idHi: Number.POSITIVE_INFINITY,
    writeDateMin: Number.NEGATIVE_INFINITY,
    empty: false,
  };
  for (const n of conjuncts(root)) {
    if (n.op !== 'leaf') continue;
    const { field, operator, value } = n;
    if (field === 'id' && typeof value === 'number') {
      if (operator === '>') plan.idLo = Math.max(plan.idLo, Math.floor(value) + 1);
      else if (operator === '>=') plan.idLo = Math.max(plan.idLo, Math.ceil(value));
      else if (operator === '<') plan.idHi = Math.min(plan.idHi, Math.ceil(value) - 1);
      else if (operator === '<=') plan.idHi = Math.min(plan.idHi, Math.floor(value));
      else if (operator === '=') {
        plan.idLo = Math.max(plan.idLo, value);
        plan.idHi = Math.min(plan.idHi, value);
      }
    } else if (field === 'id' && operator === 'in' && Array.isArray(value)) {
      if (value.length === 0) plan.empty = true;
      else {
        const nums = value.filter((x) => typeof x === 'number') as number[];
        if (nums.length === value.length) {
          plan.idLo = Math.max(plan.idLo, Math.min(...nums));
          plan.idHi = Math.min(plan.idHi, Math.max(...nums));
        }
      }
    } else if (
      field === 'write_date' &&
      (operator === '>' || operator === '>=') &&
      typeof value === 'string'
    ) {
      plan.writeDateMin = Math.max(plan.writeDateMin, datetimeToUs(value));
    }
  }
  return plan;
}

/** `companyId`: env.company, whose value a company-dependent leaf compares. */
export function compile(store: Store, t: Table, n: Node, companyId = store.userCompanyId): Pred {
  switch (n.op) {
    case '&': {
      const a = compile(store, t, n.a, companyId);
      const b = compile(store, t, n.b, companyId);
      return (p) => a(p) && b(p);
    }
    case '|': {
      const a = compile(store, t, n.a, companyId);
      const b = compile(store, t, n.b, companyId);
      return (p) => a(p) || b(p);
    }
    case '!': {
      const a = compile(store, t, n.a, companyId);
      return (p) => !a(p);
    }
    default:
      return compileLeaf(store, t, n.field, n.operator, n.value, companyId);
  }
}

function likeRegex(pattern: string, wrap: boolean, ci: boolean): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) src += escapeRe(pattern[++i]);
    else if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += escapeRe(ch);
  }
  if (wrap) src = `.*${src}.*`;
  return new RegExp(`^${src}$`, ci ? 'is' : 's');
}

function escapeRe(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

const isLike = (op: string) => op.includes('like');

function compileLeaf(
  store: Store,
  t: Table,
  field: string | number,
  op: string,
  value: unknown,
  companyId: number,
): Pred {
  if (typeof field === 'number') {
    // TRUE_LEAF (1, '=', 1) / FALSE_LEAF (0, '=', 1)
    const truth = op === '=' ? field === value : op === '!=' ? field !== value : false;
    return () => truth;
  }
  if (op === '=?') {
    if (value === false || value === null || value === undefined) return () => true;
    op = '=';
  }
  if (field.includes('.')) {
    throw invalid(`Dotted paths are not supported by the simulator: ${field}`);
  }
  const f = t.def.byName.get(field);
  if (!f)
    throw invalid(
      `Invalid field ${t.def.name}.${field} in leaf ('${field}', '${op}', ${JSON.stringify(value)})`,
    );
  if (field === 'id') return numericPred(t.ids, op, value, f);
  if (f.compute === 'display_name') {
    return stringPred((p) => store.displayNameAt(t, p), op, value);
  }
  const colName = storageColumn(f);
  // Company-dependent fields (and 18+ `code`, read from code_store) search env.company's value.
  if (!colName || (!f.store && !f.column && !f.companyDependent)) {
    throw invalid(`Non-stored field ${t.def.name}.${field} cannot be searched.`);
  }
  const col = columnFor(store, t, colName, companyId);
  switch (col.kind) {
    case 'i32':
      if (f.type === 'many2one' && (typeof value === 'string' || (isLike(op) && value !== false))) {
        return many2oneByName(store, t, col.data as Int32Array, f, op, value);
      }
      return numericPred(col.data as Int32Array, op, value, f);
    case 'f64':
      return numericPred(col.data as Float64Array, op, value, f);
    case 'u8': {
      const d = col.data as Uint8Array;
      const want = (v: unknown) => (v ? 1 : 0);
      if (op === '=') return (p) => d[p] === want(value);
      if (op === '!=') return (p) => d[p] !== want(value);
      if (op === 'in' || op === 'not in') {
        const s = new Set<number>((value as unknown[]).map(want));
        return op === 'in' ? (p) => s.has(d[p]) : (p) => !s.has(d[p]);
      }
      throw invalid(`Invalid operator ${op} for boolean field ${field}`);
    }
    case 'date': {
      const d = col.data as Int32Array;
      return temporalPred(
        (p) => d[p],
        NO_DATE,
        op,
        value,
        (s) => dateToDays(s),
        f,
      );
    }
    case 'datetime': {
      const d = col.data as Float64Array;
      return temporalPred(
        (p) => d[p],
        Number.NaN,
        op,
        value,
        (s) => datetimeToUs(s),
        f,
      );
    }
    case 'str': {
      const d = col.data as (string | false | undefined)[];
      return stringPred((p) => d[p] || false, op, value);
    }
    case 'ids': {
      const d = col.data as (number[] | undefined)[];
      const list = Array.isArray(value)
        ? (value as number[])
        : value === false
          ? []
          : [value as number];
      if (op === '=' || op === 'in') {
        if (list.length === 0) return (p) => !d[p] || d[p]!.length === 0;
        const s = new Set(list);
        return (p) => !!d[p]?.some((x) => s.has(x));
      }
      if (op === '!=' || op === 'not in') {
        if (list.length === 0) return (p) => !!d[p] && d[p]!.length > 0;
        const s = new Set(list);
        return (p) => !d[p]?.some((x) => s.has(x));
      }
      throw invalid(`Invalid operator ${op} for many2many field ${field}`);
    }
    default:
      throw invalid(`Field ${t.def.name}.${field} cannot be searched.`);
  }
}

function numericPred(d: ArrayLike<number>, op: string, value: unknown, f: FieldDef): Pred {
  const isM2o = f.type === 'many2one';
  const num = (v: unknown): number => {
    if (v === false || v === null) return 0;
    if (Array.isArray(v)) return Number(v[0]);
    if (typeof v !== 'number') throw invalid(`Invalid value ${JSON.stringify(v)} for ${f.name}`);
    return v;
  };
  switch (op) {
    case '=': {
      const v = num(value);
      return (p) => d[p] === v;
    }
    case '!=': {
      const v = num(value);
      return (p) => d[p] !== v;
    }
    case '>': {
      const v = num(value);
      return isM2o ? (p) => d[p] !== 0 && d[p] > v : (p) => d[p] > v;
    }
    case '>=': {
      const v = num(value);
      return isM2o ? (p) => d[p] !== 0 && d[p] >= v : (p) => d[p] >= v;
    }
    case '<': {
      const v = num(value);
      return isM2o ? (p) => d[p] !== 0 && d[p] < v : (p) => d[p] < v;
    }
    case '<=': {
      const v = num(value);
      return isM2o ? (p) => d[p] !== 0 && d[p] <= v : (p) => d[p] <= v;
    }
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const s = new Set(list.map(num));
      return op === 'in' ? (p) => s.has(d[p]) : (p) => !s.has(d[p]);
    }
    default:
      throw invalid(`Invalid operator ${op} for field ${f.name}`);
  }
}

function temporalPred(
  get: (p: number) => number,
  empty: number,
  op: string,
  value: unknown,
  parse: (s: string) => number,
  f: FieldDef,
): Pred {
  const isEmpty = Number.isNaN(empty) ? (x: number) => Number.isNaN(x) : (x: number) => x === empty;
  const conv = (v: unknown): number | null => {
    if (v === false || v === null) return null;
    if (typeof v !== 'string') throw invalid(`Invalid value ${JSON.stringify(v)} for ${f.name}`);
    return parse(v);
  };
  if (op === 'in' || op === 'not in') {
    const list = (Array.isArray(value) ? value : [value]).map(conv);
    const hasNull = list.includes(null);
    const s = new Set(list.filter((x) => x !== null));
    const inP: Pred = (p) => {
      const x = get(p);
      return isEmpty(x) ? hasNull : s.has(x);
    };
    return op === 'in' ? inP : (p) => !inP(p);
  }
  const v = conv(value);
  if (v === null) {
    if (op === '=') return (p) => isEmpty(get(p));
    if (op === '!=') return (p) => !isEmpty(get(p));
    throw invalid(`Invalid comparison with False on ${f.name}`);
  }
  switch (op) {
    case '=':
      return (p) => get(p) === v;
    case '!=':
      return (p) => get(p) !== v;
    case '>':
      return (p) => get(p) > v;
    case '>=':
      return (p) => get(p) >= v;
    case '<':
      return (p) => get(p) < v;
    case '<=':
      return (p) => get(p) <= v;
    default:
      throw invalid(`Invalid operator ${op} for field ${f.name}`);
  }
}

function stringPred(get: (p: number) => string | false, op: string, value: unknown): Pred {
  if (isLike(op)) {
    if (value === false || value === null) {
      // ('name', 'ilike', False) is "is set"-like in Odoo; keep it simple and consistent.
      return op.startsWith('not') ? (p) => get(p) === false : (p) => get(p) !== false;
    }
    const neg = op.startsWith('not');
    const base = neg ? op.slice(4) : op;
    const re = likeRegex(String(value), !base.startsWith('='), base.endsWith('ilike'));
    // Negative operators include empty values (SQL `x NOT ILIKE v OR x IS NULL`).
    return neg
      ? (p) => {
          const s = get(p);
          return s === false || !re.test(s);
        }
      : (p) => {
          const s = get(p);
          return s !== false && re.test(s);
        };
  }
  switch (op) {
    case '=':
      if (value === false || value === null) return (p) => get(p) === false;
      return (p) => get(p) === value;
    case '!=':
      if (value === false || value === null) return (p) => get(p) !== false;
      return (p) => get(p) !== value;
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const hasFalse = list.includes(false);
      const s = new Set(list.filter((x) => x !== false));
      const inP: Pred = (p) => {
        const x = get(p);
        return x === false ? hasFalse : s.has(x);
      };
      return op === 'in' ? inP : (p) => !inP(p);
    }
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const v = String(value);
      const cmp = {
        '>': (x: string) => x > v,
        '>=': (x: string) => x >= v,
        '<': (x: string) => x < v,
        '<=': (x: string) => x <= v,
      }[op];
      return (p) => {
        const x = get(p);
        return x !== false && cmp(x);
      };
    }
    default:
      throw invalid(`Invalid operator ${op}`);
  }
}

/** many2one compared with a string: a name search on the comodel (Odoo's `_name_search`). */
function many2oneByName(
  store: Store,
  t: Table,
  d: Int32Array,
  f: FieldDef,
  op: string,
  value: unknown,
): Pred {
  const target = store.table(f.relation!);
  const neg = op.startsWith('not') || op === '!=';
  const positive = neg ? (op === '!=' ? '=' : op.slice(4)) : op;
  const match = stringPred((p) => store.displayNameAt(target, p), positive, value);
  const ids = new Set<number>();
  for (let p = 0; p < target.n; p++) if (target.alive[p] && match(p)) ids.add(target.ids[p]);
  void t;
  return neg ? (p) => !ids.has(d[p]) : (p) => d[p] !== 0 && ids.has(d[p]);
}
