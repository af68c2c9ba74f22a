import type { Books } from './books.ts';
import {
  actionPost,
  buttonCancel,
  buttonDraft,
  type DraftEdit,
  editDraft,
  setMaturity,
} from './books-edit.ts';
import {
  type AccountEdit,
  renamePartner,
  setCurrencyDecimals,
  setPartnerCompany,
  writeAccount,
} from './books-master-data.ts';
import type { EntryLine, ProductLine } from './books-types.ts';
import { dateToDays } from './dates.ts';
import type { Store } from './store.ts';

/** An invoice as a control call describes it: ids, ISO dates, amounts in currency units. */
export interface InvoiceInput {
  companyId: number;
  moveType: 'out_invoice' | 'out_refund' | 'in_invoice' | 'in_refund';
  partnerId: number;
  date: string;
  /** A foreign currency of the company (default its own, rate 1). */
  currencyId?: number;
  lines: { name: string; accountId: number; quantity: number; price: number }[];
  state?: 'draft' | 'posted';
  /** Installments: fraction of the total and days after the date (default all at 30 days). */
  terms?: { fraction: number; days: number }[];
}

export interface EntryInput {
  companyId: number;
  date: string;
  lines: { accountId: number; partnerId?: number; name: string; balance: number }[];
  state?: 'draft' | 'posted';
  ref?: string;
}

/** A draft edit as a control call describes it (ISO date). */
export type DraftEditInput = Omit<DraftEdit, 'date'> & { date?: string };

/**
 * What users do to entries and master data in Odoo's UI, each call one transaction with
 * Odoo's rules (books-edit.ts, books-master-data.ts): refusals are Odoo's errors and change
 * nothing. Served as `/sim/edit` with `{ "op": "<method>", "args": [...] }`.
 */
export class SimEdits {
  constructor(
    private readonly store: Store,
    private readonly books: Books,
  ) {}

  createInvoice(s: InvoiceInput): { moveId: number; termLineIds: number[] } {
    const c = this.books.companyOf(s.companyId);
    const foreign = c.foreign.find((f) => f.currencyId === s.currencyId);
    const lines: ProductLine[] = s.lines.map((l) => ({
      name: l.name,
      accountId: l.accountId,
      quantity: l.quantity,
      priceCents: Math.round(l.price * 100),
    }));
    return this.store.transaction((tx) =>
      this.books.createInvoice(tx, {
        company: c,
        moveType: s.moveType,
        partnerId: s.partnerId,
        date: dateToDays(s.date),
        currencyId: foreign?.currencyId ?? c.currencyId,
        rate: foreign?.rate ?? 1,
        lines,
        state: s.state ?? 'posted',
        terms: s.terms ?? [{ fraction: 1, days: 30 }],
      }),
    );
  }

  createEntry(s: EntryInput): number {
    const lines: EntryLine[] = s.lines.map((l) => ({
      accountId: l.accountId,
      partnerId: l.partnerId,
      name: l.name,
      balanceCents: Math.round(l.balance * 100),
    }));
    if (lines.reduce((sum, l) => sum + l.balanceCents, 0) !== 0) {
      throw new Error('createEntry: the lines do not balance');
    }
    return this.store.transaction((tx) =>
      this.books.createEntry(
        tx,
        this.books.companyOf(s.companyId),
        dateToDays(s.date),
        lines,
        s.state ?? 'posted',
        s.ref ?? 'Entry',
      ),
    );
  }

  resetToDraft(moveId: number): void {
    this.store.transaction((tx) => buttonDraft(this.books, tx, moveId));
  }

  cancel(moveId: number): void {
    this.store.transaction((tx) => buttonCancel(this.books, tx, moveId));
  }

  post(moveId: number): void {
    this.store.transaction((tx) => actionPost(this.books, tx, moveId));
  }

  editDraft(moveId: number, e: DraftEditInput): void {
    const edit: DraftEdit = { ...e, date: e.date === undefined ? undefined : dateToDays(e.date) };
    this.store.transaction((tx) => editDraft(this.books, tx, moveId, edit));
  }

  setMaturity(lineId: number, date: string): void {
    this.store.transaction((tx) => setMaturity(this.books, tx, lineId, dateToDays(date)));
  }

  writeAccount(accountId: number, e: AccountEdit): void {
    this.store.transaction((tx) => writeAccount(this.books, tx, accountId, e));
  }

  setCurrencyDecimals(currencyId: number, places: number): void {
    this.store.transaction((tx) => setCurrencyDecimals(this.books, tx, currencyId, places));
  }

  renamePartner(partnerId: number, name: string): void {
    this.store.transaction((tx) => renamePartner(this.books, tx, partnerId, name));
  }

  setPartnerCompany(partnerId: number, companyId: number): void {
    this.store.transaction((tx) => setPartnerCompany(this.books, tx, partnerId, companyId));
  }

  /** The HTTP bridge: one of the methods above by name, with its arguments. */
  call(op: string, args: unknown[]): unknown {
    const ops: Record<string, (...a: any[]) => unknown> = {
      createInvoice: (s) => this.createInvoice(s),
      createEntry: (s) => this.createEntry(s),
      resetToDraft: (id) => this.resetToDraft(id),
      cancel: (id) => this.cancel(id),
      post: (id) => this.post(id),
      editDraft: (id, e) => this.editDraft(id, e),
      setMaturity: (id, d) => this.setMaturity(id, d),
      writeAccount: (id, e) => this.writeAccount(id, e),
      setCurrencyDecimals: (id, n) => this.setCurrencyDecimals(id, n),
      renamePartner: (id, n) => this.renamePartner(id, n),
      setPartnerCompany: (id, c) => this.setPartnerCompany(id, c),
    };
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown edit '${op}'`), { status: 404 });
    return fn(...args) ?? { ok: true };
  }
}
