// The attacker's target for the security suite: a local stack (its own cluster with every
// migration, the gateway with /rest/v1, /auth/v1 and the page) over the books of two companies.
// Company 2 holds the secrets (a partner name, an invoice reference) a user of company 1 must
// never read, not even one character at a time through an error.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { destroyCluster, freePort, startCluster } from '../../tools/local-stack/src/cluster.ts';
import { LOCAL_DIR } from '../../tools/local-stack/src/paths.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';

export interface Books {
  dbUrl: string;
  sql: postgres.Sql;
  platform: Platform;
  /** Views of `reporting` that hold company data (every one but the sync's own). */
  views: string[];
  /** Those of them without a company_id column. */
  withoutCompany: string[];
  close(): Promise<void>;
}

export const SECRET_PARTNER = 'Secret partner of two';
export const SECRET_REF = 'Secret-ref-2';

const BOOKS = `
insert into odoo.res_currency (id, name, symbol, decimal_places) values (1, 'EUR', '€', 2);
insert into odoo.res_company (id, name, currency_id) values (1, 'Own Co', 1), (2, 'Other Co', 1);
insert into odoo.res_partner (id, name, complete_name, company_id) values
  (11, 'Customer of one', 'Customer of one', 1),
  (21, '${SECRET_PARTNER}', '${SECRET_PARTNER}', 2),
  (30, 'Shared partner', 'Shared partner', null);
insert into odoo.account_account (id, code, name, account_type, reconcile, company_id) values
  (101, '430000', 'Receivable', 'asset_receivable', true, 1),
  (102, '700000', 'Sales', 'income', false, 1),
  (103, '572000', 'Bank', 'asset_cash', false, 1),
  (201, '430000', 'Receivable', 'asset_receivable', true, 2),
  (202, '700000', 'Sales', 'income', false, 2),
  (203, '572000', 'Bank', 'asset_cash', false, 2),
  (104, '400000', 'Payable', 'liability_payable', true, 1),
  (204, '400000', 'Payable', 'liability_payable', true, 2);
insert into odoo.account_journal (id, name, code, type, company_id, default_account_id, active) values
  (1, 'Bank', 'BNK1', 'bank', 1, 103, true), (2, 'Bank', 'BNK2', 'bank', 2, 203, true);
insert into odoo.account_move (id, name, move_type, state, partner_id, company_id, currency_id, date,
                               invoice_date, invoice_date_due, amount_total, amount_residual, ref)
values
  (1001, 'INV/1/0001', 'out_invoice', 'posted', 11, 1, 1, current_date - 40, current_date - 40,
   current_date - 10, 100, 100, 'Visible-ref-1'),
  (2001, 'INV/2/0001', 'out_invoice', 'posted', 21, 2, 1, current_date - 40, current_date - 40,
   current_date - 10, 200, 200, '${SECRET_REF}');
insert into odoo.account_move_line (id, move_id, company_id, partner_id, account_id, parent_state, date,
                                    date_maturity, name, balance, debit, credit, amount_residual)
values
  (1, 1001, 1, 11, 101, 'posted', current_date - 40, current_date - 10, 'INV/1/0001', 100, 100, 0, 100),
  (2, 1001, 1, 11, 102, 'posted', current_date - 40, null, 'Sales', -100, 0, 100, 0),
  (3, 2001, 2, 21, 201, 'posted', current_date - 40, current_date - 10, '${SECRET_REF}', 200, 200, 0, 200),
  (4, 2001, 2, 21, 202, 'posted', current_date - 40, null, 'Sales', -200, 0, 200, 0),
  (5, null, 1, null, 103, 'posted', current_date - 5, null, 'Deposit', 50, 50, 0, 0),
  (6, null, 2, null, 203, 'posted', current_date - 5, null, 'Deposit', 70, 70, 0, 0),
  (7, null, 1, 11, 104, 'posted', current_date - 5, current_date + 5, 'Bill', -30, 0, 30, -30),
  (8, null, 2, 21, 204, 'posted', current_date - 5, current_date + 5, 'Bill', -40, 0, 40, -40);
`;

// A weekly digest e-mail of each company (reporting.digest_sends).
const DIGESTS = `
insert into ods.digest_sends (company_id, week_start, recipient, status) values
  (1, date_trunc('week', current_date)::date, 'own@example.com', 'sent'),
  (2, date_trunc('week', current_date)::date, 'other@example.com', 'failed');
`;

let counter = 0;

export async function startBooks(): Promise<Books> {
  const dir = join(LOCAL_DIR, `test-${process.pid}-security-${++counter}`);
  const cluster = await startCluster(dir);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  let platform: Platform | undefined;
  try {
    await sql.unsafe(BOOKS);
    await sql.unsafe(DIGESTS);
    await sql`select * from ods.refresh_reporting(true, true)`;
    // Nothing moves behind the tests' backs.
    await sql`select cron.unschedule(jobname) from cron.job`;
    platform = await startPlatform({
      dbPort: cluster.port,
      gatewayPort: await freePort(),
      log: () => {},
    });
  } catch (e) {
    await sql.end({ timeout: 2 });
    destroyCluster(dir);
    throw e;
  }
  const views = (
    await sql`select c.relname::text as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'reporting' and c.relkind = 'v' order by 1`
  ).map((r) => r.name as string);
  const withoutCompany = (
    await sql`select v from unnest(${views}::text[]) v
     where not exists (select 1 from information_schema.columns c
                        where c.table_schema = 'reporting' and c.table_name = v
                          and c.column_name = 'company_id')`
  ).map((r) => r.v as string);
  return {
    dbUrl: cluster.url,
    sql,
    platform,
    views,
    withoutCompany,
    async close() {
      await platform?.close();
      await sql.end({ timeout: 2 });
      destroyCluster(dir);
    },
  };
}
