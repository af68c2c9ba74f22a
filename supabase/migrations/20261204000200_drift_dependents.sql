-- Dependents that close the reconciliation paths through which the copy drifted (DESIGN §4):
-- Odoo 17+ writes full_reconcile_id on partials by raw SQL (no write_date), an un-reconcile
-- deletes partials and full reconciles without a trace, and a journal item whose residual
-- changed may have lost a partial. Also: a catalog edit is seen on the next run (updated_at
-- is kept by a trigger, the schema cache compares against it).

-- Dependent kinds (ods.catalog.dependents):
--   {"model", "via": [fields]}     re-read the records these fields of a changed row hold
--   {"model", "inverse": field}    re-read the records whose field points at a changed row:
--                                  searched in Odoo (new links) and in the mirror (links gone)
--   {"model", "mirror": [fields], "when": [fields]}
--                                  re-read the mirror's records whose fields point at a row
--                                  whose `when` fields changed (or that was deleted); a
--                                  record Odoo no longer has is deleted
update ods.catalog
   set dependents = '[{"model": "account.move.line", "via": ["debit_move_id", "credit_move_id"]},
                      {"model": "account.full.reconcile", "via": ["full_reconcile_id"]}]'
 where model = 'account.partial.reconcile'
   and dependents = '[{"model": "account.move.line", "via": ["debit_move_id", "credit_move_id"]}]';

update ods.catalog
   set dependents = '[{"model": "account.move.line", "inverse": "full_reconcile_id"},
                      {"model": "account.partial.reconcile", "inverse": "full_reconcile_id"}]'
 where model = 'account.full.reconcile'
   and dependents = '[{"model": "account.move.line", "inverse": "full_reconcile_id"}]';

update ods.catalog
   set dependents = '[{"model": "account.partial.reconcile",
                       "mirror": ["debit_move_id", "credit_move_id"],
                       "when": ["amount_residual", "amount_residual_currency"]}]'
 where model = 'account.move.line' and dependents = '[]';

-- The mirror lookups of those dependents.
create index if not exists account_move_line_full_reconcile_idx
  on odoo.account_move_line (full_reconcile_id) where full_reconcile_id is not null;
create index if not exists account_partial_reconcile_full_reconcile_idx
  on odoo.account_partial_reconcile (full_reconcile_id) where full_reconcile_id is not null;

create function ods.touch_catalog() returns trigger
language plpgsql set search_path = '' as $$
begin
  if (new.fields, new.domain, new.enabled, new.dependents, new.verify_date_field,
      new.verify_sum_fields) is distinct from
     (old.fields, old.domain, old.enabled, old.dependents, old.verify_date_field,
      old.verify_sum_fields) then
    new.updated_at := now();
  end if;
  return new;
end $$;
revoke all on function ods.touch_catalog() from public;
create trigger catalog_touch before update on ods.catalog
  for each row execute function ods.touch_catalog();
