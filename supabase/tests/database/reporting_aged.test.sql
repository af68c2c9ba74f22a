-- reporting.aged_balance on a tiny hand-made book (reference §8.1), every bucket boundary, the
-- partial-reconcile dating, the exclusions (draft, later-dated, non-trade), the Unknown partner,
-- zero groups dropped, payables signed as owed; and the company restriction from the JWT claim.
-- Everything is inserted into odoo.* inside this transaction and rolled back.
begin;
select plan(17);

\ir fixtures/aged-book.psql

select isnt((select reason from ods.refresh_reporting(force => true, wait => true) limit 1), null,
            'the refresh ran');

create temp table aged as
select kind, r.* from unnest(array['receivable', 'payable']) kind,
  lateral reporting.aged_balance('2026-06-30', kind) r where r.company_id in (901, 902);

select results_eq(
  $$select partner_id, partner_name, not_due, days_1_30, days_31_60, days_61_90, days_91_120, older, total
      from aged where kind = 'receivable' and company_id = 901 order by partner_id nulls first$$,
  $$values (null::bigint, null::text, 0.00, 0.00, 0.00, 110.00, 0.00, 0.00, 110.00),
           (9101, 'Alpha', 100.00, 460.00, 250.00, 0.00, 0.00, 0.00, 810.00),
           (9102, 'Beta', 0.00, 0.00, 0.00, 0.00, 600.00, 500.00, 1100.00)$$,
  'receivables as of 2026-06-30: buckets per partner, Unknown first, Gamma (zero) dropped');
select results_eq(
  $$select partner_id, not_due, days_1_30, days_31_60, days_61_90, days_91_120, older, total
      from aged where kind = 'payable' and company_id = 901$$,
  $$values (9103::bigint, 1000.00, 0.00, 0.00, 200.00, 0.00, 0.00, 1200.00)$$,
  'payables as of 2026-06-30: owed amounts positive, the partial dated <= as_of applied');
select results_eq(
  $$select company_id, partner_id, not_due, total from aged where company_id = 902$$,
  $$values (902::bigint, 9104::bigint, 70.00, 70.00)$$,
  'the other company (account without non_trade value counts as trade)');

select results_eq(
  $$select partner_id, not_due, days_1_30, days_31_60, days_61_90, older, total
      from reporting.aged_balance('2026-07-10', 'receivable') where company_id = 901
     order by partner_id nulls first$$,
  $$values (null::bigint, 0.00, 0.00, 0.00, 110.00, 0.00, 110.00),
           (9101, 0.00, 260.00, 500.00, 0.00, 0.00, 760.00),
           (9102, 800.00, 0.00, 0.00, 0.00, 600.00, 1400.00)$$,
  'as of 2026-07-10 the later partials count and the later item appears');
select is_empty(
  $$select * from reporting.aged_balance('2025-12-31', 'receivable') where company_id = 901$$,
  'nothing before the first item');
select results_eq(
  $$select days_1_30, total from reporting.aged_balance('2026-06-19', 'receivable')
     where partner_id = 9103$$,
  $$values (50.00, 50.00)$$, 'the day before its payment, Gamma''s item is open (18 days)');

-- One company asked for: computed for it alone, the same rows as every company's, filtered.
select set_eq(
  $$select * from reporting.aged_balance('2026-06-30', 'receivable', 901)$$,
  $$select * from reporting.aged_balance('2026-06-30', 'receivable') where company_id = 901$$,
  'aged_balance(…, 901) = aged_balance(…) for company 901');
select set_eq(
  $$select * from reporting.aged_balance('2026-06-30', 'payable', null)$$,
  $$select * from reporting.aged_balance('2026-06-30', 'payable')$$,
  'company NULL: every company');

-- The "as of today" views are the function as of current_date.
select set_eq(
  $$select * from reporting.aged_receivable$$,
  $$select * from reporting.aged_balance(current_date, 'receivable')$$,
  'aged_receivable = aged_balance(current_date, receivable)');
select set_eq(
  $$select * from reporting.aged_payable$$,
  $$select * from reporting.aged_balance(current_date, 'payable')$$,
  'aged_payable = aged_balance(current_date, payable)');

-- Company restriction from the JWT claim, as PostgREST sets it for an authenticated request.
set local role authenticated;
select set_config('request.jwt.claims', '{"role":"authenticated","company_ids":[902]}', true);
select results_eq(
  $$select distinct company_id from reporting.aged_balance('2026-06-30', 'receivable')
     where company_id in (901, 902)$$,
  $$values (902::bigint)$$, 'claim company_ids [902]: only company 902');
select is_empty($$select * from reporting.aged_balance('2026-06-30', 'receivable', 901)$$,
  'claim company_ids [902]: asking company 901 by name shows nothing');
select is_empty($$select * from reporting.aged_receivable where company_id = 901$$,
  'claim company_ids [902]: aged_receivable hides company 901');
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
select is_empty($$select * from reporting.aged_balance('2026-06-30', 'receivable')$$,
  'no claim and no grant: nothing (fails closed)');
reset role;
insert into ods.access_grants (user_id, company_id)
values ('00000000-0000-4000-8000-000000000901', null);
set local role authenticated;
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-000000000901"}', true);
select results_eq(
  $$select count(distinct company_id)::int from reporting.aged_balance('2026-06-30', 'receivable')
     where company_id in (901, 902)$$,
  $$values (2)$$, 'a grant of every company: every company');
select set_config('request.jwt.claims', '{"role":"authenticated","company_ids":"x"}', true);
select is_empty($$select * from reporting.aged_balance('2026-06-30', 'receivable')$$,
  'a malformed claim shows nothing');
reset role;

select * from finish();
rollback;
