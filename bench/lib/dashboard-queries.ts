// The dashboard's queries as the reporting benchmarks time them: plain SQL as `authenticated`
// on one persistent session (the role PostgREST switches to, a session like its pool's), each
// repeated after warm-ups, p50/p95. Shared by reporting.bench.ts (the simulator's books synced)
// and scale.bench.ts (books of 1M and 10M journal items loaded by SQL).
import postgres from 'postgres';
import { round } from './measure.ts';
import type { Figure } from './types.ts';

export interface DashboardQuery {
  key: string;
  what: string;
  run: (sql: postgres.Sql, i: number) => Promise<unknown>;
  /**
   * A read of every company at once, which the page never makes (it shows one company, picked):
   * timed for the size of the work, without the 50 ms target of the dashboard's queries.
   */
  bulk?: true;
}

export interface QueryTiming {
  key: string;
  what: string;
  bulk?: true;
  p50: number;
  p95: number;
  max: number;
  rows: number;
  /** The same runs timed once before (`firstPass`): pages not yet in memory. */
  first?: { p50: number; p95: number };
}

/** The dashboard's target, as the benchmarks' texts state it. */
export const QUERY_TARGET_TEXT =
  'target p95 < 50 ms, except for the reads marked "every company at once": the page shows one company at a time and never makes them, so they are timed without a target';

/** A query's p95 as a figure: with the 50 ms target, or without one for an every-company read. */
export function queryFigure(t: QueryTiming): Figure {
  return t.bulk
    ? { value: t.p95, unit: 'ms', note: `${t.what} (every company at once: no target)` }
    : { value: t.p95, unit: 'ms', max: 50, note: t.what };
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** A reader granted every company (access fails closed: no grant, no rows), like PostgREST's. */
export async function openReader(admin: postgres.Sql, dbUrl: string): Promise<postgres.Sql> {
  const url = new URL(dbUrl);
  url.username = 'authenticator';
  url.password = 'postgres';
  const reader = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await reader`set role authenticated`;
  // The role's own settings (statement_timeout, jit), which PostgREST applies to each request.
  await reader`select set_config(split_part(s, '=', 1), substr(s, strpos(s, '=') + 1), false)
    from pg_catalog.pg_db_role_setting d, unnest(d.setconfig) s
    where d.setrole = 'authenticated'::regrole and d.setdatabase = 0`;
  const benchUser = '00000000-0000-4000-8000-00000000be4c';
  await admin`insert into ods.access_grants (user_id, company_id) values (${benchUser}, null)
    on conflict do nothing`;
  await reader`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'authenticated', sub: benchUser })}, false)`;
  return reader;
}

/** The queries, with their parameters (busy partners, companies, dates) read from the book. */
export async function dashboardQueries(reader: postgres.Sql): Promise<DashboardQuery[]> {
  const partners = (
    await reader`select partner_id from reporting.partner_balances where partner_id is not null
      order by lines desc limit 50`
  ).map((r) => Number(r.partner_id));
  const companies = (
    await reader`select company_id from reporting.companies order by company_id`
  ).map((r) => Number(r.company_id));
  const [{ d0, d1 }] = await reader`select min(date)::text as d0, max(date)::text as d1
    from reporting.partner_ledger`;
  const span = (Date.parse(d1) - Date.parse(d0)) / 86_400_000;
  const dateAt = (i: number) =>
    new Date(Date.parse(d0) + Math.floor((((i * 7919) % 997) / 997) * span) * 86_400_000)
      .toISOString()
      .slice(0, 10);
  return [
    {
      key: 'aged_receivable',
      what: 'aged receivable as of today, top 100 partners by total',
      run: (s) => s`select * from reporting.aged_receivable order by total desc limit 100`,
    },
    {
      key: 'aged_totals',
      what: 'aging buckets chart: reporting.aged_totals (every company, both kinds)',
      run: (s) => s`select * from reporting.aged_totals order by company_id, kind`,
    },
    {
      key: 'aged_balance_any_date',
      what: 'aged_balance(random date, receivable, one company): every partner, top 100 taken by the caller',
      run: (s, i) => s`select * from reporting.aged_balance(${dateAt(i)}::date, 'receivable',
        ${companies[i % companies.length]}) order by total desc limit 100`,
    },
    {
      key: 'aged_balance_all',
      what: 'aged_balance(random date, receivable) of every company: every partner, top 100 taken by the caller',
      run: (s, i) => s`select * from reporting.aged_balance(${dateAt(i)}::date, 'receivable')
        order by total desc limit 100`,
      bulk: true,
    },
    {
      key: 'aged_totals_any_date',
      what: 'as-of date picker: aged_totals_as_of(random date, kind, one company)',
      run: (s, i) => s`select * from reporting.aged_totals_as_of(${dateAt(i)}::date,
        ${i % 2 ? 'payable' : 'receivable'}, ${companies[i % companies.length]})`,
    },
    {
      key: 'aged_top_any_date',
      what: 'as-of date picker: aged_balance_top(random date, kind, 10, one company)',
      run: (s, i) => s`select * from reporting.aged_balance_top(${dateAt(i)}::date,
        ${i % 2 ? 'payable' : 'receivable'}, 10, ${companies[i % companies.length]})`,
    },
    {
      key: 'cash_position',
      what: 'cash and bank position',
      run: (s) => s`select * from reporting.cash_position order by company_id, journal_code`,
    },
    {
      key: 'cashflow_forecast',
      what: 'cash-flow forecast, next 13 weeks',
      run: (s) => s`select * from reporting.cashflow_forecast
        where week_start < current_date + 91 order by company_id, week_start`,
    },
    {
      key: 'overdue_page',
      what: 'overdue card: one company, first page of 50 by due date + exact count (as the page asks)',
      run: (s, i) => s`select
        (select count(*) from reporting.open_invoices
          where overdue and company_id = ${companies[i % companies.length]}) as total,
        (select json_agg(p) from (select * from reporting.open_invoices
                                   where overdue and company_id = ${companies[i % companies.length]}
                                   order by due_date, move_id limit 50) p) as page`,
    },
    {
      key: 'overdue_all',
      what: 'overdue invoices of every company: first page of 50 by due date + exact count',
      run: (s) => s`select (select count(*) from reporting.open_invoices where overdue) as total,
        (select json_agg(p) from (select * from reporting.open_invoices where overdue
                                   order by due_date, move_id limit 50) p) as page`,
      bulk: true,
    },
    {
      key: 'invoice_search',
      what: 'open invoices search by partner name (ilike)',
      run: (s, i) => s`select * from reporting.open_invoices
        where partner_name ilike ${`%${['a', 'co', 'sa', 'in', 'de'][i % 5]}%`}
        order by due_date limit 50`,
    },
    {
      key: 'partner_ledger',
      what: 'partner drill-down: last 100 ledger lines of a busy partner',
      run: (s, i) => s`select * from reporting.partner_ledger
        where partner_id = ${partners[i % partners.length]}
        order by date desc, line_id desc limit 100`,
    },
    {
      key: 'partner_balances',
      what: 'top 20 partners by open receivable',
      run: (s) => s`select * from reporting.partner_balances
        order by receivable_open desc limit 20`,
    },
    {
      key: 'revenue_expenses',
      what: 'revenue and expenses, last 24 months',
      run: (s) => s`select * from reporting.revenue_expenses_by_month
        where month >= date_trunc('month', current_date) - interval '24 months'
        order by company_id, month`,
    },
    {
      key: 'freshness',
      what: 'sync_health + freshness ("data as of")',
      run: (s) => s`select (select json_agg(h) from reporting.sync_health h) as health,
        (select row_to_json(f) from reporting.freshness f) as freshness`,
    },
  ];
}

/** The runs of one query: p50, p95, max and the rows of the last. */
async function timeRuns(reader: postgres.Sql, q: DashboardQuery, runs: number) {
  const xs: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const res = (await q.run(reader, i)) as unknown[];
    xs.push(performance.now() - s);
    rows = res.length;
  }
  return { p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)), rows };
}

/**
 * Each query `runs` times after 5 warm-ups. `firstPass`: the runs are timed twice, and the
 * second is the figure; the first (`first`) is what a reader meets right after a rebuild, before
 * the reports' pages are back in memory (the runs' dates spread over ten years: 5 warm-ups
 * touch little of the indexes).
 */
export async function timeQueries(
  reader: postgres.Sql,
  queries: DashboardQuery[],
  runs: number,
  log: (line: string) => void,
  opts: { firstPass?: boolean } = {},
): Promise<QueryTiming[]> {
  const out: QueryTiming[] = [];
  for (const q of queries) {
    for (let i = 0; i < 5; i++) await q.run(reader, i);
    const first = opts.firstPass ? await timeRuns(reader, q, runs) : undefined;
    const r = await timeRuns(reader, q, runs);
    const t: QueryTiming = {
      key: q.key,
      what: q.what,
      ...(q.bulk ? { bulk: q.bulk } : {}),
      ...r,
      ...(first ? { first: { p50: first.p50, p95: first.p95 } } : {}),
    };
    log(
      `${q.key}: p50 ${t.p50} ms, p95 ${t.p95} ms (${t.rows} rows)${first ? `; first pass p50 ${first.p50}, p95 ${first.p95}` : ''}`,
    );
    out.push(t);
  }
  return out;
}
