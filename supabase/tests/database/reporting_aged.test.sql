-- reporting.aged_balance on a tiny hand-made book (reference §8.1), every bucket boundary, the
-- partial-reconcile dating, the exclusions (draft, later-dated, non-trade), the Unknown partner,
-- zero groups dropped, payables signed as owed; and the company restriction from the JWT claim.
-- Everything is inserted into odoo.* inside this transaction and rolled back.
begin;
select plan(13);

insert into odoo.res_currency (id, name, symbol, decimal_places) values (901, 'EUR', '€', 2);
insert into odoo.res_company (id, name, currency_id) values (901, 'Fixture Co', 901), (902, 'Other Co', 901);
insert into odoo.res_partner (id, name, complete_name) values
  (9101, 'Alpha', 'Alpha'), (9102, 'Beta', 'Beta'), (9103, 'Gamma', 'Gamma'), (9104, 'Delta', 'Delta');
insert into odoo.account_account (id, code, name, account_type, non_trade, reconcile, company_id) values
  (9001, '430000', 'Receivable', 'asset_receivable', false, true, 901),
  (9002, '400000', 'Payable', 'liability_payable', false, true, 901),
  (9003, '431000', 'Staff loans', 'asset_receivable', true, true, 901),
  (9004, '572000', 'Bank', 'asset_cash', false, false, 901),
  (9005, '430000', 'Receivable', 'asset_receivable', null, true, 902);

-- As of 2026-06-30: 1-30 = 06-29..05-31, 31-60 = 05-30..05-01, 61-90 = 04-30..04-01,
-- 91-120 = 03-31..03-02, older <= 03-01.
insert into odoo.account_move_line
  (id, company_id, partner_id, account_id, parent_state, date, date_maturity, balance, debit, credit)
values
  (1,  901, 9101, 9001, 'posted', '2026-06-01', '2026-06-30',  100,  100,    0), -- not due (= as_of)
  (2,  901, 9101, 9001, 'posted', '2026-05-01', '2026-06-29',  200,  200,    0), -- 1-30, -40 credit note
  (3,  901, 9101, 9001, 'posted', '2026-04-01', '2026-05-31',  300,  300,    0), -- 1-30 (30 days)
  (4,  901, 9101, 9001, 'posted', '2026-04-01', '2026-05-30',  400,  400,    0), -- 31-60, -150 (06-15), -50 later
  (5,  901, 9102, 9001, 'posted', '2026-01-01', null,          500,  500,    0), -- older (date), paid 07-01
  (6,  901, 9102, 9001, 'posted', '2026-01-01', '2026-03-02',  600,  600,    0), -- 91-120 (120 days)
  (7,  901, 9102, 9001, 'posted', '2026-01-01', '2026-03-01',  700,  700,    0), -- older, paid on as_of
  (8,  901, 9102, 9001, 'posted', '2026-07-01', '2026-07-31',  800,  800,    0), -- dated after as_of
  (9,  901, 9102, 9001, 'draft',  '2026-06-01', '2026-06-01',  900,  900,    0), -- draft
  (10, 901, 9101, 9003, 'posted', '2026-06-01', '2026-06-01', 1000, 1000,    0), -- non-trade
  (11, 901, null, 9001, 'posted', '2026-06-10', '2026-04-15',  110,  110,    0), -- Unknown, 61-90
  (12, 901, 9103, 9001, 'posted', '2026-06-01', '2026-06-01',   50,   50,    0), -- paid 06-20: dropped
  (13, 901, 9101, 9001, 'posted', '2026-06-05', '2026-06-05',  -40,    0,   40), -- credit note on line 2
  (20, 901, 9103, 9002, 'posted', '2026-06-20', '2026-07-20', -1000,   0, 1000), -- bill, not due
  (21, 901, 9103, 9002, 'posted', '2026-04-01', '2026-04-30', -300,    0,  300), -- bill, 61-90, -100
  (22, 901, 9103, 9002, 'posted', '2026-06-25', null,          100,  100,    0), -- payment of 21
  (30, 902, 9104, 9005, 'posted', '2026-06-01', '2026-07-15',   70,   70,    0), -- other company
  (40, 901, null, 9004, 'posted', '2026-06-15', null,         -150,    0,  150);   -- bank
insert into odoo.account_partial_reconcile (id, debit_move_id, credit_move_id, amount, max_date) values
  (1, 2, 13, 40, '2026-06-05'),
  (2, 4, 40, 150, '2026-06-15'),
  (3, 4, 40, 50, '2026-07-05'),
  (4, 5, 40, 500, '2026-07-01'),
  (5, 7, 40, 700, '2026-06-30'),
  (6, 12, 40, 50, '2026-06-20'),
  (7, 22, 21, 100, '2026-06-25');

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
select is_empty($$select * from reporting.aged_receivable where company_id = 901$$,
  'claim company_ids [902]: aged_receivable hides company 901');
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
select results_eq(
  $$select count(distinct company_id)::int from reporting.aged_balance('2026-06-30', 'receivable')
     where company_id in (901, 902)$$,
  $$values (2)$$, 'no claim: every company');
select set_config('request.jwt.claims', '{"role":"authenticated","company_ids":"x"}', true);
select is_empty($$select * from reporting.aged_balance('2026-06-30', 'receivable')$$,
  'a malformed claim shows nothing');
reset role;

select * from finish();
rollback;
