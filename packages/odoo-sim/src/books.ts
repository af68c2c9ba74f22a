import { OdooError } from './odoo-error.ts';
import type { Store, Tx, UnlinkOptions } from './store.ts';
import { NO_DATE, type Table } from './table.ts';

/**
 * Accounting operations with Odoo's bookkeeping side effects: balanced journal entries,
 * payments, partial/full reconciliations that move residuals and payment_state (ORM writes,
 * bumping write_date) and set full_reconcile_id/matching_number on lines by "raw SQL" (no
 * write_date bump, as in Odoo 17+). Amounts are integer cents internally.
 */
export interface CompanyBooks {
  id: number;
  currencyId: number;
  name: string;
  taxRate: number;
  accounts: Record<AccountRole, number>;
  journals: Record<'sale' | 'purchase' | 'bank' | 'cash' | 'misc', number>;
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

const cents = (x: number) => Math.round(x * 100);
const SIGN: Record<string, number> = {
  out_invoice: 1,
  in_refund: 1,
  out_refund: -1,
  in_invoice: -1,
};
const JOURNAL_OF: Record<string, 'sale' | 'purchase'> = {
  out_invoice: 'sale',
  out_refund: 'sale',
  in_invoice: 'purchase',
  in_refund: 'purchase',
};
const PREFIX: Record<string, string> = {
  out_invoice: 'INV',
  out_refund: 'RINV',
  in_invoice: 'BILL',
  in_refund: 'RBILL',
};

export class Books {
  companies: CompanyBooks[] = [];
  /** line id → partial ids touching it (keeps matching-graph walks cheap). */
  private linePartials = new Map<number, number[]>();
  private sequences = new Map<string, number>();
  private accountMeta = new Map<number, { type: string; reconcile: boolean }>();
  constructor(readonly store: Store) {
    // Every ORM/control/activity unlink goes through Odoo's accounting rules.
    store.unlinkHandler = (tx, model, ids, opts) => this.unlink(tx, model, ids, opts);
  }

  t(model: string): Table {
    return this.store.table(model);
  }

  registerAccount(id: number, type: string, reconcile: boolean): void {
    this.accountMeta.set(id, { type, reconcile });
  }

  private nextName(prefix: string, date: number): string {
    const year = new Date(date * 86_400_000).getUTCFullYear();
    const key = `${prefix}/${year}`;
    const n = (this.sequences.get(key) ?? 0) + 1;
    this.sequences.set(key, n);
    return `${key}/${String(n).padStart(5, '0')}`;
  }

  companyOf(id: number): CompanyBooks {
    const c = this.companies.find((x) => x.id === id);
    if (!c) throw new Error(`Books: unknown company ${id}`);
    return c;
  }

  /** A customer invoice / vendor bill / credit note with product, tax and payment-term lines. */
  createInvoice(
    tx: Tx,
    s: InvoiceSpec,
    moveId?: number,
  ): { moveId: number; termLineIds: number[] } {
    const sign = SIGN[s.moveType];
    const prodSign = -sign;
    const c = s.company;
    const journalId = c.journals[JOURNAL_OF[s.moveType]];
    const isOut = s.moveType.startsWith('out');
    const termAccount = isOut ? c.accounts.receivable : c.accounts.payable;
    const taxAccount = isOut ? c.accounts.tax_out : c.accounts.tax_in;
    const name = s.state === 'draft' ? '/' : this.nextName(PREFIX[s.moveType], s.date);
    let untaxedFc = 0;
    let untaxedCo = 0;
    const lines: Omit<LineSpec, 'moveId'>[] = [];
    for (const l of s.lines) {
      const fc = Math.round(l.quantity * l.priceCents);
      const co = s.rate === 1 ? fc : Math.round(fc / s.rate);
      untaxedFc += fc;
      untaxedCo += co;
      lines.push({
        accountId: l.accountId,
        partnerId: s.partnerId,
        name: l.name,
        displayType: 'product',
        quantity: l.quantity,
        priceUnit: l.priceCents / 100,
        balance: prodSign * co,
        amountCurrency: prodSign * fc,
        maturity: NO_DATE,
      });
    }
    const taxFc = Math.round(untaxedFc * c.taxRate);
    const taxCo = s.rate === 1 ? taxFc : Math.round(taxFc / s.rate);
    if (taxFc) {
      lines.push({
        accountId: taxAccount,
        partnerId: s.partnerId,
        name: `Tax ${Math.round(c.taxRate * 100)}%`,
        displayType: 'tax',
        quantity: 0,
        priceUnit: 0,
        balance: prodSign * taxCo,
        amountCurrency: prodSign * taxFc,
        maturity: NO_DATE,
      });
    }
    const totalFc = untaxedFc + taxFc;
    const totalCo = untaxedCo + taxCo;
    let restFc = totalFc;
    let restCo = totalCo;
    s.terms.forEach((term, i) => {
      const last = i === s.terms.length - 1;
      const fc = last ? restFc : Math.round(totalFc * term.fraction);
      const co = last ? restCo : Math.round(totalCo * term.fraction);
      restFc -= fc;
      restCo -= co;
      lines.push({
        accountId: termAccount,
        partnerId: s.partnerId,
        name: name === '/' ? '' : s.terms.length > 1 ? `${name} installment #${i + 1}` : name,
        displayType: 'payment_term',
        quantity: 0,
        priceUnit: 0,
        balance: sign * co,
        amountCurrency: sign * fc,
        maturity: s.date + term.days,
      });
    });
    const maxDue = s.date + Math.max(...s.terms.map((x) => x.days));
    const mid = this.insertMove(tx, {
      id: moveId,
      name,
      moveType: s.moveType,
      state: s.state,
      company: c,
      journalId,
      partnerId: s.partnerId,
      currencyId: s.currencyId,
      date: s.date,
      invoiceDate: s.date,
      dueDate: maxDue,
      ref: s.ref ?? false,
      origin: s.origin ?? false,
      amountUntaxed: untaxedFc,
      amountTax: taxFc,
      amountTotal: totalFc,
      untaxedSigned: sign * untaxedCo * (isOut ? 1 : -1) * (isOut ? 1 : -1),
      totalSigned: sign * totalCo,
      reversedEntryId: s.reversedEntryId ?? 0,
    });
    const termLineIds: number[] = [];
    const lt = this.t('account.move.line');
    for (const l of lines) {
      const id = this.insertLine(tx, { ...l, moveId: mid });
      if (l.displayType === 'payment_term') termLineIds.push(id);
    }
    this.refreshMove(
      tx,
      mid,
      false,
      termLineIds.map((id) => lt.pos(id)),
    );
    return { moveId: mid, termLineIds };
  }

  /** A miscellaneous journal entry (balanced by the caller). */
  createEntry(
    tx: Tx,
    c: CompanyBooks,
    date: number,
    lines: EntryLine[],
    state: 'draft' | 'posted',
    ref: string,
  ): number {
    const total = lines.reduce((s, l) => s + Math.max(0, l.balanceCents), 0);
    const name = state === 'posted' ? this.nextName('MISC', date) : '/';
    const mid = this.insertMove(tx, {
      name,
      moveType: 'entry',
      state,
      company: c,
      journalId: c.journals.misc,
      partnerId: 0,
      currencyId: c.currencyId,
      date,
      invoiceDate: NO_DATE,
      dueDate: NO_DATE,
      ref,
      origin: false,
      amountUntaxed: total,
      amountTax: 0,
      amountTotal: total,
      untaxedSigned: total,
      totalSigned: total,
      reversedEntryId: 0,
    });
    for (const l of lines) {
      this.insertLine(tx, {
        moveId: mid,
        accountId: l.accountId,
        partnerId: l.partnerId ?? 0,
        name: l.name,
        displayType: 'product',
        quantity: 0,
        priceUnit: 0,
        balance: l.balanceCents,
        amountCurrency: l.balanceCents,
        maturity: NO_DATE,
      });
    }
    this.refreshMove(tx, mid, false);
    return mid;
  }

  private insertMove(tx: Tx, m: MoveSpec): number {
    const t = this.t('account.move');
    const pos = tx.insertRaw('account.move', m.id);
    const d = (c: string) => t.col(c).data as any;
    const foreignRate = 1;
    void foreignRate;
    d('name')[pos] = m.name;
    d('ref')[pos] = m.ref;
    d('date')[pos] = m.date;
    d('state')[pos] = m.state;
    d('move_type')[pos] = m.moveType;
    d('journal_id')[pos] = m.journalId;
    d('company_id')[pos] = m.company.id;
    d('currency_id')[pos] = m.currencyId;
    d('partner_id')[pos] = m.partnerId;
    d('commercial_partner_id')[pos] = m.partnerId;
    d('invoice_date')[pos] = m.invoiceDate;
    d('invoice_date_due')[pos] = m.dueDate;
    d('invoice_origin')[pos] = m.origin;
    d('payment_reference')[pos] = m.moveType === 'entry' || m.name === '/' ? false : m.name;
    d('amount_untaxed')[pos] = m.amountUntaxed / 100;
    d('amount_tax')[pos] = m.amountTax / 100;
    d('amount_total')[pos] = m.amountTotal / 100;
    d('amount_residual')[pos] = 0;
    d('amount_untaxed_signed')[pos] = m.untaxedSigned / 100;
    d('amount_total_signed')[pos] = m.totalSigned / 100;
    d('amount_residual_signed')[pos] = 0;
    d('payment_state')[pos] = 'not_paid';
    d('reversed_entry_id')[pos] = m.reversedEntryId;
    return t.ids[pos];
  }

  private insertLine(tx: Tx, l: LineSpec): number {
    const t = this.t('account.move.line');
    const mt = this.t('account.move');
    const mpos = mt.pos(l.moveId);
    const m = (c: string) => (mt.col(c).data as any)[mpos];
    const pos = tx.insertRaw('account.move.line');
    const d = (c: string) => t.col(c).data as any;
    const meta = this.accountMeta.get(l.accountId) ?? { type: 'asset_current', reconcile: false };
    const company = this.companyOf(m('company_id'));
    d('move_id')[pos] = l.moveId;
    d('move_name')[pos] = m('name');
    d('date')[pos] = m('date');
    d('ref')[pos] = m('ref');
    d('parent_state')[pos] = m('state');
    d('journal_id')[pos] = m('journal_id');
    d('company_id')[pos] = company.id;
    d('company_currency_id')[pos] = company.currencyId;
    d('account_id')[pos] = l.accountId;
    d('partner_id')[pos] = l.partnerId;
    d('name')[pos] = l.name || false;
    d('display_type')[pos] = l.displayType;
    d('quantity')[pos] = l.quantity;
    d('price_unit')[pos] = l.priceUnit;
    d('debit')[pos] = l.balance > 0 ? l.balance / 100 : 0;
    d('credit')[pos] = l.balance < 0 ? -l.balance / 100 : 0;
    d('balance')[pos] = l.balance / 100;
    d('amount_currency')[pos] = l.amountCurrency / 100;
    d('currency_id')[pos] = m('currency_id');
    const tracked = meta.reconcile || meta.type === 'asset_cash';
    d('amount_residual')[pos] = tracked ? l.balance / 100 : 0;
    d('amount_residual_currency')[pos] = tracked ? l.amountCurrency / 100 : 0;
    d('reconciled')[pos] = 0;
    d('date_maturity')[pos] = l.maturity;
    d('invoice_date')[pos] = m('invoice_date');
    d('payment_id')[pos] = m(this.store.version >= 19 ? 'origin_payment_id' : 'payment_id');
    d('account_type')[pos] = meta.type;
    return t.ids[pos];
  }

  /** Term (receivable/payable) lines of a move, by position. */
  termLines(moveId: number): number[] {
    const t = this.t('account.move.line');
    const ids = this.store.inverse('account.move.line', 'move_id').get(moveId) ?? [];
    const dt = t.col('display_type').data as (string | false)[];
    return ids.map((id) => t.pos(id)).filter((p) => p >= 0 && dt[p] === 'payment_term');
  }

  /** Recomputes amount_residual(_signed) and payment_state of an invoice (an ORM write). */
  refreshMove(tx: Tx, moveId: number, touch = true, termPositions?: number[]): void {
    const mt = this.t('account.move');
    const lt = this.t('account.move.line');
    const mpos = mt.pos(moveId);
    if (mpos < 0) return;
    const md = (c: string) => mt.col(c).data as any;
    const type = md('move_type')[mpos] as string;
    if (type === 'entry') return;
    const terms = termPositions ?? this.termLines(moveId);
    const res = lt.col('amount_residual').data as Float64Array;
    const resCur = lt.col('amount_residual_currency').data as Float64Array;
    let co = 0;
    let fc = 0;
    for (const p of terms) {
      co += cents(res[p]);
      fc += cents(resCur[p]);
    }
    const total = cents(md('amount_total')[mpos]);
    const state = md('state')[mpos];
    const ps =
      state !== 'posted'
        ? 'not_paid'
        : fc === 0
          ? 'paid'
          : Math.abs(fc) < total
            ? 'partial'
            : 'not_paid';
    const sign = SIGN[type] ?? 1;
    md('amount_residual')[mpos] = Math.abs(fc) / 100;
    md('amount_residual_signed')[mpos] = (sign * Math.abs(co)) / 100;
    md('payment_state')[mpos] = ps;
    mt.version++;
    if (touch) tx.touch(mt, mpos);
  }

  /**
   * Registers a payment against an invoice's open installments (oldest due first).
   * `amountFcCents` defaults to the whole open amount. Returns the payment id.
   */
  pay(
    tx: Tx,
    moveId: number,
    date: number,
    amountFcCents?: number,
    termPositions?: number[],
  ): number {
    const mt = this.t('account.move');
    const lt = this.t('account.move.line');
    const mpos = mt.pos(moveId);
    const md = (c: string) => (mt.col(c).data as any)[mpos];
    const c = this.companyOf(md('company_id'));
    const type = md('move_type') as string;
    const sign = SIGN[type];
    const terms = (termPositions ?? this.termLines(moveId)).filter(
      (p) => cents((lt.col('amount_residual_currency').data as Float64Array)[p]) !== 0,
    );
    if (!terms.length) throw new Error(`Books.pay: move ${moveId} has nothing to pay`);
    const matur = lt.col('date_maturity').data as Int32Array;
    terms.sort((a, b) => matur[a] - matur[b]);
    let resCo = lt.col('amount_residual').data as Float64Array;
    let resFc = lt.col('amount_residual_currency').data as Float64Array;
    const openFc = terms.reduce((s, p) => s + Math.abs(cents(resFc[p])), 0);
    const openCo = terms.reduce((s, p) => s + Math.abs(cents(resCo[p])), 0);
    const payFc = Math.min(amountFcCents ?? openFc, openFc);
    // Odoo refuses a payment of nothing; dividing by it below would write NaN amounts.
    if (payFc <= 0 || openFc === 0) throw new Error(`Books.pay: nothing to pay on move ${moveId}`);
    const payCo = payFc === openFc ? openCo : Math.round((payFc * openCo) / openFc);
    const inbound = sign > 0;
    const name = this.nextName(c.journals.bank === md('journal_id') ? 'BNK2' : 'BNK1', date);
    // The payment, its move, then the lines (liquidity + counterpart).
    const paymentId = this.store.nextId('account.payment');
    const pt = this.t('account.payment');
    const moveIdNew = this.insertMove(tx, {
      name,
      moveType: 'entry',
      state: 'posted',
      company: c,
      journalId: c.journals.bank,
      partnerId: md('partner_id'),
      currencyId: md('currency_id'),
      date,
      invoiceDate: NO_DATE,
      dueDate: NO_DATE,
      ref: md('name'),
      origin: false,
      amountUntaxed: payFc,
      amountTax: 0,
      amountTotal: payFc,
      untaxedSigned: payCo,
      totalSigned: payCo,
      reversedEntryId: 0,
    });
    const newMpos = mt.pos(moveIdNew);
    (mt.col(this.store.version >= 19 ? 'origin_payment_id' : 'payment_id').data as Int32Array)[
      newMpos
    ] = paymentId;
    const ppos = tx.insertRaw('account.payment', paymentId);
    const pd = (col: string) => pt.col(col).data as any;
    pd('name')[ppos] = name;
    pd('move_id')[ppos] = moveIdNew;
    pd('date')[ppos] = date;
    pd('amount')[ppos] = payFc / 100;
    pd('payment_type')[ppos] = inbound ? 'inbound' : 'outbound';
    pd('partner_type')[ppos] = type.startsWith('out') ? 'customer' : 'supplier';
    pd('partner_id')[ppos] = md('partner_id');
    pd('journal_id')[ppos] = c.journals.bank;
    pd('company_id')[ppos] = c.id;
    pd('currency_id')[ppos] = md('currency_id');
    pd('state')[ppos] = this.store.version >= 19 ? 'in_process' : 'posted';
    pd(this.store.version >= 19 ? 'memo' : 'ref')[ppos] = md('name');
    const termAccount = (lt.col('account_id').data as Int32Array)[terms[0]];
    this.insertLine(tx, {
      moveId: moveIdNew,
      accountId: inbound ? c.accounts.outstanding_in : c.accounts.outstanding_out,
      partnerId: md('partner_id'),
      name: `Payment ${md('name')}`,
      displayType: 'product',
      quantity: 0,
      priceUnit: 0,
      balance: sign * payCo,
      amountCurrency: sign * payFc,
      maturity: date,
    });
    const counterId = this.insertLine(tx, {
      moveId: moveIdNew,
      accountId: termAccount,
      partnerId: md('partner_id'),
      name: `Payment ${md('name')}`,
      displayType: 'payment_term',
      quantity: 0,
      priceUnit: 0,
      balance: -sign * payCo,
      amountCurrency: -sign * payFc,
      maturity: date,
    });
    const counterPos = lt.pos(counterId);
    // Inserting the payment's lines may have grown the table into new arrays: read them again
    // (through the old ones the counterpart's residual was undefined, so NaN amounts).
    resCo = lt.col('amount_residual').data as Float64Array;
    resFc = lt.col('amount_residual_currency').data as Float64Array;
    for (const p of terms) {
      const leftCo = Math.abs(cents(resCo[counterPos]));
      const leftFc = Math.abs(cents(resFc[counterPos]));
      if (leftFc === 0) break;
      const lineFc = Math.abs(cents(resFc[p]));
      const lineCo = Math.abs(cents(resCo[p]));
      const fc = Math.min(lineFc, leftFc);
      const co =
        fc === lineFc
          ? Math.min(lineCo, leftCo)
          : fc === leftFc
            ? leftCo
            : Math.round((fc * lineCo) / lineFc);
      if (inbound) this.reconcile(tx, lt.ids[p], counterId, co, fc, fc);
      else this.reconcile(tx, counterId, lt.ids[p], co, fc, fc);
    }
    this.refreshMove(tx, moveId, true, termPositions);
    this.refreshPayment(tx, paymentId, [counterPos]);
    return paymentId;
  }

  private refreshPayment(tx: Tx, paymentId: number, termPositions?: number[]): void {
    const pt = this.t('account.payment');
    const ppos = pt.pos(paymentId);
    if (ppos < 0) return;
    const moveId = (pt.col('move_id').data as Int32Array)[ppos];
    const lt = this.t('account.move.line');
    const terms = termPositions ?? this.termLines(moveId);
    const rec = lt.col('reconciled').data as Uint8Array;
    const done = terms.length > 0 && terms.every((p) => rec[p] === 1);
    (pt.col('is_reconciled').data as Uint8Array)[ppos] = done ? 1 : 0;
    if (this.store.version >= 19)
      (pt.col('state').data as any)[ppos] = done ? 'paid' : 'in_process';
    pt.version++;
    tx.touch(pt, ppos);
  }

  /**
   * Creates a partial reconcile of `amountCents` (company currency) between a debit and a
   * credit line, updates both residuals (ORM, bumps write_date), then renumbers the whole
   * matching graph and creates the full reconcile when every line is settled (raw SQL, no
   * write_date bump on lines).
   */
  reconcile(
    tx: Tx,
    debitLineId: number,
    creditLineId: number,
    amountCents?: number,
    debitFcCents?: number,
    creditFcCents?: number,
  ): number {
    const lt = this.t('account.move.line');
    const dp = lt.pos(debitLineId);
    const cp = lt.pos(creditLineId);
    if (dp < 0 || cp < 0)
      throw new Error(`Books.reconcile: missing line ${dp < 0 ? debitLineId : creditLineId}`);
    const resCo = lt.col('amount_residual').data as Float64Array;
    const resFc = lt.col('amount_residual_currency').data as Float64Array;
    const amount = amountCents ?? Math.min(cents(resCo[dp]), -cents(resCo[cp]));
    const dFc = debitFcCents ?? Math.round((amount * cents(resFc[dp])) / (cents(resCo[dp]) || 1));
    const cFc =
      creditFcCents ?? Math.round((amount * -cents(resFc[cp])) / (-cents(resCo[cp]) || 1));
    // Never a partial of no number: Odoo's numeric columns cannot hold NaN.
    if (!Number.isFinite(amount) || !Number.isFinite(dFc) || !Number.isFinite(cFc)) {
      throw new Error(
        `Books.reconcile: amounts of lines ${debitLineId}/${creditLineId} are not numbers`,
      );
    }
    const pt = this.t('account.partial.reconcile');
    const ppos = tx.insertRaw('account.partial.reconcile');
    const partialId = pt.ids[ppos];
    const pd = (c: string) => pt.col(c).data as any;
    const ld = (c: string) => lt.col(c).data as any;
    pd('debit_move_id')[ppos] = debitLineId;
    pd('credit_move_id')[ppos] = creditLineId;
    pd('amount')[ppos] = amount / 100;
    pd('debit_amount_currency')[ppos] = dFc / 100;
    pd('credit_amount_currency')[ppos] = cFc / 100;
    pd('debit_currency_id')[ppos] = ld('currency_id')[dp];
    pd('credit_currency_id')[ppos] = ld('currency_id')[cp];
    pd('company_currency_id')[ppos] = ld('company_currency_id')[dp];
    pd('company_id')[ppos] = ld('company_id')[dp];
    pd('max_date')[ppos] = Math.max(ld('date')[dp], ld('date')[cp]);
    for (const id of [debitLineId, creditLineId]) {
      const arr = this.linePartials.get(id);
      if (arr) arr.push(partialId);
      else this.linePartials.set(id, [partialId]);
    }
    resCo[dp] = (cents(resCo[dp]) - amount) / 100;
    resFc[dp] = (cents(resFc[dp]) - dFc) / 100;
    resCo[cp] = (cents(resCo[cp]) + amount) / 100;
    resFc[cp] = (cents(resFc[cp]) + cFc) / 100;
    const rec = ld('reconciled') as Uint8Array;
    rec[dp] = cents(resCo[dp]) === 0 && cents(resFc[dp]) === 0 ? 1 : 0;
    rec[cp] = cents(resCo[cp]) === 0 && cents(resFc[cp]) === 0 ? 1 : 0;
    lt.version++;
    tx.touch(lt, dp);
    tx.touch(lt, cp);
    this.renumber(tx, debitLineId);
    return partialId;
  }

  /**
   * Walks the matching graph from a line; creates the full reconcile when all are settled
   * (unless `createFull` is false).
   */
  renumber(tx: Tx, startLineId: number, createFull = true): { lineIds: number[]; fullId: number } {
    const lt = this.t('account.move.line');
    const pt = this.t('account.partial.reconcile');
    const lines = new Set<number>([startLineId]);
    const partials = new Set<number>();
    const queue = [startLineId];
    const pDebit = pt.col('debit_move_id').data as Int32Array;
    const pCredit = pt.col('credit_move_id').data as Int32Array;
    while (queue.length) {
      const id = queue.pop()!;
      for (const pid of this.linePartials.get(id) ?? []) {
        const pp = pt.pos(pid);
        if (pp < 0 || partials.has(pid)) continue;
        partials.add(pid);
        for (const other of [pDebit[pp], pCredit[pp]]) {
          if (!lines.has(other)) {
            lines.add(other);
            queue.push(other);
          }
        }
      }
    }
    const rec = lt.col('reconciled').data as Uint8Array;
    const full = lt.col('full_reconcile_id').data as Int32Array;
    const matching = lt.col('matching_number').data as (string | false)[];
    const positions = [...lines].map((id) => lt.pos(id)).filter((p) => p >= 0);
    const settled = positions.every((p) => rec[p] === 1);
    let fullId = 0;
    if (settled && partials.size) {
      const existing = positions.map((p) => full[p]).find((x) => x);
      if (existing) fullId = existing;
      else if (createFull) {
        const fpos = tx.insertRaw('account.full.reconcile');
        fullId = this.t('account.full.reconcile').ids[fpos];
      }
      const pFull = pt.col('full_reconcile_id').data as Int32Array;
      for (const pid of partials) {
        const pp = pt.pos(pid);
        // Raw SQL in Odoo 17+, like the lines' full_reconcile_id: write_date untouched.
        pFull[pp] = fullId;
      }
    }
    const number = fullId ? String(fullId) : partials.size ? `P${Math.min(...partials)}` : false;
    for (const p of positions) {
      full[p] = fullId; // raw SQL in Odoo 17+: write_date untouched
      matching[p] = number;
    }
    lt.version++;
    pt.version++;
    return { lineIds: [...lines], fullId };
  }

  /** Sets full_reconcile_id/matching_number on lines without touching write_date. */
  forceFullReconcile(tx: Tx, lineIds: number[]): number {
    const lt = this.t('account.move.line');
    const fpos = tx.insertRaw('account.full.reconcile');
    const fullId = this.t('account.full.reconcile').ids[fpos];
    const full = lt.col('full_reconcile_id').data as Int32Array;
    const matching = lt.col('matching_number').data as (string | false)[];
    for (const id of lineIds) {
      const p = lt.pos(id);
      if (p < 0) throw new Error(`Books.forceFullReconcile: missing line ${id}`);
      full[p] = fullId;
      matching[p] = String(fullId);
    }
    lt.version++;
    return fullId;
  }

  /** Changes a move's state and its lines' parent_state (ORM write: bumps both). */
  setMoveState(tx: Tx, moveId: number, state: 'draft' | 'posted' | 'cancel'): void {
    const mt = this.t('account.move');
    const lt = this.t('account.move.line');
    const mpos = mt.pos(moveId);
    if (mpos < 0) throw new Error(`Books.setMoveState: missing move ${moveId}`);
    const md = (c: string) => mt.col(c).data as any;
    md('state')[mpos] = state;
    if (state === 'posted' && (md('name')[mpos] === '/' || !md('name')[mpos])) {
      const type = md('move_type')[mpos] as string;
      md('name')[mpos] = this.nextName(PREFIX[type] ?? 'MISC', md('date')[mpos]);
      if (type !== 'entry') md('payment_reference')[mpos] = md('name')[mpos];
    }
    tx.touch(mt, mpos);
    const ids = this.store.inverse('account.move.line', 'move_id').get(moveId) ?? [];
    for (const id of ids) {
      const p = lt.pos(id);
      if (p < 0) continue;
      (lt.col('parent_state').data as any)[p] = state;
      (lt.col('move_name').data as any)[p] = md('name')[mpos];
      tx.touch(lt, p);
    }
    lt.version++;
    this.refreshMove(tx, moveId, true);
  }

  /** Deletes a draft (or cancelled) move with its lines, as the ORM does. */
  deleteDraft(tx: Tx, moveId: number): void {
    this.unlink(tx, 'account.move', [moveId]);
  }

  /**
   * Odoo's unlink with the accounting side effects: a move takes its lines (ondelete
   * cascade on move_id) and its payment; lines are unreconciled first (their partials go,
   * the full reconciles of those partials go, the other side's residuals, reconciled flag,
   * matching number and its move's payment_state are recomputed, with write_date bumped on
   * what the ORM writes); a full reconcile left without lines goes. Lines of posted entries
   * are refused with Odoo's UserError unless `force`.
   */
  unlink(tx: Tx, model: string, ids: number[], opts: UnlinkOptions = {}): void {
    switch (model) {
      case 'account.move':
        this.unlinkMoves(tx, ids, opts);
        return;
      case 'account.move.line':
        this.unlinkLines(tx, ids, opts);
        return;
      case 'account.payment': {
        const pt = this.t('account.payment');
        const moveCol = pt.col('move_id').data as Int32Array;
        const moves: number[] = [];
        for (const id of ids) {
          const p = pt.pos(id);
          if (p >= 0 && moveCol[p]) moves.push(moveCol[p]);
        }
        this.checkNotPosted(moves, opts);
        tx.removeRaw('account.payment', ids);
        this.unlinkMoves(tx, moves, opts);
        return;
      }
      case 'account.partial.reconcile':
        this.unreconcile(tx, ids, new Set());
        return;
      case 'account.full.reconcile':
        this.dropFullReconciles(tx, ids);
        return;
      default:
        tx.removeRaw(model, ids);
    }
  }

  private checkNotPosted(moveIds: Iterable<number>, opts: UnlinkOptions): void {
    if (opts.force) return;
    const mt = this.t('account.move');
    const state = mt.col('state').data as (string | false)[];
    for (const id of moveIds) {
      const p = mt.pos(id);
      if (p >= 0 && state[p] === 'posted') {
        throw new OdooError('UserError', 'You cannot delete an item linked to a posted entry.');
      }
    }
  }

  private unlinkMoves(tx: Tx, ids: number[], opts: UnlinkOptions): void {
    const mt = this.t('account.move');
    const moves = ids.filter((id) => mt.pos(id) >= 0);
    if (!moves.length) return;
    this.checkNotPosted(moves, opts);
    const byMove = this.store.inverse('account.move.line', 'move_id');
    const lines = moves.flatMap((id) => byMove.get(id) ?? []);
    this.removeLines(tx, lines);
    // account.payment.move_id is ondelete='cascade' too.
    const payCol = mt.col(this.store.version >= 19 ? 'origin_payment_id' : 'payment_id')
      .data as Int32Array;
    const payments = moves.map((id) => payCol[mt.pos(id)]).filter((x) => x);
    const pt = this.t('account.payment');
    const pMove = pt.col('move_id').data as Int32Array;
    const gone = new Set(moves);
    tx.removeRaw(
      'account.payment',
      payments.filter((pid) => {
        const p = pt.pos(pid);
        return p >= 0 && gone.has(pMove[p]);
      }),
    );
    tx.removeRaw('account.move', moves);
  }

  private unlinkLines(tx: Tx, ids: number[], opts: UnlinkOptions): void {
    const lt = this.t('account.move.line');
    const moveCol = lt.col('move_id').data as Int32Array;
    const live = ids.filter((id) => lt.pos(id) >= 0);
    if (!live.length) return;
    const moves = new Set(live.map((id) => moveCol[lt.pos(id)]));
    this.checkNotPosted(moves, opts);
    this.removeLines(tx, live);
    for (const m of moves) this.refreshMove(tx, m, true);
  }

  /** Unreconciles then removes lines; drops full reconciles left without lines. */
  private removeLines(tx: Tx, ids: number[]): void {
    if (!ids.length) return;
    const lt = this.t('account.move.line');
    const dead = new Set(ids);
    const pt = this.t('account.partial.reconcile');
    const pDebit = pt.col('debit_move_id').data as Int32Array;
    const pCredit = pt.col('credit_move_id').data as Int32Array;
    const partials: number[] = [];
    for (let p = 0; p < pt.n; p++) {
      if (pt.alive[p] && (dead.has(pDebit[p]) || dead.has(pCredit[p]))) partials.push(pt.ids[p]);
    }
    this.unreconcile(tx, partials, dead);
    const full = lt.col('full_reconcile_id').data as Int32Array;
    const fulls = new Set<number>();
    for (const id of ids) {
      const p = lt.pos(id);
      if (p >= 0 && full[p]) fulls.add(full[p]);
    }
    tx.removeRaw('account.move.line', ids);
    for (const id of ids) this.linePartials.delete(id);
    if (fulls.size) {
      for (let p = 0; p < lt.n; p++) if (lt.alive[p] && full[p]) fulls.delete(full[p]);
      tx.removeRaw('account.full.reconcile', [...fulls]);
    }
  }

  /**
   * Deletes partial reconciles like `account.partial.reconcile.unlink`: the residuals of the
   * lines that stay (not in `dead`) come back, their full reconciles are deleted, and the
   * matching graphs are renumbered; moves and payments touched are recomputed.
   */
  unreconcile(tx: Tx, partialIds: number[], dead: Set<number>): void {
    const pt = this.t('account.partial.reconcile');
    const lt = this.t('account.move.line');
    const pd = (c: string) => pt.col(c).data as any;
    const live = partialIds.filter((id) => pt.pos(id) >= 0);
    if (!live.length) return;
    // Every line of the matching graphs involved (before they split).
    const graph = new Set<number>();
    for (const pid of live) {
      const pp = pt.pos(pid);
      for (const id of [pd('debit_move_id')[pp], pd('credit_move_id')[pp]]) {
        if (!graph.has(id)) for (const x of this.component(id)) graph.add(x);
      }
    }
    const resCo = lt.col('amount_residual').data as Float64Array;
    const resFc = lt.col('amount_residual_currency').data as Float64Array;
    const rec = lt.col('reconciled').data as Uint8Array;
    const fulls = new Set<number>();
    const touched = new Set<number>();
    for (const pid of live) {
      const pp = pt.pos(pid);
      const amount = cents(pd('amount')[pp]);
      const sides: [number, number, number][] = [
        [pd('debit_move_id')[pp], amount, cents(pd('debit_amount_currency')[pp])],
        [pd('credit_move_id')[pp], -amount, -cents(pd('credit_amount_currency')[pp])],
      ];
      if (pd('full_reconcile_id')[pp]) fulls.add(pd('full_reconcile_id')[pp]);
      for (const [lineId, co, fc] of sides) {
        const arr = this.linePartials.get(lineId);
        if (arr) {
          const i = arr.indexOf(pid);
          if (i >= 0) arr.splice(i, 1);
        }
        if (dead.has(lineId)) continue;
        const p = lt.pos(lineId);
        if (p < 0) continue;
        resCo[p] = (cents(resCo[p]) + co) / 100;
        resFc[p] = (cents(resFc[p]) + fc) / 100;
        rec[p] = cents(resCo[p]) === 0 && cents(resFc[p]) === 0 ? 1 : 0;
        tx.touch(lt, p);
        touched.add(lineId);
      }
      tx.removeRaw('account.partial.reconcile', [pid]);
    }
    lt.version++;
    // The full reconciles of deleted partials go (lines and partials: ondelete set null).
    this.clearFulls(graph, fulls);
    tx.removeRaw('account.full.reconcile', [...fulls]);
    const done = new Set<number>();
    for (const id of graph) {
      if (done.has(id) || dead.has(id) || lt.pos(id) < 0) continue;
      for (const x of this.renumber(tx, id).lineIds) done.add(x);
    }
    this.refreshAfterUnreconcile(tx, touched);
  }

  /** Deletes full reconciles (lines and partials keep their partial matching). */
  private dropFullReconciles(tx: Tx, ids: number[]): void {
    const lt = this.t('account.move.line');
    const full = lt.col('full_reconcile_id').data as Int32Array;
    const fulls = new Set(ids);
    const graph = new Set<number>();
    for (let p = 0; p < lt.n; p++) if (lt.alive[p] && fulls.has(full[p])) graph.add(lt.ids[p]);
    this.clearFulls(graph, fulls);
    tx.removeRaw('account.full.reconcile', ids);
    const done = new Set<number>();
    for (const id of graph) {
      if (done.has(id)) continue;
      for (const x of this.renumber(tx, id, false).lineIds) done.add(x);
    }
  }

  private clearFulls(lineIds: Iterable<number>, fulls: Set<number>): void {
    if (!fulls.size) return;
    const lt = this.t('account.move.line');
    const pt = this.t('account.partial.reconcile');
    const full = lt.col('full_reconcile_id').data as Int32Array;
    const pFull = pt.col('full_reconcile_id').data as Int32Array;
    for (const id of lineIds) {
      const p = lt.pos(id);
      if (p >= 0 && fulls.has(full[p])) full[p] = 0;
      for (const pid of this.linePartials.get(id) ?? []) {
        const pp = pt.pos(pid);
        if (pp >= 0 && fulls.has(pFull[pp])) pFull[pp] = 0;
      }
    }
    lt.version++;
    pt.version++;
  }

  /** Line ids of the matching graph holding `lineId` (itself included). */
  private component(lineId: number): Set<number> {
    const pt = this.t('account.partial.reconcile');
    const pDebit = pt.col('debit_move_id').data as Int32Array;
    const pCredit = pt.col('credit_move_id').data as Int32Array;
    const lines = new Set([lineId]);
    const queue = [lineId];
    while (queue.length) {
      const id = queue.pop()!;
      for (const pid of this.linePartials.get(id) ?? []) {
        const pp = pt.pos(pid);
        if (pp < 0) continue;
        for (const other of [pDebit[pp], pCredit[pp]]) {
          if (!lines.has(other)) {
            lines.add(other);
            queue.push(other);
          }
        }
      }
    }
    return lines;
  }

  /** Residual-driven fields of the moves (and payments) whose lines got residuals back. */
  private refreshAfterUnreconcile(tx: Tx, lineIds: Set<number>): void {
    const lt = this.t('account.move.line');
    const mt = this.t('account.move');
    const moveCol = lt.col('move_id').data as Int32Array;
    const payCol = mt.col(this.store.version >= 19 ? 'origin_payment_id' : 'payment_id')
      .data as Int32Array;
    const moves = new Set<number>();
    for (const id of lineIds) {
      const p = lt.pos(id);
      if (p >= 0) moves.add(moveCol[p]);
    }
    for (const m of moves) {
      this.refreshMove(tx, m, true);
      const mp = mt.pos(m);
      if (mp >= 0 && payCol[mp]) this.refreshPayment(tx, payCol[mp]);
    }
  }
}

interface LineSpec {
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

interface MoveSpec {
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
