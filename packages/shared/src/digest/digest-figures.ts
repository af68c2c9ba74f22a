// The figures of one company's weekly digest, read from `reporting` (the same views and
// functions the page and BI tools read, so the e-mail cannot disagree with them). Amounts stay
// decimal strings from Postgres; every sum and difference is computed there, never in floats.
import type { Sql } from 'postgres';
import { AGED_BUCKETS } from '../reporting/aged-buckets.ts';

export const BUCKETS = AGED_BUCKETS;

export interface AgedSide {
  buckets: Record<(typeof BUCKETS)[number], string>;
  total: string;
  overdue: string;
  /** Overdue as a percentage of the total (one decimal), null when nothing is open. */
  overdueShare: string | null;
  previousTotal: string;
  previousOverdue: string;
  changeTotal: string;
  changeOverdue: string;
}

export interface OverdueCustomer {
  partnerId: number | null;
  name: string;
  amount: string;
  daysOverdue: number;
  invoices: number;
}

export interface DigestFigures {
  companyId: number;
  companyName: string;
  currency: string;
  asOf: string;
  previousAsOf: string;
  receivable: AgedSide;
  payable: AgedSide;
  topOverdue: OverdueCustomer[];
  cash: {
    total: string;
    journals: { name: string; code: string; currency: string; position: string }[];
  };
  freshness: {
    dataAsOf: string | null;
    lagSeconds: string | null;
    failingModels: string[];
    errorCategory: string | null;
  };
}

async function agedSide(
  sql: Sql,
  companyId: number,
  asOf: string,
  kind: string,
): Promise<AgedSide> {
  const [r] = await sql`
    with cur as (select * from reporting.aged_totals_as_of(${asOf}::date, ${kind}, ${companyId})),
         prev as (select * from reporting.aged_totals_as_of(${asOf}::date - 7, ${kind}, ${companyId}))
    select cur.not_due::text, cur.days_1_30::text, cur.days_31_60::text, cur.days_61_90::text,
           cur.days_91_120::text, cur.older::text, cur.total::text,
           (cur.total - cur.not_due)::text as overdue,
           case when cur.total <> 0 then round(100 * (cur.total - cur.not_due) / cur.total, 1)::text end
             as overdue_share,
           prev.total::text as previous_total, (prev.total - prev.not_due)::text as previous_overdue,
           (cur.total - prev.total)::text as change_total,
           ((cur.total - cur.not_due) - (prev.total - prev.not_due))::text as change_overdue
      from cur join prev using (company_id)`;
  if (!r) throw new Error(`company ${companyId} is not in reporting.companies`);
  return {
    buckets: Object.fromEntries(BUCKETS.map((b) => [b, r[b]])) as AgedSide['buckets'],
    total: r.total,
    overdue: r.overdue,
    overdueShare: r.overdue_share,
    previousTotal: r.previous_total,
    previousOverdue: r.previous_overdue,
    changeTotal: r.change_total,
    changeOverdue: r.change_overdue,
  };
}

/** The digest's figures for `companyId` as of `asOf` (compared with seven days before). */
export async function digestFigures(
  sql: Sql,
  companyId: number,
  asOf: string,
): Promise<DigestFigures> {
  const [company] = await sql`select name, currency, (${asOf}::date - 7)::text as previous
    from reporting.companies where company_id = ${companyId}`;
  if (!company) throw new Error(`company ${companyId} is not in reporting.companies`);
  const receivable = await agedSide(sql, companyId, asOf, 'receivable');
  const payable = await agedSide(sql, companyId, asOf, 'payable');
  const top = await sql`
    select partner_id, coalesce(max(partner_name), 'Unknown') as name,
           sum(residual_company)::text as amount, max(days_overdue)::int as days_overdue,
           count(*)::int as invoices
      from reporting.open_invoices
     where company_id = ${companyId} and kind = 'receivable' and overdue
     group by partner_id
    having sum(residual_company) > 0
     order by sum(residual_company) desc, partner_id nulls last
     limit 10`;
  const journals = await sql`
    select journal_name, journal_code, coalesce(company_currency, '') as currency, position::text
      from reporting.cash_position where company_id = ${companyId}
     order by journal_code, journal_id`;
  const [cash] = await sql`select coalesce(sum(position), 0)::text as total
    from reporting.cash_position where company_id = ${companyId}`;
  const [fresh] = await sql`select data_as_of, lag_seconds::text, failing_models, error_category
    from reporting.freshness`;
  return {
    companyId,
    companyName: company.name ?? `Company ${companyId}`,
    currency: company.currency ?? '',
    asOf,
    previousAsOf: company.previous,
    receivable,
    payable,
    topOverdue: top.map((t) => ({
      partnerId: t.partner_id === null ? null : Number(t.partner_id),
      name: t.name,
      amount: t.amount,
      daysOverdue: t.days_overdue,
      invoices: t.invoices,
    })),
    cash: {
      total: cash.total,
      journals: journals.map((j) => ({
        name: j.journal_name,
        code: j.journal_code,
        currency: j.currency,
        position: j.position,
      })),
    },
    freshness: {
      dataAsOf: fresh?.data_as_of ? new Date(fresh.data_as_of).toISOString() : null,
      lagSeconds: fresh?.lag_seconds ?? null,
      failingModels: (fresh?.failing_models as string[] | null) ?? [],
      errorCategory: fresh?.error_category ?? null,
    },
  };
}
