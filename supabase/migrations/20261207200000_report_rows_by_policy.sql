-- The dashboard's top lists and pages at 10,000,000 journal items (issue 14). A security_barrier
-- view is planned apart from the query around it, so `order by total desc limit 20` through
-- one could not walk the report's index: it read and sorted every row (partner balances
-- 300 ms, the overdue page 1 s at 10M). The reports behind those views now keep the company
-- rule themselves, as row-level security: Postgres applies a policy before any filter of the
-- caller (a LIKE that raises an error never sees a hidden row), so their views need no barrier
-- and are planned with the caller's order and limit. The names they show (partner, currency)
-- are joined, but each is written as an expression of both sides (`case when d.partner_id is
-- not null then p.name end`, the same value): a caller's filter on it can only run once the
-- rows are joined, on the visible rows, never on another company's partner beforehand. Same
-- columns, same rows.
-- The other views keep security_barrier; the report upkeep runs as the tables' owner, which
-- policies do not restrict.

do $$
declare
  t text;
begin
  foreach t in array array['open_documents', 'partner_balances', 'aged_receivable_today',
                           'aged_payable_today'] loop
    execute format('alter table reporting_private.%I enable row level security', t);
    execute format($p$create policy company_access on reporting_private.%I for select
      using ((select reporting_private.visible_companies()) is null
             or company_id = any ((select reporting_private.visible_companies())::bigint[]))$p$, t);
  end loop;
end $$;

create or replace view reporting.open_invoices with (security_invoker = true) as
select d.move_id, d.company_id, d.kind, d.move_type, d.name, d.ref, d.invoice_origin,
       d.partner_id, case when d.partner_id is not null then p.name end as partner_name,
       d.invoice_date, d.date, d.due_date,
       greatest(current_date - d.due_date, 0) as days_overdue,
       d.due_date < current_date as overdue,
       d.currency_id, case when d.currency_id is not null then cur.currency end as currency,
       d.amount_total, d.amount_residual, d.residual_company,
       case when d.company_id is not null then c.currency end as company_currency,
       d.payment_state
  from reporting_private.open_documents d
  left join reporting_private.partners p on p.partner_id = d.partner_id
  left join reporting_private.currencies cur on cur.currency_id = d.currency_id
  left join reporting_private.companies c on c.company_id = d.company_id;
alter view reporting.open_invoices reset (security_barrier);

create or replace view reporting.partner_balances with (security_invoker = true) as
select b.company_id, b.partner_id,
       case when b.partner_id is not null then p.name end as partner_name,
       b.receivable_balance, b.payable_balance, b.balance, b.debit, b.credit, b.receivable_open,
       b.payable_open, b.lines, b.last_date,
       case when b.company_id is not null then c.currency end as currency
  from reporting_private.partner_balances b
  left join reporting_private.partners p on p.partner_id = b.partner_id
  left join reporting_private.companies c on c.company_id = b.company_id;
alter view reporting.partner_balances reset (security_barrier);

create or replace view reporting.aged_receivable with (security_invoker = true) as
select a.company_id, a.partner_id, a.partner_name, a.not_due, a.days_1_30, a.days_31_60,
       a.days_61_90, a.days_91_120, a.older, a.total
  from reporting_private.aged_receivable_today a;
alter view reporting.aged_receivable reset (security_barrier);

create or replace view reporting.aged_payable with (security_invoker = true) as
select a.company_id, a.partner_id, a.partner_name, a.not_due, a.days_1_30, a.days_31_60,
       a.days_61_90, a.days_91_120, a.older, a.total
  from reporting_private.aged_payable_today a;
alter view reporting.aged_payable reset (security_barrier);

-- The overdue page's exact count reads the index alone (the policy's company included).
drop index if exists reporting_private.open_documents_due_date_move_id_idx;
create index open_documents_due_date_move_id_idx on reporting_private.open_documents
  (due_date, move_id) include (company_id);
