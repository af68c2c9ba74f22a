import {
  bool,
  char,
  date,
  int,
  type ModelDef,
  m2m,
  m2o,
  model,
  money,
  o2m,
  sel,
} from './catalog-fields.ts';
import { ACCOUNT_TYPES, MOVE_STATES, MOVE_TYPES, PAYMENT_STATES } from './catalog-selections.ts';
import type { VersionTraits } from './versions.ts';

/** Accounts, journals, journal entries and payments, per version (reference §6). */
export function accountModels(t: VersionTraits): ModelDef[] {
  return [
    model(
      'account.account',
      'Account',
      t.sharedAccounts ? 'code, placeholder_code' : 'code, company_id',
      [
        ...(t.sharedAccounts
          ? [
              // `code` is computed from code_store for env.company (reference §6.3).
              char('code', 'Code', { store: false, column: 'code_store' }),
              char('code_store', 'Code Store', { companyDependent: true }),
              char('placeholder_code', 'Display code', {
                store: false,
                compute: 'placeholder_code',
              }),
            ]
          : [char('code', 'Code', { required: true })]),
        char('name', 'Account Name', { required: true, translate: true }),
        sel('account_type', 'Type', ACCOUNT_TYPES, { required: true }),
        sel(
          'internal_group',
          'Internal Group',
          [
            ['equity', 'Equity'],
            ['asset', 'Asset'],
            ['liability', 'Liability'],
            ['income', 'Income'],
            ['expense', 'Expense'],
            ['off_balance', 'Off Balance'],
          ],
          { readonly: true },
        ),
        bool('reconcile', 'Allow Reconciliation'),
        bool('non_trade', 'Non Trade'),
        m2o('currency_id', 'Account Currency', 'res.currency'),
        t.sharedAccounts
          ? m2m('company_ids', 'Companies', 'res.company', { required: true })
          : m2o('company_id', 'Company', 'res.company', { required: true }),
        t.accountActive ? bool('active', 'Active') : bool('deprecated', 'Deprecated'),
      ],
      {
        activeField: t.accountActive ? 'active' : undefined,
        companyField: t.sharedAccounts ? 'company_ids' : 'company_id',
      },
    ),
    model(
      'account.journal',
      'Journal',
      'sequence, type, code',
      [
        char('name', 'Journal Name', { required: true, translate: true }),
        char('code', 'Short Code', { required: true }),
        sel(
          'type',
          'Type',
          [
            ['sale', 'Sales'],
            ['purchase', 'Purchase'],
            ['cash', 'Cash'],
            ['bank', 'Bank'],
            ['credit', 'Credit Card'],
            ['general', 'Miscellaneous'],
          ],
          { required: true },
        ),
        m2o('currency_id', 'Currency', 'res.currency'),
        m2o('company_id', 'Company', 'res.company', { required: true }),
        m2o('default_account_id', 'Default Account', 'account.account'),
        int('sequence', 'Sequence'),
        bool('active', 'Active'),
      ],
      { activeField: 'active', companyField: 'company_id' },
    ),
    model(
      'account.move',
      'Journal Entry',
      'date desc, name desc, invoice_date desc, id desc',
      [
        char('name', 'Number', { readonly: false }),
        char('ref', 'Reference'),
        date('date', 'Date', { required: true }),
        sel('state', 'Status', MOVE_STATES, { required: true, readonly: true }),
        sel('move_type', 'Type', MOVE_TYPES, { required: true, readonly: true }),
        m2o('journal_id', 'Journal', 'account.journal', { required: true }),
        m2o('company_id', 'Company', 'res.company', { readonly: true }),
        m2o('currency_id', 'Currency', 'res.currency', { required: true }),
        m2o('company_currency_id', 'Company Currency', 'res.currency', {
          store: false,
          readonly: true,
        }),
        m2o('partner_id', 'Partner', 'res.partner'),
        m2o('commercial_partner_id', 'Commercial Entity', 'res.partner', { readonly: true }),
        o2m('line_ids', 'Journal Items', 'account.move.line', 'move_id'),
        date('invoice_date', 'Invoice/Bill Date'),
        date('invoice_date_due', 'Due Date'),
        char('invoice_origin', 'Origin', { readonly: true }),
        char('payment_reference', 'Payment Reference'),
        money('amount_untaxed', 'Untaxed Amount', { readonly: true }),
        money('amount_tax', 'Tax', { readonly: true }),
        money('amount_total', 'Total', { readonly: true }),
        money('amount_residual', 'Amount Due', { readonly: true }),
        money('amount_untaxed_signed', 'Untaxed Amount Signed', {
          readonly: true,
          currencyField: 'company_currency_id',
        }),
        money('amount_total_signed', 'Total Signed', {
          readonly: true,
          currencyField: 'company_currency_id',
        }),
        money('amount_residual_signed', 'Amount Due Signed', {
          readonly: true,
          currencyField: 'company_currency_id',
        }),
        sel('payment_state', 'Payment Status', PAYMENT_STATES, { readonly: true }),
        m2o('reversed_entry_id', 'Reversal of', 'account.move', { readonly: true }),
        t.payments18
          ? m2o('origin_payment_id', 'Payment', 'account.payment', { readonly: true })
          : m2o('payment_id', 'Payment', 'account.payment', { readonly: true }),
        t.payments18 && m2m('matched_payment_ids', 'Payments', 'account.payment'),
      ],
      { companyField: 'company_id' },
    ),
    model(
      'account.payment',
      'Payments',
      'date desc, name desc',
      [
        char('name', 'Number', { readonly: true }),
        m2o('move_id', 'Journal Entry', 'account.move', {
          readonly: true,
          required: !t.payments18,
        }),
        date('date', 'Date', { required: true }),
        money('amount', 'Amount'),
        sel(
          'payment_type',
          'Payment Type',
          [
            ['outbound', 'Send'],
            ['inbound', 'Receive'],
          ],
          { required: true },
        ),
        sel(
          'partner_type',
          'Partner Type',
          [
            ['customer', 'Customer'],
            ['supplier', 'Vendor'],
          ],
          { required: true },
        ),
        m2o('partner_id', 'Customer/Vendor', 'res.partner'),
        m2o('journal_id', 'Journal', 'account.journal', { required: true }),
        m2o('company_id', 'Company', 'res.company', { readonly: true }),
        m2o('currency_id', 'Currency', 'res.currency'),
        sel(
          'state',
          'Status',
          t.payments18
            ? [
                ['draft', 'Draft'],
                ['in_process', 'In Process'],
                ['paid', 'Paid'],
                ['canceled', 'Canceled'],
                ['rejected', 'Rejected'],
              ]
            : MOVE_STATES,
          { required: true, readonly: true },
        ),
        t.payments18 ? char('memo', 'Memo') : char('ref', 'Reference'),
        t.payments18 && m2m('invoice_ids', 'Invoices', 'account.move'),
        t.payments18 && m2o('outstanding_account_id', 'Outstanding Account', 'account.account'),
        !t.payments18 && bool('is_internal_transfer', 'Internal Transfer'),
        !t.payments18 && m2o('destination_journal_id', 'Destination Journal', 'account.journal'),
        bool('is_reconciled', 'Is Reconciled', { readonly: true }),
        bool('is_matched', 'Is Matched With a Bank Statement', { readonly: true }),
      ],
      { companyField: 'company_id' },
    ),
  ];
}
