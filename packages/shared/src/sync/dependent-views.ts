import type { Sql, TransactionSql } from 'postgres';
import { quoteLiteral } from './mirror-table.ts';
import { ident } from './sql-ident.ts';

/** A view or materialized view as it must be created again, with what belongs to it. */
interface SavedView {
  oid: number;
  name: string;
  materialized: boolean;
  definition: string;
  options: string[] | null;
  owner: string;
  grants: string[];
  comment: string | null;
  columnComments: { column: string; comment: string }[];
  indexes: string[];
  /** Oids of the saved views it reads. */
  reads: number[];
}

/**
 * Runs `change` (a column's type or name changing) in `tx` with every view and materialized
 * view reading that column — and those reading them — dropped first and created again after
 * from their own definitions, with their options (security_invoker, security_barrier), owner,
 * grants, comments and indexes. Postgres cannot alter a column a view reads; the reports keep
 * their text and read the new column. When a definition does not fit the new type (a coalesce
 * with an integer on what is now text), this throws and the caller's transaction rolls back.
 * Returns the views' names.
 */
export async function rebuildingDependentViews(
  tx: TransactionSql,
  table: string,
  column: string,
  change: () => Promise<unknown>,
): Promise<string[]> {
  const views = await dependentViews(tx, table, column);
  const order = topological(views);
  for (const v of [...order].reverse()) {
    await tx.unsafe(`drop ${v.materialized ? 'materialized view' : 'view'} ${v.name}`);
  }
  await change();
  for (const v of order) {
    const options = v.options?.length ? ` with (${v.options.join(', ')})` : '';
    await tx.unsafe(
      `create ${v.materialized ? 'materialized view' : 'view'} ${v.name}${options} as ${v.definition.replace(/;\s*$/, '')}`,
    );
    await tx.unsafe(
      `alter ${v.materialized ? 'materialized view' : 'view'} ${v.name} owner to ${ident(v.owner)}`,
    );
    for (const g of v.grants) await tx.unsafe(g);
    if (v.comment !== null) {
      await tx.unsafe(
        `comment on ${v.materialized ? 'materialized view' : 'view'} ${v.name} is ${quoteLiteral(v.comment)}`,
      );
    }
    for (const c of v.columnComments) {
      await tx.unsafe(
        `comment on column ${v.name}.${ident(c.column)} is ${quoteLiteral(c.comment)}`,
      );
    }
    for (const i of v.indexes) await tx.unsafe(i);
  }
  return order.map((v) => v.name);
}

/** The names of the views reading odoo.<table>.<column>, and recursively of those reading them. */
export async function dependentViewNames(
  sql: Sql,
  table: string,
  column: string,
): Promise<string[]> {
  return topological(await dependentViews(sql, table, column)).map((v) => v.name);
}

/** The views reading odoo.<table>.<column>, and recursively those reading them. */
async function dependentViews(
  tx: Sql | TransactionSql,
  table: string,
  column: string,
): Promise<SavedView[]> {
  const rows = await tx<
    (Omit<SavedView, 'oid' | 'reads' | 'grants' | 'columnComments'> & {
      oid: string;
      reads: string[];
      grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
      column_comments: { column: string; comment: string }[] | null;
    })[]
  >`
    with recursive deps(oid) as (
      select distinct r.ev_class
        from pg_depend d join pg_rewrite r on r.oid = d.objid
       where d.classid = 'pg_rewrite'::regclass
         and d.refobjid = ${`odoo.${ident(table)}`}::regclass
         and d.refobjsubid = (select attnum from pg_attribute
                               where attrelid = ${`odoo.${ident(table)}`}::regclass
                                 and attname = ${column})
         and r.ev_class <> d.refobjid
      union
      select r.ev_class
        from deps
        join pg_depend d on d.refobjid = deps.oid and d.classid = 'pg_rewrite'::regclass
        join pg_rewrite r on r.oid = d.objid
       where r.ev_class <> deps.oid
    )
    select c.oid::text as oid, c.oid::regclass::text as name, c.relkind = 'm' as materialized,
           pg_get_viewdef(c.oid) as definition, c.reloptions as options,
           pg_get_userbyid(c.relowner) as owner,
           (select json_agg(json_build_object('grantee', coalesce(g.rolname, 'public'),
                                              'privilege', a.privilege_type,
                                              'grantable', a.is_grantable))
              from aclexplode(c.relacl) a left join pg_roles g on g.oid = a.grantee
             where a.grantee <> c.relowner) as grants,
           obj_description(c.oid, 'pg_class') as comment,
           (select json_agg(json_build_object('column', a.attname, 'comment', d.description))
              from pg_attribute a
              join pg_description d on d.objoid = c.oid and d.objsubid = a.attnum
                                   and d.classoid = 'pg_class'::regclass
             where a.attrelid = c.oid and a.attnum > 0) as column_comments,
           coalesce((select array_agg(pg_get_indexdef(i.indexrelid)) from pg_index i
                      where i.indrelid = c.oid), '{}') as indexes,
           coalesce((select array_agg(distinct d.refobjid::text)
                       from pg_rewrite r1
                       join pg_depend d on d.objid = r1.oid and d.classid = 'pg_rewrite'::regclass
                      where r1.ev_class = c.oid and d.refobjid in (select oid from deps)
                        and d.refobjid <> c.oid), '{}') as reads
      from pg_class c
     where c.oid in (select oid from deps)`;
  return rows.map((r) => ({
    ...r,
    oid: Number(r.oid),
    reads: r.reads.map(Number),
    grants: (r.grants ?? []).map(
      (g) =>
        `grant ${g.privilege} on ${r.name} to ${g.grantee === 'public' ? 'public' : ident(g.grantee)}${
          g.grantable ? ' with grant option' : ''
        }`,
    ),
    columnComments: r.column_comments ?? [],
  }));
}

/** Views ordered so each comes after the views it reads. */
function topological(views: SavedView[]): SavedView[] {
  const byOid = new Map(views.map((v) => [v.oid, v]));
  const out: SavedView[] = [];
  const seen = new Set<number>();
  const visit = (v: SavedView) => {
    if (seen.has(v.oid)) return;
    seen.add(v.oid);
    for (const r of v.reads) {
      const dep = byOid.get(r);
      if (dep) visit(dep);
    }
    out.push(v);
  };
  for (const v of views) visit(v);
  return out;
}
