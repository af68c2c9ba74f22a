/** The shapes the accounting layer (Books) works with. */
export interface CompanyBooks {
  id: number;
  currencyId: number;
  name: string;
  taxRate: number;
  accounts: Record<AccountRole, number>;
  journals: Record<'sale' | 'purchase' | 'bank' | 'cash' | 'misc', number> & {
    /** 18+: a bank journal without outstanding accounts (payments without journal entry). */
    direct?: number;
  };
  /** Foreign currencies usable for invoices, with the rate (foreign units per company unit). */
  foreign: { currencyId: number; rate: number }[];
}

export type AccountRole =
  | 'receivable'
  | 'payable'
  | 'income'
  | 'income_other'
  | 'expense'
  | 'expense_direct'
  | 'tax_out'
  | 'tax_in'
  | 'bank'
  | 'cash'
  | 'outstanding_in'
  | 'outstanding_out'
  | 'equity'
  | 'liability_current'
  | 'asset_current';

export interface ProductLine {
  name: string;
  accountId: number;
  quantity: number;
  priceCents: number;
}

export interface InvoiceSpec {
  company: CompanyBooks;
  moveType: 'out_invoice' | 'out_refund' | 'in_invoice' | 'in_refund';
  partnerId: number;
  date: number;
  currencyId: number;
  rate: number;
  lines: ProductLine[];
  state: 'draft' | 'posted' | 'cancel';
  /** Fractions of the total per installment, with days after the invoice date. */
  terms: { fraction: number; days: number }[];
  ref?: string | false;
  origin?: string | false;
  reversedEntryId?: number;
}

export interface EntryLine {
  accountId: number;
  partnerId?: number;
  name: string;
  balanceCents: number;
}

export interface LineSpec {
  moveId: number;
  accountId: number;
  partnerId: number;
  name: string;
  displayType: string;
  quantity: number;
  priceUnit: number;
  balance: number;
  amountCurrency: number;
  maturity: number;
}

export interface MoveSpec {
  id?: number;
  name: string;
  moveType: string;
  state: string;
  company: CompanyBooks;
  journalId: number;
  partnerId: number;
  currencyId: number;
  date: number;
  invoiceDate: number;
  dueDate: number;
  ref: string | false;
  origin: string | false;
  amountUntaxed: number;
  amountTax: number;
  amountTotal: number;
  untaxedSigned: number;
  totalSigned: number;
  reversedEntryId: number;
}
