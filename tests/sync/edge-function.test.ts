import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

// The real supabase/functions/odoo-sync/index.ts, run by Deno behind the gateway, called over
// HTTP like pg_cron's pg_net request does, against the simulator.
let h: SyncHarness;
let platform: Platform;
let fn: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 5 });
  const { SUPABASE_DB_URL: _db, ...odooEnv } = h.env;
  platform = await startPlatform({
    dbPort: Number(new URL(h.dbUrl).port),
    gatewayPort: await freePort(),
    // Small slices, so one call cannot finish the snapshot and the function must continue itself.
    functionEnv: { ...odooEnv, SYNC_SLICE_RECORDS: '1500' },
    log: (line) => console.error(line),
  });
  fn = `${platform.url}/functions/v1/odoo-sync`;
}, 120_000);

afterAll(async () => {
  await platform?.close();
  await h?.close();
});

const call = (body: unknown, key?: string) =>
  fetch(fn, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });

describe('odoo-sync Edge Function', () => {
  it('refuses callers without the service secret', async () => {
    expect((await call({})).status).toBe(401);
    const anon = await call({}, ANON_KEY);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toEqual({ error: expect.stringContaining('service secret') });
    const [{ n }] = await h.sql`select count(*)::int as n from ods.runs`;
    expect(n).toBe(0);
  });

  it('rejects a bad request body with a clear message', async () => {
    const res = await call({ mode: 'explode' }, SERVICE_ROLE_KEY);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/mode must be one of sync, reconcile, verify/);
  });

  it('runs one bounded slice, answers its summary and finishes the snapshot on its own', async () => {
    await h.sql`select vault.create_secret(${platform.url}, 'project_url')`;
    await h.sql`select vault.create_secret(${SERVICE_ROLE_KEY}, 'service_role_key')`;
    const res = await call({ mode: 'sync' }, SERVICE_ROLE_KEY);
    expect(res.status).toBe(200);
    const summary = await res.json();
    expect(summary).toMatchObject({ mode: 'sync', outcome: 'ok', more: true, continued: true });
    expect(summary.models.map((m: { model: string }) => m.model)).toEqual(
      expect.arrayContaining(['res.partner']),
    );
    for (const m of summary.models) {
      expect(m).toEqual(
        expect.objectContaining({
          fetched: expect.any(Number),
          upserted: expect.any(Number),
          deleted: 0,
          done: expect.any(Boolean),
        }),
      );
    }
    // Nobody calls again: the function's own continuation (pg_net, after commit) does.
    const until = Date.now() + 60_000;
    for (;;) {
      const [{ pending }] = await h.sql`select count(*)::int as pending from ods.sync_state
        where phase <> 'incremental' or window_cursor <> 0`;
      const [{ runs }] =
        await h.sql`select count(*)::int as runs from ods.runs where outcome = 'running'`;
      const [{ more }] = await h.sql`select coalesce(bool_or(more), false) as more from
        (select more from ods.runs order by id desc limit 1) r`;
      if (pending === 0 && runs === 0 && !more) break;
      if (Date.now() > until)
        throw new Error(`snapshot did not complete: ${pending} models pending`);
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const model of CATALOG_MODELS) expect(await diffWithTruth(h, model), model).toEqual([]);
    const [{ chained }] =
      await h.sql`select count(*)::int as chained from ods.runs where trigger = 'continue'`;
    expect(chained).toBeGreaterThan(0);
  }, 90_000);

  it('reconcile and verify modes run through the same function', async () => {
    const draft = h.sim.control.truth('account.move').find((m) => m.state === 'draft');
    if (draft) h.sim.control.delete('account.move', draft.id as number);
    const rec = await (await call({ mode: 'reconcile' }, SERVICE_ROLE_KEY)).json();
    expect(rec.outcome).toBe('ok');
    const ver = await (
      await call({ mode: 'verify', models: ['account.move.line'] }, SERVICE_ROLE_KEY)
    ).json();
    expect(ver.models[0].verification.periods).toBeGreaterThan(0);
    expect(ver.models[0].verification.mismatched).toEqual([]);
  }, 60_000);

  // A first copy's last call rarely has the time left for the reports' full rebuild. Left to
  // the cron's refresh, the page waited up to a minute more for the copy it already had.
  describe('report upkeep that does not fit the slice that copied', () => {
    beforeAll(async () => {
      // Only the calls under test refresh the reports.
      await h.sql`update cron.job set active = false where jobname = 'reporting-refresh'`;
    });
    afterAll(async () => {
      await h.sql`update cron.job set active = true where jobname = 'reporting-refresh'`;
    });

    /** Waits until the runs after `last` are two (the call and its continuation), both ended. */
    async function continuationEnded(last: number) {
      const until = Date.now() + 30_000;
      let after: { trigger: string; ended: boolean }[] = [];
      for (;;) {
        after = await h.sql`select trigger, ended_at is not null as ended from ods.runs
          where id > ${last} order by id`;
        if (after.length >= 2 && after.every((r) => r.ended)) return;
        if (Date.now() > until) throw new Error(`no continuation ended: ${JSON.stringify(after)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    it('is handed at once to a call of its own, which does not call again', async () => {
      // A full rebuild due (a report never filled) and estimated longer than any slice.
      await h.sql`update ods.reporting_matviews set last_ms = 1e9, last_mode = 'full'
        where maintained`;
      await h.sql`update ods.reporting_matviews set refreshed_at = null
        where matview = 'reporting_private.open_documents'`;
      const [{ last }] = await h.sql`select coalesce(max(id), 0)::int as last from ods.runs`;
      const partner = h.sim.control.truth('res.partner')[0];
      h.sim.control.update('res.partner', partner.id as number, { email: 'upkeep@example.org' });
      const summary = await (await call({ mode: 'sync' }, SERVICE_ROLE_KEY)).json();
      expect(summary).toMatchObject({
        outcome: 'ok',
        more: false,
        reportsPending: true,
        continued: true,
      });
      await continuationEnded(last);
      // The continuation could not fit the rebuild either: it leaves it to the cron.
      await new Promise((r) => setTimeout(r, 1_500));
      const runs = await h.sql`select trigger from ods.runs where id > ${last} order by id`;
      expect(runs.map((r) => r.trigger)).toEqual(['http', 'continue']);
    }, 60_000);

    it('is run by that call even though it copies nothing', async () => {
      await h.sql`update ods.reporting_matviews set last_ms = 1 where maintained`;
      const res = h.open();
      try {
        // Any other call that copies nothing leaves the reports to the cron.
        const idle = await runSlice({ ...res, mode: 'sync', trigger: 'test' });
        expect(idle.reportsRefreshed).toBe(0);
        const cont = await runSlice({ ...res, mode: 'sync', trigger: 'continue' });
        expect(cont.reportsRefreshed).toBeGreaterThan(0);
        expect(cont.reportsPending).toBe(false);
      } finally {
        await res.close();
      }
      const [{ pending }] = await h.sql`select count(*)::int as pending
        from ods.reporting_matviews where refreshed_at is null`;
      expect(pending).toBe(0);
    }, 60_000);

    // The aged timeline (an index of aged_balance) is built by a later call than the rebuild of
    // the reports it follows: that call is the continuation, not the cron's next minute.
    it('hands the aged timeline a rebuild emptied to a call of its own', async () => {
      // Every statement on aged_items counts as a rebuild, as a first copy's does.
      await h.sql`update reporting_private.aged_timeline_state set bulk_pairs = 0`;
      try {
        await h.sql`update ods.reporting_matviews set refreshed_at = null
          where matview = 'reporting_private.aged_items'`;
        const [{ last }] = await h.sql`select coalesce(max(id), 0)::int as last from ods.runs`;
        const partner = h.sim.control.truth('res.partner')[1];
        h.sim.control.update('res.partner', partner.id as number, { email: 'aged@example.org' });
        const summary = await (await call({ mode: 'sync' }, SERVICE_ROLE_KEY)).json();
        expect(summary).toMatchObject({ outcome: 'ok', reportsPending: true, continued: true });
        await continuationEnded(last);
        const runs = await h.sql`select trigger from ods.runs where id > ${last} order by id`;
        expect(runs.map((r) => r.trigger)).toEqual(['http', 'continue']);
        const [state] = await h.sql`select ready from reporting_private.aged_timeline_state`;
        expect(state.ready).toBe(true);
        const [diff] = await h.sql`select missing, extra from ods.report_differences()
          where matview = 'reporting_private.aged_timeline'`;
        expect(diff).toEqual({ missing: '0', extra: '0' });
      } finally {
        await h.sql`update reporting_private.aged_timeline_state set bulk_pairs = 20000`;
      }
    }, 60_000);
  });
});
