import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 3 });
});
afterEach(() => h.sim.control.clearFaults());
afterAll(async () => {
  await h?.close();
});

const state = async (model: string) =>
  (await h.sql`select * from ods.sync_state where model = ${model}`)[0];
const count = async (table: string) =>
  Number((await h.sql.unsafe(`select count(*) as n from odoo."${table}"`))[0].n);

/** Every mirrored row equals Odoo's: the only differences allowed are rows not copied yet. */
async function expectNoPartialOrWrongRows(model: string) {
  const diffs = await diffWithTruth(h, model, 100_000);
  expect(diffs.filter((d) => !d.endsWith('missing in mirror'))).toEqual([]);
}

describe('bad configuration and bad answers', () => {
  it('a wrong key fails every model with a clear auth error and writes nothing', async () => {
    const [s] = await h.syncToEnd({ extraEnv: { ODOO_API_KEY: 'not-the-key' } });
    expect(s.outcome).toBe('failed');
    for (const m of s.models) expect(m.error, m.model).toMatch(/^OdooAuthError/);
    expect(s.models.reduce((n, m) => n + m.requests, 0)).toBeLessThanOrEqual(1 + 1);
    expect((await state('res.partner')).last_error).toMatch(/OdooAuthError/);
    for (const model of CATALOG_MODELS)
      expect(await count(model.replaceAll('.', '_')), model).toBe(0);
    expect(JSON.stringify(s)).not.toContain('not-the-key');
  });

  it('Odoo down: every model reports it, the copy is untouched, the next run catches up', async () => {
    h.sim.control.setFault({ kind: 'down' });
    const [s] = await h.syncToEnd();
    expect(s.outcome).toBe('failed');
    for (const m of s.models) expect(m.error, m.model).toMatch(/OdooConnectionError/);
    h.sim.control.clearFaults();
    const summaries = await h.syncToEnd();
    expect(summaries.at(-1)!.outcome).toBe('ok');
    for (const model of CATALOG_MODELS) expect(await diffWithTruth(h, model), model).toEqual([]);
    expect((await state('account.move')).last_error).toBeNull();
  }, 60_000);
});

describe('failures during a run', () => {
  beforeAll(async () => {
    await h.sql`update ods.sync_state set phase = 'snapshot', snapshot_cursor = 0, snapshot_started_at = null`;
    await h.sql`truncate odoo.account_move_line, odoo.account_move`;
    await h.sql`update ods.catalog set page_size = 200 where model = 'account.move.line'`;
    await h.sql`update ods.sync_state set page_size = null`;
  });

  it('a model failing mid-snapshot keeps its committed pages, others continue, the next run resumes', async () => {
    // A first slice copies a few pages of journal items, then Odoo keeps answering 503.
    await h.syncToEnd({ maxSlices: 1, extraEnv: { SYNC_SLICE_RECORDS: '1500' } });
    const started = Number((await state('account.move.line')).snapshot_cursor);
    h.sim.control.setFault({
      kind: 'http',
      status: 503,
      model: 'account.move.line',
      method: 'search_read',
    });
    const [s] = await h.syncToEnd({ maxSlices: 1 });
    const line = s.models.find((m) => m.model === 'account.move.line')!;
    expect(line.status).toBe('error');
    expect(line.error).toMatch(/503/);
    expect(s.outcome).toBe('partial');
    expect(s.models.find((m) => m.model === 'account.move')!.status).toBe('ok');
    const st = await state('account.move.line');
    expect(st.last_error).toMatch(/503/);
    expect(Number(st.snapshot_cursor)).toBe(started);
    const [health] =
      await h.sql`select phase, snapshot_progress, last_error from reporting.sync_health
      where model = 'account.move.line'`;
    expect(health.phase).toBe('snapshot');
    expect(Number(health.snapshot_progress)).toBeGreaterThan(0);
    expect(Number(health.snapshot_progress)).toBeLessThan(1);
    expect(health.last_error).toMatch(/503/);
    expect(started).toBeGreaterThan(0);
    await expectNoPartialOrWrongRows('account.move.line');
    const copied = await count('account_move_line');
    expect(copied % 200).toBe(0);

    h.sim.control.clearFaults();
    await h.syncToEnd();
    expect(await diffWithTruth(h, 'account.move.line')).toEqual([]);
    expect((await state('account.move.line')).last_error).toBeNull();
  }, 60_000);

  it('transient faults (reset mid-body, truncated body, 429) are retried and the page lands once', async () => {
    await h.sql`update ods.sync_state set phase = 'snapshot', snapshot_cursor = 0, snapshot_started_at = null
      where model = 'res.partner'`;
    await h.sql`truncate odoo.res_partner`;
    h.sim.control.setFault({
      kind: 'reset',
      model: 'res.partner',
      method: 'search_read',
      times: 1,
    });
    h.sim.control.setFault({
      kind: 'truncated',
      model: 'res.partner',
      method: 'search_read',
      times: 1,
    });
    h.sim.control.setFault({
      kind: 'http',
      status: 429,
      retryAfter: 1,
      model: 'res.partner',
      times: 1,
    });
    const [s] = await h.syncToEnd({ models: ['res.partner'] });
    expect(s.models[0].status).toBe('ok');
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  }, 60_000);

  it('a malformed response is not retried, names the cause and writes nothing for that page', async () => {
    const before = await count('res_partner');
    const changed = h.sim.control.truth('res.partner')[0].id as number;
    h.sim.control.update('res.partner', changed, { email: 'new@x.org' });
    h.sim.control.setFault({ kind: 'malformed', model: 'res.partner', method: 'search_read' });
    const [s] = await h.syncToEnd({ models: ['res.partner'] });
    expect(s.models[0].status).toBe('error');
    expect(s.models[0].error).toMatch(/Malformed/);
    // One search_read (not retried), plus the version and allowed-companies lookups every slice
    // makes first.
    expect(s.models[0].requests).toBeLessThanOrEqual(3);
    expect(await count('res_partner')).toBe(before);
    const diffs = await diffWithTruth(h, 'res.partner');
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.every((d) => d.startsWith(`res.partner ${changed}.`))).toBe(true);
  });

  it('a slow Odoo (timeouts) shrinks the page and still finishes', async () => {
    // Mid-snapshot (its opening questions already asked), so the first slow answer is a page.
    await h.sql`update ods.sync_state set phase = 'snapshot', snapshot_cursor = 0, snapshot_started_at = now(),
      page_size = null where model = 'account.move'`;
    await h.sql`truncate odoo.account_move`;
    // A page that times out is asked again at half the size, not retried as it was.
    h.sim.control.setFault({
      kind: 'latency',
      ms: 1500,
      model: 'account.move',
      method: 'search_read',
      times: 2,
    });
    const [s] = await h.syncToEnd({
      models: ['account.move'],
      extraEnv: { ODOO_TIMEOUT_MS: '700' },
    });
    expect(s.models[0].status).toBe('ok');
    const st = await state('account.move');
    expect(st.page_size).toBeLessThan(2000);
    expect(s.models[0].requests).toBeLessThanOrEqual(6 + 1); // + the slice's version lookup
    expect(await diffWithTruth(h, 'account.move')).toEqual([]);
  }, 60_000);
});

describe('catalog problems', () => {
  it('an unknown model is a clear error on that model only; an unknown field is reported, not fatal', async () => {
    await h.sql`insert into ods.catalog (model, fields) values ('x.no_such_model', '{name}')`;
    await h.sql`update ods.catalog set fields = fields || '{no_such_field}', updated_at = now()
      where model = 'res.currency'`;
    try {
      const [s] = await h.syncToEnd();
      const bad = s.models.find((m) => m.model === 'x.no_such_model')!;
      expect(bad.status).toBe('error');
      expect(bad.error).toMatch(/no model x\.no_such_model/);
      const cur = s.models.find((m) => m.model === 'res.currency')!;
      expect(cur.status).toBe('ok');
      expect(cur.missingFields).toContain('no_such_field');
      expect((await state('res.currency')).missing_fields).toContain('no_such_field');
      expect(s.models.filter((m) => m.status === 'error').map((m) => m.model)).toEqual([
        'x.no_such_model',
      ]);
    } finally {
      await h.sql`delete from ods.catalog where model = 'x.no_such_model'`;
    }
  });

  it('a new field in the catalog adds the column on the next run and fills it', async () => {
    await h.sql`update ods.catalog set fields = fields || '{create_date}', updated_at = now()
      where model = 'res.currency'`;
    await h.syncToEnd({ models: ['res.currency'] });
    const [{ n }] = await h.sql`select count(*)::int as n from information_schema.columns
      where table_schema = 'odoo' and table_name = 'res_currency' and column_name = 'create_date'`;
    expect(n).toBe(1);
    await h.syncToEnd({ mode: 'verify', models: ['res.currency'] });
  });
});
