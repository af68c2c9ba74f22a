import type { SimControl } from './sim-control.ts';
import type { SimOp } from './sim-transaction.ts';

/** `/sim/<action>` with a JSON body: the control API over HTTP, for other processes. */
export async function handleControl(
  c: SimControl,
  action: string,
  b: any,
  url: URL,
): Promise<unknown> {
  switch (action) {
    case 'create':
      return { id: c.create(b.model, b.values) };
    case 'update':
      c.update(b.model, b.ids, b.values);
      return { ok: true };
    case 'delete':
      c.delete(b.model, b.ids, { force: b.force === true });
      return { ok: true };
    case 'archive':
      c.archive(b.model, b.ids);
      return { ok: true };
    case 'unarchive':
      c.unarchive(b.model, b.ids);
      return { ok: true };
    case 'long-transaction': {
      const { writeDate, result } = c.longTransaction(b.startedSecondsAgo ?? 300, (tx) =>
        (b.ops as SimOp[]).map((op) => tx.apply(op)),
      );
      return { writeDate, ids: result };
    }
    case 'begin': {
      const tx = c.begin(b.startedSecondsAgo ?? 0);
      const txId = c.nextTx++;
      c.txs.set(txId, tx);
      return { txId, writeDate: tx.writeDate };
    }
    case 'tx': {
      const tx = c.txOf(b.txId);
      return { ids: (b.ops as SimOp[]).map((op) => tx.apply(op)) };
    }
    case 'commit':
      c.txOf(b.txId).commit();
      c.txs.delete(b.txId);
      return { ok: true };
    case 'rollback':
      c.txOf(b.txId).rollback();
      c.txs.delete(b.txId);
      return { ok: true };
    case 'reconcile':
      return c.reconcile(b.debitLineId, b.creditLineId, b.amount);
    case 'reconcile-without-write-date':
      return c.reconcileWithoutWriteDate(b.lineIds);
    case 'pay':
      return { paymentId: c.pay(b.moveId, b.amount, b.date) };
    case 'unreconcile':
      return c.unreconcile(b.lineIds);
    case 'edit':
      return c.edits.call(b.op, b.args ?? []);
    case 'set-write-date':
      c.setWriteDate(b.model, b.ids, b.writeDate);
      return { ok: true };
    case 'field-hidden':
      c.setFieldHidden(b.model, b.field, b.hidden !== false);
      return { ok: true };
    case 'burst':
      return c.burst(b.n ?? 10, b);
    case 'truth':
      return c.truth(b.model ?? url.searchParams.get('model'));
    case 'set-company-value':
      c.setCompanyValue(b.model, b.ids, b.companyId, b.values);
      return { ok: true };
    case 'read-as':
      return c.readAs(b.model, b.companyId, b.fields);
    case 'upgrade':
      return c.upgrade(b.to);
    case 'name-cost':
      c.setNameCost(Number(b.us));
      return { us: c.store.nameCostUs };
    case 'request-counts':
      return c.requestCounts();
    case 'reset-counters':
      c.resetCounters();
      return { ok: true };
    case 'fault':
      return { id: await c.setFault(b) };
    case 'clear-faults':
      await c.clearFaults();
      return { ok: true };
    case 'faults':
      return c.faults();
    case 'clock':
      if ('time' in b) c.setClock(b.time, b);
      if (b.advanceSeconds) c.advanceClock(b.advanceSeconds);
      return { now: c.now() };
    case 'aged-balance':
      return c.agedBalance(
        b.asOf ?? url.searchParams.get('asOf'),
        b.kind ?? url.searchParams.get('kind'),
        b.companyId,
      );
    case 'activity':
      if (b.action === 'start') c.activity.start(b.intervalMs);
      else if (b.action === 'stop') c.activity.stop();
      else if (b.action === 'step') return c.activity.step(b.n ?? 1);
      return { running: c.activity.running };
    case 'stats':
      return c.stats();
    default: {
      const err = new Error(`unknown control action '${action}'`);
      (err as any).status = 404;
      throw err;
    }
  }
}
