import { type Books, cents, SIGN } from './books.ts';
import { reconcile } from './books-reconcile.ts';
import type { Tx } from './store.ts';
import { NO_DATE } from './table.ts';

/**
 * Payments registered on invoices: a payment with its journal entry (liquidity and
 * counterpart lines) reconciled against the invoice's open installments, and from 18 a
 * payment without journal entry (a journal with no outstanding account) that only links the
 * invoice (reference §6.4).
 */
/**
 * Registers a payment against an invoice's open installments (oldest due first).
 * `amountFcCents` defaults to the whole open amount. Returns the payment id.
 */
export function pay(
  b: Books,

  tx: Tx,
  moveId: number,
  date: number,
  amountFcCents?: number,
  termPositions?: number[],
): number {
  const mt = b.t('account.move');
  const lt = b.t('account.move.line');
  const mpos = mt.pos(moveId);
  const md = (c: string) => (mt.col(c).data as any)[mpos];
  const c = b.companyOf(md('company_id'));
  const type = md('move_type') as string;
  const sign = SIGN[type];
  const terms = (termPositions ?? b.termLines(moveId)).filter(
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
  const name = b.nextName(c.journals.bank === md('journal_id') ? 'BNK2' : 'BNK1', date);
  // The payment, its move, then the lines (liquidity + counterpart).
  const paymentId = b.store.nextId('account.payment');
  const pt = b.t('account.payment');
  const moveIdNew = b.insertMove(tx, {
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
  (mt.col(b.store.traits.payments18 ? 'origin_payment_id' : 'payment_id').data as Int32Array)[
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
  pd('state')[ppos] = b.store.traits.payments18 ? 'in_process' : 'posted';
  pd(b.store.traits.payments18 ? 'memo' : 'ref')[ppos] = md('name');
  if (b.store.traits.payments18) {
    pd('outstanding_account_id')[ppos] = inbound
      ? c.accounts.outstanding_in
      : c.accounts.outstanding_out;
    linkInvoice(b, tx, paymentId, moveId);
  }
  const termAccount = (lt.col('account_id').data as Int32Array)[terms[0]];
  b.insertLine(tx, {
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
  const counterId = b.insertLine(tx, {
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
    if (inbound) reconcile(b, tx, lt.ids[p], counterId, co, fc, fc);
    else reconcile(b, tx, counterId, lt.ids[p], co, fc, fc);
  }
  b.refreshMove(tx, moveId, true, termPositions);
  refreshPayment(b, tx, paymentId, [counterPos]);
  return paymentId;
}

export function refreshPayment(
  b: Books,
  tx: Tx,
  paymentId: number,
  termPositions?: number[],
): void {
  const pt = b.t('account.payment');
  const ppos = pt.pos(paymentId);
  if (ppos < 0) return;
  const moveId = (pt.col('move_id').data as Int32Array)[ppos];
  const lt = b.t('account.move.line');
  const terms = termPositions ?? b.termLines(moveId);
  const rec = lt.col('reconciled').data as Uint8Array;
  const done = terms.length > 0 && terms.every((p) => rec[p] === 1);
  (pt.col('is_reconciled').data as Uint8Array)[ppos] = done ? 1 : 0;
  if (b.store.traits.payments18) (pt.col('state').data as any)[ppos] = done ? 'paid' : 'in_process';
  pt.version++;
  tx.touch(pt, ppos);
}

/**
 * 18+: a payment on a journal without outstanding account: no journal entry, nothing
 * reconciled. The invoice keeps its residual (reports still age it) and shows `in_payment`
 * while the payment is in process; the link is `matched_payment_ids` / `invoice_ids`.
 */
export function payWithoutMove(
  b: Books,
  tx: Tx,
  moveId: number,
  date: number,
  amountFcCents?: number,
): number {
  if (!b.store.traits.payments18) {
    throw new Error('Books.payWithoutMove: every payment has a journal entry before Odoo 18');
  }
  const mt = b.t('account.move');
  const mpos = mt.pos(moveId);
  if (mpos < 0) throw new Error(`Books.payWithoutMove: missing move ${moveId}`);
  const md = (c: string) => (mt.col(c).data as any)[mpos];
  const c = b.companyOf(md('company_id'));
  const type = md('move_type') as string;
  const open = cents(md('amount_residual'));
  const amount = Math.min(amountFcCents ?? open, open);
  if (amount <= 0) throw new Error(`Books.payWithoutMove: nothing to pay on move ${moveId}`);
  const pt = b.t('account.payment');
  const ppos = tx.insertRaw('account.payment');
  const paymentId = pt.ids[ppos];
  const pd = (col: string) => pt.col(col).data as any;
  pd('name')[ppos] = b.nextName('BNK3', date);
  pd('move_id')[ppos] = 0;
  pd('date')[ppos] = date;
  pd('amount')[ppos] = amount / 100;
  pd('payment_type')[ppos] = SIGN[type] > 0 ? 'inbound' : 'outbound';
  pd('partner_type')[ppos] = type.startsWith('out') ? 'customer' : 'supplier';
  pd('partner_id')[ppos] = md('partner_id');
  pd('journal_id')[ppos] = c.journals.direct ?? c.journals.bank;
  pd('company_id')[ppos] = c.id;
  pd('currency_id')[ppos] = md('currency_id');
  pd('state')[ppos] = 'in_process';
  pd('memo')[ppos] = md('name');
  pd('outstanding_account_id')[ppos] = 0;
  linkInvoice(b, tx, paymentId, moveId);
  b.refreshMove(tx, moveId, true);
  return paymentId;
}

/** payment.invoice_ids ↔ invoice.matched_payment_ids (one relation table in Odoo). */
function linkInvoice(b: Books, tx: Tx, paymentId: number, moveId: number): void {
  const pt = b.t('account.payment');
  const mt = b.t('account.move');
  const pp = pt.pos(paymentId);
  const mp = mt.pos(moveId);
  const inv = pt.col('invoice_ids').data as (number[] | undefined)[];
  const matched = mt.col('matched_payment_ids').data as (number[] | undefined)[];
  inv[pp] = [...(inv[pp] ?? []), moveId];
  matched[mp] = [...(matched[mp] ?? []), paymentId];
  pt.version++;
  mt.version++;
  tx.touch(mt, mp);
}

/** 18+: the invoice has a payment in process that has no journal entry (so no partials). */
export function hasPendingPayment(b: Books, movePos: number): boolean {
  if (!b.store.traits.payments18) return false;
  const mt = b.t('account.move');
  const pt = b.t('account.payment');
  const matched = (mt.col('matched_payment_ids').data as (number[] | undefined)[])[movePos];
  if (!matched?.length) return false;
  const moveCol = pt.col('move_id').data as Int32Array;
  const state = pt.col('state').data as (string | false)[];
  return matched.some((id) => {
    const p = pt.pos(id);
    return p >= 0 && !moveCol[p] && state[p] === 'in_process';
  });
}
