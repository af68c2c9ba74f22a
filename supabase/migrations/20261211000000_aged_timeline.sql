-- The aged balance of one company as of any date, ranked without building every partner's row
-- (issue 14: at 10,000,000 journal items, 25,000 partners, `aged_balance(d, kind, company)
-- order by total desc limit 100` built and sorted all 25,000 rows to keep 100: 32-35 ms warm,
-- 39-66 ms p95 in the scale bench, over its 50 ms target).
-- A partner's total as of a date (the sum of the residuals of its items open on it) changes
-- only on the days one of its items opens, is partially reconciled or closes. Between two such
-- days it is constant, whatever the buckets (which move with the date). So:
--   * reporting_private.aged_timeline keeps, per kind, company and partner, the periods between
--     those days on which the partner has an item open, with its total (units and amount), each
--     period cut at 1 January so that a year's rows are one index range; the period after the
--     last change, open-ended, is one row from the next 1 January (`is_last`).
--   * aged_balance for one company reads that year's periods containing the date (and the
--     open-ended ones from earlier years) in amount order from an index, so a caller's
--     `order by total desc limit n` stops after n rows; each row kept gets its five young buckets
--     (due on the date or within 120 days before it) from the partner's few open items, through
--     an index that holds every column they need; "older" is the total minus them.
--   * a period's `young` days (one of the partner's items open and at most 120 days past due)
--     tell which rows need that lookup at all: most do not.
-- Every company (company NULL) reads the same per company and sorts; aged_balance_top of one
-- company takes aged_balance's first n rows. Measured at 10M, one company, warm: the top 100 in
-- 2.5-4 ms (was 32-35); every partner of the company 60 ms (was about 21: a row per period to
-- skip, a gate per row). Triggers on aged_items keep the timeline of each (company, partner)
-- whose items change, closed ones included, in the same statement, like aged_settled_years.

create table reporting_private.aged_timeline (
  kind text not null,
  company_id bigint not null,
  partner_key bigint not null,
  year date not null,
  during daterange not null,
  units bigint not null,
  unit bigint not null,
  amount numeric not null,
  is_last boolean not null,
  young datemultirange not null
);
-- No primary key: (kind, company, partner, during) is unique by construction, and at 10M rows
-- the index would cost as much as the table; the trigger finds a partner's rows by the index below.
create index aged_timeline_partner_idx on reporting_private.aged_timeline (company_id, partner_key);
create index aged_timeline_year_idx on reporting_private.aged_timeline
  (kind, company_id, year, amount) include (partner_key, during, units, unit, young);
create index aged_timeline_last_idx on reporting_private.aged_timeline
  (kind, company_id, amount) include (partner_key, units, unit, year, young) where is_last;
grant select on reporting_private.aged_timeline to authenticated, service_role, finanzas_bi;
comment on table reporting_private.aged_timeline is
  'Per kind, company and partner (partner_key 0 = none): the periods (cut at 1 January) on which '
  'the partner has an item open, with the sum of their residuals in minor units and as an amount '
  '(payables negative); is_last: the open-ended period after the last change, from 1 January of '
  'the year after it; young: the days of the period on which one of the partner''s items is open '
  'and at most 120 days past due (the only days its buckets need its items)';

-- A partner's few open items as of a date, with every column the young buckets read: the lookup
-- per ranked row is index-only. Replaces the plain (company_id, partner) index (same prefix).
drop index if exists reporting_private.aged_items_company_id_coalesce_idx;
create index aged_items_partner_idx on reporting_private.aged_items
  (company_id, (coalesce(partner_id, 0)), kind, aging_date)
  include (open_during, first_partial_date, last_partial_date, balance_units, final_units, line_id,
           unit, partner_id);

-- From minor units to an amount, payables negative: a constant for the usual units (no numeric
-- division per row). A SQL expression Postgres inlines into its callers.
create function reporting_private.units_factor(kind text, unit bigint) returns numeric
language sql immutable as $$
  select case when units_factor.kind = 'payable'
              then case units_factor.unit when 100 then -0.01 when 1 then -1 when 1000 then -0.001
                                          else -trim_scale(1::numeric / units_factor.unit) end
              else case units_factor.unit when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                                          else trim_scale(1::numeric / units_factor.unit) end end
$$;
revoke all on function reporting_private.units_factor(text, bigint) from public;
grant execute on function reporting_private.units_factor(text, bigint)
  to authenticated, service_role, finanzas_bi;

-- The timeline rows of the given (company, partner_key) pairs, or of all (NULL). Dynamic SQL:
-- planned with the pairs in hand (an index lookup per pair, or one pass over all).
create function reporting_private.aged_timeline_of(companies bigint[], keys bigint[])
returns setof reporting_private.aged_timeline
language plpgsql stable set search_path = '' as $$
begin
  return query execute format($q$
  with picked as (%s),
  points as (
    -- Each day an item's residual may change (opened, a partial reconcile, closed) and the
    -- residual from that day: the as-of query's formula, 0 once closed.
    select i.kind, i.company_id, coalesce(i.partner_id, 0) as partner_key, i.line_id, i.unit,
           b.d,
           case when not upper_inf(i.open_during) and b.d >= upper(i.open_during) then 0
                when i.first_partial_date is null or i.first_partial_date > b.d then i.balance_units
                when i.last_partial_date <= b.d then i.final_units
                else i.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * i.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = i.line_id and p.max_date <= b.d)
           end as r,
           case when not upper_inf(i.open_during) and b.d >= upper(i.open_during) then 0
                else 1 end as o
      from picked i
     cross join lateral (
       select lower(i.open_during) as d
       union
       select p.max_date from reporting_private.trade_item_partials p
        where i.first_partial_date is not null and p.line_id = i.line_id
          and p.max_date > lower(i.open_during)
          and (upper_inf(i.open_during) or p.max_date < upper(i.open_during))
       union
       select upper(i.open_during) where not upper_inf(i.open_during)) b
     where not isempty(i.open_during)
  ),
  per_day as (
    -- What each day changes, per partner: the residuals' sum and the number of items open.
    select s.kind, s.company_id, s.partner_key, s.d, max(s.unit) as unit,
           sum(s.dr)::bigint as dr, sum(s.dopen)::bigint as dopen
      from (select p.kind, p.company_id, p.partner_key, p.unit, p.d,
                   p.r - coalesce(lag(p.r) over w, 0) as dr,
                   p.o - coalesce(lag(p.o) over w, 0) as dopen
              from points p window w as (partition by p.line_id order by p.d)) s
     group by s.kind, s.company_id, s.partner_key, s.d
  ),
  periods as (
    select p.kind, p.company_id, p.partner_key, p.unit, p.d as from_d, lead(p.d) over w as to_d,
           sum(p.dr) over w as units, sum(p.dopen) over w as n_open
      from per_day p
    window w as (partition by p.kind, p.company_id, p.partner_key order by p.d)
  ),
  young as (
    -- Per partner, the days on which one of its items is open and at most 120 days past due.
    select i.kind, i.company_id, coalesce(i.partner_id, 0) as partner_key,
           range_agg(daterange(lower(i.open_during),
                               least(coalesce(upper(i.open_during), 'infinity'), i.aging_date + 121),
                               '[)')) as days
      from picked i
     where lower(i.open_during) < least(coalesce(upper(i.open_during), 'infinity'), i.aging_date + 121)
     group by 1, 2, 3
  ),
  cut as (
    select s.kind, s.company_id, s.partner_key, y.y as year,
           daterange(greatest(s.from_d, y.y),
                     case when s.to_d is null and y.y > s.from_d then null
                          else least(coalesce(s.to_d, 'infinity'), (y.y + interval '1 year')::date) end,
                     '[)') as during,
           s.units::bigint as units, s.unit,
           s.units * reporting_private.units_factor(s.kind, s.unit) as amount,
           s.to_d is null and y.y > s.from_d as is_last
      from periods s
     cross join lateral (
       -- The years the period overlaps; an open-ended one also gets its row from the next 1 January.
       select g::date as y
         from generate_series(date_trunc('year', s.from_d::timestamp),
                              case when s.to_d is null
                                   then date_trunc('year', s.from_d::timestamp) + interval '1 year'
                                   else date_trunc('year', (s.to_d - 1)::timestamp) end,
                              interval '1 year') g) y
     where s.n_open > 0
  )
  select c.*, coalesce(g.days * datemultirange(c.during), '{}')
    from cut c
    left join young g
      on g.kind = c.kind and g.company_id = c.company_id and g.partner_key = c.partner_key
$q$,
    case when companies is null then 'select t.* from reporting_private.aged_items t'
         else 'select t.* from unnest($1, $2) g (c, k)
                 join reporting_private.aged_items t
                   on t.company_id = g.c and coalesce(t.partner_id, 0) = g.k' end)
    using companies, keys;
end $$;
revoke all on function reporting_private.aged_timeline_of(bigint[], bigint[]) from public;

-- What the table must hold: what tests and a repair compare it with.
create view reporting_private.aged_timeline__source as
select * from reporting_private.aged_timeline_of(null, null);

-- Every statement on aged_items brings the timelines of the (company, partner) pairs it touched
-- up to date, whichever items changed; past 20,000 pairs (a rebuild), all of them in one pass.
create function reporting_private.aged_timeline_follow() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  cs bigint[];
  ks bigint[];
begin
  if tg_op = 'TRUNCATE' then
    truncate reporting_private.aged_timeline;
    return null;
  end if;
  if tg_op = 'INSERT' then
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select distinct r.company_id, coalesce(r.partner_id, 0) as partner_key
              from new_rows r) g;
  elsif tg_op = 'DELETE' then
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select distinct r.company_id, coalesce(r.partner_id, 0) as partner_key
              from old_rows r) g;
  else
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select r.company_id, coalesce(r.partner_id, 0) as partner_key from old_rows r
            union
            select r.company_id, coalesce(r.partner_id, 0) from new_rows r) g;
  end if;
  if cs is null then
    return null;
  end if;
  if cardinality(cs) > 20000 then
    delete from reporting_private.aged_timeline;
    insert into reporting_private.aged_timeline
    select * from reporting_private.aged_timeline_of(null, null);
    -- Readers plan on it next: a rebuild leaves its statistics current.
    analyze reporting_private.aged_timeline;
  else
    -- Only the rows that differ are written: a change moves the periods from its day on, and
    -- upkeep deletes and inserts the items it touches (two statements, each recomputing).
    with fresh as materialized (
      select * from reporting_private.aged_timeline_of(cs, ks)
    ),
    present as materialized (
      select t.ctid as id, t.*
        from unnest(cs, ks) g (c, k)
        join reporting_private.aged_timeline t on t.company_id = g.c and t.partner_key = g.k
    ),
    stale as (
      delete from reporting_private.aged_timeline t
       using present p
       where t.ctid = p.id
         and not exists (select from fresh f
                          where (f.kind, f.company_id, f.partner_key, f.year, f.during, f.units,
                                 f.unit, f.amount, f.is_last, f.young)
                              = (p.kind, p.company_id, p.partner_key, p.year, p.during, p.units,
                                 p.unit, p.amount, p.is_last, p.young))
    )
    insert into reporting_private.aged_timeline
    select f.* from fresh f
     where not exists (select from present p
                        where (f.kind, f.company_id, f.partner_key, f.year, f.during, f.units,
                               f.unit, f.amount, f.is_last, f.young)
                            = (p.kind, p.company_id, p.partner_key, p.year, p.during, p.units,
                               p.unit, p.amount, p.is_last, p.young));
  end if;
  return null;
end $$;
revoke all on function reporting_private.aged_timeline_follow() from public;

create trigger aged_timeline_insert after insert on reporting_private.aged_items
  referencing new table as new_rows
  for each statement execute function reporting_private.aged_timeline_follow();
create trigger aged_timeline_delete after delete on reporting_private.aged_items
  referencing old table as old_rows
  for each statement execute function reporting_private.aged_timeline_follow();
create trigger aged_timeline_update after update on reporting_private.aged_items
  referencing old table as old_rows new table as new_rows
  for each statement execute function reporting_private.aged_timeline_follow();
create trigger aged_timeline_truncate after truncate on reporting_private.aged_items
  for each statement execute function reporting_private.aged_timeline_follow();

insert into reporting_private.aged_timeline
select * from reporting_private.aged_timeline_of(null, null);
analyze reporting_private.aged_timeline;

-- Same signature, rows, grants and comment. No SET clause (not even search_path): a function
-- with one is never inlined into its caller's statement, and the caller's order and limit must
-- reach the index scans. Every name is schema-qualified; it runs with the caller's rights.
create or replace function reporting.aged_balance(as_of date, kind text, company bigint default null)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language sql stable as $$
  -- The partners' totals on the date in amount order, the buckets computed for the rows kept.
  select u.company_id, nullif(u.partner_key, 0),
         (select p.name from reporting_private.partners p
           where p.partner_id = nullif(u.partner_key, 0)),
         b.b0 * f.f, b.b1 * f.f, b.b2 * f.f, b.b3 * f.f, b.b4 * f.f,
         (u.units - b.b0 - b.b1 - b.b2 - b.b3 - b.b4) * f.f, u.amount
    from (
      -- Each arm ordered by amount, so that Postgres merges them in that order (an arm with a
      -- WHERE clause is planned apart and keeps only an order it asks for). One company: two
      -- index ranges read backwards, as far as the caller's limit. Every company (NULL): the
      -- same per company the reader sees, sorted.
      (select t.company_id, t.partner_key, t.units, t.unit, t.amount, t.young
         from reporting_private.aged_timeline t
        where t.kind = aged_balance.kind and t.company_id = aged_balance.company
          and aged_balance.company = any (reporting_private.requested_companies(aged_balance.company))
          and t.year = date_trunc('year', aged_balance.as_of::timestamp)::date
          and t.during @> aged_balance.as_of
        order by t.amount desc)
      union all
      (select t.company_id, t.partner_key, t.units, t.unit, t.amount, t.young
         from reporting_private.aged_timeline t
        where t.kind = aged_balance.kind and t.company_id = aged_balance.company
          and aged_balance.company = any (reporting_private.requested_companies(aged_balance.company))
          and t.is_last and t.year < date_trunc('year', aged_balance.as_of::timestamp)::date
        order by t.amount desc)
      union all
      (select t.company_id, t.partner_key, t.units, t.unit, t.amount, t.young
         from reporting_private.aged_timeline t
        where aged_balance.company is null and t.kind = aged_balance.kind
          and t.company_id = any (array(select a.company_id from reporting_private.aged_companies(
                reporting_private.requested_companies(aged_balance.company)) a))
          and t.year = date_trunc('year', aged_balance.as_of::timestamp)::date
          and t.during @> aged_balance.as_of
        order by t.amount desc)
      union all
      (select t.company_id, t.partner_key, t.units, t.unit, t.amount, t.young
         from reporting_private.aged_timeline t
        where aged_balance.company is null and t.kind = aged_balance.kind
          and t.company_id = any (array(select a.company_id from reporting_private.aged_companies(
                reporting_private.requested_companies(aged_balance.company)) a))
          and t.is_last and t.year < date_trunc('year', aged_balance.as_of::timestamp)::date
        order by t.amount desc)
    ) u
   cross join lateral (
     -- Due on the date or within the 120 days before it; the rest of the total is "older".
     select reporting_private.units_sum(z.r) filter (where z.aging_date >= aged_balance.as_of) as b0,
            reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 30 and aged_balance.as_of - 1) as b1,
            reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 60 and aged_balance.as_of - 31) as b2,
            reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 90 and aged_balance.as_of - 61) as b3,
            reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 120 and aged_balance.as_of - 91) as b4
       from (select i.aging_date,
                    case when i.first_partial_date is null or i.first_partial_date > aged_balance.as_of
                           then i.balance_units
                         when i.last_partial_date <= aged_balance.as_of
                           then i.final_units
                         else i.balance_units
                              + (select round(coalesce(sum(p.delta), 0) * i.unit)::bigint
                                   from reporting_private.trade_item_partials p
                                  where p.line_id = i.line_id and p.max_date <= aged_balance.as_of)
                    end as r
               from reporting_private.aged_items i
              where i.company_id = u.company_id and coalesce(i.partner_id, 0) = u.partner_key
                and i.kind = aged_balance.kind and i.aging_date >= aged_balance.as_of - 120
                and i.open_during @> aged_balance.as_of
                -- Most rows have no young item on the date: no lookup at all.
                and u.young @> aged_balance.as_of
             -- Not pulled up: the residual is computed once per item, not once per bucket.
             offset 0) z
   ) b
   cross join lateral (select reporting_private.units_factor(aged_balance.kind, u.unit) as f) f
   where reporting_private.aged_args_ok('reporting.aged_balance', aged_balance.as_of,
                                        aged_balance.kind)
     and (b.b0, b.b1, b.b2, b.b3, b.b4, u.units - b.b0 - b.b1 - b.b2 - b.b3 - b.b4)
         <> (0, 0, 0, 0, 0, 0)
$$;

-- The date picker's top partners of one company come from the same ranked read (the n first
-- rows of aged_balance, ties by partner as before); every company keeps its top-n per company.
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
  ids bigint[];
begin
  perform reporting_private.check_aged_args('reporting.aged_balance_top', as_of, kind);
  if n is null or n < 0 then
    raise exception 'reporting.aged_balance_top: n must be 0 or more, not %', coalesce(n::text, 'NULL')
      using errcode = '22023';
  end if;
  if company is not null then
    -- total desc is what the caller owes or is owed, largest first, for both kinds.
    return query
      select b.* from reporting.aged_balance(aged_balance_top.as_of, aged_balance_top.kind,
                                             aged_balance_top.company) b
       order by b.total desc, b.partner_id nulls last
       limit aged_balance_top.n;
    return;
  end if;
  -- Every company the reader sees (aged_balance checks the grant of one itself).
  ids := reporting_private.requested_companies(company);
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
