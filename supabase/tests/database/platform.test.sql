-- The platform every migration relies on: extensions, API roles, private schemas.
begin;
select plan(9);

select has_extension('pg_cron');
select has_extension('pg_net');
select has_schema('reporting');
select has_role('anon');
select has_role('authenticated');
select has_role('service_role');
select ok(not has_schema_privilege('anon', 'reporting', 'usage'),
          'anon cannot use reporting unless a demo setting grants it');
select ok(not has_schema_privilege('anon', 'vault', 'usage'), 'vault is private');
select ok(not has_function_privilege('anon', 'vault.create_secret(text, text, text, uuid)', 'execute'),
          'anon cannot create secrets');

select * from finish();
rollback;
