-- The jobs table's own rules (issue 13): claims skip locked rows and honour leases and retry
-- times, a failure is retried until max_attempts then dead, only the lease holder records it,
-- the sweep takes back expired leases, requests are validated as the caller, and API roles
-- cannot reach the table or the worker's functions.
begin;
set local client_min_messages = error;
select plan(19);

select is((select schedule from cron.job where jobname = 'jobs-sweep'), '* * * * *',
          'the sweep runs every minute');

delete from ods.jobs;
insert into ods.jobs (kind, requester, max_attempts)
values ('open_invoices', '00000000-0000-4000-8000-0000000000a1', 2),
       ('open_invoices', '00000000-0000-4000-8000-0000000000a1', 2);
create temporary table claimed as select * from ods.claim_job(60);
select is((select count(*)::int from claimed), 1, 'a claim takes one job');
select is((select status from ods.jobs where id = (select id from claimed)), 'running',
          'the claimed job is running, under a lease');
create temporary table second as select * from ods.claim_job(60);
select isnt((select id from second), (select id from claimed), 'the next claim takes another job');
select is((select count(*)::int from ods.claim_job(60)), 0, 'nothing left to claim while both are held');

select is(ods.fail_job((select id from claimed), gen_random_uuid(), 'x', true, '0 s'), null,
          'a worker that does not hold the lease records nothing');
select is(ods.fail_job((select id from claimed), (select lock_token from claimed), 'boom', true, '1 hour'),
          'failed', 'a first failure is retried');
select is((select count(*)::int from ods.claim_job(60)), 0, 'not before its retry time');
update ods.jobs set run_after = now() where id = (select id from claimed);
create temporary table again as select * from ods.claim_job(60);
select is((select id from again), (select id from claimed), 'claimed again when its time came');
select is(ods.fail_job((select id from again), (select lock_token from again), 'boom again', true, '0 s'),
          'dead', 'dead after max_attempts');
select is((select status || ' ' || attempts || ' ' || error from ods.jobs where id = (select id from again)),
          'dead 2 boom again', 'a dead job keeps its attempts and error');

update ods.jobs set locked_until = now() - interval '1 second' where id = (select id from second);
select is(ods.sweep_jobs(), 1, 'the sweep takes back an expired lease');
select is((select status || ' ' || attempts from ods.jobs where id = (select id from second)),
          'failed 1', 'as one failed attempt, claimable again');
select ok((select error from ods.jobs where id = (select id from second)) like '%worker stopped%',
          'saying the worker stopped');

insert into ods.jobs (kind, requester) values ('open_invoices', null);
select is(ods.fail_job((select max(id) from ods.jobs), null, 'x', false), null,
          'a job nobody holds cannot be failed');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-0000000000a1", "role": "authenticated"}', true);
select throws_ok($$select * from ods.jobs$$, '42501', null, 'API roles cannot read the table');
select throws_ok($$select * from ods.claim_job(60)$$, '42501', null, 'nor claim jobs');
select throws_ok($$select reporting.request_export('open_invoices', '{"company_id": 999999}')$$,
                 '42501', null, 'nor export a company not granted to them');
select throws_ok($$select reporting_private.enqueue_export('open_invoices', '{"company_id": 999999}', array[999999::bigint])$$,
                 '42501', null, 'not even by calling the queueing helper directly');

select * from finish();
rollback;
