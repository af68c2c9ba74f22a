import { expect } from 'vitest';
import type { RunningSim } from '../../packages/odoo-sim/src/index.ts';

export type Row = Record<string, any>;
export const cents = (x: unknown) => Math.round((x as number) * 100);
/** The truth of a model, rows loosely typed for brevity. */
export const truthOf = (s: RunningSim, model: string) => s.control.truth(model) as Row[];
export const byId = (rows: Row[]) => new Map(rows.map((r) => [r.id as number, r]));

/**
 * What must hold after any sequence of creates, payments and deletions: partials point at
 * live lines, residuals are balance minus what the partials took, full reconciles have lines,
 * and an invoice's residual is the sum of its open payment-term lines.
 */
export function checkBooks(sim: RunningSim): void {
  const lines = byId(truthOf(sim, 'account.move.line'));
  const moves = byId(truthOf(sim, 'account.move'));
  const partials = truthOf(sim, 'account.partial.reconcile');
  const fulls = truthOf(sim, 'account.full.reconcile');
  const taken = new Map<number, number>();
  for (const p of partials) {
    expect(lines.has(p.debit_move_id), `partial ${p.id} debit line`).toBe(true);
    expect(lines.has(p.credit_move_id), `partial ${p.id} credit line`).toBe(true);
    taken.set(p.debit_move_id, (taken.get(p.debit_move_id) ?? 0) + cents(p.amount));
    taken.set(p.credit_move_id, (taken.get(p.credit_move_id) ?? 0) - cents(p.amount));
  }
  for (const [id, amount] of taken) {
    const l = lines.get(id)!;
    expect(cents(l.amount_residual), `residual of line ${id}`).toBe(cents(l.balance) - amount);
    expect(l.reconciled).toBe(cents(l.amount_residual) === 0);
    expect(l.matching_number).not.toBe(false);
  }
  for (const l of lines.values()) {
    expect(moves.has(l.move_id), `move of line ${l.id}`).toBe(true);
    if (!taken.has(l.id) && !l.full_reconcile_id) expect(l.matching_number).toBe(false);
  }
  const used = new Set([...lines.values()].map((l) => l.full_reconcile_id).filter(Boolean));
  for (const f of fulls) expect(used.has(f.id), `full reconcile ${f.id} has lines`).toBe(true);
  const termResidual = new Map<number, number>();
  for (const l of lines.values()) {
    if (l.display_type !== 'payment_term') continue;
    termResidual.set(
      l.move_id,
      (termResidual.get(l.move_id) ?? 0) + Math.abs(cents(l.amount_residual_currency)),
    );
  }
  // 18+: a payment without journal entry, in process, shows its invoice in_payment.
  const pending = new Set(
    truthOf(sim, 'account.payment')
      .filter((p) => !p.move_id && p.state === 'in_process')
      .map((p) => p.id),
  );
  for (const m of moves.values()) {
    if (m.move_type === 'entry' || m.state !== 'posted') continue;
    expect(cents(m.amount_residual), `residual of move ${m.id}`).toBe(termResidual.get(m.id) ?? 0);
    const open = cents(m.amount_residual);
    const inPayment =
      open !== 0 && (m.matched_payment_ids ?? []).some((id: number) => pending.has(id));
    expect(m.payment_state).toBe(
      open === 0
        ? 'paid'
        : inPayment
          ? 'in_payment'
          : open < cents(m.amount_total)
            ? 'partial'
            : 'not_paid',
    );
  }
}
