-- Background jobs (Excel exports first): one table in Postgres claimed with FOR UPDATE SKIP
-- LOCKED by the jobs-worker Edge Function, woken through pg_net when a job is inserted and by a
-- pg_cron sweep every minute (DESIGN §1: no Redis, no Celery; pgmq has no status or progress).
-- A job is resumable: the worker commits each slice's output part together with its progress,
-- so a killed worker loses at most the slice it was writing. Requesters create jobs through
-- reporting.request_export and read their own through reporting.export_jobs.

create table ods.jobs (
  id bigint generated always as identity primary key,
  kind text not null,
  params jsonb not null default '{}',
  -- auth.users id of whoever asked (NULL: a job of the system itself).
  requester uuid,
  -- The companies the requester was allowed to read when asking, narrowed to those asked for:
  -- the worker reads the reports as the requester restricted to these (NULL = every company).
  companies bigint[],
  status text not null default 'queued'
    check (status in ('queued', 'running', 'done', 'failed', 'dead')),
  rows_done bigint not null default 0,
  rows_total bigint,
  -- Failed attempts (an error, or a worker that stopped while holding the job).
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  -- Not claimed before this (a failed job waits before its retry).
  run_after timestamptz not null default now(),
  -- Held by one worker invocation until then; its token must match for its slices to commit.
  locked_until timestamptz,
  lock_token uuid,
  -- The worker's resumable position (writer state, keyset cursor), committed with each part.
  state jsonb,
  error text,
  result jsonb,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
comment on table ods.jobs is
  'Background jobs (kind, params, requester): status queued → running → done, or failed (retried '
  'after run_after) → dead after max_attempts; progress rows_done/rows_total; result when done';
create index jobs_claimable_idx on ods.jobs (run_after, id) where status in ('queued', 'running', 'failed');
create index jobs_requester_idx on ods.jobs (requester, created_at desc);
revoke all on ods.jobs from public, anon, authenticated;
grant select on ods.jobs to service_role;
-- RLS as a second wall: only the owner (the worker's connection, migrations) reads it directly;
-- requesters reach their own rows through reporting_private.own_jobs().
alter table ods.jobs enable row level security;

-- The output of each committed slice, in order per sheet; assembled into the file at the end.
create table ods.job_parts (
  job_id bigint not null references ods.jobs (id) on delete cascade,
  seq integer not null,
  sheet integer not null,
  data bytea not null,
  primary key (job_id, seq)
);
comment on table ods.job_parts is
  'Deflated slices of a job''s output, committed with the job''s progress; removed when done';
revoke all on ods.job_parts from public, anon, authenticated;
alter table ods.job_parts enable row level security;

-- ---------------------------------------------------------------------------------------------
-- Waking the worker: the same Vault entries and pg_net call as ods.invoke_sync. Sent after
-- commit (pg_net), so the worker never sees an uncommitted job.
create function ods.wake_jobs_worker() returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  project_url text;
  service_key text;
begin
  select decrypted_secret into project_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into service_key from vault.decrypted_secrets where name = 'service_role_key';
  if project_url is null or service_key is null then
    raise warning 'jobs-worker not woken: Vault entries project_url and service_role_key are required';
    return null;
  end if;
  return net.http_post(
    url := rtrim(project_url, '/') || '/functions/v1/jobs-worker',
    body := '{}'::jsonb,
    headers := jsonb_build_object('Content-Type', 'application/json',
                                  'Authorization', 'Bearer ' || service_key),
    timeout_milliseconds := 150000
  );
end $$;
revoke all on function ods.wake_jobs_worker() from public;
grant execute on function ods.wake_jobs_worker() to service_role;
comment on function ods.wake_jobs_worker() is
  'Queues one call of the jobs-worker Edge Function (pg_net, after commit); NULL without Vault entries';

create function ods.jobs_inserted() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform ods.wake_jobs_worker();
  return null;
end $$;
create trigger jobs_wake after insert on ods.jobs
  for each statement execute function ods.jobs_inserted();

-- Claims the next job: a queued one, one between two invocations of a long export, or a
-- failed one whose retry time has come. Returns nothing when none is claimable.
create function ods.claim_job(lease_seconds integer default 120)
returns setof ods.jobs
language sql set search_path = '' as $$
  update ods.jobs j
     set status = 'running', lock_token = gen_random_uuid(),
         locked_until = now() + make_interval(secs => claim_job.lease_seconds),
         started_at = coalesce(j.started_at, now()), updated_at = now()
   where j.id = (
     select c.id from ods.jobs c
      where c.status in ('queued', 'failed', 'running') and c.run_after <= now()
        and (c.status <> 'running' or c.locked_until is null)
      order by c.run_after, c.id
      for update skip locked
      limit 1)
  returning j.*
$$;
revoke all on function ods.claim_job(integer) from public;
grant execute on function ods.claim_job(integer) to service_role;

-- One failed attempt: retried after `retry_in` while attempts remain (and the fault is
-- retriable), dead otherwise. Only the holder of the lock (its token) records it.
create function ods.fail_job(job bigint, token uuid, error text, retriable boolean,
                             retry_in interval default interval '30 seconds')
returns text
language sql set search_path = '' as $$
  update ods.jobs j
     set attempts = j.attempts + 1,
         status = case when fail_job.retriable and j.attempts + 1 < j.max_attempts
                       then 'failed' else 'dead' end,
         error = left(fail_job.error, 4000), run_after = now() + fail_job.retry_in,
         locked_until = null, lock_token = null, updated_at = now(),
         finished_at = case when fail_job.retriable and j.attempts + 1 < j.max_attempts
                            then null else now() end
   where j.id = fail_job.job and j.lock_token = fail_job.token
  returning j.status
$$;
revoke all on function ods.fail_job(bigint, uuid, text, boolean, interval) from public;
grant execute on function ods.fail_job(bigint, uuid, text, boolean, interval) to service_role;

-- Every minute: a job whose lock expired was held by a worker that stopped (killed, out of
-- time or memory) — that is a failed attempt; then the worker is woken if anything is
-- claimable, so retries and interrupted exports go on without a new request.
create function ods.sweep_jobs() returns integer
language plpgsql security definer set search_path = '' as $$
declare
  n integer;
begin
  update ods.jobs j
     set attempts = j.attempts + 1,
         status = case when j.attempts + 1 < j.max_attempts then 'failed' else 'dead' end,
         error = 'the worker stopped while holding the job (killed, or past its time limit); '
                 || 'it resumes from its last committed slice',
         locked_until = null, lock_token = null, updated_at = now(),
         finished_at = case when j.attempts + 1 < j.max_attempts then null else now() end
   where j.status = 'running' and j.locked_until < now();
  get diagnostics n = row_count;
  if exists (select 1 from ods.jobs c
              where c.status in ('queued', 'failed', 'running') and c.run_after <= now()
                and (c.status <> 'running' or c.locked_until is null)) then
    perform ods.wake_jobs_worker();
  end if;
  -- Parts of jobs that ended without assembling them (dead) are of no use to anyone.
  delete from ods.job_parts p using ods.jobs j
   where j.id = p.job_id and j.status = 'dead' and j.finished_at < now() - interval '1 day';
  return n;
end $$;
revoke all on function ods.sweep_jobs() from public;
grant execute on function ods.sweep_jobs() to service_role;

select cron.schedule('jobs-sweep', '* * * * *', $$select ods.sweep_jobs()$$);
select cron.schedule('jobs-purge', '27 3 * * *', $$
  delete from ods.jobs where finished_at < now() - interval '30 days'$$);
