import { type ModelRun, request } from './engine-context.ts';
import { resync } from './reconcile-step.ts';
import { ident, mirrorTable } from './sql-ident.ts';

// Odoo sums doubles; the mirror sums exact decimals. A cent apart is a real difference.
const TOLERANCE = 0.005;

interface Totals {
  count: number;
  sums: Record<string, number>;
}

function monthBounds(period: string): [string, string] {
  const [y, m] = period.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${period}-01`, `${next}-01`];
}

/**
 * Verification (rule 9): per month of the model's date field, count and sums in Odoo
 * (read_group) against the mirror. Every period is recorded; a period that differs is repaired
 * by making its ids match Odoo's and re-reading all its records.
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
    let fixed = false;
    if (!ok) {
      mismatched.push(period);
      if (run.budget.allows(5_000)) {
        await repairPeriod(run, period);
        fixed = true;
        repaired++;
      }
    }
    await sql`insert into ods.verifications
      (model, period, run_id, local_count, remote_count, local_sums, remote_sums, ok, repaired)
      values (${entry.model}, ${period}, ${run.runId}, ${l.count}, ${r.count},
              ${sql.json(l.sums)}, ${sql.json(r.sums)}, ${ok}, ${fixed})`;
  }
  await sql`update ods.sync_state set last_verified_at = now(), verification_ok = ${mismatched.length === 0},
    updated_at = now() where model = ${entry.model}`;
  run.report.verification = { periods: periods.length, mismatched, repaired };
}

/** Re-syncs one period: ids made equal to Odoo's, every record in it re-read. */
async function repairPeriod(run: ModelRun, period: string): Promise<void> {
  const { entry, sql, table } = run;
  const dateField = entry.verifyDateField;
  let periodDomain: unknown[] = [];
  let where = 'true';
  let params: unknown[] = [];
  if (dateField && period !== 'all') {
    if (period === 'none') {
      periodDomain = [[dateField, '=', false]];
      where = `${ident(dateField)} is null`;
    } else {
      const [from, to] = monthBounds(period);
      periodDomain = [
        [dateField, '>=', from],
        [dateField, '<', to],
      ];
      where = `${ident(dateField)} >= $1 and ${ident(dateField)} < $2`;
      params = [from, to];
    }
  }
  const remoteIds = await request(run, () =>
    run.odoo.search(entry.model, [...entry.domain, ...periodDomain], {
      order: 'id asc',
      context: run.context,
    }),
  );
  const localRows = await sql.unsafe<{ id: string }[]>(
    `select id from ${mirrorTable(table)} where ${where}`,
    params as never[],
  );
  const remoteSet = new Set(remoteIds);
  // Every record of the period is re-read (a changed amount may never have bumped write_date);
  // local ones Odoo does not list there are re-read too, and deleted only if Odoo lost them.
  const stale = localRows.map((r) => Number(r.id)).filter((id) => !remoteSet.has(id));
  await resync(run, remoteIds, stale, true);
}
