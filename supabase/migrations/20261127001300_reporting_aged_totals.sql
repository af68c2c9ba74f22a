-- Aging totals and top partners for the dashboard (DESIGN §5), so no consumer has to fetch every
-- per-partner row to add the buckets up itself (PostgREST aggregates are off on Supabase):
--   reporting.aged_totals                         per company and kind as of today (a view over
--                                                 the materialized aged_*_today);
--   reporting.aged_totals_as_of(as_of, kind, …)   the same as of any date;
--   reporting.aged_balance_top(as_of, kind, n, …) the n partners owing / owed the most as of any
--                                                 date, computed once per call (a limit on
--                                                 reporting.aged_balance still computes every row).
-- Both functions take an optional `company` that restricts the work to one company: a filter on
-- company_id in the URL is applied after the function ran over every visible company.
-- Odoo's algorithm stays in one place: reporting_private.aged_partner_units (the former body of
-- reporting_private.aged_rows, with a company filter) is now behind aged_rows too, so
-- reporting.aged_balance, the today views and the totals cannot drift apart. Same security model
-- as the other reports: security_invoker view and invoker functions, the company claim
-- (reporting_private.visible_companies()), granted to authenticated, service_role and
-- finanzas_bi, to anon only through ods.set_demo_access().

-- ---------------------------------------------------------------------------------------------
-- The aged balance in integer minor units per company and partner (reference §8.1): posted
-- trade items open on the date (an item outside its open period has a zero residual), residual
-- as of the date from its partials with max_date <= as_of (only summed when some but not all of
-- them are), aged on COALESCE(date_maturity, date); b0 = not due, b1..b4 = 1-30 .. 91-120 days,
-- b5 = older; all-zero groups dropped. f turns units into amounts of the company currency (0.01
-- for 2 decimals: the product keeps exactly that scale), payables negated (owed amounts
-- positive). `companies` NULL = every company. Unrestricted by the company claim: callers apply it.
create function reporting_private.aged_partner_units(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, f numeric, b0 bigint, b1 bigint, b2 bigint, b3 bigint,
  b4 bigint, b5 bigint
)
language sql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
  with items as materialized (
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
     where t.open_during @> aged_partner_units.as_of and t.kind = aged_partner_units.kind
       and (aged_partner_units.companies is null
            or t.company_id = any (aged_partner_units.companies))
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
comment on function reporting_private.aged_partner_units(date, text, bigint[]) is
  'Odoo''s aged balance per company and partner in integer minor units (b0 not due .. b5 older), '
  'amount = units * f; companies NULL = all. No company-claim filter: callers apply it';
revoke all on function reporting_private.aged_partner_units(date, text, bigint[]) from public;
grant execute on function reporting_private.aged_partner_units(date, text, bigint[])
  to authenticated, service_role, finanzas_bi;

-- Per partner, as amounts with the partner's name (the rows of reporting.aged_balance).
create function reporting_private.aged_rows_for(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language sql stable set search_path = '' as $$
  select g.company_id, g.partner_id, p.name, g.b0 * g.f, g.b1 * g.f, g.b2 * g.f, g.b3 * g.f,
         g.b4 * g.f, g.b5 * g.f, (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5) * g.f
    from reporting_private.aged_partner_units(aged_rows_for.as_of, aged_rows_for.kind,
                                              aged_rows_for.companies) g
    left join reporting_private.partners p on p.partner_id = g.partner_id
$$;
revoke all on function reporting_private.aged_rows_for(date, text, bigint[]) from public;
grant execute on function reporting_private.aged_rows_for(date, text, bigint[])
  to authenticated, service_role, finanzas_bi;

-- The existing entry point (reporting.aged_balance and the today materialized views) now reads
-- the same implementation; signature, columns and results unchanged.
create or replace function reporting_private.aged_rows(as_of date, kind text)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language sql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
  select r.company_id, r.partner_id, r.partner_name, r.not_due, r.days_1_30, r.days_31_60,
         r.days_61_90, r.days_91_120, r.older, r.total
    from reporting_private.aged_rows_for(aged_rows.as_of, aged_rows.kind, null) r
$$;

-- The companies a call may read: the claim's, narrowed to `company` when given.
create function reporting_private.requested_companies(company bigint) returns bigint[]
language sql stable set search_path = '' as $$
  select case
           when requested_companies.company is null then v.ids
           when v.ids is null or requested_companies.company = any (v.ids)
             then array[requested_companies.company]
           else '{}'::bigint[]
         end
    from (select reporting_private.visible_companies() as ids) v
$$;
revoke all on function reporting_private.requested_companies(bigint) from public;
grant execute on function reporting_private.requested_companies(bigint)
  to authenticated, service_role, finanzas_bi;

create function reporting_private.check_aged_args(fn text, as_of date, kind text)
returns void
language plpgsql immutable set search_path = '' as $$
begin
  if kind is null or kind not in ('receivable', 'payable') then
    raise exception '%: kind must be ''receivable'' or ''payable'', not %', fn,
      coalesce(quote_literal(kind), 'NULL')
      using errcode = '22023',
            hint = format('e.g. select * from %s(current_date, ''receivable'')', fn);
  end if;
  if as_of is null then
    raise exception '%: as_of must be a date, not NULL', fn using errcode = '22023';
  end if;
end $$;
revoke all on function reporting_private.check_aged_args(text, date, text) from public;
grant execute on function reporting_private.check_aged_args(text, date, text)
  to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Totals as of today: one row per visible company and kind (zeros when nothing is open), the
-- sums of the rows of reporting.aged_receivable / reporting.aged_payable.
create view reporting.aged_totals with (security_invoker = true) as
select c.company_id, k.kind,
       coalesce(t.not_due, 0) as not_due, coalesce(t.days_1_30, 0) as days_1_30,
       coalesce(t.days_31_60, 0) as days_31_60, coalesce(t.days_61_90, 0) as days_61_90,
       coalesce(t.days_91_120, 0) as days_91_120, coalesce(t.older, 0) as older,
       coalesce(t.total, 0) as total, coalesce(t.partners, 0) as partners, c.currency
  from reporting_private.companies c
 cross join (values ('receivable'::text), ('payable'::text)) k (kind)
 cross join lateral (
   select sum(r.not_due) as not_due, sum(r.days_1_30) as days_1_30,
          sum(r.days_31_60) as days_31_60, sum(r.days_61_90) as days_61_90,
          sum(r.days_91_120) as days_91_120, sum(r.older) as older, sum(r.total) as total,
          count(*) as partners
     from (select a.not_due, a.days_1_30, a.days_31_60, a.days_61_90, a.days_91_120, a.older,
                  a.total
             from reporting_private.aged_receivable_today a
            where k.kind = 'receivable' and a.company_id = c.company_id
           union all
           select a.not_due, a.days_1_30, a.days_31_60, a.days_61_90, a.days_91_120, a.older,
                  a.total
             from reporting_private.aged_payable_today a
            where k.kind = 'payable' and a.company_id = c.company_id) r
 ) t
 where (select reporting_private.visible_companies()) is null
    or c.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.aged_totals is
  'Aging totals as of today per company and kind (receivable|payable): the sums of '
  'reporting.aged_receivable / aged_payable per bucket, partners = their row count; company '
  'currency, owed amounts positive. As of another date: reporting.aged_totals_as_of';
grant select on reporting.aged_totals to authenticated, service_role, finanzas_bi;

-- Totals as of any date: the same row shape as reporting.aged_totals (one row per visible
-- company, restricted to `company` when given), the sums of reporting.aged_balance's rows.
create function reporting.aged_totals_as_of(as_of date, kind text, company bigint default null)
returns setof reporting.aged_totals
language plpgsql stable set search_path = '' as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_totals_as_of', as_of, kind);
  return query
    select c.company_id, kind,
           coalesce(t.b0 * t.f, 0), coalesce(t.b1 * t.f, 0), coalesce(t.b2 * t.f, 0),
           coalesce(t.b3 * t.f, 0), coalesce(t.b4 * t.f, 0), coalesce(t.b5 * t.f, 0),
           coalesce((t.b0 + t.b1 + t.b2 + t.b3 + t.b4 + t.b5) * t.f, 0),
           coalesce(t.partners, 0), c.currency
      from reporting_private.companies c
      left join (
        select g.company_id, sum(g.b0) as b0, sum(g.b1) as b1, sum(g.b2) as b2, sum(g.b3) as b3,
               sum(g.b4) as b4, sum(g.b5) as b5, count(*) as partners,
               max(g.f) as f
          from reporting_private.aged_partner_units(as_of, kind, ids) g
         group by g.company_id
      ) t on t.company_id = c.company_id
     where ids is null or c.company_id = any (ids)
     order by c.company_id;
end $$;
comment on function reporting.aged_totals_as_of(date, text, bigint) is
  'Aging totals as of a date (kind receivable|payable) per visible company, or for `company` '
  'only (pass it: a company_id filter in the URL is applied after every company was computed); '
  'the sums of reporting.aged_balance''s rows, partners = their count; rows like reporting.aged_totals';
revoke all on function reporting.aged_totals_as_of(date, text, bigint) from public;
grant execute on function reporting.aged_totals_as_of(date, text, bigint)
  to authenticated, service_role, finanzas_bi;

-- The n partners with the largest total as of a date, per visible company (or `company` only),
-- largest first (ties by partner_id, Unknown last): the rows of reporting.aged_balance.
create function reporting.aged_balance_top(
  as_of date, kind text, n integer default 10, company bigint default null
)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_balance_top', as_of, kind);
  if n is null or n < 0 then
    raise exception 'reporting.aged_balance_top: n must be 0 or more, not %', coalesce(n::text, 'NULL')
      using errcode = '22023';
  end if;
  return query
    with ranked as (
      select g.company_id, g.partner_id, g.b0, g.b1, g.b2, g.b3, g.b4, g.b5,
             g.f,
             row_number() over (
               partition by g.company_id
               order by (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5)
                          * (case kind when 'payable' then -1 else 1 end) desc,
                        g.partner_id nulls last) as rank
        from reporting_private.aged_partner_units(as_of, kind, ids) g
    )
    select r.company_id, r.partner_id, p.name, r.b0 * r.f, r.b1 * r.f, r.b2 * r.f, r.b3 * r.f,
           r.b4 * r.f, r.b5 * r.f, (r.b0 + r.b1 + r.b2 + r.b3 + r.b4 + r.b5) * r.f
      from ranked r
      left join reporting_private.partners p on p.partner_id = r.partner_id
     where r.rank <= n
     order by r.company_id, r.rank;
end $$;
comment on function reporting.aged_balance_top(date, text, integer, bigint) is
  'The n partners with the largest aged total as of a date (kind receivable|payable) per '
  'visible company, or for `company` only, largest first: rows of reporting.aged_balance, '
  'computed once (a limit on aged_balance still computes every partner)';
revoke all on function reporting.aged_balance_top(date, text, integer, bigint) from public;
grant execute on function reporting.aged_balance_top(date, text, integer, bigint)
  to authenticated, service_role, finanzas_bi;

-- The demo switch grants what exists when it is called: a database where it is on gets the
-- objects above too (it is off after the migrations on a new database: nothing to do there).
do $$
begin
  if has_schema_privilege('anon', 'reporting', 'usage') then
    perform ods.set_demo_access(true);
  end if;
end $$;
