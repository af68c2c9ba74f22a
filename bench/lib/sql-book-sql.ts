// The statements behind bench/lib/sql-book.ts, one per step so each can be timed. Amounts are
// computed in integer cents and divided at the end, so every move balances exactly and every
// residual is the balance minus what its partial reconciles took.
//
// A document d owns the ids d*10 + slot (journal items), d*3 + k (moves: 0 the document, 1 and 2
// its payments), d*2 + k (payments and partial reconciles) and d (its full reconcile): gaps, as
// in a real database, and no sequences to keep in step.

/** What the statements are parametrized by (numbers and ISO dates only: they are inlined). */
export interface BookPlan {
  lines: number;
  partners: number;
  start: string;
  end: string;
  seed: number;
}

const num = (x: number) => {
  if (!Number.isFinite(x)) throw new RangeError(`sql-book: not a number: ${x}`);
  return String(x);
};
const day = (d: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new RangeError(`sql-book: not a date: ${d}`);
  return `'${d}'::date`;
};

// Per company (id 1..3): currency, tax rate and its foreign currencies with their rates.
// Accounts are c*100 + role, journals c*10 + n (roles and journals as the simulator's chart).
export const referenceData = `
insert into odoo.res_currency (id, name, symbol, active, rounding, decimal_places, currency_unit_label, write_date)
values (1, 'EUR', '€', true, 0.01, 2, 'Euros', '2016-01-01'), (2, 'USD', '$', true, 0.01, 2, 'Dollars', '2016-01-01'),
       (3, 'MXN', '$', true, 0.01, 2, 'Pesos', '2016-01-01'), (4, 'GBP', '£', true, 0.01, 2, 'Pounds', '2016-01-01'),
       (5, 'JPY', '¥', false, 1, 0, 'Yen', '2016-01-01'), (6, 'CHF', 'CHF', false, 0.01, 2, 'Francs', '2016-01-01');
insert into odoo.res_company (id, name, currency_id, partner_id, active, write_date)
values (1, 'AGV Finanzas España, S.L.', 1, 1, true, '2016-01-01'),
       (2, 'AGV México, S.A. de C.V.', 3, 2, true, '2016-01-01'),
       (3, 'AGV US Inc. & Partners', 2, 3, true, '2016-01-01');
insert into odoo.account_account (id, code, name, account_type, internal_group, reconcile, non_trade,
                                  company_id, deprecated, active, write_date)
select c * 100 + r.role, r.code || case c when 1 then '' else lpad(c::text, 2, '0') end, r.name,
       r.type, split_part(r.type, '_', 1), r.reconcile, false, c, r.role = 17, r.role <> 17, '2016-01-01'
  from generate_series(1, 3) c,
       (values (1, '430000', 'Clientes', 'asset_receivable', true),
               (2, '400000', 'Proveedores', 'liability_payable', true),
               (3, '572000', 'Bancos', 'asset_cash', false),
               (4, '570000', 'Caja', 'asset_cash', false),
               (5, '572998', 'Cobros pendientes', 'asset_current', true),
               (6, '572999', 'Pagos pendientes', 'asset_current', true),
               (7, '700000', 'Ventas de mercaderías', 'income', false),
               (8, '759000', 'Ingresos por servicios diversos', 'income_other', false),
               (9, '600000', 'Compras de mercaderías', 'expense', false),
               (10, '607000', 'Trabajos realizados por otras empresas', 'expense_direct_cost', false),
               (11, '477000', 'IVA repercutido', 'liability_current', false),
               (12, '472000', 'IVA soportado', 'asset_current', false),
               (13, '100000', 'Capital social', 'equity', false),
               (14, '410000', 'Acreedores por prestaciones de servicios', 'liability_current', false),
               (15, '440000', 'Deudores varios', 'asset_current', true),
               (16, '217000', 'Equipos para procesos de información', 'asset_fixed', false),
               (17, '629999', 'Otros servicios (obsoleta)', 'expense', false)) r (role, code, name, type, reconcile);
insert into odoo.account_journal (id, name, code, type, company_id, default_account_id, active, write_date)
select c * 10 + j.n, j.name, j.code, j.type, c, case when j.role > 0 then c * 100 + j.role end,
       j.n <> 6, '2016-01-01'
  from generate_series(1, 3) c,
       (values (1, 'Customer Invoices', 'INV', 'sale', 7), (2, 'Vendor Bills', 'BILL', 'purchase', 9),
               (3, 'Bank', 'BNK1', 'bank', 3), (4, 'Cash', 'CSH1', 'cash', 4),
               (5, 'Miscellaneous Operations', 'MISC', 'general', 0),
               (6, 'Old Bank (closed)', 'BNK9', 'bank', 3)) j (n, name, code, type, role);
`;

/** Companies' partners (1..3), then customers and vendors 11.. (7 in 10 are customers). */
export const partners = (p: BookPlan) => `
insert into odoo.res_partner (id, name, display_name, complete_name, active, is_company,
                              commercial_partner_id, customer_rank, supplier_rank, company_id, write_date)
select id, name, name, name, true, true, id, 0, 0, id, '2016-01-01' from
  (values (1, 'AGV Finanzas España, S.L.'), (2, 'AGV México, S.A. de C.V.'),
          (3, 'AGV US Inc. & Partners')) c (id, name);
insert into odoo.res_partner (id, name, display_name, complete_name, active, is_company, vat, email,
                              commercial_partner_id, customer_rank, supplier_rank, company_id, write_date)
select 11 + i, n.name, n.name, n.name, i % 19 <> 0, i % 3 <> 0,
       case when i % 5 <> 0 then 'ES' || lpad((i * 7919 % 99999999)::text, 8, '0') || 'A' end,
       'contact' || i || '@example.com', 11 + i,
       case when i % 10 < 7 then 1 + i % 20 else 0 end, case when i % 10 >= 7 then 1 + i % 10 else 0 end,
       case when i % 10 = 9 then 1 + i % 3 end, '2016-01-01'
  from generate_series(0, ${num(p.partners - 1)}) i,
       lateral (select (array['Muebles', 'Distribuciones', 'Comercial', 'Talleres', 'Construcciones',
                              'Transportes', 'Café', 'Soluciones', 'Ingeniería', 'Grupo', 'Azure',
                              'Deco', 'Gemini', 'Lumber', 'Wood', 'Müller', 'Öztürk', 'Ñandú',
                              'Łódź', 'Zhōngguó'])[1 + i % 20]
                       || ' ' || (array['Ortega', 'del Norte', 'Levante', 'Interior', 'Addict',
                                        'Corner', 'Logistics', 'Trading', 'Crème', 'Sur'])[1 + (i / 20) % 10]
                       || ' ' || (array['S.L.', 'S.A.', 'GmbH', 'Inc.', 'Ltd', 'S.A. de C.V.', 'SARL'])[1 + (i / 200) % 7]
                       || ' ' || i as name) n;
`;

/**
 * One row per document with every random draw it needs, then the documents that fit in
 * `lines` journal items, dated by their position in the book (ids follow dates, as in Odoo).
 * Kinds and odds are the simulator's: 12 % miscellaneous entries, invoices 48 %, refunds 6 %,
 * bills 29 %, bill refunds 5 %; 5 % drafts and 3 % cancelled; paid with odds 0.9 / 0.7 / 0.35
 * by age (> 120, > 45 days), one in five first paid in part, and 60 % of those paid in full later.
 */
export const documents = (p: BookPlan) => {
  const perDoc = 5.39; // expected journal items per document with these odds
  const estimate = Math.ceil(p.lines / perDoc);
  const span = `(${day(p.end)} - ${day(p.start)})`;
  return `
select setseed(${num(p.seed)});
create temp table book_draws as
select d, random() as r_kind, random() as r_state, random() as r_company, random() as r_partner,
       random() as r_pay, random() as r_frac, random() as r_second, random() as r_fx,
       1 + floor(random() * 3)::int as np, (array[0, 15, 30, 30, 45, 60])[1 + floor(random() * 6)::int] as term_days,
       floor(random() * 51)::int - 10 as delay, 10 + floor(random() * 51)::int as delay2,
       random() as r1, random() as r2, random() as r3, floor(random() * 3)::int as entry_kind,
       floor(random() * 28800)::int as second
  from generate_series(1, ${num(Math.ceil(estimate * 1.1))}) d;
create temp table book_plan as
with a as (
  select b.*, 1 + floor(b.r_company * 3)::int as company,
         case when b.r_kind < 0.12 then 'entry' when b.r_kind < 0.6 then 'out_invoice'
              when b.r_kind < 0.66 then 'out_refund' when b.r_kind < 0.95 then 'in_invoice'
              else 'in_refund' end as move_type,
         -- Age from the document's approximate place in the book (the exact date comes below).
         ${span} * (1 - least(1, b.d::float / ${num(estimate)})) as age
    from book_draws b
),
s as (
  select a.*,
         case when a.move_type = 'entry' then case when a.r_state < 0.08 then 'draft' else 'posted' end
              when a.r_state < 0.05 then 'draft' when a.r_state < 0.08 then 'cancel'
              else 'posted' end as state
    from a
),
paid as (
  select s.*,
         s.move_type <> 'entry' and s.state = 'posted'
           and s.r_pay < case when s.age > 120 then 0.9 when s.age > 45 then 0.7 else 0.35 end
           and s.age > greatest(1, s.term_days + s.delay) as paid1,
         s.r_frac < 0.2 as part
    from s
)
select p.*,
       p.paid1 and p.part and p.r_second < 0.6
         and p.age > greatest(1, p.term_days + p.delay) + p.delay2 as paid2,
       case when p.move_type = 'entry' then case p.entry_kind when 1 then 3 else 2 end
            else 2 + p.np end
       + case when p.paid1 then 2 else 0 end
       + case when p.paid1 and p.part and p.r_second < 0.6
                   and p.age > greatest(1, p.term_days + p.delay) + p.delay2 then 2 else 0 end as n_lines
  from paid p;
create temp table book_docs as
with c as (
  select p.*, sum(p.n_lines) over (order by p.d) - p.n_lines as before from book_plan p
),
kept as (select * from c where before < ${num(p.lines)}),
total as (select max(before + n_lines) as n from kept)
select k.d, k.company, k.move_type, k.state, k.np, k.term_days, k.entry_kind, k.n_lines, k.second,
       case when k.move_type like 'out%' then 1 else 0 end as out_,
       case when k.move_type in ('out_invoice', 'in_refund') then 1 else -1 end as sgn,
       -- Customers are the partners i with i % 10 < 7, vendors the others; a few big ones.
       case when k.move_type like 'out%' or k.move_type = 'entry'
            then 11 + (x.ci / 7) * 10 + x.ci % 7
            else 11 + (x.vi / 3) * 10 + 7 + x.vi % 3 end as partner_id,
       x.doc_date, k.paid1, k.paid2, k.part, k.r1, k.r2, k.r3, k.r_frac,
       least(x.doc_date + greatest(1, k.term_days + k.delay), ${day(p.end)}) as pay1_date,
       least(x.doc_date + greatest(1, k.term_days + k.delay) + k.delay2, ${day(p.end)}) as pay2_date,
       case when k.r_fx < 0.15 and k.move_type <> 'entry'
            then case k.company when 1 then case when k.r_fx < 0.1 then 2 else 4 end
                                when 2 then 2 else 1 end end as fx_currency,
       case when k.r_fx < 0.15 and k.move_type <> 'entry'
            then case k.company when 1 then case when k.r_fx < 0.1 then 1.08 else 0.85 end
                                when 2 then 0.058 else 0.92 end else 1 end as rate,
       (array[0.21, 0.16, 0.08])[k.company] as tax_rate
  from kept k, total t,
       lateral (select floor(${num(Math.floor(p.partners * 0.7))} * power(k.r_partner, 1.6))::bigint as ci,
                       floor(${num(Math.floor(p.partners * 0.3))} * power(k.r_partner, 1.6))::bigint as vi,
                       ${day(p.start)} + floor(k.before::float * ${span} / t.n)::int as doc_date) x;
create temp table book_amounts as
with a as (
  select d.*,
         1000 + floor(power(d.r1, 2) * 2000000)::bigint as a1,
         case when d.np >= 2 then 1000 + floor(power(d.r2, 2) * 2000000)::bigint else 0 end as a2,
         case when d.np >= 3 then 1000 + floor(power(d.r3, 2) * 2000000)::bigint else 0 end as a3
    from book_docs d
),
t as (select a.*, a.a1 + a.a2 + a.a3 as untaxed, round((a.a1 + a.a2 + a.a3) * a.tax_rate)::bigint as tax from a),
p as (
  select t.*, t.untaxed + t.tax as total,
         case when not t.paid1 then 0
              when t.part then greatest(1, round((t.untaxed + t.tax) * (0.3 + t.r_frac * 2)))::bigint
              else t.untaxed + t.tax end as pay1
    from t
)
select p.*, case when p.paid2 then p.total - p.pay1 else 0 end as pay2,
       p.total - p.pay1 - case when p.paid2 then p.total - p.pay1 else 0 end as residual,
       (array[1, 3, 2])[p.company] as company_currency
  from p;
`;
};

// Shared expressions over book_amounts `a`: the document's name, its currency amounts.
const docName = `case when a.state = 'draft' then '/'
  else (case a.move_type when 'out_invoice' then 'INV' when 'out_refund' then 'RINV'
                         when 'in_invoice' then 'BILL' when 'in_refund' then 'RBILL' else 'MISC' end)
       || '/' || extract(year from a.doc_date) || '/' || lpad(a.d::text, 8, '0') end`;
const payName = (k: 1 | 2) =>
  `'BNK1/' || extract(year from a.pay${k}_date) || '/' || lpad((a.d * 3 + ${k})::text, 8, '0')`;
const cur = (cents: string) => `round(${cents} * a.rate) * 0.01`;
const at = (date: string) => `(${date})::timestamp + make_interval(secs => 28800 + a.second)`;
// Where a payment lands: the bank account once matched with the statement (after 30 days),
// the outstanding receipts/payments account until then.
const liquidity = (k: 1 | 2, end: string) =>
  `a.company * 100 + case when a.pay${k}_date < ${end} - 30 then 3 when a.sgn > 0 then 5 else 6 end`;

/** Journal items of invoices, refunds and bills with their payments (slots 0..8). */
export const invoiceLines = (p: BookPlan) => `
insert into odoo.account_move_line (id, move_id, move_name, account_id, partner_id, journal_id,
  company_id, currency_id, company_currency_id, date, date_maturity, name, ref, debit, credit,
  balance, amount_currency, amount_residual, amount_residual_currency, reconciled,
  full_reconcile_id, matching_number, parent_state, display_type, write_date)
select a.d * 10 + s.slot, a.d * 3 + s.k,
       case s.k when 0 then ${docName} when 1 then ${payName(1)} else ${payName(2)} end,
       s.account, a.partner_id,
       a.company * 10 + case when s.k > 0 then 3 when a.out_ = 1 then 1 else 2 end,
       a.company, coalesce(a.fx_currency, a.company_currency), a.company_currency, s.date,
       case when s.display = 'payment_term' then case when s.k = 0 then m.maturity else s.date end end,
       s.label, null,
       greatest(s.bal, 0) * 0.01, greatest(-s.bal, 0) * 0.01, s.bal * 0.01, ${cur('s.bal')},
       s.res * 0.01, ${cur('s.res')},
       s.res = 0 and s.rec, case when s.rec and a.residual = 0 then a.d end,
       case when not s.rec or not a.paid1 then null when a.residual = 0 then 'A' || a.d
            else 'P' || a.d * 2 end,
       case when s.k = 0 then a.state else 'posted' end, s.display, ${at('s.wdate')}
  from book_amounts a
 cross join lateral (values
   -- slot, move (0 document, 1..2 payments), account, balance and residual in cents, date,
   -- reconcilable (trade), display type, label, write date
   (0, 0, a.company * 100 + 2 - a.out_, a.sgn * a.total, a.sgn * a.residual, a.doc_date, true,
    'payment_term', '', greatest(a.doc_date, case when a.paid2 then a.pay2_date when a.paid1 then a.pay1_date end)),
   (1, 0, a.company * 100 + case when a.out_ = 1 then case when a.r2 * 10 - floor(a.r2 * 10) < 0.8 then 7 else 8 end
                                 else case when a.r2 * 10 - floor(a.r2 * 10) < 0.7 then 9 else 10 end end,
    -a.sgn * a.a1, 0, a.doc_date, false, 'product', 'Product line 1', a.doc_date),
   (2, 0, a.company * 100 + case when a.out_ = 1 then 7 else 9 end,
    -a.sgn * a.a2, 0, a.doc_date, false, 'product', 'Product line 2', a.doc_date),
   (3, 0, a.company * 100 + case when a.out_ = 1 then 8 else 10 end,
    -a.sgn * a.a3, 0, a.doc_date, false, 'product', 'Product line 3', a.doc_date),
   (4, 0, a.company * 100 + 12 - a.out_, -a.sgn * a.tax, 0, a.doc_date, false, 'tax',
    'IVA ' || round(a.tax_rate * 100) || '%', a.doc_date),
   (5, 1, a.company * 100 + 2 - a.out_, -a.sgn * a.pay1, 0, a.pay1_date, true, 'payment_term',
    'Payment', a.pay1_date),
   (6, 1, ${liquidity(1, `'${p.end}'::date`)}, a.sgn * a.pay1,
    a.sgn * a.pay1, a.pay1_date, false, 'product', 'Payment', a.pay1_date),
   (7, 2, a.company * 100 + 2 - a.out_, -a.sgn * a.pay2, 0, a.pay2_date, true, 'payment_term',
    'Payment', a.pay2_date),
   (8, 2, ${liquidity(2, `'${p.end}'::date`)}, a.sgn * a.pay2,
    a.sgn * a.pay2, a.pay2_date, false, 'product', 'Payment', a.pay2_date)
 ) s (slot, k, account, bal, res, date, rec, display, label, wdate)
 cross join lateral (select a.doc_date + a.term_days as maturity) m
 where a.move_type <> 'entry'
   and case when s.slot in (1, 2, 3) then s.slot <= a.np when s.slot in (5, 6) then a.paid1
            when s.slot in (7, 8) then a.paid2 else true end;
`;

/** Miscellaneous entries: accruals, bank fees, cash advances to a partner (the simulator's). */
export const entryLines = `
insert into odoo.account_move_line (id, move_id, move_name, account_id, partner_id, journal_id,
  company_id, currency_id, company_currency_id, date, name, debit, credit, balance,
  amount_currency, amount_residual, amount_residual_currency, reconciled, parent_state,
  display_type, write_date)
select a.d * 10 + s.slot, a.d * 3, ${docName}, a.company * 100 + s.role,
       case when s.role = 15 then a.partner_id end, a.company * 10 + 5, a.company,
       a.company_currency, a.company_currency, a.doc_date, s.label,
       greatest(s.bal, 0) * 0.01, greatest(-s.bal, 0) * 0.01, s.bal * 0.01, s.bal * 0.01,
       case when s.role in (3, 4, 15) then s.bal * 0.01 else 0 end,
       case when s.role in (3, 4, 15) then s.bal * 0.01 else 0 end,
       false, a.state, 'product', ${at('a.doc_date')}
  from book_amounts a
 cross join lateral (values
   (0, 0, 9, a.a1, 'Periodificación gastos'), (0, 1, 14, -a.a1, 'Periodificación gastos'),
   (1, 0, 3, -a.a1, 'Comisiones bancarias'), (1, 1, 9, a.a1 / 3, 'Comisiones'),
   (1, 2, 10, a.a1 - a.a1 / 3, 'Servicios'),
   (2, 0, 15, a.a1, 'Anticipo'), (2, 1, 4, -a.a1, 'Anticipo')
 ) s (kind, slot, role, bal, label)
 where a.move_type = 'entry' and s.kind = a.entry_kind;
`;

/** Documents, entries and payments' journal entries. */
export const moves = `
insert into odoo.account_move (id, name, move_type, state, partner_id, journal_id, company_id,
  currency_id, date, invoice_date, invoice_date_due, amount_untaxed, amount_tax, amount_total,
  amount_residual, amount_total_signed, amount_residual_signed, payment_state, ref,
  invoice_origin, write_date)
select a.d * 3 + s.k,
       case s.k when 0 then ${docName} when 1 then ${payName(1)} else ${payName(2)} end,
       case when s.k = 0 then a.move_type else 'entry' end,
       case when s.k = 0 then a.state else 'posted' end,
       case when a.move_type <> 'entry' or a.entry_kind = 2 then a.partner_id end,
       a.company * 10 + case when a.move_type = 'entry' then 5 when s.k > 0 then 3
                             when a.out_ = 1 then 1 else 2 end,
       a.company, coalesce(a.fx_currency, a.company_currency), s.date,
       case when s.k = 0 and a.move_type <> 'entry' then a.doc_date end,
       case when s.k = 0 and a.move_type <> 'entry' then a.doc_date + a.term_days end,
       abs(${cur('s.untaxed')}), abs(${cur('s.tax')}), abs(${cur('s.total')}), abs(${cur('s.residual')}),
       s.sign * s.total * 0.01, s.sign * s.residual * 0.01,
       case when s.k > 0 or a.move_type = 'entry' or a.state <> 'posted' then 'not_paid'
            when a.residual = 0 then 'paid' when a.paid1 then 'partial' else 'not_paid' end,
       case when a.out_ = 0 and a.move_type <> 'entry' and s.k = 0 then 'FRA-' || a.d end,
       case when a.out_ = 1 and s.k = 0 and a.d % 5 < 2 then 'S' || lpad((a.d % 99999)::text, 5, '0') end,
       ${at('s.wdate')}
  from book_amounts a
 cross join lateral (values
   (0, a.doc_date, case when a.move_type = 'entry' then a.a1 else a.untaxed end,
    case when a.move_type = 'entry' then 0 else a.tax end,
    case when a.move_type = 'entry' then a.a1 else a.total end,
    case when a.move_type = 'entry' then 0 else a.residual end,
    case when a.move_type = 'entry' then 1 else a.sgn end,
    greatest(a.doc_date, case when a.paid2 then a.pay2_date when a.paid1 then a.pay1_date end)),
   (1, a.pay1_date, a.pay1, 0, a.pay1, 0, 1, a.pay1_date),
   (2, a.pay2_date, a.pay2, 0, a.pay2, 0, 1, a.pay2_date)
 ) s (k, date, untaxed, tax, total, residual, sign, wdate)
 where s.k = 0 or (s.k = 1 and a.paid1) or (s.k = 2 and a.paid2);
`;

const lastPay = 'case when a.paid2 then a.pay2_date else a.pay1_date end';

/** Payments (account.payment) with their moves, partial reconciles and full reconciles. */
export const reconciles = (p: BookPlan) => `
insert into odoo.account_payment (id, name, payment_type, partner_type, partner_id, amount,
  currency_id, date, journal_id, company_id, state, move_id, is_reconciled, is_matched, memo,
  write_date)
select a.d * 2 + s.k - 1, case s.k when 1 then ${payName(1)} else ${payName(2)} end,
       case when a.sgn > 0 then 'inbound' else 'outbound' end,
       case when a.out_ = 1 then 'customer' else 'supplier' end, a.partner_id,
       abs(${cur('s.amount')}), coalesce(a.fx_currency, a.company_currency), s.date,
       a.company * 10 + 3, a.company, 'posted', a.d * 3 + s.k, true,
       s.date < ${day(p.end)} - 30, ${docName}, ${at('s.date')}
  from book_amounts a
 cross join lateral (values (1, a.pay1, a.pay1_date), (2, a.pay2, a.pay2_date)) s (k, amount, date)
 where (s.k = 1 and a.paid1) or (s.k = 2 and a.paid2);
insert into odoo.account_partial_reconcile (id, debit_move_id, credit_move_id, amount,
  debit_amount_currency, credit_amount_currency, max_date, full_reconcile_id, company_id,
  debit_currency_id, credit_currency_id, create_date, write_date)
select a.d * 2 + s.k - 1,
       case when a.sgn > 0 then a.d * 10 else a.d * 10 + s.slot end,
       case when a.sgn > 0 then a.d * 10 + s.slot else a.d * 10 end,
       s.amount * 0.01, abs(${cur('s.amount')}), abs(${cur('s.amount')}), s.date,
       case when a.residual = 0 then a.d end, a.company,
       coalesce(a.fx_currency, a.company_currency), coalesce(a.fx_currency, a.company_currency),
       ${at('s.date')}, ${at('s.date')}
  from book_amounts a
 cross join lateral (values (1, 5, a.pay1, a.pay1_date), (2, 7, a.pay2, a.pay2_date)) s (k, slot, amount, date)
 where (s.k = 1 and a.paid1) or (s.k = 2 and a.paid2);
insert into odoo.account_full_reconcile (id, name, create_date, write_date)
select a.d, 'A' || a.d, ${at(lastPay)}, ${at(lastPay)}
  from book_amounts a
 where a.paid1 and a.residual = 0 and a.move_type <> 'entry';
`;
