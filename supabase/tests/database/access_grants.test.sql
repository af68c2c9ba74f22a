-- Access fails closed (DESIGN §5): a signed-in user without a grant reads nothing from any
-- report; a grant of company 901 shows 901 only, in every view and in the aged functions; the
-- JWT claim company_ids is an alternative; every view in `reporting` is security_invoker and
-- security_barrier (or reads a report whose rows a policy restricts), so a filter that raises an
-- error (a LIKE pattern ending in an escape) cannot tell whether another company has a matching
-- row. Fixture rows are rolled back.
begin;
select plan(30);

\ir fixtures/aged-book.psql
-- Rows of both companies in every report (the aged book covers the aged views and ledgers).
insert into odoo.res_partner (id, name, complete_name, company_id) values
  (9105, 'Secret partner of 902', 'Secret partner of 902', 902),
  (9106, 'Own partner of 901', 'Own partner of 901', 901);
insert into odoo.account_account (id, code, name, account_type, reconcile, company_id) values
  (9006, '572000', 'Bank', 'asset_cash', false, 902),
  (9007, '700000', 'Sales', 'income', false, 901),
  (9008, '700000', 'Sales', 'income', false, 902);
insert into odoo.account_journal (id, name, code, type, company_id, default_account_id, active) values
  (9201, 'Bank 901', 'BNK1', 'bank', 901, 9004, true),
  (9202, 'Bank 902', 'BNK2', 'bank', 902, 9006, true);
insert into odoo.account_move (id, name, move_type, state, partner_id, company_id, currency_id,
                               date, invoice_date, invoice_date_due, amount_total, amount_residual, ref)
values
  (9301, 'INV/901/0001', 'out_invoice', 'posted', 9101, 901, 901, '2026-06-01', '2026-06-01',
   '2026-07-01', 100, 100, 'Visible ref'),
  (9302, 'INV/902/0001', 'out_invoice', 'posted', 9104, 902, 901, '2026-06-01', '2026-06-01',
   '2026-07-01', 70, 70, 'Secret-ref-902');
insert into odoo.account_move_line
  (id, company_id, partner_id, account_id, parent_state, date, balance, debit, credit)
values
  (9401, 901, 9101, 9007, 'posted', '2026-06-01', -100, 0, 100),
  (9402, 902, 9104, 9008, 'posted', '2026-06-01', -70, 0, 70),
  (9403, 902, null, 9006, 'posted', '2026-06-01', 70, 70, 0);
-- An Excel export of the user granted 901 below (reporting.export_jobs shows a user their own).
insert into ods.jobs (kind, params, requester, companies, status)
values ('open_invoices', '{"company_id": 901}', '00000000-0000-4000-8000-00000000a001', array[901::bigint], 'done');
-- A weekly digest e-mail of each company (reporting.digest_sends).
insert into ods.digest_sends (company_id, week_start, recipient, status) values
  (901, '2026-06-29', 'one@example.com', 'sent'),
  (902, '2026-06-29', 'two@example.com', 'failed');
-- Open items (a residual) for the cash-flow forecast.
update odoo.account_move_line set amount_residual = balance where id in (1, 30);
select isnt((select reason from ods.refresh_reporting(force => true, wait => true) limit 1), null,
            'the refresh ran');


-- ---------------------------------------------------------------------------------------------
-- Every view in reporting: security_invoker and security_barrier.
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'reporting' and c.relkind = 'v'
      and not coalesce(c.reloptions @> array['security_invoker=true'], false)),
  null, 'every view in reporting is security_invoker');
-- Views without a barrier (planned with the caller's order and limit) read reports that keep the
-- company rule as a row-level security policy.
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'reporting' and c.relkind = 'v'
      and not coalesce(c.reloptions @> array['security_barrier=true'], false)),
  array['aged_payable', 'aged_receivable', 'open_invoices', 'partner_balances'],
  'every view in reporting is security_barrier but four');
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c
    where c.relnamespace = 'reporting_private'::regnamespace and c.relrowsecurity
      and exists (select from pg_policies p where p.schemaname = 'reporting_private'
                     and p.tablename = c.relname and p.policyname = 'company_access')),
  array['aged_payable_today', 'aged_receivable_today', 'open_documents', 'partner_balances'],
  'the reports behind those four restrict their rows by policy');

-- The grants table is private: only its owner (Studio, `npm run access`) writes it.
select ok(not has_table_privilege(r, 'ods.access_grants', 'select, insert, update, delete'),
          format('%s cannot read or change ods.access_grants', r))
  from unnest(array['anon', 'authenticated', 'finanzas_bi']) r;

-- Rows per view as the current role (views with company_id: the distinct companies).
create function pg_temp.companies_seen() returns table (view_name text, rows bigint, companies bigint[])
language plpgsql as $$
declare
  v record;
begin
  for v in
    select c.relname::text as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid
                    and a.attname = 'company_id' and not a.attisdropped) as has_company
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'reporting' and c.relkind = 'v'
     order by 1
  loop
    view_name := v.name;
    if v.has_company then
      execute format('select count(*), array_agg(distinct company_id order by company_id)
                        from reporting.%I', v.name) into rows, companies;
    else
      execute format('select count(*), null::bigint[] from reporting.%I', v.name)
        into rows, companies;
    end if;
    return next;
  end loop;
end $$;
grant execute on function pg_temp.companies_seen() to authenticated;

-- Every function in reporting with a company_id column, as of the fixture's date.
create function pg_temp.function_companies() returns table (fn text, companies bigint[])
language sql as $$
  select 'aged_balance ' || k, array_agg(distinct company_id order by company_id)
    from unnest(array['receivable', 'payable']) k,
         lateral reporting.aged_balance('2026-06-30', k) group by k
  union all
  select 'aged_totals_as_of ' || k, array_agg(distinct company_id order by company_id)
    from unnest(array['receivable', 'payable']) k,
         lateral reporting.aged_totals_as_of('2026-06-30', k) group by k
  union all
  select 'aged_balance_top ' || k, array_agg(distinct company_id order by company_id)
    from unnest(array['receivable', 'payable']) k,
         lateral reporting.aged_balance_top('2026-06-30', k, 100) group by k
$$;
grant execute on function pg_temp.function_companies() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Signed in, no grant, no claim: nothing anywhere.
set local role authenticated;
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a001","app_metadata":{}}', true);
select is((select array_agg(view_name order by view_name) from pg_temp.companies_seen()
            where rows > 0), null, 'no grant: every view reads zero rows');
select is((select count(*)::int from pg_temp.function_companies()), 0,
          'no grant: aged_balance, aged_totals_as_of and aged_balance_top return nothing');
select is_empty($$select * from reporting.aged_totals_as_of('2026-06-30', 'receivable', 901)$$,
                'no grant: asking for a company by id gives nothing');
reset role;

-- A grant of company 901 (the shape `npm run access -- grant <email> 901` writes).
insert into ods.access_grants (user_id, company_id, email)
values ('00000000-0000-4000-8000-00000000a001', 901, 'one@example.com');
set local role authenticated;
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a001"}', true);
select is((select array_agg(view_name order by view_name) from pg_temp.companies_seen()
            where companies is distinct from array[901::bigint] and companies is not null),
          null, 'grant 901: every view with company_id shows company 901 only');
select is((select array_agg(view_name order by view_name) from pg_temp.companies_seen()
            where rows = 0), null, 'grant 901: every view shows rows');
select is((select array_agg(fn order by fn) from pg_temp.function_companies()
            where companies <> array[901::bigint]), null,
          'grant 901: aged_balance, aged_totals_as_of, aged_balance_top show company 901 only');
select is((select count(*)::int from pg_temp.function_companies()), 6,
          'grant 901: each function returns rows of both kinds');
select is_empty($$select * from reporting.aged_totals_as_of('2026-06-30', 'receivable', 902)$$,
                'grant 901: asking for company 902 by id gives nothing');
select is_empty($$select * from reporting.aged_balance_top('2026-06-30', 'receivable', 10, 902)$$,
                'grant 901: top partners of 902 by id give nothing');
select results_eq($$select name from reporting.partners where partner_id in (9105, 9106, 9101)
                    order by partner_id$$,
                  $$values ('Alpha'), ('Own partner of 901')$$,
                  'grant 901: shared partners and 901''s, not 902''s');

-- The LIKE-escape oracle: a pattern ending in an escape raises an error only when the text
-- before it matches a row the filter reaches. Security barrier: only visible rows are reached.
select lives_ok($$select * from reporting.open_invoices where ref like 'Secret-ref\'$$,
                'a LIKE pattern matching a hidden row raises no error (open_invoices)');
select lives_ok($$select * from reporting.partners where name like 'Secret partner\'$$,
                'a LIKE pattern matching a hidden row raises no error (partners)');
select lives_ok($$select * from reporting.open_invoices where partner_name like 'Delt\'$$,
                'a LIKE pattern matching a hidden partner raises no error (open_invoices)');
select lives_ok($$select * from reporting.partner_balances where partner_name like 'Delt\'$$,
                'a LIKE pattern matching a hidden partner raises no error (partner_balances)');
select throws_ok($$select * from reporting.open_invoices where ref like 'Visible re\'$$,
                 '22025', null, 'the same pattern on a visible row does raise it');
reset role;

-- Without the barrier, or the policy, the oracle answers (the attack they stop).
alter view reporting.partners reset (security_barrier);
alter table reporting_private.open_documents disable row level security;
set local role authenticated;
select throws_ok($$select * from reporting.partners where name like 'Secret partner\'$$,
                 '22025', null, 'control: without security_barrier a hidden row raises the error');
select throws_ok($$select * from reporting.open_invoices where ref like 'Secret-ref\'$$,
                 '22025', null, 'control: without the policy a hidden row raises the error');
reset role;
alter view reporting.partners set (security_barrier = true);
alter table reporting_private.open_documents enable row level security;

-- A grant of every company (company_id NULL) and the JWT claim as an alternative.
set local role authenticated;
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a002"}', true);
select is((select count(*)::int from reporting.companies), 0, 'another user: nothing');
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a002",'
  '"app_metadata":{"company_ids":[902]}}', true);
select is((select array_agg(view_name order by view_name) from pg_temp.companies_seen()
            where companies is distinct from array[902::bigint] and companies is not null),
          null, 'claim app_metadata.company_ids [902]: company 902 only');
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a001",'
  '"app_metadata":{"company_ids":[902]}}', true);
select set_eq($$select company_id from reporting.companies where company_id in (901, 902)$$,
              $$values (901::bigint), (902::bigint)$$, 'grant 901 + claim 902: both');
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a001",'
  '"user_metadata":{"company_ids":[902]}}', true);
select is((select array_agg(company_id) from reporting.companies where company_id in (901, 902)),
          array[901::bigint], 'user_metadata (editable by the user) grants nothing');
reset role;
insert into ods.access_grants (user_id, company_id)
values ('00000000-0000-4000-8000-00000000a002', null);
set local role authenticated;
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-00000000a002"}', true);
select set_eq($$select company_id from reporting.companies where company_id in (901, 902)$$,
              $$values (901::bigint), (902::bigint)$$, 'a grant of every company (NULL): all');
reset role;

-- The demo switch: anon reads every company (local demo only).
select ods.set_demo_access(true);
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon"}', true);
select set_eq($$select company_id from reporting.companies where company_id in (901, 902)$$,
              $$values (901::bigint), (902::bigint)$$, 'demo access on: anon reads every company');
reset role;
select ods.set_demo_access(false);

select * from finish();
rollback;
