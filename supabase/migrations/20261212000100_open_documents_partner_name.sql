-- The open invoices' partner name kept in the report row (issue 14: the invoice search by
-- partner name, `partner_name ilike '%a%' order by due_date limit 50`, p95 65 ms at 1,000,000
-- journal items against 50). reporting.open_invoices joined the name, written
-- `case when d.partner_id is not null then p.name end` so that a caller's filter on it runs on
-- the rows the policy let through, never on another company's partner. Postgres has no
-- statistics for that expression and guesses 0.5% of rows for any ILIKE on it: it sorted every
-- open document rather than walk the due-date index until 50 matched (most names contain an
-- "a"). In the row, under the row's policy, the name needs no guard and has statistics. A
-- renamed partner's name follows in the upkeep, as in the aged balances of today; the report
-- reads res_partner (through reporting_private.partners) from now on.

alter table reporting_private.open_documents add column partner_name text;

-- The source again, the name added last (the table's column order).
create or replace view reporting_private.open_documents__source as
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
       m.payment_state,
       (select p.name from reporting_private.partners p where p.partner_id = m.partner_id)
         as partner_name
  from odoo.account_move m
 where m.state = 'posted'
   and m.move_type in ('out_invoice', 'out_refund', 'out_receipt', 'in_invoice', 'in_refund', 'in_receipt')
   and m.amount_residual <> 0;

update reporting_private.open_documents d set partner_name = p.name
  from reporting_private.partners p
 where p.partner_id = d.partner_id;
analyze reporting_private.open_documents;

update ods.reporting_matviews set inputs = inputs || '{res_partner}'
 where matview = 'reporting_private.open_documents' and not 'res_partner' = any (inputs);

-- Same columns. The name is the row's own: no join, no guard.
create or replace view reporting.open_invoices with (security_invoker = true) as
select d.move_id, d.company_id, d.kind, d.move_type, d.name, d.ref, d.invoice_origin,
       d.partner_id, d.partner_name,
       d.invoice_date, d.date, d.due_date,
       greatest(current_date - d.due_date, 0) as days_overdue,
       d.due_date < current_date as overdue,
       d.currency_id, case when d.currency_id is not null then cur.currency end as currency,
       d.amount_total, d.amount_residual, d.residual_company,
       case when d.company_id is not null then c.currency end as company_currency,
       d.payment_state
  from reporting_private.open_documents d
  left join reporting_private.currencies cur on cur.currency_id = d.currency_id
  left join reporting_private.companies c on c.company_id = d.company_id;

-- A renamed partner's name in a report that keeps it (partner_id, partner_name), within
-- ods.maintain_reports: the rows of the partners whose changes it claimed, or every row after a
-- snapshot of the partners (a snapshot page logs the table, no ids). Rows updated.
create function ods.follow_partner_names(report text, bulk text[], moved text[]) returns bigint
language plpgsql set search_path = '' as $$
declare
  n bigint;
begin
  if not (bulk || moved) && '{res_partner}' then
    return 0;
  end if;
  execute format('update %s a set partner_name = p.name
                    from reporting_private.partners p
                   where p.partner_id = a.partner_id and a.partner_name is distinct from p.name
                     and ($1 or a.partner_id in (select c.id from pg_temp.report_changes_claimed c
                                                  where c.input = ''res_partner''))', report)
    using bulk && '{res_partner}';
  get diagnostics n = row_count;
  return n;
end $$;
revoke all on function ods.follow_partner_names(text, text[], text[]) from public;

-- Restated from 20261206100300_report_maintain.sql (same signature, rows, grants), with the
-- open documents' partner names followed, and the aged balances' of today after a snapshot of
-- the partners too (it logs no ids: their names stayed as they were), both through
-- ods.follow_partner_names.
create or replace function ods.maintain_reports(full boolean default false)
returns table (matview text, mode text, changed bigint, ms numeric)
language plpgsql security definer set search_path = '' set jit = off as $$
declare
  t0 timestamptz;
  bulk text[];
  n bigint;
  trade_full boolean;
  never text[];
  moved text[];
  ids bigint[];
begin
  drop table if exists pg_temp.report_changes_claimed, pg_temp.report_lines,
    pg_temp.report_old_items, pg_temp.report_groups, pg_temp.report_weeks,
    pg_temp.report_ledger_starts, pg_temp.report_months;
  create temp table report_changes_claimed on commit drop as
    with c as (delete from ods.report_changes returning *) select * from c;
  select coalesce(array_agg(distinct c.input) filter (where c.id is null), '{}'),
         coalesce(array_agg(distinct c.input) filter (where c.id is not null), '{}')
    into bulk, moved
    from pg_temp.report_changes_claimed c;
  select coalesce(array_agg(v.matview), '{}') into never
    from ods.reporting_matviews v where v.maintained and v.refreshed_at is null;

  -- The journal items to recompute: those changed, those on either side of a changed partial
  -- reconcile, and those of a changed account (its type decides whether they are trade items).
  create temp table report_lines (line_id bigint primary key) on commit drop;
  insert into pg_temp.report_lines
  select c.id from pg_temp.report_changes_claimed c
   where c.input = 'account_move_line' and c.id is not null
  union select c.debit_move_id from pg_temp.report_changes_claimed c
   where c.input = 'account_partial_reconcile' and c.debit_move_id is not null
  union select c.credit_move_id from pg_temp.report_changes_claimed c
   where c.input = 'account_partial_reconcile' and c.credit_move_id is not null
  union select l.id from odoo.account_move_line l
   where l.account_id in (select c.id from pg_temp.report_changes_claimed c
                           where c.input in ('account_account', 'account_account__company')
                             and c.id is not null);
  get diagnostics n = row_count;
  analyze pg_temp.report_lines;
  ids := array(select line_id from pg_temp.report_lines);
  -- Past a fifth of the items, one pass over everything is cheaper than looking each one up.
  trade_full := maintain_reports.full or bulk && '{account_move_line,account_partial_reconcile,account_account}'
    or 'reporting_private.trade_items' = any (never)
    or n > greatest(20000, 0.2 * (select c.reltuples from pg_class c
                                   where c.oid = 'reporting_private.trade_items'::regclass));

  -- Trade items and what is derived from them.
  t0 := clock_timestamp();
  if trade_full then
    create temp table report_old_items on commit drop as
      select null::bigint as company_id, null::bigint as partner_id, null::date as aging_date
       where false;
    perform ods.rebuild_report('reporting_private.trade_items');
    perform ods.rebuild_report('reporting_private.trade_item_partials');
    matview := 'reporting_private.trade_items'; mode := 'full'; changed := null;
  else
    create temp table report_old_items on commit drop as
      with d as (delete from reporting_private.trade_items t using pg_temp.report_lines k
                  where t.line_id = k.line_id
              returning t.company_id, t.partner_id, t.aging_date)
      select * from d;
    insert into reporting_private.trade_items
    select * from reporting_private.trade_items_of(ids);
    get diagnostics n = row_count;
    delete from reporting_private.trade_item_partials p using pg_temp.report_lines k
     where p.line_id = k.line_id;
    insert into reporting_private.trade_item_partials
    select p.id, 'debit', p.debit_move_id, p.max_date, -p.amount
      from odoo.account_partial_reconcile p
      join reporting_private.trade_items t on t.line_id = p.debit_move_id
     where p.debit_move_id = any (ids) and p.max_date is not null
    union all
    select p.id, 'credit', p.credit_move_id, p.max_date, p.amount
      from odoo.account_partial_reconcile p
      join reporting_private.trade_items t on t.line_id = p.credit_move_id
     where p.credit_move_id = any (ids) and p.max_date is not null;
    matview := 'reporting_private.trade_items';
    mode := case when cardinality(ids) = 0 then 'unchanged' else 'incremental' end;
    changed := cardinality(ids);
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;
  matview := 'reporting_private.trade_item_partials'; return next;

  -- The (company, partner) groups and due weeks the changed items were in, before and after.
  create temp table report_groups on commit drop as
    select distinct g.company_id, coalesce(g.partner_id, 0) as partner_key
      from (select o.company_id, o.partner_id from pg_temp.report_old_items o
            union all
            select t.company_id, t.partner_id from reporting_private.trade_items t
             where t.line_id = any (ids)) g;
  create temp table report_weeks on commit drop as
    select distinct g.company_id, date_trunc('week', g.aging_date)::date as week_start
      from (select o.company_id, o.aging_date from pg_temp.report_old_items o
            union all
            select t.company_id, t.aging_date from reporting_private.trade_items t
             where t.line_id = any (ids)) g;
  analyze pg_temp.report_groups;
  analyze pg_temp.report_weeks;

  -- Aged items (amounts in minor units of the company currency).
  t0 := clock_timestamp();
  matview := 'reporting_private.aged_items';
  if trade_full or bulk && '{res_company,res_currency}' or moved && '{res_company,res_currency}'
     or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    delete from reporting_private.aged_items a using pg_temp.report_lines k
     where a.line_id = k.line_id;
    insert into reporting_private.aged_items
    select t.line_id, t.kind, t.company_id, t.partner_id, t.aging_date, t.open_during,
           t.first_partial_date, t.last_partial_date, u.unit,
           (round(t.balance * u.unit))::bigint, (round(t.final_residual * u.unit))::bigint
      from reporting_private.trade_items t
      left join reporting_private.companies c on c.company_id = t.company_id,
           lateral (select (10::numeric ^ coalesce(c.decimal_places, 2))::bigint as unit) u
     where t.line_id = any (ids) and not isempty(t.open_during);
    mode := case when cardinality(ids) = 0 then 'unchanged' else 'incremental' end;
    changed := cardinality(ids);
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Aged balances as of today: each touched (company, partner) group aged again (Odoo's
  -- algorithm as reporting_private.aged_partner_units has it, for the group's items open today);
  -- a new day, or aged items rebuilt in full, rebuild them from their source.
  foreach matview in array array['reporting_private.aged_receivable_today',
                                 'reporting_private.aged_payable_today'] loop
    t0 := clock_timestamp();
    if trade_full or bulk && '{res_company,res_currency}' or moved && '{res_company,res_currency}'
       or matview = any (never)
       or (select v.as_of from ods.reporting_matviews v
            where v.matview = maintain_reports.matview) is distinct from current_date then
      perform ods.rebuild_report(matview); mode := 'full'; changed := null;
    else
      execute format('delete from %s a using pg_temp.report_groups g
                       where a.company_id = g.company_id and a.partner_key = g.partner_key', matview);
      execute format($q$
        insert into %s
        select s.company_id, s.partner_id, p.name, s.b0 * s.f, s.b1 * s.f, s.b2 * s.f, s.b3 * s.f,
               s.b4 * s.f, s.b5 * s.f, (s.b0 + s.b1 + s.b2 + s.b3 + s.b4 + s.b5) * s.f,
               coalesce(s.partner_id, 0), current_date
          from (select i.company_id, i.partner_id,
                       (case %2$L when 'payable' then -1 else 1 end)
                         * case max(i.unit) when 100 then 0.01 when 1 then 1 when 1000 then 0.001
                                            else trim_scale(1::numeric / max(i.unit)) end as f,
                       coalesce(sum(i.residual) filter (
                         where i.aging_date >= current_date), 0)::bigint as b0,
                       coalesce(sum(i.residual) filter (
                         where i.aging_date between current_date - 30 and current_date - 1), 0)::bigint as b1,
                       coalesce(sum(i.residual) filter (
                         where i.aging_date between current_date - 60 and current_date - 31), 0)::bigint as b2,
                       coalesce(sum(i.residual) filter (
                         where i.aging_date between current_date - 90 and current_date - 61), 0)::bigint as b3,
                       coalesce(sum(i.residual) filter (
                         where i.aging_date between current_date - 120 and current_date - 91), 0)::bigint as b4,
                       coalesce(sum(i.residual) filter (
                         where i.aging_date <= current_date - 121), 0)::bigint as b5
                  from (select t.company_id, t.partner_id, t.aging_date, t.unit,
                               case when t.first_partial_date is null
                                         or t.first_partial_date > current_date then t.balance_units
                                    when t.last_partial_date <= current_date then t.final_units
                                    else t.balance_units
                                         + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                                              from reporting_private.trade_item_partials p
                                             where p.line_id = t.line_id
                                               and p.max_date <= current_date)
                               end as residual
                          from pg_temp.report_groups g
                          join reporting_private.aged_items t
                            on t.company_id = g.company_id
                           and coalesce(t.partner_id, 0) = g.partner_key
                         where t.kind = %2$L and t.open_during @> current_date) i
                 group by i.company_id, i.partner_id) s
          left join reporting_private.partners p on p.partner_id = s.partner_id
         where (s.b0, s.b1, s.b2, s.b3, s.b4, s.b5) <> (0, 0, 0, 0, 0, 0)$q$,
        matview, case when matview like '%receivable%' then 'receivable' else 'payable' end);
      perform ods.follow_partner_names(matview, bulk, moved);
      select count(*) into changed from pg_temp.report_groups;
      mode := case when changed = 0 and not (bulk || moved) && '{res_partner}' then 'unchanged'
                   else 'incremental' end;
    end if;
    ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
    return next;
  end loop;

  -- Partner balances: each group touched, summed again from its items.
  t0 := clock_timestamp();
  matview := 'reporting_private.partner_balances';
  if trade_full or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    delete from reporting_private.partner_balances b using pg_temp.report_groups g
     where b.company_id = g.company_id and b.partner_key = g.partner_key;
    insert into reporting_private.partner_balances
    select t.company_id, coalesce(t.partner_id, 0), t.partner_id,
           coalesce(sum(t.balance) filter (where t.kind = 'receivable'), 0),
           coalesce(-sum(t.balance) filter (where t.kind = 'payable'), 0),
           sum(t.balance), sum(t.debit), sum(t.credit),
           coalesce(sum(t.amount_residual) filter (where t.kind = 'receivable'), 0),
           coalesce(-sum(t.amount_residual) filter (where t.kind = 'payable'), 0),
           count(*), max(t.date)
      from pg_temp.report_groups g
      join reporting_private.trade_items t
        on t.company_id = g.company_id and coalesce(t.partner_id, 0) = g.partner_key
     group by t.company_id, t.partner_id;
    select count(*) into changed from pg_temp.report_groups;
    mode := case when changed = 0 then 'unchanged' else 'incremental' end;
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Partner ledger: the changed lines again, then each touched group's running balance from its
  -- first changed line (date, line_id) on, continuing from the line before it.
  t0 := clock_timestamp();
  matview := 'reporting_private.partner_ledger';
  if trade_full or bulk && '{account_journal}' or moved && '{account_journal}'
     or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    create temp table report_ledger_starts on commit drop as
      with d as (delete from reporting_private.partner_ledger l using pg_temp.report_lines k
                  where l.line_id = k.line_id
              returning l.company_id, l.partner_id, l.date, l.line_id)
      select * from d;
    with i as (
      insert into reporting_private.partner_ledger
      select t.line_id, t.company_id, t.partner_id, t.kind, t.date, t.aging_date,
             t.move_id, l.move_name, t.journal_id, j.code, t.account_id,
             coalesce(ac.code, a.code), a.name, l.name, l.ref,
             t.debit, t.credit, t.balance, null,
             t.amount_currency, t.currency_id, t.amount_residual, l.matching_number,
             coalesce(l.reconciled, false)
        from reporting_private.trade_items t
        join odoo.account_move_line l on l.id = t.line_id
        left join odoo.account_journal j on j.id = t.journal_id
        left join reporting_private.accounts a on a.id = t.account_id
        left join odoo.account_account__company ac
               on ac.id = t.account_id and ac.company_id = t.company_id
       where t.line_id = any (ids)
         and not (t.debit = 0 and t.credit = 0 and coalesce(t.amount_currency, 0) <> 0)
      returning company_id, partner_id, date, line_id)
    insert into pg_temp.report_ledger_starts select * from i;
    update reporting_private.partner_ledger pl set running_balance = s.rb
      from (select x.line_id,
                   coalesce(b.running_balance, 0)
                     + sum(x.balance) over (partition by st.company_id, st.partner_key
                                            order by x.date, x.line_id) as rb
              from (select s.company_id, coalesce(s.partner_id, 0) as partner_key,
                           (array_agg(s.date order by s.date, s.line_id))[1] as date,
                           (array_agg(s.line_id order by s.date, s.line_id))[1] as line_id
                      from pg_temp.report_ledger_starts s
                     group by 1, 2) st
              join reporting_private.partner_ledger x
                on x.company_id = st.company_id and coalesce(x.partner_id, 0) = st.partner_key
               and (x.date, x.line_id) >= (st.date, st.line_id)
              left join lateral (
                select p.running_balance from reporting_private.partner_ledger p
                 where p.company_id = st.company_id and coalesce(p.partner_id, 0) = st.partner_key
                   and (p.date, p.line_id) < (st.date, st.line_id)
                 order by p.date desc, p.line_id desc limit 1) b on true) s
     where pl.line_id = s.line_id and pl.running_balance is distinct from s.rb;
    get diagnostics changed = row_count;
    mode := case when cardinality(ids) = 0 then 'unchanged' else 'incremental' end;
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Cash-flow forecast: each touched (company, due week) summed again.
  t0 := clock_timestamp();
  matview := 'reporting_private.cashflow_by_due_week';
  if trade_full or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    delete from reporting_private.cashflow_by_due_week f using pg_temp.report_weeks w
     where f.company_id = w.company_id and f.week_start = w.week_start;
    insert into reporting_private.cashflow_by_due_week
    select t.company_id, w.week_start,
           coalesce(sum(t.amount_residual) filter (where t.kind = 'receivable'), 0),
           coalesce(-sum(t.amount_residual) filter (where t.kind = 'payable'), 0),
           count(*) filter (where t.kind = 'receivable'),
           count(*) filter (where t.kind = 'payable')
      from pg_temp.report_weeks w
      join reporting_private.trade_items t
        on t.company_id = w.company_id and t.aging_date >= w.week_start
       and t.aging_date < w.week_start + 7
     where t.amount_residual <> 0
     group by t.company_id, w.week_start;
    select count(*) into changed from pg_temp.report_weeks;
    mode := case when changed = 0 then 'unchanged' else 'incremental' end;
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Open invoices and bills: the changed moves again.
  t0 := clock_timestamp();
  matview := 'reporting_private.open_documents';
  if maintain_reports.full or bulk && '{account_move}' or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    delete from reporting_private.open_documents d using pg_temp.report_changes_claimed c
     where c.input = 'account_move' and d.move_id = c.id;
    insert into reporting_private.open_documents
    select s.* from reporting_private.open_documents__source s
     where s.move_id in (select c.id from pg_temp.report_changes_claimed c
                          where c.input = 'account_move' and c.id is not null);
    select count(distinct c.id) into changed from pg_temp.report_changes_claimed c
     where c.input = 'account_move';
    -- A renamed partner's name, in the rows of the other moves too.
    changed := changed + ods.follow_partner_names(matview, bulk, moved);
    mode := case when changed = 0 then 'unchanged' else 'incremental' end;
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Account months: each touched (company, account, month) summed again.
  t0 := clock_timestamp();
  matview := 'reporting_private.account_month_totals';
  if maintain_reports.full or bulk && '{account_move_line}' or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    create temp table report_months on commit drop as
      select distinct c.company_id, c.account_id, date_trunc('month', c.date)::date as month
        from pg_temp.report_changes_claimed c
       where c.input = 'account_move_line' and c.id is not null and c.date is not null
         and c.company_id is not null and c.account_id is not null;
    analyze pg_temp.report_months;
    delete from reporting_private.account_month_totals m using pg_temp.report_months k
     where m.account_id = k.account_id and m.company_id = k.company_id and m.month = k.month;
    insert into reporting_private.account_month_totals
    select k.company_id, k.account_id, k.month, sum(l.balance), sum(l.amount_currency),
           max(l.date), count(*)
      from pg_temp.report_months k
      join odoo.account_move_line l
        on l.account_id = k.account_id and l.date >= k.month
       and l.date < (k.month + interval '1 month')::date
     where l.company_id = k.company_id and l.parent_state = 'posted'
     group by k.company_id, k.account_id, k.month;
    select count(*) into changed from pg_temp.report_months;
    mode := case when changed = 0 then 'unchanged' else 'incremental' end;
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Unmatched months: each touched (journal, account, month) summed again.
  t0 := clock_timestamp();
  matview := 'reporting_private.unmatched_month_totals';
  if maintain_reports.full or bulk && '{account_move_line}' or matview = any (never) then
    perform ods.rebuild_report(matview); mode := 'full'; changed := null;
  else
    drop table if exists pg_temp.report_unmatched;
    create temp table report_unmatched on commit drop as
      select distinct c.journal_id, c.account_id, date_trunc('month', c.date)::date as month
        from pg_temp.report_changes_claimed c
       where c.input = 'account_move_line' and c.id is not null and c.date is not null
         and c.journal_id is not null and c.account_id is not null;
    analyze pg_temp.report_unmatched;
    delete from reporting_private.unmatched_month_totals m using pg_temp.report_unmatched k
     where m.journal_id = k.journal_id and m.account_id = k.account_id and m.month = k.month;
    insert into reporting_private.unmatched_month_totals
    select k.journal_id, k.account_id, k.month,
           coalesce(sum(l.amount_residual) filter (where l.amount_residual > 0), 0),
           coalesce(-sum(l.amount_residual) filter (where l.amount_residual < 0), 0),
           sum(l.amount_residual), sum(l.amount_residual_currency), count(*)
      from pg_temp.report_unmatched k
      join odoo.account_move_line l
        on l.account_id = k.account_id and l.journal_id = k.journal_id and l.date >= k.month
       and l.date < (k.month + interval '1 month')::date
       and l.parent_state = 'posted' and not coalesce(l.reconciled, false)
       and coalesce(l.amount_residual, 0) <> 0
     group by k.journal_id, k.account_id, k.month;
    select count(*) into changed from pg_temp.report_unmatched;
    mode := case when changed = 0 then 'unchanged' else 'incremental' end;
  end if;
  ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
  return next;

  -- Cash position and revenue/expenses: a few hundred rows, computed again from the account
  -- months whenever one of their inputs changed.
  foreach matview in array array['reporting_private.cash_position',
                                 'reporting_private.revenue_expenses_by_month'] loop
    t0 := clock_timestamp();
    if maintain_reports.full or matview = any (never) then
      perform ods.rebuild_report(matview); mode := 'full'; changed := null;
    elsif not (bulk || moved) && (select v.inputs from ods.reporting_matviews v
                                    where v.matview = maintain_reports.matview) then
      mode := 'unchanged'; changed := 0;
    else
      execute format('delete from %s', matview);
      if matview = 'reporting_private.cash_position' then
        insert into reporting_private.cash_position
        select * from reporting_private.cash_position_rows();
      else
        insert into reporting_private.revenue_expenses_by_month
        select * from reporting_private.revenue_expenses_rows();
      end if;
      get diagnostics changed = row_count;
      mode := 'incremental';
    end if;
    ms := round(extract(epoch from clock_timestamp() - t0)::numeric * 1000, 1);
    return next;
  end loop;
end $$;
