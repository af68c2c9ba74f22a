// What `load=''` saves Odoo (issue 12): the same journal-item pages read with the classic read
// (every many2one as [id, display name], each name computed by Odoo) and with load='' (bare ids,
// what the engine asks for on 16+), against one simulator in its own process that charges CPU
// per display name like Odoo's name compute. Odoo's side is that process's CPU time; the
// snapshot rate is the real CLI's, with load='' and with ODOO_READ_NAMES=on (classic).
import { cpus } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createOdooClient, type OdooClient } from '../packages/shared/src/odoo/client.ts';
import { loadOdooConfig } from '../packages/shared/src/odoo/config.ts';
import { destroyCluster, startCluster } from '../tools/local-stack/src/cluster.ts';
import { LOCAL_DIR, ROOT } from '../tools/local-stack/src/paths.ts';
import { child } from './lib/child.ts';
import { median, round } from './lib/measure.ts';
import { type SimProcess, startSimProcess } from './lib/sim-process.ts';
import type { BenchContext, BenchReport, Figure } from './lib/types.ts';

export const name = 'odoo-load';

const MODEL = 'account.move.line';
/** The default catalog's page size for journal items (migration 20261127000200). */
const PAGE = 5000;
/** The simulator's default: the low end of a display name's cost on a production Odoo. */
const NAME_COST_US = 25;

type Mode = 'classic' | 'idsOnly';
const LOAD: Record<Mode, string | undefined> = { classic: undefined, idsOnly: '' };

interface Counts {
  total: number;
  namesComputed: number;
}

interface Read {
  records: number;
  pages: number;
  odooCpuMs: number;
  wallMs: number;
  names: number;
}

/** Every journal item, keyset by id, the catalog's fields, one page size: Odoo's cost of it. */
async function readAll(
  sim: SimProcess,
  client: OdooClient,
  fields: string[],
  mode: Mode,
): Promise<Read> {
  await sim.control('reset-counters');
  const cpu0 = sim.cpuMs();
  const t0 = performance.now();
  let records = 0;
  let pages = 0;
  let cursor = 0;
  for (;;) {
    // No `load` keyword at all is the classic read (Odoo's default, `_classic_read`).
    const page = await client.searchRead(MODEL, [['id', '>', cursor]], {
      fields,
      limit: PAGE,
      order: 'id asc',
      context: { active_test: false, lang: 'en_US' },
      load: LOAD[mode],
    });
    records += page.length;
    pages++;
    if (page.length < PAGE) break;
    cursor = page[page.length - 1].id;
  }
  const wallMs = performance.now() - t0;
  const odooCpuMs = sim.cpuMs() - cpu0;
  const counts = await sim.control<Counts>('request-counts');
  return { records, pages, odooCpuMs, wallMs, names: counts.namesComputed };
}

interface Snapshot {
  rows: number;
  ms: number;
  odooCpuMs: number;
  names: number;
  fields: string[];
}

/** The real CLI's snapshot of the journal items into a fresh cluster. */
async function snapshot(sim: SimProcess, env: Record<string, string>, tag: string) {
  const dir = join(LOCAL_DIR, `bench-odoo-load-${tag}-${process.pid}`);
  const cluster = await startCluster(dir);
  try {
    await sim.control('reset-counters');
    const cpu0 = sim.cpuMs();
    await child(join(ROOT, 'tools', 'sync', 'cli.ts'), ['--models', MODEL], {
      ...env,
      SUPABASE_DB_URL: cluster.url,
    });
    const odooCpuMs = sim.cpuMs() - cpu0;
    const counts = await sim.control<Counts>('request-counts');
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      const [s] =
        await sql`select rows, extract(epoch from snapshot_done_at - snapshot_started_at) * 1000 as ms,
        columns from ods.sync_state where model = ${MODEL}`;
      return {
        rows: Number(s.rows),
        ms: Number(s.ms),
        odooCpuMs,
        names: counts.namesComputed,
        fields: (s.columns as { name: string }[]).map((c) => c.name).filter((n) => n !== 'id'),
      } satisfies Snapshot;
    } finally {
      await sql.end();
    }
  } finally {
    destroyCluster(dir);
  }
}

const per1000 = (x: number, records: number) => (x * 1000) / records;
const perSecond = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const scale = ctx.quick ? 20_000 : 100_000;
  const rounds = ctx.quick ? 2 : 3;
  const sim = await startSimProcess([
    '--scale',
    String(scale),
    '--seed',
    '1',
    '--odoo-version',
    '17',
    '--name-cost-us',
    String(NAME_COST_US),
  ]);
  try {
    const env = { ...sim.env, ODOO_PROTOCOL: 'jsonrpc', SYNC_MAX_RPS: '0' };
    ctx.log(`simulator: Odoo ${sim.odooVersion}, pid ${sim.pid}, scale ${scale.toLocaleString()}`);

    // What the engine does on 16+; its columns are the fields the page reads ask for. It also
    // warms the simulator up (JIT), so it is not one of the snapshots compared.
    const fields = (await snapshot(sim, env, 'warm-up')).fields;

    const client = createOdooClient(loadOdooConfig(env));
    const reads: Record<Mode, Read[]> = { classic: [], idsOnly: [] };
    // A discarded warm-up round, then alternating order, so that a drift in the machine's load
    // weighs on both modes alike.
    for (let r = -1; r < rounds; r++) {
      const order: Mode[] = r % 2 ? ['idsOnly', 'classic'] : ['classic', 'idsOnly'];
      for (const mode of order) {
        const got = await readAll(sim, client, fields, mode);
        if (r >= 0) reads[mode].push(got);
        ctx.log(
          `${r < 0 ? 'warm-up ' : ''}${mode}: ${got.records} records in ${got.pages} pages, Odoo CPU ${round(got.odooCpuMs)} ms, ${got.names} names, wall ${round(got.wallMs)} ms`,
        );
      }
    }

    const snaps: Record<Mode, Snapshot[]> = { classic: [], idsOnly: [] };
    const snapRounds = ctx.quick ? 1 : 2;
    for (let r = 0; r < snapRounds; r++) {
      const order: Mode[] = r % 2 ? ['idsOnly', 'classic'] : ['classic', 'idsOnly'];
      for (const mode of order) {
        const readNames = mode === 'classic' ? 'on' : 'off';
        const s = await snapshot(sim, { ...env, ODOO_READ_NAMES: readNames }, mode);
        ctx.log(
          `snapshot ${mode}: ${s.rows} rows in ${round(s.ms)} ms, Odoo CPU ${round(s.odooCpuMs)} ms, ${s.names} names`,
        );
        // The comparison is only honest if each snapshot read the way it says.
        if ((mode === 'classic') !== s.names > 0) {
          throw new Error(`snapshot ${mode} computed ${s.names} display names`);
        }
        snaps[mode].push(s);
      }
    }

    const records = reads.classic[0].records;
    const med = (mode: Mode, f: (x: Read) => number) =>
      median(reads[mode].map((x) => per1000(f(x), x.records)));
    const cpu = {
      classic: med('classic', (x) => x.odooCpuMs),
      idsOnly: med('idsOnly', (x) => x.odooCpuMs),
    };
    const wall = {
      classic: med('classic', (x) => x.wallMs),
      idsOnly: med('idsOnly', (x) => x.wallMs),
    };
    const names = {
      classic: med('classic', (x) => x.names),
      idsOnly: med('idsOnly', (x) => x.names),
    };
    const savedMs = cpu.classic - cpu.idsOnly;
    const savedPct = (savedMs / cpu.classic) * 100;
    const burnMs = ((names.classic - names.idsOnly) * NAME_COST_US) / 1000;
    const snapMed = (mode: Mode, f: (x: Snapshot) => number) => median(snaps[mode].map(f));
    const snapRate = {
      classic: Math.round(snapMed('classic', (x) => perSecond(x.rows, x.ms))),
      idsOnly: Math.round(snapMed('idsOnly', (x) => perSecond(x.rows, x.ms))),
    };
    const snapCpu = {
      classic: snapMed('classic', (x) => per1000(x.odooCpuMs, x.rows)),
      idsOnly: snapMed('idsOnly', (x) => per1000(x.odooCpuMs, x.rows)),
    };

    const figures: Record<string, Figure> = {
      odooCpuMsPer1000Classic: {
        value: round(cpu.classic),
        unit: 'ms',
        note: 'simulator CPU per 1,000 journal items, classic read (baseline)',
      },
      odooCpuMsPer1000IdsOnly: {
        value: round(cpu.idsOnly),
        unit: 'ms',
        note: "simulator CPU per 1,000 journal items, load=''",
      },
      odooCpuIdsOnlyOverClassic: {
        value: round(cpu.idsOnly / cpu.classic, 2),
        unit: '×',
        max: 1,
        note: `saves ${round(savedMs)} ms per 1,000 (${round(savedPct, 1)} %)`,
      },
      namesPer1000Classic: { value: round(names.classic, 1), unit: 'names' },
      namesPer1000IdsOnly: { value: round(names.idsOnly, 1), unit: 'names' },
      readWallIdsOnlyOverClassic: {
        value: round(wall.idsOnly / wall.classic, 2),
        unit: '×',
        note: `${round(wall.classic)} → ${round(wall.idsOnly)} ms per 1,000, client decoding included`,
      },
      snapshotRecordsPerSecondClassic: { value: snapRate.classic, unit: 'records/s' },
      snapshotRecordsPerSecondIdsOnly: { value: snapRate.idsOnly, unit: 'records/s' },
      snapshotIdsOnlyOverClassic: {
        value: round(snapRate.idsOnly / snapRate.classic, 2),
        unit: '×',
        note: "records/s with load='' over the classic read's",
      },
    };
    const ms = (x: number) => `${round(x, 1)} ms`;
    const markdown = [
      `One simulator (Odoo ${sim.odooVersion}, ${records.toLocaleString()} journal items, seed 1) in its own process, charging ${NAME_COST_US} µs of CPU per display name computed (\`--name-cost-us\`; names memoised per request, as Odoo caches them per record). Odoo's side of a read is that process's CPU time (utime + stime from /proc). The pages: every journal item, keyset by id, the ${fields.length} catalog fields the engine mirrors, ${PAGE.toLocaleString()} per page over JSON-RPC, read by the project's client; classic read (no \`load\`: many2one as \`[id, name]\`) against \`load=''\` (bare ids), ${rounds} rounds each in alternating order after a discarded warm-up round, medians. The snapshots are the real CLI (\`tools/sync/cli.ts --models ${MODEL}\`) into a fresh Postgres cluster each, with \`load=''\` (what the engine does on 16+) and with \`ODOO_READ_NAMES=on\` (classic), ${snapRounds === 1 ? 'once each' : `${snapRounds} times each in alternating order, medians`}, after a discarded warm-up snapshot that also gives the engine's fields.`,
      '',
      "| per 1,000 journal items | classic read | load='' | saving |",
      '|---|---|---|---|',
      `| Odoo CPU (simulator process) | ${ms(cpu.classic)} | ${ms(cpu.idsOnly)} | ${ms(savedMs)} (${round(savedPct, 1)} %) |`,
      `| display names computed | ${round(names.classic, 1)} | ${round(names.idsOnly, 1)} | ${round(names.classic - names.idsOnly, 1)} |`,
      `| wall time of the read (client decoding included) | ${ms(wall.classic)} | ${ms(wall.idsOnly)} | ${round(wall.idsOnly / wall.classic, 2)} × |`,
      `| Odoo CPU during the snapshot | ${ms(snapCpu.classic)} | ${ms(snapCpu.idsOnly)} | ${ms(snapCpu.classic - snapCpu.idsOnly)} |`,
      '',
      "| snapshot of the journal items, end to end | classic read | load='' | load='' / classic |",
      '|---|---|---|---|',
      `| records/s | ${snapRate.classic.toLocaleString()} | ${snapRate.idsOnly.toLocaleString()} | ${round(snapRate.idsOnly / snapRate.classic, 2)} × |`,
      '',
      `Of the ${ms(savedMs)} saved per 1,000 journal items, ${ms(burnMs)} is the charged name cost (${round(names.classic - names.idsOnly, 1)} names × ${NAME_COST_US} µs) and ${ms(savedMs - burnMs)} the simulator's own work of looking the names up, building them and serialising the larger response. On a real Odoo the saving grows with its name cost: ${NAME_COST_US} µs is the low end, and a display name that reads other records (a partner's commercial entity, a move's journal and sequence) costs more. load='' takes work off Odoo, not off the copy: with the next page fetched while the last one commits, its rate is set by the slower of Odoo and the writer (${round(snapRate.idsOnly / snapRate.classic, 2)} × here, where Odoo, the sync process and Postgres share ${cpus().length} cores).`,
    ].join('\n');
    return {
      title: "Odoo's cost of a read: classic vs load=''",
      figures,
      markdown,
      details: {
        scale,
        records,
        rounds,
        nameCostUs: NAME_COST_US,
        fields,
        reads,
        snaps,
      },
    };
  } finally {
    await sim.close();
  }
}
