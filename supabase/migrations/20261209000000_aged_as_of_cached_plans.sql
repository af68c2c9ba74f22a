-- The aged balance as of any date, fourth step: static SQL, planned once per session and reused
-- (issue 14: the page's date picker under 50 readers).
-- Before: reporting_private.aged_units_sql built the query as text with the date, kind and
-- companies as literals, and every call parsed and planned it again: about 1 ms warm, 6 ms on a
-- session's first call (measured at 10,000,000 journal items), on every PostgREST request.
-- Now: reporting_private.aged_company_units is the query for one company, a SQL function that
-- Postgres inlines into its callers; aged_partner_units joins it laterally to the companies
-- asked for and is inlined in turn (aged_balance_top joins it itself, to keep n per company).
-- The company is an index condition of every range (as the literals were), and the callers keep
-- their plan (plan_cache_mode = force_generic_plan: the same for every date, kind and company).
-- Same rows, same residuals, same buckets; signatures, grants and callers unchanged.

-- One company's partners as of a date, in minor units per bucket. No SET clause (not even
-- search_path): a function with one is never inlined. Every name below is schema-qualified,
-- and the callers run with search_path = ''.
create function reporting_private.aged_company_units(as_of date, kind text, company bigint)
returns table (
  company_id bigint, partner_id bigint, f numeric, b0 bigint, b1 bigint, b2 bigint, b3 bigint,
  b4 bigint, b5 bigint
)
language sql stable as $$
  with changing as materialized (
    -- Materialized: the residual (a subquery for items between their first and last partial)
    -- is computed once per item, not once per bucket below.
    select t.company_id, t.partner_id, t.aging_date, t.unit,
           case when t.first_partial_date is null or t.first_partial_date > aged_company_units.as_of
                  then t.balance_units
                when t.last_partial_date <= aged_company_units.as_of
                  then t.final_units
                else t.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = t.line_id and p.max_date <= aged_company_units.as_of)
           end as residual
      from reporting_private.aged_items t
     where daterange(lower(t.open_during),
                     coalesce(upper(t.open_during),
                              greatest(lower(t.open_during), t.last_partial_date)),
                     '[)') @> aged_company_units.as_of
       and coalesce(upper(t.open_during), greatest(lower(t.open_during), t.last_partial_date))
           > lower(t.open_during)
       and t.kind = aged_company_units.kind and t.company_id = aged_company_units.company
  ),
  items as (
    select c.company_id, c.partner_id, c.aging_date, c.unit, c.residual from changing c
    union all
    -- Settled, due within 120 days of the date: bucketed one by one.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during)
       and t.kind = aged_company_units.kind and t.company_id = aged_company_units.company
       and daterange(greatest(lower(t.open_during), t.last_partial_date),
                     greatest(greatest(lower(t.open_during), t.last_partial_date),
                              t.aging_date + 121),
                     '[)') @> aged_company_units.as_of
    union all
    -- Settled and 121 days past due since this year's 1 January: "older", one by one.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during)
       and t.kind = aged_company_units.kind and t.company_id = aged_company_units.company
       and greatest(greatest(lower(t.open_during), t.last_partial_date), t.aging_date + 121)
           between date_trunc('year', aged_company_units.as_of::timestamp)::date
               and aged_company_units.as_of
  ),
  bucketed as (
    select i.company_id, coalesce(i.partner_id, 0) as partner_key, i.partner_id,
           max(i.unit) as unit,
           coalesce(sum(i.residual) filter (where i.aging_date >= aged_company_units.as_of),
                    0)::bigint as b0,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_company_units.as_of - 30
                                    and aged_company_units.as_of - 1), 0)::bigint as b1,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_company_units.as_of - 60
                                    and aged_company_units.as_of - 31), 0)::bigint as b2,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_company_units.as_of - 90
                                    and aged_company_units.as_of - 61), 0)::bigint as b3,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_company_units.as_of - 120
                                    and aged_company_units.as_of - 91), 0)::bigint as b4,
           coalesce(sum(i.residual) filter (where i.aging_date <= aged_company_units.as_of - 121),
                    0)::bigint as b5
      from items i
     group by i.company_id, i.partner_id
  ),
  -- Settled and 121 days past due before 1 January: one sum per partner ("older"), from the row
  -- of that year, or the last row of a partner whose items all got there before.
  years as (
    select y.company_id, y.partner_key, y.partner_id, y.unit, y.units
      from reporting_private.aged_settled_years y
     where y.kind = aged_company_units.kind and y.company_id = aged_company_units.company
       and y.year = date_trunc('year', aged_company_units.as_of::timestamp)::date
    union all
    select y.company_id, y.partner_key, y.partner_id, y.unit, y.units
      from reporting_private.aged_settled_years y
     where y.kind = aged_company_units.kind and y.company_id = aged_company_units.company
       and y.is_last and y.year < date_trunc('year', aged_company_units.as_of::timestamp)::date
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
         (case aged_company_units.kind when 'payable' then -1 else 1 end)
           * case g.unit when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                         else trim_scale(1::numeric / g.unit) end as f,
         g.b0, g.b1, g.b2, g.b3, g.b4, g.b5
    from grouped g
   where (g.b0, g.b1, g.b2, g.b3, g.b4, g.b5) <> (0, 0, 0, 0, 0, 0)
$$;
-- Inlining checks the caller's right to execute it.
revoke all on function reporting_private.aged_company_units(date, text, bigint) from public;
grant execute on function reporting_private.aged_company_units(date, text, bigint)
  to authenticated, service_role, finanzas_bi;

-- The companies to age: the given ones, or (NULL) every company with aged items, found by
-- skipping through the (company_id, partner) index: a handful of probes, not a scan.
create function reporting_private.aged_companies(companies bigint[])
returns table (company_id bigint)
language sql stable as $$
  select u from unnest(aged_companies.companies) u where aged_companies.companies is not null
  union all
  select c.id
    from (with recursive ids (id) as (
            select min(t.company_id) from reporting_private.aged_items t
            union all
            select (select min(t.company_id) from reporting_private.aged_items t
                     where t.company_id > ids.id)
              from ids where ids.id is not null)
          select ids.id from ids) c
   where aged_companies.companies is null and c.id is not null
$$;
revoke all on function reporting_private.aged_companies(bigint[]) from public;
grant execute on function reporting_private.aged_companies(bigint[])
  to authenticated, service_role, finanzas_bi;

-- The units of each of the companies (NULL: every company with aged items): the query for one
-- company joined laterally to each, the company a parameter of every range. A SQL function
-- without SET clauses too, so that it inlines into its callers.
create or replace function reporting_private.aged_partner_units(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, f numeric, b0 bigint, b1 bigint, b2 bigint, b3 bigint,
  b4 bigint, b5 bigint
)
language sql stable as $fn$
  select g.*
    from reporting_private.aged_companies(aged_partner_units.companies) a
   cross join lateral reporting_private.aged_company_units(
     aged_partner_units.as_of, aged_partner_units.kind, a.company_id) g
$fn$;

create or replace function reporting.aged_totals_as_of(as_of date, kind text, company bigint default null)
returns setof reporting.aged_totals
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB'
set plan_cache_mode = force_generic_plan as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_totals_as_of', as_of, kind);
  return query
    select c.company_id, aged_totals_as_of.kind,
           coalesce(t.b0 * t.f, 0), coalesce(t.b1 * t.f, 0), coalesce(t.b2 * t.f, 0),
           coalesce(t.b3 * t.f, 0), coalesce(t.b4 * t.f, 0), coalesce(t.b5 * t.f, 0),
           coalesce((t.b0 + t.b1 + t.b2 + t.b3 + t.b4 + t.b5) * t.f, 0),
           coalesce(t.partners, 0), c.currency
      from reporting_private.companies c
      left join (
        select g.company_id, sum(g.b0) as b0, sum(g.b1) as b1, sum(g.b2) as b2, sum(g.b3) as b3,
               sum(g.b4) as b4, sum(g.b5) as b5, count(*) as partners, max(g.f) as f
          from reporting_private.aged_partner_units(
                 aged_totals_as_of.as_of, aged_totals_as_of.kind, ids) g
         group by g.company_id
      ) t on t.company_id = c.company_id
     where ids is null or c.company_id = any (ids)
     order by c.company_id;
end $$;

create or replace function reporting.aged_balance_top(
  as_of date, kind text, n integer default 10, company bigint default null
)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB'
set plan_cache_mode = force_generic_plan as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_balance_top', as_of, kind);
  if n is null or n < 0 then
    raise exception 'reporting.aged_balance_top: n must be 0 or more, not %', coalesce(n::text, 'NULL')
      using errcode = '22023';
  end if;
  -- Each company's n largest by a top-N sort (a heap of n rows), not a sort of all its partners.
  return query
    select g.company_id, g.partner_id,
           -- The name looked up per row kept: a join would hash every partner of the books first.
           (select p.name from reporting_private.partners p where p.partner_id = g.partner_id),
           g.b0 * g.f, g.b1 * g.f, g.b2 * g.f, g.b3 * g.f,
           g.b4 * g.f, g.b5 * g.f, (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5) * g.f
      from reporting_private.aged_companies(ids) a
     cross join lateral (
       select u.*,
              (u.b0 + u.b1 + u.b2 + u.b3 + u.b4 + u.b5)
                * (case aged_balance_top.kind when 'payable' then -1 else 1 end) as owed
         from reporting_private.aged_company_units(
           aged_balance_top.as_of, aged_balance_top.kind, a.company_id) u
        order by owed desc, u.partner_id nulls last
        limit aged_balance_top.n
     ) g
     order by g.company_id, g.owed desc, g.partner_id nulls last;
end $$;

create or replace function reporting_private.aged_rows_for(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' set jit = off set work_mem = '64MB'
set plan_cache_mode = force_generic_plan as $$
begin
  return query
    select g.company_id, g.partner_id, p.name, g.b0 * g.f, g.b1 * g.f, g.b2 * g.f, g.b3 * g.f,
           g.b4 * g.f, g.b5 * g.f, (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5) * g.f
      from reporting_private.aged_partner_units(
             aged_rows_for.as_of, aged_rows_for.kind, aged_rows_for.companies) g
      left join reporting_private.partners p on p.partner_id = g.partner_id;
end $$;

drop function reporting_private.aged_units_sql(date, text, bigint[]);
