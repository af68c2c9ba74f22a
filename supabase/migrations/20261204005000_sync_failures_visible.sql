-- Every failed or killed invocation shows in reporting.sync_health (DESIGN §4 rule 11), and
-- readers see what kind of failure and since when, not its text (DESIGN §5). Failures inside a
-- slice land on ods.sync_state with a category decided by the engine (sync-errors.ts); the
-- ones no slice can record (a wrong Vault key answered 401, a function killed at its wall or
-- CPU limit, a configuration it could not start with) are recorded per invocation from pg_net's
-- answers by the cron tick, and runs left open by a killed process count as killed.

-- ---------------------------------------------------------------------------------------------
-- Who reads the full error texts: service_role, the database owner and members of
-- finanzas_admin (the BI role's administrators). Everyone else reads the category.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'finanzas_admin') then
    create role finanzas_admin nologin;
  end if;
end $$;
grant finanzas_bi to finanzas_admin;
comment on role finanzas_admin is
  'Reads what finanzas_bi reads plus the full error texts of reporting.sync_health/freshness; '
  'grant it to the people who operate the sync (grant finanzas_admin to <login>)';

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

-- ---------------------------------------------------------------------------------------------
-- Readers: the caller is the role PostgREST switched to (the `role` setting, which a SECURITY
-- DEFINER function does not change), else the login. Not spoofable: setting `role` requires
-- membership of it.
create function reporting_private.reads_error_text() returns boolean
language sql stable set search_path = '' as $$
  select coalesce((
    select r.rolsuper or r.rolname in ('postgres', 'service_role', 'supabase_admin')
           or pg_catalog.pg_has_role(r.oid, 'finanzas_admin', 'member')
      from pg_catalog.pg_roles r
     where r.rolname = coalesce(nullif(current_setting('role', true), 'none'), session_user)
  ), false)
$$;
comment on function reporting_private.reads_error_text() is
  'Whether the caller may read error texts: service_role, postgres or a member of finanzas_admin';
revoke all on function reporting_private.reads_error_text() from public;
grant execute on function reporting_private.reads_error_text()
  to authenticated, service_role, finanzas_bi;

drop view reporting.sync_health;
drop view reporting.freshness;
drop function reporting_private.freshness_row();
drop function reporting_private.sync_health_rows();

-- Per model, its own last error and any whole-sync failure newer than the model's last success
-- in that mode (a killed slice shows on the models it had not finished); the newest names the
-- category, the earliest unresolved one says since when.
create function reporting_private.sync_health_rows()
returns table (
  model text, rows bigint, high_water timestamptz, lag_seconds numeric,
  last_success_at timestamptz, last_error text, verified_at timestamptz, verification_ok boolean,
  last_error_at timestamptz, phase text, consecutive_failures integer,
  snapshot_total bigint, snapshot_progress numeric,
  error_category text, failing_since timestamptz, last_swept_at timestamptz, clock_outlier jsonb
)
language sql stable security definer set search_path = '' set jit = off as $$
  with streaks as materialized (select * from ods.failure_streaks()),
  text_allowed as (select reporting_private.reads_error_text() as yes)
  select c.model, coalesce(s.rows, 0), s.high_water,
         round(extract(epoch from now() - s.last_success_at)::numeric, 1),
         s.last_success_at,
         case when (select yes from text_allowed) then e.error end,
         s.last_verified_at, s.verification_ok,
         e.at, coalesce(s.phase, 'snapshot'), coalesce(s.consecutive_failures, 0),
         s.snapshot_total,
         -- Share of the first copy done: rows so far over Odoo's count when it began.
         case when s.phase = 'incremental' then 1
              when coalesce(s.snapshot_total, 0) = 0 then 0
              else round(least(1, s.rows::numeric / s.snapshot_total), 4) end,
         e.category, e.since, s.last_swept_at, s.clock_outlier
    from ods.catalog c
    left join ods.sync_state s on s.model = c.model
    cross join lateral (
      select (array_agg(x.error order by x.at desc))[1] as error,
             (array_agg(x.category order by x.at desc))[1] as category,
             max(x.at) as at, min(x.since) as since
        from (
          select s.last_error as error, s.error_category as category, s.last_error_at as at,
                 coalesce(s.failing_since, s.last_error_at) as since
           where s.last_error is not null
          union all
          select format('odoo-sync %s: %s', f.mode, f.error), f.category, f.last_at, f.since
            from streaks f
           where coalesce(case f.mode when 'sync' then s.last_success_at
                                      when 'reconcile' then s.last_reconciled_at
                                      else s.last_verified_at end, '-infinity') < f.last_at
        ) x
    ) e
   where c.enabled
   order by c.priority, c.model
$$;
revoke all on function reporting_private.sync_health_rows() from public;
grant execute on function reporting_private.sync_health_rows()
  to authenticated, service_role, finanzas_bi;

create view reporting.sync_health with (security_invoker = true) as
select model, rows, high_water, lag_seconds, last_success_at, last_error, verified_at,
       verification_ok, last_error_at, phase, consecutive_failures, snapshot_total,
       snapshot_progress, error_category, failing_since, last_swept_at, clock_outlier
  from reporting_private.sync_health_rows();
comment on view reporting.sync_health is
  'Per synced model: rows, high_water (greatest Odoo write_date read), lag_seconds = now() - '
  'last_success_at (age of the copy: time since the last sync pass that reached the end of '
  'Odoo''s changes), the current failure (error_category, failing_since = first failure of the '
  'streak, last_error_at = latest; last_error = its text, for service_role and finanzas_admin '
  'only), including failed or killed invocations of the sync function, verification status, the '
  'first copy''s progress (snapshot_progress, 0..1, of snapshot_total records), the last complete '
  'content sweep (last_swept_at) and a refused future write_date (clock_outlier)';
grant select on reporting.sync_health to authenticated, service_role, finanzas_bi;

-- How old are the numbers the reports show: per materialized view, the mirror's age when its
-- inputs were last seen unchanged or refreshed; the report is as old as its oldest part.
create function reporting_private.freshness_row()
returns table (
  data_as_of timestamptz, lag_seconds numeric, refreshed_at timestamptz, checked_at timestamptz,
  refresh_pending boolean, failing_models text[], last_error text,
  error_category text, failing_since timestamptz
)
language sql stable security definer set search_path = '' set jit = off as $$
  with per_view as (
    select v.matview, v.refreshed_at, v.checked_at,
           (v.seen is distinct from cur.versions
            or (v.date_dependent and v.as_of is distinct from current_date)) as pending,
           v.data_as_of, cur.synced
      from ods.reporting_matviews v,
           lateral (select jsonb_object_agg(i.table_name, i.version) as versions,
                           case when bool_or(s.last_success_at is null) then null
                                else min(s.last_success_at) end as synced
                      from ods.reporting_inputs i
                      left join ods.sync_state s on s.model = i.model
                     where i.table_name = any (v.inputs)) cur
  ),
  errors as (
    select array_agg(h.model order by h.model) as models,
           (array_agg(h.model || ': ' || h.last_error order by h.last_error_at desc))[1]
             as last_error,
           (array_agg(h.error_category order by h.last_error_at desc))[1] as category,
           min(h.failing_since) as since
      from reporting_private.sync_health_rows() h
     where h.error_category is not null
  )
  select d.data_as_of, round(extract(epoch from now() - d.data_as_of)::numeric, 1),
         (select max(refreshed_at) from per_view), (select min(checked_at) from per_view),
         (select bool_or(pending or refreshed_at is null) from per_view),
         coalesce(e.models, '{}'), e.last_error, e.category, e.since
    from (select case when bool_or(p.refreshed_at is null) then null
                      else min(case when p.pending then p.data_as_of else p.synced end) end
                   as data_as_of
            from per_view p) d, errors e
$$;
revoke all on function reporting_private.freshness_row() from public;
grant execute on function reporting_private.freshness_row()
  to authenticated, service_role, finanzas_bi;

create view reporting.freshness with (security_invoker = true) as
select data_as_of, lag_seconds, refreshed_at, checked_at, refresh_pending, failing_models,
       last_error, error_category, failing_since
  from reporting_private.freshness_row();
comment on view reporting.freshness is
  'One row: data_as_of = how current the numbers in the reports are (the oldest sync completion '
  'behind any report), lag_seconds = now() - data_as_of, refresh_pending = the mirror has '
  'changes the reports do not show yet, failing_models = models whose last sync failed, '
  'error_category/failing_since = the newest failure and when the oldest began, last_error = '
  'its text (service_role and finanzas_admin only)';
grant select on reporting.freshness to authenticated, service_role, finanzas_bi;
