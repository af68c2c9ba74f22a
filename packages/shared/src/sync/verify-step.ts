import { type ModelRun, request } from './engine-context.ts';
import { queueReread } from './reread-step.ts';
import { ident, mirrorTable } from './sql-ident.ts';

// Odoo sums doubles; the mirror sums exact decimals. A cent apart is a real difference.
const TOLERANCE = 0.005;

interface Totals {
  count: number;
  sums: Record<string, number>;
}

/**
 * Verification (rule 9): per month of the model's date field, count and sums in Odoo
 * (read_group) against the mirror. Every period is recorded; a period that differs is queued
 * for a re-read of all its records (reread-step.ts), which also removes what Odoo lost there.
 */
export async function verify(run: ModelRun): Promise<void> {
  const { entry, sql, table } = run;
  const dateField = entry.verifyDateField;
  const sumFields = entry.verifySumFields.filter((f) => run.columns.some((c) => c.name === f));
  const remote = new Map<string, Totals>();
  const local = new Map<string, Totals>();

  if (dateField) {
    const groups = await request(run, () =>
      run.odoo.monthlyTotals(entry.model, entry.domain, dateField, sumFields, run.context),
    );
    for (const g of groups) remote.set(g.key ?? 'none', { count: g.count, sums: g.sums });
    const sums = sumFields
      .map((f, i) => `coalesce(sum(${ident(f)}), 0)::float8 as s${i}`)
      .join(', ');
    const rows = await sql.unsafe(
      `select coalesce(to_char(${ident(dateField)}, 'YYYY-MM'), 'none') as key, count(*)::bigint as n
              ${sums ? `, ${sums}` : ''}
         from ${mirrorTable(table)} group by 1`,
    );
    for (const r of rows) {
      local.set(r.key, {
        count: Number(r.n),
        sums: Object.fromEntries(sumFields.map((f, i) => [f, Number(r[`s${i}`])])),
      });
    }
  } else {
    const count = await request(run, () =>
      run.odoo.searchCount(entry.model, entry.domain, run.context),
    );
    remote.set('all', { count, sums: {} });
    const [{ n }] = await sql.unsafe(`select count(*)::bigint as n from ${mirrorTable(table)}`);
    local.set('all', { count: Number(n), sums: {} });
  }

  const periods = [...new Set([...remote.keys(), ...local.keys()])].sort();
  const mismatched: string[] = [];
  let repaired = 0;
  for (const period of periods) {
    const r = remote.get(period) ?? { count: 0, sums: {} };
    const l = local.get(period) ?? { count: 0, sums: {} };
    const ok =
      r.count === l.count &&
      sumFields.every((f) => Math.abs((r.sums[f] ?? 0) - (l.sums[f] ?? 0)) < TOLERANCE);
    // A differing month is re-read page by page (across invocations if it must).
    const fixed = !ok;
    if (!ok) {
      mismatched.push(period);
      await queueReread(sql, entry.model, { reason: 'verify', period, after: 0 });
      repaired++;
    }
    await sql`insert into ods.verifications
      (model, period, run_id, local_count, remote_count, local_sums, remote_sums, ok, repaired)
      values (${entry.model}, ${period}, ${run.runId}, ${l.count}, ${r.count},
              ${sql.json(l.sums)}, ${sql.json(r.sums)}, ${ok}, ${fixed})`;
  }
  await sql`update ods.sync_state set verification_ok = ${mismatched.length === 0},
    updated_at = now() where model = ${entry.model}`;
  run.report.verification = { periods: periods.length, mismatched, repaired };
}
