-- The treasury reports (DESIGN §5): materialized aggregates in reporting_private, refreshed
-- CONCURRENTLY by ods.refresh_reporting() (next migration), exposed through security_invoker
-- views and functions in `reporting`. Amounts are in company currency unless a column says
-- otherwise; receivables are positive when the partner owes the company, payables are
-- positive when the company owes the partner (as Odoo shows them).
-- Row restriction by company: a JWT claim `company_ids` (top level, e.g. from a custom access
-- token hook, or in app_metadata; never user_metadata, which users can edit) limits every
-- view and function to those companies; no claim means every company.

-- ---------------------------------------------------------------------------------------------
-- Helpers

create function reporting_private.visible_companies() returns bigint[]
language sql stable set search_path = '' as $$
  select case
           when i.ids is null then null
           when jsonb_typeof(i.ids) = 'array' then
             array(select e::bigint from jsonb_array_elements_text(i.ids) e where e ~ '^[0-9]{1,18}$')
           when jsonb_typeof(i.ids) = 'number' and i.ids::text ~ '^[0-9]{1,18}$' then
             array[i.ids::text::bigint]
           else '{}'::bigint[] -- a malformed claim restricts to nothing (fail closed)
         end
    from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb as c) j,
         lateral (select coalesce(j.c -> 'company_ids', j.c -> 'app_metadata' -> 'company_ids') as ids) i
$$;
comment on function reporting_private.visible_companies() is
  'Companies the caller may see: the JWT claim company_ids (or app_metadata.company_ids); NULL = all';
revoke all on function reporting_private.visible_companies() from public;
grant execute on function reporting_private.visible_companies()
  to authenticated, service_role, finanzas_bi;

-- Accounts with one account type across versions (16+: account_type; 14/15: internal_type for
-- receivable/payable/liquidity and internal_group for income/expense). Read by the refresh only.
create view reporting_private.accounts with (security_invoker = true) as
select a.id,
       coalesce(a.account_type,
                case a.internal_type when 'receivable' then 'asset_receivable'
                                     when 'payable' then 'liability_payable'
                                     when 'liquidity' then 'asset_cash' end,
                case a.internal_group when 'income' then 'income'
                                      when 'expense' then 'expense' end) as account_type,
       coalesce(a.non_trade, false) as non_trade,
       coalesce(a.reconcile, false) as reconcile,
       a.code, a.name
  from odoo.account_account a;

-- ---------------------------------------------------------------------------------------------
-- Reference data

create materialized view reporting_private.companies as
select c.id as company_id, c.name, c.currency_id, cur.name as currency, cur.symbol as currency_symbol,
       coalesce(cur.decimal_places, 2)::int as decimal_places
  from odoo.res_company c
  left join odoo.res_currency cur on cur.id = c.currency_id;
create unique index on reporting_private.companies (company_id);
grant select on reporting_private.companies to authenticated, service_role, finanzas_bi;

create materialized view reporting_private.partners as
select p.id as partner_id,
       coalesce(nullif(p.complete_name, ''), nullif(p.display_name, ''), p.name) as name,
       p.is_company, p.parent_id, p.commercial_partner_id, p.vat, p.email, p.country_id,
       coalesce(p.customer_rank, 0) as customer_rank, coalesce(p.supplier_rank, 0) as supplier_rank,
       p.company_id, coalesce(p.active, true) as active
  from odoo.res_partner p;
create unique index on reporting_private.partners (partner_id);
grant select on reporting_private.partners to authenticated, service_role, finanzas_bi;

create materialized view reporting_private.currencies as
select id as currency_id, name as currency, symbol, coalesce(decimal_places, 2)::int as decimal_places
  from odoo.res_currency;
create unique index on reporting_private.currencies (currency_id);
grant select on reporting_private.currencies to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Trade receivable/payable items: every posted journal item on a trade receivable or payable
-- account (Odoo's aged balance and partner ledger default scope), with the period during which
-- it may carry a residual: from its date until the day its last partial reconcile made it zero
-- for good (open_during = [date, closed_on), closed_on NULL while the residual is not zero).
-- Outside that range its residual as of any date is exactly zero, so the aged balance as of a
-- date only needs the items whose range contains that date (reporting_private.aged_items).
create materialized view reporting_private.trade_items as
with lines as (
  select l.id as line_id, l.company_id, l.partner_id, l.account_id, l.move_id, l.journal_id,
         case a.account_type when 'asset_receivable' then 'receivable' else 'payable' end as kind,
         l.date, coalesce(l.date_maturity, l.date) as aging_date,
         coalesce(l.debit, 0) as debit, coalesce(l.credit, 0) as credit,
         coalesce(l.balance, coalesce(l.debit, 0) - coalesce(l.credit, 0)) as balance,
         coalesce(l.amount_residual, 0) as amount_residual,
         l.amount_currency, l.currency_id
    from odoo.account_move_line l
    join reporting_private.accounts a on a.id = l.account_id
   where l.parent_state = 'posted'
     and a.account_type in ('asset_receivable', 'liability_payable')
     and not a.non_trade
     and l.date is not null and l.company_id is not null
),
sides as (
  select p.debit_move_id as line_id, -p.amount as delta, p.max_date
    from odoo.account_partial_reconcile p where p.max_date is not null
  union all
  select p.credit_move_id, p.amount, p.max_date
    from odoo.account_partial_reconcile p where p.max_date is not null
),
per_line as (
  select line_id, sum(delta) as delta, min(max_date) as first_date, max(max_date) as last_date
    from sides group by line_id
)
select l.*,
       -- Residual shortcuts: before the first partial it is the balance, from the last one on
       -- it is final_residual; only in between do the partials need to be summed.
       pl.first_date as first_partial_date, pl.last_date as last_partial_date,
       l.balance + coalesce(pl.delta, 0) as final_residual,
       case when l.balance + coalesce(pl.delta, 0) = 0
            then greatest(l.date, pl.last_date) end as closed_on,
       daterange(l.date, case when l.balance + coalesce(pl.delta, 0) = 0
                              then greatest(l.date, pl.last_date) end, '[)') as open_during
  from lines l
  left join per_line pl on pl.line_id = l.line_id;
create unique index on reporting_private.trade_items (line_id);
create index on reporting_private.trade_items (company_id, partner_id);
grant select on reporting_private.trade_items to authenticated, service_role, finanzas_bi;

-- Partial reconciles touching trade items: one row per side, delta = the residual change
-- (the debit side loses the amount, the credit side gains it), effective from max_date.
create materialized view reporting_private.trade_item_partials as
select p.id as partial_id, 'debit'::text as side, p.debit_move_id as line_id, p.max_date,
       -p.amount as delta
  from odoo.account_partial_reconcile p
  join reporting_private.trade_items t on t.line_id = p.debit_move_id
 where p.max_date is not null
union all
select p.id, 'credit', p.credit_move_id, p.max_date, p.amount
  from odoo.account_partial_reconcile p
  join reporting_private.trade_items t on t.line_id = p.credit_move_id
 where p.max_date is not null;
create unique index on reporting_private.trade_item_partials (partial_id, side);
create index on reporting_private.trade_item_partials (line_id, max_date) include (delta);
grant select on reporting_private.trade_item_partials to authenticated, service_role, finanzas_bi;

-- The aged balance's working set: one narrow row per trade item that is ever open, amounts in
-- integer minor units of the company currency (rounded per item to the currency's decimals, as
-- Odoo rounds per line), stored by kind and closing date so the items open on a date sit
-- together; GiST on the open period.
create materialized view reporting_private.aged_items as
select t.line_id, t.kind, t.company_id, t.partner_id, t.aging_date, t.open_during,
       t.first_partial_date, t.last_partial_date, u.unit,
       (round(t.balance * u.unit))::bigint as balance_units,
       (round(t.final_residual * u.unit))::bigint as final_units
  from reporting_private.trade_items t
  left join reporting_private.companies c on c.company_id = t.company_id,
       lateral (select (10::numeric ^ coalesce(c.decimal_places, 2))::bigint as unit) u
 where not isempty(t.open_during)
 order by t.kind, t.closed_on desc nulls first, t.date;
create unique index on reporting_private.aged_items (line_id);
create index on reporting_private.aged_items using gist (open_during);
grant select on reporting_private.aged_items to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Aged receivable / payable (reference §8.1): posted trade lines dated <= as_of; residual as
-- of the date = balance - Σ partials where the line is the debit side + Σ partials where it is
-- the credit side, counting partials with max_date <= as_of; aged on COALESCE(date_maturity,
-- date): not due when >= as_of, then 1-30, 31-60, 61-90, 91-120 days before as_of, older; per
-- company and partner (NULL partner = Odoo's "Unknown"); payables negated (owed amounts
-- positive); groups whose buckets are all zero dropped. Unrestricted (no company filter): the
-- callers below apply it. Only items open on the date are read (an item outside its open
-- period has a zero residual), and their partials only when some but not all of them are
-- dated <= as_of.
create function reporting_private.aged_rows(as_of date, kind text)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language sql stable set search_path = '' set jit = off set work_mem = '64MB' as $$
  with items as materialized (
    select t.company_id, t.partner_id, t.aging_date, t.unit,
           case when t.first_partial_date is null or t.first_partial_date > aged_rows.as_of
                  then t.balance_units
                when t.last_partial_date <= aged_rows.as_of
                  then t.final_units
                else t.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = t.line_id and p.max_date <= aged_rows.as_of)
           end as residual
      from reporting_private.aged_items t
     where t.open_during @> aged_rows.as_of and t.kind = aged_rows.kind
  ),
  grouped as (
    select i.company_id, i.partner_id, max(i.unit) as unit,
           coalesce(sum(i.residual) filter (where i.aging_date >= aged_rows.as_of), 0) as b0,
           coalesce(sum(i.residual) filter (where i.aging_date between aged_rows.as_of - 30
                                                                  and aged_rows.as_of - 1), 0) as b1,
           coalesce(sum(i.residual) filter (where i.aging_date between aged_rows.as_of - 60
                                                                  and aged_rows.as_of - 31), 0) as b2,
           coalesce(sum(i.residual) filter (where i.aging_date between aged_rows.as_of - 90
                                                                  and aged_rows.as_of - 61), 0) as b3,
           coalesce(sum(i.residual) filter (where i.aging_date between aged_rows.as_of - 120
                                                                  and aged_rows.as_of - 91), 0) as b4,
           coalesce(sum(i.residual) filter (where i.aging_date <= aged_rows.as_of - 121), 0) as b5
      from items i
     group by i.company_id, i.partner_id
  ),
  signed as (
    select g.company_id, g.partner_id, g.b0, g.b1, g.b2, g.b3, g.b4, g.b5,
           -- minor units → amount (0.01 for 2 decimals: the product keeps exactly that scale);
           -- payables negated, owed amounts positive
           (case aged_rows.kind when 'payable' then -1 else 1 end)
             * case g.unit when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                           else trim_scale(1::numeric / g.unit) end as f
      from grouped g
     where (g.b0, g.b1, g.b2, g.b3, g.b4, g.b5) <> (0, 0, 0, 0, 0, 0)
  )
  select s.company_id, s.partner_id, p.name, s.b0 * s.f, s.b1 * s.f, s.b2 * s.f, s.b3 * s.f,
         s.b4 * s.f, s.b5 * s.f, (s.b0 + s.b1 + s.b2 + s.b3 + s.b4 + s.b5) * s.f
    from signed s
    left join reporting_private.partners p on p.partner_id = s.partner_id
$$;
revoke all on function reporting_private.aged_rows(date, text) from public;
grant execute on function reporting_private.aged_rows(date, text)
  to authenticated, service_role, finanzas_bi;

create function reporting.aged_balance(as_of date, kind text)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' as $$
declare
  visible bigint[] := reporting_private.visible_companies();
begin
  if kind is null or kind not in ('receivable', 'payable') then
    raise exception 'reporting.aged_balance: kind must be ''receivable'' or ''payable'', not %',
      coalesce(quote_literal(kind), 'NULL')
      using errcode = '22023', hint = 'e.g. select * from reporting.aged_balance(current_date, ''receivable'')';
  end if;
  if as_of is null then
    raise exception 'reporting.aged_balance: as_of must be a date, not NULL' using errcode = '22023';
  end if;
  return query
    select r.* from reporting_private.aged_rows(as_of, kind) r
     where visible is null or r.company_id = any (visible);
end $$;
comment on function reporting.aged_balance(date, text) is
  'Odoo''s aged receivable/payable as of a date (kind receivable|payable): one row per company and '
  'partner (partner NULL = Unknown), company currency, payables owed positive. Reads the last '
  'refresh of the trade items (see reporting.freshness).';
revoke all on function reporting.aged_balance(date, text) from public;
grant execute on function reporting.aged_balance(date, text)
  to authenticated, service_role, finanzas_bi;

-- As of today (current_date of the refresh; the refresh also runs when the date changes).
create materialized view reporting_private.aged_receivable_today as
select r.*, coalesce(r.partner_id, 0) as partner_key, current_date as as_of
  from reporting_private.aged_rows(current_date, 'receivable') r;
create unique index on reporting_private.aged_receivable_today (company_id, partner_key);
create index on reporting_private.aged_receivable_today (total desc);
grant select on reporting_private.aged_receivable_today to authenticated, service_role, finanzas_bi;

create materialized view reporting_private.aged_payable_today as
select r.*, coalesce(r.partner_id, 0) as partner_key, current_date as as_of
  from reporting_private.aged_rows(current_date, 'payable') r;
create unique index on reporting_private.aged_payable_today (company_id, partner_key);
create index on reporting_private.aged_payable_today (total desc);
grant select on reporting_private.aged_payable_today to authenticated, service_role, finanzas_bi;

create view reporting.aged_receivable with (security_invoker = true) as
select company_id, partner_id, partner_name, not_due, days_1_30, days_31_60, days_61_90,
       days_91_120, older, total
  from reporting_private.aged_receivable_today
 where (select reporting_private.visible_companies()) is null
    or company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.aged_receivable is
  'Aged receivable as of today (materialized; = reporting.aged_balance(current_date, ''receivable'') '
  'at the last refresh): one row per company and partner, company currency';
grant select on reporting.aged_receivable to authenticated, service_role, finanzas_bi;

create view reporting.aged_payable with (security_invoker = true) as
select company_id, partner_id, partner_name, not_due, days_1_30, days_31_60, days_61_90,
       days_91_120, older, total
  from reporting_private.aged_payable_today
 where (select reporting_private.visible_companies()) is null
    or company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.aged_payable is
  'Aged payable as of today (materialized; = reporting.aged_balance(current_date, ''payable'') at '
  'the last refresh): one row per company and partner, company currency, owed amounts positive';
grant select on reporting.aged_payable to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Open invoices and bills: posted customer/vendor invoices, refunds and receipts whose
-- residual (Odoo's account.move.amount_residual) is not zero.
create materialized view reporting_private.open_documents as
select m.id as move_id, m.company_id,
       case when m.move_type like 'out\_%' then 'receivable' else 'payable' end as kind,
       m.move_type, m.name, m.ref, m.invoice_origin, m.partner_id, m.invoice_date, m.date,
       coalesce(m.invoice_date_due, m.invoice_date, m.date) as due_date,
       m.currency_id, m.amount_total, m.amount_residual,
       -- Company currency, receivables and payables both positive when owed (refunds negative).
       (case when m.move_type like 'in\_%' then -1 else 1 end)
         * coalesce(m.amount_residual_signed,
                    (case when m.move_type in ('out_refund', 'in_invoice', 'in_receipt') then -1 else 1 end)
                      * m.amount_residual) as residual_company,
       m.payment_state
  from odoo.account_move m
 where m.state = 'posted'
   and m.move_type in ('out_invoice', 'out_refund', 'out_receipt', 'in_invoice', 'in_refund', 'in_receipt')
   and m.amount_residual <> 0;
create unique index on reporting_private.open_documents (move_id);
create index on reporting_private.open_documents (due_date, move_id);
grant select on reporting_private.open_documents to authenticated, service_role, finanzas_bi;

create view reporting.open_invoices with (security_invoker = true) as
select d.move_id, d.company_id, d.kind, d.move_type, d.name, d.ref, d.invoice_origin,
       d.partner_id, p.name as partner_name, d.invoice_date, d.date, d.due_date,
       greatest(current_date - d.due_date, 0) as days_overdue,
       d.due_date < current_date as overdue,
       d.currency_id, cur.currency, d.amount_total, d.amount_residual,
       d.residual_company, c.currency as company_currency, d.payment_state
  from reporting_private.open_documents d
  left join reporting_private.partners p on p.partner_id = d.partner_id
  left join reporting_private.currencies cur on cur.currency_id = d.currency_id
  left join reporting_private.companies c on c.company_id = d.company_id
 where (select reporting_private.visible_companies()) is null
    or d.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.open_invoices is
  'Open customer invoices (kind receivable) and vendor bills (kind payable), refunds and receipts '
  'included: amount_total/amount_residual in the document currency, residual_company in company '
  'currency (owed amounts positive, refunds negative), days_overdue as of today';
grant select on reporting.open_invoices to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Partner balances and ledger (reference §8.2, trade receivable + payable accounts, posted).

create materialized view reporting_private.partner_balances as
select t.company_id, coalesce(t.partner_id, 0) as partner_key, t.partner_id,
       coalesce(sum(t.balance) filter (where t.kind = 'receivable'), 0) as receivable_balance,
       coalesce(-sum(t.balance) filter (where t.kind = 'payable'), 0) as payable_balance,
       sum(t.balance) as balance, sum(t.debit) as debit, sum(t.credit) as credit,
       coalesce(sum(t.amount_residual) filter (where t.kind = 'receivable'), 0) as receivable_open,
       coalesce(-sum(t.amount_residual) filter (where t.kind = 'payable'), 0) as payable_open,
       count(*) as lines, max(t.date) as last_date
  from reporting_private.trade_items t
 group by t.company_id, t.partner_id;
create unique index on reporting_private.partner_balances (company_id, partner_key);
create index on reporting_private.partner_balances (receivable_open desc);
create index on reporting_private.partner_balances (payable_open desc);
grant select on reporting_private.partner_balances to authenticated, service_role, finanzas_bi;

create view reporting.partner_balances with (security_invoker = true) as
select b.company_id, b.partner_id, p.name as partner_name, b.receivable_balance,
       b.payable_balance, b.balance, b.debit, b.credit, b.receivable_open, b.payable_open,
       b.lines, b.last_date, c.currency
  from reporting_private.partner_balances b
  left join reporting_private.partners p on p.partner_id = b.partner_id
  left join reporting_private.companies c on c.company_id = b.company_id
 where (select reporting_private.visible_companies()) is null
    or b.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.partner_balances is
  'Per company and partner (NULL = Unknown), posted trade receivable/payable items: '
  'receivable_balance (owed to us), payable_balance (owed by us), balance = debit - credit, '
  'receivable_open/payable_open = Odoo''s current residuals; company currency';
grant select on reporting.partner_balances to authenticated, service_role, finanzas_bi;

-- Ledger lines in Odoo's order (date, id) with the running balance per company and partner
-- from the first item; for a period, the initial balance is running_balance - balance of the
-- period's first line. Zero-amount exchange-difference lines (debit = credit = 0,
-- amount_currency <> 0) are left out as Odoo does (it checks the exchange journal, which is not
-- mirrored). Partner-less lines reconciled with a partner's line stay under Unknown (Odoo
-- attributes their reconciled amount to the partner; not replicated).
create materialized view reporting_private.partner_ledger as
select t.line_id, t.company_id, t.partner_id, t.kind, t.date, t.aging_date as due_date,
       t.move_id, l.move_name, t.journal_id, j.code as journal_code, t.account_id,
       a.code as account_code, a.name as account_name, l.name as label, l.ref,
       t.debit, t.credit, t.balance,
       sum(t.balance) over (partition by t.company_id, t.partner_id
                            order by t.date, t.line_id) as running_balance,
       t.amount_currency, t.currency_id, t.amount_residual, l.matching_number,
       coalesce(l.reconciled, false) as reconciled
  from reporting_private.trade_items t
  join odoo.account_move_line l on l.id = t.line_id
  left join odoo.account_journal j on j.id = t.journal_id
  left join reporting_private.accounts a on a.id = t.account_id
 where not (t.debit = 0 and t.credit = 0 and coalesce(t.amount_currency, 0) <> 0);
create unique index on reporting_private.partner_ledger (line_id);
create index on reporting_private.partner_ledger (partner_id, company_id, date, line_id);
create index on reporting_private.partner_ledger (company_id, date, line_id);
grant select on reporting_private.partner_ledger to authenticated, service_role, finanzas_bi;

create view reporting.partner_ledger with (security_invoker = true) as
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
  'due_date = COALESCE(date_maturity, date); amount_currency in currency';
grant select on reporting.partner_ledger to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Cash and bank position per active bank/cash journal (in the journal's currency, the company's
-- when the journal has none): the balance of its default account (posted items, every journal,
-- as Odoo's "balance in GL") and the outstanding receipts/payments of the journal (posted,
-- unreconciled items of the journal on reconcilable current accounts other than the default
-- account: payments not yet matched with a bank statement line).
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
       j.type as journal_type, j.default_account_id as account_id, a.code as account_code,
       a.name as account_name, j.currency_id,
       coalesce(g.balance_currency, 0) as balance_currency, coalesce(g.balance, 0) as balance,
       coalesce(o.receipts, 0) as outstanding_receipts, coalesce(o.payments, 0) as outstanding_payments,
       coalesce(g.balance_currency, 0) + coalesce(o.net_currency, 0) as position_currency,
       coalesce(g.balance, 0) + coalesce(o.receipts, 0) - coalesce(o.payments, 0) as position,
       g.last_date, coalesce(g.lines, 0) as lines
  from journals j
  left join gl g on g.journal_id = j.journal_id
  left join outstanding o on o.journal_id = j.journal_id
  left join reporting_private.accounts a on a.id = j.default_account_id;
create unique index on reporting_private.cash_position (journal_id);
grant select on reporting_private.cash_position to authenticated, service_role, finanzas_bi;

create view reporting.cash_position with (security_invoker = true) as
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
  '(company currency) and position = balance + receipts - payments';
grant select on reporting.cash_position to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Cash-flow forecast by ISO week (Monday) of the open trade items' due dates
-- (COALESCE(date_maturity, date)), from Odoo's current residuals: receivables in, payables out.
-- The view moves items already overdue into the current week (includes_overdue).
create materialized view reporting_private.cashflow_by_due_week as
select t.company_id, date_trunc('week', t.aging_date)::date as week_start,
       coalesce(sum(t.amount_residual) filter (where t.kind = 'receivable'), 0) as expected_in,
       coalesce(-sum(t.amount_residual) filter (where t.kind = 'payable'), 0) as expected_out,
       count(*) filter (where t.kind = 'receivable') as receivable_items,
       count(*) filter (where t.kind = 'payable') as payable_items
  from reporting_private.trade_items t
 where t.amount_residual <> 0
 group by t.company_id, date_trunc('week', t.aging_date)::date;
create unique index on reporting_private.cashflow_by_due_week (company_id, week_start);
grant select on reporting_private.cashflow_by_due_week to authenticated, service_role, finanzas_bi;

create view reporting.cashflow_forecast with (security_invoker = true) as
with weeks as (
  select f.company_id,
         greatest(f.week_start, date_trunc('week', current_date)::date) as week_start,
         sum(f.expected_in) as expected_in, sum(f.expected_out) as expected_out,
         sum(f.expected_in) filter (where f.week_start < date_trunc('week', current_date)::date)
           as overdue_in,
         sum(f.expected_out) filter (where f.week_start < date_trunc('week', current_date)::date)
           as overdue_out,
         sum(f.receivable_items + f.payable_items) as items
    from reporting_private.cashflow_by_due_week f
   where (select reporting_private.visible_companies()) is null
      or f.company_id = any ((select reporting_private.visible_companies())::bigint[])
   group by 1, 2
)
select w.company_id, w.week_start, w.week_start + 6 as week_end, w.expected_in, w.expected_out,
       w.expected_in - w.expected_out as net,
       sum(w.expected_in - w.expected_out) over (partition by w.company_id order by w.week_start)
         as cumulative_net,
       coalesce(w.overdue_in, 0) as overdue_in, coalesce(w.overdue_out, 0) as overdue_out,
       w.overdue_in is not null or w.overdue_out is not null as includes_overdue,
       w.items, c.currency
  from weeks w
  left join reporting_private.companies c on c.company_id = w.company_id;
comment on view reporting.cashflow_forecast is
  'Expected cash in (open receivables) and out (open payables) per ISO week of the due date, '
  'company currency; items already overdue are counted in the current week (overdue_in/_out)';
grant select on reporting.cashflow_forecast to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Revenue and expenses by month (posted items, company currency): income accounts credit
-- positive, expense accounts debit positive.
create materialized view reporting_private.revenue_expenses_by_month as
select l.company_id, date_trunc('month', l.date)::date as month,
       coalesce(-sum(l.balance) filter (where a.account_type = 'income'), 0) as revenue,
       coalesce(-sum(l.balance) filter (where a.account_type = 'income_other'), 0) as other_income,
       coalesce(sum(l.balance) filter (where a.account_type = 'expense_direct_cost'), 0) as cost_of_revenue,
       coalesce(sum(l.balance) filter (where a.account_type in ('expense', 'expense_other')), 0) as expenses,
       coalesce(sum(l.balance) filter (where a.account_type = 'expense_depreciation'), 0) as depreciation,
       count(*) as lines
  from odoo.account_move_line l
  join reporting_private.accounts a on a.id = l.account_id
 where l.parent_state = 'posted' and l.date is not null and l.company_id is not null
   and (a.account_type like 'income%' or a.account_type like 'expense%')
 group by l.company_id, date_trunc('month', l.date)::date;
create unique index on reporting_private.revenue_expenses_by_month (company_id, month);
grant select on reporting_private.revenue_expenses_by_month to authenticated, service_role, finanzas_bi;

create view reporting.revenue_expenses_by_month with (security_invoker = true) as
select m.company_id, m.month, m.revenue, m.other_income, m.revenue + m.other_income as total_income,
       m.cost_of_revenue, m.expenses, m.depreciation,
       m.cost_of_revenue + m.expenses + m.depreciation as total_expenses,
       m.revenue + m.other_income - m.cost_of_revenue - m.expenses - m.depreciation as net_income,
       m.lines, c.currency
  from reporting_private.revenue_expenses_by_month m
  left join reporting_private.companies c on c.company_id = m.company_id
 where (select reporting_private.visible_companies()) is null
    or m.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.revenue_expenses_by_month is
  'Per company and month, posted items: revenue (income), other_income (income_other), '
  'cost_of_revenue (expense_direct_cost), expenses (expense, expense_other), depreciation '
  '(expense_depreciation); income positive when credited, expenses positive when debited';
grant select on reporting.revenue_expenses_by_month to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- Reference views for consumers (names, currencies, search).
create view reporting.companies with (security_invoker = true) as
select c.company_id, c.name, c.currency_id, c.currency, c.currency_symbol, c.decimal_places
  from reporting_private.companies c
 where (select reporting_private.visible_companies()) is null
    or c.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.companies is 'Companies with their currency (the currency of every amount)';
grant select on reporting.companies to authenticated, service_role, finanzas_bi;

create view reporting.partners with (security_invoker = true) as
select p.partner_id, p.name, p.is_company, p.parent_id, p.commercial_partner_id, p.vat, p.email,
       p.customer_rank, p.supplier_rank, p.active
  from reporting_private.partners p
 where p.company_id is null
    or (select reporting_private.visible_companies()) is null
    or p.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.partners is
  'Partners (shared ones and those of the visible companies), for search and drill-down';
grant select on reporting.partners to authenticated, service_role, finanzas_bi;
