// The reporting layer at ≥ 1,000,000 journal items (issue 5): the simulator's books synced into
// Postgres by the real sync engine, the reports refreshed, then every dashboard query through
// plain SQL as `authenticated` (the role PostgREST switches to; a persistent session like
// PostgREST's pool) — p50/p95 over repeated runs. Also the refresh: first population, a forced
// CONCURRENTLY refresh of everything, and the no-change check the sync runs after each slice.
// The /rest/v1 and page-load figures are measured elsewhere.
import type postgres from 'postgres';
import { type SyncHarness, startSyncHarness } from '../tests/sync/harness.ts';
import {
  dashboardQueries,
  openReader,
  QUERY_TARGET_TEXT,
  queryFigure,
  timeQueries,
} from './lib/dashboard-queries.ts';
import { round } from './lib/measure.ts';
import type { BenchContext, BenchReport, Figure } from './lib/types.ts';

export const name = 'reporting';

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
    // On a large book the call after a rebuild builds the aged timeline: not "no change".
    await h.sql`select * from ods.refresh_reporting()`;
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
    reader = await openReader(h.sql, h.dbUrl);
    const queries = await dashboardQueries(reader);

    const figures: Record<string, Figure> = {};
    const rowsOut: string[] = [];
    const details: Record<string, unknown> = {
      scale,
      lines,
      syncSeconds: round(syncS, 1),
      populated,
      refreshPerViewMs: perView,
    };
    for (const t of await timeQueries(reader, queries, runs, ctx.log)) {
      figures[`${t.key}_p95_ms`] = queryFigure(t);
      rowsOut.push(
        `| ${t.what}${t.bulk ? ' — every company at once, no target' : ''} | ${t.rows} | ${t.p50} | ${t.p95} |`,
      );
      details[t.key] = { p50: t.p50, p95: t.p95, max: t.max, rows: t.rows };
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
      `\`startSyncHarness({ scale: ${scale}, seed: 42 })\`: the simulator's books (${lines.toLocaleString('en')} journal items) synced by the real engine in ${round(syncS, 1)} s, then \`ods.refresh_reporting()\`. Queries through plain SQL as \`authenticated\` (persistent session via \`authenticator\`, like PostgREST), ${runs} runs each after 5 warm-ups; ${QUERY_TARGET_TEXT}.`,
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
