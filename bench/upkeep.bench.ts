// Bringing the reports current after a sync (issue 14), at 1,000,000 and 10,000,000 journal
// items (--quick: 100,000 and 1,000,000): a book loaded by SQL (bench/lib/sql-book.ts), every
// report rebuilt once, then the database time of ods.refresh_reporting() after the writes a sync
// makes for (a) one customer payment matched with an open invoice (seven, one after the other:
// the median) and (b) 1,000 changed journal items — each next to a full rebuild (`full => true`,
// what every change cost before) measured in the same run on the same cluster. The writes go
// through the mirror tables' triggers like the sync's pages do.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { destroyCluster, startCluster } from '../tools/local-stack/src/cluster.ts';
import { LOCAL_DIR } from '../tools/local-stack/src/paths.ts';
import { round } from './lib/measure.ts';
import { loadSqlBook } from './lib/sql-book.ts';
import type { BenchContext, BenchReport, Figure } from './lib/types.ts';

export const name = 'upkeep';

interface Upkeep {
  ms: number;
  perView: Record<string, number>;
}

interface SizeResult {
  label: string;
  lines: number;
  fullMs: number;
  /** The median of PAYMENTS payments (each synced and brought current on its own). */
  payment: Upkeep;
  payments: number[];
  thousand: Upkeep;
  load: number;
}

// One upkeep is a few tens of milliseconds on a shared 2-core machine: a single one is noise.
const PAYMENTS = 7;

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

async function upkeep(sql: postgres.Sql, full = false): Promise<Upkeep> {
  const t0 = performance.now();
  const rows = await sql`select * from ods.refresh_reporting(wait => true, "full" => ${full})`;
  const ms = performance.now() - t0;
  const perView = Object.fromEntries(
    rows
      .filter((r) => r.ms !== null)
      .map((r) => [String(r.matview).replace('reporting_private.', ''), Number(r.ms)]),
  );
  return { ms: round(ms, 1), perView };
}

/** What a sync writes for one payment of an open customer invoice: a move, two lines, a partial. */
async function payOneInvoice(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    const [inv] = await tx`select l.id, l.move_id, l.company_id, l.partner_id, l.amount_residual,
        l.currency_id, l.company_currency_id
      from odoo.account_move_line l join odoo.account_account a on a.id = l.account_id
     where a.account_type = 'asset_receivable' and l.parent_state = 'posted'
       and l.amount_residual > 0 and not coalesce(l.reconciled, false)
     order by l.id desc limit 1`;
    const [bank] =
      await tx`select j.id as journal_id, j.default_account_id from odoo.account_journal j
      where j.type = 'bank' and j.company_id = ${inv.company_id} limit 1`;
    const [recv] = await tx`select account_id from odoo.account_move_line where id = ${inv.id}`;
    const [{ move, line }] = await tx`select (select max(id) + 1 from odoo.account_move) as move,
      (select max(id) + 1 from odoo.account_move_line) as line`;
    const [{ partial }] =
      await tx`select coalesce(max(id), 0) + 1 as partial from odoo.account_partial_reconcile`;
    const amount = inv.amount_residual;
    await tx`insert into odoo.account_move (id, name, move_type, state, date, company_id,
        partner_id, journal_id, amount_total, amount_residual, write_date)
      values (${move}, ${`PBNK/${move}`}, 'entry', 'posted', current_date, ${inv.company_id},
        ${inv.partner_id}, ${bank.journal_id}, ${amount}, 0, now())`;
    await tx`insert into odoo.account_move_line (id, move_id, account_id, partner_id, journal_id,
        company_id, currency_id, company_currency_id, date, debit, credit, balance,
        amount_currency, amount_residual, amount_residual_currency, reconciled, parent_state,
        write_date)
      values (${line}, ${move}, ${bank.default_account_id}, ${inv.partner_id}, ${bank.journal_id},
        ${inv.company_id}, ${inv.currency_id}, ${inv.company_currency_id}, current_date, ${amount},
        0, ${amount}, ${amount}, 0, 0, false, 'posted', now()),
             (${Number(line) + 1}, ${move}, ${recv.account_id}, ${inv.partner_id},
        ${bank.journal_id}, ${inv.company_id}, ${inv.currency_id}, ${inv.company_currency_id},
        current_date, 0, ${amount}, -(${amount}::numeric), -(${amount}::numeric), 0, 0, true, 'posted', now())`;
    await tx`insert into odoo.account_partial_reconcile (id, debit_move_id, credit_move_id, amount,
        max_date, company_id, write_date)
      values (${partial}, ${inv.id}, ${Number(line) + 1}, ${amount}, current_date,
        ${inv.company_id}, now())`;
    await tx`update odoo.account_move_line set amount_residual = 0, amount_residual_currency = 0,
        reconciled = true, write_date = now() where id = ${inv.id}`;
    await tx`update odoo.account_move set amount_residual = 0, payment_state = 'paid',
        write_date = now() where id = ${inv.move_id}`;
  });
}

/** 1,000 posted journal items re-read with a new due date (what a burst of edits brings). */
async function changeThousandLines(sql: postgres.Sql): Promise<void> {
  await sql`update odoo.account_move_line set date_maturity = coalesce(date_maturity, date) + 7,
      write_date = now()
    where id in (select id from odoo.account_move_line where parent_state = 'posted'
                  order by id desc limit 1000)`;
}

async function measureSize(size: number, log: (line: string) => void): Promise<SizeResult> {
  const dir = join(LOCAL_DIR, `test-${process.pid}-upkeep-${label(size)}`);
  const cluster = await startCluster(dir);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  try {
    await sql`update cron.job set active = false`;
    const book = await loadSqlBook(sql, { lines: size, log });
    log(`${label(size)}: ${book.lines} journal items loaded in ${round(book.seconds, 1)} s`);
    // The loader writes with triggers off: a full rebuild makes the reports match the book. It
    // is also the baseline, same cluster, same run: what every sync's change cost before.
    const reports = await upkeep(sql, true);
    // The aged timeline is built by the next call, once the rebuilt reports are visible: part of
    // the baseline, and not of the first payment's upkeep.
    const timeline = await upkeep(sql);
    const full: Upkeep = {
      ms: round(reports.ms + timeline.ms, 1),
      perView: { ...reports.perView, ...timeline.perView },
    };
    log(
      `${label(size)}: full rebuild ${round(reports.ms / 1000, 1)} s, then the aged timeline ${round(timeline.ms / 1000, 1)} s`,
    );
    await sql.unsafe('vacuum analyze');
    const before = loadavg()[0];
    const each: Upkeep[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      await payOneInvoice(sql);
      each.push(await upkeep(sql));
    }
    const payment = [...each].sort((x, y) => x.ms - y.ms)[Math.floor(PAYMENTS / 2)];
    log(
      `${label(size)}: one payment → ${each.map((u) => u.ms).join(', ')} ms (median ${payment.ms})`,
    );
    await changeThousandLines(sql);
    const thousand = await upkeep(sql);
    log(`${label(size)}: 1,000 journal items → ${thousand.ms} ms`);
    // Row for row against a full rebuild (minutes of sorting at 10M: up to 1M only).
    if (size <= 1_000_000) {
      const [{ diffs }] = await sql`select count(*)::int as diffs from ods.report_differences()
        where missing > 0 or extra > 0`;
      if (diffs) throw new Error(`${label(size)}: ${diffs} report(s) differ from a full rebuild`);
    }
    return {
      label: label(size),
      lines: book.lines,
      fullMs: full.ms,
      payment,
      payments: each.map((u) => u.ms),
      thousand,
      load: round((before + loadavg()[0]) / 2, 1),
    };
  } finally {
    await sql.end({ timeout: 2 });
    destroyCluster(dir);
  }
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const sizes = ctx.quick ? [100_000, 1_000_000] : [1_000_000, 10_000_000];
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await measureSize(size, ctx.log));
  const [a, b] = results;
  const ratio = (x: number, y: number) => (y > 0 ? round(x / y, 2) : 0);
  const figures: Record<string, Figure> = {};
  for (const r of results) {
    figures[`payment_${r.label}_ms`] = {
      value: r.payment.ms,
      unit: 'ms',
      max: 300,
      note: `reports current after one payment (full rebuild ${round(r.fullMs, 0)} ms, ×${ratio(r.fullMs, r.payment.ms)})`,
    };
    figures[`thousand_${r.label}_ms`] = {
      value: r.thousand.ms,
      unit: 'ms',
      note: '1,000 changed journal items',
    };
    figures[`full_${r.label}_ms`] = { value: round(r.fullMs, 0), unit: 'ms' };
  }
  figures.payment_ratio = {
    value: ratio(b.payment.ms, a.payment.ms),
    unit: `× (${b.label}/${a.label})`,
    max: 1.5,
  };
  const views = Object.keys(b.payment.perView);
  const markdown = [
    `Books loaded by SQL (\`bench/lib/sql-book.ts\`), every report rebuilt once, then the writes a sync makes (through the mirror tables' triggers) and \`ods.refresh_reporting()\` timed from the client; the baseline is \`ods.refresh_reporting(full => true)\` on the same cluster in the same run — what every change cost before the reports were maintained by change. ${cpus().length} cores, load average ${a.load} / ${b.load}.`,
    '',
    `| reports current after… | ${a.label} ms | ${b.label} ms | ${b.label}/${a.label} |`,
    '|---|---:|---:|---:|',
    `| one payment (move, 2 items, a partial; invoice paid), median of ${PAYMENTS} | ${a.payment.ms} | ${b.payment.ms} | ${ratio(b.payment.ms, a.payment.ms)} |`,
    `| 1,000 changed journal items | ${a.thousand.ms} | ${b.thousand.ms} | ${ratio(b.thousand.ms, a.thousand.ms)} |`,
    `| baseline: full rebuild | ${round(a.fullMs, 0)} | ${round(b.fullMs, 0)} | ${ratio(b.fullMs, a.fullMs)} |`,
    '',
    `Each payment (ms, in order): ${a.label} ${a.payments.join(', ')}; ${b.label} ${b.payments.join(', ')}.`,
    '',
    'Per report after the median payment (ms; trade_items includes trade_item_partials):',
    '',
    `| report | ${a.label} | ${b.label} |`,
    '|---|---:|---:|',
    ...views.map((v) => `| ${v} | ${a.payment.perView[v] ?? ''} | ${b.payment.perView[v]} |`),
  ].join('\n');
  return {
    title: 'Reports brought current by change (1M and 10M journal items)',
    figures,
    markdown,
    details: Object.fromEntries(results.map((r) => [r.label, r])),
  };
}
