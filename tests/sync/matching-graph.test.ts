import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

// Odoo 17+ numbers a matching graph `P<smallest partial id>` and renumbers it by raw SQL when a
// partial joins or leaves it. A journal item whose own partials did not change (its residual
// was already 0) gets the new number with its write_date untouched: only the graph says so.

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 19 });
  await h.syncToEnd();
});
afterAll(async () => {
  await h?.close();
});

const c = () => h.sim.control;
const line = (id: number) =>
  c()
    .truth('account.move.line')
    .find((l) => l.id === id)!;

/** Moves the high-water mark past the overlap, so the window no longer re-reads the items. */
async function pastTheOverlap() {
  c().advanceClock(11 * 60);
  const [first] = c().truth('account.move.line');
  c().update('account.move.line', first.id as number, { ref: `moved on ${c().now()}` });
  await h.syncToEnd();
}

interface OpenInvoice {
  moveId: number;
  receivable: number;
  residual: number;
}

/** Unpaid customer invoices with one receivable item (of one customer, if given). */
function invoicesOf(partnerId?: number): OpenInvoice[] {
  const out: OpenInvoice[] = [];
  for (const m of c().truth('account.move')) {
    if (m.state !== 'posted' || m.move_type !== 'out_invoice' || m.payment_state !== 'not_paid')
      continue;
    if ((m.amount_residual as number) < 30) continue;
    if (partnerId !== undefined && m.partner_id !== partnerId) continue;
    const terms = c()
      .truth('account.move.line')
      .filter((l) => l.move_id === m.id && l.display_type === 'payment_term');
    if (terms.length !== 1) continue;
    out.push({
      moveId: m.id as number,
      receivable: terms[0].id as number,
      residual: m.amount_residual as number,
    });
  }
  return out;
}

/** The partials touching a journal item, oldest first. */
const partialsOf = (lineId: number) =>
  c()
    .truth('account.partial.reconcile')
    .filter((p) => p.debit_move_id === lineId || p.credit_move_id === lineId)
    .map((p) => ({
      id: p.id as number,
      other: (p.debit_move_id === lineId ? p.credit_move_id : p.debit_move_id) as number,
    }))
    .sort((a, b) => a.id - b.id);

describe('matching numbers follow their graph', () => {
  it('renumbers the untouched item of a graph split by an unreconcile', async () => {
    const [inv] = invoicesOf();
    // Two payments of a third each: partials p1 (invoice–first payment), p2 (invoice–second).
    c().pay(inv.moveId, inv.residual / 3);
    c().pay(inv.moveId, inv.residual / 3);
    const [p1, p2] = partialsOf(inv.receivable);
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
    const second = line(p2.other);
    expect(second.amount_residual).toBe(0);

    // Unreconciling the first payment deletes p1: the invoice and the first payment get new
    // residuals (write_date moves), the second payment only a new number.
    await pastTheOverlap();
    const before = line(p2.other).write_date;
    c().unreconcile([p1.other]);
    expect(line(p2.other).write_date).toBe(before);
    if (
      typeof line(p2.other).matching_number === 'string' &&
      line(p2.other).matching_number !== 'P'
    ) {
      expect(line(p2.other).matching_number).toBe(`P${p2.id}`);
    }
    await h.syncToEnd();
    await h.syncToEnd({ mode: 'reconcile' });
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
    expect(await diffWithTruth(h, 'account.partial.reconcile')).toEqual([]);
  });

  it('renumbers the far items of two graphs a new partial joins', async () => {
    // Graph X: an invoice matched with part of a credit note; graph Y: another invoice of the
    // same customer, part-paid. Matching the rest of the credit note with the second invoice
    // joins them under X's smaller number: Y's payment item changes number, nothing else.
    const refund = c()
      .truth('account.move.line')
      .find((l) => {
        if (l.parent_state !== 'posted' || l.display_type !== 'payment_term') return false;
        if ((l.amount_residual as number) > -30 || partialsOf(l.id as number).length) return false;
        const m = c()
          .truth('account.move')
          .find((x) => x.id === l.move_id)!;
        return m.move_type === 'out_refund' && invoicesOf(l.partner_id as number).length >= 2;
      });
    expect(refund, 'an open credit note of a customer with two open invoices').toBeDefined();
    const [a, b] = invoicesOf(refund!.partner_id as number);
    const x = c().reconcile(a.receivable, refund!.id as number, 10).partialId;
    c().pay(b.moveId, b.residual / 4);
    const [y] = partialsOf(b.receivable);
    expect(y.id).toBeGreaterThan(x);
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);

    await pastTheOverlap();
    const before = line(y.other).write_date;
    c().reconcile(b.receivable, refund!.id as number, 10);
    expect(line(y.other).write_date).toBe(before);
    expect(line(y.other).matching_number).toBe(line(a.receivable).matching_number);
    await h.syncToEnd();
    await h.syncToEnd({ mode: 'reconcile' });
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
  });
});
