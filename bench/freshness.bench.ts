// Freshness end to end (issue 14): a payment made in the simulator, under its ongoing activity
// (one user action a second, as `npm start`'s demo), until the paid invoice leaves
// reporting.open_invoices as the page's client reads it through /rest/v1 — lag p50/p95/max.
// The whole local stack runs as `npm start` runs it: pg_cron's one-minute job calls
// ods.invoke_sync, pg_net's stand-in posts to the Edge Function odoo-sync, which syncs and
// keeps the reports. Also a 10-second schedule (Supabase's pg_cron 1.5+ takes '10 seconds';
// Debian's 1.4 is minute-only): the cron job paused and the same SQL called from a loop on
// wall-clock multiples of 10 s. Each schedule with the sync's report upkeep incremental and as
// a full rebuild (SYNC_REPORTS_FULL=on), the baseline, in the same run on the same books.
import { type BenchStack, startBenchStack, startSyncDriver } from './lib/bench-stack.ts';
import { type MarkerRun, runMarkers } from './lib/freshness-markers.ts';
import { type InvocationTimings, invocationTimings } from './lib/invocation-timings.ts';
import { percentile, round } from './lib/measure.ts';
import { type SimProcess, startSimProcess } from './lib/sim-process.ts';
import type { BenchContext, BenchReport, Figure } from './lib/types.ts';

export const name = 'freshness';

const MODES = [
  { key: 'incremental', env: 'off', what: 'incremental (SYNC_REPORTS_FULL off)' },
  { key: 'full', env: 'on', what: 'full rebuild (SYNC_REPORTS_FULL=on, baseline)' },
] as const;

const SCHEDULES = [
  { key: '1min', what: "pg_cron '* * * * *'", driverMs: 0 },
  { key: '10s', what: 'invoke_sync every 10 s (driver loop)', driverMs: 10_000 },
] as const;

interface Row {
  mode: (typeof MODES)[number]['key'];
  schedule: (typeof SCHEDULES)[number]['key'];
  run: MarkerRun;
  syncs: number;
  /** Per marker, seconds from the first scheduled call after its payment to it being visible. */
  afterTick: number[];
  /** The scheduled invocations' phases (ods.invocations, ods.runs). */
  timings: InvocationTimings;
  p50: number;
  p95: number;
  max: number;
}

async function measureCase(
  stack: BenchStack,
  sim: SimProcess,
  schedule: (typeof SCHEDULES)[number],
  windowMs: number,
  ctx: BenchContext,
): Promise<{ run: MarkerRun; syncs: number; afterTick: number[]; timings: InvocationTimings }> {
  const driver = schedule.driverMs ? startSyncDriver(stack.cluster.url, schedule.driverMs) : null;
  await stack.minuteCron(!driver);
  const from = new Date();
  try {
    const run = await runMarkers({
      sim,
      sql: stack.sql,
      api: stack.api,
      windowMs,
      // Several markers per tick interval, so the wait for the next tick is sampled evenly.
      everyMs: schedule.driverMs ? 4_000 : 12_000,
      timeoutMs: 300_000,
      log: ctx.log,
    });
    const [{ syncs }] = await stack.sql`select count(*)::int as syncs from ods.runs
      where mode = 'sync' and started_at >= ${from}`;
    // What each marker waited for the schedule: until the next minute (pg_cron fires at second
    // 0) or the next multiple of 10 s (the driver). The rest is the sync's: queueing behind an
    // earlier invocation, reading, writing, report upkeep, the 0.5 s poll.
    const period = schedule.driverMs || 60_000;
    const afterTick = run.lags.map(
      (lag, i) => lag - (Math.ceil(run.paidAt[i] / period) * period - run.paidAt[i]) / 1000,
    );
    const timings = await invocationTimings(
      stack.sql,
      from,
      schedule.driverMs ? 'cron-10s' : 'cron',
    );
    return { run, syncs, afterTick, timings };
  } finally {
    await driver?.stop();
    await stack.minuteCron(true);
  }
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const scale = ctx.quick ? 20_000 : 200_000;
  const windows = { '1min': ctx.quick ? 75_000 : 480_000, '10s': ctx.quick ? 30_000 : 180_000 };
  const t0 = performance.now();
  const sim = await startSimProcess(['--scale', String(scale), '--seed', '1', '--activity']);
  const stack = await startBenchStack('freshness');
  ctx.log(
    `simulator (${scale.toLocaleString()} journal items, activity 1/s) and cluster in ${round((performance.now() - t0) / 1000, 1)} s`,
  );
  const rows: Row[] = [];
  let firstCopyS = 0;
  let firstVisibleS = 0;
  let visible = { seconds: 0, rescued: false };
  try {
    for (const mode of MODES) {
      await stack.platform({ ...sim.env, SYNC_REPORTS_FULL: mode.env });
      if (mode === MODES[0]) {
        // The first copy, as after `npm start`: kicked once, then chained invocations.
        const k0 = performance.now();
        await stack.kickSync();
        firstCopyS = await stack.waitFirstCopy(1_800_000, ctx.log);
        visible = await stack.waitReportsVisible(ctx.quick ? 120_000 : 300_000);
        firstVisibleS = (performance.now() - k0) / 1000;
        ctx.log(
          `first copy complete in ${round(firstCopyS, 1)} s, companies on /rest/v1 after ${round(firstVisibleS, 1)} s`,
        );
      }
      for (const schedule of SCHEDULES) {
        const { run, syncs, afterTick, timings } = await measureCase(
          stack,
          sim,
          schedule,
          windows[schedule.key],
          ctx,
        );
        const row: Row = {
          mode: mode.key,
          schedule: schedule.key,
          run,
          syncs,
          afterTick,
          timings,
          p50: round(percentile(run.lags, 50), 1),
          p95: round(percentile(run.lags, 95), 1),
          max: round(Math.max(...run.lags), 1),
        };
        rows.push(row);
        ctx.log(
          `${mode.key} · ${schedule.key}: ${run.lags.length} markers, lag p50 ${row.p50} s, p95 ${row.p95} s, max ${row.max} s, ${run.timeouts} timeouts, ${syncs} sync runs`,
        );
      }
    }
    const [{ lines }] = await stack.sql`select count(*)::int as lines from odoo.account_move_line`;
    const figures: Record<string, Figure> = {
      journal_items: { value: lines, unit: 'rows' },
      first_copy_s: { value: round(firstCopyS, 1), unit: 's', note: 'kick to every model copied' },
      first_copy_visible_s: {
        value: round(firstVisibleS, 1),
        unit: 's',
        note: visible.rescued
          ? 'NOT visible by itself: the benchmark refreshed the reports at this point'
          : 'kick to companies on /rest/v1',
      },
      reports_after_copy_s: {
        value: round(visible.seconds, 1),
        unit: 's',
        note: 'first copy complete → companies on /rest/v1',
      },
    };
    for (const r of rows) {
      const target = r.mode === 'incremental' && r.schedule === '1min' ? { max: 75 } : {};
      figures[`lag_p95_${r.mode}_${r.schedule}`] = { value: r.p95, unit: 's', ...target };
      figures[`lag_p50_${r.mode}_${r.schedule}`] = { value: r.p50, unit: 's' };
      figures[`lag_max_${r.mode}_${r.schedule}`] = { value: r.max, unit: 's' };
      figures[`after_tick_p95_${r.mode}_${r.schedule}`] = {
        value: round(percentile(r.afterTick, 95), 1),
        unit: 's',
        note: 'from the next scheduled moment to visible: queueing + sync + report upkeep + poll',
      };
      figures[`timeouts_${r.mode}_${r.schedule}`] = {
        value: r.run.timeouts,
        unit: 'markers',
        max: 0,
      };
    }
    const label = (k: string) => MODES.find((m) => m.key === k)!.what;
    const sched = (k: string) => SCHEDULES.find((s) => s.key === k)!.what;
    const md = [
      `${lines.toLocaleString()} journal items at the end (simulator seed 1, ${scale.toLocaleString()} generated, activity one user action a second throughout). The stack as \`npm start\` runs it: pg_cron → \`ods.invoke_sync\` → pg_net stand-in → Edge Function \`odoo-sync\` in Deno → Postgres; readers through the gateway's /rest/v1 with the anon key (the page's \`web/src/api.ts\`).`,
      '',
      `A marker is a payment of the whole residual of an open customer invoice, made through the simulator's control API at a random moment (about every 12 s with the one-minute cron, every 4 s with the 10-second schedule); its lag is the time until that invoice is no longer in \`reporting.open_invoices\` as read through /rest/v1 (polled every 0.5 s). The 10-second schedule: pg_cron's \`odoo-sync\` job paused (\`cron.alter_job(active => false)\`) and the job's own SQL, \`select ods.invoke_sync('sync', 'cron-10s')\`, run by the benchmark on every wall-clock multiple of 10 s. Windows: ${windows['1min'] / 1000} s (one-minute cron) and ${windows['10s'] / 1000} s (10 s) of new markers, then until every marker is seen (timeout 300 s). Report upkeep: the sync's end-of-run maintenance incremental, or a full rebuild of every report (\`SYNC_REPORTS_FULL=on\`, the behaviour before issue 14 and the baseline), the Edge Functions restarted with the setting.`,
      '',
      `First copy (${label('incremental')}): every model copied ${round(firstCopyS, 1)} s after the first invocation, ${
        visible.rescued
          ? `the reports still empty on /rest/v1 ${round(visible.seconds, 1)} s later (a refresh started mid-copy, planned before the tables had statistics, was still running): the benchmark cancelled it, analysed the mirror and refreshed the reports itself, ${round(firstVisibleS, 1)} s after the first invocation`
          : `companies readable on /rest/v1 after ${round(firstVisibleS, 1)} s (${round(visible.seconds, 1)} s after the copy)`
      }.`,
      '',
      '| report upkeep | schedule | markers | lag p50 s | lag p95 s | max s | after the tick p50 / p95 s | timeouts | sync runs | target |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...rows.map(
        (r) =>
          `| ${label(r.mode)} | ${sched(r.schedule)} | ${r.run.lags.length} | ${r.p50} | ${r.p95} | ${r.max} | ${round(percentile(r.afterTick, 50), 1)} / ${round(percentile(r.afterTick, 95), 1)} | ${r.run.timeouts} | ${r.syncs} | ${r.mode === 'incremental' && r.schedule === '1min' ? (r.p95 <= 75 && !r.run.timeouts ? 'p95 ≤ 75: ok' : 'p95 ≤ 75: MISSED') : ''} |`,
      ),
      '',
      "Where a scheduled invocation's time goes (p50 / p95 ms over the window's invocations, from `ods.invocations` and `ods.runs`): queued by the schedule → the function's run begins (pg_net stand-in, Deno, catalog read; also any wait behind another call); the run (every model's requests and page commits, capped at `SYNC_MAX_RPS` 10 requests a second); the run's end → pg_net has the answer (the end-of-run report upkeep).",
      '',
      '| report upkeep | schedule | invocations | queue → run p50 / p95 ms | run p50 / p95 ms | Odoo requests p50 / p95 | upkeep p50 / p95 ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (r) =>
          `| ${label(r.mode)} | ${sched(r.schedule)} | ${r.timings.invocations} | ${r.timings.queueToStart.join(' / ')} | ${r.timings.run.join(' / ')} | ${r.timings.requests.join(' / ')} | ${r.timings.upkeep.join(' / ')} |`,
      ),
      '',
      '"After the tick": for each marker, from the first scheduled moment after its payment (second 0 of the next minute, or the next multiple of 10 s) to the invoice leaving the view — waiting for an earlier invocation still running, the sync, the report upkeep and the 0.5 s poll; the lag without the wait for the schedule (which averages half its period).',
    ].join('\n');
    return {
      title: 'Freshness: change in Odoo → visible through /rest/v1',
      figures,
      markdown: md,
      details: { scale, windows, rows: rows.map((r) => ({ ...r, lags: r.run.lags })) },
    };
  } finally {
    await stack.close();
    await sim.close();
  }
}
