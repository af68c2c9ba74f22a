-- Reports maintained by what changed (issue 14): ods.maintain_reports() applies the changes logged
-- in ods.report_changes to the maintained reports — the journal items they touched (and those of
-- the partial reconciles and accounts they touched) are recomputed, then the groups those items
-- belonged to before and after (partner balances, ledger running balances from the first changed
-- line on, due weeks, account months). A report whose input was bulk-loaded, that was never
-- filled, or whose share of changed rows is large is rebuilt from its `__source` view instead.
-- ods.refresh_reporting() calls it where the materialized views used to be refreshed; readers
-- keep reading the previous rows until the transaction commits.

-- The items of `ids` as reporting_private.trade_items__source has them.
create function reporting_private.trade_items_of(ids bigint[])
returns setof reporting_private.trade_items
language sql stable set search_path = '' as $$
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
     where l.id = any (ids)
       and l.parent_state = 'posted'
       and a.account_type in ('asset_receivable', 'liability_payable')
       and not a.non_trade
       and l.date is not null and l.company_id is not null
  ),
  sides as (
    select p.debit_move_id as line_id, -p.amount as delta, p.max_date
      from odoo.account_partial_reconcile p
     where p.debit_move_id = any (ids) and p.max_date is not null
    union all
    select p.credit_move_id, p.amount, p.max_date
      from odoo.account_partial_reconcile p
     where p.credit_move_id = any (ids) and p.max_date is not null
  ),
  per_line as (
    select line_id, sum(delta) as delta, min(max_date) as first_date, max(max_date) as last_date
      from sides group by line_id
  )
  select l.*,
         pl.first_date, pl.last_date,
         l.balance + coalesce(pl.delta, 0),
         case when l.balance + coalesce(pl.delta, 0) = 0 then greatest(l.date, pl.last_date) end,
         daterange(l.date, case when l.balance + coalesce(pl.delta, 0) = 0
                                then greatest(l.date, pl.last_date) end, '[)')
    from lines l
    left join per_line pl on pl.line_id = l.line_id
$$;

-- Cash and bank position per journal from the account months and the unmatched months (the
-- source reads every item of each default account and every unmatched item of the journal).
create function reporting_private.cash_position_rows()
returns setof reporting_private.cash_position
language sql stable set search_path = '' as $$
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
    select j.journal_id, sum(m.balance) as balance,
           sum(case when j.foreign_currency then m.amount_currency else m.balance end) as balance_currency,
           max(m.last_date) as last_date, sum(m.lines) as lines
      from journals j
      join reporting_private.account_month_totals m on m.account_id = j.default_account_id
     group by j.journal_id
  ),
  outstanding as (
    select j.journal_id, sum(u.receipts) as receipts, sum(u.payments) as payments,
           coalesce(sum(case when j.foreign_currency then u.residual_currency
                             else u.residual end), 0) as net_currency
      from journals j
      join reporting_private.unmatched_month_totals u on u.journal_id = j.journal_id
      join reporting_private.accounts a on a.id = u.account_id
     where a.reconcile and a.account_type in ('asset_current', 'liability_current')
       and u.account_id is distinct from j.default_account_id
     group by j.journal_id
  )
  select j.journal_id, j.company_id, j.name, j.code, j.type, j.default_account_id,
         coalesce(ac.code, a.code), a.name, j.currency_id,
         coalesce(g.balance_currency, 0), coalesce(g.balance, 0),
         coalesce(o.receipts, 0), coalesce(o.payments, 0),
         coalesce(g.balance_currency, 0) + coalesce(o.net_currency, 0),
         coalesce(g.balance, 0) + coalesce(o.receipts, 0) - coalesce(o.payments, 0),
         g.last_date, coalesce(g.lines, 0)::bigint
    from journals j
    left join gl g on g.journal_id = j.journal_id
    left join outstanding o on o.journal_id = j.journal_id
    left join reporting_private.accounts a on a.id = j.default_account_id
    left join odoo.account_account__company ac
           on ac.id = j.default_account_id and ac.company_id = j.company_id
$$;

-- Revenue and expenses per company and month from the account months.
create function reporting_private.revenue_expenses_rows()
returns setof reporting_private.revenue_expenses_by_month
language sql stable set search_path = '' as $$
  select m.company_id, m.month,
         coalesce(-sum(m.balance) filter (where a.account_type = 'income'), 0),
         coalesce(-sum(m.balance) filter (where a.account_type = 'income_other'), 0),
         coalesce(sum(m.balance) filter (where a.account_type = 'expense_direct_cost'), 0),
         coalesce(sum(m.balance) filter (where a.account_type in ('expense', 'expense_other')), 0),
         coalesce(sum(m.balance) filter (where a.account_type = 'expense_depreciation'), 0),
         sum(m.lines)::bigint
    from reporting_private.account_month_totals m
    join reporting_private.accounts a on a.id = m.account_id
   where a.account_type like 'income%' or a.account_type like 'expense%'
   group by m.company_id, m.month
$$;

-- Rebuilds one maintained report from its source, readers keeping the old rows until commit.
create function ods.rebuild_report(report text) returns bigint
language plpgsql set search_path = '' as $$
declare
  n bigint;
begin
  execute format('delete from %s', report);
  execute format('insert into %s select * from %s__source', report, report);
  get diagnostics n = row_count;
  execute format('analyze %s', report);
  return n;
end $$;
revoke all on function ods.rebuild_report(text) from public;
