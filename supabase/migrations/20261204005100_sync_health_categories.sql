-- What readers of reporting.sync_health / reporting.freshness see: per
-- model its own failure or a whole-sync one (ods.failure_streaks, previous migration) newer than
-- its last success, as a category and the start of the streak; the error text only for
-- service_role, the database owner and members of finanzas_admin. Existing columns are kept;
-- error_category, failing_since, last_swept_at and clock_outlier are added.

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
