-- What an Odoo upgrade changed in a model's fields reaches reporting.sync_health: the details for
-- the readers of error texts only, the version for every reader; the view keeps its options.
begin;
select plan(9);

select has_column('reporting', 'sync_health', c, 'sync_health has ' || c)
  from unnest(array['odoo_version', 'schema_changes']) c;
select is((select reloptions from pg_class where oid = 'reporting.sync_health'::regclass),
          array['security_invoker=true', 'security_barrier=true'],
          'sync_health is still security_invoker and security_barrier');

create role pgtap_ops nologin in role finanzas_admin;
create role pgtap_bi nologin in role finanzas_bi;
create function pg_temp.read_as(r text, q text) returns text language plpgsql as $$
declare
  v text;
begin
  execute format('set local role %I', r);
  perform set_config('request.jwt.claims',
    '{"role":"authenticated","sub":"00000000-0000-4000-8000-0000000000b1","app_metadata":{"company_ids":[1]}}',
    true);
  execute q into v;
  perform set_config('request.jwt.claims', '', true);
  reset role;
  return v;
end $$;

insert into ods.sync_state (model, odoo_version, dropped_columns, schema_changes)
values ('account.payment', 18, '{is_internal_transfer}',
        '[{"field": "is_internal_transfer", "change": "dropped", "from": "boolean", "odooVersion": 18}]')
on conflict (model) do update
   set odoo_version = excluded.odoo_version, dropped_columns = excluded.dropped_columns,
       schema_changes = excluded.schema_changes;

select is(pg_temp.read_as('authenticated', $q$select schema_changes from reporting.sync_health
                                              where model = 'account.payment'$q$), null,
          'authenticated does not read what changed');
select is(pg_temp.read_as('pgtap_bi', $q$select schema_changes from reporting.sync_health
                                         where model = 'account.payment'$q$), null,
          'nor does a BI reader');
select is(pg_temp.read_as('authenticated', $q$select odoo_version from reporting.sync_health
                                              where model = 'account.payment'$q$), '18',
          'everyone reading the row reads the version');
select is(pg_temp.read_as('pgtap_ops', $q$select schema_changes->0->>'field' from reporting.sync_health
                                          where model = 'account.payment'$q$),
          'is_internal_transfer', 'a finanzas_admin member reads what changed');
select is(pg_temp.read_as('service_role', $q$select schema_changes->0->>'change'
                                             from reporting.sync_health
                                             where model = 'account.payment'$q$),
          'dropped', 'and service_role');
-- Without any company granted, a signed-in user reads no row at all (fail closed).
set local role authenticated;
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"00000000-0000-4000-8000-0000000000b2"}', true);
select is((select count(*)::int from reporting.sync_health), 0,
          'a signed-in user without a company reads no row');
reset role;

select * from finish();
rollback;
