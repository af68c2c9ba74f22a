import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSyncRequest } from '../../packages/shared/src/sync/http-handler.ts';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { CATALOG_MODELS, type SyncHarness, startSyncHarness } from './harness.ts';

// Every failed or killed invocation shows in reporting.sync_health, with its category and the
// first failure of the streak; the text only for service_role / postgres / finanzas_admin.
let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 11 });
  await h.sql`create role health_ops nologin in role finanzas_admin`;
  await h.sql`create role health_bi nologin in role finanzas_bi`;
}, 120_000);
afterAll(async () => {
  await h?.close();
});

interface Health {
  model: string;
  error_category: string | null;
  failing_since: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  consecutive_failures: number;
}

/** The role, as a reader granted a company (without one, the health views read nothing). */
async function asGrantedReader(tx: postgres.TransactionSql, role: string) {
  await tx.unsafe(`set local role ${role}`);
  await tx`select set_config('request.jwt.claims', ${JSON.stringify({
    role,
    sub: '00000000-0000-4000-8000-0000000000c2',
    app_metadata: { company_ids: [1] },
  })}, true)`;
}

/** sync_health as a role reads it (null: the database owner, like the engine and tests). */
async function health(role: string | null = null): Promise<Health[]> {
  return h.sql.begin(async (tx) => {
    if (role) await asGrantedReader(tx, role);
    return tx<Health[]>`select model, error_category, failing_since, last_error, last_error_at,
      consecutive_failures from reporting.sync_health order by model`;
  });
}

async function freshness(role: string | null = null) {
  return h.sql.begin(async (tx) => {
    if (role) await asGrantedReader(tx, role);
    const [f] = await tx`select failing_models, last_error, error_category, failing_since
      from reporting.freshness`;
    return f;
  });
}

const tick = async () => {
  const [{ id }] = await h.sql`select ods.invoke_sync('sync') as id`;
  return id === null ? null : Number(id);
};
const answer = (
  id: number,
  r: { status?: number; content?: string; timedOut?: boolean; error?: string },
) =>
  h.sql`insert into net._http_response (id, status_code, content, timed_out, error_msg)
    values (${id}, ${r.status ?? null}, ${r.content ?? null}, ${r.timedOut ?? null}, ${r.error ?? null})`;
const reset = async () => {
  await h.sql`truncate ods.invocations`;
  await h.sql`delete from ods.runs`;
};

describe('failures that never reach a model', () => {
  it('a deployment without its Vault entries is failing (config) since the first tick, not pending', async () => {
    expect(await tick()).toBeNull();
    const [first] = await h.sql`select requested_at from ods.invocations order by id limit 1`;
    await new Promise((r) => setTimeout(r, 20));
    expect(await tick()).toBeNull();
    for (const row of await health()) {
      expect(row.error_category, row.model).toBe('config');
      expect(row.failing_since).toEqual(first.requested_at);
      expect(row.last_error).toMatch(/Vault entries project_url and service_role_key/);
    }
    for (const role of ['authenticated', 'health_bi']) {
      for (const row of await health(role)) {
        expect(row.error_category).toBe('config');
        expect(row.failing_since).toEqual(first.requested_at);
        expect(row.last_error, role).toBeNull();
      }
    }
    for (const role of ['service_role', 'health_ops']) {
      expect((await health(role))[0].last_error, role).toMatch(/Vault entries/);
    }
    const f = await freshness('authenticated');
    expect(f.failing_models).toHaveLength(CATALOG_MODELS.length);
    expect(f).toMatchObject({ error_category: 'config', last_error: null });
    expect((await freshness()).last_error).toMatch(/Vault entries/);
  });

  it('pg_net’s answers are read by the next tick: a wrong Vault key (401), a killed function (546), a timeout', async () => {
    await reset();
    await h.sql`select vault.create_secret('http://127.0.0.1:9', 'project_url')`;
    await h.sql`select vault.create_secret('not-the-service-key', 'service_role_key')`;
    const unauthorized = (await tick())!;
    const [queued] =
      await h.sql`select headers from net.http_request_queue where id = ${unauthorized}`;
    const [inv] =
      await h.sql`select id, requested_at from ods.invocations where request_id = ${unauthorized}`;
    expect(queued.headers['X-Sync-Invocation']).toBe(String(inv.id));
    // Pending until answered: nothing to show yet.
    expect((await health())[0].error_category).toBeNull();
    await answer(unauthorized, {
      status: 401,
      content: '{"error":"the service secret is required (Authorization: Bearer <service key>)"}',
    });
    const killed = (await tick())!;
    let rows = await health('authenticated');
    expect(rows.map((r) => r.error_category)).toEqual(rows.map(() => 'auth'));
    expect(rows[0].failing_since).toEqual(inv.requested_at);
    expect((await health())[0].last_error).toMatch(/HTTP 401 .*service_role_key/);

    await answer(killed, {
      status: 546,
      content: '{"code":"WORKER_LIMIT","message":"Worker failed"}',
    });
    const slow = (await tick())!;
    rows = await health('authenticated');
    expect(rows[0]).toMatchObject({ error_category: 'killed', failing_since: inv.requested_at });

    await answer(slow, {
      timedOut: true,
      error: 'Timeout of 150000 ms reached. Total time: 150001 ms',
    });
    const good = (await tick())!;
    rows = await health();
    expect(rows[0]).toMatchObject({ error_category: 'timeout', failing_since: inv.requested_at });
    expect(rows[0].last_error).toMatch(/wall-clock limit/);
    const [{ failures }] =
      await h.sql`select failures::int from ods.failure_streaks() where mode = 'sync'`;
    expect(failures).toBe(3);

    // A slice that ran and answered (200) ends the streak.
    await answer(good, { status: 200, content: '{"runId":1,"outcome":"ok"}' });
    await tick();
    for (const row of await health()) expect(row.error_category, row.model).toBeNull();
  });

  it('the function records its own failures: a missing ODOO_* setting, a database error', async () => {
    await reset();
    const call = async (env: Record<string, string>, invocation: number) =>
      handleSyncRequest(
        new Request('http://localhost/odoo-sync', {
          method: 'POST',
          headers: {
            Authorization: 'Bearer svc-secret-for-tests-0123456789abcdef',
            'X-Sync-Invocation': String(invocation),
          },
          body: JSON.stringify({ mode: 'sync', trigger: 'cron' }),
        }),
        { ...env, SUPABASE_SERVICE_ROLE_KEY: 'svc-secret-for-tests-0123456789abcdef' },
      );
    const first = (await tick())!;
    const [{ id }] = await h.sql`select id from ods.invocations where request_id = ${first}`;
    const { ODOO_URL: _url, ...noUrl } = h.env;
    const res = await call(noUrl, Number(id));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: expect.stringMatching(/ODOO_URL/),
      category: 'config',
    });
    const [inv] =
      await h.sql`select outcome, category, error from ods.invocations where id = ${id}`;
    expect(inv).toMatchObject({ outcome: 'failed', category: 'config' });
    let rows = await health('authenticated');
    expect(rows[0]).toMatchObject({ error_category: 'config', last_error: null });
    expect((await health())[0].last_error).toMatch(/ODOO_URL is missing/);

    // The database refuses the run log: the failure lands on the invocation all the same.
    const second = (await tick())!;
    const [{ id: id2 }] = await h.sql`select id from ods.invocations where request_id = ${second}`;
    await h.sql`alter table ods.runs rename to runs_hidden`;
    try {
      const res2 = await call(h.env, Number(id2));
      expect(res2.status).toBe(500);
      expect((await res2.json()).category).toBe('database');
    } finally {
      await h.sql`alter table ods.runs_hidden rename to runs`;
    }
    rows = await health();
    expect(rows[0].error_category).toBe('database');
    expect(rows[0].last_error).toMatch(/PostgresError: relation "ods.runs" does not exist/);
  });
});

describe('a run killed mid-slice', () => {
  let proc: ChildProcess | null = null;
  afterAll(() => {
    proc?.kill('SIGKILL');
  });

  it('shows as killed on the models it had not finished, from the moment it started', async () => {
    await reset();
    h.sim.control.setFault({ kind: 'latency', ms: 400, method: 'search_read' });
    proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'sync', 'cli.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...h.env },
      stdio: 'ignore',
    });
    const until = Date.now() + 30_000;
    let run: { id: string; started_at: Date } | undefined;
    while (!run && Date.now() < until) {
      [run] = await h.sql`select r.id, r.started_at from ods.runs r
        where r.outcome = 'running' and exists (select 1 from ods.sync_state s
          where s.last_success_at > r.started_at)`;
      if (!run) await new Promise((r) => setTimeout(r, 100));
    }
    expect(run, 'the CLI started a run and finished a model').toBeDefined();
    // Alive: holding its run lock, it is not a failure.
    expect((await health()).filter((r) => r.error_category)).toEqual([]);
    proc.kill('SIGKILL');
    await new Promise((r) => proc!.once('exit', r));
    h.sim.control.clearFaults();
    // pg_locks lets the lock go when the backend notices the closed socket.
    let rows: Health[] = [];
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200));
      rows = await health('authenticated');
      if (rows.some((r) => r.error_category)) break;
    }
    const [{ grace }] =
      await h.sql`select greatest(0, extract(epoch from ${run!.started_at}::timestamptz + interval '10 seconds' - clock_timestamp())) * 1000 as grace`;
    await new Promise((r) => setTimeout(r, Number(grace) + 100));
    rows = await health('authenticated');
    const states = await h.sql`select model, last_success_at from ods.sync_state`;
    const finished = new Set(
      states.filter((s) => s.last_success_at > run!.started_at).map((s) => s.model),
    );
    expect(finished.size).toBeGreaterThan(0);
    for (const r of rows) {
      if (finished.has(r.model)) expect(r.error_category, r.model).toBeNull();
      else {
        expect(r, r.model).toMatchObject({
          error_category: 'killed',
          failing_since: run!.started_at,
          last_error: null,
        });
      }
    }
    const [own] = await health();
    expect(own.last_error ?? '').toMatch(/killed|never ended|process ended/);
    // The next slice closes the run as interrupted and, succeeding, ends the streak.
    await h.syncToEnd();
    for (const r of await health()) expect(r.error_category, r.model).toBeNull();
    const [{ outcome }] = await h.sql`select outcome from ods.runs where id = ${run!.id}`;
    expect(outcome).toBe('interrupted');
  }, 90_000);
});

describe('per-model failures', () => {
  it('carry the engine’s category and the first failure of the streak; a success clears both', async () => {
    h.sim.control.setFault({ kind: 'wrong-key' });
    const res = h.open();
    try {
      await runSlice({ ...res, trigger: 'test' });
      const firstRows = await health();
      const [first] = firstRows;
      for (const r of firstRows) {
        expect(r).toMatchObject({ error_category: 'auth', consecutive_failures: 1 });
      }
      await runSlice({ ...res, trigger: 'test' });
      const rows = await health('authenticated');
      rows.forEach((r, i) => {
        expect(r).toMatchObject({
          error_category: 'auth',
          failing_since: firstRows[i].failing_since,
          consecutive_failures: 2,
          last_error: null,
        });
        expect(r.last_error_at!.getTime()).toBeGreaterThan(r.failing_since!.getTime());
      });
      expect((await health())[0].last_error).toMatch(/OdooAuthError/);
      const [state] = await h.sql`select error_category, failing_since from ods.sync_state
        where model = ${first.model}`;
      expect(state).toEqual({ error_category: 'auth', failing_since: first.failing_since });
    } finally {
      await res.close();
      h.sim.control.clearFaults();
    }
    await h.syncToEnd();
    const states = await h.sql`select error_category, failing_since from ods.sync_state`;
    for (const s of states) expect(s).toEqual({ error_category: null, failing_since: null });
  }, 60_000);

  it('the API key echoed by Odoo in any escaping never reaches sync_health', async () => {
    const key = h.env.ODOO_API_KEY;
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    const forms = [
      [...key].map((c) => `\\u${hex(c.charCodeAt(0))}`).join(''),
      [...key].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join(''),
      [...key].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''),
    ];
    h.sim.control.setFault({
      kind: 'odoo',
      error: 'UserError',
      model: 'res.partner',
      message: `Invalid request {"params": {"password": "${forms[0]}"}} <string>${forms[1]}</string> ?key=${forms[2]}`,
    });
    try {
      await h.syncToEnd({ models: ['res.partner'], maxSlices: 1 });
    } finally {
      h.sim.control.clearFaults();
    }
    const [row] = await h.sql`select last_error, error_category from reporting.sync_health
      where model = 'res.partner'`;
    expect(row.error_category).toBe('odoo_fault');
    expect(row.last_error).toMatch(
      /"password": "\*\*\*"\}\} <string>\*\*\*<\/string> \?key=\*\*\*/,
    );
    for (const f of forms) expect(row.last_error).not.toContain(f);
  }, 60_000);
});
