import type { ChangeContext } from './change-context.ts';

/** A kind of change: its weight in the draw, its name, and the change (null: nothing to do). */
export type ChangeKind = [number, string, (g: ChangeContext) => string | null];

/**
 * Changes to what the entries point at (partners, accounts, currencies, journals, companies),
 * with Odoo's rules (the simulator's SimControl.edits refuses what Odoo refuses).
 */
export const MASTER_DATA_CHANGES: ChangeKind[] = [
  [3, 'partner-company', partnerCompany],
  [4, 'partner-rename', partnerRename],
  [2, 'partner-archive', partnerArchive],
  [4, 'account', account],
  [1, 'currency-decimals', currencyDecimals],
  [2, 'journal', journal],
  [1, 'company-rename', companyRename],
];

function partnerCompany(g: ChangeContext): string {
  const parent = g.col('res.partner', 'parent_id') as Int32Array;
  const id = g.rnd.pick(g.ids('res.partner', (p) => parent[p] === 0));
  const to = g.rnd.chance(0.4) ? 0 : g.company().id;
  g.c.edits.setPartnerCompany(id, to);
  return `partner ${id} to company ${to || 'none'}`;
}

function partnerRename(g: ChangeContext): string {
  const id = g.rnd.pick(g.ids('res.partner', () => true));
  const name = `Renombrado ${g.rnd.int(1, 99_999)} ${g.rnd.pick(['S.L.', 'SA', '& Hijos', 'Ñandú'])}`;
  g.c.edits.renamePartner(id, name);
  return `partner ${id} renamed "${name}"`;
}

function partnerArchive(g: ChangeContext): string {
  const active = g.col('res.partner', 'active') as Uint8Array;
  const id = g.rnd.pick(g.ids('res.partner', () => true));
  const now = active[g.pos('res.partner', id)] !== 1;
  g.c.update('res.partner', id, { active: now });
  return `partner ${id} ${now ? 'unarchived' : 'archived'}`;
}

/** An account's type (trade ↔ not), its non_trade flag or its reconcile flag. */
function account(g: ChangeContext): string {
  const c = g.company();
  const meta = g.c.books.accountMeta;
  const r = g.rnd.next();
  if (r < 0.45) {
    const id = g.rnd.chance(0.7) ? c.accounts.asset_current : c.accounts.receivable;
    const type = meta.get(id)?.type === 'asset_receivable' ? 'asset_current' : 'asset_receivable';
    g.c.edits.writeAccount(id, { accountType: type });
    return `account ${id} type ${type}`;
  }
  if (r < 0.7) {
    const id = g.rnd.pick([c.accounts.receivable, c.accounts.payable]);
    const now =
      (g.col('account.account', 'non_trade') as Uint8Array)[g.pos('account.account', id)] !== 1;
    g.c.edits.writeAccount(id, { nonTrade: now });
    return `account ${id} non_trade ${now}`;
  }
  const id = g.rnd.pick([
    c.accounts.liability_current,
    c.accounts.tax_out,
    c.accounts.asset_current,
  ]);
  const now = !meta.get(id)?.reconcile;
  g.c.edits.writeAccount(id, { reconcile: now });
  return `account ${id} reconcile ${now}`;
}

/** One more decimal for a currency (Odoo refuses fewer once it is used). */
function currencyDecimals(g: ChangeContext): string | null {
  const c = g.company();
  const id = g.rnd.chance(0.7) ? c.currencyId : g.rnd.pick(c.foreign).currencyId;
  const places = (g.col('res.currency', 'decimal_places') as Int32Array)[g.pos('res.currency', id)];
  if (places >= 4) return null;
  g.c.edits.setCurrencyDecimals(id, places + 1);
  return `currency ${id} to ${places + 1} decimals`;
}

/** A journal's code (the ledger shows it) or, for a cash or spare bank journal, archiving. */
function journal(g: ChangeContext): string {
  const c = g.company();
  if (g.rnd.chance(0.5)) {
    const id = g.rnd.pick([c.journals.sale, c.journals.purchase, c.journals.bank]);
    const code = String(g.col('account.journal', 'code')[g.pos('account.journal', id)]);
    const now = code.endsWith('X') ? code.slice(0, -1) : `${code}X`;
    g.c.update('account.journal', id, { code: now });
    return `journal ${id} code ${now}`;
  }
  const company = g.col('account.journal', 'company_id') as Int32Array;
  const type = g.col('account.journal', 'type');
  const spare = g
    .ids(
      'account.journal',
      (p) => company[p] === c.id && (type[p] === 'bank' || type[p] === 'cash'),
    )
    .filter((id) => id !== c.journals.bank && id !== c.journals.direct);
  const id = g.rnd.pick(spare);
  const now =
    (g.col('account.journal', 'active') as Uint8Array)[g.pos('account.journal', id)] !== 1;
  g.c.update('account.journal', id, { active: now });
  return `journal ${id} ${now ? 'unarchived' : 'archived'}`;
}

/** res.company.name is its partner's name (related, stored on both). */
function companyRename(g: ChangeContext): string {
  const c = g.company();
  const partner = (g.col('res.company', 'partner_id') as Int32Array)[g.pos('res.company', c.id)];
  const name = `${c.name.split(',')[0]} (${g.rnd.int(1, 999)})`;
  g.c.update('res.company', c.id, { name });
  if (partner) g.c.edits.renamePartner(partner, name);
  return `company ${c.id} renamed "${name}"`;
}
