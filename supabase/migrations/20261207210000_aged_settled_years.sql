-- The aged balance as of any date at 10,000,000 journal items (issue 14), second step. Most items
-- open on a date are the long tail of items never closed whose residual stopped changing long
-- ago and whose due date is more than 120 days past: all of it sits in "older" and only its sum
-- per partner matters. That sum is now kept per partner and year:
--   an item never closed counts in "older" from its t5 = the later of the day its residual
--   became final (its date or its last partial reconcile) and its due date + 121 days;
--   reporting_private.aged_settled_years holds, per kind, company, partner and 1 January, the
--   sum of final residuals of the partner's items with t5 before that day (one row per year
--   from the year after the first t5 to the year after the last, which `is_last` marks).
-- As of a date D: that year's row (or the last one, for a partner whose items all passed t5
-- before), plus the items with t5 between 1 January and D, in "older"; the items settled but
-- due within 120 days of D bucketed one by one; the items still changing on D as before.
-- Triggers on aged_items keep the years of each (company, partner) whose items change, in the
-- same statement, so every writer of aged_items (upkeep, rebuild) keeps it current.

create table reporting_private.aged_settled_years (
  kind text not null,
  company_id bigint not null,
  partner_key bigint not null,
  partner_id bigint,
  year date not null,
  units bigint not null,
  unit bigint,
  is_last boolean not null,
  primary key (kind, company_id, year, partner_key)
);
create index aged_settled_years_year_idx on reporting_private.aged_settled_years
  (kind, year, company_id) include (partner_key, partner_id, units, unit);
create index aged_settled_years_last_idx on reporting_private.aged_settled_years
  (kind, year, company_id) include (partner_key, partner_id, units, unit) where is_last;
create index on reporting_private.aged_settled_years (company_id, partner_key);
grant select on reporting_private.aged_settled_years to authenticated, service_role, finanzas_bi;
comment on table reporting_private.aged_settled_years is
  'Per kind, company, partner and 1 January: the sum (minor units) of the final residuals of the '
  'partner''s never-closed aged items whose t5 (settled and 121 days past due) is before that day';

-- The items never closed by t5 and by due date: the two ranges the as-of query reads.
create index aged_items_t5_idx on reporting_private.aged_items
  (kind, (greatest(greatest(lower(open_during), last_partial_date), aging_date + 121)))
  include (company_id, partner_id, aging_date, final_units, unit)
  where upper_inf(open_during);
create index aged_items_never_closed_due_idx on reporting_private.aged_items
  (kind, company_id, aging_date)
  include (partner_id, final_units, unit, open_during, last_partial_date)
  where upper_inf(open_during);

-- The rows of aged_settled_years for the given (company, partner_key) pairs, or for all (NULL).
-- Dynamic SQL: planned with the pairs in hand (an index lookup per pair, or one pass over all).
create function reporting_private.aged_settled_years_of(companies bigint[], keys bigint[])
returns setof reporting_private.aged_settled_years
language plpgsql stable set search_path = '' as $$
begin
  return query execute format($q$
  with picked as (%s),
  items as (
    select t.kind, t.company_id, coalesce(t.partner_id, 0) as partner_key, t.partner_id, t.unit,
           t.final_units,
           date_trunc('year', greatest(greatest(lower(t.open_during), t.last_partial_date),
                                       t.aging_date + 121)::timestamp)::date as y
      from picked t
     where upper_inf(t.open_during)
  ),
  per_year as (
    select i.kind, i.company_id, i.partner_key, i.y, sum(i.final_units) as units,
           max(i.partner_id) as partner_id, max(i.unit) as unit
      from items i group by i.kind, i.company_id, i.partner_key, i.y
  ),
  spans as (
    select p.kind, p.company_id, p.partner_key, max(p.partner_id) as partner_id,
           max(p.unit) as unit, min(p.y) as first_y, max(p.y) as last_y
      from per_year p group by p.kind, p.company_id, p.partner_key
  )
  select s.kind, s.company_id, s.partner_key, s.partner_id, (g.y + interval '1 year')::date,
         (sum(coalesce(p.units, 0)) over (partition by s.kind, s.company_id, s.partner_key
                                          order by g.y))::bigint,
         s.unit, g.y = s.last_y
    from spans s
   cross join lateral generate_series(s.first_y::timestamp, s.last_y::timestamp,
                                      interval '1 year') g0 (y0)
   cross join lateral (select g0.y0::date as y) g
    left join per_year p on p.kind = s.kind and p.company_id = s.company_id
                        and p.partner_key = s.partner_key and p.y = g.y
$q$,
    case when companies is null then 'select t.* from reporting_private.aged_items t'
         else 'select t.* from unnest($1, $2) g (c, k)
                 join reporting_private.aged_items t
                   on t.company_id = g.c and coalesce(t.partner_id, 0) = g.k' end)
    using companies, keys;
end $$;
revoke all on function reporting_private.aged_settled_years_of(bigint[], bigint[]) from public;

-- What the table must hold: what tests and a repair compare it with.
create view reporting_private.aged_settled_years__source as
select * from reporting_private.aged_settled_years_of(null, null);

-- Every statement on aged_items brings the years of the (company, partner) pairs it touched up
-- to date; past 20,000 pairs (a rebuild), all of them.
create function reporting_private.aged_settled_years_follow() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  cs bigint[];
  ks bigint[];
begin
  if tg_op = 'TRUNCATE' then
    truncate reporting_private.aged_settled_years;
    return null;
  end if;
  if tg_op = 'INSERT' then
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select distinct r.company_id, coalesce(r.partner_id, 0) as partner_key
              from new_rows r where upper_inf(r.open_during)) g;
  elsif tg_op = 'DELETE' then
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select distinct r.company_id, coalesce(r.partner_id, 0) as partner_key
              from old_rows r where upper_inf(r.open_during)) g;
  else
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select r.company_id, coalesce(r.partner_id, 0) as partner_key
              from old_rows r where upper_inf(r.open_during)
            union
            select r.company_id, coalesce(r.partner_id, 0)
              from new_rows r where upper_inf(r.open_during)) g;
  end if;
  if cs is null then
    return null;
  end if;
  if cardinality(cs) > 20000 then
    delete from reporting_private.aged_settled_years;
    insert into reporting_private.aged_settled_years
    select * from reporting_private.aged_settled_years_of(null, null);
  else
    delete from reporting_private.aged_settled_years y
     using unnest(cs, ks) g (c, k)
     where y.company_id = g.c and y.partner_key = g.k;
    insert into reporting_private.aged_settled_years
    select * from reporting_private.aged_settled_years_of(cs, ks);
  end if;
  return null;
end $$;
revoke all on function reporting_private.aged_settled_years_follow() from public;

create trigger aged_settled_years_insert after insert on reporting_private.aged_items
  referencing new table as new_rows
  for each statement execute function reporting_private.aged_settled_years_follow();
create trigger aged_settled_years_delete after delete on reporting_private.aged_items
  referencing old table as old_rows
  for each statement execute function reporting_private.aged_settled_years_follow();
create trigger aged_settled_years_update after update on reporting_private.aged_items
  referencing old table as old_rows new table as new_rows
  for each statement execute function reporting_private.aged_settled_years_follow();
create trigger aged_settled_years_truncate after truncate on reporting_private.aged_items
  for each statement execute function reporting_private.aged_settled_years_follow();

insert into reporting_private.aged_settled_years
select * from reporting_private.aged_settled_years_of(null, null);
analyze reporting_private.aged_settled_years;

-- Same rows, same residuals, same buckets as before; signature, grants and callers unchanged.
create or replace function reporting_private.aged_partner_units(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, f numeric, b0 bigint, b1 bigint, b2 bigint, b3 bigint,
  b4 bigint, b5 bigint
)
language sql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
  with changing as materialized (
    -- Materialized: the residual (a subquery for items between their first and last partial)
    -- is computed once per item, not once per bucket below.
    select t.company_id, t.partner_id, t.aging_date, t.unit,
           case when t.first_partial_date is null or t.first_partial_date > aged_partner_units.as_of
                  then t.balance_units
                when t.last_partial_date <= aged_partner_units.as_of
                  then t.final_units
                else t.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = t.line_id and p.max_date <= aged_partner_units.as_of)
           end as residual
      from reporting_private.aged_items t
     where daterange(lower(t.open_during),
                     coalesce(upper(t.open_during),
                              greatest(lower(t.open_during), t.last_partial_date)),
                     '[)') @> aged_partner_units.as_of
       and coalesce(upper(t.open_during), greatest(lower(t.open_during), t.last_partial_date))
           > lower(t.open_during)
       and t.kind = aged_partner_units.kind
       and (aged_partner_units.companies is null
            or t.company_id = any (aged_partner_units.companies))
  ),
  items as (
    select c.company_id, c.partner_id, c.aging_date, c.unit, c.residual from changing c
    union all
    -- Settled, due within 120 days of the date: bucketed one by one.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during) and t.kind = aged_partner_units.kind
       and t.company_id between coalesce((select min(c) from unnest(aged_partner_units.companies) c),
                                         -9223372036854775808)
                            and coalesce((select max(c) from unnest(aged_partner_units.companies) c),
                                         9223372036854775807)
       and (aged_partner_units.companies is null or t.company_id = any (aged_partner_units.companies))
       and t.aging_date >= aged_partner_units.as_of - 120
       and greatest(lower(t.open_during), t.last_partial_date) <= aged_partner_units.as_of
    union all
    -- Settled and 121 days past due since this year's 1 January: "older", one by one.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during) and t.kind = aged_partner_units.kind
       and (aged_partner_units.companies is null or t.company_id = any (aged_partner_units.companies))
       and greatest(greatest(lower(t.open_during), t.last_partial_date), t.aging_date + 121)
           between date_trunc('year', aged_partner_units.as_of::timestamp)::date and aged_partner_units.as_of
  ),
  bucketed as (
    select i.company_id, coalesce(i.partner_id, 0) as partner_key, i.partner_id,
           max(i.unit) as unit,
           coalesce(sum(i.residual) filter (where i.aging_date >= aged_partner_units.as_of), 0)::bigint as b0,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 30 and aged_partner_units.as_of - 1), 0)::bigint as b1,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 60 and aged_partner_units.as_of - 31), 0)::bigint as b2,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 90 and aged_partner_units.as_of - 61), 0)::bigint as b3,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 120 and aged_partner_units.as_of - 91), 0)::bigint as b4,
           coalesce(sum(i.residual) filter (where i.aging_date <= aged_partner_units.as_of - 121), 0)::bigint as b5
      from items i
     group by i.company_id, i.partner_id
  ),
  -- Settled and 121 days past due before 1 January: one sum per partner ("older"), from the row
  -- of that year, or the last row of a partner whose items all got there before.
  years as (
    select y.company_id, y.partner_key, y.partner_id, y.unit, y.units
      from reporting_private.aged_settled_years y
     where y.kind = aged_partner_units.kind
       and (aged_partner_units.companies is null or y.company_id = any (aged_partner_units.companies))
       and y.year = date_trunc('year', aged_partner_units.as_of::timestamp)::date
    union all
    select y.company_id, y.partner_key, y.partner_id, y.unit, y.units
      from reporting_private.aged_settled_years y
     where y.kind = aged_partner_units.kind
       and (aged_partner_units.companies is null or y.company_id = any (aged_partner_units.companies))
       and y.is_last and y.year < date_trunc('year', aged_partner_units.as_of::timestamp)::date
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
         (case aged_partner_units.kind when 'payable' then -1 else 1 end)
           * case g.unit when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                         else trim_scale(1::numeric / g.unit) end,
         g.b0, g.b1, g.b2, g.b3, g.b4, g.b5
    from grouped g
   where (g.b0, g.b1, g.b2, g.b3, g.b4, g.b5) <> (0, 0, 0, 0, 0, 0)
$$;
