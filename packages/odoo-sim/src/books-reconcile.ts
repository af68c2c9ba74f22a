import { type Books, cents } from './books.ts';
import { refreshPayment } from './books-payments.ts';
import type { Tx } from './store.ts';

/**
 * Partial and full reconciliation: residuals move through ORM writes (write_date bumps);
 * full_reconcile_id/matching_number are raw SQL on 17+ (no bump) and a stored compute on 16
 * (bumps).
 */
/**
 * Creates a partial reconcile of `amountCents` (company currency) between a debit and a
 * credit line, updates both residuals (ORM, bumps write_date), then renumbers the whole
 * matching graph and creates the full reconcile when every line is settled (raw SQL, no
 * write_date bump on lines).
 */
export function reconcile(
  b: Books,

  tx: Tx,
  debitLineId: number,
  creditLineId: number,
  amountCents?: number,
  debitFcCents?: number,
  creditFcCents?: number,
): number {
  const lt = b.t('account.move.line');
  const dp = lt.pos(debitLineId);
  const cp = lt.pos(creditLineId);
  if (dp < 0 || cp < 0)
    throw new Error(`Books.reconcile: missing line ${dp < 0 ? debitLineId : creditLineId}`);
  const resCo = lt.col('amount_residual').data as Float64Array;
  const resFc = lt.col('amount_residual_currency').data as Float64Array;
  const amount = amountCents ?? Math.min(cents(resCo[dp]), -cents(resCo[cp]));
  const dFc = debitFcCents ?? Math.round((amount * cents(resFc[dp])) / (cents(resCo[dp]) || 1));
  const cFc = creditFcCents ?? Math.round((amount * -cents(resFc[cp])) / (-cents(resCo[cp]) || 1));
  // Never a partial of no number: Odoo's numeric columns cannot hold NaN.
  if (!Number.isFinite(amount) || !Number.isFinite(dFc) || !Number.isFinite(cFc)) {
    throw new Error(
      `Books.reconcile: amounts of lines ${debitLineId}/${creditLineId} are not numbers`,
    );
  }
  const pt = b.t('account.partial.reconcile');
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
    const arr = b.linePartials.get(id);
    if (arr) arr.push(partialId);
    else b.linePartials.set(id, [partialId]);
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
  renumber(b, tx, debitLineId);
  return partialId;
}

/**
 * Walks the matching graph from a line; creates the full reconcile when all are settled
 * (unless `createFull` is false).
 */
export function renumber(
  b: Books,
  tx: Tx,
  startLineId: number,
  createFull = true,
): { lineIds: number[]; fullId: number } {
  const lt = b.t('account.move.line');
  const pt = b.t('account.partial.reconcile');
  const lines = new Set<number>([startLineId]);
  const partials = new Set<number>();
  const queue = [startLineId];
  const pDebit = pt.col('debit_move_id').data as Int32Array;
  const pCredit = pt.col('credit_move_id').data as Int32Array;
  while (queue.length) {
    const id = queue.pop()!;
    for (const pid of b.linePartials.get(id) ?? []) {
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
  const sql = b.store.traits.rawSqlMatching;
  const positions = [...lines].map((id) => lt.pos(id)).filter((p) => p >= 0);
  const settled = positions.every((p) => rec[p] === 1);
  let fullId = 0;
  if (settled && partials.size) {
    const existing = positions.map((p) => full[p]).find((x) => x);
    if (existing) fullId = existing;
    else if (createFull) fullId = createFullReconcile(b, tx);
    const pFull = pt.col('full_reconcile_id').data as Int32Array;
    for (const pid of partials) {
      const pp = pt.pos(pid);
      // Raw SQL in Odoo 17+, like the lines' full_reconcile_id: write_date untouched.
      if (pFull[pp] !== fullId && !sql) tx.touch(pt, pp);
      pFull[pp] = fullId;
    }
  }
  const number = matchingNumber(b, fullId, partials);
  for (const p of positions) {
    // Raw SQL in Odoo 17+ (write_date untouched); 16 computes and stores it through the ORM.
    if (!sql && (full[p] !== fullId || matching[p] !== number)) tx.touch(lt, p);
    full[p] = fullId;
    matching[p] = number;
  }
  lt.version++;
  pt.version++;
  return { lineIds: [...lines], fullId };
}

/** Sets full_reconcile_id/matching_number on lines without touching write_date. */
export function forceFullReconcile(b: Books, tx: Tx, lineIds: number[]): number {
  const lt = b.t('account.move.line');
  const fullId = createFullReconcile(b, tx);
  const full = lt.col('full_reconcile_id').data as Int32Array;
  const matching = lt.col('matching_number').data as (string | false)[];
  const number = matchingNumber(b, fullId, new Set());
  for (const id of lineIds) {
    const p = lt.pos(id);
    if (p < 0) throw new Error(`Books.forceFullReconcile: missing line ${id}`);
    full[p] = fullId;
    matching[p] = number;
  }
  lt.version++;
  return fullId;
}

/**
 * Deletes partial reconciles like `account.partial.reconcile.unlink`: the residuals of the
 * lines that stay (not in `dead`) come back, their full reconciles are deleted, and the
 * matching graphs are renumbered; moves and payments touched are recomputed.
 */
export function unreconcile(b: Books, tx: Tx, partialIds: number[], dead: Set<number>): void {
  const pt = b.t('account.partial.reconcile');
  const lt = b.t('account.move.line');
  const pd = (c: string) => pt.col(c).data as any;
  const live = partialIds.filter((id) => pt.pos(id) >= 0);
  if (!live.length) return;
  // Every line of the matching graphs involved (before they split).
  const graph = new Set<number>();
  for (const pid of live) {
    const pp = pt.pos(pid);
    for (const id of [pd('debit_move_id')[pp], pd('credit_move_id')[pp]]) {
      if (!graph.has(id)) for (const x of component(b, id)) graph.add(x);
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
      const arr = b.linePartials.get(lineId);
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
  clearFulls(b, graph, fulls);
  tx.removeRaw('account.full.reconcile', [...fulls]);
  const done = new Set<number>();
  for (const id of graph) {
    if (done.has(id) || dead.has(id) || lt.pos(id) < 0) continue;
    for (const x of renumber(b, tx, id).lineIds) done.add(x);
  }
  refreshAfterUnreconcile(b, tx, touched);
}

/** Deletes full reconciles (lines and partials keep their partial matching). */
export function dropFullReconciles(b: Books, tx: Tx, ids: number[]): void {
  const lt = b.t('account.move.line');
  const full = lt.col('full_reconcile_id').data as Int32Array;
  const fulls = new Set(ids);
  const graph = new Set<number>();
  for (let p = 0; p < lt.n; p++) if (lt.alive[p] && fulls.has(full[p])) graph.add(lt.ids[p]);
  clearFulls(b, graph, fulls);
  tx.removeRaw('account.full.reconcile', ids);
  const done = new Set<number>();
  for (const id of graph) {
    if (done.has(id)) continue;
    for (const x of renumber(b, tx, id, false).lineIds) done.add(x);
  }
}

export function clearFulls(b: Books, lineIds: Iterable<number>, fulls: Set<number>): void {
  if (!fulls.size) return;
  const lt = b.t('account.move.line');
  const pt = b.t('account.partial.reconcile');
  const full = lt.col('full_reconcile_id').data as Int32Array;
  const pFull = pt.col('full_reconcile_id').data as Int32Array;
  for (const id of lineIds) {
    const p = lt.pos(id);
    if (p >= 0 && fulls.has(full[p])) full[p] = 0;
    for (const pid of b.linePartials.get(id) ?? []) {
      const pp = pt.pos(pid);
      if (pp >= 0 && fulls.has(pFull[pp])) pFull[pp] = 0;
    }
  }
  lt.version++;
  pt.version++;
}

/** Line ids of the matching graph holding `lineId` (itself included). */
export function component(b: Books, lineId: number): Set<number> {
  const pt = b.t('account.partial.reconcile');
  const pDebit = pt.col('debit_move_id').data as Int32Array;
  const pCredit = pt.col('credit_move_id').data as Int32Array;
  const lines = new Set([lineId]);
  const queue = [lineId];
  while (queue.length) {
    const id = queue.pop()!;
    for (const pid of b.linePartials.get(id) ?? []) {
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
export function refreshAfterUnreconcile(b: Books, tx: Tx, lineIds: Set<number>): void {
  const lt = b.t('account.move.line');
  const mt = b.t('account.move');
  const moveCol = lt.col('move_id').data as Int32Array;
  const payCol = mt.col(b.store.traits.payments18 ? 'origin_payment_id' : 'payment_id')
    .data as Int32Array;
  const moves = new Set<number>();
  for (const id of lineIds) {
    const p = lt.pos(id);
    if (p >= 0) moves.add(moveCol[p]);
  }
  for (const m of moves) {
    b.refreshMove(tx, m, true);
    const mp = mt.pos(m);
    if (mp >= 0 && payCol[mp]) refreshPayment(b, tx, payCol[mp]);
  }
}

/** A full reconcile; on 16 it takes its sequence name (A1, A2…), which lines show. */
function createFullReconcile(b: Books, tx: Tx): number {
  const ft = b.t('account.full.reconcile');
  const fpos = tx.insertRaw('account.full.reconcile');
  if (!b.store.traits.rawSqlMatching) {
    const n = (b.sequences.get('account.reconcile') ?? 0) + 1;
    b.sequences.set('account.reconcile', n);
    (ft.col('name').data as (string | false)[])[fpos] = `A${n}`;
  }
  return ft.ids[fpos];
}

/**
 * A matching graph's number: 17+ `<full id>` or `P<min partial id>` (raw SQL,
 * `_update_matching_number`); 16 the full reconcile's name or `P` (`_compute_matching_number`).
 */
function matchingNumber(b: Books, fullId: number, partials: Set<number>): string | false {
  if (!b.store.traits.rawSqlMatching) {
    if (fullId) {
      const ft = b.t('account.full.reconcile');
      return (ft.col('name').data as (string | false)[])[ft.pos(fullId)] || false;
    }
    return partials.size ? 'P' : false;
  }
  return fullId ? String(fullId) : partials.size ? `P${Math.min(...partials)}` : false;
}
