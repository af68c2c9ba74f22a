import { Books, type CompanyBooks, type ProductLine } from './books.ts';
import { dateToDays, datetimeToUs } from './dates.ts';
import { seedCharts } from './generator-chart.ts';
import {
  COMPANY_WORDS,
  EXPENSES,
  FIRST,
  LAST,
  PRODUCTS,
  SPECIAL,
  SUFFIX,
} from './generator-names.ts';
import { Prng } from './prng.ts';
import type { Store, Tx } from './store.ts';

/**
 * Deterministic (seeded) accounting data. `scale` is the target number of journal items
 * (account.move.line rows); everything else follows from it: roughly one invoice or bill
 * per 4.5 lines, payments for most of them, one partner per ~60 lines. The book spans the
 * two years before BOOK_END, in chronological id order like a real database.
 */
export interface GenerateOptions {
  scale: number;
  seed: number;
}

export const DEFAULT_SCALE = 20_000;
const BOOK_START = dateToDays('2024-11-01');
const BOOK_END = dateToDays('2026-10-31');

interface Pending {
  moveId: number;
  termPositions: number[];
  fraction: number;
}

export function generate(store: Store, opts: GenerateOptions): Books {
  const rnd = new Prng(opts.seed);
  const books = new Books(store);
  const scale = Math.max(50, Math.floor(opts.scale));
  const lineTable = store.table('account.move.line');
  lineTable.ensureCapacity(Math.ceil(scale * 1.05) + 64);
  store.table('account.move').ensureCapacity(Math.ceil(scale / 3) + 64);

  const at = (day: number, seconds: number) =>
    datetimeToUs('1970-01-01') + (day * 86400 + seconds) * 1e6;
  const setupTx = store.begin(at(BOOK_START - 30, 9 * 3600) + 123_456);

  // Users, countries, currencies, companies.
  const countries = seedSimple(setupTx, 'res.country', [
    { name: 'Spain', code: 'ES' },
    { name: 'Mexico', code: 'MX' },
    { name: 'United States', code: 'US' },
    { name: 'France', code: 'FR' },
    { name: 'Germany', code: 'DE' },
    { name: 'Portugal', code: 'PT' },
    { name: 'Côte d’Ivoire', code: 'CI' },
  ]);
  const cur = seedSimple(setupTx, 'res.currency', [
    {
      name: 'EUR',
      full_name: 'Euro',
      symbol: '€',
      rounding: 0.01,
      decimal_places: 2,
      position: 'after',
      active: true,
    },
    {
      name: 'USD',
      full_name: 'United States dollar',
      symbol: '$',
      rounding: 0.01,
      decimal_places: 2,
      position: 'before',
      active: true,
    },
    {
      name: 'MXN',
      full_name: 'Mexican Peso',
      symbol: '$',
      rounding: 0.01,
      decimal_places: 2,
      position: 'before',
      active: true,
    },
    {
      name: 'GBP',
      full_name: 'Pound sterling',
      symbol: '£',
      rounding: 0.01,
      decimal_places: 2,
      position: 'before',
      active: true,
    },
    {
      name: 'JPY',
      full_name: 'Japanese yen',
      symbol: '¥',
      rounding: 1,
      decimal_places: 0,
      position: 'before',
      active: false,
    },
    {
      name: 'CHF',
      full_name: 'Swiss franc',
      symbol: 'CHF',
      rounding: 0.01,
      decimal_places: 2,
      position: 'after',
      active: false,
    },
  ]);
  const [EUR, USD, MXN, GBP] = cur;
  const companyDefs = [
    {
      name: 'AGV Finanzas España, S.L.',
      currency: EUR,
      country: countries[0],
      tax: 0.21,
      foreign: [
        { currencyId: USD, rate: 1.08 },
        { currencyId: GBP, rate: 0.85 },
      ],
    },
    {
      name: 'AGV México, S.A. de C.V.',
      currency: MXN,
      country: countries[1],
      tax: 0.16,
      foreign: [{ currencyId: USD, rate: 0.058 }],
    },
    {
      name: 'AGV US Inc. & Partners',
      currency: USD,
      country: countries[2],
      tax: 0.08,
      foreign: [{ currencyId: EUR, rate: 0.92 }],
    },
  ];
  const ct = store.table('res.company');
  const companyIds: number[] = [];
  for (const [i, c] of companyDefs.entries()) {
    const partnerId = setupTx.create('res.partner', {
      name: c.name,
      complete_name: c.name,
      is_company: true,
      country_id: c.country,
      type: 'contact',
    });
    const id = setupTx.create('res.company', {
      name: c.name,
      currency_id: c.currency,
      country_id: c.country,
      partner_id: partnerId,
      sequence: i + 1,
    });
    companyIds.push(id);
    const pp = store.table('res.partner').pos(partnerId);
    (store.table('res.partner').col('company_id').data as Int32Array)[pp] = id;
  }
  void ct;
  store.userCompanyIds = [...companyIds];
  store.userCompanyId = companyIds[0];
  setupTx.create('res.users', {
    name: 'OdooBot',
    login: '__system__',
    company_id: companyIds[0],
    company_ids: companyIds,
    active: false,
  });
  setupTx.create('res.users', {
    name: 'Mitchell Admin',
    login: 'admin',
    company_id: companyIds[0],
    company_ids: companyIds,
  });

  // Monthly rates per company for each foreign currency (±3% drift).
  for (const [i, c] of companyDefs.entries()) {
    for (const f of c.foreign) {
      for (let d = BOOK_START; d <= BOOK_END; d += 30) {
        setupTx.create('res.currency.rate', {
          name: dayStr(d),
          rate: Math.round(f.rate * (1 + (rnd.next() - 0.5) * 0.06) * 1e6) / 1e6,
          currency_id: f.currencyId,
          company_id: companyIds[i],
        });
      }
    }
  }

  seedCharts(store, setupTx, books, companyDefs, companyIds);

  // Partners: companies with contacts, some archived, some company-specific.
  const partnerCount = Math.max(24, Math.min(50_000, Math.floor(scale / 60)));
  const customers: number[] = [];
  const vendors: number[] = [];
  for (let i = 0; i < partnerCount; i++) {
    const isCompany = rnd.chance(0.7);
    const name =
      i < SPECIAL.length
        ? SPECIAL[i]
        : isCompany
          ? `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(SUFFIX)}${i >= COMPANY_WORDS.length ? ` ${i}` : ''}`
          : `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`;
    const customer = rnd.chance(0.7);
    const id = setupTx.create('res.partner', {
      name,
      complete_name: name,
      is_company: isCompany,
      type: 'contact',
      vat:
        isCompany && rnd.chance(0.8)
          ? `ES${rnd.int(10_000_000, 99_999_999)}${String.fromCharCode(65 + rnd.int(0, 25))}`
          : false,
      email: rnd.chance(0.8) ? `contact${i}@example.${rnd.pick(['es', 'com', 'mx'])}` : false,
      phone: rnd.chance(0.5) ? `+34 6${rnd.int(10_000_000, 99_999_999)}` : false,
      country_id: rnd.pick(countries),
      customer_rank: customer ? rnd.int(1, 20) : 0,
      supplier_rank: customer ? 0 : rnd.int(1, 10),
      company_id: rnd.chance(0.1) ? rnd.pick(companyIds) : false,
      ref: rnd.chance(0.3) ? `P${String(i).padStart(5, '0')}` : false,
    });
    const pt = store.table('res.partner');
    const pp = pt.pos(id);
    (pt.col('commercial_partner_id').data as Int32Array)[pp] = id;
    if (rnd.chance(0.05)) (pt.col('active').data as Uint8Array)[pp] = 0;
    else (customer ? customers : vendors).push(id);
    if (isCompany && rnd.chance(0.3)) {
      const contact = `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`;
      const cid = setupTx.create('res.partner', {
        name: contact,
        complete_name: `${name}, ${contact}`,
        parent_id: id,
        type: rnd.pick(['contact', 'invoice']),
        is_company: false,
      });
      (pt.col('commercial_partner_id').data as Int32Array)[pt.pos(cid)] = id;
    }
  }
  if (!vendors.length) vendors.push(customers[0]);
  if (!customers.length) customers.push(vendors[0]);

  // Documents, day by day; payments are scheduled for later days.
  const schedule = new Map<number, Pending[]>();
  const span = BOOK_END - BOOK_START + 1;
  const docsPerDay = scale / span / 5.6;
  let carry = 0;
  const lineCount = () => lineTable.liveCount;
  const moveTable = store.table('account.move');
  for (let day = BOOK_START; lineCount() < scale; day++) {
    carry += docsPerDay * (0.6 + rnd.next() * 0.8);
    let n = Math.floor(carry);
    carry -= n;
    if (day > BOOK_END) n = Math.max(n, 1);
    let second = 8 * 3600 + rnd.int(0, 600);
    const txAt = () => {
      second += rnd.int(20, 400);
      return store.begin(at(day, second) + rnd.int(0, 999_999));
    };
    // Payments due today first (the bank feed arrives in the morning).
    for (const task of schedule.get(day) ?? []) {
      if (lineCount() >= scale) break;
      const tx = txAt();
      const mpos = moveTable.pos(task.moveId);
      const residual = Math.round(
        (moveTable.col('amount_residual').data as Float64Array)[mpos] * 100,
      );
      if (residual <= 0) continue;
      const amount =
        task.fraction >= 1 ? residual : Math.max(1, Math.round(residual * task.fraction));
      // 18+: some full payments go through the journal without outstanding account.
      if (task.fraction >= 1 && store.traits.payments18 && rnd.chance(0.12)) {
        books.payWithoutMove(tx, task.moveId, day, amount);
        continue;
      }
      books.pay(tx, task.moveId, day, amount, task.termPositions);
      if (task.fraction < 1 && rnd.chance(0.6)) {
        scheduleAt(schedule, day + rnd.int(10, 60), { ...task, fraction: 1 });
      }
    }
    schedule.delete(day);
    for (let k = 0; k < n && lineCount() < scale; k++) {
      const tx = txAt();
      const c = rnd.pick(books.companies);
      const r = rnd.next();
      if (r < 0.12) {
        makeEntry(tx, books, c, day, rnd, customers);
        continue;
      }
      const moveType =
        r < 0.6 ? 'out_invoice' : r < 0.66 ? 'out_refund' : r < 0.95 ? 'in_invoice' : 'in_refund';
      const isOut = moveType.startsWith('out');
      const foreign = rnd.chance(0.15) ? rnd.pick(c.foreign) : undefined;
      const st = rnd.next();
      const state = st < 0.05 ? 'draft' : st < 0.08 ? 'cancel' : 'posted';
      const lines: ProductLine[] = [];
      const nl = rnd.int(1, 4);
      for (let j = 0; j < nl; j++) {
        lines.push({
          name: isOut ? rnd.pick(PRODUCTS) : rnd.pick(EXPENSES),
          accountId: isOut
            ? rnd.chance(0.8)
              ? c.accounts.income
              : c.accounts.income_other
            : rnd.chance(0.7)
              ? c.accounts.expense
              : c.accounts.expense_direct,
          quantity: rnd.int(1, 10),
          priceCents: rnd.int(1_000, 200_000),
        });
      }
      const split = rnd.chance(0.15);
      const termDays = rnd.pick([0, 15, 30, 30, 45, 60]);
      const { moveId, termLineIds } = books.createInvoice(tx, {
        company: c,
        moveType,
        partnerId: rnd.pick(isOut ? customers : vendors),
        date: day,
        currencyId: foreign?.currencyId ?? c.currencyId,
        rate: foreign?.rate ?? 1,
        lines,
        state,
        terms: split
          ? [
              { fraction: 0.3, days: termDays },
              { fraction: 0.7, days: termDays + 30 },
            ]
          : [{ fraction: 1, days: termDays }],
        ref: !isOut && rnd.chance(0.7) ? `FRA-${rnd.int(1000, 99999)}` : false,
        origin: isOut && rnd.chance(0.4) ? `S${String(rnd.int(1, 99999)).padStart(5, '0')}` : false,
      });
      // Drafts abandoned and deleted leave id gaps, as in real databases.
      if (state === 'draft' && rnd.chance(0.2)) {
        const lt = store.table('account.move.line');
        for (const _id of termLineIds) void lt;
        const all: number[] = [];
        const lp = lineTable.lowerBound(termLineIds[0] - 6);
        for (let p = lp; p < lineTable.n; p++)
          if ((lineTable.col('move_id').data as Int32Array)[p] === moveId)
            all.push(lineTable.ids[p]);
        // Never reconciled, so a bare delete is what the ORM cascade would do (and O(1)).
        tx.removeRaw('account.move.line', all);
        tx.removeRaw('account.move', [moveId]);
        continue;
      }
      if (state !== 'posted') continue;
      const termPositions = termLineIds.map((id) => lineTable.pos(id));
      const age = BOOK_END - day;
      const pPay = age > 120 ? 0.9 : age > 45 ? 0.7 : 0.35;
      if (rnd.chance(pPay)) {
        const delay = Math.max(1, termDays + rnd.int(-10, 40));
        const fraction = rnd.chance(0.2) ? 0.3 + rnd.next() * 0.4 : 1;
        scheduleAt(schedule, day + delay, { moveId, termPositions, fraction });
      }
    }
    if (rnd.chance(0.01)) store.nextId('account.move', rnd.int(1, 5));
  }
  return books;
}

function scheduleAt(schedule: Map<number, Pending[]>, day: number, p: Pending): void {
  const arr = schedule.get(day);
  if (arr) arr.push(p);
  else schedule.set(day, [p]);
}

function makeEntry(
  tx: Tx,
  books: Books,
  c: CompanyBooks,
  day: number,
  rnd: Prng,
  partners: number[],
): void {
  const amount = rnd.int(5_000, 500_000);
  const kind = rnd.int(0, 2);
  const state = rnd.chance(0.08) ? 'draft' : 'posted';
  if (kind === 0) {
    books.createEntry(
      tx,
      c,
      day,
      [
        { accountId: c.accounts.expense, name: 'Periodificación gastos', balanceCents: amount },
        {
          accountId: c.accounts.liability_current,
          name: 'Periodificación gastos',
          balanceCents: -amount,
        },
      ],
      state,
      `ACCR/${day}`,
    );
  } else if (kind === 1) {
    const a = Math.floor(amount / 3);
    books.createEntry(
      tx,
      c,
      day,
      [
        { accountId: c.accounts.bank, name: 'Comisiones bancarias', balanceCents: -amount },
        { accountId: c.accounts.expense, name: 'Comisiones', balanceCents: a },
        { accountId: c.accounts.expense_direct, name: 'Servicios', balanceCents: amount - a },
      ],
      state,
      'Bank fees',
    );
  } else {
    books.createEntry(
      tx,
      c,
      day,
      [
        {
          accountId: c.accounts.asset_current,
          partnerId: rnd.pick(partners),
          name: 'Anticipo',
          balanceCents: amount,
        },
        { accountId: c.accounts.cash, name: 'Anticipo', balanceCents: -amount },
      ],
      state,
      'Advance',
    );
  }
}

function seedSimple(tx: Tx, model: string, rows: Record<string, unknown>[]): number[] {
  return rows.map((r) => tx.create(model, r));
}

function dayStr(d: number): string {
  return new Date(d * 86_400_000).toISOString().slice(0, 10);
}
