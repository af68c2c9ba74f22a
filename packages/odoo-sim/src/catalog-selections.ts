/** Selection values shared by several models of the catalog. */
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

export const MOVE_STATES: [string, string][] = [
  ['draft', 'Draft'],
  ['posted', 'Posted'],
  ['cancel', 'Cancelled'],
];

export const PAYMENT_STATES: [string, string][] = [
  ['not_paid', 'Not Paid'],
  ['in_payment', 'In Payment'],
  ['paid', 'Paid'],
  ['partial', 'Partially Paid'],
  ['reversed', 'Reversed'],
  ['invoicing_legacy', 'Invoicing App Legacy'],
];

/** 16–18 (reference §6.2). */
export const DISPLAY_TYPES_16: [string, string][] = [
  ['product', 'Product'],
  ['cogs', 'Cost of Goods Sold'],
  ['tax', 'Tax'],
  ['rounding', 'Rounding'],
  ['payment_term', 'Payment Term'],
  ['line_section', 'Section'],
  ['line_note', 'Note'],
  ['epd', 'Early Payment Discount'],
];

/** 19 adds discount, subsections and the non-deductible lines. */
export const DISPLAY_TYPES_19: [string, string][] = [
  ...DISPLAY_TYPES_16,
  ['discount', 'Discount'],
  ['line_subsection', 'Subsection'],
  ['non_deductible_product_total', 'Non Deductible Products Total'],
  ['non_deductible_product', 'Non Deductible Products'],
  ['non_deductible_tax', 'Non Deductible Tax'],
];
