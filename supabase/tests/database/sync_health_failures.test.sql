-- Failures reach reporting.sync_health, and readers see categories and since when, not texts.
begin;
select plan(25);

select has_column('reporting', 'sync_health', c, 'sync_health has ' || c)
  from unnest(array['error_category', 'failing_since', 'last_swept_at', 'clock_outlier']) c;
select has_column('reporting', 'freshness', c, 'freshness has ' || c)
  from unnest(array['error_category', 'failing_since']) c;

-- A model's own failure: the text for administrators, the category for everyone.
create role pgtap_ops nologin in role finanzas_admin;
-- Reads one value as a role (pgTAP's own functions stay with the owner).
create function pg_temp.read_as(r text, q text) returns text language plpgsql as $$
declare
  v text;
begin
  execute format('set local role %I', r);
  -- A signed-in user granted a company (without one, the health views read nothing).
  perform set_config('request.jwt.claims',
    '{"role":"authenticated","sub":"00000000-0000-4000-8000-0000000000b1","app_metadata":{"company_ids":[1]}}',
    true);
  execute q into v;
  perform set_config('request.jwt.claims', '', true);
  reset role;
  return v;
end $$;
create role pgtap_bi nologin in role finanzas_bi;
insert into ods.sync_state (model, last_error, error_category, last_error_at)
values ('res.partner', 'OdooAuthError: login admin@example.com refused', 'auth',
        now() - interval '1 hour')
on conflict (model) do update
   set last_error = excluded.last_error, error_category = excluded.error_category,
       last_error_at = excluded.last_error_at, failing_since = null;
select is((select failing_since from ods.sync_state where model = 'res.partner'),
          now() - interval '1 hour', 'the streak starts at the first failure');
update ods.sync_state set last_error = 'OdooAuthError: again', last_error_at = now()
 where model = 'res.partner';
select is((select failing_since from ods.sync_state where model = 'res.partner'),
          now() - interval '1 hour', 'a later failure keeps the start of the streak');

select is(pg_temp.read_as('authenticated', $q$select last_error from reporting.sync_health
                                              where model = 'res.partner'$q$), null,
          'authenticated does not read the error text');
select is(pg_temp.read_as('authenticated', $q$select error_category from reporting.sync_health
                                              where model = 'res.partner'$q$), 'auth',
          'authenticated reads the category');
select is(pg_temp.read_as('authenticated', $q$select failing_since from reporting.sync_health
                                              where model = 'res.partner'$q$)::timestamptz,
          now() - interval '1 hour', 'and since when');
select is(pg_temp.read_as('authenticated', 'select last_error from reporting.freshness'), null,
          'nor the text in freshness');
select is(pg_temp.read_as('pgtap_bi', $q$select last_error from reporting.sync_health
                                         where model = 'res.partner'$q$), null,
          'a BI reader does not read the text');
select is(pg_temp.read_as('service_role', $q$select last_error from reporting.sync_health
                                             where model = 'res.partner'$q$),
          'OdooAuthError: again', 'service_role reads the text');
select is(pg_temp.read_as('pgtap_ops', 'select last_error from reporting.freshness'),
          'res.partner: OdooAuthError: again', 'a finanzas_admin member reads the text');
select is((select error_category from reporting.sync_health where model = 'res.partner'), 'auth',
          'the owner reads the category too');

update ods.sync_state set last_error = null, last_error_at = null where model = 'res.partner';
select is((select row(error_category, failing_since)::text from ods.sync_state
            where model = 'res.partner'), '(,)', 'a success ends the streak and its category');

-- What pg_net's answers say.
select is((select row(outcome, category)::text
             from ods.judge_response(401, false, null, '{"error":"the service secret is required"}')),
          '(failed,auth)', '401: the Vault key is not a service key');
select is((select row(outcome, category)::text
             from ods.judge_response(546, false, null, '{"code":"WORKER_LIMIT"}')),
          '(failed,killed)', '546: killed at a resource limit');
select is((select row(outcome, category)::text
             from ods.judge_response(null, true, 'Timeout of 150000 ms reached', null)),
          '(failed,timeout)', 'no answer: timeout');
select is((select row(outcome, category)::text
             from ods.judge_response(null, null, 'Couldn''t resolve host name', null)),
          '(failed,network)', 'transport failure: network');
select is((select row(outcome, category)::text
             from ods.judge_response(500, false, null, '{"error":"x","category":"database"}')),
          '(failed,database)', 'the function''s own category is kept');
select is((select outcome from ods.judge_response(502, false, null, '{"runId":3,"outcome":"failed"}')),
          'ok', 'a slice whose models failed ran (those failures are on the models)');

-- A run left open by a process that no longer holds its run lock was killed.
delete from ods.runs;
delete from ods.invocations;
update ods.sync_state set last_success_at = null;
insert into ods.runs (mode, started_at) values ('sync', clock_timestamp() - interval '1 minute');
select is((select category from ods.failure_streaks() where mode = 'sync'), 'killed',
          'an abandoned run counts as killed');
select is((select count(*)::int from reporting.sync_health where error_category = 'killed'),
          (select count(*)::int from ods.catalog where enabled),
          'on every model that has not succeeded since it started');

select * from finish();
rollback;
