-- Company-dependent fields kept per (record, company) (DESIGN §4 rule 10). Odoo computes such
-- a field for the company of the call (env.company): 18+ account.account.code (non-stored,
-- from the company-dependent code_store; one account is shared by several companies, each
-- with its own code) and the property_* fields of partners in every version. The engine reads
-- them once per synced company and keeps them in a companion table odoo.<table>__company
-- (id, company_id, one column per such field); the reports take the code of the row's company,
-- falling back to the plain column where the field is a normal one (16/17 account codes).

-- Which fields are per company: the catalog says so for fields Odoo computes from a
-- company-dependent store (fields_get does not flag them), and the engine adds every field
-- fields_get flags company_dependent.
alter table ods.catalog add column company_fields text[] not null default '{}';
comment on column ods.catalog.company_fields is
  'Fields read once per synced company and kept in odoo.<table>__company (besides those '
  'fields_get flags company_dependent); a field Odoo stores plainly stays a normal column';

update ods.catalog set company_fields = '{code}' where model = 'account.account';
update ods.catalog
   set company_fields = '{property_account_receivable_id,property_account_payable_id}',
       fields = fields || array(select f from unnest('{property_account_receivable_id,property_account_payable_id}'::text[]) f
                                where f <> all (fields))
 where model = 'res.partner' and not fields @> '{*}';

-- The engine's record of the per-company columns (as `columns` records the mirror's).
alter table ods.sync_state add column company_columns jsonb;
comment on column ods.sync_state.company_columns is
  'The per-company columns of odoo.<table>__company as last read from fields_get';

-- The companion tables of the default catalog, created up front for the reports (the engine
-- creates the others, and adds columns, the same way). The engine deletes a record's rows
-- with the record (no foreign key: the mirror tables stay truncatable on their own).
create table odoo.account_account__company (
  id bigint not null,
  company_id bigint not null,
  code text,
  _synced_at timestamptz not null default now(),
  primary key (id, company_id)
);
comment on table odoo.account_account__company is
  'Per-company values of Odoo''s account.account (company-dependent fields), one row per company '
  'that sees the account';

create table odoo.res_partner__company (
  id bigint not null,
  company_id bigint not null,
  property_account_receivable_id bigint,
  property_account_payable_id bigint,
  _synced_at timestamptz not null default now(),
  primary key (id, company_id)
);
comment on table odoo.res_partner__company is
  'Per-company values of Odoo''s res.partner (company-dependent fields), one row per company '
  'that sees the partner';

-- A change of a company's code refreshes the reports showing it.
insert into ods.reporting_inputs (table_name, model) values
  ('account_account__company', 'account.account'), ('res_partner__company', 'res.partner');
do $$
declare
  t text;
begin
  foreach t in array array['account_account__company', 'res_partner__company'] loop
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
update ods.reporting_matviews set inputs = inputs || '{account_account__company}'
 where matview in ('reporting_private.partner_ledger', 'reporting_private.cash_position')
   and not inputs @> '{account_account__company}';

-- ---------------------------------------------------------------------------------------------
-- The partner ledger and the cash position, as before but with the account code of the row's
-- company (same names, columns, indexes and grants).
drop materialized view reporting_private.partner_ledger cascade;
drop materialized view reporting_private.cash_position cascade;

create materialized view reporting_private.partner_ledger as
select t.line_id, t.company_id, t.partner_id, t.kind, t.date, t.aging_date as due_date,
       t.move_id, l.move_name, t.journal_id, j.code as journal_code, t.account_id,
       coalesce(ac.code, a.code) as account_code, a.name as account_name, l.name as label, l.ref,
       t.debit, t.credit, t.balance,
       sum(t.balance) over (partition by t.company_id, t.partner_id
                            order by t.date, t.line_id) as running_balance,
       t.amount_currency, t.currency_id, t.amount_residual, l.matching_number,
       coalesce(l.reconciled, false) as reconciled
  from reporting_private.trade_items t
  join odoo.account_move_line l on l.id = t.line_id
  left join odoo.account_journal j on j.id = t.journal_id
  left join reporting_private.accounts a on a.id = t.account_id
  left join odoo.account_account__company ac
         on ac.id = t.account_id and ac.company_id = t.company_id
 where not (t.debit = 0 and t.credit = 0 and coalesce(t.amount_currency, 0) <> 0);
create unique index on reporting_private.partner_ledger (line_id);
create index on reporting_private.partner_ledger (partner_id, company_id, date, line_id);
create index on reporting_private.partner_ledger (company_id, date, line_id);
grant select on reporting_private.partner_ledger to authenticated, service_role, finanzas_bi;

create view reporting.partner_ledger
  with (security_invoker = true, security_barrier = true) as
select l.line_id, l.company_id, l.partner_id, p.name as partner_name, l.kind, l.date,
       l.due_date, l.move_id, l.move_name, l.journal_id, l.journal_code, l.account_id,
       l.account_code, l.account_name, l.label, l.ref, l.debit, l.credit, l.balance,
       l.running_balance, l.amount_currency, l.currency_id, cur.currency, l.amount_residual,
       l.matching_number, l.reconciled
  from reporting_private.partner_ledger l
  left join reporting_private.partners p on p.partner_id = l.partner_id
  left join reporting_private.currencies cur on cur.currency_id = l.currency_id
 where (select reporting_private.visible_companies()) is null
    or l.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.partner_ledger is
  'Partner ledger (posted trade receivable/payable items), ordered by date, line_id: '
  'running_balance per company and partner since the first item (company currency); '
  'due_date = COALESCE(date_maturity, date); amount_currency in currency; account_code is the '
  'code the line''s company gives the account';
grant select on reporting.partner_ledger to authenticated, service_role, finanzas_bi;

create materialized view reporting_private.cash_position as
with journals as (
  select j.id as journal_id, j.company_id, j.name, j.code, j.type, j.default_account_id,
         c.currency_id as company_currency_id,
         coalesce(j.currency_id, c.currency_id) as currency_id,
         j.currency_id is not null and j.currency_id is distinct from c.currency_id as foreign_currency
    from odoo.account_journal j
    left join odoo.res_company c on c.id = j.company_id
   where j.type in ('bank', 'cash') and coalesce(j.active, true)
),
gl as (
  select j.journal_id,
         sum(l.balance) as balance,
         sum(case when j.foreign_currency then l.amount_currency else l.balance end) as balance_currency,
         max(l.date) as last_date, count(*) as lines
    from journals j
    join odoo.account_move_line l on l.account_id = j.default_account_id and l.parent_state = 'posted'
   group by j.journal_id
),
outstanding as (
  select j.journal_id,
         coalesce(sum(l.amount_residual) filter (where l.amount_residual > 0), 0) as receipts,
         coalesce(-sum(l.amount_residual) filter (where l.amount_residual < 0), 0) as payments,
         coalesce(sum(case when j.foreign_currency then l.amount_residual_currency
                           else l.amount_residual end), 0) as net_currency
    from journals j
    join odoo.account_move_line l on l.journal_id = j.journal_id and l.parent_state = 'posted'
    join reporting_private.accounts a on a.id = l.account_id
   where a.reconcile and a.account_type in ('asset_current', 'liability_current')
     and l.account_id is distinct from j.default_account_id
     and not coalesce(l.reconciled, false) and coalesce(l.amount_residual, 0) <> 0
   group by j.journal_id
)
select j.journal_id, j.company_id, j.name as journal_name, j.code as journal_code,
       j.type as journal_type, j.default_account_id as account_id,
       coalesce(ac.code, a.code) as account_code,
       a.name as account_name, j.currency_id,
       coalesce(g.balance_currency, 0) as balance_currency, coalesce(g.balance, 0) as balance,
       coalesce(o.receipts, 0) as outstanding_receipts, coalesce(o.payments, 0) as outstanding_payments,
       coalesce(g.balance_currency, 0) + coalesce(o.net_currency, 0) as position_currency,
       coalesce(g.balance, 0) + coalesce(o.receipts, 0) - coalesce(o.payments, 0) as position,
       g.last_date, coalesce(g.lines, 0) as lines
  from journals j
  left join gl g on g.journal_id = j.journal_id
  left join outstanding o on o.journal_id = j.journal_id
  left join reporting_private.accounts a on a.id = j.default_account_id
  left join odoo.account_account__company ac
         on ac.id = j.default_account_id and ac.company_id = j.company_id;
create unique index on reporting_private.cash_position (journal_id);
grant select on reporting_private.cash_position to authenticated, service_role, finanzas_bi;

create view reporting.cash_position
  with (security_invoker = true, security_barrier = true) as
select cp.company_id, cp.journal_id, cp.journal_name, cp.journal_code, cp.journal_type,
       cp.account_id, cp.account_code, cp.account_name,
       cp.currency_id, cur.currency, cp.balance_currency, cp.balance,
       cp.outstanding_receipts, cp.outstanding_payments, cp.position_currency, cp.position,
       c.currency as company_currency, cp.last_date, cp.lines
  from reporting_private.cash_position cp
  left join reporting_private.currencies cur on cur.currency_id = cp.currency_id
  left join reporting_private.companies c on c.company_id = cp.company_id
 where (select reporting_private.visible_companies()) is null
    or cp.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.cash_position is
  'Cash and bank position per active bank/cash journal: balance of its default account (all '
  'posted items; balance_currency in the journal currency), outstanding receipts/payments '
  '(company currency) and position = balance + receipts - payments; account_code is the code '
  'the journal''s company gives the account';
grant select on reporting.cash_position to authenticated, service_role, finanzas_bi;

-- The recreated views start unrefreshed in the refresh's bookkeeping (their data is as of now).
update ods.reporting_matviews set seen = null, refreshed_at = null
 where matview in ('reporting_private.partner_ledger', 'reporting_private.cash_position');

-- Where the demo switch is on, anon reads the recreated views too.
do $$
begin
  if has_schema_privilege('anon', 'reporting', 'usage') then
    perform ods.set_demo_access(true);
  end if;
end $$;
