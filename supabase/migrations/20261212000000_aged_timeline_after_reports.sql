-- The aged timeline off the first copy's critical path (issue 14: the page shows the complete
-- first copy within 30 s of the sync finishing). Built in the same transaction as aged_items,
-- the timeline made a full rebuild of the reports about 6 s longer at 1,000,000 journal items
-- (aged_items 5.3 -> 10-13 s; the reports visible 29.8 s after the copy, against 30).
-- It is an index for one query, not a report: aged_balance gives the same rows without it,
-- only slower at 10M. So:
--   * a statement on aged_items that touches more (company, partner) pairs than
--     `aged_timeline_state.bulk_pairs` (a rebuild, a first copy) empties the timeline and marks
--     it not ready, instead of building it in the same transaction;
--   * while it is not ready, aged_balance builds each partner's row from aged_items as it did
--     before the timeline (aged_partner_units, the building query), and the timeline's upkeep
--     does nothing: the build will read the items as they are then;
--   * ods.refresh_reporting builds it once the reports are committed: in the next call (the cron
--     job's within a minute, or the sync's next upkeep if its budget has room), never in the
--     call that marked it, so the rebuilt reports become visible without waiting for it.
-- ods.refresh_reporting keeps its signature and contract (one row per report), plus one row for
-- the timeline in the calls where it waits or is built.

create table reporting_private.aged_timeline_state (
  one boolean primary key default true check (one),
  ready boolean not null default true,
  -- When a bulk statement last emptied it: the refresh call that did so leaves the build to
  -- the next one.
  invalidated_at timestamptz,
  -- Past this many pairs in one statement, the timeline is rebuilt after the reports instead of
  -- followed pair by pair (tests lower it to see a small book take that path).
  bulk_pairs integer not null default 20000 check (bulk_pairs >= 0),
  built_at timestamptz,
  build_ms numeric
);
insert into reporting_private.aged_timeline_state default values;
grant select on reporting_private.aged_timeline_state to authenticated, service_role, finanzas_bi;
comment on table reporting_private.aged_timeline_state is
  'Whether reporting_private.aged_timeline is built (ready) or waits for the next '
  'ods.refresh_reporting call after a bulk change of aged_items; aged_balance reads aged_items '
  'directly meanwhile. One row';

-- Whether the timeline is built (false if its row is missing: aged_balance then reads the items,
-- which is right whatever the table holds). Called once per statement as a one-time filter.
create function reporting_private.aged_timeline_ready() returns boolean
language sql stable as $$
  select coalesce((select s.ready from reporting_private.aged_timeline_state s), false)
$$;
revoke all on function reporting_private.aged_timeline_ready() from public;
grant execute on function reporting_private.aged_timeline_ready()
  to authenticated, service_role, finanzas_bi;

-- What the table must hold: nothing while it waits for its build.
create or replace view reporting_private.aged_timeline__source as
select t.* from reporting_private.aged_timeline_of(null, null) t
 where reporting_private.aged_timeline_ready();

create or replace function reporting_private.aged_timeline_follow() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  cs bigint[];
  ks bigint[];
  st reporting_private.aged_timeline_state;
begin
  if tg_op = 'TRUNCATE' then
    truncate reporting_private.aged_timeline;
    update reporting_private.aged_timeline_state
       set ready = false, invalidated_at = clock_timestamp();
    return null;
  end if;
  if tg_op = 'INSERT' then
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select distinct r.company_id, coalesce(r.partner_id, 0) as partner_key
              from new_rows r) g;
  elsif tg_op = 'DELETE' then
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select distinct r.company_id, coalesce(r.partner_id, 0) as partner_key
              from old_rows r) g;
  else
    select array_agg(company_id), array_agg(partner_key) into cs, ks
      from (select r.company_id, coalesce(r.partner_id, 0) as partner_key from old_rows r
            union
            select r.company_id, coalesce(r.partner_id, 0) from new_rows r) g;
  end if;
  if cs is null then
    return null;
  end if;
  select * into st from reporting_private.aged_timeline_state;
  if cardinality(cs) > st.bulk_pairs then
    -- Readers keep the old rows until commit (a delete, not a truncate), then read aged_items.
    delete from reporting_private.aged_timeline;
    update reporting_private.aged_timeline_state
       set ready = false, invalidated_at = clock_timestamp();
  elsif st.ready then
    -- Only the rows that differ are written: a change moves the periods from its day on, and
    -- upkeep deletes and inserts the items it touches (two statements, each recomputing).
    with fresh as materialized (
      select * from reporting_private.aged_timeline_of(cs, ks)
    ),
    present as materialized (
      select t.ctid as id, t.*
        from unnest(cs, ks) g (c, k)
        join reporting_private.aged_timeline t on t.company_id = g.c and t.partner_key = g.k
    ),
    stale as (
      delete from reporting_private.aged_timeline t
       using present p
       where t.ctid = p.id
         and not exists (select from fresh f
                          where (f.kind, f.company_id, f.partner_key, f.year, f.during, f.units,
                                 f.unit, f.amount, f.is_last, f.young)
                              = (p.kind, p.company_id, p.partner_key, p.year, p.during, p.units,
                                 p.unit, p.amount, p.is_last, p.young))
    )
    insert into reporting_private.aged_timeline
    select f.* from fresh f
     where not exists (select from present p
                        where (f.kind, f.company_id, f.partner_key, f.year, f.during, f.units,
                               f.unit, f.amount, f.is_last, f.young)
                            = (p.kind, p.company_id, p.partner_key, p.year, p.during, p.units,
                               p.unit, p.amount, p.is_last, p.young));
  end if;
  return null;
end $$;

-- Builds the timeline from every aged item; milliseconds taken.
create function reporting_private.aged_timeline_build() returns numeric
language plpgsql security definer set search_path = '' as $$
declare
  t0 timestamptz := clock_timestamp();
  ms numeric;
begin
  -- From one state of the items: writers wait until this commits, readers do not.
  lock table reporting_private.aged_items in share mode;
  delete from reporting_private.aged_timeline;
  insert into reporting_private.aged_timeline
  select * from reporting_private.aged_timeline_of(null, null);
  analyze reporting_private.aged_timeline;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  update reporting_private.aged_timeline_state
     set ready = true, built_at = clock_timestamp(), build_ms = ms;
  return ms;
end $$;
revoke all on function reporting_private.aged_timeline_build() from public;

-- Restated from 20261206100400_report_refresh.sql (same signature, rows, grants), with the
-- aged timeline's build after the loop.
create or replace function ods.refresh_reporting(force boolean default false, wait boolean default false,
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
  st reporting_private.aged_timeline_state;
  estimate numeric;
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

  -- The aged timeline, once the reports it follows are committed: never in the call whose
  -- rebuild emptied it (the reports become visible without waiting for it).
  select * into st from reporting_private.aged_timeline_state;
  if not found or st.ready then
    return;
  end if;
  matview := 'reporting_private.aged_timeline';
  if st.invalidated_at >= started then
    refreshed := false; ms := null;
    reason := 'deferred: built in the next call, after the reports rebuilt in this one';
    return next;
    return;
  end if;
  -- The last build, or about 50 µs per aged item before the first (6.9 s for 149,598 at 1M).
  estimate := coalesce(st.build_ms,
                       (select greatest(c.reltuples, 0) * 0.05 from pg_class c
                         where c.oid = 'reporting_private.aged_items'::regclass));
  if budget_ms is not null
     and estimate > budget_ms - extract(epoch from clock_timestamp() - started) * 1000 then
    refreshed := false; ms := null; reason := 'deferred (budget spent): full';
    return next;
    return;
  end if;
  ms := reporting_private.aged_timeline_build();
  refreshed := true; reason := 'full (after the reports)';
  return next;
end $$;
comment on function ods.refresh_reporting(boolean, boolean, integer, boolean) is
  'Brings every report up to date: the maintained ones from the logged changes (full: rebuilt '
  'from their definitions), the materialized views refreshed CONCURRENTLY when their inputs '
  'changed or their date passed. With budget_ms, views not started within it are deferred. One '
  'row per report; then, in a later call than a rebuild that emptied it, one row for the aged '
  'timeline while it waits or when it is built';

-- aged_partner_units for aged_balance's building arm, planned apart and estimated small: inlined,
-- its full cost counted as the startup of the merge of the ranked arms, and a caller's limit
-- would sort every timeline row instead of reading the first ones (the arm is switched off
-- whenever the timeline is ready, which the planner cannot know).
create function reporting_private.aged_partner_units_apart(as_of date, kind text, companies bigint[])
returns table (
  company_id bigint, partner_id bigint, f numeric, b0 bigint, b1 bigint, b2 bigint, b3 bigint,
  b4 bigint, b5 bigint
)
language plpgsql stable cost 1 rows 10 set search_path = '' set jit = off set work_mem = '64MB'
set plan_cache_mode = force_generic_plan as $$
begin
  return query select * from reporting_private.aged_partner_units(as_of, kind, companies);
end $$;
revoke all on function reporting_private.aged_partner_units_apart(date, text, bigint[]) from public;
grant execute on function reporting_private.aged_partner_units_apart(date, text, bigint[])
  to authenticated, service_role, finanzas_bi;

-- Same signature, rows, grants and comment; still no SET clause (inlined into its caller). A
-- fifth arm: while the timeline waits for its build, each partner's row is built from aged_items
-- (the buckets carried in y0..y4; the lookup below finds nothing for it, `young` being empty).
-- Whichever state a reader's snapshot sees, one side is empty: the timeline's arms and the
-- building arm are switched by the same row.
create or replace function reporting.aged_balance(as_of date, kind text, company bigint default null)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language sql stable as $$
  -- The partners' totals on the date in amount order, the buckets computed for the rows kept.
  select u.company_id, nullif(u.partner_key, 0),
         (select p.name from reporting_private.partners p
           where p.partner_id = nullif(u.partner_key, 0)),
         b.b0 * u.f, b.b1 * u.f, b.b2 * u.f, b.b3 * u.f, b.b4 * u.f,
         (u.units - b.b0 - b.b1 - b.b2 - b.b3 - b.b4) * u.f, u.amount
    from (
      -- Each arm ordered by amount, so that Postgres merges them in that order (an arm with a
      -- WHERE clause is planned apart and keeps only an order it asks for). One company: two
      -- index ranges read backwards, as far as the caller's limit. Every company (NULL): the
      -- same per company the reader sees, sorted.
      (select t.company_id, t.partner_key, t.units,
              reporting_private.units_factor(aged_balance.kind, t.unit) as f, t.amount, t.young,
              0::bigint as y0, 0::bigint as y1, 0::bigint as y2, 0::bigint as y3, 0::bigint as y4
         from reporting_private.aged_timeline t
        where t.kind = aged_balance.kind and t.company_id = aged_balance.company
          and aged_balance.company = any (reporting_private.requested_companies(aged_balance.company))
          and reporting_private.aged_timeline_ready()
          and t.year = date_trunc('year', aged_balance.as_of::timestamp)::date
          and t.during @> aged_balance.as_of
        order by t.amount desc)
      union all
      (select t.company_id, t.partner_key, t.units,
              reporting_private.units_factor(aged_balance.kind, t.unit), t.amount, t.young,
              0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
         from reporting_private.aged_timeline t
        where t.kind = aged_balance.kind and t.company_id = aged_balance.company
          and aged_balance.company = any (reporting_private.requested_companies(aged_balance.company))
          and reporting_private.aged_timeline_ready()
          and t.is_last and t.year < date_trunc('year', aged_balance.as_of::timestamp)::date
        order by t.amount desc)
      union all
      (select t.company_id, t.partner_key, t.units,
              reporting_private.units_factor(aged_balance.kind, t.unit), t.amount, t.young,
              0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
         from reporting_private.aged_timeline t
        where aged_balance.company is null and t.kind = aged_balance.kind
          and t.company_id = any (array(select a.company_id from reporting_private.aged_companies(
                reporting_private.requested_companies(aged_balance.company)) a))
          and reporting_private.aged_timeline_ready()
          and t.year = date_trunc('year', aged_balance.as_of::timestamp)::date
          and t.during @> aged_balance.as_of
        order by t.amount desc)
      union all
      (select t.company_id, t.partner_key, t.units,
              reporting_private.units_factor(aged_balance.kind, t.unit), t.amount, t.young,
              0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
         from reporting_private.aged_timeline t
        where aged_balance.company is null and t.kind = aged_balance.kind
          and t.company_id = any (array(select a.company_id from reporting_private.aged_companies(
                reporting_private.requested_companies(aged_balance.company)) a))
          and reporting_private.aged_timeline_ready()
          and t.is_last and t.year < date_trunc('year', aged_balance.as_of::timestamp)::date
        order by t.amount desc)
      union all
      -- The timeline not built yet: every partner's row from its items (one company or all).
      (select g.company_id, coalesce(g.partner_id, 0), g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5,
              g.f, (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5) * g.f, '{}'::datemultirange,
              g.b0, g.b1, g.b2, g.b3, g.b4
         from reporting_private.aged_partner_units_apart(
                aged_balance.as_of, aged_balance.kind,
                reporting_private.requested_companies(aged_balance.company)) g
        where not reporting_private.aged_timeline_ready()
        order by 5 desc)
    ) u
   cross join lateral (
     -- Due on the date or within the 120 days before it; the rest of the total is "older".
     select u.y0 + reporting_private.units_sum(z.r) filter (where z.aging_date >= aged_balance.as_of) as b0,
            u.y1 + reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 30 and aged_balance.as_of - 1) as b1,
            u.y2 + reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 60 and aged_balance.as_of - 31) as b2,
            u.y3 + reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 90 and aged_balance.as_of - 61) as b3,
            u.y4 + reporting_private.units_sum(z.r) filter (
              where z.aging_date between aged_balance.as_of - 120 and aged_balance.as_of - 91) as b4
       from (select i.aging_date,
                    case when i.first_partial_date is null or i.first_partial_date > aged_balance.as_of
                           then i.balance_units
                         when i.last_partial_date <= aged_balance.as_of
                           then i.final_units
                         else i.balance_units
                              + (select round(coalesce(sum(p.delta), 0) * i.unit)::bigint
                                   from reporting_private.trade_item_partials p
                                  where p.line_id = i.line_id and p.max_date <= aged_balance.as_of)
                    end as r
               from reporting_private.aged_items i
              where i.company_id = u.company_id and coalesce(i.partner_id, 0) = u.partner_key
                and i.kind = aged_balance.kind and i.aging_date >= aged_balance.as_of - 120
                and i.open_during @> aged_balance.as_of
                -- Most rows have no young item on the date: no lookup at all.
                and u.young @> aged_balance.as_of
             -- Not pulled up: the residual is computed once per item, not once per bucket.
             offset 0) z
   ) b
   where reporting_private.aged_args_ok('reporting.aged_balance', aged_balance.as_of,
                                        aged_balance.kind)
     and (b.b0, b.b1, b.b2, b.b3, b.b4, u.units - b.b0 - b.b1 - b.b2 - b.b3 - b.b4)
         <> (0, 0, 0, 0, 0, 0)
$$;
