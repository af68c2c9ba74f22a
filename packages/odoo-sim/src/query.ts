import type { ModelDef } from './catalog.ts';
import { columnFor } from './company-values.ts';
import { andNodes, domainMentions, leaf, parseDomain, planScan } from './domain.ts';
import { OdooError } from './odoo-error.ts';
import type { Store } from './store.ts';
import { storageColumn, type Table, ZONE_SHIFT } from './table.ts';

/** The environment a call runs in: what Odoo derives from `context` and the user. */
export interface Env {
  activeTest: boolean;
  /** `env.companies`: allowed_company_ids, or all of the user's companies. */
  companyIds: number[];
  /** `env.company`: the first allowed company, or the user's default company. */
  companyId: number;
  lang: string;
  context: Record<string, unknown>;
}

export function makeEnv(store: Store, context: unknown): Env {
  const ctx = (context && typeof context === 'object' ? context : {}) as Record<string, unknown>;
  let companyIds = store.userCompanyIds;
  const allowed = ctx.allowed_company_ids;
  if (Array.isArray(allowed) && allowed.length > 0) {
    for (const c of allowed) {
      if (!store.userCompanyIds.includes(c as number)) {
        throw new OdooError('AccessError', 'Access to unauthorized or invalid companies.');
      }
    }
    companyIds = allowed as number[];
  }
  return {
    activeTest: ctx.active_test !== false,
    companyIds,
    companyId:
      Array.isArray(allowed) && allowed.length > 0 ? (allowed[0] as number) : store.userCompanyId,
    lang: typeof ctx.lang === 'string' ? ctx.lang : 'en_US',
    context: ctx,
  };
}

/** The multi-company record rule of the model, as a predicate (null = no rule). */
export function companyRule(t: Table, env: Env): ((p: number) => boolean) | null {
  const allowed = new Set(env.companyIds);
  switch (t.def.companyField) {
    case 'company_id': {
      const d = t.col('company_id').data as Int32Array;
      return (p) => d[p] === 0 || allowed.has(d[p]);
    }
    case 'company_ids': {
      const d = t.col('company_ids').data as (number[] | undefined)[];
      return (p) => {
        const v = d[p];
        return !v || v.length === 0 || v.some((c) => allowed.has(c));
      };
    }
    case 'self':
      return (p) => allowed.has(t.ids[p]);
    default:
      return null;
  }
}

interface OrderKey {
  field: string;
  desc: boolean;
}

export function parseOrder(def: ModelDef, order: unknown): OrderKey[] {
  const spec = typeof order === 'string' && order.trim() ? order : def.order;
  const keys: OrderKey[] = [];
  for (const part of spec.split(',')) {
    const m = /^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(
      part,
    );
    if (!m) throw new OdooError('ValueError', `Invalid "order" specified (${spec}).`);
    const f = def.byName.get(m[1]);
    if (!f) throw new OdooError('ValueError', `Invalid "order" specified (${spec}).`);
    if (m[1] !== 'id' && !storageColumn(f)) {
      // Non-stored fields cannot be ordered; Odoo logs and ignores them.
      continue;
    }
    keys.push({ field: m[1], desc: (m[2] ?? 'asc').toLowerCase() === 'desc' });
  }
  if (!keys.some((k) => k.field === 'id')) keys.push({ field: 'id', desc: false });
  return keys;
}

export interface SearchOptions {
  offset?: number;
  limit?: number | null;
  order?: unknown;
  /** Skip the active filter even if active_test is on (e.g. `read` by ids). */
  count?: boolean;
}

/** Effective domain: the caller's plus the active filter Odoo adds in `_where_calc`. */
function effectiveDomain(t: Table, domain: unknown, env: Env) {
  let root = parseDomain(domain);
  const active = t.def.activeField;
  if (active && env.activeTest && !domainMentions(root, active)) {
    root = andNodes(leaf(active, '=', true), root);
  }
  return root;
}

/** Positions matching the domain, ordered, offset and limited. */
export function search(
  store: Store,
  t: Table,
  domain: unknown,
  env: Env,
  o: SearchOptions,
): number[] {
  const root = effectiveDomain(t, domain, env);
  const plan = planScan(store, t, root, env.companyId);
  const rule = companyRule(t, env);
  const offset = Math.max(0, Number(o.offset ?? 0) | 0);
  const rawLimit = o.limit as unknown;
  const limit =
    rawLimit === null || rawLimit === undefined || rawLimit === false ? Infinity : Number(rawLimit);
  const keys = parseOrder(t.def, o.order);
  const byIdOnly = keys.length === 1 && keys[0].field === 'id';
  const out: number[] = [];
  if (plan.empty || limit <= 0) return out;

  const lo = plan.idLo === Number.NEGATIVE_INFINITY ? 0 : t.lowerBound(plan.idLo);
  const hi = plan.idHi === Number.POSITIVE_INFINITY ? t.n : t.lowerBound(Math.floor(plan.idHi) + 1);
  const pred = plan.pred;
  const alive = t.alive;
  const zones = t.zoneMaxWrite;
  const wdMin = plan.writeDateMin;
  const useZones = wdMin > Number.NEGATIVE_INFINITY;
  const want = byIdOnly ? offset + limit : Infinity;
  const accept = (p: number) => alive[p] === 1 && (!rule || rule(p)) && (!pred || pred(p));

  if (byIdOnly && keys[0].desc) {
    for (let p = hi - 1; p >= lo && out.length < want; p--) {
      if (useZones && zones[p >> ZONE_SHIFT] < wdMin) {
        p = (p >> ZONE_SHIFT) << ZONE_SHIFT; // loop's p-- moves to the previous zone
        continue;
      }
      if (accept(p)) out.push(p);
    }
  } else {
    for (let p = lo; p < hi && out.length < want; p++) {
      if (useZones && zones[p >> ZONE_SHIFT] < wdMin) {
        p = (((p >> ZONE_SHIFT) + 1) << ZONE_SHIFT) - 1;
        continue;
      }
      if (accept(p)) out.push(p);
    }
  }
  if (!byIdOnly) out.sort(comparator(store, t, keys, env.companyId));
  if (offset === 0 && out.length <= limit) return out;
  return out.slice(offset, offset + limit);
}

export function count(
  store: Store,
  t: Table,
  domain: unknown,
  env: Env,
  limit?: number | null,
): number {
  return search(store, t, domain, env, { order: 'id', limit: limit ?? null }).length;
}

function comparator(
  store: Store,
  t: Table,
  keys: OrderKey[],
  companyId: number,
): (a: number, b: number) => number {
  const cmps = keys.map((k) => {
    const dir = k.desc ? -1 : 1;
    if (k.field === 'id') {
      const ids = t.ids;
      return (a: number, b: number) => (ids[a] - ids[b]) * dir;
    }
    const c = columnFor(store, t, storageColumn(t.def.byName.get(k.field)!)!, companyId);
    const d = c.data as ArrayLike<unknown>;
    const isNull = (v: unknown) =>
      v === false ||
      v === undefined ||
      (c.kind === 'date' && v === -2147483648) ||
      (c.kind === 'datetime' && Number.isNaN(v)) ||
      (t.def.byName.get(k.field)!.type === 'many2one' && v === 0);
    // PostgreSQL: NULLs sort last ascending and first descending.
    return (a: number, b: number) => {
      const x = d[a];
      const y = d[b];
      const nx = isNull(x);
      const ny = isNull(y);
      if (nx || ny) return nx === ny ? 0 : nx ? dir : -dir;
      if (x === y) return 0;
      return ((x as number) < (y as number) ? -1 : 1) * dir;
    };
  });
  return (a, b) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r) return r;
    }
    return 0;
  };
}
