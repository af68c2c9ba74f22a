-- The aged balance as of a date reads the items open on it in two parts (changing: items whose
-- residual may still change, through the GiST index on that period; settled: never-closed items
-- past their last partial, through a B-tree range); together they must be exactly the items open
-- on the date. Checked on the hand-made book, every day from before its first item to after its
-- last partial, both kinds, every company and one, against the single-index reading it replaced
-- (open_during @> as_of).
begin;
select plan(13);

\ir fixtures/aged-book.psql

\ir fixtures/explain-lines.psql

select isnt((select reason from ods.refresh_reporting(force => true, wait => true) limit 1), null,
            'the refresh ran');

-- The reference: every item open on the date, residual from its partials dated <= the date.
create temp table expected as
select d::date as as_of, k.kind, t.company_id, t.partner_id,
       sum(case when t.first_partial_date is null or t.first_partial_date > d::date then t.balance_units
                when t.last_partial_date <= d::date then t.final_units
                else t.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = t.line_id and p.max_date <= d::date) end) as units
  from generate_series('2025-12-25'::date, '2026-08-10', interval '1 day') d,
       (values ('receivable'), ('payable')) k (kind),
       reporting_private.aged_items t
 where t.open_during @> d::date and t.kind = k.kind
 group by 1, 2, 3, 4;

create temp view actual as
select d::date as as_of, k.kind, u.company_id, u.partner_id,
       u.b0 + u.b1 + u.b2 + u.b3 + u.b4 + u.b5 as units
  from generate_series('2025-12-25'::date, '2026-08-10', interval '1 day') d,
       (values ('receivable'), ('payable')) k (kind),
       reporting_private.aged_partner_units(d::date, k.kind, null) u;

select set_eq($$select * from actual$$,
              $$select * from expected where units <> 0$$,
              'every day and kind: the partners and their residuals of the items open on the day');

select set_eq(
  $$select d::date, k.kind, u.company_id, u.partner_id, u.b0 + u.b1 + u.b2 + u.b3 + u.b4 + u.b5
      from generate_series('2025-12-25'::date, '2026-08-10', interval '1 day') d,
           (values ('receivable'), ('payable')) k (kind),
           reporting_private.aged_partner_units(d::date, k.kind, '{901}') u$$,
  $$select * from expected where units <> 0 and company_id = 901$$,
  'the same for one company (the settled part''s range on the company column)');

-- Each company's query is inlined into its callers, which keep one plan for every date, kind and
-- company: a SET clause (search_path included) or a non-SQL body would make it an opaque
-- function call planned apart, its company no longer an index condition of the callers' plan.
create temp table plan_lines as
select * from pg_temp.explain_lines(
  $$select * from reporting_private.aged_company_units(current_date, 'receivable', 901)$$);
select ok(not exists (select from plan_lines where line ~ 'Function Scan on aged_company_units')
          and exists (select from plan_lines where line ~ 'aged_items'),
          'aged_company_units is inlined: its caller''s plan reads aged_items itself');
select ok(not exists (
            select from pg_temp.explain_lines(
              $$select * from reporting.aged_balance(current_date, 'receivable', 901)
                 order by total desc limit 10$$) e
             where e.line ~ 'Function Scan on aged_(balance|partner_units)\y'),
          'aged_balance is inlined too: a caller''s order and limit apply inside it');
-- Inlined, it cannot turn JIT off itself: the reading roles do (compiling took longer than the
-- query at 10M journal items).
select is((select array_agg(r.rolname::text order by r.rolname)
             from pg_roles r, pg_db_role_setting d
            where d.setrole = r.oid and d.setdatabase = 0 and 'jit=off' = any (d.setconfig)
              and r.rolname in ('anon', 'authenticated', 'finanzas_bi')),
          array['anon', 'authenticated', 'finanzas_bi'], 'the reading roles run without JIT');

-- Every company (NULL) is found by skipping through the company index: the same companies as
-- the items have, and the same rows as asking each of them.
select set_eq($$select company_id from reporting_private.aged_companies(null)$$,
              $$select distinct company_id from reporting_private.aged_items$$,
              'NULL ages every company that has items');
select set_eq(
  $$select u.* from reporting_private.aged_partner_units('2026-03-31', 'receivable', null) u$$,
  $$select u.* from (select distinct company_id from reporting_private.aged_items) c,
           reporting_private.aged_company_units('2026-03-31', 'receivable', c.company_id) u$$,
  'every company at once = each company on its own');

-- Less work per row (issue 14, 25,000 partners of one company at 10M journal items): bucket sums
-- in bigint, not numeric; the "older this year" range index-only.
select is((select reporting_private.units_sum(x) from (values (1::bigint), (2), (-4)) v (x)), -1::bigint,
          'units_sum adds minor units');
select is((select reporting_private.units_sum(x) filter (where x > 9) from (values (1::bigint)) v (x)),
          0::bigint, 'units_sum of no rows is 0 (no coalesce needed)');
select throws_ok($$select reporting_private.units_sum(x)
                     from (values (9223372036854775807::bigint), (1)) v (x)$$,
                 '22003', null, 'an overflow is an error, never a wrong sum');
-- Postgres reads an expression's columns from the heap unless the index holds them.
select matches(pg_get_indexdef('reporting_private.aged_items_t5_idx'::regclass),
               'INCLUDE \(.*open_during, last_partial_date\)',
               'the "older this year" range can be index-only: its index holds its expression''s columns');
create temp table verbose_lines as
select * from pg_temp.explain_lines(
  $$select * from reporting_private.aged_company_units('2026-03-31', 'receivable', 901)$$,
  'costs off, verbose');
select ok(not exists (select from verbose_lines where line ~ '[^_]sum\(\w+\.residual'),
          'no bucket is summed as numeric');

rollback;
