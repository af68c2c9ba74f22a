import { usToDatetimeFull } from './dates.ts';
import type { Store, Tx } from './store.ts';

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
    private readonly store: Store,
    readonly startUs: number,
  ) {}

  get writeDate(): string {
    return usToDatetimeFull(this.startUs);
  }

  create(model: string, values: Record<string, unknown>): number {
    this.check();
    const id = this.store.nextId(model);
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
    const store = this.store;
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

export function idList(ids: number | number[]): number[] {
  return Array.isArray(ids) ? ids : [ids];
}

export function runOp(tx: Tx, op: SimOp, id?: number): void {
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
