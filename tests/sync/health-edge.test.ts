import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { type SyncHarness, startSyncHarness } from './harness.ts';

// The cron path for real: ods.invoke_sync → pg_net (stand-in) → gateway → the odoo-sync function
// in Deno. A wrong Vault key and a function deployed without ODOO_URL both reach sync_health.
let h: SyncHarness;
let platform: Platform;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 12 });
  const { SUPABASE_DB_URL: _db, ODOO_URL: _url, ...odooEnv } = h.env;
  platform = await startPlatform({
    dbPort: Number(new URL(h.dbUrl).port),
    gatewayPort: await freePort(),
    functionEnv: odooEnv,
    log: () => {},
  });
  // This file ticks itself: a cron tick at a minute boundary, before the test stores the
  // service key, would record its own 'config' failure ("Vault entries … required").
  await h.sql`update cron.job set active = false`;
  await h.sql`select vault.create_secret(${platform.url}, 'project_url')`;
}, 120_000);

afterAll(async () => {
  await platform?.close();
  await h?.close();
});

/** One cron tick, then waits for pg_net's answer to it. */
async function tickAndWait(): Promise<void> {
  const [{ id }] = await h.sql`select ods.invoke_sync('sync') as id`;
  for (const until = Date.now() + 30_000; Date.now() < until; ) {
    const [done] = await h.sql`select 1 from net._http_response where id = ${id}`;
    if (done) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pg_net never answered request ${id}`);
}

const GRANTED_CLAIMS = JSON.stringify({
  role: 'authenticated',
  sub: '00000000-0000-4000-8000-0000000000c1',
  app_metadata: { company_ids: [1] },
});

const categories = async (role: string) =>
  h.sql.begin(async (tx) => {
    await tx.unsafe(`set local role ${role}`);
    // A reader granted a company: without one, the health views read nothing.
    await tx`select set_config('request.jwt.claims', ${GRANTED_CLAIMS}, true)`;
    return tx`select distinct error_category, last_error from reporting.sync_health`;
  });

describe('through pg_net and the real function', () => {
  it('a wrong Vault key: the function answers 401, the next tick shows auth on every model', async () => {
    await h.sql`select vault.create_secret('sb_secret_not_this_project', 'service_role_key')`;
    await tickAndWait();
    expect(await categories('authenticated')).toEqual([{ error_category: null, last_error: null }]);
    await h.sql`select ods.check_invocations()`;
    expect(await categories('authenticated')).toEqual([
      { error_category: 'auth', last_error: null },
    ]);
    const [row] = await categories('service_role');
    expect(row.last_error).toMatch(/HTTP 401 from odoo-sync: the service secret is required/);
  }, 60_000);

  it('a function without ODOO_URL records its own failure (config) on the invocation', async () => {
    await h.sql`select vault.update_secret(id, ${SERVICE_ROLE_KEY}) from vault.secrets
      where name = 'service_role_key'`;
    await tickAndWait();
    // Recorded by the function itself, before the tick reads pg_net's 500.
    const [last] = await h.sql`select outcome, category, error, status_code from ods.invocations
      order by id desc limit 1`;
    expect(last).toMatchObject({ outcome: 'failed', category: 'config', status_code: null });
    expect(last.error).toMatch(/ODOO_URL is missing/);
    expect(await categories('authenticated')).toEqual([
      { error_category: 'config', last_error: null },
    ]);
    const [{ since }] = await h.sql`select min(requested_at) as since from ods.invocations`;
    const [health] = await h.sql`select failing_since from reporting.sync_health limit 1`;
    expect(health.failing_since).toEqual(since);
  }, 60_000);

  it('through /rest/v1: a signed-in reader gets the category, service_role the text', async () => {
    const user = await new SignJWT({
      role: 'authenticated',
      sub: crypto.randomUUID(),
      app_metadata: { company_ids: [1] },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const read = async (token: string) => {
      const res = await fetch(
        `${platform.url}/rest/v1/sync_health?select=model,error_category,failing_since,last_error`,
        {
          headers: {
            apikey: token === SERVICE_ROLE_KEY ? SERVICE_ROLE_KEY : ANON_KEY,
            Authorization: `Bearer ${token}`,
            'Accept-Profile': 'reporting',
          },
        },
      );
      expect(res.status).toBe(200);
      return (await res.json()) as { error_category: string; last_error: string | null }[];
    };
    for (const r of await read(user)) {
      expect(r).toMatchObject({ error_category: 'config', last_error: null });
    }
    for (const r of await read(SERVICE_ROLE_KEY)) {
      expect(r.last_error).toMatch(/ODOO_URL is missing/);
    }
  });
});
