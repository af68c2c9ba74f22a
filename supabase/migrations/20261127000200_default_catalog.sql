-- The default catalog (DESIGN §3): the models every installation mirrors out of the box, with at
-- least the fields the reports need. Where Odoo renamed a field between versions both names are
-- listed; the one this Odoo lacks is reported in ods.sync_state.missing_fields, not fatal.
-- The reconcile models run before account.move.line so the lines they touch without bumping
-- write_date (full_reconcile_id, matching_number) are re-read in the same invocation.
insert into ods.catalog (model, priority, page_size, fields, verify_date_field, verify_sum_fields, dependents)
values
  ('res.company', 10, 500,
   '{name,currency_id,partner_id,parent_id,active,write_date}', null, '{}', '[]'),
  ('res.currency', 10, 500,
   '{name,symbol,active,rounding,decimal_places,currency_unit_label,write_date}', null, '{}', '[]'),
  ('res.partner', 20, 2000,
   '{name,display_name,complete_name,active,is_company,parent_id,commercial_partner_id,vat,email,'
   'country_id,customer_rank,supplier_rank,company_id,write_date}', null, '{}', '[]'),
  ('account.account', 30, 2000,
   '{code,name,account_type,user_type_id,internal_type,reconcile,currency_id,company_id,'
   'company_ids,deprecated,active,write_date}', null, '{}', '[]'),
  ('account.journal', 30, 500,
   '{name,code,type,currency_id,company_id,default_account_id,active,write_date}', null, '{}', '[]'),
  ('account.move', 40, 2000,
   '{name,move_type,state,partner_id,journal_id,company_id,currency_id,date,invoice_date,'
   'invoice_date_due,amount_untaxed,amount_tax,amount_total,amount_residual,amount_total_signed,'
   'amount_residual_signed,payment_state,ref,invoice_origin,write_date}',
   'date', '{amount_total_signed}', '[]'),
  ('account.move.line', 50, 5000,
   '{move_id,move_name,account_id,partner_id,journal_id,company_id,currency_id,company_currency_id,'
   'date,date_maturity,name,ref,debit,credit,balance,amount_currency,amount_residual,'
   'amount_residual_currency,reconciled,full_reconcile_id,matching_number,parent_state,'
   'display_type,write_date}',
   'date', '{debit,credit}', '[]'),
  ('account.payment', 50, 2000,
   '{name,payment_type,partner_type,partner_id,amount,currency_id,date,journal_id,company_id,'
   'state,move_id,is_reconciled,is_matched,memo,ref,write_date}', 'date', '{amount}', '[]'),
  ('account.partial.reconcile', 45, 5000,
   '{debit_move_id,credit_move_id,amount,debit_amount_currency,credit_amount_currency,max_date,'
   'full_reconcile_id,company_id,debit_currency_id,credit_currency_id,create_date,write_date}',
   null, '{}', '[{"model": "account.move.line", "via": ["debit_move_id", "credit_move_id"]}]'),
  ('account.full.reconcile', 45, 5000,
   '{name,create_date,write_date}', null, '{}',
   '[{"model": "account.move.line", "inverse": "full_reconcile_id"}]')
on conflict (model) do nothing;
