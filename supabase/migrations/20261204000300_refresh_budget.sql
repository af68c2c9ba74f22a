-- Report upkeep within a sync slice's budget (DESIGN §4 rule 6): ods.refresh_reporting takes an
-- optional time budget; views it has no time left for stay pending for the next call (the sync's
-- next slice or the 5-minute cron), so a slice is never held past its limit by the reports.
drop function ods.refresh_reporting(boolean, boolean);

create function ods.refresh_reporting(force boolean default false, wait boolean default false,
                                      budget_ms integer default null)
returns table (matview text, refreshed boolean, reason text, ms numeric)
language plpgsql security definer set search_path = '' as $$
declare
  m record;
  cur jsonb;
  synced timestamptz;
  why text;
  t0 timestamptz;
  started timestamptz := clock_timestamp();
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
    -- Out of budget: the rest stay pending (their versions still differ) for the next call.
    if why is not null and budget_ms is not null
       and clock_timestamp() - started > make_interval(secs => budget_ms / 1000.0) then
      refreshed := false; reason := 'deferred (budget spent): ' || why; ms := null;
      return next;
      continue;
    end if;
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
comment on function ods.refresh_reporting(boolean, boolean, integer) is
  'Refreshes (CONCURRENTLY) the reporting materialized views whose odoo.* inputs changed since '
  'their last refresh, or whose date passed; call after every sync slice. With budget_ms, views '
  'not started within it are deferred to the next call. Returns one row per view';
revoke all on function ods.refresh_reporting(boolean, boolean, integer) from public;
grant execute on function ods.refresh_reporting(boolean, boolean, integer) to service_role;
