-- The reporting layer's security (DESIGN §5): anon reads nothing unless the demo switch is on;
-- authenticated and finanzas_bi read `reporting` (through the private aggregates the
-- security_invoker views need) and nothing else; nothing is writable by an API role; the
-- platform schemas stay private; every view in `reporting` is security_invoker.
begin;
select plan(49);

-- Objects and signatures.
select has_schema('reporting_private');
select has_role('finanzas_bi');
select has_function('reporting', 'aged_balance', array['date', 'text', 'bigint']);
select function_returns('reporting', 'aged_balance', array['date', 'text', 'bigint'], 'setof record');
select has_function('ods', 'refresh_reporting', array['boolean', 'boolean', 'integer', 'boolean']);
select has_function('ods', 'set_demo_access', array['boolean']);
select columns_are('reporting', 'aged_receivable', array['company_id', 'partner_id', 'partner_name',
  'not_due', 'days_1_30', 'days_31_60', 'days_61_90', 'days_91_120', 'older', 'total']);
select columns_are('reporting', 'aged_payable', array['company_id', 'partner_id', 'partner_name',
  'not_due', 'days_1_30', 'days_31_60', 'days_61_90', 'days_91_120', 'older', 'total']);
select is(
  (select array_agg(a.attname::text order by a.attnum)
     from pg_proc p, unnest(p.proargnames, p.proargmodes) with ordinality as a(attname, mode, attnum)
    where p.oid = 'reporting.aged_balance(date, text, bigint)'::regprocedure and a.mode = 't'),
  array['company_id', 'partner_id', 'partner_name', 'not_due', 'days_1_30', 'days_31_60',
        'days_61_90', 'days_91_120', 'older', 'total'],
  'aged_balance returns the aged_receivable columns');
select ok((select array['model', 'rows', 'high_water', 'lag_seconds', 'last_success_at',
                        'last_error', 'verified_at', 'verification_ok']::name[]
                  <@ array_agg(attname) from pg_attribute
            where attrelid = 'reporting.sync_health'::regclass and attnum > 0),
          'sync_health has the contract columns');
select throws_ok($$select * from reporting.aged_balance(current_date, 'receivables')$$, '22023',
  null, 'an invalid kind is a clear error (22023)');

-- Every relation in reporting is a security_invoker view; no tables or materialized views.
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'reporting' and c.relkind <> 'v'), 0,
          'reporting holds views only (materialized ones live in reporting_private)');
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'reporting' and c.relkind = 'v'
      and not coalesce(c.reloptions @> array['security_invoker=true']
                       or c.reloptions @> array['security_invoker=on'], false)),
  null, 'every view in reporting is security_invoker');
select ok((select count(*) >= 12 from pg_views where schemaname = 'reporting'), 'the report views exist');

-- Private schemas: no API role may use them (reporting_private only through the views).
select ok(not has_schema_privilege(r, s, 'usage'), format('%s cannot use schema %s', r, s))
  from unnest(array['anon', 'authenticated', 'finanzas_bi']) r,
       unnest(array['odoo', 'ods', 'net', 'vault']) s;
select ok(not has_schema_privilege('anon', 'cron', 'usage')
          and not has_schema_privilege('authenticated', 'cron', 'usage'), 'cron is private');
select ok(not has_function_privilege('authenticated',
            'net.http_post(text, jsonb, jsonb, jsonb, integer)', 'execute'),
          'authenticated cannot call net.http_post');
select ok(not has_function_privilege(r, 'ods.refresh_reporting(boolean, boolean, integer, boolean)', 'execute')
          and not has_function_privilege(r, 'ods.set_demo_access(boolean)', 'execute'),
          format('%s cannot refresh or switch demo access', r))
  from unnest(array['anon', 'authenticated', 'finanzas_bi']) r;

-- anon: nothing by default.
select ok(not has_schema_privilege('anon', 'reporting', 'usage'), 'anon cannot use reporting');
select ok(not has_schema_privilege('anon', 'reporting_private', 'usage'), 'anon cannot use reporting_private');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('reporting', 'reporting_private')
              and has_table_privilege('anon', c.oid, 'select')), 0, 'anon can select nothing');
select ok(not has_function_privilege('anon', 'reporting.aged_balance(date, text, bigint)', 'execute'),
          'anon cannot call aged_balance');

-- authenticated and finanzas_bi: every view and function in reporting, read-only.
select is((select array_agg(c.relname::text) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'reporting' and not has_table_privilege(r, c.oid, 'select')),
          null, format('%s can select every view in reporting', r))
  from unnest(array['authenticated', 'finanzas_bi', 'service_role']) r;
select ok(has_function_privilege(r, 'reporting.aged_balance(date, text, bigint)', 'execute'),
          format('%s can call aged_balance', r))
  from unnest(array['authenticated', 'finanzas_bi']) r;
select is(
  (select array_agg(format('%s on %s', r, c.oid::regclass)) from pg_class c
     join pg_namespace n on n.oid = c.relnamespace,
          unnest(array['anon', 'authenticated', 'service_role', 'finanzas_bi']) r
    where n.nspname in ('reporting', 'reporting_private')
      and has_table_privilege(r, c.oid, 'insert, update, delete, truncate, references, trigger')),
  null, 'no API role can write to anything in reporting or reporting_private');
select is((select array_agg(cfg.setting) from pg_db_role_setting d
            join pg_roles r on r.oid = d.setrole and r.rolname = 'finanzas_bi'
            cross join unnest(d.setconfig) as cfg(setting)
            where cfg.setting = 'default_transaction_read_only=on'),
          array['default_transaction_read_only=on'], 'finanzas_bi transactions are read-only');
select ok(not (select rolcanlogin from pg_roles where rolname = 'finanzas_bi'),
          'finanzas_bi has no login (no password in migrations)');

-- Reading as the roles (views, function, sync_health through its definer function).
set local role authenticated;
select lives_ok($$select * from reporting.aged_receivable, reporting.sync_health limit 1$$,
                'authenticated reads the reports and sync_health');
select throws_ok($$select * from ods.sync_state$$, '42501', null, 'authenticated cannot read ods');
select throws_ok($$select * from odoo.account_move_line$$, '42501', null,
                 'authenticated cannot read odoo');
select throws_ok($$delete from reporting_private.trade_items$$, '42501', null,
                 'the report tables cannot be written');
reset role;

-- The demo switch: anon gets what authenticated has, then loses it again.
select ods.set_demo_access(true);
set local role anon;
select lives_ok($$select * from reporting.aged_payable, reporting.freshness,
                   reporting.aged_balance(current_date, 'payable') limit 1$$,
                'with demo access on, anon reads the reports');
reset role;
select ods.set_demo_access(false);
set local role anon;
select throws_ok($$select * from reporting.aged_payable$$, '42501', null,
                 'with demo access off, anon reads nothing');
reset role;

select * from finish();
rollback;
