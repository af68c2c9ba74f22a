-- pg_net on a hosted project (README "Security"): creating the extension grants its functions
-- to the API roles, and the foundation migration's revoke may be a no-op there. The README's
-- check query must find nothing here; ods.invoke_sync (the only caller of net.http_post) is
-- SECURITY DEFINER with a fixed search_path, closed to the API roles, and its owner holds
-- EXECUTE on net.http_post explicitly rather than through PUBLIC.
begin;
select plan(5);

-- The README's check, verbatim: no rows expected.
select is_empty($$
  select r as role, p.oid::regprocedure as function
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
         unnest(array['anon', 'authenticated']) r
   where n.nspname = 'net' and has_function_privilege(r, p.oid, 'execute')
$$, 'anon and authenticated cannot execute any net.* function');
select ok(not has_schema_privilege('anon', 'net', 'usage')
          and not has_schema_privilege('authenticated', 'net', 'usage'),
          'anon and authenticated cannot use schema net');

select ok((select prosecdef and proconfig @> array['search_path=""']
             from pg_proc where oid = 'ods.invoke_sync(text, text)'::regprocedure),
          'ods.invoke_sync is SECURITY DEFINER with an empty search_path');
select ok(not has_function_privilege('anon', 'ods.invoke_sync(text, text)', 'execute')
          and not has_function_privilege('authenticated', 'ods.invoke_sync(text, text)', 'execute'),
          'anon and authenticated cannot call ods.invoke_sync');
select ok(exists (
  select 1
    from pg_proc f, aclexplode(f.proacl) a
   where f.oid = 'net.http_post(text, jsonb, jsonb, jsonb, integer)'::regprocedure
     and a.grantee = (select proowner from pg_proc
                       where oid = 'ods.invoke_sync(text, text)'::regprocedure)
     and a.privilege_type = 'EXECUTE'),
  'the owner of ods.invoke_sync holds EXECUTE on net.http_post itself (not only via PUBLIC)');

select * from finish();
rollback;
