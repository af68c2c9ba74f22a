// Hostile or broken Odoo input through the whole engine, against the simulator over HTTP: a
// fields_get with names that cannot be columns skips them (listed, with why, in
// ods.sync_state.missing_fields and the run report) and mirrors the rest; a value Postgres
// cannot hold fails that model with an error naming model, id and field, while every other
// model goes on; once Odoo's value is fixed, the next run catches up.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffWithTruth, type SyncHarness, startSyncHarness } from '../sync/harness.ts';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 11 });
});
afterEach(() => h.sim.control.clearFaults());
afterAll(async () => {
  await h?.close();
});

const state = async (model: string) =>
  (await h.sql`select * from ods.sync_state where model = ${model}`)[0];

describe('hostile Odoo input, end to end', () => {
  it('skips and lists fields whose names cannot be columns; the model syncs the others', async () => {
    const res = h.open();
    const fields = await res.odoo.fieldsGet('res.currency', { active_test: false, lang: 'en_US' });
    await res.close();
    const long = `f_${'x'.repeat(70)}`;
    const hostile = {
      ...fields,
      '': { type: 'char', store: true },
      _synced_at: { type: 'datetime', store: true },
      [`${long}1`]: { type: 'char', store: true },
      [`${long}2`]: { type: 'char', store: true }, // the same first 63 bytes as the one above
      'with\u0000nul': { type: 'char', store: true },
      ctid: { type: 'char', store: true },
    };
    // Odoo's answer to fields_get for this model, once: the engine reads the schema from it.
    h.sim.control.setFault({
      kind: 'malformed',
      model: 'res.currency',
      method: 'fields_get',
      times: 1,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, result: hostile }),
    });
    await h.sql`update ods.catalog set fields = '{*}', updated_at = now() where model = 'res.currency'`;

    const [s] = await h.syncToEnd({ models: ['res.currency', 'res.company'] });
    const cur = s.models.find((m) => m.model === 'res.currency')!;
    expect(cur.status).toBe('ok');
    expect(s.models.every((m) => m.status === 'ok')).toBe(true);
    const listed = [
      '"" (skipped: an empty name)',
      '"_synced_at" (skipped: a name starting with _, reserved for the mirror\'s own columns)',
      `"${long}1" (skipped: a name longer than 63 bytes (Postgres would truncate it))`,
      `"${long}2" (skipped: a name longer than 63 bytes (Postgres would truncate it))`,
      '"ctid" (skipped: the name of a Postgres system column)',
      '"with\\u0000nul" (skipped: a name outside [a-z0-9_] or not starting with a letter or _)',
    ];
    for (const l of listed) {
      expect(cur.missingFields).toContain(l);
      expect((await state('res.currency')).missing_fields).toContain(l);
    }
    const columns = (
      await h.sql`select column_name from information_schema.columns
        where table_schema = 'odoo' and table_name = 'res_currency'`
    ).map((r) => r.column_name as string);
    expect(columns).toContain('name');
    expect(columns.filter((c) => c.startsWith('f_') || c === 'ctid' || c === '')).toEqual([]);
    expect(await diffWithTruth(h, 'res.currency')).toEqual([]);
  }, 60_000);

  it('a value Postgres cannot hold fails that model naming id and field; the others go on', async () => {
    const partner = h.sim.control.truth('res.partner')[3].id as number;
    const journal = h.sim.control.truth('account.journal')[1].id as number;
    h.sim.control.update('res.partner', partner, { name: 'Evil\u0000Corp' });
    h.sim.control.update('account.journal', journal, { name: 'Bank \ud800' });

    const summaries = await h.syncToEnd();
    const last = summaries.at(-1)!;
    const byModel = Object.fromEntries(last.models.map((m) => [m.model, m]));
    expect(byModel['res.partner'].status).toBe('error');
    expect(byModel['res.partner'].error).toMatch(
      new RegExp(`^MalformedRecordError: res\\.partner id ${partner}, field name: contains NUL`),
    );
    expect(byModel['account.journal'].error).toMatch(
      new RegExp(
        `^MalformedRecordError: account\\.journal id ${journal}, field name: .*lone surrogate`,
      ),
    );
    expect((await state('res.partner')).last_error).toMatch(/res\.partner id \d+, field name/);
    const others = last.models.filter((m) => !['res.partner', 'account.journal'].includes(m.model));
    expect(others.length).toBeGreaterThan(5);
    for (const m of others) expect(m.status, `${m.model}: ${m.error}`).toBe('ok');
    expect(await diffWithTruth(h, 'account.move')).toEqual([]);

    // Fixed in Odoo, the next run copies both models whole.
    h.sim.control.update('res.partner', partner, { name: 'Evil Corp' });
    h.sim.control.update('account.journal', journal, { name: 'Bank' });
    const again = await h.syncToEnd();
    expect(again.at(-1)!.outcome).toBe('ok');
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
    expect(await diffWithTruth(h, 'account.journal')).toEqual([]);
    expect((await state('res.partner')).last_error).toBeNull();
  }, 120_000);
});
