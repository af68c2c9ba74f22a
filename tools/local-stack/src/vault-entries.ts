import postgres from 'postgres';
import { SERVICE_ROLE_KEY } from './keys.ts';

/**
 * Where pg_cron's job calls the sync function and with which key, in Vault as on a hosted
 * project (ods.invoke_sync reads both): created, or updated when the gateway moved.
 */
export async function writeVaultEntries(dbUrl: string, apiUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    for (const [name, value] of [
      ['project_url', apiUrl],
      ['service_role_key', SERVICE_ROLE_KEY],
    ]) {
      await sql`select case when exists (select 1 from vault.secrets where name = ${name})
        then (select vault.update_secret(id, ${value}) from vault.secrets where name = ${name})::text
        else vault.create_secret(${value}, ${name})::text end`;
    }
  } finally {
    await sql.end();
  }
}
