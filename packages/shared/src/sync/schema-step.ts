import type { Sql } from 'postgres';
import { OdooFaultError } from '../odoo/errors.ts';
import type { CatalogEntry } from './catalog.ts';
import { type Column, describeRejected, planColumns } from './columns.ts';
import { applyCompanyColumns } from './companion-table.ts';
import { type ModelRun, request } from './engine-context.ts';
import { UnknownModelError } from './errors.ts';
import { ensureMirrorTable } from './mirror-table.ts';
import type { ModelState } from './model-state.ts';
import { queueReread } from './reread-step.ts';

/**
 * The model's columns: from the cached fields_get while it is fresh and the catalog entry has
 * not changed, else from a new fields_get, with the mirror table created or altered to match.
 */
export async function ensureSchema(
  run: Pick<
    ModelRun,
    'sql' | 'odoo' | 'config' | 'budget' | 'limiter' | 'report' | 'log' | 'context'
  >,
  entry: CatalogEntry,
  state: ModelState,
  table: string,
): Promise<Column[]> {
  const ttlMs = run.config.schemaTtlMinutes * 60_000;
  const fresh =
    state.columns !== null &&
    state.schemaCheckedAt !== null &&
    state.schemaCheckedAt >= entry.updatedAt &&
    Date.now() - state.schemaCheckedAt.getTime() < ttlMs;
  if (fresh) return state.columns!;

  let fields: Awaited<ReturnType<typeof run.odoo.fieldsGet>>;
  try {
    fields = await request(run, () => run.odoo.fieldsGet(entry.model, run.context));
  } catch (e) {
    if (
      e instanceof OdooFaultError &&
      /doesn.t exist|not exist|KeyError|unknown model/i.test(`${e.odoo.name} ${e.message}`)
    ) {
      throw new UnknownModelError(`Odoo has no model ${entry.model} (or this user cannot see it)`, {
        model: entry.model,
        cause: e,
      });
    }
    throw e;
  }
  if (!fields || Object.keys(fields).length === 0) {
    throw new UnknownModelError(`Odoo has no model ${entry.model} (fields_get returned nothing)`, {
      model: entry.model,
    });
  }
  const plan = planColumns(fields, entry.fields, entry.model, entry.companyFields);
  const { columns } = plan;
  if (plan.missing.length)
    run.log?.(`[${entry.model}] not in this Odoo (or not stored): ${plan.missing.join(', ')}`);
  // Fields that cannot be columns are skipped, and listed with the missing ones, with why.
  const missing = [...plan.missing, ...plan.rejected.map(describeRejected)];
  if (plan.rejected.length)
    run.log?.(`[${entry.model}] fields skipped: ${plan.rejected.map(describeRejected).join(', ')}`);
  await ensureMirrorTable(run.sql, entry.model, table, columns);
  await applyCompanyColumns(run, entry, state, table, plan.perCompany);
  // A field that appears after rows were copied (a catalog edit, an Odoo upgrade) gets its
  // values by a backfill of that column alone, not as each row happens to change.
  const before = new Set((state.columns ?? []).map((c) => c.name));
  const added = columns.filter((c) => !before.has(c.name)).map((c) => c.name);
  const copied = state.phase === 'incremental' || state.snapshotCursor > 0;
  if (state.columns !== null && added.length && copied) {
    run.log?.(`[${entry.model}] new field(s) ${added.join(', ')}: backfilling`);
    await queueReread(run.sql, entry.model, { reason: 'backfill', fields: added, after: 0 });
  }
  await saveSchema(run.sql, entry.model, columns, missing);
  state.columns = columns;
  state.missingFields = missing;
  state.schemaCheckedAt = new Date();
  return columns;
}

async function saveSchema(sql: Sql, model: string, columns: Column[], missing: string[]) {
  await sql`update ods.sync_state
    set columns = ${sql.json(columns as never)}, missing_fields = ${missing},
        schema_checked_at = now(), updated_at = now()
    where model = ${model}`;
}
