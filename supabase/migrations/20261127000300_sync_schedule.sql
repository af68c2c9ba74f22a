-- The schedule (DESIGN §4): pg_cron calls the odoo-sync Edge Function through pg_net, reading
-- the project URL and service key from Vault (Supabase's documented pattern), with separate
-- jobs for deletions (reconcile) and verification, and a daily purge of old bookkeeping.
-- Vault entries expected: 'project_url' (https://<ref>.supabase.co) and 'service_role_key'.

create or replace function ods.invoke_sync(mode text default 'sync', trigger text default 'cron')
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  project_url text;
  service_key text;
begin
  select decrypted_secret into project_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into service_key from vault.decrypted_secrets where name = 'service_role_key';
  if project_url is null or service_key is null then
    raise warning 'odoo-sync not invoked: Vault entries project_url and service_role_key are required';
    return null;
  end if;
  return net.http_post(
    url := rtrim(project_url, '/') || '/functions/v1/odoo-sync',
    body := jsonb_build_object('mode', mode, 'trigger', trigger),
    headers := jsonb_build_object('Content-Type', 'application/json',
                                  'Authorization', 'Bearer ' || service_key),
    timeout_milliseconds := 150000
  );
end;
$$;
revoke all on function ods.invoke_sync(text, text) from public;
comment on function ods.invoke_sync is
  'Queues one call of the odoo-sync Edge Function (sent by pg_net after commit); returns the request id';

select cron.schedule('odoo-sync', '* * * * *', $$select ods.invoke_sync('sync')$$);
select cron.schedule('odoo-sync-reconcile', '*/15 * * * *', $$select ods.invoke_sync('reconcile')$$);
select cron.schedule('odoo-sync-verify', '7 * * * *', $$select ods.invoke_sync('verify')$$);
select cron.schedule('odoo-sync-purge', '17 3 * * *', $$
  delete from cron.job_run_details where end_time < now() - interval '7 days';
  delete from ods.runs where started_at < now() - interval '30 days';
  delete from ods.verifications where checked_at < now() - interval '90 days';
$$);
