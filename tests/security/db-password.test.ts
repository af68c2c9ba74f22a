import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cluster,
  clusterUrl,
  destroyCluster,
  freePort,
  readCluster,
  startCluster,
} from '../../tools/local-stack/src/cluster.ts';
import { requirePassword, storedPassword } from '../../tools/local-stack/src/db-password.ts';
import { SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { LOCAL_DIR } from '../../tools/local-stack/src/paths.ts';
import { startPlatform } from '../../tools/local-stack/src/platform.ts';

// The attack: the demo cluster trusts every local connection, so any user of the machine is
// superuser — harmless for the simulator's books, not once `npm start` serves a real Odoo
// (ODOO_URL set). Then the cluster requires a password, for good.
const dir = join(LOCAL_DIR, `test-${process.pid}-db-password`);
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster(dir);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
}, 120_000);
afterAll(() => destroyCluster(dir));

async function connects(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await sql`select 1`;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('a cluster holding real Odoo data requires a password', () => {
  it('before: any password works (trust); after: only the stored one', async () => {
    expect(await connects(clusterUrl(cluster.port, 'postgres', 'anything'))).toBe('ok');
    const password = await requirePassword(dir, cluster.url);
    expect(password).toHaveLength(32);
    expect(storedPassword(dir)).toBe(password);
    for (const user of ['postgres', 'authenticator']) {
      expect(await connects(clusterUrl(cluster.port, user, 'postgres'))).toBe('28P01');
      expect(await connects(clusterUrl(cluster.port, user, password))).toBe('ok');
    }
    // Everything that finds the cluster by its folder gets the password with it.
    expect(await connects(readCluster(dir)!.url)).toBe('ok');
    expect((await startCluster(dir)).url).toBe(readCluster(dir)!.url);
    // Idempotent: a second start keeps the same password.
    expect(await requirePassword(dir, readCluster(dir)!.url)).toBe(password);
  });

  it('the platform (REST through authenticator, functions, pg_net) works with it', async () => {
    const platform = await startPlatform({
      dbPort: cluster.port,
      dbPassword: storedPassword(dir),
      gatewayPort: await freePort(),
    });
    try {
      const res = await fetch(`${platform.url}/rest/v1/companies`, {
        headers: {
          apikey: SERVICE_ROLE_KEY,
          Authorization: `Bearer ${SERVICE_ROLE_KEY}`,
          'Accept-Profile': 'reporting',
        },
      });
      expect(res.status).toBe(200);
    } finally {
      await platform.close();
    }
  }, 60_000);
});
