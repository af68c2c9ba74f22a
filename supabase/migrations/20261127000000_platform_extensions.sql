-- Platform pieces every later migration relies on: pg_cron (the scheduler), pg_net (HTTP calls
-- from SQL, used by cron jobs to invoke Edge Functions) and the `reporting` schema, the one
-- schema consumers read through the Data API. Supabase's documented way to enable both.
create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_net with schema extensions;

create schema if not exists reporting;
comment on schema reporting is 'What consumers read (PostgREST, BI tools, the report page).';
grant usage on schema reporting to authenticated, service_role;
