-- The aged balance as of any date at 10,000,000 journal items (issue 14), third step: every
-- range the as-of query reads is found by an index on (kind, company, range), and the query is
-- planned with its date, kind and companies in hand.
-- Before: reporting_private.aged_partner_units was a SQL function, planned once with its
-- arguments as parameters. "companies is null or company_id = any (companies)" could not be an
-- index condition, so each range was read for every company and kind and filtered afterwards
-- (about four rows read for one kept, measured at 10M for one company), and the settled items due
-- within 120 days were a range on the due date alone, open-ended towards the future.
-- Now: a PL/pgSQL function that runs the same query as dynamic SQL with the arguments as literals
-- (one custom plan per call, about a millisecond to plan), over three indexes that hold kind and
-- company in front of the range (btree_gist for the two GiST ones):
--   changing   items whose residual may change on the date (unchanged definition);
--   due        never-closed items settled by the date and due within its 120 days:
--              [settled on, due date + 121) contains the date;
--   older      never-closed items that reached "older" since 1 January (their t5).
-- Same rows, same residuals, same buckets as before; signature, grants and callers unchanged.

create extension if not exists btree_gist with schema extensions;

drop index if exists reporting_private.aged_items_changing_idx;
drop index if exists reporting_private.aged_items_settled_idx;
drop index if exists reporting_private.aged_items_t5_idx;
drop index if exists reporting_private.aged_items_never_closed_due_idx;
drop index if exists reporting_private.aged_settled_years_last_idx;

create index aged_items_changing_idx on reporting_private.aged_items
  using gist (kind, company_id,
              daterange(lower(open_during),
                        coalesce(upper(open_during), greatest(lower(open_during), last_partial_date)),
                        '[)'))
  where coalesce(upper(open_during), greatest(lower(open_during), last_partial_date))
        > lower(open_during);

-- Empty once the item is settled only after it is 121 days past due (it is then in "older"
-- from its t5 on, below).
create index aged_items_due_idx on reporting_private.aged_items
  using gist (kind, company_id,
              daterange(greatest(lower(open_during), last_partial_date),
                        greatest(greatest(lower(open_during), last_partial_date), aging_date + 121),
                        '[)'))
  where upper_inf(open_during);

create index aged_items_t5_idx on reporting_private.aged_items
  (kind, company_id,
   (greatest(greatest(lower(open_during), last_partial_date), aging_date + 121)))
  include (partner_id, aging_date, final_units, unit)
  where upper_inf(open_during);

create index aged_settled_years_last_idx on reporting_private.aged_settled_years
  (kind, company_id, year) include (partner_key, partner_id, units, unit) where is_last;

-- The query of reporting_private.aged_partner_units for these arguments, as text: what the
-- functions below run, or wrap in their own aggregate (one pass, no intermediate set).
create or replace function reporting_private.aged_units_sql(as_of date, kind text, companies bigint[])
returns text
language plpgsql stable set search_path = '' as $fn$
declare
  -- Literals, so that kind and company are index conditions of each range below.
  d text := quote_literal(as_of) || '::date';
  k text := quote_literal(kind);
  on_companies text := case when companies is null then 'true'
                            else format('%%s = any (%L::bigint[])', companies) end;
begin
  return format($q$
  with changing as materialized (
    -- Materialized: the residual (a subquery for items between their first and last partial)
    -- is computed once per item, not once per bucket below.
    select t.company_id, t.partner_id, t.aging_date, t.unit,
           case when t.first_partial_date is null or t.first_partial_date > %1$s
                  then t.balance_units
                when t.last_partial_date <= %1$s
                  then t.final_units
                else t.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = t.line_id and p.max_date <= %1$s)
           end as residual
      from reporting_private.aged_items t
     where daterange(lower(t.open_during),
                     coalesce(upper(t.open_during),
                              greatest(lower(t.open_during), t.last_partial_date)),
                     '[)') @> %1$s
       and coalesce(upper(t.open_during), greatest(lower(t.open_during), t.last_partial_date))
           > lower(t.open_during)
       and t.kind = %2$s and %3$s
  ),
  items as (
    select c.company_id, c.partner_id, c.aging_date, c.unit, c.residual from changing c
    union all
    -- Settled, due within 120 days of the date: bucketed one by one.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during) and t.kind = %2$s and %3$s
       and daterange(greatest(lower(t.open_during), t.last_partial_date),
                     greatest(greatest(lower(t.open_during), t.last_partial_date),
                              t.aging_date + 121),
                     '[)') @> %1$s
    union all
    -- Settled and 121 days past due since this year's 1 January: "older", one by one.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during) and t.kind = %2$s and %3$s
       and greatest(greatest(lower(t.open_during), t.last_partial_date), t.aging_date + 121)
           between date_trunc('year', %1$s::timestamp)::date and %1$s
  ),
  bucketed as (
    select i.company_id, coalesce(i.partner_id, 0) as partner_key, i.partner_id,
           max(i.unit) as unit,
           coalesce(sum(i.residual) filter (where i.aging_date >= %1$s), 0)::bigint as b0,
           coalesce(sum(i.residual) filter (
             where i.aging_date between %1$s - 30 and %1$s - 1), 0)::bigint as b1,
           coalesce(sum(i.residual) filter (
             where i.aging_date between %1$s - 60 and %1$s - 31), 0)::bigint as b2,
           coalesce(sum(i.residual) filter (
             where i.aging_date between %1$s - 90 and %1$s - 61), 0)::bigint as b3,
           coalesce(sum(i.residual) filter (
             where i.aging_date between %1$s - 120 and %1$s - 91), 0)::bigint as b4,
           coalesce(sum(i.residual) filter (where i.aging_date <= %1$s - 121), 0)::bigint as b5
      from items i
     group by i.company_id, i.partner_id
  ),
  -- Settled and 121 days past due before 1 January: one sum per partner ("older"), from the row
  -- of that year, or the last row of a partner whose items all got there before.
  years as (
    select y.company_id, y.partner_key, y.partner_id, y.unit, y.units
      from reporting_private.aged_settled_years y
     where y.kind = %2$s and %4$s
       and y.year = date_trunc('year', %1$s::timestamp)::date
    union all
    select y.company_id, y.partner_key, y.partner_id, y.unit, y.units
      from reporting_private.aged_settled_years y
     where y.kind = %2$s and %4$s
       and y.is_last and y.year < date_trunc('year', %1$s::timestamp)::date
  ),
  grouped as (
    -- A partner has one row of each at most: joined, not aggregated again.
    select coalesce(b.company_id, y.company_id) as company_id,
           coalesce(b.partner_id, y.partner_id) as partner_id,
           coalesce(b.unit, y.unit) as unit,
           coalesce(b.b0, 0) as b0, coalesce(b.b1, 0) as b1, coalesce(b.b2, 0) as b2,
           coalesce(b.b3, 0) as b3, coalesce(b.b4, 0) as b4,
           coalesce(b.b5, 0) + coalesce(y.units, 0) as b5
      from bucketed b
      full join years y on y.company_id = b.company_id and y.partner_key = b.partner_key
  )
  select g.company_id, g.partner_id,
         (case %2$s when 'payable' then -1 else 1 end)
           * case g.unit when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                         else trim_scale(1::numeric / g.unit) end as f,
         g.b0, g.b1, g.b2, g.b3, g.b4, g.b5
    from grouped g
   where (g.b0, g.b1, g.b2, g.b3, g.b4, g.b5) <> (0, 0, 0, 0, 0, 0)
$q$, d, k, format(on_companies, 't.company_id'), format(on_companies, 'y.company_id'));
end $fn$;
revoke all on function reporting_private.aged_units_sql(date, text, bigint[]) from public;
grant execute on function reporting_private.aged_units_sql(date, text, bigint[])
  to authenticated, service_role, finanzas_bi;

create or replace function reporting_private.aged_partner_units(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, f numeric, b0 bigint, b1 bigint, b2 bigint, b3 bigint,
  b4 bigint, b5 bigint
)
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB' as $fn$
begin
  return query execute reporting_private.aged_units_sql(as_of, kind, companies);
end $fn$;

-- The two functions behind the page's date picker aggregate that query in the same statement.
create or replace function reporting.aged_totals_as_of(as_of date, kind text, company bigint default null)
returns setof reporting.aged_totals
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_totals_as_of', as_of, kind);
  return query execute format($q$
    select c.company_id, $1,
           coalesce(t.b0 * t.f, 0), coalesce(t.b1 * t.f, 0), coalesce(t.b2 * t.f, 0),
           coalesce(t.b3 * t.f, 0), coalesce(t.b4 * t.f, 0), coalesce(t.b5 * t.f, 0),
           coalesce((t.b0 + t.b1 + t.b2 + t.b3 + t.b4 + t.b5) * t.f, 0),
           coalesce(t.partners, 0), c.currency
      from reporting_private.companies c
      left join (
        select g.company_id, sum(g.b0) as b0, sum(g.b1) as b1, sum(g.b2) as b2, sum(g.b3) as b3,
               sum(g.b4) as b4, sum(g.b5) as b5, count(*) as partners, max(g.f) as f
          from (%s) g
         group by g.company_id
      ) t on t.company_id = c.company_id
     where $2 is null or c.company_id = any ($2)
     order by c.company_id
  $q$, reporting_private.aged_units_sql(as_of, kind, ids)) using kind, ids;
end $$;

create or replace function reporting.aged_balance_top(
  as_of date, kind text, n integer default 10, company bigint default null
)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_balance_top', as_of, kind);
  if n is null or n < 0 then
    raise exception 'reporting.aged_balance_top: n must be 0 or more, not %', coalesce(n::text, 'NULL')
      using errcode = '22023';
  end if;
  return query execute format($q$
    with ranked as (
      select g.company_id, g.partner_id, g.b0, g.b1, g.b2, g.b3, g.b4, g.b5, g.f,
             row_number() over (
               partition by g.company_id
               order by (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5)
                          * (case $1 when 'payable' then -1 else 1 end) desc,
                        g.partner_id nulls last) as rank
        from (%s) g
    )
    -- The name looked up per row kept: a join would hash every partner of the books first.
    select r.company_id, r.partner_id,
           (select p.name from reporting_private.partners p where p.partner_id = r.partner_id),
           r.b0 * r.f, r.b1 * r.f, r.b2 * r.f, r.b3 * r.f,
           r.b4 * r.f, r.b5 * r.f, (r.b0 + r.b1 + r.b2 + r.b3 + r.b4 + r.b5) * r.f
      from ranked r
     where r.rank <= $2
     order by r.company_id, r.rank
  $q$, reporting_private.aged_units_sql(as_of, kind, ids)) using kind, n;
end $$;

-- Every partner as of a date, as amounts with names: the same query, restricted to the given
-- companies inside it, names joined once. reporting_private.aged_rows (the today reports'
-- source) and reporting.aged_balance read it.
create or replace function reporting_private.aged_rows_for(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
begin
  return query execute format($q$
    select g.company_id, g.partner_id, p.name, g.b0 * g.f, g.b1 * g.f, g.b2 * g.f, g.b3 * g.f,
           g.b4 * g.f, g.b5 * g.f, (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5) * g.f
      from (%s) g
      left join reporting_private.partners p on p.partner_id = g.partner_id
  $q$, reporting_private.aged_units_sql(as_of, kind, companies));
end $$;

-- The caller's companies go into the query (before: every company computed, then filtered).
create or replace function reporting.aged_balance(as_of date, kind text)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' as $$
begin
  perform reporting_private.check_aged_args('reporting.aged_balance', as_of, kind);
  return query
    select r.* from reporting_private.aged_rows_for(as_of, kind,
                                                    reporting_private.visible_companies()) r;
end $$;
