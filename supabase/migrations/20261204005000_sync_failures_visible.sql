-- Every failed or killed invocation is recorded for reporting.sync_health (drift shows itself).
-- Failures inside a slice land on ods.sync_state with a category decided by the engine
-- (sync-errors.ts) and the start of their streak; the ones no slice can record (a wrong Vault
-- key answered 401, a function killed at its wall or CPU limit, a configuration it could not
-- start with) are recorded per invocation, by the function when it can reach the database and
-- from pg_net's answers by the cron tick; runs left open by a killed process count as killed.

-- ---------------------------------------------------------------------------------------------
-- Per model: the engine's category of the last error, and when the current failure streak began.
alter table ods.sync_state
  add column if not exists error_category text,
  add column if not exists failing_since timestamptz;
comment on column ods.sync_state.error_category is
  'Kind of the last error, decided by the engine: auth, permission, network, timeout, odoo_fault, '
  'bad_data, config, database, killed, internal';
comment on column ods.sync_state.failing_since is
  'First failure of the current streak (cleared with last_error by the next success)';

-- The streak is kept here rather than by every writer: whoever clears last_error ends it.
create function ods.sync_state_failure_streak() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.last_error is null then
    new.failing_since := null;
    new.error_category := null;
  else
    new.failing_since := coalesce(new.failing_since, new.last_error_at, now());
    new.error_category := coalesce(new.error_category, 'internal');
  end if;
  return new;
end $$;
create trigger sync_state_failure_streak before insert or update on ods.sync_state
  for each row execute function ods.sync_state_failure_streak();
-- Errors recorded before this migration: their streak began no later than their last failure.
update ods.sync_state set failing_since = last_error_at where last_error is not null;

-- ---------------------------------------------------------------------------------------------
-- Invocations of the odoo-sync function and how each ended, as far as the database can tell.
create table ods.invocations (
  id bigserial primary key,
  -- pg_net's request id (NULL when not sent through pg_net, or never sent).
  request_id bigint,
  mode text not null,
  trigger text not null,
  requested_at timestamptz not null default now(),
  outcome text not null default 'pending' check (outcome in ('pending', 'ok', 'failed')),
  answered_at timestamptz,
  status_code integer,
  category text,
  error text
);
create index invocations_pending_idx on ods.invocations (request_id) where outcome = 'pending';
create index invocations_mode_idx on ods.invocations (mode, requested_at);
create index runs_mode_idx on ods.runs (mode, started_at);
comment on table ods.invocations is
  'Calls of the odoo-sync function queued by ods.invoke_sync, and their outcome as recorded by the '
  'function itself or read from pg_net''s answers (net._http_response)';
grant select on ods.invocations to service_role;

-- What pg_net's answer says about an invocation. A slice that ran answers its summary (200, or
-- 502 when every model failed: those failures are on the models); the function's own refusals
-- carry {"error", "category"}; the platform's carry a status (401 bad key, 546 resource limit,
-- 504 idle timeout, 503 boot error) or nothing at all (pg_net's timeout, a network error).
create function ods.judge_response(
  status_code integer, timed_out boolean, error_msg text, content text,
  out outcome text, out category text, out error text
)
language plpgsql immutable set search_path = '' as $$
declare
  body jsonb;
begin
  begin
    body := content::jsonb;
  exception when others then
    body := null;
  end;
  if jsonb_typeof(body) <> 'object' then
    body := null;
  end if;
  if status_code is null then
    outcome := 'failed';
    if coalesce(timed_out, false) or error_msg ilike '%timeout%' or error_msg ilike '%timed out%' then
      category := 'timeout';
      error := 'no answer in time (the platform stops a function at its wall-clock limit): '
               || coalesce(error_msg, 'timed out');
    else
      category := 'network';
      error := 'the function could not be reached: ' || coalesce(error_msg, 'no answer');
    end if;
  elsif status_code between 200 and 299 or (status_code = 502 and body ? 'runId') then
    outcome := 'ok';
  else
    outcome := 'failed';
    category := coalesce(body ->> 'category', case
      when status_code in (401, 403) then 'auth'
      when status_code in (400, 404, 405, 503) then 'config'
      when status_code in (500, 504, 546) then 'killed'
      else 'network' end);
    error := format('HTTP %s from odoo-sync: %s', status_code,
                    left(coalesce(body ->> 'error', body ->> 'message', body ->> 'msg', content,
                                  'empty answer'), 2000));
    if status_code in (401, 403) and body ->> 'category' is null then
      error := error || ' (the Vault secret service_role_key is not a service key of this project)';
    end if;
  end if;
end $$;
revoke all on function ods.judge_response(integer, boolean, text, text) from public;

-- Records a failure the function saw itself (before or around its slice), or one the database
-- saw (Vault not set up). Updates a pending invocation; inserts one for calls not made by pg_net.
create function ods.record_invocation_failure(
  invocation bigint, mode text, trigger text, category text, error text
) returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  inv bigint;
begin
  update ods.invocations i
     set outcome = 'failed', answered_at = now(), category = record_invocation_failure.category,
         error = record_invocation_failure.error
   where i.id = invocation and i.outcome = 'pending'
  returning i.id into inv;
  if inv is null then
    insert into ods.invocations (mode, trigger, outcome, answered_at, category, error)
    values (coalesce(record_invocation_failure.mode, 'sync'),
            coalesce(record_invocation_failure.trigger, 'http'), 'failed', now(),
            record_invocation_failure.category, record_invocation_failure.error)
    returning id into inv;
  end if;
  return inv;
end $$;
revoke all on function ods.record_invocation_failure(bigint, text, text, text, text) from public;
grant execute on function ods.record_invocation_failure(bigint, text, text, text, text)
  to service_role;

-- Reads pg_net's answers to pending invocations (kept 6 hours by pg_net; checked every tick).
-- An invocation with no answer long after its timeout (pg_net lost it) counts as failed.
create function ods.check_invocations() returns integer
language plpgsql security definer set search_path = '' as $$
declare
  n integer;
begin
  update ods.invocations i
     set outcome = j.outcome, category = j.category, error = j.error,
         status_code = r.status_code, answered_at = r.created
    from net._http_response r,
         lateral ods.judge_response(r.status_code, r.timed_out, r.error_msg, r.content) j
   where i.outcome = 'pending' and r.id = i.request_id;
  get diagnostics n = row_count;
  update ods.invocations i
     set outcome = 'failed', category = 'network', answered_at = now(),
         error = 'pg_net recorded no answer for this call (lost, or expired before it was read)'
   where i.outcome = 'pending' and i.requested_at < now() - interval '15 minutes'
     and not exists (select 1 from net.http_request_queue q where q.id = i.request_id);
  -- Older history goes, except the current failure streak of each mode (it says since when).
  delete from ods.invocations i
   where i.requested_at < now() - interval '7 days'
     and exists (select 1 from ods.invocations o
                  where o.mode = i.mode and o.outcome = 'ok' and o.requested_at > i.requested_at);
  return n;
end $$;
revoke all on function ods.check_invocations() from public;
grant execute on function ods.check_invocations() to service_role;

-- Same call as before (pg_cron's jobs are unchanged), now recorded: the invocation's id travels
-- in a header so the function can record what it saw, and each tick first reads the answers.
create or replace function ods.invoke_sync(mode text default 'sync', trigger text default 'cron')
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  project_url text;
  service_key text;
  inv bigint;
  request bigint;
begin
  perform ods.check_invocations();
  select decrypted_secret into project_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into service_key from vault.decrypted_secrets where name = 'service_role_key';
  insert into ods.invocations (mode, trigger) values (invoke_sync.mode, invoke_sync.trigger)
  returning id into inv;
  if project_url is null or service_key is null then
    raise warning 'odoo-sync not invoked: Vault entries project_url and service_role_key are required';
    perform ods.record_invocation_failure(inv, mode, trigger, 'config',
      'not sent: Vault entries project_url and service_role_key are required');
    return null;
  end if;
  request := net.http_post(
    url := rtrim(project_url, '/') || '/functions/v1/odoo-sync',
    body := jsonb_build_object('mode', mode, 'trigger', trigger),
    headers := jsonb_build_object('Content-Type', 'application/json',
                                  'Authorization', 'Bearer ' || service_key,
                                  'X-Sync-Invocation', inv::text),
    timeout_milliseconds := 150000
  );
  update ods.invocations set request_id = request where id = inv;
  return request;
end;
$$;
revoke all on function ods.invoke_sync(text, text) from public;

-- The current failure streak of each mode, from invocations and runs: failures after the mode's
-- last invocation or run that ended normally (a run whose models failed ended normally; those
-- failures are on the models). A run still 'running' whose process no longer holds its run
-- lock (model-lock.ts) was killed; so was one closed as 'interrupted'.
create function ods.failure_streaks()
returns table (mode text, since timestamptz, last_at timestamptz, failures bigint, category text,
               error text)
-- The planner cannot know that a streak is short (it estimates a third of all runs) and would
-- JIT-compile this sub-millisecond query for over a second.
language sql stable security definer set search_path = '' set jit = off as $$
  select m.mode, min(f.at), max(f.at), count(*),
         (array_agg(f.category order by f.at desc))[1], (array_agg(f.error order by f.at desc))[1]
    from (values ('sync'), ('reconcile'), ('verify')) m (mode)
   cross join lateral (
     select greatest(
       (select max(i.requested_at) from ods.invocations i
         where i.mode = m.mode and i.outcome = 'ok'),
       (select max(r.started_at) from ods.runs r
         where r.mode = m.mode and r.outcome in ('ok', 'partial', 'failed', 'busy'))) as at
   ) ok
   cross join lateral (
     select i.requested_at as at, i.category, i.error
       from ods.invocations i
      where i.mode = m.mode and i.outcome = 'failed'
        and i.requested_at > coalesce(ok.at, '-infinity')
     union all
     select r.started_at, 'killed',
            coalesce(r.error, 'the run never ended: its process was killed, crashed or timed out')
       from ods.runs r
      where r.mode = m.mode and r.started_at > coalesce(ok.at, '-infinity')
        and (r.outcome = 'interrupted'
             or (r.outcome = 'running' and r.started_at < clock_timestamp() - interval '10 seconds'
                 and not exists (
                   select 1 from pg_catalog.pg_locks l
                    where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                      and l.database = (select d.oid from pg_catalog.pg_database d
                                         where d.datname = current_database())
                      and l.classid = hashtext('odoo-sync-run')::oid
                      and l.objid = r.id::int::oid)))
   ) f
   group by m.mode
$$;
revoke all on function ods.failure_streaks() from public;

