import { accountModels } from './catalog-account.ts';
import type { ModelDef } from './catalog-fields.ts';
import { moveLineModels } from './catalog-move-line.ts';
import { resModels } from './catalog-res.ts';
import { type OdooVersion, traits } from './versions.ts';

export type { ComputeKind, FieldDef, FieldType, ModelDef } from './catalog-fields.ts';
export { ACCOUNT_TYPES, MOVE_TYPES } from './catalog-selections.ts';

/**
 * The models the simulator serves and their fields as `fields_get` describes them, per
 * simulated Odoo version (16–19; differences from reference §6, named in versions.ts).
 */
export function buildCatalog(version: OdooVersion): Map<string, ModelDef> {
  const t = traits(version);
  const models = [...resModels(t), ...accountModels(t), ...moveLineModels(t)];
  return new Map(models.map((m) => [m.name, m]));
}

/** The default sync catalog (DESIGN §3); the other served models support it. */
export const DEFAULT_CATALOG = [
  'res.company',
  'res.currency',
  'res.partner',
  'account.account',
  'account.journal',
  'account.move',
  'account.move.line',
  'account.payment',
  'account.partial.reconcile',
  'account.full.reconcile',
] as const;
