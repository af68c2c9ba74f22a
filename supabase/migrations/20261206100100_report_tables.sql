-- Reports maintained by what changed (issue 14): the heavy materialized views become tables of the
-- same names, with the same columns, indexes and grants, kept current row by row from
-- ods.report_changes (next migration). Each keeps its full definition as a plain view
-- `<name>__source`: a full rebuild reads it, and ods.report_differences() compares the table with
-- it. Every view reading a converted report is created again from its own definition, so the
-- consumer views in reporting.* do not change.

-- A materialized view → a table of the same name filled from `<name>__source`; the views reading
-- it (directly or through other views) are dropped and created again as they were: definition,
-- options (security_invoker, security_barrier), owner, grants, comment, indexes; and so are the
-- functions returning one of their row types.
create function ods.materialized_view_to_table(mv regclass) returns void
language plpgsql set search_path = '' as $$
declare
  nsp text;
  rel text;
  def text;
  acl aclitem[];
  cmt text;
  indexes text[];
  deps jsonb;
  funcs jsonb;
  d jsonb;
  stmt text;
  g record;
begin
  select n.nspname, c.relname, c.relacl, obj_description(c.oid, 'pg_class'), pg_get_viewdef(c.oid)
    into nsp, rel, acl, cmt, def
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.oid = mv and c.relkind = 'm';
  if rel is null then
    raise exception 'ods.materialized_view_to_table: % is not a materialized view', mv;
  end if;
  select coalesce(array_agg(i.indexdef order by i.indexname), '{}') into indexes
    from pg_indexes i where i.schemaname = nsp and i.tablename = rel;
  with recursive dep(oid, depth) as (
    select r.ev_class, 1
      from pg_depend x join pg_rewrite r on r.oid = x.objid
     where x.classid = 'pg_rewrite'::regclass and x.refobjid = mv and r.ev_class <> mv
    union all
    select r.ev_class, dep.depth + 1
      from dep join pg_depend x on x.refobjid = dep.oid
      join pg_rewrite r on r.oid = x.objid
     where x.classid = 'pg_rewrite'::regclass and r.ev_class <> dep.oid
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'name', format('%I.%I', n.nspname, c.relname),
           'kind', case c.relkind when 'm' then 'materialized view' else 'view' end,
           'def', pg_get_viewdef(c.oid), 'options', to_jsonb(c.reloptions),
           'acl', to_jsonb(c.relacl::text[]), 'owner', pg_get_userbyid(c.relowner),
           'comment', obj_description(c.oid, 'pg_class'),
           'indexes', (select coalesce(jsonb_agg(i.indexdef), '[]') from pg_indexes i
                        where i.schemaname = n.nspname and i.tablename = c.relname))
           order by m.depth, c.oid), '[]')
    into deps
    from (select dep.oid, max(dep.depth) as depth from dep group by dep.oid) m
    join pg_class c on c.oid = m.oid
    join pg_namespace n on n.oid = c.relnamespace;

  -- Functions returning the row type of one of those views (`returns setof reporting.aged_totals`)
  -- go with them and come back after them.
  select coalesce(jsonb_agg(jsonb_build_object(
           'def', pg_get_functiondef(p.oid),
           'sig', format('%s(%s)', p.oid::regproc, pg_get_function_identity_arguments(p.oid)),
           'acl', to_jsonb(p.proacl::text[]), 'owner', pg_get_userbyid(p.proowner),
           'comment', obj_description(p.oid, 'pg_proc')) order by p.oid), '[]')
    into funcs
    from pg_proc p
   where exists (select 1 from pg_depend x
                  where x.classid = 'pg_proc'::regclass and x.objid = p.oid
                    and x.refclassid = 'pg_type'::regclass
                    and x.refobjid in (select c.reltype from pg_class c
                                        where c.oid = mv
                                           or format('%I.%I', c.relnamespace::regnamespace, c.relname)
                                              in (select e->>'name' from jsonb_array_elements(deps) e)));

  execute format('drop materialized view %I.%I cascade', nsp, rel);
  execute format('create view %I.%I as %s', nsp, rel || '__source', def);
  execute format('create table %I.%I as select * from %I.%I', nsp, rel, nsp, rel || '__source');
  foreach stmt in array indexes loop
    execute stmt;
  end loop;
  for g in select * from aclexplode(acl) loop
    execute format('grant %s on %I.%I to %s', g.privilege_type, nsp, rel,
                   case g.grantee when 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end);
  end loop;
  if cmt is not null then
    execute format('comment on table %I.%I is %L', nsp, rel, cmt);
  end if;

  for d in select * from jsonb_array_elements(deps) loop
    execute format('create %s %s%s as %s', d->>'kind', d->>'name',
                   case when jsonb_array_length(coalesce(nullif(d->'options', 'null'), '[]')) > 0
                        then ' with (' || (select string_agg(o, ', ')
                                             from jsonb_array_elements_text(d->'options') o) || ')'
                        else '' end,
                   rtrim(d->>'def', '; '));
    execute format('alter %s %s owner to %I', d->>'kind', d->>'name', d->>'owner');
    for stmt in select * from jsonb_array_elements_text(d->'indexes') loop
      execute stmt;
    end loop;
    for g in select * from aclexplode((select array_agg(a::aclitem)
                                          from jsonb_array_elements_text(
                                                 coalesce(nullif(d->'acl', 'null'), '[]')) a)) loop
      execute format('grant %s on %s to %s', g.privilege_type, d->>'name',
                     case g.grantee when 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end);
    end loop;
    if d->>'comment' is not null then
      execute format('comment on %s %s is %L', d->>'kind', d->>'name', d->>'comment');
    end if;
  end loop;
  for d in select * from jsonb_array_elements(funcs) loop
    execute d->>'def';
    execute format('alter function %s owner to %I', d->>'sig', d->>'owner');
    execute format('revoke all on function %s from public', d->>'sig');
    for g in select * from aclexplode((select array_agg(a::aclitem)
                                          from jsonb_array_elements_text(
                                                 coalesce(nullif(d->'acl', 'null'), '[]')) a)) loop
      execute format('grant %s on function %s to %s', g.privilege_type, d->>'sig',
                     case g.grantee when 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end);
    end loop;
    if d->>'comment' is not null then
      execute format('comment on function %s is %L', d->>'sig', d->>'comment');
    end if;
  end loop;
end $$;
revoke all on function ods.materialized_view_to_table(regclass) from public;

-- Posted journal items per company, account and month: the cash position and the revenue and
-- expenses read these few thousand rows instead of every item of a bank or income account.
-- Odoo requires a date and a company on every journal item.
create materialized view reporting_private.account_month_totals as
select l.company_id, l.account_id, date_trunc('month', l.date)::date as month,
       sum(l.balance) as balance, sum(l.amount_currency) as amount_currency,
       max(l.date) as last_date, count(*) as lines
  from odoo.account_move_line l
 where l.parent_state = 'posted' and l.date is not null and l.company_id is not null
   and l.account_id is not null
 group by l.company_id, l.account_id, date_trunc('month', l.date)::date;
create unique index on reporting_private.account_month_totals (account_id, company_id, month);
grant select on reporting_private.account_month_totals to service_role;

-- Posted journal items not yet matched (unreconciled, with a residual) per journal, account and
-- month: the cash position's outstanding receipts and payments, without reading every unmatched
-- item of every bank journal.
create materialized view reporting_private.unmatched_month_totals as
select l.journal_id, l.account_id, date_trunc('month', l.date)::date as month,
       coalesce(sum(l.amount_residual) filter (where l.amount_residual > 0), 0) as receipts,
       coalesce(-sum(l.amount_residual) filter (where l.amount_residual < 0), 0) as payments,
       sum(l.amount_residual) as residual, sum(l.amount_residual_currency) as residual_currency,
       count(*) as lines
  from odoo.account_move_line l
 where l.parent_state = 'posted' and not coalesce(l.reconciled, false)
   and coalesce(l.amount_residual, 0) <> 0
   and l.journal_id is not null and l.account_id is not null and l.date is not null
 group by l.journal_id, l.account_id, date_trunc('month', l.date)::date;
create unique index on reporting_private.unmatched_month_totals (journal_id, account_id, month);
grant select on reporting_private.unmatched_month_totals to service_role;

-- Leaves first: a report is converted after every report reading it, so what is created again
-- after each conversion is plain views (the readers' sources and the consumer views).
select ods.materialized_view_to_table(v::regclass) from unnest(array[
  'reporting_private.trade_item_partials', 'reporting_private.aged_items',
  'reporting_private.partner_balances', 'reporting_private.partner_ledger',
  'reporting_private.cashflow_by_due_week', 'reporting_private.trade_items',
  'reporting_private.open_documents', 'reporting_private.cash_position',
  'reporting_private.revenue_expenses_by_month', 'reporting_private.account_month_totals',
  'reporting_private.unmatched_month_totals', 'reporting_private.aged_receivable_today',
  'reporting_private.aged_payable_today']) v;

-- What the upkeep looks rows up by: a partner's items, aged items and ledger lines (NULL partner = 0, as
-- partner_balances keys it), the open items due in a week, the items of an account in a month,
-- the unmatched items of an account and journal in a month.
create index on reporting_private.trade_items (company_id, (coalesce(partner_id, 0)));
create index on reporting_private.trade_items (company_id, aging_date) where amount_residual <> 0;
create index on reporting_private.aged_items (company_id, (coalesce(partner_id, 0)));
create index on reporting_private.partner_ledger
  (company_id, (coalesce(partner_id, 0)), date, line_id);
create index if not exists account_move_line_account_date_idx
  on odoo.account_move_line (account_id, date);
create index if not exists account_move_line_unmatched_idx
  on odoo.account_move_line (account_id, journal_id, date)
  where parent_state = 'posted' and not coalesce(reconciled, false)
    and coalesce(amount_residual, 0) <> 0;

alter table ods.reporting_matviews
  add column maintained boolean not null default false,
  -- incremental | full: how the last upkeep that changed the report did it
  add column last_mode text;
insert into ods.reporting_matviews (matview, position, inputs)
values ('reporting_private.account_month_totals', 105, '{account_move_line}'),
       ('reporting_private.unmatched_month_totals', 106, '{account_move_line}');
update ods.reporting_matviews set maintained = true
 where matview in ('reporting_private.trade_items', 'reporting_private.trade_item_partials',
                   'reporting_private.aged_items', 'reporting_private.partner_balances',
                   'reporting_private.partner_ledger', 'reporting_private.cashflow_by_due_week',
                   'reporting_private.open_documents', 'reporting_private.cash_position',
                   'reporting_private.revenue_expenses_by_month',
                   'reporting_private.account_month_totals',
                   'reporting_private.unmatched_month_totals',
                   'reporting_private.aged_receivable_today',
                   'reporting_private.aged_payable_today');
comment on column ods.reporting_matviews.maintained is
  'A table kept current from ods.report_changes (its full definition: <matview>__source), not a '
  'materialized view';
