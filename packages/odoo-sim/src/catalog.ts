/**
 * The models the simulator serves and their fields as `fields_get` describes them, per
 * simulated Odoo version (17 or 19; differences from reference §6).
 */
export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'char'
  | 'text'
  | 'selection'
  | 'date'
  | 'datetime'
  | 'many2one'
  | 'one2many'
  | 'many2many';

/** Computed, non-column values; resolved by the reader. */
export type ComputeKind =
  | 'display_name'
  | 'o2m'
  | 'property_receivable'
  | 'property_payable'
  | 'zero'
  | 'currency_rate';

export interface FieldDef {
  name: string;
  type: FieldType;
  string: string;
  store: boolean;
  relation?: string;
  /** one2many: the many2one on `relation` pointing back. */
  inverse?: string;
  selection?: [string, string][];
  required?: boolean;
  readonly?: boolean;
  companyDependent?: boolean;
  translate?: boolean;
  currencyField?: string;
  /** Storage column when it differs from the name (19's account.account code/code_store). */
  column?: string;
  compute?: ComputeKind;
  help?: string;
}

export interface ModelDef {
  name: string;
  description: string;
  order: string;
  /** The archive flag that `active_test` filters on, if any. */
  activeField?: string;
  /** How multi-company record rules see the record. */
  companyField?: 'company_id' | 'company_ids' | 'self';
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
}

type Opts = Partial<Omit<FieldDef, 'name' | 'type' | 'string'>>;

function fd(name: string, type: FieldType, string: string, o: Opts = {}): FieldDef {
  return { name, type, string, store: true, ...o };
}
const char = (n: string, s: string, o?: Opts) => fd(n, 'char', s, o);
const _text = (n: string, s: string, o?: Opts) => fd(n, 'text', s, o);
const int = (n: string, s: string, o?: Opts) => fd(n, 'integer', s, o);
const float = (n: string, s: string, o?: Opts) => fd(n, 'float', s, o);
const money = (n: string, s: string, o?: Opts) =>
  fd(n, 'monetary', s, { currencyField: 'currency_id', ...o });
const bool = (n: string, s: string, o?: Opts) => fd(n, 'boolean', s, o);
const date = (n: string, s: string, o?: Opts) => fd(n, 'date', s, o);
const m2o = (n: string, s: string, relation: string, o?: Opts) =>
  fd(n, 'many2one', s, { relation, ...o });
const o2m = (n: string, s: string, relation: string, inverse: string, o?: Opts) =>
  fd(n, 'one2many', s, { relation, inverse, compute: 'o2m', ...o });
const m2m = (n: string, s: string, relation: string, o?: Opts) =>
  fd(n, 'many2many', s, { relation, ...o });
const sel = (n: string, s: string, selection: [string, string][], o?: Opts) =>
  fd(n, 'selection', s, { selection, ...o });

export const ACCOUNT_TYPES: [string, string][] = [
  ['asset_receivable', 'Receivable'],
  ['asset_cash', 'Bank and Cash'],
  ['asset_current', 'Current Assets'],
  ['asset_non_current', 'Non-current Assets'],
  ['asset_prepayments', 'Prepayments'],
  ['asset_fixed', 'Fixed Assets'],
  ['liability_payable', 'Payable'],
  ['liability_credit_card', 'Credit Card'],
  ['liability_current', 'Current Liabilities'],
  ['liability_non_current', 'Non-current Liabilities'],
  ['equity', 'Equity'],
  ['equity_unaffected', 'Current Year Earnings'],
  ['income', 'Income'],
  ['income_other', 'Other Income'],
  ['expense', 'Expenses'],
  ['expense_depreciation', 'Depreciation'],
  ['expense_direct_cost', 'Cost of Revenue'],
  ['off_balance', 'Off-Balance Sheet'],
];

export const MOVE_TYPES: [string, string][] = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
];

const MOVE_STATES: [string, string][] = [
  ['draft', 'Draft'],
  ['posted', 'Posted'],
  ['cancel', 'Cancelled'],
];

const PAYMENT_STATES: [string, string][] = [
  ['not_paid', 'Not Paid'],
  ['in_payment', 'In Payment'],
  ['paid', 'Paid'],
  ['partial', 'Partially Paid'],
  ['reversed', 'Reversed'],
  ['invoicing_legacy', 'Invoicing App Legacy'],
];

const DISPLAY_TYPES_17: [string, string][] = [
  ['product', 'Product'],
  ['cogs', 'Cost of Goods Sold'],
  ['tax', 'Tax'],
  ['discount', 'Discount'],
  ['rounding', 'Rounding'],
  ['payment_term', 'Payment Term'],
  ['line_section', 'Section'],
  ['line_note', 'Note'],
  ['epd', 'Early Payment Discount'],
];

function magic(): FieldDef[] {
  return [
    int('id', 'ID', { readonly: true }),
    char('display_name', 'Display Name', { store: false, readonly: true, compute: 'display_name' }),
    fd('create_date', 'datetime', 'Created on', { readonly: true }),
    m2o('create_uid', 'Created by', 'res.users', { readonly: true }),
    fd('write_date', 'datetime', 'Last Updated on', { readonly: true }),
    m2o('write_uid', 'Last Updated by', 'res.users', { readonly: true }),
  ];
}

function model(
  name: string,
  description: string,
  order: string,
  fields: FieldDef[],
  extra: Partial<Pick<ModelDef, 'activeField' | 'companyField'>> = {},
): ModelDef {
  const all = [...fields, ...magic()];
  return {
    name,
    description,
    order,
    fields: all,
    byName: new Map(all.map((f) => [f.name, f])),
    ...extra,
  };
}

export function buildCatalog(version: 17 | 19): Map<string, ModelDef> {
  const v19 = version >= 19;
  const models: ModelDef[] = [
    model(
      'res.company',
      'Companies',
      'sequence, name',
      [
        char('name', 'Company Name', { required: true }),
        m2o('currency_id', 'Currency', 'res.currency', { required: true }),
        m2o('parent_id', 'Parent Company', 'res.company'),
        m2o('partner_id', 'Partner', 'res.partner', { required: true }),
        m2o('country_id', 'Country', 'res.country'),
        int('sequence', 'Sequence'),
        bool('active', 'Active'),
      ],
      { activeField: 'active', companyField: 'self' },
    ),
    model('res.country', 'Country', 'name', [
      char('name', 'Country Name', { required: true, translate: true }),
      char('code', 'Country Code', { required: true }),
    ]),
    model(
      'res.users',
      'User',
      'name, login',
      [
        char('name', 'Name', { required: true }),
        char('login', 'Login', { required: true }),
        m2o('company_id', 'Company', 'res.company', { required: true }),
        m2m('company_ids', 'Companies', 'res.company'),
        bool('active', 'Active'),
      ],
      { activeField: 'active' },
    ),
    model(
      'res.currency',
      'Currency',
      'active desc, name',
      [
        char('name', 'Currency', { required: true }),
        char('full_name', 'Name', { translate: true }),
        char('symbol', 'Symbol', { required: true }),
        float('rounding', 'Rounding Factor'),
        int('decimal_places', 'Decimal Places', { readonly: true }),
        sel('position', 'Symbol Position', [
          ['after', 'After Amount'],
          ['before', 'Before Amount'],
        ]),
        float('rate', 'Current Rate', { store: false, readonly: true, compute: 'currency_rate' }),
        bool('active', 'Active'),
      ],
      { activeField: 'active' },
    ),
    model(
      'res.currency.rate',
      'Currency Rate',
      'name desc',
      [
        date('name', 'Date', { required: true }),
        float('rate', 'Technical Rate'),
        m2o('currency_id', 'Currency', 'res.currency', { required: true, readonly: true }),
        m2o('company_id', 'Company', 'res.company'),
      ],
      { companyField: 'company_id' },
    ),
    model(
      'res.partner',
      'Contact',
      'complete_name ASC, id DESC',
      [
        char('name', 'Name'),
        char('complete_name', 'Complete Name', { readonly: true }),
        bool('active', 'Active'),
        bool('is_company', 'Is a Company'),
        m2o('parent_id', 'Related Company', 'res.partner'),
        o2m('child_ids', 'Contact', 'res.partner', 'parent_id'),
        sel('type', 'Address Type', [
          ['contact', 'Contact'],
          ['invoice', 'Invoice Address'],
          ['delivery', 'Delivery Address'],
          ['other', 'Other Address'],
        ]),
        char('ref', 'Reference'),
        char('vat', 'Tax ID'),
        char('email', 'Email'),
        char('phone', 'Phone'),
        m2o('country_id', 'Country', 'res.country'),
        int('customer_rank', 'Customer Rank'),
        int('supplier_rank', 'Supplier Rank'),
        m2o('company_id', 'Company', 'res.company'),
        m2o('commercial_partner_id', 'Commercial Entity', 'res.partner', { readonly: true }),
        m2o('property_account_receivable_id', 'Account Receivable', 'account.account', {
          store: v19,
          companyDependent: true,
          compute: 'property_receivable',
        }),
        m2o('property_account_payable_id', 'Account Payable', 'account.account', {
          store: v19,
          companyDependent: true,
          compute: 'property_payable',
        }),
        money('credit', 'Total Receivable', { store: false, readonly: true, compute: 'zero' }),
      ],
      { activeField: 'active', companyField: 'company_id' },
    ),
    model(
      'account.account',
      'Account',
      v19 ? 'code, placeholder_code' : 'code, company_id',
      [
        ...(v19
          ? [
              char('code', 'Code', { store: false, column: 'code', companyDependent: false }),
              char('code_store', 'Code Store', { column: 'code', companyDependent: true }),
              char('placeholder_code', 'Display code', { store: false, column: 'code' }),
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
        v19
          ? m2m('company_ids', 'Companies', 'res.company', { required: true })
          : m2o('company_id', 'Company', 'res.company', { required: true }),
        v19 ? bool('active', 'Active') : bool('deprecated', 'Deprecated'),
      ],
      v19 ? { activeField: 'active', companyField: 'company_ids' } : { companyField: 'company_id' },
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
        v19
          ? m2o('origin_payment_id', 'Payment', 'account.payment', { readonly: true })
          : m2o('payment_id', 'Payment', 'account.payment', { readonly: true }),
      ],
      { companyField: 'company_id' },
    ),
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
        sel(
          'display_type',
          'Display Type',
          v19
            ? [
                ...DISPLAY_TYPES_17,
                ['line_subsection', 'Subsection'],
                ['non_deductible_tax', 'Non Deductible Tax'],
              ]
            : DISPLAY_TYPES_17,
          { required: true },
        ),
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
      'account.payment',
      'Payments',
      'date desc, name desc',
      [
        char('name', 'Number', { readonly: true }),
        m2o('move_id', 'Journal Entry', 'account.move', { readonly: true, required: !v19 }),
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
          v19
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
        v19 ? char('memo', 'Memo') : char('ref', 'Reference'),
        bool('is_reconciled', 'Is Reconciled', { readonly: true }),
        bool('is_matched', 'Is Matched With a Bank Statement', { readonly: true }),
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
  return new Map(models.map((m) => [m.name, m]));
}

/** The default sync catalog (DESIGN §3); the other served models support it. */
export const DEFAULT_CATALOG = [
  'res.company',
  'res.currency',
  'res.partner',
  'account.account',
  'account.journal',
  'account.move',
  'account.move.line',
  'account.payment',
  'account.partial.reconcile',
  'account.full.reconcile',
] as const;
