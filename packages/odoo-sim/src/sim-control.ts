import { type AgedRow, agedBalance } from './aged-balance.ts';
import type { Books } from './books.ts';
import { datetimeToUs, usToDatetimeFull } from './dates.ts';
import type { Fault } from './faults.ts';
import type { OdooHttpServer, RequestCounts } from './odoo-http-server.ts';
import { makeEnv, search } from './query.ts';
import { readPage } from './reader.ts';
import type { Store, Tx } from './store.ts';
import { upgradeStore } from './upgrade.ts';
import { isOdooVersion, type OdooVersion } from './versions.ts';

/** One operation of a control-API transaction. */
export type SimOp =
  | { op: 'create'; model: string; values: Record<string, unknown> }
  | { op: 'update'; model: string; ids: number | number[]; values: Record<string, unknown> }
  | { op: 'delete'; model: string; ids: number | number[]; force?: boolean }
  | { op: 'archive'; model: string; ids: number | number[] };

/**
 * A transaction that started `startedSecondsAgo` seconds ago and stays invisible until
 * `commit()`: everything it writes then carries the *start* time as write_date, like a
 * long-running Odoo cron or import. Ids are taken at create time (sequences are not
 * transactional), so they can be lower than ids committed meanwhile.
 */
export class SimTransaction {
  private ops: { op: SimOp; id?: number }[] = [];
  private done = false;
  constructor(
    private readonly control: SimControl,
    readonly startUs: number,
  ) {}

  get writeDate(): string {
    return usToDatetimeFull(this.startUs);
  }

  create(model: string, values: Record<string, unknown>): number {
    this.check();
    const id = this.control.store.nextId(model);
    this.ops.push({ op: { op: 'create', model, values }, id });
    return id;
  }
  update(model: string, ids: number | number[], values: Record<string, unknown>): void {
    this.check();
    this.ops.push({ op: { op: 'update', model, ids, values } });
  }
  delete(model: string, ids: number | number[], opts: { force?: boolean } = {}): void {
    this.check();
    this.ops.push({ op: { op: 'delete', model, ids, force: opts.force } });
  }
  archive(model: string, ids: number | number[]): void {
    this.check();
    this.ops.push({ op: { op: 'archive', model, ids } });
  }
  apply(op: SimOp): number | undefined {
    switch (op.op) {
      case 'create':
        return this.create(op.model, op.values);
      case 'update':
        return void this.update(op.model, op.ids, op.values);
      case 'delete':
        return void this.delete(op.model, op.ids, { force: op.force });
      case 'archive':
        return void this.archive(op.model, op.ids);
    }
  }

  commit(): void {
    this.check();
    this.done = true;
    const store = this.control.store;
    store.transaction((tx) => {
      for (const { op, id } of this.ops) runOp(tx, op, id);
    }, this.startUs);
  }

  rollback(): void {
    this.done = true;
  }

  private check(): void {
    if (this.done) throw new Error('SimTransaction: already committed or rolled back');
  }
}

function idList(ids: number | number[]): number[] {
  return Array.isArray(ids) ? ids : [ids];
}

function runOp(tx: Tx, op: SimOp, id?: number): void {
  switch (op.op) {
    case 'create':
      tx.create(op.model, op.values, id);
      return;
    case 'update':
      tx.write(op.model, idList(op.ids), op.values);
      return;
    case 'delete':
      tx.unlink(op.model, idList(op.ids), { force: op.force });
      return;
    case 'archive': {
      const t = tx.store.table(op.model);
      const active = t.def.activeField;
      if (!active) throw new Error(`${op.model} has no archive flag`);
      tx.write(op.model, idList(op.ids), { [active]: false });
    }
  }
}

export interface ActivityHandle {
  start(intervalMs?: number): void;
  stop(): void;
  step(n?: number): { changes: number };
  readonly running: boolean;
}

/** Test control of a running simulator (also served as JSON under `/sim/<action>`). */
export class SimControl {
  private txs = new Map<number, SimTransaction>();
  private nextTx = 1;
  private namesBase = 0;
  activity!: ActivityHandle;

  constructor(
    readonly store: Store,
    readonly books: Books,
    private readonly server: OdooHttpServer,
  ) {}

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
    return new SimTransaction(this, this.store.clock.nowUs() - Math.round(startedSecondsAgo * 1e6));
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

  /** HTTP bridge: `/sim/<action>` with a JSON body. */
  async handle(action: string, b: any, url: URL): Promise<unknown> {
    switch (action) {
      case 'create':
        return { id: this.create(b.model, b.values) };
      case 'update':
        this.update(b.model, b.ids, b.values);
        return { ok: true };
      case 'delete':
        this.delete(b.model, b.ids, { force: b.force === true });
        return { ok: true };
      case 'archive':
        this.archive(b.model, b.ids);
        return { ok: true };
      case 'unarchive':
        this.unarchive(b.model, b.ids);
        return { ok: true };
      case 'long-transaction': {
        const { writeDate, result } = this.longTransaction(b.startedSecondsAgo ?? 300, (tx) =>
          (b.ops as SimOp[]).map((op) => tx.apply(op)),
        );
        return { writeDate, ids: result };
      }
      case 'begin': {
        const tx = this.begin(b.startedSecondsAgo ?? 0);
        const txId = this.nextTx++;
        this.txs.set(txId, tx);
        return { txId, writeDate: tx.writeDate };
      }
      case 'tx': {
        const tx = this.txOf(b.txId);
        return { ids: (b.ops as SimOp[]).map((op) => tx.apply(op)) };
      }
      case 'commit':
        this.txOf(b.txId).commit();
        this.txs.delete(b.txId);
        return { ok: true };
      case 'rollback':
        this.txOf(b.txId).rollback();
        this.txs.delete(b.txId);
        return { ok: true };
      case 'reconcile':
        return this.reconcile(b.debitLineId, b.creditLineId, b.amount);
      case 'reconcile-without-write-date':
        return this.reconcileWithoutWriteDate(b.lineIds);
      case 'pay':
        return { paymentId: this.pay(b.moveId, b.amount, b.date) };
      case 'unreconcile':
        return this.unreconcile(b.lineIds);
      case 'set-write-date':
        this.setWriteDate(b.model, b.ids, b.writeDate);
        return { ok: true };
      case 'field-hidden':
        this.setFieldHidden(b.model, b.field, b.hidden !== false);
        return { ok: true };
      case 'burst':
        return this.burst(b.n ?? 10, b);
      case 'truth':
        return this.truth(b.model ?? url.searchParams.get('model'));
      case 'set-company-value':
        this.setCompanyValue(b.model, b.ids, b.companyId, b.values);
        return { ok: true };
      case 'read-as':
        return this.readAs(b.model, b.companyId, b.fields);
      case 'upgrade':
        return this.upgrade(b.to);
      case 'name-cost':
        this.setNameCost(Number(b.us));
        return { us: this.store.nameCostUs };
      case 'request-counts':
        return this.requestCounts();
      case 'reset-counters':
        this.resetCounters();
        return { ok: true };
      case 'fault':
        return { id: await this.setFault(b) };
      case 'clear-faults':
        await this.clearFaults();
        return { ok: true };
      case 'faults':
        return this.faults();
      case 'clock':
        if ('time' in b) this.setClock(b.time, b);
        if (b.advanceSeconds) this.advanceClock(b.advanceSeconds);
        return { now: this.now() };
      case 'aged-balance':
        return this.agedBalance(
          b.asOf ?? url.searchParams.get('asOf'),
          b.kind ?? url.searchParams.get('kind'),
          b.companyId,
        );
      case 'activity':
        if (b.action === 'start') this.activity.start(b.intervalMs);
        else if (b.action === 'stop') this.activity.stop();
        else if (b.action === 'step') return this.activity.step(b.n ?? 1);
        return { running: this.activity.running };
      case 'stats':
        return this.stats();
      default: {
        const err = new Error(`unknown control action '${action}'`);
        (err as any).status = 404;
        throw err;
      }
    }
  }

  private txOf(id: number): SimTransaction {
    const tx = this.txs.get(id);
    if (!tx) throw new Error(`no open transaction ${id}`);
    return tx;
  }
}
