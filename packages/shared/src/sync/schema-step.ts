import { OdooFaultError } from '../odoo/errors.ts';
import type { CatalogEntry } from './catalog.ts';
import { type Column, describeRejected, planColumns } from './columns.ts';
import { applyCompanyColumns } from './companion-table.ts';
import { type ModelRun, request } from './engine-context.ts';
import { UnknownModelError } from './errors.ts';
import type { ModelState } from './model-state.ts';
import { queueReread, queueUpgradeReread } from './reread-step.ts';
import { evolveMirror, mergeChanges, type SchemaChange } from './schema-evolution.ts';

/**
 * The model's columns: from the cached fields_get while it is fresh, the catalog entry has not
 * changed and Odoo's version is the same, else from a new fields_get, with the mirror table
 * brought to match (schema-evolution.ts: an Odoo upgrade never fails the model).
 */
export async function ensureSchema(
  run: Pick<
    ModelRun,
    'sql' | 'odoo' | 'config' | 'budget' | 'limiter' | 'report' | 'log' | 'context' | 'odooVersion'
  >,
  entry: CatalogEntry,
  state: ModelState,
  table: string,
): Promise<Column[]> {
  const ttlMs = run.config.schemaTtlMinutes * 60_000;
  const upgraded =
    state.odooVersion !== null && run.odooVersion !== null && state.odooVersion !== run.odooVersion;
  const fresh =
    !upgraded &&
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
  if (plan.missing.length)
    run.log?.(`[${entry.model}] not in this Odoo (or not stored): ${plan.missing.join(', ')}`);
  // Fields that cannot be columns are skipped, and listed with the missing ones, with why.
  const missing = [...plan.missing, ...plan.rejected.map(describeRejected)];
  if (plan.rejected.length)
    run.log?.(`[${entry.model}] fields skipped: ${plan.rejected.map(describeRejected).join(', ')}`);
  const evolution = await evolveMirror(
    run.sql,
    entry.model,
    table,
    plan.columns,
    state.columns,
    state.droppedColumns,
    entry.fields,
    run.odooVersion,
  );
  const { columns } = evolution;
  // A column whose field became company-dependent (17 → 18 account codes) is dropped here like
  // any other, but its values live on in the companion table: say so rather than "dropped".
  const perCompany = new Set(plan.perCompany.map((c) => c.name));
  for (const c of evolution.changes)
    if (c.change === 'dropped' && perCompany.has(c.field)) c.change = 'per_company';
  for (const c of evolution.changes) run.log?.(`[${entry.model}] ${describeChange(c)}`);
  // Before the upgrade re-read is queued: it replaces the per-company backfill this may queue.
  await applyCompanyColumns(run, entry, state, table, plan.perCompany);
  const copied = state.phase === 'incremental' || state.snapshotCursor > 0;
  if (upgraded && copied) {
    // Odoo's upgrade scripts rewrite values by SQL without bumping write_date (18 maps payment
    // states, moves account.company_id to company_ids): every record is read again, once.
    run.log?.(`[${entry.model}] Odoo ${state.odooVersion} → ${run.odooVersion}: re-reading it all`);
    await queueUpgradeReread(run.sql, entry.model, state.odooVersion!, run.odooVersion!);
  } else if (state.columns !== null && copied) {
    // A field that appears after rows were copied (a catalog edit, a module installed) or
    // whose column was retyped gets its values by a backfill of that column alone, not as each
    // row happens to change.
    const before = new Set(state.columns.map((c) => c.name));
    const added = columns.filter((c) => !before.has(c.name)).map((c) => c.name);
    const fields = [...new Set([...added, ...evolution.reread])].sort();
    if (fields.length) {
      run.log?.(`[${entry.model}] new or retyped field(s) ${fields.join(', ')}: backfilling`);
      await queueReread(run.sql, entry.model, { reason: 'backfill', fields, after: 0 });
    }
  }
  const changes = mergeChanges(state.schemaChanges, evolution.changes);
  await run.sql`update ods.sync_state
    set columns = ${run.sql.json(columns as never)}, missing_fields = ${missing},
        dropped_columns = ${evolution.dropped}, schema_changes = ${run.sql.json(changes as never)},
        odoo_version = coalesce(${run.odooVersion}::int, odoo_version),
        schema_checked_at = now(), updated_at = now()
    where model = ${entry.model}`;
  state.columns = columns;
  state.missingFields = missing;
  state.droppedColumns = evolution.dropped;
  state.schemaChanges = changes;
  state.odooVersion = run.odooVersion ?? state.odooVersion;
  state.schemaCheckedAt = new Date();
  return columns;
}

/** How a schema change is logged. */
export function describeChange(c: SchemaChange): string {
  switch (c.change) {
    case 'added':
      return `new field ${c.field} (${c.to})`;
    case 'restored':
      return `field ${c.field} is back (${c.to})`;
    case 'dropped':
      return `Odoo dropped ${c.field}: its column stays, NULL in rows written from now on`;
    case 'per_company':
      return `${c.field} is company-dependent now: kept per company in the companion table, its column here NULL in rows written from now on`;
    case 'retyped':
      return `${c.field} is ${c.to} now (was ${c.from}): ${
        c.how === 'in-place'
          ? 'column converted'
          : c.how === 'renamed'
            ? `old values kept in ${c.keptAs}, the field is read again`
            : `column kept as it is, not synced until a migration adapts ${c.views?.join(', ')} (${c.reason})`
      }`;
  }
}
