// One client suite, run over real HTTP against the Odoo simulator with each transport:
// Odoo's values and semantics, grouped sums, and every fault the simulator can inject mapped
// to the right error class and retry decision.
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import {
  createOdooClient,
  isRetriable,
  OdooAccessError,
  OdooAuthError,
  type OdooClient,
  type OdooConfig,
  OdooConnectionError,
  type OdooError,
  OdooHttpStatusError,
  OdooMalformedBodyError,
  OdooMissingError,
  type OdooRecord,
  OdooServerError,
  OdooTimeoutError,
  OdooTruncatedBodyError,
  OdooUserError,
} from '../../packages/shared/src/odoo/index.ts';
import { canon, runPythonAsync } from './canon.ts';

const KEY = 'sim-key-9b1e5d3a77c4';
const SETUPS = [
  { protocol: 'json2', odooVersion: 19 },
  { protocol: 'jsonrpc', odooVersion: 17 },
  { protocol: 'xmlrpc', odooVersion: 17 },
] as const;
const AML_FIELDS = [
  'move_id',
  'account_id',
  'partner_id',
  'date',
  'date_maturity',
  'name',
  'debit',
  'credit',
  'balance',
  'reconciled',
  'full_reconcile_id',
  'parent_state',
  'write_date',
];

type ErrorClass = abstract new (...args: never[]) => OdooError;

describe.each(SETUPS)(
  '$protocol client against simulated Odoo $odooVersion',
  ({ protocol, odooVersion }) => {
    let sim: RunningSim;
    let client: OdooClient;
    const make = (extra: Partial<OdooConfig> = {}) =>
      createOdooClient({
        url: sim.url,
        db: sim.db,
        username: sim.login,
        apiKey: sim.apiKey,
        protocol,
        timeoutMs: 5000,
        maxResponseBytes: 64 * 1024 * 1024,
        lang: 'en_US',
        ...extra,
      });

    beforeAll(async () => {
      sim = await startOdooSim({ port: 0, scale: 1500, seed: 11, odooVersion, apiKey: KEY });
      client = make();
    });
    afterAll(async () => {
      await sim?.close();
    });
    afterEach(async () => {
      await sim.control.clearFaults();
    });

    it('reports the version, authenticates, and picks the same transport on auto', async () => {
      expect((await client.version()).major).toBe(odooVersion);
      expect(await client.authenticate()).toBe(sim.uid);
      expect(await client.protocol()).toBe(protocol);
      const auto = make({ protocol: 'auto' });
      expect(await auto.protocol()).toBe(odooVersion >= 19 ? 'json2' : 'jsonrpc');
    });

    it("returns Odoo's raw values: false, [id, name] pairs, date strings, doubles", async () => {
      const recs = await client.searchRead('account.move.line', [], {
        fields: AML_FIELDS,
        limit: 300,
        order: 'id asc',
        context: { active_test: false },
      });
      expect(recs).toHaveLength(300);
      for (const r of recs) {
        expect(typeof r.id).toBe('number');
        expect(
          Array.isArray(r.move_id) &&
            typeof r.move_id[0] === 'number' &&
            typeof r.move_id[1] === 'string',
        ).toBe(true);
        expect(
          r.partner_id === false || (Array.isArray(r.partner_id) && r.partner_id.length === 2),
        ).toBe(true);
        expect(r.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(
          r.date_maturity === false || /^\d{4}-\d{2}-\d{2}$/.test(String(r.date_maturity)),
        ).toBe(true);
        expect(r.write_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(typeof r.debit).toBe('number');
        expect(typeof r.reconciled).toBe('boolean');
      }
      expect(recs.some((r) => r.partner_id === false || r.full_reconcile_id === false)).toBe(true);
      const bare = await client.searchRead('account.move.line', [], {
        fields: ['move_id'],
        limit: 2,
        load: '',
      });
      expect(typeof bare[0].move_id).toBe('number');
    });

    it('pages by id keyset and agrees with search, searchCount and read', async () => {
      const total = await client.searchCount('account.move.line', [], {
        context: { active_test: false },
      });
      const ids: number[] = [];
      let last = 0;
      for (;;) {
        const page = await client.searchRead('account.move.line', [['id', '>', last]], {
          fields: ['id'],
          limit: 400,
          order: 'id asc',
        });
        ids.push(...page.map((r) => r.id));
        if (page.length < 400) break;
        last = page[page.length - 1].id;
      }
      expect(ids).toHaveLength(total);
      expect(await client.search('account.move.line', [], { order: 'id asc' })).toEqual(ids);
      const some = ids.slice(10, 15);
      const read = await client.read('account.move.line', some, { fields: ['debit', 'credit'] });
      expect(read.map((r) => r.id)).toEqual(some);
    });

    it('read silently omits a deleted record', async () => {
      const [draft] = await client.search('account.move', [['state', '=', 'draft']], { limit: 1 });
      const lines = await client.search('account.move.line', [['move_id', '=', draft]]);
      sim.control.delete('account.move.line', lines[0]);
      const back = await client.read('account.move.line', [lines[0], 1], { fields: ['id'] });
      expect(back.map((r) => r.id)).not.toContain(lines[0]);
    });

    it('passes active_test and allowed_company_ids in the context', async () => {
      const [pid] = await client.search('res.partner', [], { limit: 1, order: 'id desc' });
      sim.control.archive('res.partner', pid);
      expect(await client.search('res.partner', [['id', '=', pid]])).toEqual([]);
      expect(
        await client.search('res.partner', [['id', '=', pid]], { context: { active_test: false } }),
      ).toEqual([pid]);

      const companies = await client.search('res.company', []);
      expect(companies.length).toBeGreaterThan(1);
      const all = await client.searchCount('account.move', []);
      const first = await client.searchCount('account.move', [], {
        context: { allowed_company_ids: [companies[0]] },
      });
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(all);
      const scoped = make({ companyIds: [companies[0]] });
      expect(await scoped.searchCount('account.move', [])).toBe(first);
    });

    it('describes fields with fields_get', async () => {
      const f = await client.fieldsGet('account.move.line', {
        attributes: ['type', 'store', 'relation', 'required'],
      });
      expect(f.move_id).toMatchObject({ type: 'many2one', relation: 'account.move', store: true });
      expect(f.debit.type).toBe('monetary');
    });

    it('groups counts and sums into one normalised shape', async () => {
      const domain = [['parent_state', '=', 'posted']];
      const groups = await client.readGroup('account.move.line', domain, {
        groupBy: ['date:month', 'company_id'],
        aggregates: ['debit:sum', 'credit:sum'],
        context: { active_test: false },
      });
      expect(groups.length).toBeGreaterThan(1);
      const recs = await client.searchRead('account.move.line', domain, {
        fields: ['date', 'company_id', 'debit'],
        context: { active_test: false },
      });
      const expected = new Map<string, { count: number; debit: number }>();
      for (const r of recs as Array<
        OdooRecord & { date: string; company_id: [number, string]; debit: number }
      >) {
        const k = `${r.date.slice(0, 7)}-01|${r.company_id[0]}`;
        const e = expected.get(k) ?? { count: 0, debit: 0 };
        e.count++;
        e.debit += r.debit;
        expected.set(k, e);
      }
      expect(groups.reduce((s, g) => s + g.count, 0)).toBe(recs.length);
      for (const g of groups) {
        const month = g.groups['date:month'] as string;
        expect(month).toMatch(/^\d{4}-\d{2}-01$/);
        const company = g.groups.company_id as [number, string];
        const e = expected.get(`${month}|${company[0]}`);
        expect(e?.count).toBe(g.count);
        expect(g.aggregates['debit:sum'] as number).toBeCloseTo(e?.debit ?? Number.NaN, 2);
      }
    });

    it('maps bad requests to a non-retriable OdooServerError naming the model and method', async () => {
      const e = await client
        .searchRead('account.move.line', [['no_such_field', '=', 1]])
        .catch((x) => x);
      expect(e).toBeInstanceOf(OdooServerError);
      expect(e.retriable).toBe(false);
      expect(e.model).toBe('account.move.line');
      expect(e.method).toBe('search_read');
      expect(e.url.startsWith(sim.url)).toBe(true);
    });

    const FAULTS: Array<[string, Fault, ErrorClass, boolean]> = [
      ['latency beyond the timeout', { kind: 'latency', ms: 1500 }, OdooTimeoutError, true],
      ['Odoo down (connection refused)', { kind: 'down' }, OdooConnectionError, true],
      [
        'HTTP 503 with Retry-After',
        { kind: 'http', status: 503, retryAfter: 7 },
        OdooHttpStatusError,
        true,
      ],
      ['HTTP 429', { kind: 'http', status: 429, retryAfter: 2 }, OdooHttpStatusError, true],
      ['HTTP 502 from a proxy', { kind: 'http', status: 502 }, OdooHttpStatusError, true],
      ['HTTP 500 without an Odoo body', { kind: 'http', status: 500 }, OdooHttpStatusError, true],
      ['AccessError', { kind: 'odoo', error: 'AccessError' }, OdooAccessError, false],
      ['MissingError', { kind: 'odoo', error: 'MissingError' }, OdooMissingError, false],
      ['ValidationError', { kind: 'odoo', error: 'ValidationError' }, OdooUserError, false],
      ['UserError', { kind: 'odoo', error: 'UserError' }, OdooUserError, false],
      ['AccessDenied', { kind: 'odoo', error: 'AccessDenied' }, OdooAuthError, false],
      [
        'server error: serialization failure',
        { kind: 'odoo', error: 'ServerError' },
        OdooServerError,
        true,
      ],
      [
        'server error: ValueError',
        { kind: 'odoo', error: 'ValueError', message: 'Invalid leaf' },
        OdooServerError,
        false,
      ],
      ['malformed body', { kind: 'malformed' }, OdooMalformedBodyError, false],
      ['truncated body', { kind: 'truncated' }, OdooTruncatedBodyError, true],
      ['connection reset mid-body', { kind: 'reset' }, OdooTruncatedBodyError, true],
      ['wrong key', { kind: 'wrong-key' }, OdooAuthError, false],
    ];

    it.each(FAULTS)('fault: %s', async (_name, fault, cls, retriable) => {
      const c = make({ timeoutMs: 700 });
      await c.authenticate(); // the fault hits the data call itself
      await sim.control.setFault({
        ...fault,
        model: fault.kind === 'down' ? undefined : 'res.partner',
      } as Fault);
      const e = await c
        .searchRead('res.partner', [], { fields: ['name'], limit: 5 })
        .catch((x) => x);
      expect(e).toBeInstanceOf(cls);
      expect(isRetriable(e)).toBe(retriable);
      expect(e.retriable).toBe(retriable);
      expect(e.protocol).toBe(protocol);
      expect(e.method).toBe('search_read');
      expect(e.model).toBe('res.partner');
      if (fault.kind === 'http' && fault.retryAfter)
        expect(e.retryAfterMs).toBe(fault.retryAfter * 1000);
      for (const text of [
        e.message,
        e.stack,
        JSON.stringify(e),
        inspect(e, { depth: 6 }),
        String(e.cause),
      ]) {
        expect(text).not.toContain(KEY);
      }
      await sim.control.clearFaults();
      await expect(
        c.searchRead('res.partner', [], { fields: ['name'], limit: 5 }),
      ).resolves.toHaveLength(5);
    });

    it('refuses a wrong key at authentication', async () => {
      const e = await make({ apiKey: 'not-the-key' })
        .authenticate()
        .catch((x) => x);
      expect(e).toBeInstanceOf(OdooAuthError);
      expect(e.retriable).toBe(false);
    });

    it.runIf(protocol !== 'json2')(
      "gets the same records as Python's xmlrpc.client.ServerProxy",
      async () => {
        const domain = [['id', '<=', 200]];
        const fields = [
          'move_id',
          'partner_id',
          'name',
          'debit',
          'credit',
          'amount_currency',
          'date',
          'write_date',
          'reconciled',
          'full_reconcile_id',
        ];
        const py = await runPythonAsync<{ uid: number; records: unknown }>('serverproxy_read.py', [
          sim.url,
          sim.db,
          sim.login,
          KEY,
          'account.move.line',
          JSON.stringify(domain),
          JSON.stringify(fields),
          '150',
        ]);
        const ours = await client.searchRead('account.move.line', domain, {
          fields,
          limit: 150,
          order: 'id asc',
          context: { active_test: false },
        });
        expect(py.uid).toBe(sim.uid);
        expect(ours).toHaveLength(150);
        expect(canon(ours)).toEqual(py.records);
      },
    );
  },
);
