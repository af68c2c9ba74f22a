import postgres from 'postgres';
import { createOdooClient, type OdooClientOptions } from '../odoo/client.ts';
import { loadOdooConfig } from '../odoo/config.ts';
import { rememberSecret } from '../odoo/redact.ts';
import { loadSyncConfig, type SyncConfig } from './config.ts';
import type { OdooReader } from './odoo-reader.ts';
import { readerFromClient } from './odoo-reader-from-client.ts';
import { connectNoDelay } from './pg-socket.ts';
import type { ErrorCategory } from './sync-errors.ts';

export interface SyncResources {
  sql: postgres.Sql;
  odoo: OdooReader;
  config: SyncConfig;
  close(): Promise<void>;
}

/** Reads both configurations (failing fast, by name) and opens the database and Odoo client. */
export function openSync(
  env: Record<string, string | undefined>,
  clientOptions?: OdooClientOptions,
): SyncResources {
  // Before anything can fail: every error described from here on masks the key.
  rememberSecret(env.ODOO_API_KEY);
  const config = loadSyncConfig(env);
  const odooConfig = loadOdooConfig(env);
  const sql = postgres(config.dbUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: 'odoo-sync' },
    // Documented ("Custom socket" in its README) but missing from postgres.js' types.
    ...({ socket: connectNoDelay } as object),
  });
  return {
    sql,
    config,
    odoo: readerFromClient(createOdooClient(odooConfig, clientOptions), odooConfig),
    close: () => sql.end({ timeout: 5 }),
  };
}

export interface InvocationFailure {
  /** ods.invocations id sent by ods.invoke_sync (X-Sync-Invocation); null for other callers. */
  invocation: string | null;
  mode: string;
  trigger: string;
  category: ErrorCategory;
  /** Already described and scrubbed. */
  error: string;
}

/**
 * Records a whole-invocation failure (before or around the slice) in ods.invocations, on an
 * open connection or — when the failure was opening it — a short-lived one from the
 * environment. Best effort: a database that cannot be reached is itself the failure, and
 * pg_net's record of the answer still reaches sync_health through the cron tick.
 */
export async function recordInvocationFailure(
  target: postgres.Sql | Record<string, string | undefined>,
  f: InvocationFailure,
): Promise<boolean> {
  const own =
    typeof target === 'function'
      ? null
      : target.SUPABASE_DB_URL
        ? postgres(target.SUPABASE_DB_URL, { max: 1, connect_timeout: 5, onnotice: () => {} })
        : null;
  const sql = own ?? (typeof target === 'function' ? target : null);
  if (!sql) return false;
  try {
    await sql`select ods.record_invocation_failure(${f.invocation}::bigint, ${f.mode}, ${f.trigger},
      ${f.category}, ${f.error})`;
    return true;
  } catch (e) {
    console.error(`[odoo-sync] could not record the failure: ${(e as Error).message}`);
    return false;
  } finally {
    await own?.end({ timeout: 2 });
  }
}
