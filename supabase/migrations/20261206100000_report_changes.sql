-- Reports maintained by what changed (issue 14): every statement that changes an odoo.* table the
-- reports read logs the keys it touched in ods.report_changes — the old and the new version of
-- each row, with the values the reports group by — so the upkeep recomputes only those rows.
-- Statement-level triggers with transition tables see every writer (pages, deletions, re-reads,
-- sweeps, a hand-made fix), not only the sync's page path. A bulk load (the snapshot: the engine
-- sets `ods.report_capture = 'bulk'` in its page transactions) or a TRUNCATE logs one row with
-- no key instead: the reports that read the table are then rebuilt in full, once.
create table ods.report_changes (
  seq bigint generated always as identity primary key,
  input text not null,
  -- The record's id; NULL = every record (bulk load or truncate).
  id bigint,
  -- Journal items: what the reports group them by. Partial reconciles: the two items.
  company_id bigint,
  partner_id bigint,
  account_id bigint,
  journal_id bigint,
  date date,
  aging_date date,
  debit_move_id bigint,
  credit_move_id bigint
);
comment on table ods.report_changes is
  'Keys changed in the odoo.* tables behind the reports since the reports last caught up (old and '
  'new versions of each row; id NULL = the whole table); consumed by ods.refresh_reporting';
grant select on ods.report_changes to service_role;

create function ods.note_report_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  bulk boolean := coalesce(current_setting('ods.report_capture', true), '') = 'bulk';
begin
  if tg_op = 'TRUNCATE' then
    insert into ods.report_changes (input) values (tg_table_name);
    return null;
  end if;
  if bulk then
    if exists (select 1 from changed_rows) then
      insert into ods.report_changes (input) values (tg_table_name);
    end if;
    return null;
  end if;
  if tg_table_name = 'account_move_line' then
    insert into ods.report_changes (input, id, company_id, partner_id, account_id, journal_id,
                                    date, aging_date)
    select tg_table_name, r.id, r.company_id, r.partner_id, r.account_id, r.journal_id, r.date,
           coalesce(r.date_maturity, r.date)
      from changed_rows r;
  elsif tg_table_name = 'account_partial_reconcile' then
    insert into ods.report_changes (input, id, debit_move_id, credit_move_id)
    select tg_table_name, r.id, r.debit_move_id, r.credit_move_id from changed_rows r;
  else
    insert into ods.report_changes (input, id) select distinct tg_table_name, r.id from changed_rows r;
  end if;
  return null;
end $$;
revoke all on function ods.note_report_changes() from public;

-- An update logs the row before and after (a journal item moved to another partner changes both
-- partners' balances). Transition tables need one trigger per event.
create function ods.note_report_changes_update() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  bulk boolean := coalesce(current_setting('ods.report_capture', true), '') = 'bulk';
begin
  if bulk then
    if exists (select 1 from new_rows) then
      insert into ods.report_changes (input) values (tg_table_name);
    end if;
  elsif tg_table_name = 'account_move_line' then
    insert into ods.report_changes (input, id, company_id, partner_id, account_id, journal_id,
                                    date, aging_date)
    select tg_table_name, r.id, r.company_id, r.partner_id, r.account_id, r.journal_id, r.date,
           coalesce(r.date_maturity, r.date)
      from (select * from old_rows union all select * from new_rows) r;
  elsif tg_table_name = 'account_partial_reconcile' then
    insert into ods.report_changes (input, id, debit_move_id, credit_move_id)
    select tg_table_name, r.id, r.debit_move_id, r.credit_move_id
      from (select * from old_rows union all select * from new_rows) r;
  else
    insert into ods.report_changes (input, id) select distinct tg_table_name, r.id from new_rows r;
  end if;
  return null;
end $$;
revoke all on function ods.note_report_changes_update() from public;

do $$
declare
  t text;
begin
  for t in select table_name from ods.reporting_inputs loop
    execute format('create trigger report_changes_insert after insert on odoo.%I
      referencing new table as changed_rows for each statement
      execute function ods.note_report_changes()', t);
    execute format('create trigger report_changes_update after update on odoo.%I
      referencing old table as old_rows new table as new_rows for each statement
      execute function ods.note_report_changes_update()', t);
    execute format('create trigger report_changes_delete after delete on odoo.%I
      referencing old table as changed_rows for each statement
      execute function ods.note_report_changes()', t);
    execute format('create trigger report_changes_truncate after truncate on odoo.%I
      for each statement execute function ods.note_report_changes()', t);
  end loop;
end $$;
