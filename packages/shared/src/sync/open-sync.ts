import postgres from 'postgres';
import { createOdooClient, type OdooClientOptions } from '../odoo/client.ts';
import { loadOdooConfig } from '../odoo/config.ts';
import { loadSyncConfig, type SyncConfig } from './config.ts';
import type { OdooReader } from './odoo-reader.ts';
import { readerFromClient } from './odoo-reader-from-client.ts';
import { connectNoDelay } from './pg-socket.ts';

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
