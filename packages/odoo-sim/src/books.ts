import { hasPendingPayment, pay, payWithoutMove, refreshPayment } from './books-payments.ts';
import { forceFullReconcile, reconcile, renumber, unreconcile } from './books-reconcile.ts';
import type { CompanyBooks, EntryLine, InvoiceSpec, LineSpec, MoveSpec } from './books-types.ts';
import { unlink } from './books-unlink.ts';
import type { Store, Tx } from './store.ts';
import { NO_DATE, type Table } from './table.ts';

/** A function's parameters after the Books it works on. */
type Rest<F> = F extends (b: Books, ...rest: infer R) => unknown ? R : never;

/**
 * Accounting operations with Odoo's bookkeeping side effects: balanced journal entries,
 * payments, partial/full reconciliations that move residuals and payment_state (ORM writes,
 * bumping write_date) and set full_reconcile_id/matching_number on lines by "raw SQL" (no
 * write_date bump, as in Odoo 17+). Amounts are integer cents internally.
 */
export type {
  AccountRole,
  CompanyBooks,
  EntryLine,
  InvoiceSpec,
  ProductLine,
} from './books-types.ts';
export const cents = (x: number) => Math.round(x * 100);
export const SIGN: Record<string, number> = {
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
  /** @internal */
  linePartials = new Map<number, number[]>();
  sequences = new Map<string, number>();
  accountMeta = new Map<number, { type: string; reconcile: boolean }>();
  constructor(readonly store: Store) {
    // Every ORM/control/activity unlink goes through Odoo's accounting rules.
    store.unlinkHandler = (tx, model, ids, opts) => unlink(this, tx, model, ids, opts);
  }

  t(model: string): Table {
    return this.store.table(model);
  }

  registerAccount(id: number, type: string, reconcile: boolean): void {
    this.accountMeta.set(id, { type, reconcile });
  }

  nextName(prefix: string, date: number): string {
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

  insertMove(tx: Tx, m: MoveSpec): number {
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

  insertLine(tx: Tx, l: LineSpec): number {
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
    d('payment_id')[pos] = m(this.store.traits.payments18 ? 'origin_payment_id' : 'payment_id');
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
          : hasPendingPayment(this, mpos)
            ? 'in_payment'
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
    unlink(this, tx, 'account.move', [moveId]);
  }

  pay(...a: Rest<typeof pay>): ReturnType<typeof pay> {
    return pay(this, ...a);
  }

  payWithoutMove(...a: Rest<typeof payWithoutMove>): ReturnType<typeof payWithoutMove> {
    return payWithoutMove(this, ...a);
  }

  refreshPayment(...a: Rest<typeof refreshPayment>): ReturnType<typeof refreshPayment> {
    return refreshPayment(this, ...a);
  }

  reconcile(...a: Rest<typeof reconcile>): ReturnType<typeof reconcile> {
    return reconcile(this, ...a);
  }

  renumber(...a: Rest<typeof renumber>): ReturnType<typeof renumber> {
    return renumber(this, ...a);
  }

  forceFullReconcile(...a: Rest<typeof forceFullReconcile>): ReturnType<typeof forceFullReconcile> {
    return forceFullReconcile(this, ...a);
  }

  unreconcile(...a: Rest<typeof unreconcile>): ReturnType<typeof unreconcile> {
    return unreconcile(this, ...a);
  }

  unlink(...a: Rest<typeof unlink>): ReturnType<typeof unlink> {
    return unlink(this, ...a);
  }
}
