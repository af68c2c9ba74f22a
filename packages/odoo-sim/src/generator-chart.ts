import type { AccountRole, Books, CompanyBooks } from './books.ts';
import type { Store, Tx } from './store.ts';

/** What the generator knows of each company before its chart exists. */
export interface CompanyDef {
  name: string;
  currency: number;
  country: number;
  tax: number;
  foreign: { currencyId: number; rate: number }[];
}

/**
 * Each company's chart of accounts and journals, as the version stores them: 16/17 one
 * account per company with its code; 18+ accounts shared through company_ids with one code
 * per company in code_store (the first company's subcontracting account is shared with the
 * second under its own code) and a bank journal without outstanding accounts.
 */
export function seedCharts(
  store: Store,
  setupTx: Tx,
  books: Books,
  companyDefs: CompanyDef[],
  companyIds: number[],
): void {
  // Chart of accounts and journals per company.
  const chart: [AccountRole | 'deprecated' | 'fixed', string, string, string, boolean][] = [
    ['receivable', '430000', 'Clientes (€)', 'asset_receivable', true],
    ['payable', '400000', 'Proveedores', 'liability_payable', true],
    ['bank', '572000', 'Bancos', 'asset_cash', false],
    ['cash', '570000', 'Caja', 'asset_cash', false],
    ['outstanding_in', '572998', 'Cobros pendientes', 'asset_current', true],
    ['outstanding_out', '572999', 'Pagos pendientes', 'asset_current', true],
    ['income', '700000', 'Ventas de mercaderías', 'income', false],
    ['income_other', '759000', 'Ingresos por servicios diversos', 'income_other', false],
    ['expense', '600000', 'Compras de mercaderías', 'expense', false],
    [
      'expense_direct',
      '607000',
      'Trabajos realizados por otras empresas',
      'expense_direct_cost',
      false,
    ],
    ['tax_out', '477000', 'Hacienda Pública, IVA repercutido', 'liability_current', false],
    ['tax_in', '472000', 'Hacienda Pública, IVA soportado', 'asset_current', false],
    ['equity', '100000', 'Capital social', 'equity', false],
    [
      'liability_current',
      '410000',
      'Acreedores por prestaciones de servicios',
      'liability_current',
      false,
    ],
    ['asset_current', '440000', 'Deudores varios', 'asset_current', true],
    ['fixed', '217000', 'Equipos para procesos de información', 'asset_fixed', false],
    ['deprecated', '629999', 'Otros servicios (obsoleta)', 'expense', false],
  ];
  const GROUP: Record<string, string> = {
    asset: 'asset',
    liability: 'liability',
    equity: 'equity',
    income: 'income',
    expense: 'expense',
  };
  const traits = store.traits;
  const codeOf = (code: string, k: number) =>
    k === 0 ? code : `${code.slice(0, 4)}${String(k).padStart(2, '0')}`;
  let sharedAccount = 0;
  for (const [i, c] of companyDefs.entries()) {
    const companyId = companyIds[i];
    const accounts = {} as Record<AccountRole, number>;
    for (const [role, code, name, type, reconcile] of chart) {
      // 18+: the first company's subcontracting account is shared with the second company,
      // which knows it under its own code (code_store holds one code per company).
      const shared = traits.sharedAccounts && role === 'expense_direct' && companyIds.length > 1;
      if (shared && i === 1) {
        accounts[role] = sharedAccount;
        continue;
      }
      const vals: Record<string, unknown> = {
        name: i === 0 ? name : `${name} (${c.name.split(',')[0]})`,
        account_type: type,
        internal_group: GROUP[type.split('_')[0]] ?? 'asset',
        reconcile,
        non_trade: false,
      };
      if (traits.sharedAccounts) {
        const owners = shared ? [companyIds[0], companyIds[1]] : [companyId];
        vals.company_ids = owners;
        vals.code_store = Object.fromEntries(owners.map((o, k) => [o, codeOf(code, i + k)]));
      } else {
        vals.company_id = companyId;
        vals.code = codeOf(code, i);
      }
      if (traits.accountActive) vals.active = role !== 'deprecated';
      else vals.deprecated = role === 'deprecated';
      const id = setupTx.create('account.account', vals);
      books.registerAccount(id, type, reconcile);
      if (shared) sharedAccount = id;
      if (role !== 'deprecated' && role !== 'fixed') accounts[role] = id;
    }
    const journal = (
      name: string,
      code: string,
      type: string,
      seq: number,
      account: number,
      active = true,
    ) =>
      setupTx.create('account.journal', {
        name,
        code,
        type,
        sequence: seq,
        company_id: companyId,
        default_account_id: account,
        active,
      });
    const journals = {
      sale: journal('Customer Invoices', 'INV', 'sale', 5, accounts.income),
      purchase: journal('Vendor Bills', 'BILL', 'purchase', 6, accounts.expense),
      bank: journal('Bank', 'BNK1', 'bank', 10, accounts.bank),
      cash: journal('Cash', 'CSH1', 'cash', 11, accounts.cash),
      misc: journal('Miscellaneous Operations', 'MISC', 'general', 9, 0),
    };
    journal('Old Bank (closed)', 'BNK9', 'bank', 20, accounts.bank, false);
    // 18+: a bank journal without outstanding accounts, whose payments have no journal entry.
    const direct = traits.payments18
      ? journal('Bank (direct)', 'BNK3', 'bank', 12, accounts.bank)
      : undefined;
    const cb: CompanyBooks = {
      id: companyId,
      currencyId: c.currency,
      name: c.name,
      taxRate: c.tax,
      accounts,
      journals: direct ? { ...journals, direct } : journals,
      foreign: c.foreign,
    };
    books.companies.push(cb);
  }
}
