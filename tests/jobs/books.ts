// Books for the export tests and benchmark: two companies (a user granted each), partners
// (shared, or of company 2 only and used by it only) whose names carry XML's special and
// forbidden characters, customer invoices (some in a
// foreign currency, some half paid through partial reconciles, some without partner), vendor
// bills, all posted and refreshed into `reporting`. Generated in SQL, so 200,000 invoices take
// seconds.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { destroyCluster, startCluster } from '../../tools/local-stack/src/cluster.ts';
import { LOCAL_DIR } from '../../tools/local-stack/src/paths.ts';

export const USER_A = '00000000-0000-4000-8000-00000000000a';
export const USER_B = '00000000-0000-4000-8000-00000000000b';
export const COMPANY_A = 1;
export const COMPANY_B = 2;

export function booksSql(invoices: number, partners = 400): string {
  return `
insert into odoo.res_currency (id, name, symbol, decimal_places) values (1, 'EUR', '€', 2), (2, 'USD', '$', 2);
insert into odoo.res_company (id, name, currency_id) values (1, 'Own Co & Sons <Ltd>', 1), (2, 'Other Co', 1);
insert into odoo.res_partner (id, name, complete_name, vat, company_id, is_company, active)
select i, n, n, case when i % 4 <> 0 then 'ES' || lpad(i::text, 9, '0') end,
       case when i % 10 = 1 then 2 end, true, true
  from generate_series(1, ${partners}) i,
       lateral (select 'Partner ' || i || case when i % 7 = 0 then ' & <Sons> "quoted"'
                                             when i % 11 = 0 then ' bad' || chr(1) || 'char'
                                             else '' end as n) x;
insert into odoo.account_account (id, code, name, account_type, reconcile, company_id) values
  (101, '430000', 'Receivable', 'asset_receivable', true, 1), (102, '700000', 'Sales', 'income', false, 1),
  (104, '400000', 'Payable', 'liability_payable', true, 1), (105, '600000', 'Purchases', 'expense', false, 1),
  (201, '430000', 'Receivable', 'asset_receivable', true, 2), (202, '700000', 'Sales', 'income', false, 2);
insert into odoo.account_journal (id, name, code, type, company_id, active) values
  (1, 'Sales', 'INV', 'sale', 1, true), (2, 'Purchases', 'BILL', 'purchase', 1, true),
  (3, 'Sales', 'INV2', 'sale', 2, true), (4, 'Bank', 'BNK', 'bank', 1, true);

create temporary table book_src on commit drop as
select i, case when i % 10 = 0 then 2 else 1 end as company,
       (i % 5 = 0 and i % 10 <> 0) as bill,
       case when i % 97 = 0 then null else (i % ${partners}) + 1 end as partner,
       (i % 13 = 0) as usd,
       ((i * 37) % 5000) + 10.25 as amount,
       current_date - (i % 240) as inv_date,
       (i % 3 = 0 and not (i % 5 = 0 and i % 10 <> 0)) as half_paid
  from generate_series(1, ${invoices}) i;

insert into odoo.account_move (id, name, move_type, state, partner_id, journal_id, company_id, currency_id,
  date, invoice_date, invoice_date_due, amount_total, amount_residual, amount_residual_signed, ref, payment_state)
select s.i, case when s.bill then 'BILL/' else 'INV/' end || lpad(s.i::text, 7, '0'),
       case when s.bill then 'in_invoice' else 'out_invoice' end, 'posted', s.partner,
       case when s.bill then 2 when s.company = 2 then 3 else 1 end, s.company, case when s.usd then 2 else 1 end,
       s.inv_date, s.inv_date, s.inv_date + 30,
       s.amount * (case when s.usd then 1.1 else 1 end),
       (s.amount - case when s.half_paid then round(s.amount / 2, 2) else 0 end) * (case when s.usd then 1.1 else 1 end),
       (case when s.bill then -1 else 1 end) * (s.amount - case when s.half_paid then round(s.amount / 2, 2) else 0 end),
       'REF-' || s.i, case when s.half_paid then 'partial' else 'not_paid' end
  from book_src s;

insert into odoo.account_move_line (id, move_id, move_name, company_id, partner_id, account_id, journal_id,
  parent_state, date, date_maturity, name, balance, debit, credit, amount_currency, currency_id,
  amount_residual, reconciled)
select s.i * 2, s.i, m.name, s.company, s.partner,
       case when s.bill then 104 when s.company = 2 then 201 else 101 end, m.journal_id, 'posted',
       s.inv_date, s.inv_date + 30, m.name,
       sg * s.amount, case when sg > 0 then s.amount else 0 end, case when sg < 0 then s.amount else 0 end,
       sg * s.amount * (case when s.usd then 1.1 else 1 end), case when s.usd then 2 else 1 end,
       sg * (s.amount - case when s.half_paid then round(s.amount / 2, 2) else 0 end), false
  from book_src s join odoo.account_move m on m.id = s.i,
       lateral (select case when s.bill then -1 else 1 end as sg) x
union all
select s.i * 2 + 1, s.i, m.name, s.company, s.partner,
       case when s.bill then 105 when s.company = 2 then 202 else 102 end, m.journal_id, 'posted',
       s.inv_date, null, 'Goods', -sg * s.amount, case when sg < 0 then s.amount else 0 end,
       case when sg > 0 then s.amount else 0 end, -sg * s.amount, 1, 0, false
  from book_src s join odoo.account_move m on m.id = s.i,
       lateral (select case when s.bill then -1 else 1 end as sg) x;

-- Half of some invoices paid (payment lines on the receivable account, one partial each).
insert into odoo.account_move_line (id, move_id, move_name, company_id, partner_id, account_id, journal_id,
  parent_state, date, date_maturity, name, balance, debit, credit, amount_currency, currency_id,
  amount_residual, reconciled)
select 10000000 + s.i, null, 'PAY/' || lpad(s.i::text, 7, '0'), s.company, s.partner,
       case when s.company = 2 then 201 else 101 end, 4, 'posted', least(s.inv_date + 10, current_date),
       null, 'Payment', -round(s.amount / 2, 2), 0, round(s.amount / 2, 2),
       -round(s.amount / 2, 2) * (case when s.usd then 1.1 else 1 end), case when s.usd then 2 else 1 end, 0, true
  from book_src s where s.half_paid;
insert into odoo.account_partial_reconcile (id, debit_move_id, credit_move_id, amount, debit_amount_currency,
  credit_amount_currency, max_date, company_id)
select s.i, s.i * 2, 10000000 + s.i, round(s.amount / 2, 2),
       round(s.amount / 2, 2) * (case when s.usd then 1.1 else 1 end),
       round(s.amount / 2, 2) * (case when s.usd then 1.1 else 1 end),
       least(s.inv_date + 10, current_date), s.company
  from book_src s where s.half_paid;

insert into ods.access_grants (user_id, company_id) values ('${USER_A}', 1), ('${USER_B}', 2);
`;
}

export interface ExportBooks {
  dbUrl: string;
  sql: postgres.Sql;
  close(): Promise<void>;
}

let counter = 0;

/** A cluster of its own (the books own the odoo schema), with the books refreshed into reporting. */
export async function startBooks(invoices: number, name = 'jobs'): Promise<ExportBooks> {
  const dir = join(LOCAL_DIR, `test-${process.pid}-${name}-${++counter}`);
  const cluster = await startCluster(dir);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const sql = postgres(cluster.url, { max: 4, onnotice: () => {} });
  await sql.begin(async (tx) => {
    await tx.unsafe(booksSql(invoices));
  });
  // A new cluster has no statistics yet: without them the refresh plans nested loops over
  // hundreds of thousands of rows (minutes instead of seconds).
  await sql`analyze`;
  await sql`select * from ods.refresh_reporting(true)`;
  return {
    dbUrl: cluster.url,
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      destroyCluster(dir);
    },
  };
}

/** Runs `read` in a transaction as the signed-in `user` (the role and claim PostgREST sets). */
export function asUser<T>(
  sql: postgres.Sql,
  user: string,
  read: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: 'authenticated' })}, true),
                    set_config('role', 'authenticated', true)`;
    return read(tx);
  }) as Promise<T>;
}
