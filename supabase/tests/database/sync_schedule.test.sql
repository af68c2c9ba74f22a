-- The sync's schedule and state tables (issue 4): cron jobs, the invoke function, privacy.
begin;
select plan(14);

select is((select schedule from cron.job where jobname = 'odoo-sync'), '* * * * *', 'sync every minute');
select is((select schedule from cron.job where jobname = 'odoo-sync-reconcile'), '*/15 * * * *',
          'deletions reconciled every 15 minutes');
select is((select schedule from cron.job where jobname = 'odoo-sync-verify'), '7 * * * *', 'verified hourly');
select ok((select command from cron.job where jobname = 'odoo-sync-purge') like '%cron.job_run_details%',
          'old cron run details are purged');
select ok((select command from cron.job where jobname = 'odoo-sync-purge') like '%ods.runs%',
          'old run-log rows are purged');

-- Without the Vault entries nothing is sent (and the job says why instead of failing).
delete from vault.secrets where name in ('project_url', 'service_role_key');
select is(ods.invoke_sync('sync'), null, 'no request without project_url and service_role_key');

select vault.create_secret('https://example.supabase.co/', 'project_url');
select vault.create_secret('test-service-key', 'service_role_key');
select isnt(ods.invoke_sync('reconcile', 'cron'), null, 'a request id once Vault has both entries');
select is((select url from net.http_request_queue order by id desc limit 1),
          'https://example.supabase.co/functions/v1/odoo-sync', 'calls the odoo-sync function');
select is((select headers ->> 'Authorization' from net.http_request_queue order by id desc limit 1),
          'Bearer test-service-key', 'with the service key from Vault');
select is((select convert_from(body, 'utf8')::jsonb from net.http_request_queue order by id desc limit 1),
          '{"mode": "reconcile", "trigger": "cron"}'::jsonb, 'and the mode in the body');
select is((select timeout_milliseconds from net.http_request_queue order by id desc limit 1), 150000,
          'with an explicit timeout matching the function''s wall-clock limit');

select ok(not has_schema_privilege('anon', 'ods', 'usage'), 'ods is private to anon');
select ok(not has_schema_privilege('authenticated', 'odoo', 'usage'), 'odoo is private to authenticated');
select ok(not has_function_privilege('authenticated', 'ods.invoke_sync(text, text)', 'execute'),
          'API roles cannot trigger the sync');

select * from finish();
rollback;
