-- The aged balance as of any date at 10,000,000 journal items (issue 14). The items open on a
-- date were found through one GiST index on open_during; with ten years of history most of them
-- are the long tail of items never closed, whose residual stopped changing long ago, and the
-- GiST scan (and its heap visits) grew with that tail. The items open on a date are now read in
-- two disjoint parts, each through its own index:
--   changing: items whose residual may still change on the date — closed items inside their
--     open period, never-closed items before their last partial reconcile — found through a
--     GiST index on that period (small: what is being paid at the time);
--   settled: never-closed items whose last partial (or date) is on or before the date, whose
--     residual is final_units — a range on one B-tree index per kind and company, read
--     index-only (every column the aged balance needs is in the index).
-- Same rows, same residuals, same buckets as before; signature, grants and callers unchanged.
-- Indexes only on reporting_private.aged_items (carried over if it becomes a maintained table).

-- The date from which a never-closed item's residual no longer changes.
create index if not exists aged_items_settled_idx on reporting_private.aged_items
  (kind, company_id, (greatest(lower(open_during), last_partial_date)))
  include (partner_id, aging_date, final_units, unit, open_during, last_partial_date)
  where upper_inf(open_during);

-- The period during which an item's residual may change: its open period if it closes, else
-- until its last partial reconcile (empty when it has none: settled from its date on).
create index if not exists aged_items_changing_idx on reporting_private.aged_items
  using gist (daterange(lower(open_during),
                        coalesce(upper(open_during), greatest(lower(open_during), last_partial_date)),
                        '[)'))
  where coalesce(upper(open_during), greatest(lower(open_during), last_partial_date))
        > lower(open_during);

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
    -- The bulk, streamed into the aggregate straight from the index.
    select t.company_id, t.partner_id, t.aging_date, t.unit, t.final_units
      from reporting_private.aged_items t
     where upper_inf(t.open_during) and t.kind = aged_partner_units.kind
       -- A range on the index's company column (all of them when `companies` is NULL).
       and t.company_id between coalesce((select min(c) from unnest(aged_partner_units.companies) c),
                                         -9223372036854775808)
                            and coalesce((select max(c) from unnest(aged_partner_units.companies) c),
                                         9223372036854775807)
       and (aged_partner_units.companies is null
            or t.company_id = any (aged_partner_units.companies))
       and greatest(lower(t.open_during), t.last_partial_date) <= aged_partner_units.as_of
  ),
  grouped as (
    select i.company_id, i.partner_id, max(i.unit) as unit,
           coalesce(sum(i.residual) filter (
             where i.aging_date >= aged_partner_units.as_of), 0)::bigint as b0,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 30
                                    and aged_partner_units.as_of - 1), 0)::bigint as b1,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 60
                                    and aged_partner_units.as_of - 31), 0)::bigint as b2,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 90
                                    and aged_partner_units.as_of - 61), 0)::bigint as b3,
           coalesce(sum(i.residual) filter (
             where i.aging_date between aged_partner_units.as_of - 120
                                    and aged_partner_units.as_of - 91), 0)::bigint as b4,
           coalesce(sum(i.residual) filter (
             where i.aging_date <= aged_partner_units.as_of - 121), 0)::bigint as b5
      from items i
     group by i.company_id, i.partner_id
  )
  select g.company_id, g.partner_id,
         (case aged_partner_units.kind when 'payable' then -1 else 1 end)
           * case g.unit when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                         else trim_scale(1::numeric / g.unit) end,
         g.b0, g.b1, g.b2, g.b3, g.b4, g.b5
    from grouped g
   where (g.b0, g.b1, g.b2, g.b3, g.b4, g.b5) <> (0, 0, 0, 0, 0, 0)
$$;
