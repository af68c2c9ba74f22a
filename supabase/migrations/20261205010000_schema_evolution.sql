-- Odoo upgrades never fail a model: what the engine keeps to follow one (the server's major
-- version per model and per run, the mirror columns whose field Odoo dropped, and what changed
-- in the model's fields), and reporting.sync_health showing it — the details to the readers of
-- error texts only (service_role, the database owner, finanzas_admin), like last_error.

alter table ods.sync_state
  -- Odoo's major version when the model's fields were last read. A different one at the next
  -- turn means Odoo was upgraded: its upgrade scripts rewrite values without bumping write_date,
  -- so the whole model is re-read once (a resumable `upgrade` item of `rereads`).
  add column if not exists odoo_version integer,
  -- Mirror columns whose field Odoo no longer has (or no longer stores): kept with their
  -- values, and set to NULL whenever their row is written again, so a value there is always the
  -- one the row had when Odoo dropped the field, never one left behind by a newer read.
  add column if not exists dropped_columns text[] not null default '{}',
  -- What changed in the model's fields since its first copy, one entry per field (the latest):
  -- {"field", "change": "added|dropped|restored|retyped", "from", "to", "how", "kept_as",
  --  "views", "odoo_version", "at"}. how: in-place (lossless migration), renamed (the old
  -- values kept in column kept_as, the field re-read into a fresh column) or blocked (views use
  -- the column: it keeps its type and is no longer written until a migration adapts them).
  add column if not exists schema_changes jsonb not null default '[]';

comment on column ods.sync_state.odoo_version is
  'Odoo''s major version when the model''s fields were last read (a change re-reads the model once)';
comment on column ods.sync_state.dropped_columns is
  'Mirror columns whose field Odoo dropped: kept, NULL in every row written since';
comment on column ods.sync_state.schema_changes is
  'Changes of the model''s fields the mirror followed (added, dropped, restored, retyped), latest per field';

alter table ods.runs add column if not exists odoo_version integer;
comment on column ods.runs.odoo_version is 'Odoo''s major version during the run';

-- sync_health gains odoo_version (for every reader of the row) and schema_changes (for the
-- readers of error texts): the function's result type changes, so the view is rebuilt on it,
-- with the same options and row filter as before (20261204110000).
drop view reporting.sync_health;
drop function reporting_private.sync_health_rows();

create function reporting_private.sync_health_rows()
returns table (
  model text, rows bigint, high_water timestamptz, lag_seconds numeric,
  last_success_at timestamptz, last_error text, verified_at timestamptz, verification_ok boolean,
  last_error_at timestamptz, phase text, consecutive_failures integer,
  snapshot_total bigint, snapshot_progress numeric,
  error_category text, failing_since timestamptz, last_swept_at timestamptz, clock_outlier jsonb,
  odoo_version integer, schema_changes jsonb
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
         e.category, e.since, s.last_swept_at, s.clock_outlier,
         s.odoo_version,
         case when (select yes from text_allowed) and jsonb_array_length(s.schema_changes) > 0
              then s.schema_changes end
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

create view reporting.sync_health
  with (security_invoker = true, security_barrier = true) as
select model, rows, high_water, lag_seconds, last_success_at, last_error, verified_at,
       verification_ok, last_error_at, phase, consecutive_failures, snapshot_total,
       snapshot_progress, error_category, failing_since, last_swept_at, clock_outlier,
       odoo_version, schema_changes
  from reporting_private.sync_health_rows()
 where (select reporting_private.visible_companies()) is null
    or cardinality((select reporting_private.visible_companies())) > 0;
comment on view reporting.sync_health is
  'Per synced model: rows, high_water (greatest Odoo write_date read), lag_seconds = now() - '
  'last_success_at (age of the copy: time since the last sync pass that reached the end of '
  'Odoo''s changes), the current failure (error_category, failing_since = first failure of the '
  'streak, last_error_at = latest; last_error = its text, for service_role and finanzas_admin '
  'only), including failed or killed invocations of the sync function, verification status, the '
  'first copy''s progress (snapshot_progress, 0..1, of snapshot_total records), the last complete '
  'content sweep (last_swept_at), a refused future write_date (clock_outlier), Odoo''s major '
  'version (odoo_version) and the changes of the model''s fields the mirror followed after an '
  'Odoo upgrade (schema_changes: fields added, dropped — their column kept, NULL in rows written '
  'since — or retyped; for service_role and finanzas_admin only)';
grant select on reporting.sync_health to authenticated, service_role, finanzas_bi;

-- The demo switch grants what exists when it is called: where it is on, anon reads the rebuilt
-- view and function too.
do $$
begin
  if has_schema_privilege('anon', 'reporting', 'usage') then
    perform ods.set_demo_access(true);
  end if;
end $$;
