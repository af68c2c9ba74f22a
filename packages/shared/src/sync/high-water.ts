import type { Sql } from 'postgres';
import { parseOdooDatetime } from './convert.ts';
import type { ModelRun } from './engine-context.ts';
import { mirrorTable } from './sql-ident.ts';

/**
 * Odoo's clock now: the HTTP Date of its latest answer (plus the time since), or this machine's
 * clock when Odoo's answers carry no Date (behind a proxy that strips it).
 */
export const odooNow = (run: Pick<ModelRun, 'odoo'>): Date => run.odoo.serverNow() ?? new Date();

/** The latest write_date that can be real: Odoo's clock plus the configured skew allowance. */
export const plausibleUntil = (run: Pick<ModelRun, 'odoo' | 'config'>): Date =>
  new Date(odooNow(run).getTime() + run.config.clockSkewSeconds * 1000);

export const latest = (a: Date | null, b: Date | null): Date | null =>
  a === null ? b : b === null || a >= b ? a : b;

export const earliest = (a: Date | null, b: Date | null): Date | null =>
  a === null ? b : b === null || a <= b ? a : b;

/** Whether a page's greatest write_date ('YYYY-MM-DD HH:MM:SS') lies beyond Odoo's clock. */
export function isFromTheFuture(
  run: Pick<ModelRun, 'odoo' | 'config'>,
  maxWriteDate: string | null,
) {
  return maxWriteDate !== null && parseOdooDatetime(maxWriteDate) > plausibleUntil(run);
}

/**
 * Records the newest record dated beyond Odoo's clock (DESIGN §4 rule 11): the high-water mark
 * never follows it, and sync_health shows it. Logged once per detection.
 */
export async function noteClockOutlier(
  run: Pick<ModelRun, 'sql' | 'odoo' | 'config' | 'table' | 'entry' | 'log'>,
  sql: Sql = run.sql,
): Promise<void> {
  const until = plausibleUntil(run);
  const [row] = await sql.unsafe<{ id: string; write_date: Date }[]>(
    `select id, write_date from ${mirrorTable(run.table)} where write_date > $1
      order by write_date desc, id limit 1`,
    [until],
  );
  if (!row) return;
  const outlier = {
    id: Number(row.id),
    write_date: row.write_date.toISOString(),
    odoo_now: odooNow(run).toISOString(),
    seen_at: new Date().toISOString(),
  };
  run.log?.(
    `[${run.entry.model}] record ${outlier.id} has write_date ${outlier.write_date}, beyond Odoo's clock ` +
      `(${outlier.odoo_now}): the high-water mark does not follow it`,
  );
  await sql`update ods.sync_state set clock_outlier = ${sql.json(outlier)}, updated_at = now()
    where model = ${run.entry.model}`;
}
