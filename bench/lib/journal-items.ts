// Deterministic account.move.line-like records: 25 fields with the value kinds Odoo sends
// (ints, doubles, accented/emoji/markup strings, many2one pairs, date and datetime strings,
// id lists, a small nested dict, False for empty values).

export type JournalItem = Record<string, unknown>;

const PARTNERS = [
  'Azure Interior',
  'Deco Addict',
  'Gemini Furniture',
  'Lumber Inc',
  'Ready Mat',
  'Wood Corner',
  'Café Crème & Co. <SARL>',
  'Müller GmbH',
  'Öztürk Ltd. "Istanbul"',
  'Société Générale d’Électricité',
  'Ñandú S.A.',
  'Emoji Store 😀🚀',
  "O'Brien & Sons",
  'Zhōngguó Trading 中国',
  'Łódź Logistics',
];
const ACCOUNTS = [
  '121000 Account Receivable',
  '211000 Account Payable',
  '400000 Product Sales',
  '600000 Expenses',
  '101401 Bank',
  '251000 Tax Received',
  '131000 Tax Paid',
];
const LABELS = [
  '[FURN_8220] Four Person Desk',
  'Office chair (black) — 2 units',
  'Consulting: June 2024 «retainer»',
  'Tax 21% <included>',
  'Payment terms: 30 days & 2% discount',
  'Réparation urgente du système',
  'Licence 🧾 annual',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function makeJournalItems(count: number, seed = 42): JournalItem[] {
  const r = rng(seed);
  const out: JournalItem[] = [];
  for (let i = 0; i < count; i++) {
    const id = 1000 + i * 3 + Math.floor(r() * 3);
    const moveId = 100 + Math.floor(i / 4);
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    const date = `2024-${pad(month)}-${pad(day)}`;
    const partnerIdx = Math.floor(r() * PARTNERS.length);
    const accountIdx = Math.floor(r() * ACCOUNTS.length);
    const amount = Math.round(r() * 1_000_000) / 100;
    const debit = i % 2 === 0 ? amount : 0;
    const credit = i % 2 === 0 ? 0 : amount;
    const reconciled = r() < 0.4;
    const foreign = r() < 0.2;
    out.push({
      id,
      move_id: [moveId, `INV/2024/${String(moveId).padStart(5, '0')}`],
      move_name: `INV/2024/${String(moveId).padStart(5, '0')}`,
      date,
      date_maturity: r() < 0.7 ? `2024-${pad(month)}-${pad(Math.min(28, day + 14))}` : false,
      name: r() < 0.9 ? LABELS[Math.floor(r() * LABELS.length)] : false,
      ref: r() < 0.3 ? `REF-${id}` : false,
      account_id: [accountIdx + 1, ACCOUNTS[accountIdx]],
      partner_id: r() < 0.95 ? [partnerIdx + 7, PARTNERS[partnerIdx]] : false,
      journal_id: [1 + (i % 3), ['Customer Invoices', 'Vendor Bills', 'Bank'][i % 3]],
      company_id: [1, 'YourCompany'],
      currency_id: foreign ? [2, 'USD'] : [1, 'EUR'],
      debit,
      credit,
      balance: debit - credit,
      amount_currency: foreign ? Math.round((debit - credit) * 108.7) / 100 : debit - credit,
      amount_residual: reconciled ? 0 : debit - credit,
      amount_residual_currency: reconciled ? 0 : debit - credit,
      reconciled,
      full_reconcile_id: reconciled
        ? [5000 + Math.floor(i / 2), `A${5000 + Math.floor(i / 2)}`]
        : false,
      matching_number: reconciled ? `A${5000 + Math.floor(i / 2)}` : false,
      parent_state: r() < 0.9 ? 'posted' : 'draft',
      tax_ids: r() < 0.5 ? [1, 4] : [],
      analytic_distribution: r() < 0.3 ? { [String(1 + Math.floor(r() * 20))]: 100.0 } : false,
      write_date: `${date} ${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))}`,
    });
  }
  return out;
}
