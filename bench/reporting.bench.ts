// The reporting layer at ≥ 1,000,000 journal items (issue 5): the simulator's books synced into
// Postgres by the real sync engine, the reports refreshed, then every dashboard query through
// plain SQL as `authenticated` (the role PostgREST switches to; a persistent session like
// PostgREST's pool) — p50/p95 over repeated runs. Also the refresh: first population, a forced
// CONCURRENTLY refresh of everything, and the no-change check the sync runs after each slice.
// The /rest/v1 and page-load figures are measured elsewhere.
import postgres from 'postgres';
import { type SyncHarness, startSyncHarness } from '../tests/sync/harness.ts';
import { round } from './lib/measure.ts';
import type { BenchContext, BenchReport, Figure } from './lib/types.ts';

export const name = 'reporting';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

interface Query {
  key: string;
  what: string;
  run: (sql: postgres.Sql, i: number) => Promise<unknown>;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const scale = ctx.quick ? 100_000 : 1_000_000;
  const runs = ctx.quick ? 40 : 200;
  const t0 = performance.now();
  const h: SyncHarness = await startSyncHarness({ scale, seed: 42 });
  let reader: postgres.Sql | undefined;
  try {
    await h.sql`select cron.unschedule('reporting-refresh')`;
    ctx.log(
      `simulator ready (${scale} journal items) in ${round((performance.now() - t0) / 1000, 1)} s`,
    );
    const t1 = performance.now();
    await h.syncToEnd({
      maxSlices: 10_000,
      extraEnv: { SYNC_SLICE_RECORDS: '1000000', SYNC_SLICE_SECONDS: '600' },
    });
    const syncS = (performance.now() - t1) / 1000;
    const [{ lines }] = await h.sql`select count(*)::int as lines from odoo.account_move_line`;
    ctx.log(`synced ${lines} journal items in ${round(syncS, 1)} s`);
    await h.sql`vacuum analyze`;

    const timed = async (fn: () => Promise<unknown>) => {
      const s = performance.now();
      const out = await fn();
      return { ms: performance.now() - s, out };
    };
    // The sync engine refreshed the reports at the end of its run (first population); then a
    // forced refresh of everything (CONCURRENTLY) and the check when nothing changed.
    const [{ populated }] = await h.sql`select count(*)::int as populated
      from ods.reporting_matviews where refreshed_at is not null`;
    const forced = await timed(() => h.sql`select * from ods.refresh_reporting(true)`);
    const noop = await timed(() => h.sql`select * from ods.refresh_reporting()`);
    const perView = Object.fromEntries(
      (forced.out as postgres.RowList<postgres.Row[]>).map((r) => [r.matview, Number(r.ms)]),
    );
    // One payment in Odoo, synced: what the refresh after that sync costs.
    const c = h.sim.control;
    const invoice = c
      .truth('account.move')
      .find(
        (m) =>
          m.move_type === 'out_invoice' && m.state === 'posted' && Number(m.amount_residual) > 0,
      )!;
    const [{ now }] = await h.sql`select now() as now`;
    c.pay(Number(invoice.id));
    await h.syncToEnd();
    const [{ afterPaymentMs, views }] =
      await h.sql`select coalesce(sum(last_ms), 0)::float as "afterPaymentMs",
      count(*)::int as views from ods.reporting_matviews where refreshed_at > ${now}`;
    if (!views) await h.sql`select * from ods.refresh_reporting()`;
    ctx.log(
      `refresh: ${populated} views populated by the sync; forced concurrently ${round(forced.ms)} ms, no change ${round(noop.ms)} ms, after one payment ${round(afterPaymentMs)} ms (${views} views)`,
    );

    // Dashboard queries as `authenticated`, one persistent session (like PostgREST's pool).
    const url = new URL(h.dbUrl);
    url.username = 'authenticator';
    url.password = 'postgres';
    reader = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await reader`set role authenticated`;
    // A reader granted every company (access fails closed: no grant, no rows).
    const benchUser = '00000000-0000-4000-8000-00000000be4c';
    await h.sql`insert into ods.access_grants (user_id, company_id) values (${benchUser}, null)
      on conflict do nothing`;
    await reader`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'authenticated', sub: benchUser })}, false)`;
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

    const queries: Query[] = [
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
        what: 'aged_balance(random date, receivable), top 100 partners (every company)',
        run: (s, i) => s`select * from reporting.aged_balance(${dateAt(i)}::date, 'receivable')
          order by total desc limit 100`,
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
        what: 'overdue invoices: first page of 50 by due date + exact count (as PostgREST)',
        run: (s) => s`select (select count(*) from reporting.open_invoices where overdue) as total,
          (select json_agg(p) from (select * from reporting.open_invoices where overdue
                                     order by due_date, move_id limit 50) p) as page`,
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

    const figures: Record<string, Figure> = {};
    const rowsOut: string[] = [];
    const details: Record<string, unknown> = {
      scale,
      lines,
      syncSeconds: round(syncS, 1),
      populated,
      refreshPerViewMs: perView,
    };
    for (const q of queries) {
      for (let i = 0; i < 5; i++) await q.run(reader, i); // warm-up
      const xs: number[] = [];
      let rows = 0;
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        const out = (await q.run(reader, i)) as unknown[];
        xs.push(performance.now() - s);
        rows = out.length;
      }
      const p50 = round(pct(xs, 50));
      const p95 = round(pct(xs, 95));
      figures[`${q.key}_p95_ms`] = { value: p95, unit: 'ms', max: 50, note: q.what };
      rowsOut.push(`| ${q.what} | ${rows} | ${p50} | ${p95} |`);
      details[q.key] = { p50, p95, max: round(Math.max(...xs)), rows };
      ctx.log(`${q.key}: p50 ${p50} ms, p95 ${p95} ms (${rows} rows)`);
    }
    figures.refresh_forced_ms = {
      value: round(forced.ms, 0),
      unit: 'ms',
      note: 'every view CONCURRENTLY',
    };
    figures.refresh_after_payment_ms = {
      value: round(afterPaymentMs, 0),
      unit: 'ms',
      note: `${views} views whose inputs changed`,
    };
    figures.refresh_noop_ms = { value: round(noop.ms, 1), unit: 'ms', note: 'nothing changed' };

    const markdown = [
      `\`startSyncHarness({ scale: ${scale}, seed: 42 })\`: the simulator's books (${lines.toLocaleString('en')} journal items) synced by the real engine in ${round(syncS, 1)} s, then \`ods.refresh_reporting()\`. Queries through plain SQL as \`authenticated\` (persistent session via \`authenticator\`, like PostgREST), ${runs} runs each after 5 warm-ups; target p95 < 50 ms.`,
      '',
      '| query | rows | p50 ms | p95 ms |',
      '|---|---:|---:|---:|',
      ...rowsOut,
      '',
      `Refresh (\`ods.refresh_reporting()\`, readers never blocked): every view forced CONCURRENTLY ${round(forced.ms, 0)} ms; after a sync that brought one payment ${round(afterPaymentMs, 0)} ms (${views} views whose inputs changed); after a sync that changed nothing ${round(noop.ms, 1)} ms. The first population runs at the end of the initial sync (included in its time).`,
      '',
      `Per view (forced, ms): ${Object.entries(perView)
        .map(([k, v]) => `${k.replace('reporting_private.', '')} ${v}`)
        .join(', ')}.`,
    ].join('\n');
    return { title: 'Reporting queries and refresh', figures, markdown, details };
  } finally {
    await reader?.end({ timeout: 2 });
    await h.close();
  }
}
