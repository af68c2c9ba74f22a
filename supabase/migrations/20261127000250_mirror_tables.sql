-- The mirror tables of the default catalog, created up front so the reporting layer can be
-- built on them in migrations. The sync engine keeps managing them from fields_get: it adds
-- columns for new catalog fields and fills these. A column whose field this Odoo version lacks
-- (e.g. account_type before 16, user_type_id from 16) simply stays NULL.
-- Types follow DESIGN §3: many2one/integer → bigint, many2many → bigint[], float/monetary →
-- numeric, char/text/selection → text, date → date, datetime → timestamptz.

create table if not exists odoo.res_company (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, currency_id bigint, partner_id bigint, parent_id bigint, active boolean,
  write_date timestamptz
);

create table if not exists odoo.res_currency (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, symbol text, active boolean, rounding numeric, decimal_places bigint,
  currency_unit_label text, write_date timestamptz
);

create table if not exists odoo.res_partner (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, display_name text, complete_name text, active boolean, is_company boolean,
  parent_id bigint, commercial_partner_id bigint, vat text, email text, country_id bigint,
  customer_rank bigint, supplier_rank bigint, company_id bigint, write_date timestamptz
);

create table if not exists odoo.account_account (
  id bigint primary key, _synced_at timestamptz not null default now(),
  code text, name text, account_type text, user_type_id bigint, internal_type text,
  reconcile boolean, currency_id bigint, company_id bigint, company_ids bigint[],
  deprecated boolean, active boolean, write_date timestamptz
);

create table if not exists odoo.account_journal (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, code text, type text, currency_id bigint, company_id bigint,
  default_account_id bigint, active boolean, write_date timestamptz
);

create table if not exists odoo.account_move (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, move_type text, state text, partner_id bigint, journal_id bigint, company_id bigint,
  currency_id bigint, date date, invoice_date date, invoice_date_due date,
  amount_untaxed numeric, amount_tax numeric, amount_total numeric, amount_residual numeric,
  amount_total_signed numeric, amount_residual_signed numeric, payment_state text, ref text,
  invoice_origin text, write_date timestamptz
);

create table if not exists odoo.account_move_line (
  id bigint primary key, _synced_at timestamptz not null default now(),
  move_id bigint, move_name text, account_id bigint, partner_id bigint, journal_id bigint,
  company_id bigint, currency_id bigint, company_currency_id bigint, date date,
  date_maturity date, name text, ref text, debit numeric, credit numeric, balance numeric,
  amount_currency numeric, amount_residual numeric, amount_residual_currency numeric,
  reconciled boolean, full_reconcile_id bigint, matching_number text, parent_state text,
  display_type text, write_date timestamptz
);

create table if not exists odoo.account_payment (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, payment_type text, partner_type text, partner_id bigint, amount numeric,
  currency_id bigint, date date, journal_id bigint, company_id bigint, state text,
  move_id bigint, is_reconciled boolean, is_matched boolean, memo text, ref text,
  write_date timestamptz
);

create table if not exists odoo.account_partial_reconcile (
  id bigint primary key, _synced_at timestamptz not null default now(),
  debit_move_id bigint, credit_move_id bigint, amount numeric, debit_amount_currency numeric,
  credit_amount_currency numeric, max_date date, full_reconcile_id bigint, company_id bigint,
  debit_currency_id bigint, credit_currency_id bigint, create_date timestamptz,
  write_date timestamptz
);

create table if not exists odoo.account_full_reconcile (
  id bigint primary key, _synced_at timestamptz not null default now(),
  name text, create_date timestamptz, write_date timestamptz
);

-- What the reports join and filter on.
create index if not exists account_move_line_account_idx on odoo.account_move_line (account_id);
create index if not exists account_move_line_partner_idx on odoo.account_move_line (partner_id);
create index if not exists account_move_line_move_idx on odoo.account_move_line (move_id);
create index if not exists account_move_line_date_idx on odoo.account_move_line (date);
create index if not exists account_partial_reconcile_debit_idx on odoo.account_partial_reconcile (debit_move_id);
create index if not exists account_partial_reconcile_credit_idx on odoo.account_partial_reconcile (credit_move_id);
create index if not exists account_move_partner_idx on odoo.account_move (partner_id);
