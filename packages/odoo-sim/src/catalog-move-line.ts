import {
  bool,
  char,
  date,
  float,
  type ModelDef,
  m2o,
  model,
  money,
  o2m,
  sel,
} from './catalog-fields.ts';
import {
  ACCOUNT_TYPES,
  DISPLAY_TYPES_16,
  DISPLAY_TYPES_19,
  MOVE_STATES,
} from './catalog-selections.ts';
import type { VersionTraits } from './versions.ts';

/** Journal items and their reconciliation, per version (reference §6.2). */
export function moveLineModels(t: VersionTraits): ModelDef[] {
  return [
    model(
      'account.move.line',
      'Journal Item',
      'date desc, move_name desc, id',
      [
        m2o('move_id', 'Journal Entry', 'account.move', { required: true, readonly: true }),
        char('move_name', 'Number', { readonly: true }),
        date('date', 'Date', { readonly: true }),
        char('ref', 'Reference', { readonly: true }),
        sel('parent_state', 'Status', MOVE_STATES, { readonly: true }),
        m2o('journal_id', 'Journal', 'account.journal', { readonly: true }),
        m2o('company_id', 'Company', 'res.company', { readonly: true }),
        m2o('company_currency_id', 'Company Currency', 'res.currency', { readonly: true }),
        m2o('account_id', 'Account', 'account.account'),
        m2o('partner_id', 'Partner', 'res.partner'),
        char('name', 'Label'),
        sel('display_type', 'Display Type', t.json2 ? DISPLAY_TYPES_19 : DISPLAY_TYPES_16, {
          required: true,
        }),
        float('quantity', 'Quantity'),
        float('price_unit', 'Unit Price'),
        money('debit', 'Debit', { currencyField: 'company_currency_id' }),
        money('credit', 'Credit', { currencyField: 'company_currency_id' }),
        money('balance', 'Balance', { currencyField: 'company_currency_id' }),
        money('amount_currency', 'Amount in Currency'),
        m2o('currency_id', 'Currency', 'res.currency', { required: true }),
        money('amount_residual', 'Residual Amount', {
          readonly: true,
          currencyField: 'company_currency_id',
        }),
        money('amount_residual_currency', 'Residual Amount in Currency', { readonly: true }),
        bool('reconciled', 'Reconciled', { readonly: true }),
        m2o('full_reconcile_id', 'Matching', 'account.full.reconcile', { readonly: true }),
        o2m('matched_debit_ids', 'Matched Debits', 'account.partial.reconcile', 'credit_move_id'),
        o2m('matched_credit_ids', 'Matched Credits', 'account.partial.reconcile', 'debit_move_id'),
        char('matching_number', 'Matching #', { readonly: true }),
        date('date_maturity', 'Due Date'),
        date('invoice_date', 'Invoice/Bill Date', { readonly: true }),
        m2o('payment_id', 'Originator Payment', 'account.payment', { readonly: true }),
        sel('account_type', 'Internal Type', ACCOUNT_TYPES, { readonly: true }),
      ],
      { companyField: 'company_id' },
    ),
    model(
      'account.partial.reconcile',
      'Partial Reconcile',
      'id',
      [
        m2o('debit_move_id', 'Debit Move', 'account.move.line', { required: true }),
        m2o('credit_move_id', 'Credit Move', 'account.move.line', { required: true }),
        m2o('full_reconcile_id', 'Full Reconcile', 'account.full.reconcile', { readonly: true }),
        m2o('debit_currency_id', 'Currency of the debit journal item', 'res.currency', {
          readonly: true,
        }),
        m2o('credit_currency_id', 'Currency of the credit journal item', 'res.currency', {
          readonly: true,
        }),
        m2o('company_currency_id', 'Company Currency', 'res.currency', { readonly: true }),
        money('amount', 'Amount', { currencyField: 'company_currency_id' }),
        money('debit_amount_currency', 'Debit Amount Currency', {
          currencyField: 'debit_currency_id',
        }),
        money('credit_amount_currency', 'Credit Amount Currency', {
          currencyField: 'credit_currency_id',
        }),
        m2o('company_id', 'Company', 'res.company', { readonly: true }),
        date('max_date', 'Max Date of Matched Lines', { readonly: true }),
      ],
      { companyField: 'company_id' },
    ),
    model('account.full.reconcile', 'Full Reconcile', 'id', [
      // 16: a sequence name (A1, A2…) the lines' matching_number shows; gone in 17.
      !t.rawSqlMatching && char('name', 'Number', { required: true }),
      o2m(
        'partial_reconcile_ids',
        'Reconciliation Parts',
        'account.partial.reconcile',
        'full_reconcile_id',
      ),
      o2m('reconciled_line_ids', 'Matched Journal Items', 'account.move.line', 'full_reconcile_id'),
      m2o('exchange_move_id', 'Exchange Move', 'account.move'),
    ]),
  ];
}
