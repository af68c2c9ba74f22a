import { type Books, cents } from './books.ts';
import { OdooError } from './odoo-error.ts';
import type { Tx } from './store.ts';
import type { Table } from './table.ts';

/**
 * Changes to the data the entries point at, with what Odoo does around them: an account's
 * type (journal items carry it as a stored related field, rewritten by the ORM) and its
 * reconcile flag (Odoo resets the items' residuals by raw SQL, without write_date, and refuses
 * to turn it off while partial reconciliations are pending); a currency's decimals (never
 * fewer once it has journal items); a partner's name (its contacts' complete names follow)
 * and company (its contacts follow).
 */
export interface AccountEdit {
  accountType?: string;
  reconcile?: boolean;
  nonTrade?: boolean;
}

const col = (t: Table, name: string) => t.col(name).data as any;
const TRADE = new Set(['asset_receivable', 'liability_payable']);

export function writeAccount(b: Books, tx: Tx, accountId: number, e: AccountEdit): void {
  const at = b.t('account.account');
  const lt = b.t('account.move.line');
  const ap = at.pos(accountId);
  if (ap < 0)
    throw new OdooError('MissingError', `Record does not exist: account.account(${accountId},)`);
  const type = e.accountType ?? col(at, 'account_type')[ap];
  const reconcile = e.reconcile ?? col(at, 'reconcile')[ap] === 1;
  if (TRADE.has(type) && !reconcile) {
    throw new OdooError(
      'ValidationError',
      'You cannot have a receivable/payable account that is not reconcilable.',
    );
  }
  const wasReconcile = col(at, 'reconcile')[ap] === 1;
  const lines: number[] = [];
  for (let p = 0; p < lt.n; p++)
    if (lt.alive[p] && col(lt, 'account_id')[p] === accountId) lines.push(p);
  const full = col(lt, 'full_reconcile_id') as Int32Array;
  if (wasReconcile && !reconcile) {
    const pending = lines.some((p) => !full[p] && (b.linePartials.get(lt.ids[p])?.length ?? 0) > 0);
    if (pending) {
      throw new OdooError(
        'UserError',
        'You cannot switch an account to prevent the reconciliation if some partial reconciliations are still pending.',
      );
    }
  }
  const values: Record<string, unknown> = {};
  if (e.accountType !== undefined) values.account_type = type;
  if (e.reconcile !== undefined) values.reconcile = reconcile;
  if (e.nonTrade !== undefined) values.non_trade = e.nonTrade;
  tx.write('account.account', [accountId], values);
  b.registerAccount(accountId, type, reconcile);
  if (reconcile !== wasReconcile) {
    // _toggle_reconcile_to_true/false: raw SQL on the items not fully reconciled.
    for (const p of lines) {
      if (full[p]) continue;
      col(lt, 'amount_residual')[p] = reconcile ? col(lt, 'balance')[p] : 0;
      col(lt, 'amount_residual_currency')[p] = reconcile ? col(lt, 'amount_currency')[p] : 0;
      col(lt, 'reconciled')[p] =
        reconcile &&
        cents(col(lt, 'balance')[p]) === 0 &&
        cents(col(lt, 'amount_currency')[p]) === 0
          ? 1
          : 0;
    }
  }
  if (e.accountType !== undefined) {
    for (const p of lines) {
      if (col(lt, 'account_type')[p] === type) continue;
      col(lt, 'account_type')[p] = type;
      tx.touch(lt, p);
    }
  }
  lt.version++;
}

/** Sets a currency's decimal places (rounding 10^-places); fewer are refused once it is used. */
export function setCurrencyDecimals(b: Books, tx: Tx, currencyId: number, places: number): void {
  const ct = b.t('res.currency');
  const cp = ct.pos(currencyId);
  if (cp < 0)
    throw new OdooError('MissingError', `Record does not exist: res.currency(${currencyId},)`);
  if (places < col(ct, 'decimal_places')[cp] && currencyUsed(b, currencyId)) {
    throw new OdooError(
      'UserError',
      'You cannot reduce the number of decimal places of a currency which has already been used to make accounting entries.',
    );
  }
  tx.write('res.currency', [currencyId], {
    rounding: Number((10 ** -places).toFixed(places)),
    decimal_places: places,
  });
}

function currencyUsed(b: Books, currencyId: number): boolean {
  const lt = b.t('account.move.line');
  const cur = col(lt, 'currency_id') as Int32Array;
  const companyCur = col(lt, 'company_currency_id') as Int32Array;
  for (let p = 0; p < lt.n; p++) {
    if (lt.alive[p] && (cur[p] === currencyId || companyCur[p] === currencyId)) return true;
  }
  return false;
}

function children(b: Books, partnerId: number): number[] {
  return b.store.inverse('res.partner', 'parent_id').get(partnerId) ?? [];
}

/** Renames a partner; its contacts' complete names ("Parent, Contact") are recomputed. */
export function renamePartner(b: Books, tx: Tx, partnerId: number, name: string): void {
  const pt = b.t('res.partner');
  const pp = pt.pos(partnerId);
  if (pp < 0)
    throw new OdooError('MissingError', `Record does not exist: res.partner(${partnerId},)`);
  const parent = col(pt, 'parent_id')[pp] as number;
  const parentName = parent ? col(pt, 'complete_name')[pt.pos(parent)] || '' : '';
  const complete = parentName ? `${parentName}, ${name}` : name;
  tx.write('res.partner', [partnerId], { name, complete_name: complete });
  for (const child of children(b, partnerId)) {
    const own = col(pt, 'name')[pt.pos(child)] || '';
    tx.write('res.partner', [child], { complete_name: `${complete}, ${own}` });
  }
}

/** Moves a partner to another company (0: shared by all); its contacts follow. */
export function setPartnerCompany(b: Books, tx: Tx, partnerId: number, companyId: number): void {
  if (companyId && !b.store.userCompanyIds.includes(companyId)) {
    throw new OdooError('MissingError', `Record does not exist: res.company(${companyId},)`);
  }
  const value = companyId || false;
  tx.write('res.partner', [partnerId, ...children(b, partnerId)], { company_id: value });
}
