-- Foundation of the reporting layer (DESIGN §5): a private schema for the materialized
-- aggregates behind the `reporting` views, the read-only BI role, the two account fields the
-- reports need (non_trade, internal_group), change tracking on the odoo.* tables the reports
-- read (so a refresh happens only after a sync that changed them), and the privacy of the
-- platform schemas (`net` is granted to PUBLIC by pg_net; `cron` and `vault` stay closed).

-- ---------------------------------------------------------------------------------------------
-- reporting_private: materialized views and helpers. Not exposed by the Data API (config.toml
-- exposes `reporting` only). Views in `reporting` are security_invoker, so their readers need
-- USAGE here and SELECT on the materialized views they read; nothing else is granted.
create schema if not exists reporting_private;
comment on schema reporting_private is
  'Materialized aggregates and helpers behind the reporting views; never exposed by the Data API';
revoke all on schema reporting_private from public;
-- New functions in the reporting schemas are not executable by PUBLIC (Postgres'' default);
-- every function is granted explicitly to the reader roles.
alter default privileges in schema reporting revoke execute on functions from public;
alter default privileges in schema reporting_private revoke execute on functions from public;

-- ---------------------------------------------------------------------------------------------
-- finanzas_bi: the read-only role for BI tools (direct Postgres connections). NOLOGIN: a
-- migration never holds a password. An operator gives it a login once, outside migrations:
--   alter role finanzas_bi with login password '<secret>';              -- one shared login, or
--   create role <person> login password '<secret>' in role finanzas_bi;  -- per-person logins
--   alter role <person> set default_transaction_read_only = on;
-- It can read `reporting` only (granted next to each object) and holds no write privilege.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'finanzas_bi') then
    create role finanzas_bi nologin;
  end if;
end $$;
alter role finanzas_bi set default_transaction_read_only = on;
alter role finanzas_bi set statement_timeout = '60s';
alter role finanzas_bi set search_path = reporting;
comment on role finanzas_bi is
  'Read-only BI access to the reporting schema (NOLOGIN until an operator sets a password)';
grant usage on schema reporting, reporting_private to finanzas_bi;
grant usage on schema reporting_private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Account fields the aged balance needs: non_trade (16+: non-trade receivables/payables are
-- excluded by Odoo's default report options) and internal_group (income/expense on 14/15,
-- where account_type does not exist). Columns first, so the views can be created before the
-- first sync; the sync engine fills them (a field this Odoo lacks is reported in
-- ods.sync_state.missing_fields, not fatal). An installation synced before this migration
-- needs one full pass of account.account: npm run sync -- --models account.account --full
alter table odoo.account_account add column if not exists non_trade boolean;
alter table odoo.account_account add column if not exists internal_group text;
update ods.catalog
   set fields = fields || array(select f from unnest('{non_trade,internal_group}'::text[]) f
                                where f <> all (fields)),
       updated_at = now()
 where model = 'account.account' and not fields @> '{*}'
   and not fields @> '{non_trade,internal_group}';

-- Indexes the reporting refresh uses on the mirror.
create index if not exists account_move_line_parent_state_account_idx
  on odoo.account_move_line (account_id, parent_state);

-- ---------------------------------------------------------------------------------------------
-- Change tracking: a statement-level trigger on each input table bumps that table's version
-- when a statement actually inserted, updated or deleted rows (transition tables; the sync's
-- upserts skip unchanged rows, so re-reading an overlap window bumps nothing). The refresh
-- compares these versions with the ones it saw last time (ods.reporting_matviews.seen).
create table ods.reporting_inputs (
  table_name text primary key,
  model text not null,
  version bigint not null default 0,
  changed_at timestamptz
);
comment on table ods.reporting_inputs is
  'Per odoo.* table read by the reports: a version bumped by every statement that changed rows';
grant select on ods.reporting_inputs to service_role;

insert into ods.reporting_inputs (table_name, model) values
  ('res_company', 'res.company'), ('res_currency', 'res.currency'), ('res_partner', 'res.partner'),
  ('account_account', 'account.account'), ('account_journal', 'account.journal'),
  ('account_move', 'account.move'), ('account_move_line', 'account.move.line'),
  ('account_partial_reconcile', 'account.partial.reconcile');

create function ods.note_reporting_input_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- `changed_rows` is the statement's transition table (new rows for insert/update, old rows
  -- for delete); statements that touched nothing leave the version alone.
  if exists (select 1 from changed_rows) then
    update ods.reporting_inputs set version = version + 1, changed_at = clock_timestamp()
     where table_name = tg_table_name;
  end if;
  return null;
end $$;

create function ods.note_reporting_input_truncate() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update ods.reporting_inputs set version = version + 1, changed_at = clock_timestamp()
   where table_name = tg_table_name;
  return null;
end $$;
revoke all on function ods.note_reporting_input_change(), ods.note_reporting_input_truncate()
  from public;

do $$
declare
  t text;
begin
  for t in select table_name from ods.reporting_inputs loop
    execute format('create trigger reporting_input_insert after insert on odoo.%I
      referencing new table as changed_rows for each statement
      execute function ods.note_reporting_input_change()', t);
    execute format('create trigger reporting_input_update after update on odoo.%I
      referencing new table as changed_rows for each statement
      execute function ods.note_reporting_input_change()', t);
    execute format('create trigger reporting_input_delete after delete on odoo.%I
      referencing old table as changed_rows for each statement
      execute function ods.note_reporting_input_change()', t);
    execute format('create trigger reporting_input_truncate after truncate on odoo.%I
      for each statement execute function ods.note_reporting_input_truncate()', t);
  end loop;
end $$;

-- ---------------------------------------------------------------------------------------------
-- Platform schemas stay private to the API roles (DESIGN §5). pg_net grants its schema,
-- tables and functions to PUBLIC; cron and vault are closed already, revoked again for safety.
-- On hosted Supabase some of these grants belong to supabase_admin, so a revoke by postgres
-- can be a no-op (a WARNING, not an error): the check below says so in the migration output,
-- and the pgTAP suite checks the result.
do $$
begin
  revoke usage on schema net from public, anon, authenticated;
  revoke all on all tables in schema net from public, anon, authenticated;
  revoke all on all sequences in schema net from public, anon, authenticated;
  revoke execute on all functions in schema net from public, anon, authenticated;
  if exists (select 1 from pg_namespace where nspname = 'cron') then
    revoke all on schema cron from public, anon, authenticated;
  end if;
  revoke all on schema vault from public, anon, authenticated;
  if has_schema_privilege('anon', 'net', 'usage')
     or has_schema_privilege('authenticated', 'net', 'usage') then
    raise warning 'anon/authenticated still have USAGE on schema net (granted by another role); '
                  'revoke it as that role';
  end if;
end $$;
