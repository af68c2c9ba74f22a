-- Aging totals and top partners (migration 20261127001300): reporting.aged_totals (as of today)
-- is the sum of reporting.aged_receivable / aged_payable per company, aged_totals_as_of the sum
-- of reporting.aged_balance's rows as of any date, aged_balance_top its n largest rows; the
-- company restriction (claim and `company`), security_invoker, grants and the demo switch.
-- The hand-made book in fixtures/aged-book.psql, inserted inside this transaction and rolled back.
begin;
select plan(39);

\ir fixtures/aged-book.psql

select isnt((select reason from ods.refresh_reporting(force => true, wait => true) limit 1), null,
            'the refresh ran');

-- The tables kept by triggers beside the reports are compared with their definitions, and agree.
select is((select array_agg(d.matview order by d.matview) from ods.report_differences() d
            where d.matview in ('reporting_private.aged_totals_today',
                                'reporting_private.aged_settled_years')),
          array['reporting_private.aged_settled_years', 'reporting_private.aged_totals_today'],
          'report_differences covers aged_totals_today and aged_settled_years');
select is((select count(*)::int from ods.report_differences() d where d.missing + d.extra > 0),
          0, 'every report and kept table equals its definition after the refresh');

-- Objects, shapes, security_invoker.
select has_view('reporting', 'aged_totals', 'reporting.aged_totals exists');
select columns_are('reporting', 'aged_totals', array['company_id', 'kind', 'not_due', 'days_1_30',
  'days_31_60', 'days_61_90', 'days_91_120', 'older', 'total', 'partners', 'currency']);
select has_function('reporting', 'aged_totals_as_of', array['date', 'text', 'bigint']);
select has_function('reporting', 'aged_balance_top', array['date', 'text', 'integer', 'bigint']);
select ok((select c.reloptions @> array['security_invoker=true'] from pg_class c
            where c.oid = 'reporting.aged_totals'::regclass), 'aged_totals is security_invoker');
select is((select array_agg(p.oid::regprocedure::text order by p.proname) from pg_proc p
            where p.pronamespace in ('reporting'::regnamespace, 'reporting_private'::regnamespace)
              and p.proname in ('aged_totals_as_of', 'aged_balance_top', 'aged_partner_units',
                                'aged_company_units', 'aged_companies', 'aged_rows_for',
                                'requested_companies', 'check_aged_args')
              and p.prosecdef),
          null, 'the new functions run with the caller''s rights (no security definer)');

-- Totals as of a date = sums of aged_balance's rows (company 901 by hand, then every company
-- and date of the book and around it).
select results_eq(
  $$select company_id, kind, not_due, days_1_30, days_31_60, days_61_90, days_91_120, older, total,
           partners, currency
      from reporting.aged_totals_as_of('2026-06-30', 'receivable', 901)$$,
  $$values (901::bigint, 'receivable'::text, 100.00, 460.00, 250.00, 110.00, 600.00, 500.00,
            2020.00, 3::bigint, 'EUR'::text)$$,
  'receivable totals of company 901 as of 2026-06-30 (Unknown, Alpha, Beta)');
select results_eq(
  $$select company_id, not_due, days_61_90, total, partners
      from reporting.aged_totals_as_of('2026-06-30', 'payable', 901)$$,
  $$values (901::bigint, 1000.00, 200.00, 1200.00, 1::bigint)$$,
  'payable totals as of 2026-06-30: owed amounts positive');
select results_eq(
  $$select company_id, total, partners from reporting.aged_totals_as_of('2025-12-31', 'receivable', 901)$$,
  $$values (901::bigint, 0::numeric, 0::bigint)$$,
  'a company with nothing open on the date has a row of zeros');

create temp table sums as
select d::date as as_of, k.kind, b.company_id, sum(b.not_due) as not_due,
       sum(b.days_1_30) as days_1_30, sum(b.days_31_60) as days_31_60,
       sum(b.days_61_90) as days_61_90, sum(b.days_91_120) as days_91_120,
       sum(b.older) as older, sum(b.total) as total, count(*) as partners
  from generate_series('2025-12-30'::date, '2026-08-15'::date, interval '4 days') d,
       unnest(array['receivable', 'payable']) k (kind),
       lateral reporting.aged_balance(d::date, k.kind) b
 where b.company_id in (901, 902)
 group by 1, 2, 3;
select ok((select count(*) > 50 from sums where company_id in (901, 902)), 'the dates hit open items');
select set_eq(
  $$select s.as_of, s.kind, s.company_id, s.not_due, s.days_1_30, s.days_31_60, s.days_61_90,
           s.days_91_120, s.older, s.total, s.partners from sums s$$,
  $$select d::date, k.kind, t.company_id, t.not_due, t.days_1_30, t.days_31_60, t.days_61_90,
           t.days_91_120, t.older, t.total, t.partners
      from generate_series('2025-12-30'::date, '2026-08-15'::date, interval '4 days') d,
           unnest(array['receivable', 'payable']) k (kind),
           unnest(array[901, 902]) c (id),
           lateral reporting.aged_totals_as_of(d::date, k.kind, c.id) t
     where t.partners > 0$$,
  'aged_totals_as_of = sums of aged_balance per company, kind and date (every 4th day)');
select set_eq(
  $$select t.company_id, t.total from reporting.aged_totals_as_of('2026-06-30', 'receivable', 902) t$$,
  $$select 902::bigint, 70.00$$,
  '`company` restricts the totals to that company');

-- Totals as of today = sums of the materialized aged views = aged_totals_as_of(current_date).
select set_eq(
  $$select company_id, kind, not_due, days_1_30, days_31_60, days_61_90, days_91_120, older,
           total, partners from reporting.aged_totals where partners > 0$$,
  $$select company_id, 'receivable' as kind, sum(not_due) as b0, sum(days_1_30) as b1,
           sum(days_31_60) as b2, sum(days_61_90) as b3, sum(days_91_120) as b4,
           sum(older) as b5, sum(total) as t, count(*) as n
      from reporting.aged_receivable group by company_id
    union all
    select company_id, 'payable', sum(not_due), sum(days_1_30), sum(days_31_60),
           sum(days_61_90), sum(days_91_120), sum(older), sum(total), count(*)
      from reporting.aged_payable group by company_id$$,
  'aged_totals = sums of aged_receivable / aged_payable');
select set_eq(
  $$select company_id, kind, not_due, days_1_30, days_31_60, days_61_90, days_91_120, older,
           total, partners, currency from reporting.aged_totals$$,
  $$select t.* from unnest(array['receivable', 'payable']) k (kind),
           lateral reporting.aged_totals_as_of(current_date, k.kind) t$$,
  'aged_totals = aged_totals_as_of(current_date), every company and kind');
select is((select count(*)::int from reporting.aged_totals),
          (select 2 * count(*)::int from reporting.companies),
          'aged_totals has a row per company and kind');

-- Top partners.
select results_eq(
  $$select partner_id, partner_name, total
      from reporting.aged_balance_top('2026-06-30', 'receivable', 2, 901)$$,
  $$values (9102::bigint, 'Beta'::text, 1100.00), (9101, 'Alpha', 810.00)$$,
  'top 2 receivable partners of 901 as of 2026-06-30, largest first');
select results_eq(
  $$select company_id, partner_id, not_due, days_1_30, days_31_60, days_61_90, days_91_120,
           older, total
      from reporting.aged_balance_top('2026-07-10', 'receivable', 10, 901)$$,
  $$select company_id, partner_id, not_due, days_1_30, days_31_60, days_61_90, days_91_120,
           older, total
      from reporting.aged_balance('2026-07-10', 'receivable') where company_id = 901
     order by total desc, partner_id nulls last$$,
  'aged_balance_top = aged_balance ordered by total (all of them when n exceeds the partners)');
select results_eq(
  $$select partner_id, total from reporting.aged_balance_top('2026-06-30', 'payable', 5, 901)$$,
  $$values (9103::bigint, 1200.00)$$, 'top payables: owed amounts positive');
select is_empty($$select * from reporting.aged_balance_top('2026-06-30', 'receivable', 0, 901)$$,
  'n = 0: nothing');
select is((select count(*)::int from reporting.aged_balance_top('2026-06-30', 'receivable', 1)
            where company_id in (901, 902)), 2, 'without `company`: n per company');
select throws_ok($$select * from reporting.aged_totals_as_of(current_date, 'receivables')$$,
  '22023', null, 'aged_totals_as_of: an invalid kind is a clear error');
select throws_ok($$select * from reporting.aged_balance_top(null, 'payable')$$,
  '22023', null, 'aged_balance_top: a NULL date is a clear error');
select throws_ok($$select * from reporting.aged_balance_top(current_date, 'payable', -1)$$,
  '22023', null, 'aged_balance_top: a negative n is a clear error');

-- Grants: the reader roles, not anon (unless the demo switch is on); nothing writable.
select ok(has_table_privilege(r, 'reporting.aged_totals', 'select')
          and has_function_privilege(r, 'reporting.aged_totals_as_of(date, text, bigint)', 'execute')
          and has_function_privilege(r, 'reporting.aged_balance_top(date, text, integer, bigint)', 'execute'),
          format('%s reads the totals and top partners', r))
  from unnest(array['authenticated', 'finanzas_bi', 'service_role']) r;
select ok(not has_table_privilege('anon', 'reporting.aged_totals', 'select')
          and not has_function_privilege('anon', 'reporting.aged_totals_as_of(date, text, bigint)', 'execute')
          and not has_function_privilege('anon', 'reporting.aged_balance_top(date, text, integer, bigint)', 'execute')
          and not has_function_privilege('anon', 'reporting_private.aged_partner_units(date, text, bigint[])', 'execute')
          and not has_function_privilege('anon', 'reporting_private.aged_company_units(date, text, bigint)', 'execute')
          and not has_function_privilege('anon', 'reporting_private.aged_companies(bigint[])', 'execute'),
          'anon reads none of them');
select ok(not has_table_privilege(r, 'reporting.aged_totals', 'insert, update, delete, truncate'),
          format('%s cannot write aged_totals', r))
  from unnest(array['anon', 'authenticated', 'finanzas_bi']) r;

set local role authenticated;
select set_config('request.jwt.claims', '{"role":"authenticated","company_ids":[902]}', true);
select results_eq(
  $$select company_id from reporting.aged_totals_as_of('2026-06-30', 'receivable')
     where company_id in (901, 902)$$,
  $$values (902::bigint)$$, 'claim company_ids [902]: totals of 902 only');
select is_empty(
  $$select * from reporting.aged_totals_as_of('2026-06-30', 'receivable', 901)$$,
  'claim company_ids [902]: asking for 901 gives nothing');
select is_empty(
  $$select * from reporting.aged_balance_top('2026-06-30', 'receivable', 10, 901)$$,
  'claim company_ids [902]: no top partners of 901');
select is_empty($$select * from reporting.aged_totals where company_id = 901$$,
  'claim company_ids [902]: aged_totals hides 901');
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
reset role;

select ods.set_demo_access(true);
set local role anon;
select lives_ok($$select * from reporting.aged_totals,
                   reporting.aged_totals_as_of(current_date, 'payable'),
                   reporting.aged_balance_top(current_date, 'payable', 3) limit 1$$,
                'with demo access on, anon reads the totals and top partners');
reset role;
select ods.set_demo_access(false);
set local role anon;
select throws_ok($$select * from reporting.aged_totals$$, '42501', null,
                 'with demo access off, anon reads no totals');
reset role;

select * from finish();
rollback;
