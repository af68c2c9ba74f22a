import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { ChangeGenerator } from '../reporting/change-generator.ts';
import { byId, cents, checkBooks, type Row, truthOf } from './check-books.ts';
import { control } from './rpc-helpers.ts';

// SimControl.edits: what users change in Odoo's UI, with Odoo's rules (a posted entry is
// read-only until reset to draft, which removes its reconciliations; only drafts are posted or
// edited; accounts, currencies and partners with their side effects).
describe.each([16, 17, 18, 19] as const)('odoo-sim edits like Odoo %i', (v) => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 1500, seed: 4, odooVersion: v });
  });
  afterAll(() => sim.close());

  const move = (id: number) => byId(truthOf(sim, 'account.move')).get(id)!;
  const linesOf = (id: number) => truthOf(sim, 'account.move.line').filter((l) => l.move_id === id);
  const paidInvoice = () =>
    truthOf(sim, 'account.move').find(
      (m) => m.move_type === 'out_invoice' && m.state === 'posted' && m.payment_state === 'paid',
    )!;
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it('reset to draft removes the reconciliations; cancel and post follow Odoo', () => {
    const inv = paidInvoice();
    const partials = truthOf(sim, 'account.partial.reconcile').length;
    sim.control.edits.resetToDraft(inv.id);
    const m = move(inv.id);
    expect([m.state, m.payment_state, cents(m.amount_residual)]).toEqual([
      'draft',
      'not_paid',
      cents(m.amount_total),
    ]);
    expect(linesOf(inv.id).every((l) => l.parent_state === 'draft' && !l.matching_number)).toBe(
      true,
    );
    expect(truthOf(sim, 'account.partial.reconcile').length).toBeLessThan(partials);
    checkBooks(sim);
    expect(refusal(() => sim.control.edits.resetToDraft(inv.id))).toMatch(/Only posted\/cancelled/);
    sim.control.edits.post(inv.id);
    expect(move(inv.id).state).toBe('posted');
    expect(refusal(() => sim.control.edits.post(inv.id))).toMatch(/only drafts can be posted/);
    sim.control.edits.cancel(inv.id);
    expect(move(inv.id).state).toBe('cancel');
    expect(refusal(() => sim.control.edits.cancel(inv.id))).toMatch(/Only draft journal entries/);
    checkBooks(sim);
  });

  it('edits drafts only: amounts, installments, dates and company, the entry kept balanced', () => {
    const inv = paidInvoice();
    expect(refusal(() => sim.control.edits.editDraft(inv.id, { factor: 2 }))).toMatch(
      /reset it to draft first/,
    );
    sim.control.edits.resetToDraft(inv.id);
    const total = cents(move(inv.id).amount_total);
    sim.control.edits.editDraft(inv.id, { factor: 2, terms: 3, date: '2026-01-10' });
    const m = move(inv.id);
    expect(Math.abs(cents(m.amount_total) - 2 * total)).toBeLessThanOrEqual(2);
    const lines = linesOf(inv.id);
    const terms = lines.filter((l) => l.display_type === 'payment_term');
    expect(terms).toHaveLength(3);
    expect(lines.reduce((s, l) => s + cents(l.balance), 0)).toBe(0);
    expect(lines.every((l) => l.date === '2026-01-10')).toBe(true);
    expect(m.invoice_date_due).toBe(
      terms
        .map((l) => l.date_maturity)
        .sort()
        .at(-1),
    );
    sim.control.edits.editDraft(inv.id, { terms: 1 });
    expect(linesOf(inv.id).filter((l) => l.display_type === 'payment_term')).toHaveLength(1);
    const other = sim.control.books.companies.find((c) => c.id !== m.company_id)!;
    const shared = truthOf(sim, 'res.partner').find((p) => !p.company_id && p.active)!;
    sim.control.edits.editDraft(inv.id, { companyId: other.id, partnerId: shared.id });
    const moved = linesOf(inv.id);
    expect(move(inv.id).company_id).toBe(other.id);
    expect(moved.every((l) => l.company_id === other.id && l.partner_id === shared.id)).toBe(true);
    const receivable = moved.find((l) => l.display_type === 'payment_term')!;
    expect(receivable.account_id).toBe(other.accounts.receivable);
    sim.control.edits.post(inv.id);
    expect(move(inv.id).payment_state).toBe('not_paid');
    checkBooks(sim);
  });

  it('accounts: trade accounts stay reconcilable, reconcile flag toggles residuals by SQL', () => {
    const c = sim.control.books.companies[0];
    expect(
      refusal(() => sim.control.edits.writeAccount(c.accounts.receivable, { reconcile: false })),
    ).toMatch(/receivable\/payable account that is not reconcilable/);
    // Two items of a reconcilable current account, partially matched: the flag stays on.
    const entry = (balance: number) =>
      sim.control.edits.createEntry({
        companyId: c.id,
        date: '2026-03-01',
        lines: [
          { accountId: c.accounts.asset_current, name: 'Anticipo', balance },
          { accountId: c.accounts.bank, name: 'Anticipo', balance: -balance },
        ],
      });
    const [debit, credit] = [entry(100), entry(-40)].map(
      (id) => linesOf(id).find((l) => l.account_id === c.accounts.asset_current)!.id,
    );
    sim.control.reconcile(debit, credit);
    expect(
      refusal(() => sim.control.edits.writeAccount(c.accounts.asset_current, { reconcile: false })),
    ).toMatch(/partial reconciliations are still pending/);
    const tax = (): Row[] =>
      truthOf(sim, 'account.move.line').filter((l) => l.account_id === c.accounts.tax_out);
    const before = tax();
    sim.control.edits.writeAccount(c.accounts.tax_out, { reconcile: true });
    const after = tax();
    expect(after.every((l) => cents(l.amount_residual) === cents(l.balance))).toBe(true);
    // Raw SQL in Odoo: the items' write_date does not move.
    expect(after.map((l) => l.write_date)).toEqual(before.map((l) => l.write_date));
    sim.control.edits.writeAccount(c.accounts.asset_current, { accountType: 'asset_receivable' });
    const items = truthOf(sim, 'account.move.line').filter(
      (l) => l.account_id === c.accounts.asset_current,
    );
    expect(items.every((l) => l.account_type === 'asset_receivable')).toBe(true);
    checkBooks(sim);
  });

  it('currencies gain decimals, never lose them once used; partners renamed and moved', async () => {
    const c = sim.control.books.companies[0];
    sim.control.edits.setCurrencyDecimals(c.currencyId, 3);
    const cur = byId(truthOf(sim, 'res.currency')).get(c.currencyId)!;
    expect([cur.decimal_places, cur.rounding]).toEqual([3, 0.001]);
    expect(refusal(() => sim.control.edits.setCurrencyDecimals(c.currencyId, 2))).toMatch(
      /cannot reduce the number of decimal places/,
    );
    const partners = truthOf(sim, 'res.partner');
    const child = partners.find((p) => p.parent_id)!;
    await control(sim, 'edit', { op: 'renamePartner', args: [child.parent_id, 'Nuevo Nombre'] });
    await control(sim, 'edit', { op: 'setPartnerCompany', args: [child.parent_id, c.id] });
    const after = byId(truthOf(sim, 'res.partner'));
    expect(after.get(child.parent_id)!.complete_name).toBe('Nuevo Nombre');
    expect(after.get(child.id)!.complete_name).toBe(`Nuevo Nombre, ${child.name}`);
    expect(after.get(child.id)!.company_id).toBe(c.id);
  });

  it('a random sequence of them (the property test generator) keeps the books consistent', () => {
    const gen = new ChangeGenerator(sim, 3);
    const log: string[] = [];
    for (let i = 1; i <= 120; i++) {
      log.push(gen.step());
      if (i % 20 === 0) {
        try {
          checkBooks(sim);
        } catch (e) {
          throw new Error(`${(e as Error).message}\nafter:\n${log.slice(-20).join('\n')}`);
        }
      }
    }
    expect(gen.applied).toBeGreaterThan(100);
  });
});
