import type { Books } from './books.ts';
import { dropFullReconciles, unreconcile } from './books-reconcile.ts';
import { OdooError } from './odoo-error.ts';
import type { Tx, UnlinkOptions } from './store.ts';

/**
 * Odoo's unlink with the accounting side effects: a move takes its lines (ondelete
 * cascade on move_id) and its payment; lines are unreconciled first (their partials go,
 * the full reconciles of those partials go, the other side's residuals, reconciled flag,
 * matching number and its move's payment_state are recomputed, with write_date bumped on
 * what the ORM writes); a full reconcile left without lines goes. Lines of posted entries
 * are refused with Odoo's UserError unless `force`.
 */
export function unlink(
  b: Books,
  tx: Tx,
  model: string,
  ids: number[],
  opts: UnlinkOptions = {},
): void {
  switch (model) {
    case 'account.move':
      unlinkMoves(b, tx, ids, opts);
      return;
    case 'account.move.line':
      unlinkLines(b, tx, ids, opts);
      return;
    case 'account.payment': {
      const pt = b.t('account.payment');
      const moveCol = pt.col('move_id').data as Int32Array;
      const moves: number[] = [];
      for (const id of ids) {
        const p = pt.pos(id);
        if (p >= 0 && moveCol[p]) moves.push(moveCol[p]);
      }
      checkNotPosted(b, moves, opts);
      if (b.store.traits.payments18) checkMovelessNotInProcess(b, ids, opts);
      tx.removeRaw('account.payment', ids);
      unlinkMoves(b, tx, moves, opts);
      if (b.store.traits.payments18) unlinkInvoiceLinks(b, tx, ids);
      return;
    }
    case 'account.partial.reconcile':
      unreconcile(b, tx, ids, new Set());
      return;
    case 'account.full.reconcile':
      dropFullReconciles(b, tx, ids);
      return;
    default:
      tx.removeRaw(model, ids);
  }
}

export function checkNotPosted(b: Books, moveIds: Iterable<number>, opts: UnlinkOptions): void {
  if (opts.force) return;
  const mt = b.t('account.move');
  const state = mt.col('state').data as (string | false)[];
  for (const id of moveIds) {
    const p = mt.pos(id);
    if (p >= 0 && state[p] === 'posted') {
      throw new OdooError('UserError', 'You cannot delete an item linked to a posted entry.');
    }
  }
}

/** 18+: a payment in process or paid is refused like a posted entry, journal entry or not. */
function checkMovelessNotInProcess(b: Books, ids: number[], opts: UnlinkOptions): void {
  if (opts.force) return;
  const pt = b.t('account.payment');
  const state = pt.col('state').data as (string | false)[];
  for (const id of ids) {
    const p = pt.pos(id);
    if (p >= 0 && state[p] !== 'draft' && state[p] !== 'canceled') {
      throw new OdooError('UserError', 'You can only delete draft or cancelled payments.');
    }
  }
}

/**
 * The relation rows of deleted payments go with them (no write_date on the invoices, as
 * in SQL); the invoices' payment_state is recomputed (an ORM write, it bumps).
 */
function unlinkInvoiceLinks(b: Books, tx: Tx, paymentIds: number[]): void {
  const mt = b.t('account.move');
  const matched = mt.col('matched_payment_ids').data as (number[] | undefined)[];
  const gone = new Set(paymentIds);
  for (let p = 0; p < mt.n; p++) {
    const m = matched[p];
    if (!mt.alive[p] || !m?.some((id) => gone.has(id))) continue;
    matched[p] = m.filter((id) => !gone.has(id));
    mt.version++;
    b.refreshMove(tx, mt.ids[p], true);
  }
}

export function unlinkMoves(b: Books, tx: Tx, ids: number[], opts: UnlinkOptions): void {
  const mt = b.t('account.move');
  const moves = ids.filter((id) => mt.pos(id) >= 0);
  if (!moves.length) return;
  checkNotPosted(b, moves, opts);
  const byMove = b.store.inverse('account.move.line', 'move_id');
  const lines = moves.flatMap((id) => byMove.get(id) ?? []);
  removeLines(b, tx, lines);
  // account.payment.move_id is ondelete='cascade' too.
  const payCol = mt.col(b.store.traits.payments18 ? 'origin_payment_id' : 'payment_id')
    .data as Int32Array;
  const payments = moves.map((id) => payCol[mt.pos(id)]).filter((x) => x);
  const pt = b.t('account.payment');
  const pMove = pt.col('move_id').data as Int32Array;
  const gone = new Set(moves);
  tx.removeRaw(
    'account.payment',
    payments.filter((pid) => {
      const p = pt.pos(pid);
      return p >= 0 && gone.has(pMove[p]);
    }),
  );
  if (b.store.traits.payments18) {
    // The account_move__account_payment rows of deleted invoices go (SQL cascade).
    const inv = pt.col('invoice_ids').data as (number[] | undefined)[];
    for (let p = 0; p < pt.n; p++) {
      if (inv[p]?.some((id) => gone.has(id))) inv[p] = inv[p]!.filter((id) => !gone.has(id));
    }
  }
  tx.removeRaw('account.move', moves);
}

export function unlinkLines(b: Books, tx: Tx, ids: number[], opts: UnlinkOptions): void {
  const lt = b.t('account.move.line');
  const moveCol = lt.col('move_id').data as Int32Array;
  const live = ids.filter((id) => lt.pos(id) >= 0);
  if (!live.length) return;
  const moves = new Set(live.map((id) => moveCol[lt.pos(id)]));
  checkNotPosted(b, moves, opts);
  removeLines(b, tx, live);
  for (const m of moves) b.refreshMove(tx, m, true);
}

/** Unreconciles then removes lines; drops full reconciles left without lines. */
export function removeLines(b: Books, tx: Tx, ids: number[]): void {
  if (!ids.length) return;
  const lt = b.t('account.move.line');
  const dead = new Set(ids);
  const pt = b.t('account.partial.reconcile');
  const pDebit = pt.col('debit_move_id').data as Int32Array;
  const pCredit = pt.col('credit_move_id').data as Int32Array;
  const partials: number[] = [];
  for (let p = 0; p < pt.n; p++) {
    if (pt.alive[p] && (dead.has(pDebit[p]) || dead.has(pCredit[p]))) partials.push(pt.ids[p]);
  }
  unreconcile(b, tx, partials, dead);
  const full = lt.col('full_reconcile_id').data as Int32Array;
  const fulls = new Set<number>();
  for (const id of ids) {
    const p = lt.pos(id);
    if (p >= 0 && full[p]) fulls.add(full[p]);
  }
  tx.removeRaw('account.move.line', ids);
  for (const id of ids) b.linePartials.delete(id);
  if (fulls.size) {
    for (let p = 0; p < lt.n; p++) if (lt.alive[p] && full[p]) fulls.delete(full[p]);
    tx.removeRaw('account.full.reconcile', [...fulls]);
  }
}
