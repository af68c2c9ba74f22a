import { type Books, cents, SIGN } from './books.ts';
import { refreshPayment } from './books-payments.ts';
import { unreconcile } from './books-reconcile.ts';
import type { CompanyBooks } from './books-types.ts';
import { removeLines } from './books-unlink.ts';
import { OdooError } from './odoo-error.ts';
import type { Tx } from './store.ts';
import { NO_DATE, type Table } from './table.ts';

/**
 * What a user can change on a journal entry, with Odoo's rules: a posted entry is read-only
 * until it is reset to draft (which removes its reconciliations, `button_draft`), cancelling
 * a posted entry resets it first (`button_cancel`), only drafts are posted, and amounts,
 * dates, partner, company and installments are edited on drafts only. An edit is one ORM
 * write: the move and every line it rewrites get the transaction's write_date.
 */
export interface DraftEdit {
  /** New accounting (and invoice) date, in days; due dates move with it. */
  date?: number;
  partnerId?: number;
  /** Every amount times this factor (cents rounded, the entry kept balanced). */
  factor?: number;
  /** Moves the entry to another company: that company's journal, accounts and currency. */
  companyId?: number;
  /** Number of installments of an invoice (lines of the move deleted or added). */
  terms?: number;
}

const col = (t: Table, name: string) => t.col(name).data as any;

function moveLines(b: Books, moveId: number): number[] {
  const lt = b.t('account.move.line');
  const ids = b.store.inverse('account.move.line', 'move_id').get(moveId) ?? [];
  return ids.map((id) => lt.pos(id)).filter((p) => p >= 0);
}

function movePos(b: Books, moveId: number): number {
  const p = b.t('account.move').pos(moveId);
  if (p < 0) throw new OdooError('MissingError', `Record does not exist: account.move(${moveId},)`);
  return p;
}

/** account.payment.state for a move state, per version (16/17 share the move's states). */
function syncPayment(b: Books, tx: Tx, moveId: number, state: string): void {
  const mt = b.t('account.move');
  const field = b.store.traits.payments18 ? 'origin_payment_id' : 'payment_id';
  const paymentId = col(mt, field)[mt.pos(moveId)] as number;
  if (!paymentId) return;
  const pt = b.t('account.payment');
  const pp = pt.pos(paymentId);
  if (pp < 0) return;
  const p18 = { draft: 'draft', cancel: 'canceled', posted: 'in_process' } as Record<
    string,
    string
  >;
  col(pt, 'state')[pp] = b.store.traits.payments18 ? p18[state] : state;
  pt.version++;
  tx.touch(pt, pp);
  if (state === 'posted') refreshPayment(b, tx, paymentId);
}

/** `button_draft`: posted or cancelled → draft; the entry's reconciliations are removed. */
export function buttonDraft(b: Books, tx: Tx, moveId: number): void {
  const mt = b.t('account.move');
  const state = col(mt, 'state')[movePos(b, moveId)];
  if (state !== 'posted' && state !== 'cancel') {
    throw new OdooError(
      'UserError',
      'Only posted/cancelled journal entries can be reset to draft.',
    );
  }
  const lt = b.t('account.move.line');
  const lines = new Set(moveLines(b, moveId).map((p) => lt.ids[p]));
  const partials = new Set<number>();
  for (const id of lines) for (const pid of b.linePartials.get(id) ?? []) partials.add(pid);
  if (partials.size) unreconcile(b, tx, [...partials], new Set());
  b.setMoveState(tx, moveId, 'draft');
  syncPayment(b, tx, moveId, 'draft');
}

/** `button_cancel`: a posted entry is reset to draft first; only drafts are cancelled. */
export function buttonCancel(b: Books, tx: Tx, moveId: number): void {
  const mt = b.t('account.move');
  if (col(mt, 'state')[movePos(b, moveId)] === 'posted') buttonDraft(b, tx, moveId);
  if (col(mt, 'state')[movePos(b, moveId)] !== 'draft') {
    throw new OdooError('UserError', 'Only draft journal entries can be cancelled.');
  }
  b.setMoveState(tx, moveId, 'cancel');
  syncPayment(b, tx, moveId, 'cancel');
}

/** `action_post`: drafts only (a cancelled entry is reset to draft first). */
export function actionPost(b: Books, tx: Tx, moveId: number): void {
  const mt = b.t('account.move');
  const state = col(mt, 'state')[movePos(b, moveId)];
  if (state !== 'draft') {
    throw new OdooError('UserError', `The entry ${moveId} is ${state}: only drafts can be posted.`);
  }
  b.setMoveState(tx, moveId, 'posted');
  syncPayment(b, tx, moveId, 'posted');
}

/** Edits a draft entry (see DraftEdit); a posted or cancelled one is refused. */
export function editDraft(b: Books, tx: Tx, moveId: number, e: DraftEdit): void {
  const mt = b.t('account.move');
  const lt = b.t('account.move.line');
  const mp = movePos(b, moveId);
  if (col(mt, 'state')[mp] !== 'draft') {
    throw new OdooError(
      'UserError',
      'You cannot edit a posted or cancelled entry: reset it to draft first.',
    );
  }
  const isInvoice = col(mt, 'move_type')[mp] !== 'entry';
  // Checked before anything changes (the simulator has no rollback).
  const company = e.companyId ?? (col(mt, 'company_id')[mp] as number);
  checkPartnerCompany(b, e.partnerId ?? col(mt, 'partner_id')[mp], company);
  if (e.companyId !== undefined && e.companyId !== col(mt, 'company_id')[mp]) {
    moveToCompany(b, moveId, b.companyOf(e.companyId));
  }
  if (e.partnerId !== undefined) setPartner(b, moveId, e.partnerId, isInvoice);
  if (e.date !== undefined) setDate(b, moveId, e.date);
  if (e.factor !== undefined) scaleAmounts(b, moveId, e.factor);
  if (e.terms !== undefined && isInvoice) setInstallments(b, tx, moveId, e.terms);
  recomputeTotals(b, moveId);
  for (const p of moveLines(b, moveId)) tx.touch(lt, p);
  lt.version++;
  mt.version++;
  tx.touch(mt, mt.pos(moveId));
  b.refreshMove(tx, moveId, true);
}

function moveToCompany(b: Books, moveId: number, to: CompanyBooks): void {
  const mt = b.t('account.move');
  const lt = b.t('account.move.line');
  const mp = mt.pos(moveId);
  const from = b.companyOf(col(mt, 'company_id')[mp]);
  const journalRole = Object.entries(from.journals).find(
    ([, id]) => id === col(mt, 'journal_id')[mp],
  );
  const journalId = journalRole ? to.journals[journalRole[0] as keyof CompanyBooks['journals']] : 0;
  if (!journalId) throw new OdooError('UserError', `No matching journal in company ${to.id}`);
  col(mt, 'company_id')[mp] = to.id;
  col(mt, 'journal_id')[mp] = journalId;
  col(mt, 'currency_id')[mp] = to.currencyId;
  const accountOf = (id: number) => {
    const role = Object.entries(from.accounts).find(([, a]) => a === id)?.[0];
    return role ? to.accounts[role as keyof CompanyBooks['accounts']] : id;
  };
  for (const p of moveLines(b, moveId)) {
    const account = accountOf(col(lt, 'account_id')[p]);
    const meta = b.accountMeta.get(account) ?? { type: 'asset_current', reconcile: false };
    const balance = cents(col(lt, 'amount_currency')[p]);
    col(lt, 'company_id')[p] = to.id;
    col(lt, 'company_currency_id')[p] = to.currencyId;
    col(lt, 'currency_id')[p] = to.currencyId;
    col(lt, 'journal_id')[p] = journalId;
    col(lt, 'account_id')[p] = account;
    col(lt, 'account_type')[p] = meta.type;
    setBalance(b, p, balance, balance);
  }
}

/** Odoo's check_company: a partner of one company is not used in another's entries. */
function checkPartnerCompany(b: Books, partnerId: number, companyId: number): void {
  if (!partnerId) return;
  const pt = b.t('res.partner');
  const pp = pt.pos(partnerId);
  if (pp < 0)
    throw new OdooError('MissingError', `Record does not exist: res.partner(${partnerId},)`);
  const owner = col(pt, 'company_id')[pp];
  if (owner && owner !== companyId) {
    throw new OdooError(
      'UserError',
      'Incompatible companies on records: partner of another company.',
    );
  }
}

function setPartner(b: Books, moveId: number, partnerId: number, isInvoice: boolean): void {
  const mt = b.t('account.move');
  const lt = b.t('account.move.line');
  const pt = b.t('res.partner');
  const pp = pt.pos(partnerId);
  const mp = mt.pos(moveId);
  if (isInvoice) {
    col(mt, 'partner_id')[mp] = partnerId;
    col(mt, 'commercial_partner_id')[mp] = col(pt, 'commercial_partner_id')[pp] || partnerId;
  }
  for (const p of moveLines(b, moveId)) {
    if (isInvoice || col(lt, 'partner_id')[p]) col(lt, 'partner_id')[p] = partnerId;
  }
}

function setDate(b: Books, moveId: number, date: number): void {
  const mt = b.t('account.move');
  const lt = b.t('account.move.line');
  const mp = mt.pos(moveId);
  const delta = date - col(mt, 'date')[mp];
  const shift = (arr: Int32Array, p: number) => {
    if (arr[p] !== NO_DATE) arr[p] += delta;
  };
  col(mt, 'date')[mp] = date;
  if (col(mt, 'invoice_date')[mp] !== NO_DATE) col(mt, 'invoice_date')[mp] = date;
  shift(col(mt, 'invoice_date_due'), mp);
  for (const p of moveLines(b, moveId)) {
    col(lt, 'date')[p] = date;
    col(lt, 'invoice_date')[p] = col(mt, 'invoice_date')[mp];
    shift(col(lt, 'date_maturity'), p);
  }
}

/** Balance, amount in currency, debit/credit and (on tracked accounts) residuals of a line. */
function setBalance(b: Books, p: number, co: number, fc: number): void {
  const lt = b.t('account.move.line');
  const meta = b.accountMeta.get(col(lt, 'account_id')[p]) ?? { type: '', reconcile: false };
  const tracked = meta.reconcile || meta.type === 'asset_cash';
  col(lt, 'balance')[p] = co / 100;
  col(lt, 'debit')[p] = co > 0 ? co / 100 : 0;
  col(lt, 'credit')[p] = co < 0 ? -co / 100 : 0;
  col(lt, 'amount_currency')[p] = fc / 100;
  col(lt, 'amount_residual')[p] = tracked ? co / 100 : 0;
  col(lt, 'amount_residual_currency')[p] = tracked ? fc / 100 : 0;
  col(lt, 'reconciled')[p] = 0;
}

function scaleAmounts(b: Books, moveId: number, factor: number): void {
  const lt = b.t('account.move.line');
  const lines = moveLines(b, moveId);
  if (!lines.length) return;
  const co = lines.map((p) => Math.round(cents(col(lt, 'balance')[p]) * factor));
  const fc = lines.map((p) => Math.round(cents(col(lt, 'amount_currency')[p]) * factor));
  // The rounding difference goes to the largest line, as Odoo's cash rounding would.
  let big = 0;
  for (let i = 1; i < lines.length; i++) if (Math.abs(co[i]) > Math.abs(co[big])) big = i;
  co[big] -= co.reduce((s, x) => s + x, 0);
  fc[big] -= fc.reduce((s, x) => s + x, 0);
  lines.forEach((p, i) => {
    col(lt, 'price_unit')[p] = Math.round(col(lt, 'price_unit')[p] * factor * 100) / 100;
    setBalance(b, p, co[i], fc[i]);
  });
}

/** Merges installments into the first ones, or splits the last one (30 days later). */
function setInstallments(b: Books, tx: Tx, moveId: number, n: number): void {
  const lt = b.t('account.move.line');
  const terms = b.termLines(moveId);
  const due = col(lt, 'date_maturity') as Int32Array;
  terms.sort((x, y) => due[x] - due[y] || lt.ids[x] - lt.ids[y]);
  const want = Math.max(1, Math.min(4, Math.round(n)));
  if (!terms.length || want === terms.length) return;
  if (want < terms.length) {
    const keep = terms[want - 1];
    const gone = terms.slice(want);
    const co = gone.reduce((s, p) => s + cents(col(lt, 'balance')[p]), 0);
    const fc = gone.reduce((s, p) => s + cents(col(lt, 'amount_currency')[p]), 0);
    const ids = gone.map((p) => lt.ids[p]);
    setBalance(
      b,
      keep,
      cents(col(lt, 'balance')[keep]) + co,
      cents(col(lt, 'amount_currency')[keep]) + fc,
    );
    removeLines(b, tx, ids);
    return;
  }
  for (let k = terms.length; k < want; k++) {
    const last = b
      .termLines(moveId)
      .sort((x, y) => due[x] - due[y] || lt.ids[x] - lt.ids[y])
      .at(-1)!;
    const co = cents(col(lt, 'balance')[last]);
    const fc = cents(col(lt, 'amount_currency')[last]);
    const half = Math.trunc(co / 2);
    const halfFc = Math.trunc(fc / 2);
    setBalance(b, last, co - half, fc - halfFc);
    const base = col(lt, 'date_maturity')[last] as number;
    b.insertLine(tx, {
      moveId,
      accountId: col(lt, 'account_id')[last],
      partnerId: col(lt, 'partner_id')[last],
      name: col(lt, 'name')[last] || '',
      displayType: 'payment_term',
      quantity: 0,
      priceUnit: 0,
      balance: half,
      amountCurrency: halfFc,
      maturity: (base === NO_DATE ? col(lt, 'date')[last] : base) + 30,
    });
  }
}

/** The move's stored totals from its lines (amount_total, untaxed, tax and signed ones). */
function recomputeTotals(b: Books, moveId: number): void {
  const mt = b.t('account.move');
  const lt = b.t('account.move.line');
  const mp = mt.pos(moveId);
  const type = col(mt, 'move_type')[mp] as string;
  const lines = moveLines(b, moveId);
  const sum = (kind: string, c: string) =>
    lines
      .filter((p) => col(lt, 'display_type')[p] === kind)
      .reduce((s, p) => s + cents(col(lt, c)[p]), 0);
  let total: number;
  let tax = 0;
  let totalCo: number;
  let taxCo = 0;
  if (type === 'entry') {
    total = lines.reduce((s, p) => s + Math.max(0, cents(col(lt, 'balance')[p])), 0);
    totalCo = total;
  } else {
    total = Math.abs(sum('payment_term', 'amount_currency'));
    totalCo = Math.abs(sum('payment_term', 'balance'));
    tax = Math.abs(sum('tax', 'amount_currency'));
    taxCo = Math.abs(sum('tax', 'balance'));
  }
  const sign = SIGN[type] ?? 1;
  col(mt, 'amount_untaxed')[mp] = (total - tax) / 100;
  col(mt, 'amount_tax')[mp] = tax / 100;
  col(mt, 'amount_total')[mp] = total / 100;
  col(mt, 'amount_untaxed_signed')[mp] = (sign * (totalCo - taxCo)) / 100;
  col(mt, 'amount_total_signed')[mp] = (sign * totalCo) / 100;
  const due = lines
    .filter((p) => col(lt, 'display_type')[p] === 'payment_term')
    .map((p) => col(lt, 'date_maturity')[p] as number)
    .filter((d) => d !== NO_DATE);
  if (type !== 'entry' && due.length) col(mt, 'invoice_date_due')[mp] = Math.max(...due);
}

/** A journal item's due date (editable on posted items: only the aging changes). */
export function setMaturity(b: Books, tx: Tx, lineId: number, day: number): void {
  const lt = b.t('account.move.line');
  const p = lt.pos(lineId);
  if (p < 0)
    throw new OdooError('MissingError', `Record does not exist: account.move.line(${lineId},)`);
  col(lt, 'date_maturity')[p] = day;
  lt.version++;
  tx.touch(lt, p);
}
