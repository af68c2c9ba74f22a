import type { Books } from './books.ts';
import { buildCatalog } from './catalog.ts';
import { setCompanyValue } from './company-values.ts';
import type { Store } from './store.ts';
import { Column, Table } from './table.ts';
import { type OdooVersion, traits } from './versions.ts';

/**
 * An in-place Odoo upgrade, one major version at a time, the way Odoo's upgrade scripts
 * do it: the new catalog replaces the old, columns that keep their name keep their data,
 * and the rest is migrated by SQL — so no write_date moves and no id changes (reference
 * §6; OpenUpgrade's 17→18 account scripts for the payment and account changes).
 */
export function upgradeStore(store: Store, books: Books, to: OdooVersion): void {
  if (to < store.version) throw new Error(`upgrade: cannot go back from ${store.version} to ${to}`);
  while (store.version < to) step(store, books, (store.version + 1) as OdooVersion);
}

/** Columns renamed by a step: model → new column → old column. */
const RENAMED: Partial<Record<OdooVersion, Record<string, Record<string, string>>>> = {
  18: {
    'account.move': { origin_payment_id: 'payment_id' },
    'account.payment': { memo: 'ref' },
  },
};

function step(store: Store, books: Books, next: OdooVersion): void {
  const old = new Map(store.tables);
  store.version = next;
  store.traits = traits(next);
  store.catalog = buildCatalog(next);
  store.tables.clear();
  store.inverseCache.clear();
  for (const def of store.catalog.values()) {
    const before = old.get(def.name)!;
    const t = new Table(def, before.cap);
    t.n = before.n;
    t.ids = before.ids;
    t.alive = before.alive;
    t.liveCount = before.liveCount;
    t.zoneMaxWrite = before.zoneMaxWrite;
    const renamed = RENAMED[next]?.[def.name] ?? {};
    for (const [name, col] of t.cols) {
      const prev = before.cols.get(renamed[name] ?? name);
      if (!prev || prev.kind !== col.kind || prev.valueKind !== col.valueKind) continue;
      if (prev.name === name) t.cols.set(name, prev);
      else {
        // ALTER TABLE … RENAME COLUMN: the same data under the new name.
        const renamedCol = new Column(name, prev.kind, 0, prev.valueKind);
        renamedCol.data = prev.data;
        t.cols.set(name, renamedCol);
      }
    }
    t.version = before.version + 1;
    store.tables.set(def.name, t);
  }
  if (next === 17) to17(store, books);
  if (next === 18) to18(store, old);
  if (next === 19) to19(store, old);
  store.changeCount++;
}

/** 17 numbers matching by SQL: `<full id>` / `P<min partial id>` (16 showed `A<n>` / `P`). */
function to17(store: Store, books: Books): void {
  const lt = store.table('account.move.line');
  const matching = lt.col('matching_number').data as (string | false)[];
  const tx = store.begin();
  const done = new Set<number>();
  for (let p = 0; p < lt.n; p++) {
    if (!lt.alive[p] || !matching[p] || done.has(lt.ids[p])) continue;
    for (const id of books.renumber(tx, lt.ids[p], false).lineIds) done.add(id);
  }
}

/**
 * 18: accounts shared (`company_ids` from `company_id`, the code into `code_store` under
 * that company); payments get 18's states, their outstanding account and the invoices they
 * paid (`invoice_ids` / `matched_payment_ids`, from the reconciliation).
 */
function to18(store: Store, old: Map<string, Table>): void {
  const at = store.table('account.account');
  const oldAt = old.get('account.account')!;
  const company = oldAt.col('company_id').data as Int32Array;
  const code = oldAt.col('code').data as (string | false)[];
  const companies = at.col('company_ids').data as (number[] | undefined)[];
  const codeStore = at.col('code_store');
  for (let p = 0; p < at.n; p++) {
    if (!company[p]) continue;
    companies[p] = [company[p]];
    if (code[p]) setCompanyValue(store, at, codeStore, p, company[p], code[p]);
  }

  const pt = store.table('account.payment');
  const oldPt = old.get('account.payment')!;
  const oldState = oldPt.col('state').data as (string | false)[];
  const reconciled = pt.col('is_reconciled').data as Uint8Array;
  const state = pt.col('state').data as (string | false)[];
  for (let p = 0; p < pt.n; p++) {
    const s = oldState[p];
    state[p] =
      s === 'posted' ? (reconciled[p] ? 'paid' : 'in_process') : s === 'cancel' ? 'canceled' : s;
  }
  linkPaymentsToInvoices(store);
}

/** Each payment's outstanding account and the invoices its counterpart lines reconcile. */
function linkPaymentsToInvoices(store: Store): void {
  const pt = store.table('account.payment');
  const mt = store.table('account.move');
  const lt = store.table('account.move.line');
  const partials = store.table('account.partial.reconcile');
  const payMove = pt.col('move_id').data as Int32Array;
  const outstanding = pt.col('outstanding_account_id').data as Int32Array;
  const invoices = pt.col('invoice_ids').data as (number[] | undefined)[];
  const matched = mt.col('matched_payment_ids').data as (number[] | undefined)[];
  const moveType = mt.col('move_type').data as (string | false)[];
  const lineMove = lt.col('move_id').data as Int32Array;
  const lineAccount = lt.col('account_id').data as Int32Array;
  const lineType = lt.col('display_type').data as (string | false)[];
  const byMove = store.inverse('account.move.line', 'move_id');
  const otherSide = new Map<number, number[]>();
  const pd = partials.col('debit_move_id').data as Int32Array;
  const pc = partials.col('credit_move_id').data as Int32Array;
  for (let p = 0; p < partials.n; p++) {
    if (!partials.alive[p]) continue;
    for (const [a, b] of [
      [pd[p], pc[p]],
      [pc[p], pd[p]],
    ]) {
      const arr = otherSide.get(a);
      if (arr) arr.push(b);
      else otherSide.set(a, [b]);
    }
  }
  for (let p = 0; p < pt.n; p++) {
    if (!pt.alive[p] || !payMove[p]) continue;
    const found = new Set<number>();
    for (const lineId of byMove.get(payMove[p]) ?? []) {
      const lp = lt.pos(lineId);
      if (lp < 0) continue;
      if (lineType[lp] !== 'payment_term') outstanding[p] = lineAccount[lp];
      for (const other of otherSide.get(lineId) ?? []) {
        const op = lt.pos(other);
        const mp = op < 0 ? -1 : mt.pos(lineMove[op]);
        if (mp >= 0 && moveType[mp] !== 'entry') found.add(mt.ids[mp]);
      }
    }
    if (!found.size) continue;
    invoices[p] = [...found];
    for (const inv of found) {
      const mp = mt.pos(inv);
      matched[mp] = [...(matched[mp] ?? []), pt.ids[p]];
    }
  }
}

/** 19: `active` replaces `deprecated` (a deprecated account is archived). */
function to19(store: Store, old: Map<string, Table>): void {
  const at = store.table('account.account');
  const deprecated = old.get('account.account')!.col('deprecated').data as Uint8Array;
  const active = at.col('active').data as Uint8Array;
  for (let p = 0; p < at.n; p++) active[p] = deprecated[p] ? 0 : 1;
}
