// The schema cache: relations, columns, functions and role settings of the exposed
// schemas, read from pg_catalog as the authenticator. It expires after a short TTL,
// is reloaded on `NOTIFY pgrst, 'reload schema'`, and once more on a miss, so objects
// created by a running test or migration are found without a restart.

import type { Sql } from 'postgres';
import { arrayLiteral } from './sql-fragments.ts';

export interface Relation {
  schema: string;
  name: string;
  kind: string;
  /** column name → base type name */
  columns: Map<string, string>;
}

export interface RoutineParam {
  name: string;
  type: string;
  /** 'i' in, 'b' inout, 'v' variadic */
  mode: string;
  hasDefault: boolean;
}

export interface Routine {
  schema: string;
  name: string;
  params: RoutineParam[];
  volatility: 'i' | 's' | 'v';
  setof: boolean;
  returnsVoid: boolean;
  returnsComposite: boolean;
  /** Hoisted settings from the function's own SET clauses. */
  settings: [string, string][];
}

export interface RoleSettings {
  settings: [string, string][];
  isolation?: string;
}

export interface SchemaCacheData {
  relations: Map<string, Relation>;
  routines: Map<string, Routine[]>;
  roleSettings: Map<string, RoleSettings>;
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

// Settings PostgREST hoists from a function's SET clauses into the transaction.
const HOISTED = new Set([
  'statement_timeout',
  'plan_filter.statement_cost_limit',
  'default_transaction_isolation',
]);

const RELATIONS_SQL = `
select json_build_object(
  'schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
  'columns', coalesce((
    select json_agg(json_build_array(a.attname, coalesce(bt.typname, t.typname)) order by a.attnum)
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_type t on t.oid = a.atttypid
    left join pg_catalog.pg_type bt on bt.oid = nullif(t.typbasetype, 0)
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]'))::text as item
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

const ROUTINES_SQL = `
select json_build_object(
  'schema', n.nspname, 'name', p.proname, 'volatility', p.provolatile, 'setof', p.proretset,
  'returnsVoid', p.prorettype = 'pg_catalog.void'::pg_catalog.regtype,
  'returnsComposite', rt.typtype = 'c' or p.prorettype = 'pg_catalog.record'::pg_catalog.regtype,
  'nDefaults', p.pronargdefaults,
  'config', coalesce(p.proconfig, '{}'),
  'params', coalesce((
    select json_agg(json_build_array(coalesce(x.name, ''), pg_catalog.format_type(x.type, null), coalesce(x.mode, 'i')) order by x.ord)
    from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
      with ordinality as x(type, name, mode, ord)), '[]'))::text as item
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
join pg_catalog.pg_type rt on rt.oid = p.prorettype
where n.nspname = any($1::text[]) and p.prokind = 'f'`;

// Like PostgREST's role-settings query: only settings the authenticator may set.
const ROLE_SETTINGS_SQL = `
with role_setting as (
  select r.rolname, unnest(r.rolconfig) as setting
  from pg_catalog.pg_auth_members m
  join pg_catalog.pg_roles r on r.oid = m.roleid
  where m.member = current_user::regrole::oid
), kv as (
  select rolname, substr(setting, 1, strpos(setting, '=') - 1) as k, substr(setting, strpos(setting, '=') + 1) as v
  from role_setting
)
select json_build_array(kv.rolname, kv.k, kv.v)::text as item
from kv
join pg_catalog.pg_settings ps on ps.name = kv.k
where ps.context = 'user' or pg_catalog.has_parameter_privilege(current_user::regrole::oid, ps.name, 'set')`;

async function loadSchemaCache(sql: Sql, schemas: string[]): Promise<SchemaCacheData> {
  const schemaList = arrayLiteral(schemas);
  const run = (text: string, params: string[]) =>
    sql.unsafe<{ item: string }[]>(text, params, { prepare: false });
  const [relRows, fnRows, roleRows] = await Promise.all([
    run(RELATIONS_SQL, [schemaList]),
    run(ROUTINES_SQL, [schemaList]),
    run(ROLE_SETTINGS_SQL, []),
  ]);

  const relations = new Map<string, Relation>();
  for (const { item } of relRows) {
    const r = JSON.parse(item) as {
      schema: string;
      name: string;
      kind: string;
      columns: [string, string][];
    };
    relations.set(key(r.schema, r.name), { ...r, columns: new Map(r.columns) });
  }

  const routines = new Map<string, Routine[]>();
  for (const { item } of fnRows) {
    const f = JSON.parse(item) as {
      schema: string;
      name: string;
      volatility: 'i' | 's' | 'v';
      setof: boolean;
      returnsVoid: boolean;
      returnsComposite: boolean;
      nDefaults: number;
      config: string[];
      params: [string, string, string][];
    };
    const inputs = f.params.filter(([, , mode]) => mode === 'i' || mode === 'b' || mode === 'v');
    const firstDefault = inputs.length - f.nDefaults;
    const params = inputs.map(([name, type, mode], i) => ({
      name,
      type,
      mode,
      hasDefault: i >= firstDefault,
    }));
    const settings: [string, string][] = [];
    for (const entry of f.config) {
      const eq = entry.indexOf('=');
      if (eq > 0 && HOISTED.has(entry.slice(0, eq)))
        settings.push([entry.slice(0, eq), entry.slice(eq + 1)]);
    }
    const routine: Routine = {
      schema: f.schema,
      name: f.name,
      params,
      volatility: f.volatility,
      setof: f.setof,
      returnsVoid: f.returnsVoid,
      returnsComposite: f.returnsComposite,
      settings,
    };
    const k = key(f.schema, f.name);
    routines.set(k, [...(routines.get(k) ?? []), routine]);
  }

  const roleSettings = new Map<string, RoleSettings>();
  for (const { item } of roleRows) {
    const [role, k, v] = JSON.parse(item) as [string, string, string];
    const entry = roleSettings.get(role) ?? { settings: [] };
    if (k === 'default_transaction_isolation') entry.isolation = v.toLowerCase();
    else entry.settings.push([k, v]);
    roleSettings.set(role, entry);
  }
  return { relations, routines, roleSettings };
}

export class SchemaCache {
  private data: SchemaCacheData | undefined;
  private loadedAt = 0;
  private loading: Promise<SchemaCacheData> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly schemas: string[],
    private readonly ttlMs = 1000,
  ) {}

  invalidate(): void {
    this.loadedAt = 0;
  }

  async get(forceFresh = false): Promise<SchemaCacheData> {
    const fresh = Date.now() - this.loadedAt < this.ttlMs;
    if (this.data && fresh && !forceFresh) return this.data;
    if (!this.loading) {
      const started = Date.now();
      this.loading = loadSchemaCache(this.sql, this.schemas)
        .then((data) => {
          this.data = data;
          this.loadedAt = started;
          return data;
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    return this.loading;
  }

  /** Age in ms of the data in hand (Infinity when never loaded). */
  age(): number {
    return this.data ? Date.now() - this.loadedAt : Number.POSITIVE_INFINITY;
  }

  static relation(data: SchemaCacheData, schema: string, name: string): Relation | undefined {
    return data.relations.get(key(schema, name));
  }

  static routines(data: SchemaCacheData, schema: string, name: string): Routine[] {
    return data.routines.get(key(schema, name)) ?? [];
  }

  static relationNames(data: SchemaCacheData, schema: string): string[] {
    return [...data.relations.values()].filter((r) => r.schema === schema).map((r) => r.name);
  }

  static routineNames(data: SchemaCacheData, schema: string): string[] {
    return [
      ...new Set(
        [...data.routines.values()]
          .flat()
          .filter((r) => r.schema === schema)
          .map((r) => r.name),
      ),
    ];
  }
}
