-- The demo switch waits for a report refresh in progress instead of failing: `npm start` grants
-- the demo's reads while the first sync's refresh may be rewriting a materialized view
-- (the start then aborted), and so do the page tests and benchmarks. Same grants otherwise.
create or replace function ods.set_demo_access(enabled boolean) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  r record;
  verb text := case when enabled then 'grant' else 'revoke' end;
  dir text := case when enabled then 'to' else 'from' end;
begin
  if enabled is null then
    raise exception 'ods.set_demo_access: enabled must be true or false' using errcode = '22023';
  end if;
  -- A report refresh rewrites a materialized view's catalog row; a GRANT on it meanwhile fails
  -- with "tuple concurrently updated". Take the refresh's lock: one waits for the other.
  perform pg_advisory_xact_lock(hashtext('ods.refresh_reporting')::bigint);
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
