-- The aging chart as of today in a millisecond at any size (issue 14): reporting.aged_totals
-- summed every partner row of both aged reports on each read (64 ms at 10,000,000 journal items).
-- reporting_private.aged_totals_today keeps those sums per company and kind. Statement triggers
-- on the two aged reports add what a statement inserted and subtract what it deleted (numeric,
-- exact; a partner row exists only while it is not all zero, so `partners` is a count kept the
-- same way), whoever writes them: the upkeep, a rebuild, a new day.

create table reporting_private.aged_totals_today (
  company_id bigint not null,
  kind text not null,
  not_due numeric not null default 0,
  days_1_30 numeric not null default 0,
  days_31_60 numeric not null default 0,
  days_61_90 numeric not null default 0,
  days_91_120 numeric not null default 0,
  older numeric not null default 0,
  total numeric not null default 0,
  partners bigint not null default 0,
  primary key (company_id, kind)
);
grant select on reporting_private.aged_totals_today to authenticated, service_role, finanzas_bi;
comment on table reporting_private.aged_totals_today is
  'Per company and kind: the sums of reporting_private.aged_receivable_today / '
  'aged_payable_today per bucket and their row count, kept by triggers on those reports';

-- What it must hold (compared by ods.report_differences).
create view reporting_private.aged_totals_today__source as
select a.company_id, 'receivable'::text as kind, sum(a.not_due) as not_due,
       sum(a.days_1_30) as days_1_30, sum(a.days_31_60) as days_31_60,
       sum(a.days_61_90) as days_61_90, sum(a.days_91_120) as days_91_120,
       sum(a.older) as older, sum(a.total) as total, count(*) as partners
  from reporting_private.aged_receivable_today a group by a.company_id
union all
select a.company_id, 'payable'::text, sum(a.not_due), sum(a.days_1_30), sum(a.days_31_60),
       sum(a.days_61_90), sum(a.days_91_120), sum(a.older), sum(a.total), count(*)
  from reporting_private.aged_payable_today a group by a.company_id;

-- tg_argv[0]: the kind of the report the trigger is on. What a statement deleted is counted
-- negative, what it inserted positive (an update both), and added in one upsert.
create function reporting_private.aged_totals_today_follow() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  deltas reporting_private.aged_totals_today[] := '{}';
begin
  if tg_op = 'TRUNCATE' then
    delete from reporting_private.aged_totals_today t where t.kind = tg_argv[0];
    return null;
  end if;
  -- Each transition table exists only for the events that have it: read apart.
  if tg_op in ('DELETE', 'UPDATE') then
    deltas := deltas || array(
      select row(o.company_id, tg_argv[0], -sum(o.not_due), -sum(o.days_1_30),
                 -sum(o.days_31_60), -sum(o.days_61_90), -sum(o.days_91_120), -sum(o.older),
                 -sum(o.total), -count(*))::reporting_private.aged_totals_today
        from old_rows o group by o.company_id);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    deltas := deltas || array(
      select row(n.company_id, tg_argv[0], sum(n.not_due), sum(n.days_1_30), sum(n.days_31_60),
                 sum(n.days_61_90), sum(n.days_91_120), sum(n.older), sum(n.total),
                 count(*))::reporting_private.aged_totals_today
        from new_rows n group by n.company_id);
  end if;
  insert into reporting_private.aged_totals_today as t
  select d.company_id, d.kind, sum(d.not_due), sum(d.days_1_30), sum(d.days_31_60),
         sum(d.days_61_90), sum(d.days_91_120), sum(d.older), sum(d.total), sum(d.partners)
    from unnest(deltas) d group by d.company_id, d.kind
  on conflict (company_id, kind) do update
     set not_due = t.not_due + excluded.not_due,
         days_1_30 = t.days_1_30 + excluded.days_1_30,
         days_31_60 = t.days_31_60 + excluded.days_31_60,
         days_61_90 = t.days_61_90 + excluded.days_61_90,
         days_91_120 = t.days_91_120 + excluded.days_91_120,
         older = t.older + excluded.older, total = t.total + excluded.total,
         partners = t.partners + excluded.partners;
  -- A company and kind left without partner rows has no totals row (as the grouped source).
  delete from reporting_private.aged_totals_today t where t.kind = tg_argv[0] and t.partners = 0;
  return null;
end $$;
revoke all on function reporting_private.aged_totals_today_follow() from public;

do $$
declare
  r record;
begin
  for r in select * from (values ('aged_receivable_today', 'receivable'),
                                 ('aged_payable_today', 'payable')) v (tbl, kind) loop
    execute format('create trigger aged_totals_today_insert after insert on reporting_private.%I
      referencing new table as new_rows for each statement
      execute function reporting_private.aged_totals_today_follow(%L)', r.tbl, r.kind);
    execute format('create trigger aged_totals_today_delete after delete on reporting_private.%I
      referencing old table as old_rows for each statement
      execute function reporting_private.aged_totals_today_follow(%L)', r.tbl, r.kind);
    execute format('create trigger aged_totals_today_update after update on reporting_private.%I
      referencing old table as old_rows new table as new_rows for each statement
      execute function reporting_private.aged_totals_today_follow(%L)', r.tbl, r.kind);
    execute format('create trigger aged_totals_today_truncate after truncate on reporting_private.%I
      for each statement execute function reporting_private.aged_totals_today_follow(%L)',
      r.tbl, r.kind);
  end loop;
end $$;

insert into reporting_private.aged_totals_today
select * from reporting_private.aged_totals_today__source;

create or replace view reporting.aged_totals with (security_invoker = true, security_barrier = true) as
select c.company_id, k.kind,
       coalesce(t.not_due, 0) as not_due, coalesce(t.days_1_30, 0) as days_1_30,
       coalesce(t.days_31_60, 0) as days_31_60, coalesce(t.days_61_90, 0) as days_61_90,
       coalesce(t.days_91_120, 0) as days_91_120, coalesce(t.older, 0) as older,
       coalesce(t.total, 0) as total, coalesce(t.partners, 0) as partners, c.currency
  from reporting_private.companies c
 cross join (values ('receivable'::text), ('payable'::text)) k (kind)
  left join reporting_private.aged_totals_today t
    on t.company_id = c.company_id and t.kind = k.kind
 where (select reporting_private.visible_companies()) is null
    or c.company_id = any ((select reporting_private.visible_companies())::bigint[]);

-- Tables kept by triggers beside the maintained reports (any reporting_private table with a
-- `__source` view) are compared with their definition too.
create or replace function ods.report_differences()
returns table (matview text, missing bigint, extra bigint)
language plpgsql security definer set search_path = '' as $$
declare
  m record;
begin
  for m in select v.matview, v.position from ods.reporting_matviews v where v.maintained
           union all
           select format('%I.%I', n.nspname, c.relname), 1000
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'reporting_private' and c.relkind = 'r'
              and to_regclass(format('%I.%I', n.nspname, c.relname || '__source')) is not null
              and not exists (select from ods.reporting_matviews v
                               where v.matview = format('%I.%I', n.nspname, c.relname))
           order by 2, 1 loop
    matview := m.matview;
    execute format('select count(*) from (select * from %1$s__source except all select * from %1$s) d',
                   m.matview) into missing;
    execute format('select count(*) from (select * from %1$s except all select * from %1$s__source) d',
                   m.matview) into extra;
    return next;
  end loop;
end $$;
