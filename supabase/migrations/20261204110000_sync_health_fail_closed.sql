-- Access fails closed for the health views too (DESIGN §5): a signed-in user without any
-- company granted reads no row of reporting.sync_health or reporting.freshness — the model
-- list, row counts and failure categories describe the books they may not see. Readers with a
-- grant (or the BI role, service_role, the demo's anon) see them as before.
create or replace view reporting.sync_health
  with (security_invoker = true, security_barrier = true) as
select model, rows, high_water, lag_seconds, last_success_at, last_error, verified_at,
       verification_ok, last_error_at, phase, consecutive_failures, snapshot_total,
       snapshot_progress, error_category, failing_since, last_swept_at, clock_outlier
  from reporting_private.sync_health_rows()
 where (select reporting_private.visible_companies()) is null
    or cardinality((select reporting_private.visible_companies())) > 0;

create or replace view reporting.freshness
  with (security_invoker = true, security_barrier = true) as
select data_as_of, lag_seconds, refreshed_at, checked_at, refresh_pending, failing_models,
       last_error, error_category, failing_since
  from reporting_private.freshness_row()
 where (select reporting_private.visible_companies()) is null
    or cardinality((select reporting_private.visible_companies())) > 0;
