import { strictDecimal } from '../config/strict-decimal.ts';
import { strictInt } from '../config/strict-int.ts';
import { SyncConfigError } from './errors.ts';

/** The sync engine's settings, read once at the edge (environment or .env). Odoo's own
 * settings (ODOO_*, including lang and allowed companies) are in ../odoo/config.ts. */
export interface SyncConfig {
  /** Postgres connection string (Supabase sets SUPABASE_DB_URL for Edge Functions). */
  dbUrl: string;
  /** Incremental windows start this far before the high-water mark (SYNC_OVERLAP_MINUTES, 10; 0..10080). */
  overlapMinutes: number;
  /** Wall time one invocation may spend (SYNC_SLICE_SECONDS, 50; 1..3600 — Supabase allows 150). */
  sliceSeconds: number;
  /** Records one invocation may decode, the CPU proxy (SYNC_SLICE_RECORDS, 60000; 1..10000000). */
  sliceRecords: number;
  /** Cap on requests per second toward Odoo (SYNC_MAX_RPS, 10; 0..10000, 0 = no cap). */
  maxRequestsPerSecond: number;
  /** How long a model's fields_get stays trusted (SYNC_SCHEMA_TTL_MINUTES, 60; 0..10080). */
  schemaTtlMinutes: number;
  /**
   * How far a write_date may run ahead of Odoo's clock (its HTTP Date) before it is treated as
   * an outlier that must not move the high-water mark (SYNC_CLOCK_SKEW_SECONDS, 120; 0..86400).
   */
  clockSkewSeconds: number;
  /**
   * Every model's content sweep — Odoo's (id, write_date) against the mirror's — completes one
   * cycle within this many hours; the reconcile cron spreads a cycle over it (SYNC_SWEEP_HOURS, 24;
   * 0.01..8760, a decimal).
   */
  sweepHours: number;
  /**
   * Snapshot pages go in by binary COPY (SYNC_COPY, on). Off: they are upserted like any other
   * page (about half as fast), for a connection that cannot COPY, such as some poolers.
   */
  copy: boolean;
  /**
   * Whether the report upkeep at the end of a run rebuilds every report from its definition
   * instead of applying what changed (SYNC_REPORTS_FULL, off): the pre-maintenance behaviour,
   * for same-run baselines and as an escape hatch.
   */
  reportsFull: boolean;
}

function flag(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new SyncConfigError(`${name} must be on or off, got "${env[name]}"`);
}

/** A numeric setting: its default when unset, else exactly what `parse` accepts, or a named error. */
function numeric(
  parse: typeof strictInt,
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const r = parse(name, raw, min, max);
  if ('problem' in r) throw new SyncConfigError(r.problem);
  return r.value;
}

const int = numeric.bind(null, strictInt);
const decimal = numeric.bind(null, strictDecimal);

export function loadSyncConfig(env: Record<string, string | undefined>): SyncConfig {
  const dbUrl = env.SUPABASE_DB_URL;
  if (!dbUrl)
    throw new SyncConfigError('SUPABASE_DB_URL is not set (the Postgres connection string)');
  return {
    dbUrl,
    overlapMinutes: int(env, 'SYNC_OVERLAP_MINUTES', 10, 0, 7 * 24 * 60),
    // Up to an hour: `npm run sync` runs long slices locally; an Edge Function stops at 150 s.
    sliceSeconds: int(env, 'SYNC_SLICE_SECONDS', 50, 1, 3600),
    sliceRecords: int(env, 'SYNC_SLICE_RECORDS', 60_000, 1, 10_000_000),
    maxRequestsPerSecond: int(env, 'SYNC_MAX_RPS', 10, 0, 10_000),
    schemaTtlMinutes: int(env, 'SYNC_SCHEMA_TTL_MINUTES', 60, 0, 7 * 24 * 60),
    clockSkewSeconds: int(env, 'SYNC_CLOCK_SKEW_SECONDS', 120, 0, 24 * 3600),
    sweepHours: decimal(env, 'SYNC_SWEEP_HOURS', 24, 0.01, 24 * 365),
    copy: flag(env, 'SYNC_COPY', true),
    reportsFull: flag(env, 'SYNC_REPORTS_FULL', false),
  };
}
