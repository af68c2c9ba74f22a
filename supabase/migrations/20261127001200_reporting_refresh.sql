-- Keeping the reports fresh and saying how fresh they are (DESIGN §5): ods.refresh_reporting()
-- refreshes each materialized view CONCURRENTLY (readers are never blocked) and only when the
-- odoo.* tables it reads changed since its last refresh (versions kept by the triggers of
-- ods.reporting_inputs) or, for the "as of today" ones, when the date changed;
-- reporting.sync_health and reporting.freshness expose the age of the data; and
-- ods.set_demo_access() is the local/demo switch that lets `anon` read the reports.

create table ods.reporting_matviews (
  matview text primary key,
  -- Refresh order: a materialized view comes after the ones it reads.
  position integer not null unique,
  -- odoo.* tables it reads, directly or through other materialized views.
  inputs text[] not null,
  -- Its contents depend on current_date (refreshed again when the date changes).
  date_dependent boolean not null default false,
  -- ods.reporting_inputs versions of its inputs at its last refresh.
  seen jsonb,
  as_of date,
  -- The oldest last_success_at of its input models when it was last refreshed.
  data_as_of timestamptz,
  refreshed_at timestamptz,
  checked_at timestamptz,
  last_ms numeric,
  refreshes bigint not null default 0
);
comment on table ods.reporting_matviews is
  'The materialized views behind reporting.*, their inputs and their last refresh';
grant select on ods.reporting_matviews to service_role;

insert into ods.reporting_matviews (matview, position, inputs, date_dependent) values
  ('reporting_private.companies', 10, '{res_company,res_currency}', false),
  ('reporting_private.partners', 20, '{res_partner}', false),
  ('reporting_private.currencies', 30, '{res_currency}', false),
  ('reporting_private.trade_items', 40,
   '{account_move_line,account_account,account_partial_reconcile}', false),
  ('reporting_private.trade_item_partials', 50,
   '{account_move_line,account_account,account_partial_reconcile}', false),
  ('reporting_private.aged_items', 55,
   '{account_move_line,account_account,account_partial_reconcile,res_company,res_currency}', false),
  ('reporting_private.aged_receivable_today', 60,
   '{account_move_line,account_account,account_partial_reconcile,res_partner,res_company,res_currency}', true),
  ('reporting_private.aged_payable_today', 70,
   '{account_move_line,account_account,account_partial_reconcile,res_partner,res_company,res_currency}', true),
  ('reporting_private.open_documents', 80, '{account_move}', false),
  ('reporting_private.partner_balances', 90,
   '{account_move_line,account_account,account_partial_reconcile}', false),
  ('reporting_private.partner_ledger', 100,
   '{account_move_line,account_account,account_partial_reconcile,account_journal}', false),
  ('reporting_private.cash_position', 110,
   '{account_move_line,account_account,account_journal,res_company}', false),
  ('reporting_private.cashflow_by_due_week', 120,
   '{account_move_line,account_account,account_partial_reconcile}', false),
  ('reporting_private.revenue_expenses_by_month', 130, '{account_move_line,account_account}', false);

-- One call brings every report up to date with the mirror; cheap when nothing changed (a few
-- small queries). Runs in the caller's transaction: the refreshed views become visible together
-- at commit. A concurrent call returns at once with 'busy' (advisory lock), or waits for the
-- running one to finish with `wait`. `force` refreshes everything.
create function ods.refresh_reporting(force boolean default false, wait boolean default false)
returns table (matview text, refreshed boolean, reason text, ms numeric)
language plpgsql security definer set search_path = '' as $$
declare
  m record;
  cur jsonb;
  synced timestamptz;
  why text;
  t0 timestamptz;
begin
  if wait then
    perform pg_advisory_xact_lock(hashtext('ods.refresh_reporting')::bigint);
  elsif not pg_try_advisory_xact_lock(hashtext('ods.refresh_reporting')::bigint) then
    matview := null; refreshed := false; reason := 'busy: another refresh is running'; ms := null;
    return next;
    return;
  end if;
  for m in select * from ods.reporting_matviews v order by v.position loop
    -- Versions are read before the refresh takes its snapshot: a change committed in between
    -- is then refreshed again next time, never missed.
    select coalesce(jsonb_object_agg(i.table_name, i.version), '{}'::jsonb),
           case when bool_or(s.last_success_at is null) then null else min(s.last_success_at) end
      into cur, synced
      from ods.reporting_inputs i
      left join ods.sync_state s on s.model = i.model
     where i.table_name = any (m.inputs);
    why := case
      when force then 'forced'
      when m.refreshed_at is null then 'never refreshed'
      when m.seen is distinct from cur then
        'inputs changed: ' || (select string_agg(c.key, ', ' order by c.key)
                                 from jsonb_each(cur) c
                                where c.value is distinct from m.seen -> c.key)
      when m.date_dependent and m.as_of is distinct from current_date then 'date changed'
    end;
    matview := m.matview;
    if why is null then
      update ods.reporting_matviews v set checked_at = now() where v.matview = m.matview;
      refreshed := false; reason := 'unchanged'; ms := null;
      return next;
      continue;
    end if;
    t0 := clock_timestamp();
    if (select c.relispopulated from pg_class c where c.oid = m.matview::regclass) then
      execute format('refresh materialized view concurrently %s', m.matview);
    else
      execute format('refresh materialized view %s', m.matview);
    end if;
    execute format('analyze %s', m.matview);
    ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
    update ods.reporting_matviews v
       set seen = cur, as_of = current_date, data_as_of = synced, refreshed_at = t0,
           checked_at = now(), last_ms = ms, refreshes = v.refreshes + 1
     where v.matview = m.matview;
    refreshed := true; reason := why;
    return next;
  end loop;
end $$;
comment on function ods.refresh_reporting(boolean, boolean) is
  'Refreshes (CONCURRENTLY) the reporting materialized views whose odoo.* inputs changed since '
  'their last refresh, or whose date passed; call after every sync slice. Returns one row per view';
revoke all on function ods.refresh_reporting(boolean, boolean) from public;
grant execute on function ods.refresh_reporting(boolean, boolean) to service_role;

-- Safety net: the sync calls the refresh after each slice; this job also covers the change of
-- date for the "as of today" views when no sync runs (e.g. Odoo unreachable). A no-op when
-- nothing changed.
select cron.schedule('reporting-refresh', '*/5 * * * *', $$select ods.refresh_reporting()$$);

-- ---------------------------------------------------------------------------------------------
-- Freshness. lag_seconds = now() - last_success_at: the time since the model's copy was last
-- known complete (the end of the last sync pass that reached the end of Odoo's changes).
-- NULL while a model has never completed a pass.
create function reporting_private.sync_health_rows()
returns table (
  model text, rows bigint, high_water timestamptz, lag_seconds numeric,
  last_success_at timestamptz, last_error text, verified_at timestamptz, verification_ok boolean,
  last_error_at timestamptz, phase text, consecutive_failures integer,
  snapshot_total bigint, snapshot_progress numeric
)
language sql stable security definer set search_path = '' as $$
  select c.model, coalesce(s.rows, 0), s.high_water,
         round(extract(epoch from now() - s.last_success_at)::numeric, 1),
         s.last_success_at, s.last_error, s.last_verified_at, s.verification_ok,
         s.last_error_at, coalesce(s.phase, 'snapshot'), coalesce(s.consecutive_failures, 0),
         s.snapshot_total,
         -- Share of the first copy done: rows so far over Odoo's count when it began.
         case when s.phase = 'incremental' then 1
              when coalesce(s.snapshot_total, 0) = 0 then 0
              else round(least(1, s.rows::numeric / s.snapshot_total), 4) end
    from ods.catalog c
    left join ods.sync_state s on s.model = c.model
   where c.enabled
   order by c.priority, c.model
$$;
revoke all on function reporting_private.sync_health_rows() from public;
grant execute on function reporting_private.sync_health_rows()
  to authenticated, service_role, finanzas_bi;

create view reporting.sync_health with (security_invoker = true) as
select model, rows, high_water, lag_seconds, last_success_at, last_error, verified_at,
       verification_ok, last_error_at, phase, consecutive_failures, snapshot_total,
       snapshot_progress
  from reporting_private.sync_health_rows();
comment on view reporting.sync_health is
  'Per synced model: rows, high_water (greatest Odoo write_date read), lag_seconds = now() - '
  'last_success_at (age of the copy: time since the last sync pass that reached the end of '
  'Odoo''s changes), last error, verification status, and the first copy''s progress '
  '(snapshot_progress, 0..1, of snapshot_total records)';
grant select on reporting.sync_health to authenticated, service_role, finanzas_bi;

-- How old are the numbers the reports show: per materialized view, the mirror's age when its
-- inputs were last seen unchanged or refreshed; the report is as old as its oldest part.
create function reporting_private.freshness_row()
returns table (
  data_as_of timestamptz, lag_seconds numeric, refreshed_at timestamptz, checked_at timestamptz,
  refresh_pending boolean, failing_models text[], last_error text
)
language sql stable security definer set search_path = '' as $$
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
    select array_agg(s.model order by s.model) as models,
           (array_agg(s.model || ': ' || s.last_error order by s.last_error_at desc))[1] as last_error
      from ods.sync_state s
      join ods.catalog c on c.model = s.model and c.enabled
     where s.last_error is not null
  )
  select d.data_as_of, round(extract(epoch from now() - d.data_as_of)::numeric, 1),
         (select max(refreshed_at) from per_view), (select min(checked_at) from per_view),
         (select bool_or(pending or refreshed_at is null) from per_view),
         coalesce(e.models, '{}'), e.last_error
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
       last_error
  from reporting_private.freshness_row();
comment on view reporting.freshness is
  'One row: data_as_of = how current the numbers in the reports are (the oldest sync completion '
  'behind any report), lag_seconds = now() - data_as_of, refresh_pending = the mirror has '
  'changes the reports do not show yet, failing_models/last_error = models whose last sync failed';
grant select on reporting.freshness to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Demo/local switch: anon gets exactly what authenticated has in reporting and
-- reporting_private (schema usage, SELECT, EXECUTE), or loses it. Off after the migrations;
-- `npm start` turns it on for the local demo. Only the database owner can call it. Objects added by later migrations follow after calling it again.
create function ods.set_demo_access(enabled boolean) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  r record;
  verb text := case when enabled then 'grant' else 'revoke' end;
  dir text := case when enabled then 'to' else 'from' end;
begin
  if enabled is null then
    raise exception 'ods.set_demo_access: enabled must be true or false' using errcode = '22023';
  end if;
  execute format('%s usage on schema reporting, reporting_private %s anon', verb, dir);
  for r in
    select c.oid::regclass::text as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('reporting', 'reporting_private') and c.relkind in ('r', 'v', 'm', 'p')
       and has_table_privilege('authenticated', c.oid, 'select')
  loop
    execute format('%s select on %s %s anon', verb, r.name, dir);
  end loop;
  for r in
    select p.oid::regprocedure::text as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('reporting', 'reporting_private')
       and has_function_privilege('authenticated', p.oid, 'execute')
  loop
    execute format('%s execute on function %s %s anon', verb, r.name, dir);
  end loop;
  return enabled;
end $$;
comment on function ods.set_demo_access(boolean) is
  'Local/demo only: true lets anon read what authenticated reads in reporting; false takes it back';
revoke all on function ods.set_demo_access(boolean) from public;
