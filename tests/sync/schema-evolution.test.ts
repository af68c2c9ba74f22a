import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdooFieldInfo } from '../../packages/shared/src/sync/columns.ts';
import type { OdooReader } from '../../packages/shared/src/sync/odoo-reader.ts';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { CATALOG_MODELS, diffWithTruth, type SyncHarness, startSyncHarness } from './harness.ts';

// When Odoo's fields change under a running copy (an upgrade, a module installed or removed),
// the mirror follows and no model fails. Field removal is the simulator's own (a field it no
// longer describes); type changes and a new major version are presented by a reader that
// rewrites the simulator's answers at the edge, as an upgraded Odoo would give them.

let h: SyncHarness;
const c = () => h.sim.control;
const TTL0 = { SYNC_SCHEMA_TTL_MINUTES: '0' };

beforeAll(async () => {
  h = await startSyncHarness({ seed: 41, scale: 1500 });
  await h.syncToEnd();
});
afterAll(async () => {
  await h?.close();
});

/** How an upgraded Odoo describes and returns one field. */
interface Retype {
  model: string;
  field: string;
  type: string;
  value: (v: unknown) => unknown;
}

/** The simulator as an Odoo of `version` (default: its own) with these fields retyped. */
function upgraded(odoo: OdooReader, retypes: Retype[], version?: number): OdooReader {
  const find = (model: string, field: string) =>
    retypes.find((r) => r.model === model && r.field === field);
  const rewrite = (model: string, records: Record<string, unknown>[]) => {
    for (const r of records) {
      for (const k of Object.keys(r)) {
        const t = find(model, k);
        if (t) r[k] = t.value(r[k]);
      }
    }
    return records;
  };
  return {
    ...odoo,
    lang: odoo.lang,
    async fieldsGet(model, context) {
      const fields = await odoo.fieldsGet(model, context);
      const out: Record<string, OdooFieldInfo> = {};
      for (const [k, f] of Object.entries(fields)) {
        const t = find(model, k);
        out[k] = t ? { ...f, type: t.type } : f;
      }
      return out;
    },
    async searchRead(model, domain, fields, opts) {
      return rewrite(model, await odoo.searchRead(model, domain, fields, opts));
    },
    // Pages straight from the answer's bytes would bypass the rewrite: always decoded.
    async searchReadOrDecode(model, domain, fields, opts) {
      return {
        records: rewrite(model, await odoo.searchRead(model, domain, fields, opts)),
        declined: true,
      };
    },
    async read(model, ids, fields, context) {
      return rewrite(model, await odoo.read(model, ids, fields, context));
    },
    serverVersion: async () => version ?? (await odoo.serverVersion()),
  };
}

/** Slices until nothing remains, over `wrap` of a fresh reader each time (one per invocation). */
async function syncVia(
  wrap: (o: OdooReader) => OdooReader,
  extraEnv: Record<string, string> = TTL0,
  mode?: 'reconcile',
) {
  const out = [];
  for (let i = 0; i < 50; i++) {
    const res = h.open(extraEnv);
    try {
      const s = await runSlice({
        ...res,
        odoo: wrap(res.odoo),
        mode,
        trigger: 'test',
        log: process.env.DEBUG_SE ? console.log : undefined,
      });
      out.push(s);
      if (!s.more) break;
    } finally {
      await res.close();
    }
  }
  return out;
}

const state = async (model: string) =>
  (await h.sql`select * from ods.sync_state where model = ${model}`)[0];

const changeOf = async (model: string, field: string) =>
  ((await state(model)).schema_changes as { field: string }[]).find((x) => x.field === field);

describe('a field Odoo drops', () => {
  it('keeps its column and values, NULL in rows changed since, and is reported', async () => {
    const partners = c().truth('res.partner').slice(0, 30);
    const [changed, kept] = [partners.slice(0, 10), partners.slice(10)];
    c().setFieldHidden('res.partner', 'email', true);
    const [s] = await h.syncToEnd({ extraEnv: TTL0 });
    expect(s.models.find((m) => m.model === 'res.partner')?.status).toBe('ok');
    for (const p of changed) c().update('res.partner', p.id as number, { name: `${p.name} v2` });
    const runs = await h.syncToEnd({ extraEnv: TTL0 });
    expect(runs.flatMap((r) => r.models).filter((m) => m.status !== 'ok')).toEqual([]);

    const st = await state('res.partner');
    expect(st.dropped_columns).toEqual(['email']);
    expect(await changeOf('res.partner', 'email')).toMatchObject({
      change: 'dropped',
      from: 'char',
      odooVersion: h.sim.odooVersion,
    });
    const rows = await h.sql`select id, name, email from odoo.res_partner
      where id = any(${partners.map((p) => p.id as number)})`;
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    for (const p of changed) expect(byId.get(p.id as number)?.email).toBeNull();
    for (const p of kept) expect(byId.get(p.id as number)?.email).toBe(p.email || null);
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);

    // Administrators read what changed in sync_health; the superuser here is one of them.
    const [health] = await h.sql`select odoo_version, schema_changes from reporting.sync_health
      where model = 'res.partner'`;
    expect(health.odoo_version).toBe(h.sim.odooVersion);
    expect(health.schema_changes).toEqual([expect.objectContaining({ field: 'email' })]);

    // Back in Odoo: the column is written again and backfilled for every row.
    c().setFieldHidden('res.partner', 'email', false);
    await h.syncToEnd({ extraEnv: TTL0 });
    expect((await state('res.partner')).dropped_columns).toEqual([]);
    expect(await changeOf('res.partner', 'email')).toMatchObject({ change: 'restored' });
    expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
  });
});

describe('a field whose type changes', () => {
  const m2m = (v: unknown) => (Array.isArray(v) ? [v[0]] : typeof v === 'number' ? [v] : []);
  const RETYPES: Retype[] = [
    // integer → float: converted in place (the reports reading it are rebuilt on it).
    { model: 'res.partner', field: 'supplier_rank', type: 'float', value: (v) => v },
    // many2one → many2many: converted in place (the id becomes a one-element array).
    { model: 'res.partner', field: 'country_id', type: 'many2many', value: m2m },
    // monetary → integer: not lossless; the old column is kept aside, the field read again
    // into a fresh column, which the reports read from then on.
    {
      model: 'account.move.line',
      field: 'balance',
      type: 'integer',
      value: (v) => (typeof v === 'number' ? Math.round(v) : v),
    },
    // integer → char where a report cannot take text (coalesce(customer_rank, 0)), and
    // integer → float under a function returning a report's rows: left alone, reported.
    { model: 'res.partner', field: 'customer_rank', type: 'char', value: (v) => `${v}` },
    { model: 'res.currency', field: 'decimal_places', type: 'float', value: (v) => v },
  ];

  it('is converted in place when lossless, else kept aside, or left alone when reports cannot follow', async () => {
    await h.syncToEnd();
    const before = new Map(
      (await h.sql`select id, balance from odoo.account_move_line`).map((r) => [
        Number(r.id),
        Number(r.balance),
      ]),
    );
    const ranks = await h.sql`select id, customer_rank from odoo.res_partner order by id`;
    const runs = await syncVia((o) => upgraded(o, RETYPES));
    expect(runs.flatMap((r) => r.models).filter((m) => m.status === 'error')).toEqual([]);

    const types =
      await h.sql`select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'odoo' and (table_name, column_name) in
        (('res_currency', 'decimal_places'), ('res_partner', 'country_id'),
         ('res_partner', 'customer_rank'), ('res_partner', 'supplier_rank'),
         ('account_move_line', 'balance'), ('account_move_line', 'balance__was_monetary'))
      order by 1, 2`;
    expect(types.map((t) => `${t.table_name}.${t.column_name} ${t.data_type}`)).toEqual([
      'account_move_line.balance bigint',
      'account_move_line.balance__was_monetary numeric',
      'res_currency.decimal_places bigint',
      'res_partner.country_id ARRAY',
      'res_partner.customer_rank bigint',
      'res_partner.supplier_rank numeric',
    ]);
    expect(await changeOf('res.partner', 'supplier_rank')).toMatchObject({
      change: 'retyped',
      from: 'integer',
      to: 'float',
      how: 'in-place',
      views: expect.arrayContaining(['reporting_private.partners']),
    });
    expect(await changeOf('res.partner', 'country_id')).toMatchObject({ how: 'in-place' });
    expect(await changeOf('account.move.line', 'balance')).toMatchObject({
      how: 'renamed',
      keptAs: 'balance__was_monetary',
    });
    expect(await changeOf('res.partner', 'customer_rank')).toMatchObject({
      how: 'blocked',
      views: expect.arrayContaining(['reporting_private.partners']),
      reason: expect.stringMatching(/COALESCE/),
    });
    expect(await changeOf('res.currency', 'decimal_places')).toMatchObject({ how: 'blocked' });
    expect((await state('res.partner')).dropped_columns).toEqual(['customer_rank']);
    expect((await state('res.currency')).dropped_columns).toEqual(['decimal_places']);

    // The values: converted, or re-read into the fresh column with the old ones kept beside it.
    const lines = await h.sql`select id, balance, balance__was_monetary as old
      from odoo.account_move_line`;
    const truth = new Map(
      c()
        .truth('account.move.line')
        .map((l) => [l.id as number, l]),
    );
    for (const l of lines) {
      expect(Number(l.old)).toBe(before.get(Number(l.id)));
      expect(Number(l.balance)).toBe(Math.round(truth.get(Number(l.id))!.balance as number));
    }
    const partners = new Map(
      c()
        .truth('res.partner')
        .map((p) => [p.id as number, p]),
    );
    const now =
      await h.sql`select id, country_id, supplier_rank, customer_rank from odoo.res_partner
      order by id`;
    expect(now.map((r) => r.customer_rank)).toEqual(ranks.map((r) => r.customer_rank));
    for (const r of now) {
      const t = partners.get(Number(r.id))!;
      expect((r.country_id as string[]).map(Number)).toEqual(m2m(t.country_id || false));
      expect(Number(r.supplier_rank)).toBe(t.supplier_rank || 0);
    }
    // The rebuilt reports are there, with their options, and read the new columns.
    const [opts] = await h.sql`select reloptions from pg_class
      where oid = 'reporting.partner_ledger'::regclass`;
    expect(opts.reloptions).toEqual(expect.arrayContaining(['security_invoker=true']));
    const [{ n }] = await h.sql`select count(*)::int as n from reporting_private.partners`;
    expect(n).toBe(partners.size);
    for (const model of ['account.move', 'account.payment'])
      expect(await diffWithTruth(h, model), model).toEqual([]);
  });
});

describe('a new major version', () => {
  it('re-reads every model once, resumably, catching values changed without write_date', async () => {
    await h.syncToEnd({ extraEnv: TTL0 });
    // What an upgrade script does: values rewritten by SQL, write_date untouched.
    const moves = c()
      .truth('account.move')
      .filter((m) => m.state === 'posted')
      .slice(0, 20);
    for (const m of moves) {
      c().update('account.move', m.id as number, { ref: `migrated ${m.id}` });
      c().setWriteDate('account.move', m.id as number, m.write_date as string);
    }
    const ids = await h.sql`select id from odoo.account_move order by id`;
    const [{ runsBefore }] =
      await h.sql`select coalesce(max(id), 0)::int as "runsBefore" from ods.runs`;
    // The same version: the normal passes do not see it (the test's premise).
    await syncVia((o) => o, { ...TTL0, SYNC_SLICE_RECORDS: '600' });
    expect(await diffWithTruth(h, 'account.move')).not.toEqual([]);

    const next = h.sim.odooVersion + 1;
    const slices = await syncVia((o) => upgraded(o, [], next), {
      ...TTL0,
      SYNC_SLICE_RECORDS: '600',
    });
    expect(slices.length).toBeGreaterThan(1); // resumed across invocations
    expect(slices.flatMap((r) => r.models).filter((m) => m.status === 'error')).toEqual([]);
    for (const model of CATALOG_MODELS) {
      expect(await diffWithTruth(h, model), model).toEqual([]);
      expect((await state(model)).odoo_version, model).toBe(next);
      expect((await state(model)).rereads, model).toEqual([]);
    }
    const after = await h.sql`select id from odoo.account_move order by id`;
    expect(after.map((r) => Number(r.id))).toEqual(ids.map((r) => Number(r.id)));
    const [{ n }] =
      await h.sql`select count(*)::int as n from ods.deletions where run_id > ${runsBefore}`;
    expect(n).toBe(0);
    const versions = await h.sql`select distinct odoo_version from ods.runs
      where id > ${runsBefore} and odoo_version is not null order by 1`;
    expect(versions.map((v) => v.odoo_version)).toEqual([next - 1, next]);
  });
});
