import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';

const dbUrl = inject('dbUrl');
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
let platform: Platform;
let fn: string;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const responseFor = (id: string) => async () => {
  const [row] = await sql`select * from net._http_response where id = ${id}`;
  return row;
};

beforeAll(async () => {
  platform = await startPlatform({
    dbPort: Number(new URL(dbUrl).port),
    gatewayPort: await freePort(),
    functionsDir: join(ROOT, 'tests', 'fixtures', 'functions'),
  });
  fn = `${platform.url}/functions/v1/echo`;
});

afterAll(async () => {
  await platform?.close();
  await sql.end();
});

describe('/functions/v1', () => {
  it('runs the function in Deno with the path, query and env an Edge Function sees', async () => {
    const res = await fetch(`${fn}/a/b?x=1`, {
      headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}` },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      method: 'GET',
      path: '/echo/a/b',
      query: '?x=1',
      authorization: true,
    });
    expect(body.env).toEqual({
      SUPABASE_URL: platform.url,
      SUPABASE_DB_URL: true,
      SUPABASE_ANON_KEY: true,
      SUPABASE_SERVICE_ROLE_KEY: true,
      HOME: null,
    });
  });

  it('passes the request body through', async () => {
    const res = await fetch(fn, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ANON_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ é: 'ü & <>' }),
    });
    expect((await res.json()).body).toBe('{"é":"ü & <>"}');
  });

  it('checks the JWT like the CLI does when verify_jwt is on (the default)', async () => {
    const none = await fetch(fn, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.headers.get('sb-error-code')).toBe('UNAUTHORIZED_NO_AUTH_HEADER');
    expect(await none.json()).toMatchObject({ message: 'Missing authorization header' });

    const forged = `${ANON_KEY.slice(0, -4)}AAAA`;
    const bad = await fetch(fn, { headers: { Authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Invalid JWT' });

    const preflight = await fetch(fn, { method: 'OPTIONS' });
    expect(preflight.status).toBe(200);
  });

  it('answers 404 for an unknown function', async () => {
    const res = await fetch(`${platform.url}/functions/v1/nope`, {
      headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}` },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Function not found');
  });
});

describe('pg_net stand-in', () => {
  it('sends after commit and records the response', async () => {
    const [{ id }] = await sql`select net.http_post(
        ${fn}, '{"n": 1}'::jsonb, '{}'::jsonb,
        ${sql.json({ Authorization: `Bearer ${SERVICE_ROLE_KEY}` })}::jsonb) as id`;
    const row = await waitFor('the response', responseFor(id), 15_000);
    expect(row.status_code).toBe(200);
    expect(row.error_msg).toBeNull();
    expect(JSON.parse(row.content)).toMatchObject({ method: 'POST', body: '{"n": 1}' });
    expect(row.content_type).toMatch(/application\/json/);
    const [{ queued }] = await sql`select count(*)::int as queued from net.http_request_queue`;
    expect(queued).toBe(0);
  });

  it('sends nothing for a rolled-back transaction', async () => {
    let id = '';
    await sql
      .begin(async (tx) => {
        [{ id }] = await tx`select net.http_post(${fn}, '{}'::jsonb) as id`;
        throw new Error('roll back');
      })
      .catch(() => {});
    const [{ later }] = await sql`select net.http_get(${`${fn}/after`}) as later`;
    await waitFor('the later request', responseFor(later), 15_000);
    expect(await responseFor(id)()).toBeUndefined();
  });

  it('sends a request queued while another is still unanswered at once', async () => {
    // A server that answers after 8 s, as a long function run does.
    const slow = createServer((_req, res) => {
      setTimeout(() => res.end('slow'), 8_000);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const port = (slow.address() as AddressInfo).port;
      const [{ first }] = await sql`select net.http_get(${`http://127.0.0.1:${port}/`}) as first`;
      await waitFor(
        'the slow request to be taken',
        async () => {
          const [{ n }] = await sql`select count(*)::int as n from net.http_request_queue`;
          return n === 0 ? true : undefined;
        },
        5_000,
      );
      const t0 = Date.now();
      const [{ second }] = await sql`select net.http_get(${`${fn}/second`}) as second`;
      const row = await waitFor('the second response', responseFor(second), 15_000);
      expect(row.status_code).toBe(401); // answered (by verify_jwt: no key was sent)
      expect(Date.now() - t0).toBeLessThan(4_000);
      expect(await responseFor(first)()).toBeUndefined();
      await waitFor('the slow response', responseFor(first), 15_000);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('records a transport failure as error_msg only', async () => {
    const closed = await freePort();
    const [{ id }] = await sql`select net.http_get(${`http://127.0.0.1:${closed}/`}) as id`;
    const row = await waitFor('the failure', responseFor(id), 15_000);
    expect(row.status_code).toBeNull();
    expect(row.error_msg).toBeTruthy();
  });

  it('refuses a non-JSON content type, as pg_net does', async () => {
    await expect(
      sql`select net.http_post('http://x', '{}'::jsonb, '{}'::jsonb, '{"content-type":"text/plain"}'::jsonb)`,
    ).rejects.toThrow('Content-Type header must be "application/json"');
  });
});

describe('pg_cron → net.http_post → /functions/v1', () => {
  it('a scheduled job reaches the function with the URL and key read from Vault', async () => {
    await sql`select vault.create_secret(${platform.url}, 'test_project_url')`;
    await sql`select vault.create_secret(${SERVICE_ROLE_KEY}, 'test_service_role_key')`;
    const marker = `cron-${Date.now()}`;
    await sql`select cron.schedule('test-echo', '* * * * *', ${`
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'test_project_url')
               || '/functions/v1/echo',
        body := jsonb_build_object('marker', '${marker}'),
        headers := jsonb_build_object('Authorization', 'Bearer ' ||
          (select decrypted_secret from vault.decrypted_secrets where name = 'test_service_role_key')),
        timeout_milliseconds := 5000)`})`;
    try {
      // pg_cron 1.4 runs at minute boundaries: the job fires within 60 s.
      const row = await waitFor(
        'the cron job to reach the function',
        async () => {
          const [r] =
            await sql`select * from net._http_response where content like ${`%${marker}%`}`;
          return r;
        },
        75_000,
      );
      expect(row.status_code).toBe(200);
      // pg_cron records the run's end after its command returns: the answer can come first.
      const status = await waitFor(
        'the cron run to be recorded as ended',
        async () => {
          const [run] =
            await sql`select status from cron.job_run_details d join cron.job j using (jobid)
            where j.jobname = 'test-echo' order by runid desc limit 1`;
          return run && run.status !== 'running' ? run.status : undefined;
        },
        10_000,
      );
      expect(status).toBe('succeeded');
    } finally {
      await sql`select cron.unschedule('test-echo')`;
    }
  }, 90_000);
});

describe('Vault stand-in', () => {
  it('keeps secrets encrypted at rest and readable by service_role only', async () => {
    const [{ id }] = await sql`select vault.create_secret('s3cr3t', 'vault_test', 'd') as id`;
    const [raw] = await sql`select secret from vault.secrets where id = ${id}`;
    expect(raw.secret).not.toContain('s3cr3t');
    await sql`select vault.update_secret(${id}, null, null, 'new description')`;
    const [row] =
      await sql`select decrypted_secret, description from vault.decrypted_secrets where id = ${id}`;
    expect(row).toEqual({ decrypted_secret: 's3cr3t', description: 'new description' });
    await expect(sql`select vault.create_secret('x', 'vault_test')`).rejects.toMatchObject({
      code: '23505',
    });
    for (const role of ['anon', 'authenticated']) {
      await expect(
        sql.begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          return tx`select decrypted_secret from vault.decrypted_secrets`;
        }),
      ).rejects.toMatchObject({ code: '42501' });
    }
    const rows = await sql.begin(async (tx) => {
      await tx`set local role service_role`;
      return tx`select decrypted_secret from vault.decrypted_secrets where name = 'vault_test'`;
    });
    expect(rows[0].decrypted_secret).toBe('s3cr3t');
  });
});
