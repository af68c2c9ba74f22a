// A realistic book of any size put straight into the odoo.* mirror by SQL (generate_series),
// for the benchmarks at 1,000,000 and 10,000,000 journal items that the simulator and the sync
// cannot reach in reasonable time: the simulator's shape (three companies in EUR, MXN and USD,
// its chart of accounts and journals, customers and vendors, invoices, refunds and bills with
// product and tax lines, payments through the bank or outstanding accounts, partial and full
// reconciles, miscellaneous entries) spread over `years` years up to `end`, and ods.sync_state
// as a finished first copy leaves it. Amounts in cents: every move balances, every residual is
// its balance minus what its partials took, amount_residual on moves agrees with their lines.
import type postgres from 'postgres';
import {
  type BookPlan,
  documents,
  entryLines,
  invoiceLines,
  moves,
  partners,
  reconciles,
  referenceData,
} from './sql-book-sql.ts';
import { syncState } from './sql-book-state.ts';

export interface SqlBookOptions {
  /** Journal items to create (the last document may add up to a few more). */
  lines: number;
  /** Years of history before `end` (default 10). */
  years?: number;
  /** Last day of the book (default today). */
  end?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface SqlBookSummary {
  lines: number;
  moves: number;
  partials: number;
  partners: number;
  start: string;
  end: string;
  seconds: number;
  /** Milliseconds per step. */
  steps: Record<string, number>;
}

const TABLES = [
  'res_currency',
  'res_company',
  'res_partner',
  'account_account',
  'account_journal',
  'account_move',
  'account_move_line',
  'account_payment',
  'account_partial_reconcile',
  'account_full_reconcile',
];

/** Replaces whatever the mirror holds with a book of `lines` journal items. */
export async function loadSqlBook(
  sql: postgres.Sql,
  opts: SqlBookOptions,
): Promise<SqlBookSummary> {
  const end = opts.end ?? new Date().toISOString().slice(0, 10);
  const years = opts.years ?? 10;
  const startDate = new Date(Date.parse(end) - Math.round(years * 365.25) * 86_400_000);
  const plan: BookPlan = {
    lines: opts.lines,
    // The simulator's one partner per ~60 journal items, at most 50,000.
    partners: Math.max(30, Math.min(50_000, Math.floor(opts.lines / 60))),
    start: startDate.toISOString().slice(0, 10),
    end,
    seed: ((opts.seed ?? 42) % 1000) / 1000,
  };
  const log = opts.log ?? (() => {});
  const steps: Record<string, number> = {};
  const t0 = performance.now();
  const db = await sql.reserve();
  const step = async (name: string, text: string) => {
    const s = performance.now();
    await db.unsafe(text).simple();
    steps[name] = Math.round(performance.now() - s);
    log(`sql-book: ${name} ${steps[name]} ms`);
  };
  try {
    // Triggers off (change capture would copy every row once more; the reports are rebuilt
    // after the load anyway), no parallel workers so random() draws are reproducible.
    await db.unsafe(`set session_replication_role = replica; set work_mem = '256MB'; set temp_buffers = '2GB';
      set maintenance_work_mem = '1GB'; set max_parallel_workers_per_gather = 0;
      set synchronous_commit = off`);
    const tables = TABLES.map((t) => `odoo.${t}`).join(', ');
    await db.unsafe(`truncate ${tables}`);
    // Loaded unlogged and without indexes (a third of the time), then made logged and indexed
    // once, as a restore would; keys and indexes are put back exactly as they were.
    const keys = await db<{ tbl: string; name: string; def: string }[]>`
      select k.conrelid::regclass::text as tbl, k.conname as name, pg_get_constraintdef(k.oid) as def
        from pg_constraint k join pg_class c on c.oid = k.conrelid
        join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'odoo' and c.relname = any (${TABLES}) and k.contype in ('p', 'u')`;
    const indexes = await db<{ name: string; def: string }[]>`
      select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'odoo' and c.relname = any (${TABLES})
         and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
    for (const i of indexes) await db.unsafe(`drop index ${i.name}`);
    for (const k of keys) await db.unsafe(`alter table ${k.tbl} drop constraint ${k.name}`);
    for (const t of TABLES) await db.unsafe(`alter table odoo.${t} set unlogged`);
    await step('reference data', referenceData);
    await step('partners', partners(plan));
    await step('documents', documents(plan));
    await step('invoice lines', invoiceLines(plan));
    await step('entry lines', entryLines);
    await step('moves', moves);
    await step('payments and reconciles', reconciles(plan));
    await step('logged', TABLES.map((t) => `alter table odoo.${t} set logged;`).join('\n'));
    await db.unsafe('set max_parallel_maintenance_workers = 2');
    await step(
      'keys and indexes',
      [
        ...keys.map((k) => `alter table ${k.tbl} add constraint ${k.name} ${k.def};`),
        ...indexes.map((i) => `${i.def};`),
      ].join('\n'),
    );
    await step('vacuum analyze', `vacuum (analyze) ${tables}`);
    await step('sync state', syncState);
    await db.unsafe('drop table book_draws, book_plan, book_docs, book_amounts');
    const [counts] = await db`select
      (select count(*) from odoo.account_move_line)::float as lines,
      (select count(*) from odoo.account_move)::float as moves,
      (select count(*) from odoo.account_partial_reconcile)::float as partials,
      (select count(*) from odoo.res_partner)::float as partners`;
    const seconds = (performance.now() - t0) / 1000;
    log(`sql-book: ${counts.lines} journal items in ${seconds.toFixed(1)} s`);
    return {
      lines: counts.lines,
      moves: counts.moves,
      partials: counts.partials,
      partners: counts.partners,
      start: plan.start,
      end,
      seconds,
      steps,
    };
  } finally {
    await db.unsafe('reset all').catch(() => {});
    db.release();
  }
}
