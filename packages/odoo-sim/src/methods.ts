import type { FieldDef } from './catalog.ts';
import { OdooError } from './odoo-error.ts';
import { companyRule, count, type Env, makeEnv, search } from './query.ts';
import { formattedReadGroup, readGroup } from './read-group.ts';
import { readPage } from './reader.ts';
import type { Store } from './store.ts';
import type { Table } from './table.ts';
import type { OdooValue } from './values.ts';

/**
 * The model methods the simulator answers, with Python-style argument binding (positional
 * then keyword; an unknown keyword is a TypeError, which JSON-2 turns into 422).
 */
interface Signature {
  params: string[];
  /** `@api.model`: no records; JSON-2 rejects ids. */
  model: boolean;
  minVersion?: number;
  run(store: Store, t: Table, env: Env, a: Record<string, unknown>, ids: number[]): OdooValue;
}

export class BindError extends OdooError {
  constructor(message: string) {
    super('TypeError', message);
  }
}

const SIGNATURES: Record<string, Signature> = {
  search_read: {
    params: ['domain', 'fields', 'offset', 'limit', 'order', 'load'],
    model: true,
    run: (store, t, env, a) => {
      const positions = search(store, t, a.domain ?? [], env, {
        offset: a.offset as number,
        limit: a.limit as number,
        order: a.order,
      });
      return readPage(store, t, positions, a.fields, env, a.load ?? '_classic_read');
    },
  },
  search: {
    params: ['domain', 'offset', 'limit', 'order'],
    model: true,
    run: (store, t, env, a) =>
      search(store, t, a.domain ?? [], env, {
        offset: a.offset as number,
        limit: a.limit as number,
        order: a.order,
      }).map((p) => t.ids[p]),
  },
  search_count: {
    params: ['domain', 'limit'],
    model: true,
    run: (store, t, env, a) => count(store, t, a.domain ?? [], env, a.limit as number),
  },
  read: {
    params: ['fields', 'load'],
    model: false,
    run: (store, t, env, a, ids) => {
      const rule = companyRule(t, env);
      const positions: number[] = [];
      for (const id of ids) {
        const p = t.pos(id);
        if (p < 0) continue; // read() silently drops missing records
        if (rule && !rule(p)) {
          throw new OdooError(
            'AccessError',
            `You are not allowed to access '${t.def.description}' (${t.def.name}) records.\n\nRecords: ${store.displayNameAt(t, p)} (id=${id})\n\nThis restriction is due to multi-company rules.`,
          );
        }
        positions.push(p);
      }
      return readPage(store, t, positions, a.fields, env, a.load ?? '_classic_read');
    },
  },
  fields_get: {
    params: ['allfields', 'attributes'],
    model: true,
    run: (store, t, _env, a) => fieldsGet(store, t, a.allfields, a.attributes),
  },
  read_group: {
    params: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'],
    model: true,
    run: (store, t, env, a) => readGroup(store, t, env, a),
  },
  formatted_read_group: {
    params: ['domain', 'groupby', 'aggregates', 'having', 'offset', 'limit', 'order'],
    model: true,
    minVersion: 19,
    run: (store, t, env, a) => formattedReadGroup(store, t, env, a),
  },
  create: {
    params: ['vals_list'],
    model: true,
    run: (store, t, _env, a) => {
      const list = Array.isArray(a.vals_list) ? a.vals_list : [a.vals_list];
      const ids = store.transaction((tx) =>
        list.map((v) => tx.create(t.def.name, v as Record<string, unknown>)),
      );
      return Array.isArray(a.vals_list) ? ids : ids[0];
    },
  },
  write: {
    params: ['vals'],
    model: false,
    run: (store, t, env, a, ids) => {
      store.transaction((tx) => {
        // A company-dependent value is written for env.company, like the ORM does.
        tx.companyId = env.companyId;
        tx.write(t.def.name, ids, a.vals as Record<string, unknown>);
      });
      return true;
    },
  },
  unlink: {
    params: [],
    model: false,
    run: (store, t, _env, _a, ids) => {
      store.transaction((tx) => tx.unlink(t.def.name, ids));
      return true;
    },
  },
};

const USER_METHODS: Record<string, Signature> = {
  context_get: {
    params: [],
    model: true,
    run: () => ({ lang: 'en_US', tz: 'Europe/Madrid', uid: 2 }),
  },
};

function lookup(store: Store, model: string, method: string): Signature | undefined {
  if (model === 'res.users' && USER_METHODS[method]) return USER_METHODS[method];
  const sig = SIGNATURES[method];
  if (!sig) return undefined;
  if (sig.minVersion && store.version < sig.minVersion) return undefined;
  return sig;
}

export interface CallInput {
  model: string;
  method: string;
  /** execute_kw positional args (record methods take ids first). */
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** JSON-2: ids in the body. */
  ids?: unknown;
  /** JSON-2 passes named args only. */
  json2?: boolean;
}

export function callMethod(store: Store, input: CallInput): OdooValue {
  const { model, method } = input;
  if (method.startsWith('_')) {
    throw new OdooError(
      'AccessError',
      `Private methods (such as '${model}.${method}') cannot be called remotely.`,
    );
  }
  const t = store.tables.get(model);
  if (!t) {
    if (input.json2) throw new OdooError('NotFound', `Model '${model}' does not exist.`);
    throw new OdooError('KeyError', `'${model}'`);
  }
  const sig = lookup(store, model, method);
  if (!sig) {
    if (input.json2)
      throw new OdooError('NotFound', `Method '${method}' does not exist on model '${model}'.`);
    throw new OdooError('AttributeError', `The method '${model}.${method}' does not exist`);
  }
  const kwargs = { ...(input.kwargs ?? {}) };
  const context = kwargs.context;
  delete kwargs.context;
  let args = [...(input.args ?? [])];
  let ids: number[] = [];
  if (input.json2) {
    ids = normalizeIds(input.ids ?? []);
    if (sig.model && ids.length) {
      throw new OdooError('UnprocessableEntity', `cannot call ${model}.${method} with ids`);
    }
  } else if (!sig.model) {
    if (args.length === 0)
      throw new BindError(`${method}() missing 1 required positional argument: 'ids'`);
    ids = normalizeIds(args[0]);
    args = args.slice(1);
  }
  const bound = bind(method, sig.params, args, kwargs, input.json2);
  const env = makeEnv(store, context);
  return sig.run(store, t, env, bound, ids);
}

function normalizeIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw new OdooError('ValueError', `Invalid ids: ${JSON.stringify(v)}`);
}

function bind(
  method: string,
  params: string[],
  args: unknown[],
  kwargs: Record<string, unknown>,
  json2?: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (args.length > params.length) {
    throw new BindError(
      `${method}() takes from 1 to ${params.length + 1} positional arguments but ${args.length + 1} were given`,
    );
  }
  args.forEach((a, i) => {
    out[params[i]] = a;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if (!params.includes(k)) {
      const e = new BindError(`${method}() got an unexpected keyword argument '${k}'`);
      if (json2) throw new OdooError('UnprocessableEntity', e.message);
      throw e;
    }
    if (k in out) throw new BindError(`${method}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out;
}

const _DEFAULT_ATTRS = [
  'type',
  'string',
  'help',
  'store',
  'readonly',
  'required',
  'searchable',
  'sortable',
  'groupable',
  'company_dependent',
  'translate',
  'relation',
  'relation_field',
  'selection',
  'currency_field',
  'name',
];

export function fieldsGet(
  store: Store,
  t: Table,
  allfields: unknown,
  attributes: unknown,
): OdooValue {
  const names =
    Array.isArray(allfields) && allfields.length ? new Set(allfields.map(String)) : null;
  const attrs = Array.isArray(attributes) && attributes.length ? attributes.map(String) : null;
  const out: Record<string, OdooValue> = {};
  const hidden = store.hiddenFields.get(t.def.name);
  for (const f of t.def.fields) {
    if (names && !names.has(f.name)) continue;
    if (hidden?.has(f.name)) continue;
    const full = describe(store, f);
    if (!attrs) out[f.name] = full;
    else {
      const d: Record<string, OdooValue> = {};
      for (const a of attrs) if (a in full) d[a] = full[a];
      out[f.name] = d;
    }
  }
  return out;
}

function describe(store: Store, f: FieldDef): Record<string, OdooValue> {
  const d: Record<string, OdooValue> = {
    type: f.type,
    string: f.string,
    name: f.name,
    store: f.store,
    readonly: f.readonly ?? false,
    required: f.required ?? false,
    searchable: f.store || f.compute === 'display_name' || !!f.column || !!f.companyDependent,
    sortable: f.store && f.type !== 'one2many' && f.type !== 'many2many',
    groupable: f.store && f.type !== 'one2many' && f.type !== 'text',
    company_dependent: f.companyDependent ?? false,
    manual: false,
    exportable: true,
    depends: [],
  };
  if (f.help) d.help = f.help;
  if (f.type === 'char' || f.type === 'text') d.translate = f.translate ?? false;
  if (f.relation) {
    d.relation = f.relation;
    d.domain = [];
    d.context = {};
  }
  if (f.inverse) d.relation_field = f.inverse;
  if (f.selection) d.selection = f.selection.map((s) => [...s]);
  if (f.type === 'monetary') d.currency_field = f.currencyField ?? 'currency_id';
  if (['float', 'monetary', 'integer'].includes(f.type) && f.name !== 'id') {
    d[store.traits.aggregator ? 'aggregator' : 'group_operator'] = 'sum';
  }
  return d;
}
