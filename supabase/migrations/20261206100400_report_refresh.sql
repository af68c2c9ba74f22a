-- Reports maintained by what changed (issue 14): ods.refresh_reporting() keeps its contract (one
-- row per report; cheap when nothing changed; busy/wait; a time budget) and gains `full`, which
-- rebuilds every report from its definition (what the tests compare with). The maintained reports
-- are brought up to date by ods.maintain_reports() at the position of the first of them; the
-- small materialized views (companies, partners, currencies, the aged balances as of today) are
-- refreshed as before. ods.report_differences() says whether each maintained report equals a
-- full rebuild.
drop function ods.refresh_reporting(boolean, boolean, integer);

create function ods.refresh_reporting(force boolean default false, wait boolean default false,
                                      budget_ms integer default null, full boolean default false)
returns table (matview text, refreshed boolean, reason text, ms numeric)
language plpgsql security definer set search_path = '' as $$
declare
  m record;
  r record;
  cur jsonb;
  synced timestamptz;
  why text;
  t0 timestamptz;
  started timestamptz := clock_timestamp();
  upkeep_done boolean := false;
  pending boolean;
begin
  force := force or refresh_reporting.full;
  if wait then
    perform pg_advisory_xact_lock(hashtext('ods.refresh_reporting')::bigint);
  elsif not pg_try_advisory_xact_lock(hashtext('ods.refresh_reporting')::bigint) then
    matview := null; refreshed := false; reason := 'busy: another refresh is running'; ms := null;
    return next;
    return;
  end if;
  for m in select * from ods.reporting_matviews v order by v.position loop
    if m.maintained then
      if upkeep_done then
        continue;
      end if;
      upkeep_done := true;
      -- Versions are read before the changes are claimed: a change committed in between is
      -- applied now and seen as pending next time, never missed.
      drop table if exists pg_temp.report_versions;
      create temp table report_versions on commit drop as
        select v.matview, v.seen, v.refreshed_at, v.date_dependent, v.as_of,
               (select coalesce(jsonb_object_agg(i.table_name, i.version), '{}'::jsonb)
                  from ods.reporting_inputs i where i.table_name = any (v.inputs)) as cur,
               (select case when bool_or(s.last_success_at is null) then null
                            else min(s.last_success_at) end
                  from ods.reporting_inputs i left join ods.sync_state s on s.model = i.model
                 where i.table_name = any (v.inputs)) as synced
          from ods.reporting_matviews v where v.maintained;
      select bool_or(x.seen is distinct from x.cur or x.refreshed_at is null
                     or (x.date_dependent and x.as_of is distinct from current_date))
             or exists (select 1 from ods.report_changes)
        into pending from pg_temp.report_versions x;
      -- A table still being snapshotted is half there: its reports are rebuilt once, when the
      -- snapshot's last page is in (the sync's own upkeep then), not at every cron tick before.
      if not force and pending and exists (
           select 1 from ods.report_changes c
             join ods.reporting_inputs i on i.table_name = c.input
             join ods.sync_state s on s.model = i.model
            where c.id is null and s.phase = 'snapshot') then
        for r in select * from pg_temp.report_versions x order by x.matview loop
          matview := r.matview; refreshed := false;
          reason := 'deferred: a snapshot of its inputs is in progress'; ms := null;
          return next;
        end loop;
        continue;
      end if;
      if not force and not pending then
        for r in select * from pg_temp.report_versions x order by x.matview loop
          update ods.reporting_matviews v set checked_at = now() where v.matview = r.matview;
          matview := r.matview; refreshed := false; reason := 'unchanged'; ms := null;
          return next;
        end loop;
        continue;
      end if;
      -- Like a view: none is started once the budget is spent; they wait for the next call.
      if budget_ms is not null
         and clock_timestamp() - started > make_interval(secs => budget_ms / 1000.0) then
        for r in select * from pg_temp.report_versions x order by x.matview loop
          matview := r.matview; refreshed := false; reason := 'deferred (budget spent)';
          ms := null;
          return next;
        end loop;
        continue;
      end if;
      -- A full rebuild (forced, a bulk load, a report never filled) runs within a budget only if
      -- the last one — or, before the first, one second per 50,000 journal items — fits in what
      -- is left of it; otherwise the next call without a budget (the cron job) does it.
      if budget_ms is not null
         and (force or exists (select 1 from ods.report_changes c where c.id is null)
              or exists (select 1 from pg_temp.report_versions x where x.refreshed_at is null))
         and coalesce((select sum(v.last_ms) from ods.reporting_matviews v
                        where v.maintained and v.last_mode = 'full'),
                      (select c.reltuples / 50 from pg_class c
                        where c.oid = 'odoo.account_move_line'::regclass))
             > budget_ms - extract(epoch from clock_timestamp() - started) * 1000 then
        for r in select * from pg_temp.report_versions x order by x.matview loop
          matview := r.matview; refreshed := false; reason := 'deferred (budget spent): full';
          ms := null;
          return next;
        end loop;
        continue;
      end if;
      for r in select u.*, x.cur, x.synced from ods.maintain_reports(force) u
                 join pg_temp.report_versions x on x.matview = u.matview loop
        update ods.reporting_matviews v
           set seen = r.cur, as_of = current_date, data_as_of = r.synced, checked_at = now(),
               last_mode = case when r.mode = 'unchanged' then v.last_mode else r.mode end,
               refreshed_at = case when r.mode = 'unchanged' then v.refreshed_at else clock_timestamp() end,
               last_ms = case when r.mode = 'unchanged' then v.last_ms else r.ms end,
               refreshes = v.refreshes + case when r.mode = 'unchanged' then 0 else 1 end
         where v.matview = r.matview;
        matview := r.matview; refreshed := r.mode <> 'unchanged';
        reason := r.mode || coalesce(' (' || r.changed || ' keys)', ''); ms := r.ms;
        return next;
      end loop;
      continue;
    end if;
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
comment on function ods.refresh_reporting(boolean, boolean, integer, boolean) is
  'Brings every report up to date: the maintained ones from the logged changes (full: rebuilt '
  'from their definitions), the materialized views refreshed CONCURRENTLY when their inputs '
  'changed or their date passed. With budget_ms, views not started within it are deferred. One '
  'row per report';
revoke all on function ods.refresh_reporting(boolean, boolean, integer, boolean) from public;
grant execute on function ods.refresh_reporting(boolean, boolean, integer, boolean) to service_role;

-- Whether each maintained report equals a full rebuild, row for row (multisets).
create function ods.report_differences()
returns table (matview text, missing bigint, extra bigint)
language plpgsql security definer set search_path = '' as $$
declare
  m record;
begin
  for m in select v.matview from ods.reporting_matviews v where v.maintained order by v.position loop
    matview := m.matview;
    execute format('select count(*) from (select * from %1$s__source except all select * from %1$s) d',
                   m.matview) into missing;
    execute format('select count(*) from (select * from %1$s except all select * from %1$s__source) d',
                   m.matview) into extra;
    return next;
  end loop;
end $$;
revoke all on function ods.report_differences() from public;
grant execute on function ods.report_differences() to service_role;
comment on function ods.report_differences() is
  'Per maintained report: rows a full rebuild has that the table lacks (missing) and the reverse '
  '(extra). All zero = the upkeep matches a full rebuild';

-- Cheap when nothing changed, so every minute: a refresh the sync could not run (busy, budget)
-- waits one minute at most, not five.
select cron.unschedule('reporting-refresh');
select cron.schedule('reporting-refresh', '* * * * *', $$select ods.refresh_reporting()$$);
