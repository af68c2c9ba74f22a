import { SyncConfigError } from './errors.ts';

/** The sync engine's settings, read once at the edge (environment or .env). Odoo's own
 * settings (ODOO_*, including lang and allowed companies) are in ../odoo/config.ts. */
export interface SyncConfig {
  /** Postgres connection string (Supabase sets SUPABASE_DB_URL for Edge Functions). */
  dbUrl: string;
  /** Incremental windows start this far before the high-water mark (SYNC_OVERLAP_MINUTES, 10). */
  overlapMinutes: number;
  /** Wall time one invocation may spend (SYNC_SLICE_SECONDS, 50 — Supabase allows 150). */
  sliceSeconds: number;
  /** Records one invocation may decode, the CPU proxy (SYNC_SLICE_RECORDS, 60000). */
  sliceRecords: number;
  /** Cap on requests per second toward Odoo (SYNC_MAX_RPS, 10; 0 = no cap). */
  maxRequestsPerSecond: number;
  /** How long a model's fields_get stays trusted (SYNC_SCHEMA_TTL_MINUTES, 60). */
  schemaTtlMinutes: number;
}

function num(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min = 0,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new SyncConfigError(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return n;
}

export function loadSyncConfig(env: Record<string, string | undefined>): SyncConfig {
  const dbUrl = env.SUPABASE_DB_URL;
  if (!dbUrl)
    throw new SyncConfigError('SUPABASE_DB_URL is not set (the Postgres connection string)');
  return {
    dbUrl,
    overlapMinutes: num(env, 'SYNC_OVERLAP_MINUTES', 10),
    sliceSeconds: num(env, 'SYNC_SLICE_SECONDS', 50, 1),
    sliceRecords: num(env, 'SYNC_SLICE_RECORDS', 60_000, 1),
    maxRequestsPerSecond: num(env, 'SYNC_MAX_RPS', 10),
    schemaTtlMinutes: num(env, 'SYNC_SCHEMA_TTL_MINUTES', 60),
  };
}
