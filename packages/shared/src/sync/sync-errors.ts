// How a failure is described and recorded. The text (scrubbed of every registered secret, in
// every encoding) is for administrators; readers of reporting.sync_health see only the
// category, so the category is decided here, once, from the error's class — next to the
// retriable decision of ../odoo/retry.ts, never from message text — and stored with the text.
import type { Sql } from 'postgres';
import { ConfigError } from '../odoo/config.ts';
import {
  OdooAbortedError,
  OdooAccessError,
  OdooAuthError,
  OdooConnectionError,
  OdooError,
  OdooHttpStatusError,
  OdooMalformedBodyError,
  OdooResponseTooLargeError,
  OdooTimeoutError,
  OdooTransportError,
} from '../odoo/errors.ts';
import { scrubKnown } from '../odoo/redact.ts';
import { MalformedRecordError, SyncConfigError, UnknownModelError } from './errors.ts';

/**
 * What a reader is told about a failure. `killed` and `interrupted` runs are only seen from
 * the database side (pg_net's answers, runs left open); the migration maps those.
 */
export const ERROR_CATEGORIES = [
  'auth',
  'permission',
  'network',
  'timeout',
  'odoo_fault',
  'bad_data',
  'config',
  'database',
  'killed',
  'internal',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

// postgres.js (and the runtime's socket layer) name connection failures by code; the only peer
// besides Odoo is Postgres, and Odoo's failures are OdooErrors.
const CONNECTION_CODE = /^(CONNECTION_\w+|CONNECT_TIMEOUT|E[A-Z]+)$/;

export function errorCategory(e: unknown): ErrorCategory {
  if (e instanceof OdooAuthError) return 'auth';
  if (e instanceof OdooAccessError) return 'permission';
  if (e instanceof OdooTimeoutError) return 'timeout';
  if (e instanceof OdooHttpStatusError) {
    if (e.status === 401) return 'auth';
    if (e.status === 403) return 'permission';
    // No such route: ODOO_URL does not point at an Odoo (or not at its root).
    if (e.status === 404) return 'config';
    return 'network';
  }
  if (e instanceof OdooMalformedBodyError || e instanceof OdooResponseTooLargeError) {
    return 'bad_data';
  }
  if (e instanceof OdooConnectionError || e instanceof OdooAbortedError) return 'network';
  if (e instanceof OdooTransportError) return 'network';
  if (e instanceof OdooError) return 'odoo_fault';
  if (e instanceof SyncConfigError || e instanceof UnknownModelError || e instanceof ConfigError) {
    return 'config';
  }
  if (e instanceof MalformedRecordError) return 'bad_data';
  if (e instanceof Error) {
    const { code } = e as { code?: unknown };
    if (e.name === 'PostgresError' && typeof code === 'string') {
      // Class 22 (data exception): a value from Odoo that the column refused.
      return code.startsWith('22') ? 'bad_data' : 'database';
    }
    if (typeof code === 'string' && CONNECTION_CODE.test(code)) return 'database';
  }
  return 'internal';
}

/** One line naming the error class, where it happened and why; secrets masked. */
export function describeError(e: unknown): string {
  if (typeof e === 'string') return scrubKnown(e);
  if (e instanceof OdooError) {
    const where = [e.model, e.method].filter(Boolean).join('.');
    return scrubKnown(`${e.name}${where ? ` (${where})` : ''}: ${e.message}`);
  }
  if (e instanceof Error) return scrubKnown(`${e.name}: ${e.message}`);
  return scrubKnown(String(e));
}

/**
 * Records a model's failure on ods.sync_state: the described text, its category, and one more
 * consecutive failure. `failing_since` (the first failure of the streak) is kept by a trigger,
 * which also clears it with the category when a success clears last_error.
 */
export async function recordError(
  sql: Sql,
  model: string,
  error: unknown,
  mode: 'sync' | 'reconcile' | 'verify' = 'sync',
): Promise<void> {
  const message = describeError(error);
  const category = errorCategory(error);
  await sql`insert into ods.sync_state (model) values (${model}) on conflict do nothing`;
  await sql`update ods.sync_state set last_error = ${message}, error_category = ${category},
    last_error_mode = ${mode}, last_error_at = now(),
    consecutive_failures = consecutive_failures + 1, updated_at = now()
    where model = ${model}`;
}

/** A success of `mode` clears the model's error if that same mode recorded it. */
export async function clearError(
  sql: Sql,
  model: string,
  mode: 'sync' | 'reconcile' | 'verify',
): Promise<void> {
  await sql`update ods.sync_state set last_error = null, last_error_at = null,
    last_error_mode = null, consecutive_failures = 0, updated_at = now()
    where model = ${model} and last_error is not null
      and coalesce(last_error_mode, 'sync') = ${mode}`;
}
