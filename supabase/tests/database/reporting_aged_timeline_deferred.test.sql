-- A rebuild of aged_items over many (company, partner) pairs (a first copy) leaves the aged
-- timeline empty and builds it in the next ods.refresh_reporting call, so that the rebuilt
-- reports become visible without waiting for it; meanwhile aged_balance builds every partner's
-- row from aged_items and must give the same rows. bulk_pairs is lowered so that the hand-made
-- book takes that path.
begin;
select plan(17);

\ir fixtures/aged-book.psql

\ir fixtures/aged-balance-checks.psql

update reporting_private.aged_timeline_state set bulk_pairs = 1;

select results_eq(
  $$select refreshed, reason from ods.refresh_reporting(force => true, wait => true)
     where matview = 'reporting_private.aged_timeline'$$,
  $$values (false, 'deferred: built in the next call, after the reports rebuilt in this one')$$,
  'the call that rebuilt aged_items leaves the timeline for the next one');
select is((select ready from reporting_private.aged_timeline_state), false, 'not ready');
select is((select count(*) from reporting_private.aged_timeline), 0::bigint, 'and empty');
select results_eq(
  $$select missing, extra from ods.report_differences()
     where matview = 'reporting_private.aged_timeline'$$,
  $$values (0::bigint, 0::bigint)$$,
  'an empty timeline waiting for its build is no difference');

select * from pg_temp.aged_balance_checks('without the timeline');

select throws_ok($$select * from reporting.aged_balance('2026-06-30', 'owed', 901)$$, '22023',
                 null, 'without the timeline, a wrong kind is still a clear error');

-- An item changes while the timeline waits: nothing to follow, the build will read it.
update reporting_private.aged_items
   set open_during = daterange(lower(open_during) - 3, upper(open_during)),
       balance_units = balance_units + 700
 where line_id = (select min(line_id) from reporting_private.aged_items
                   where company_id = 901 and not upper_inf(open_during));
select is((select count(*) from reporting_private.aged_timeline), 0::bigint,
          'an item changed while it waits: still empty');

select results_eq(
  $$select refreshed, reason from ods.refresh_reporting(budget_ms => 0)
     where matview = 'reporting_private.aged_timeline'$$,
  $$values (false, 'deferred (budget spent): full')$$,
  'a call without time for it (the sync''s upkeep) leaves it, as the sync counts a deferral');

select results_eq(
  $$select refreshed, reason from ods.refresh_reporting()
     where matview = 'reporting_private.aged_timeline'$$,
  $$values (true, 'full (after the reports)')$$,
  'the next call builds it');
select is((select ready from reporting_private.aged_timeline_state), true, 'ready');
select results_eq(
  $$select missing, extra from ods.report_differences()
     where matview = 'reporting_private.aged_timeline'$$,
  $$values (0::bigint, 0::bigint)$$,
  'built from the items as they are, the change included');
select * from pg_temp.aged_balance_checks('the timeline built again');
select is((select count(*) from ods.refresh_reporting() where matview = 'reporting_private.aged_timeline'),
          0::bigint, 'once built, no row for it');

rollback;
