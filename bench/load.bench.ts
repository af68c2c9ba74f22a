// Load (issue 14): 50 concurrent readers of the dashboard queries through /rest/v1 (the page's
// api.ts, anon key) while (a) the first copy (snapshot) of ≥ 1,000,000 journal items runs and
// (b) the simulator's activity is synced and the reports kept, every 10 s — p95, errors, and
// the sync's throughput under that load next to the same sync without readers in the same run:
// (a) the same snapshot from the same simulator into a second, fresh cluster, measured over the
// same window from its start; (b) alternate windows on the same stack, without then with
// readers, with the sync's report upkeep incremental and as a full rebuild (SYNC_REPORTS_FULL).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  type BenchStack,
  startBenchStack,
  startSyncDriver,
  syncThroughput,
} from './lib/bench-stack.ts';
import { child } from './lib/child.ts';
import { percentile, round } from './lib/measure.ts';
import { type SimProcess, startSimProcess } from './lib/sim-process.ts';
import type { BenchContext, BenchReport, Figure } from './lib/types.ts';

export const name = 'load';

const READERS = 50;
/**
 * Mean pause of a reader between two queries (LOAD_THINK_MS, 1000; 0: back to back). A reader is
 * a person with the dashboard open: about one query a second each, 50 a second in all — as if
 * each of the 50 reloaded the whole page (its 14 queries) every 14 seconds.
 */
const THINK_MS = Number(process.env.LOAD_THINK_MS ?? 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The simulator's scheduling priority (nice). */
const SIM_NICE = 10;

interface ReaderStats {
  requests: number;
  /** Queries answered per second, all readers together. */
  perSecond: number;
  errors: number;
  p50: number;
  p95: number;
  perQueryP95: Record<string, number>;
  errorKinds: Record<string, number>;
}

async function readers(
  url: string,
  seconds: number,
  company: number,
  partner: number | null,
  n = READERS,
  thinkMs = THINK_MS,
) {
  const r = await child(
    join('bench', 'lib', 'readers.ts'),
    [url, String(n), String(seconds), String(company), String(partner), String(thinkMs)],
    {},
  );
  return JSON.parse(r.out) as {
    names: string[];
    samples: [number, number, number, number][];
    errors: Record<string, number>;
  };
}

function stats(
  out: Awaited<ReturnType<typeof readers>>,
  until = Number.POSITIVE_INFINITY,
): ReaderStats {
  const xs = out.samples.filter((s) => s[0] < until);
  const perQueryP95: Record<string, number> = {};
  out.names.forEach((n, q) => {
    perQueryP95[n] = round(
      percentile(
        xs.filter((s) => s[3] === q).map((s) => s[1]),
        95,
      ),
      1,
    );
  });
  const span = xs.length
    ? (Math.max(...xs.map((s) => s[0] + s[1])) - Math.min(...xs.map((s) => s[0]))) / 1000
    : 0;
  return {
    requests: xs.length,
    perSecond: span ? round(xs.length / span, 1) : 0,
    errors: xs.filter((s) => !s[2]).length,
    p50: round(
      percentile(
        xs.map((s) => s[1]),
        50,
      ),
      1,
    ),
    p95: round(
      percentile(
        xs.map((s) => s[1]),
        95,
      ),
      1,
    ),
    perQueryP95,
    errorKinds: out.errors,
  };
}

/** Records in the mirror (every odoo.* table), counted exactly. */
async function mirrored(stack: BenchStack): Promise<number> {
  const [{ n }] = await stack.sql`select coalesce(sum((xpath('/row/c/text()', query_to_xml(
      format('select count(*) as c from %I.%I', schemaname, tablename), false, true, '')))[1]::text::bigint), 0)::float as n
    from pg_tables where schemaname = 'odoo'`;
  return n;
}

/** The first copy from a kick: records copied per second over its first `windowS` (or to its end). */
async function snapshot(
  stack: BenchStack,
  sim: SimProcess,
  windowS: number,
  during?: () => Promise<unknown>,
  complete = true,
) {
  await stack.platform(sim.env);
  const t0 = performance.now();
  const cpu0 = sim.cpuMs();
  await stack.kickSync();
  // Settled into a value now, so a failure waits for the copy's end instead of crashing.
  const side = during?.().then(
    () => null,
    (e: unknown) => e,
  );
  const copied = stack.waitFirstCopy(3_600_000);
  let doneS = 0;
  copied.then(
    (s) => {
      doneS = s;
    },
    () => {}, // seen below when awaited; a copy left unfinished ends with its cluster
  );
  await Promise.race([copied, sleep(windowS * 1000)]);
  // Odoo's side of the window: the simulator's CPU, in cores.
  const simCores = (sim.cpuMs() - cpu0) / (performance.now() - t0);
  const windowRecords = await mirrored(stack);
  const windowSeconds = doneS || (performance.now() - t0) / 1000;
  if (complete) await copied;
  const failed = await side;
  if (failed) throw failed;
  return {
    windowRecords,
    windowSeconds,
    perSecond: windowRecords / windowSeconds,
    simCores,
    totalS: doneS,
    t0: Date.now() - (performance.now() - t0),
  };
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const scale = ctx.quick ? 100_000 : 1_000_000;
  const windowS = ctx.quick ? 20 : 60;
  const loadBefore = loadavg()[0].toFixed(1);
  const t0 = performance.now();
  // Odoo runs on machines of its own: its stand-in yields the CPU to what is measured.
  const sim = await startSimProcess(['--scale', String(scale), '--seed', '1'], { nice: SIM_NICE });
  ctx.log(
    `simulator ${scale.toLocaleString()} journal items in ${round((performance.now() - t0) / 1000, 1)} s`,
  );
  let stack: BenchStack | undefined;
  try {
    // ---- (a) The snapshot without readers, in a cluster of its own, for as long as the window.
    stack = await startBenchStack('load-a');
    const alone = await snapshot(stack, sim, windowS, undefined, false);
    ctx.log(
      `snapshot alone: ${Math.round(alone.perSecond)} records/s over its first ${round(alone.windowSeconds, 1)} s`,
    );
    // Who the readers ask about during the copy: the company and partner with most lines so far
    // (same simulator, same ids), else the first of each.
    let [top] = await stack.sql`select company_id::int as company, partner_id::int as partner
      from odoo.account_move_line where partner_id is not null
      group by 1, 2 order by count(*) desc limit 1`;
    top ??= (
      await stack.sql`select coalesce((select min(id) from odoo.res_company), 1)::int as company,
        (select min(id) from odoo.res_partner)::int as partner`
    )[0];
    await stack.close();
    stack = undefined;

    // ---- (a) The same snapshot with 50 readers from its first moment.
    stack = await startBenchStack('load-b');
    const s = stack;
    const copyTop = top;
    let readOut: Awaited<ReturnType<typeof readers>> | undefined;
    const loaded = await snapshot(s, sim, windowS, async () => {
      readOut = await readers(s.url, windowS, top.company, top.partner);
    });
    const copyEnd = loaded.t0 + loaded.totalS * 1000;
    const underSnapshot = stats(readOut!, copyEnd);
    ctx.log(
      `snapshot with ${READERS} readers: ${Math.round(loaded.perSecond)} records/s, complete in ${round(loaded.totalS, 1)} s; readers p95 ${underSnapshot.p95} ms, ${underSnapshot.errors} errors of ${underSnapshot.requests}`,
    );

    // ---- (b) Activity synced every 10 s and reports kept, windows without then with readers.
    const visible = await s.waitReportsVisible(ctx.quick ? 120_000 : 300_000);
    ctx.log(
      `reports on /rest/v1 ${round(visible.seconds, 1)} s after the copy${visible.rescued ? ' (not by themselves: refreshed by the benchmark)' : ''}`,
    );
    // During activity, the company and partner with most lines of the whole book.
    [top] = await s.sql`select company_id::int as company, partner_id::int as partner
      from odoo.account_move_line where partner_id is not null
      group by 1, 2 order by count(*) desc limit 1`;
    const lines = (await s.sql`select count(*)::int as n from odoo.account_move_line`)[0]
      .n as number;
    await s.minuteCron(false);
    await sim.control('activity', { action: 'start', intervalMs: 200 });
    const activity: Record<
      string,
      {
        alone: Awaited<ReturnType<typeof syncThroughput>>;
        loaded: Awaited<ReturnType<typeof syncThroughput>>;
        readers: ReaderStats;
        one: ReaderStats;
        /** The simulator's CPU in cores, without then with readers. */
        simCores: [number, number];
      }
    > = {};
    for (const mode of ['incremental', 'full'] as const) {
      await s.platform({ ...sim.env, SYNC_REPORTS_FULL: mode === 'full' ? 'on' : 'off' });
      const driver = startSyncDriver(s.cluster.url, 10_000);
      try {
        // One tick to settle the restarted function, then the two windows.
        await sleep(10_000);
        const a0 = new Date();
        const c0 = sim.cpuMs();
        await sleep(windowS * 1000);
        const a1 = new Date();
        const c1 = sim.cpuMs();
        const out = await readers(s.url, windowS, top.company, top.partner);
        const b1 = new Date();
        const c2 = sim.cpuMs();
        // Runs started in a window finish after it: while the last one ends, one reader alone
        // (the same queries' latency without the queue fifty readers make).
        const one = await readers(s.url, 15, top.company, top.partner, 1, 0);
        activity[mode] = {
          alone: await syncThroughput(s.sql, a0, a1),
          loaded: await syncThroughput(s.sql, a1, b1),
          readers: stats(out),
          one: stats(one),
          simCores: [
            round((c1 - c0) / (a1.getTime() - a0.getTime()), 2),
            round((c2 - c1) / (b1.getTime() - a1.getTime()), 2),
          ],
        };
        const m = activity[mode];
        ctx.log(
          `activity, ${mode} upkeep: sync ${Math.round(m.alone.perSecond)} records/s alone (${m.alone.runs} runs), ${Math.round(m.loaded.perSecond)} with readers (${m.loaded.runs} runs); readers p95 ${m.readers.p95} ms, ${m.readers.errors} errors of ${m.readers.requests}`,
        );
      } finally {
        await driver.stop();
      }
    }
    await sim.control('activity', { action: 'stop' });

    const figures: Record<string, Figure> = {
      journal_items: { value: lines, unit: 'rows' },
      snapshot_readers_p95: { value: underSnapshot.p95, unit: 'ms', max: 100 },
      snapshot_readers_errors: { value: underSnapshot.errors, unit: 'requests', max: 0 },
      snapshot_readers_requests: { value: underSnapshot.requests, unit: 'requests' },
      snapshot_records_per_s_alone: { value: Math.round(alone.perSecond), unit: 'records/s' },
      snapshot_records_per_s_readers: { value: Math.round(loaded.perSecond), unit: 'records/s' },
      snapshot_complete_s_readers: { value: round(loaded.totalS, 1), unit: 's' },
      reports_after_copy_s: {
        value: round(visible.seconds, 1),
        unit: 's',
        note: visible.rescued
          ? 'NOT visible by themselves: the benchmark refreshed the reports at this point'
          : 'first copy complete → companies on /rest/v1',
      },
    };
    for (const [mode, m] of Object.entries(activity)) {
      const target = mode === 'incremental';
      figures[`activity_${mode}_readers_p95`] = {
        value: m.readers.p95,
        unit: 'ms',
        ...(target ? { max: 100 } : {}),
      };
      figures[`activity_${mode}_readers_errors`] = {
        value: m.readers.errors,
        unit: 'requests',
        max: 0,
      };
      figures[`activity_${mode}_sync_records_per_s_alone`] = {
        value: round(m.alone.perSecond, 1),
        unit: 'records/s',
      };
      figures[`activity_${mode}_sync_records_per_s_readers`] = {
        value: round(m.loaded.perSecond, 1),
        unit: 'records/s',
      };
    }
    const runMs = (t: { runs: number; seconds: number }) =>
      t.runs ? Math.round((t.seconds / t.runs) * 1000) : 0;
    const md = [
      `${lines.toLocaleString()} journal items (simulator seed 1, ${scale.toLocaleString()} generated). ${READERS} readers in a process of their own, each running the page's dashboard queries (\`web/src/api.ts\` with the anon key through the gateway's /rest/v1: freshness, companies, aging totals and top 10 as of today and as of a picked date, cash, forecast, overdue page and search, partner ledger and balance) for ${windowS} s, ${THINK_MS > 0 ? `pausing ${THINK_MS} ms on average between two (see below)` : 'back to back'}; during activity company ${top.company} and partner ${top.partner} (most lines of the book), during the copy company ${copyTop.company} and partner ${copyTop.partner} (most lines copied after the window without readers). The simulator runs at nice ${SIM_NICE}: it stands in for Odoo, which runs on machines of its own, and on this 2-core machine it would otherwise take the CPU the readers are measured on ("simulator cores": its CPU over each window).`,
      '',
      `**(a) During the first copy.** The stack as \`npm start\` runs it (pg_cron, pg_net stand-in, Edge Function \`odoo-sync\` chaining its own calls), kicked once. Without readers: a fresh cluster, the same simulator, stopped after the window; with readers: a second fresh cluster, readers from the kick. Throughput: records in the mirror after the window (or at the end of the copy if sooner) per second since the kick. Reader figures count the requests started before the copy completed.`,
      '',
      '| first copy | records/s (first window) | complete in s | simulator cores | reader requests | queries/s | reader p50 ms | reader p95 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| without readers | ${Math.round(alone.perSecond)} | (stopped after the window) | ${round(alone.simCores, 2)} | | | | | |`,
      `| ${READERS} readers | ${Math.round(loaded.perSecond)} | ${round(loaded.totalS, 1)} | ${round(loaded.simCores, 2)} | ${underSnapshot.requests} | ${underSnapshot.perSecond} | ${underSnapshot.p50} | ${underSnapshot.p95} | ${underSnapshot.errors} |`,
      '',
      `Reports after the copy (with readers): ${visible.rescued ? `still empty on /rest/v1 after ${round(visible.seconds, 1)} s (a refresh started mid-copy, planned before the tables had statistics): the benchmark cancelled it, analysed the mirror and refreshed the reports itself` : `companies on /rest/v1 ${round(visible.seconds, 1)} s after the copy completed`}.`,
      '',
      `**(b) During activity.** After the first copy, the simulator's activity at five user actions a second; \`select ods.invoke_sync('sync', 'cron-10s')\` every 10 s (pg_cron's job paused); the Edge Functions restarted per report upkeep mode. A ${windowS} s window without readers, then ${windowS} s with them. Sync throughput: records fetched per second of invocation time (\`ods.runs\`, runs started in the window; an invocation's time ends before its report upkeep).`,
      '',
      '| report upkeep | sync records/s alone | with readers | runs alone / with | mean run ms alone / with | simulator cores alone / with | reader requests | queries/s | reader p50 ms | reader p95 ms | errors | 1 reader p50 / p95 ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(activity).map(
        ([mode, m]) =>
          `| ${mode === 'full' ? 'full rebuild (SYNC_REPORTS_FULL=on, baseline)' : 'incremental'} | ${round(m.alone.perSecond, 1)} | ${round(m.loaded.perSecond, 1)} | ${m.alone.runs} / ${m.loaded.runs} | ${runMs(m.alone)} / ${runMs(m.loaded)} | ${m.simCores[0]} / ${m.simCores[1]} | ${m.readers.requests} | ${m.readers.perSecond} | ${m.readers.p50} | ${m.readers.p95} | ${m.readers.errors} | ${m.one.p50} / ${m.one.p95} |`,
      ),
      '',
      'Slowest queries (p95 ms) under load:',
      '',
      `| query | during first copy | activity, incremental | activity, full rebuild |`,
      '| --- | ---: | ---: | ---: |',
      ...Object.keys(underSnapshot.perQueryP95).map(
        (q) =>
          `| ${q} | ${underSnapshot.perQueryP95[q]} | ${activity.incremental?.readers.perQueryP95[q] ?? ''} | ${activity.full?.readers.perQueryP95[q] ?? ''} |`,
      ),
      '',
      THINK_MS > 0
        ? `Each reader pauses between two queries for ${THINK_MS} ms on average (exponential, capped at four times that): about ${Math.round((READERS * 1000) / THINK_MS)} queries a second offered in all, as if each of the ${READERS} reloaded the whole dashboard (14 queries) every ${Math.round((14 * THINK_MS) / 1000)} s. Back to back (\`LOAD_THINK_MS=0\`) the readers are a closed loop: once the stack is saturated a reader's latency is about ${READERS} ÷ the queries per second, whatever each query costs alone. "1 reader": the same queries, one at a time, back to back, right after the window. Machine: 2 cores shared with other work, load average ${loadBefore} before and ${loadavg()[0].toFixed(1)} after this benchmark.`
        : `Each reader sends its next query as soon as the last one answers (\`LOAD_THINK_MS=0\`): a closed loop, so once the stack is saturated a reader's latency is about ${READERS} ÷ the queries per second, whatever each query costs alone ("1 reader": the same queries, one at a time, right after the window). Machine: 2 cores shared with other work, load average ${loadBefore} before and ${loadavg()[0].toFixed(1)} after this benchmark.`,
      '',
      'Targets: readers p95 < 100 ms and no errors.',
    ].join('\n');
    return {
      title: `Load: ${READERS} dashboard readers during a snapshot and during activity`,
      figures,
      markdown: md,
      details: { scale, windowS, alone, loaded, underSnapshot, activity, top, copyTop },
    };
  } finally {
    await stack?.close();
    await sim.close();
  }
}
