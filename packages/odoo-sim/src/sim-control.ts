import { type AgedRow, agedBalance } from './aged-balance.ts';
import type { Books } from './books.ts';
import { datetimeToUs, usToDatetimeFull } from './dates.ts';
import type { Fault } from './faults.ts';
import type { OdooHttpServer, RequestCounts } from './odoo-http-server.ts';
import { makeEnv, search } from './query.ts';
import { readPage } from './reader.ts';
import { SimEdits } from './sim-control-edits.ts';
import { handleControl } from './sim-control-http.ts';
import { idList, runOp, SimTransaction } from './sim-transaction.ts';
import type { Store } from './store.ts';
import { upgradeStore } from './upgrade.ts';
import { isOdooVersion, type OdooVersion } from './versions.ts';

export { type SimOp, SimTransaction } from './sim-transaction.ts';

export interface ActivityHandle {
  start(intervalMs?: number): void;
  stop(): void;
  step(n?: number): { changes: number };
  readonly running: boolean;
}

/** Test control of a running simulator (also served as JSON under `/sim/<action>`). */
export class SimControl {
  readonly txs = new Map<number, SimTransaction>();
  nextTx = 1;
  private namesBase = 0;
  activity!: ActivityHandle;
  /** Users' edits of entries and master data with Odoo's rules (reset to draft, cancel…). */
  readonly edits: SimEdits;

  constructor(
    readonly store: Store,
    readonly books: Books,
    private readonly server: OdooHttpServer,
  ) {
    this.edits = new SimEdits(store, books);
  }

  create(model: string, values: Record<string, unknown>): number {
    return this.store.transaction((tx) => tx.create(model, values));
  }

  update(model: string, ids: number | number[], values: Record<string, unknown>): void {
    this.store.transaction((tx) => tx.write(model, idList(ids), values));
  }

  /**
   * Deletes like Odoo's ORM unlink: a move takes its lines and payment, reconciled lines are
   * unreconciled first (the other side's residuals come back). Entries of posted moves are
   * refused (UserError) unless `force`.
   */
  delete(model: string, ids: number | number[], opts: { force?: boolean } = {}): void {
    this.store.transaction((tx) => tx.unlink(model, idList(ids), opts));
  }

  archive(model: string, ids: number | number[]): void {
    this.store.transaction((tx) => runOp(tx, { op: 'archive', model, ids }));
  }

  unarchive(model: string, ids: number | number[]): void {
    const active = this.store.table(model).def.activeField;
    if (!active) throw new Error(`${model} has no archive flag`);
    this.update(model, ids, { [active]: true });
  }

  /** Opens a transaction whose write_date is `startedSecondsAgo` in the past. */
  begin(startedSecondsAgo = 0): SimTransaction {
    return new SimTransaction(
      this.store,
      this.store.clock.nowUs() - Math.round(startedSecondsAgo * 1e6),
    );
  }

  /** Runs `fn` in a transaction started `startedSecondsAgo` ago and commits it now. */
  longTransaction<T>(
    startedSecondsAgo: number,
    fn: (tx: SimTransaction) => T,
  ): { result: T; writeDate: string } {
    const tx = this.begin(startedSecondsAgo);
    const result = fn(tx);
    tx.commit();
    return { result, writeDate: tx.writeDate };
  }

  /** Proper reconciliation (partial, residuals with write_date, matching renumbering). */
  reconcile(
    debitLineId: number,
    creditLineId: number,
    amount?: number,
  ): { partialId: number; fullReconcileId: number | false } {
    return this.store.transaction((tx) => {
      const partialId = this.books.reconcile(
        tx,
        debitLineId,
        creditLineId,
        amount === undefined ? undefined : Math.round(amount * 100),
      );
      const lt = this.store.table('account.move.line');
      const full = (lt.col('full_reconcile_id').data as Int32Array)[lt.pos(debitLineId)];
      for (const id of [debitLineId, creditLineId]) {
        const moveId = (lt.col('move_id').data as Int32Array)[lt.pos(id)];
        this.books.refreshMove(tx, moveId, true);
      }
      return { partialId, fullReconcileId: full || false };
    });
  }

  /** Odoo 17+ raw-SQL effect: full_reconcile_id/matching_number change, write_date does not. */
  reconcileWithoutWriteDate(lineIds: number[]): {
    fullReconcileId: number;
    matchingNumber: string;
  } {
    const fullId = this.store.transaction((tx) => this.books.forceFullReconcile(tx, lineIds));
    const lt = this.store.table('account.move.line');
    const matching = lt.col('matching_number').data as (string | false)[];
    return { fullReconcileId: fullId, matchingNumber: String(matching[lt.pos(lineIds[0])]) };
  }

  /** Registers a payment on an invoice (amount in the invoice currency; default: all). */
  pay(moveId: number, amount?: number, date?: string): number {
    return this.store.transaction((tx) => {
      const day = date
        ? Math.floor(datetimeToUs(date) / 86_400_000_000)
        : Math.floor(tx.now / 86_400_000_000);
      return this.books.pay(
        tx,
        moveId,
        day,
        amount === undefined ? undefined : Math.round(amount * 100),
      );
    });
  }

  /**
   * `n` separate transactions whose write_dates all fall in one second (distinct µs):
   * updates `ref` of journal items (or `field` of `model` rows), cycling through live rows.
   */
  burst(
    n: number,
    opts: { model?: string; field?: string } = {},
  ): { model: string; ids: number[]; second: string } {
    const model = opts.model ?? 'account.move.line';
    const field = opts.field ?? (model === 'res.partner' ? 'email' : 'ref');
    const t = this.store.table(model);
    const base = Math.floor(this.store.clock.nowUs() / 1e6) * 1e6;
    const ids: number[] = [];
    for (let p = t.n - 1; p >= 0 && ids.length < n; p--) if (t.alive[p]) ids.push(t.ids[p]);
    ids.forEach((id, i) => {
      const us = base + Math.floor(((i + 1) * 999_999) / (ids.length + 1));
      this.store.transaction((tx) => tx.write(model, [id], { [field]: `burst ${i} @${us}` }), us);
    });
    return { model, ids, second: usToDatetimeFull(base).slice(0, 19) };
  }

  /**
   * Removes the partial reconciles touching these journal items, as the "Unreconcile" button
   * does: residuals come back, full reconciles of those partials go, matching is renumbered.
   */
  unreconcile(lineIds: number[]): { partialIds: number[] } {
    const pt = this.store.table('account.partial.reconcile');
    const debit = pt.col('debit_move_id').data as Int32Array;
    const credit = pt.col('credit_move_id').data as Int32Array;
    const lines = new Set(lineIds);
    const partialIds: number[] = [];
    for (let p = 0; p < pt.n; p++) {
      if (pt.alive[p] && (lines.has(debit[p]) || lines.has(credit[p]))) partialIds.push(pt.ids[p]);
    }
    this.delete('account.partial.reconcile', partialIds);
    return { partialIds };
  }

  /**
   * Sets write_date itself, as raw SQL or a skewed server clock would: e.g. a record dated
   * 9999-12-31 by a broken import. Nothing else changes.
   */
  setWriteDate(model: string, ids: number | number[], writeDate: string): void {
    const t = this.store.table(model);
    const us = datetimeToUs(writeDate);
    const wd = t.col('write_date').data as Float64Array;
    for (const id of idList(ids)) {
      const p = t.pos(id);
      if (p < 0) throw new Error(`setWriteDate: ${model} ${id} does not exist`);
      wd[p] = us;
      t.noteWrite(p, us);
    }
    t.version++;
    this.store.changeCount++;
  }

  /** Hides a stored field from fields_get (`false`: shows it again, values as they are). */
  setFieldHidden(model: string, field: string, hidden: boolean): void {
    if (!this.store.table(model).def.byName.has(field)) {
      throw new Error(`setFieldHidden: ${model} has no field ${field}`);
    }
    const set = this.store.hiddenFields.get(model) ?? new Set<string>();
    this.store.hiddenFields.set(model, set);
    if (hidden) set.add(field);
    else set.delete(field);
  }

  /**
   * Every live row, every stored column; a company-dependent column is an object
   * `{"<company id>": value}` of the companies with a value of their own (the jsonb).
   */
  truth(model: string): Record<string, unknown>[] {
    return this.store.truth(model);
  }

  /**
   * Writes company-dependent fields (or any field) as a user of `companyId` would: that
   * company's value changes, write_date bumps as for `write()`.
   */
  setCompanyValue(
    model: string,
    ids: number | number[],
    companyId: number,
    values: Record<string, unknown>,
  ): void {
    if (!this.store.userCompanyIds.includes(companyId)) {
      throw new Error(`setCompanyValue: unknown company ${companyId}`);
    }
    this.store.transaction((tx) => {
      tx.companyId = companyId;
      tx.write(model, idList(ids), values);
    });
  }

  /**
   * What `search_read` answers under `allowed_company_ids=[companyId]` (records visible in
   * that company, archived ones too, many2one as ids): for company-dependent fields, each
   * company's truth. Default fields: the model's company-dependent ones (+ 18's `code`).
   */
  readAs(model: string, companyId: number, fields?: string[]): Record<string, unknown>[] {
    const t = this.store.table(model);
    const names =
      fields ??
      t.def.fields
        .filter((f) => f.companyDependent || (f.column && f.column !== f.name))
        .map((f) => f.name);
    const env = makeEnv(this.store, { allowed_company_ids: [companyId], active_test: false });
    const positions = search(this.store, t, [], env, { order: 'id' });
    return readPage(this.store, t, positions, names, env, '').toPlain();
  }

  /** In-place upgrade (see upgrade.ts): catalog and data switch, write_date and ids stay. */
  upgrade(to: OdooVersion): { from: number; to: number } {
    if (!isOdooVersion(to)) throw new Error(`upgrade: unsupported version ${String(to)}`);
    const from = this.store.version;
    upgradeStore(this.store, this.books, to);
    return { from, to };
  }

  requestCounts(): RequestCounts {
    return {
      ...this.server.counts,
      faultsInjected: this.server.faults.injected,
      namesComputed: this.store.namesComputed - this.namesBase,
    };
  }

  resetCounters(): void {
    this.server.resetCounts();
    this.namesBase = this.store.namesComputed;
  }

  /** CPU µs one display name costs (0 disables); see DEFAULT_NAME_COST_US. */
  setNameCost(us: number): void {
    this.store.nameCostUs = Math.max(0, us);
  }

  /** Injects a fault; `down` closes the listener (connection refused) until cleared/expired. */
  async setFault(fault: Fault): Promise<number> {
    if (fault.kind === 'down') {
      await this.server.down(fault.forMs);
      return 0;
    }
    return this.server.faults.add(fault);
  }

  async clearFaults(): Promise<void> {
    this.server.faults.clear();
    await this.server.up();
  }

  faults(): Fault[] {
    return this.server.faults.list();
  }

  /** Sets the database clock (ISO/Odoo datetime string or µs); `null` returns to real time. */
  setClock(time: string | number | null, opts: { frozen?: boolean } = {}): void {
    const us = time === null ? null : typeof time === 'number' ? time : datetimeToUs(time);
    this.store.clock.set(us, opts.frozen ?? false);
  }

  advanceClock(seconds: number): void {
    this.store.clock.advance(Math.round(seconds * 1e6));
  }

  now(): string {
    return usToDatetimeFull(this.store.clock.nowUs());
  }

  agedBalance(asOf: string, kind: 'receivable' | 'payable', companyId?: number): AgedRow[] {
    return agedBalance(this.store, asOf, kind, companyId);
  }

  stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, t] of this.store.tables) out[name] = t.liveCount;
    return out;
  }

  /** HTTP bridge: `/sim/<action>` with a JSON body (see sim-control-http.ts). */
  handle(action: string, b: any, url: URL): Promise<unknown> {
    return handleControl(this, action, b, url);
  }

  txOf(id: number): SimTransaction {
    const tx = this.txs.get(id);
    if (!tx) throw new Error(`no open transaction ${id}`);
    return tx;
  }
}
