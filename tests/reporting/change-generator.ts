import { dateToDays } from '../../packages/odoo-sim/src/dates.ts';
import { NO_DATE } from '../../packages/odoo-sim/src/table.ts';
import { ChangeContext } from './change-context.ts';
import { MASTER_DATA_CHANGES } from './master-data-changes.ts';

/**
 * Random changes a finance team makes in Odoo, applied to a running simulator through its
 * control API with Odoo's rules (a posted entry is edited only after a reset to draft, only
 * drafts are posted or deleted, …). Everything is drawn from one seeded PRNG and from the
 * simulator's state, so a seed replays the same sequence on the same book. `step()` returns
 * a line saying what it did, for the failure message.
 */
export class ChangeGenerator extends ChangeContext {
  /** Changes Odoo refused (an error that changed nothing); they are part of the sequence too. */
  refused = 0;
  applied = 0;

  /** One random change (another kind is drawn when one finds nothing to act on). */
  step(): string {
    for (let attempt = 0; attempt < 20; attempt++) {
      const [name, op] = this.pickOp();
      let said: string | null;
      try {
        said = op();
      } catch (e) {
        this.refused++;
        return `${name}: refused (${(e as Error).message.split('\n')[0]})`;
      }
      if (said !== null) {
        this.applied++;
        return `${name}: ${said}`;
      }
    }
    return 'nothing applicable';
  }

  private pickOp(): [string, () => string | null] {
    const ops: [number, string, () => string | null][] = [
      [12, 'invoice', () => this.invoice()],
      [6, 'entry', () => this.entry()],
      [10, 'pay', () => this.pay()],
      [8, 'reconcile', () => this.reconcile()],
      [4, 'unreconcile-full', () => this.unreconcileFull()],
      [4, 'unreconcile-partial', () => this.unreconcilePartial()],
      [5, 'post', () => this.post()],
      [4, 'reset-to-draft', () => this.resetToDraft()],
      [4, 'cancel', () => this.cancel()],
      [10, 'edit-draft', () => this.editDraft()],
      [6, 'correct-posted', () => this.correctPosted()],
      [5, 'due-date', () => this.dueDate()],
      [4, 'delete-draft', () => this.deleteDraft()],
      [3, 'delete-posted', () => this.deletePosted()],
      [2, 'ref', () => this.ref()],
      [4, 'move-company', () => this.moveCompany()],
      ...MASTER_DATA_CHANGES.map(([w, name, op]): [number, string, () => string | null] => [
        w,
        name,
        () => op(this),
      ]),
      [2, 'activity', () => `${this.c.activity.step(this.rnd.int(1, 5)).changes} changes`],
    ];
    const total = ops.reduce((s, [w]) => s + w, 0);
    let r = this.rnd.next() * total;
    for (const [w, name, op] of ops) {
      r -= w;
      if (r < 0) return [name, op];
    }
    const [, name, op] = ops[ops.length - 1];
    return [name, op];
  }

  private invoice(): string {
    const c = this.company();
    const moveType = this.rnd.pick([
      'out_invoice',
      'out_invoice',
      'in_invoice',
      'out_refund',
      'in_refund',
    ] as const);
    const out = moveType.startsWith('out');
    const foreign = this.rnd.chance(0.15) ? this.rnd.pick(c.foreign) : undefined;
    const terms = this.rnd.pick([
      [{ fraction: 1, days: 0 }],
      [{ fraction: 1, days: 30 }],
      [
        { fraction: 0.4, days: 15 },
        { fraction: 0.6, days: 45 },
      ],
      [
        { fraction: 0.3, days: 0 },
        { fraction: 0.3, days: 30 },
        { fraction: 0.4, days: 90 },
      ],
    ]);
    const lines = Array.from({ length: this.rnd.int(1, 3) }, () => ({
      name: out ? 'Servicio' : 'Compra',
      accountId: out ? c.accounts.income : c.accounts.expense,
      quantity: this.rnd.int(1, 5),
      price: this.rnd.int(100, 500_000) / 100,
    }));
    const state = this.rnd.chance(0.7) ? 'posted' : 'draft';
    const date = this.day(this.today, -200, 20);
    const { moveId } = this.c.edits.createInvoice({
      companyId: c.id,
      moveType,
      partnerId: this.partner(c.id),
      date,
      currencyId: foreign?.currencyId,
      lines,
      state,
      terms,
    });
    return `${state} ${moveType} ${moveId} of company ${c.id} dated ${date}`;
  }

  private entry(): string {
    const c = this.company();
    const amount = this.rnd.int(100, 300_000) / 100;
    const trade = this.rnd.pick([
      c.accounts.receivable,
      c.accounts.payable,
      c.accounts.asset_current,
    ]);
    const partner = this.rnd.chance(0.85) ? this.partner(c.id) : undefined;
    const sign = this.rnd.chance(0.5) ? 1 : -1;
    const other = this.rnd.pick([c.accounts.income_other, c.accounts.expense, c.accounts.bank]);
    const state = this.rnd.chance(0.8) ? 'posted' : 'draft';
    const date = this.day(this.today, -300, 10);
    const id = this.c.edits.createEntry({
      companyId: c.id,
      date,
      state,
      ref: 'Property test',
      lines: [
        { accountId: trade, partnerId: partner, name: 'Ajuste', balance: sign * amount },
        { accountId: other, name: 'Ajuste', balance: -sign * amount },
      ],
    });
    return `${state} entry ${id} on account ${trade} partner ${partner ?? '-'} ${sign * amount}`;
  }

  private pay(): string | null {
    const residual = this.col('account.move', 'amount_residual') as Float64Array;
    const date = this.col('account.move', 'date') as Int32Array;
    const open = this.moves((p, s, t) => s === 'posted' && t !== 'entry' && residual[p] > 0);
    if (!open.length) return null;
    const id = this.rnd.pick(open);
    const p = this.pos('account.move', id);
    const left = Math.round(residual[p] * 100);
    const amount = this.rnd.chance(0.4)
      ? Math.max(1, Math.round(left * (0.2 + this.rnd.next() * 0.6)))
      : left;
    const on = this.day(Math.min(date[p], this.today), 0, 25);
    if (this.c.store.traits.payments18 && this.rnd.chance(0.1)) {
      const pid = this.c.store.transaction((tx) =>
        this.c.books.payWithoutMove(tx, id, dateToDays(on), amount),
      );
      return `payment ${pid} without entry of ${amount / 100} on move ${id}`;
    }
    const pid = this.c.pay(id, amount / 100, on);
    return `payment ${pid} of ${amount / 100} on move ${id} dated ${on}`;
  }

  /** Open posted items of one reconcilable account: [debits, credits] (same company). */
  private openItems(): [number[], number[]] | null {
    const lt = 'account.move.line';
    const account = this.col(lt, 'account_id') as Int32Array;
    const state = this.col(lt, 'parent_state');
    const residual = this.col(lt, 'amount_residual') as Float64Array;
    const reconcilable = [...this.c.books.accountMeta]
      .filter(([, m]) => m.reconcile)
      .map(([id]) => id);
    const acc = this.rnd.pick(reconcilable);
    const open = (sign: number) =>
      this.ids(
        lt,
        (p) =>
          account[p] === acc &&
          state[p] === 'posted' &&
          Math.sign(Math.round(residual[p] * 100)) === sign,
      );
    const debits = open(1);
    const credits = open(-1);
    return debits.length && credits.length ? [debits, credits] : null;
  }

  private reconcile(): string | null {
    const items = this.openItems();
    if (!items) return null;
    const [debits, credits] = items;
    const lt = 'account.move.line';
    const partner = this.col(lt, 'partner_id') as Int32Array;
    const company = this.col(lt, 'company_id') as Int32Array;
    const residual = this.col(lt, 'amount_residual') as Float64Array;
    const d = this.rnd.pick(debits);
    const dp = this.pos(lt, d);
    const same = credits.filter((id) => company[this.pos(lt, id)] === company[dp]);
    const mine = same.filter((id) => partner[this.pos(lt, id)] === partner[dp]);
    const pool = mine.length && this.rnd.chance(0.7) ? mine : same;
    if (!pool.length) return null;
    const cr = this.rnd.pick(pool);
    const most = Math.min(
      Math.round(residual[dp] * 100),
      -Math.round(residual[this.pos(lt, cr)] * 100),
    );
    const partial = this.rnd.chance(0.4) && most > 1;
    const amount = partial ? Math.max(1, Math.floor(most * this.rnd.next())) / 100 : undefined;
    const r = this.c.reconcile(d, cr, amount);
    return `lines ${d}/${cr} ${amount ?? 'full'} → partial ${r.partialId}${r.fullReconcileId ? ` full ${r.fullReconcileId}` : ''}`;
  }

  private unreconcileFull(): string | null {
    const full = this.col('account.move.line', 'full_reconcile_id') as Int32Array;
    const lines = this.ids('account.move.line', (p) => full[p] !== 0);
    if (!lines.length) return null;
    const id = this.rnd.pick(lines);
    return `line ${id}: partials ${this.c.unreconcile([id]).partialIds.join(',')} removed`;
  }

  private unreconcilePartial(): string | null {
    const partials = this.ids('account.partial.reconcile', () => true);
    if (!partials.length) return null;
    const id = this.rnd.pick(partials);
    this.c.delete('account.partial.reconcile', id);
    return `partial ${id} removed`;
  }

  private post(): string | null {
    const drafts = this.plainMoves((s) => s === 'draft');
    if (!drafts.length) return null;
    const id = this.rnd.pick(drafts);
    this.c.edits.post(id);
    return `move ${id} posted`;
  }

  private resetToDraft(): string | null {
    const moves = this.moves((_, s) => s === 'posted' || s === 'cancel');
    if (!moves.length) return null;
    const id = this.rnd.pick(moves);
    this.c.edits.resetToDraft(id);
    return `move ${id} reset to draft`;
  }

  private cancel(): string | null {
    const moves = this.moves((_, s) => s === 'posted' || s === 'draft');
    if (!moves.length) return null;
    const id = this.rnd.pick(moves);
    this.c.edits.cancel(id);
    return `move ${id} cancelled`;
  }

  /** A random edit of a draft: date, partner, amounts, installments (at least one). */
  private draftEdit(moveId: number) {
    const p = this.pos('account.move', moveId);
    const company = (this.col('account.move', 'company_id') as Int32Array)[p];
    const date = (this.col('account.move', 'date') as Int32Array)[p];
    const e: { date?: string; partnerId?: number; factor?: number; terms?: number } = {};
    while (Object.keys(e).length === 0) {
      if (this.rnd.chance(0.4)) e.date = this.day(date, -60, 60);
      if (this.rnd.chance(0.3)) e.partnerId = this.partner(company);
      if (this.rnd.chance(0.4)) e.factor = this.rnd.pick([0.5, 0.9, 1.1, 1.37, 2]);
      if (this.rnd.chance(0.3)) e.terms = this.rnd.int(1, 3);
    }
    this.c.edits.editDraft(moveId, e);
    return JSON.stringify(e);
  }

  private editDraft(): string | null {
    const drafts = this.plainMoves((s) => s === 'draft');
    if (!drafts.length) return null;
    const id = this.rnd.pick(drafts);
    return `move ${id} ${this.draftEdit(id)}`;
  }

  /** Reset to draft, edit, post again: three user actions, three transactions. */
  private correctPosted(): string | null {
    const posted = this.plainMoves((s, t) => s === 'posted' && t !== 'entry');
    if (!posted.length) return null;
    const id = this.rnd.pick(posted);
    this.c.edits.resetToDraft(id);
    const said = this.draftEdit(id);
    this.c.edits.post(id);
    return `move ${id} reset, ${said}, posted`;
  }

  private dueDate(): string | null {
    const lt = 'account.move.line';
    const due = this.col(lt, 'date_maturity') as Int32Array;
    const residual = this.col(lt, 'amount_residual') as Float64Array;
    const kind = this.col(lt, 'display_type');
    const lines = this.ids(
      lt,
      (p) => kind[p] === 'payment_term' && residual[p] !== 0 && due[p] !== NO_DATE,
    );
    if (!lines.length) return null;
    const id = this.rnd.pick(lines);
    const on = this.day(due[this.pos(lt, id)], -45, 75);
    this.c.edits.setMaturity(id, on);
    return `line ${id} due ${on}`;
  }

  private deleteDraft(): string | null {
    const moves = this.plainMoves((s) => s === 'draft' || s === 'cancel');
    if (!moves.length) return null;
    const id = this.rnd.pick(moves);
    this.c.delete('account.move', id);
    return `move ${id} deleted`;
  }

  /** A posted invoice, entry or payment: reset to draft, then deleted with its lines. */
  private deletePosted(): string | null {
    const moves = this.moves((_, s) => s === 'posted');
    if (!moves.length) return null;
    const id = this.rnd.pick(moves);
    this.c.edits.resetToDraft(id);
    this.c.delete('account.move', id);
    return `move ${id} reset and deleted`;
  }

  private ref(): string | null {
    const moves = this.moves(() => true);
    const id = this.rnd.pick(moves);
    this.c.update('account.move', id, { ref: `REF-${this.rnd.int(1, 99_999)}` });
    return `move ${id} ref changed`;
  }

  private moveCompany(): string | null {
    const drafts = this.plainMoves((s) => s === 'draft');
    if (!drafts.length) return null;
    const id = this.rnd.pick(drafts);
    const p = this.pos('account.move', id);
    const from = (this.col('account.move', 'company_id') as Int32Array)[p];
    const to = this.rnd.pick(this.c.books.companies.filter((c) => c.id !== from));
    const partner = (this.col('account.move', 'partner_id') as Int32Array)[p];
    const owner = partner
      ? (this.col('res.partner', 'company_id') as Int32Array)[this.pos('res.partner', partner)]
      : 0;
    const partnerId = owner && owner !== to.id ? this.partner(to.id) : undefined;
    this.c.edits.editDraft(id, { companyId: to.id, partnerId });
    const post = this.rnd.chance(0.6);
    if (post) this.c.edits.post(id);
    return `move ${id} from company ${from} to ${to.id}${post ? ', posted' : ''}`;
  }
}
