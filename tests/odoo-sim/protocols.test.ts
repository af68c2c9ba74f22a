import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import { call, json2, jsonrpc } from './rpc-helpers.ts';

const FIELDS = [
  'move_id',
  'account_id',
  'debit',
  'credit',
  'balance',
  'date',
  'write_date',
  'name',
  'reconciled',
  'full_reconcile_id',
  'matching_number',
];

async function xmlrpc(sim: RunningSim, path: string, body: string): Promise<string> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe('odoo-sim wire protocols (Odoo 17)', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 1500, seed: 3 });
  });
  afterAll(() => sim.close());

  it('answers common.version and authenticate over JSON-RPC', async () => {
    const post = (method: string, args: unknown[]) =>
      fetch(`${sim.url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          method: 'call',
          id: 1,
          params: { service: 'common', method, args },
        }),
      }).then((r) => r.json());
    const v = await post('version', []);
    expect(v.result.server_version).toBe('17.0');
    expect(v.result.server_version_info).toEqual([17, 0, 0, 'final', 0, '']);
    expect((await post('authenticate', [sim.db, sim.login, sim.apiKey, {}])).result).toBe(2);
    expect((await post('authenticate', [sim.db, sim.login, 'nope', {}])).result).toBe(false);
  });

  it('has no JSON-2 or /web/version before 19', async () => {
    expect((await json2(sim, 'res.partner', 'search_read', {})).status).toBe(404);
    expect((await fetch(`${sim.url}/web/version`)).status).toBe(404);
  });

  it('renders errors like Odoo per transport', async () => {
    const denied = await jsonrpc(sim, 'res.partner', 'search_read', [[]], {}, 'wrong');
    expect(denied.error.code).toBe(200);
    expect(denied.error.message).toBe('Odoo Server Error');
    expect(denied.error.data.name).toBe('odoo.exceptions.AccessDenied');
    const badField = await jsonrpc(sim, 'res.partner', 'search_read', [[['nope', '=', 1]]]);
    expect(badField.error.data.name).toBe('builtins.ValueError');
    const badModel = await jsonrpc(sim, 'no.such.model', 'search_read', [[]]);
    expect(badModel.error.data.name).toBe('builtins.KeyError');

    const fault = (key: string) =>
      `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params><param><value><string>${sim.db}</string></value></param><param><value><int>2</int></value></param><param><value><string>${key}</string></value></param><param><value>res.partner</value></param><param><value>search_count</value></param><param><value><array><data><value><array><data/></array></value></data></array></value></param></params></methodCall>`;
    const bad = await xmlrpc(sim, '/xmlrpc/2/object', fault('wrong'));
    expect(bad).toContain('<name>faultCode</name>\n<value><int>3</int></value>');
    expect(bad).toContain('Access Denied');
    const ok = await xmlrpc(sim, '/xmlrpc/2/object', fault(sim.apiKey));
    expect(ok).toMatch(
      /^<\?xml version="1.0"\?>\n<methodResponse>\n<params>\n<param>\n<value><int>\d+<\/int><\/value>/,
    );
  });

  it('gives Python xmlrpc.client the same records as JSON-RPC', async () => {
    const domain = [['id', '>', 10]];
    const kw = { fields: FIELDS, limit: 25, order: 'id asc' };
    const viaJson = await call(sim, 'account.move.line', 'search_read', [domain], kw);
    const py = `
import json, sys, xmlrpc.client
url, db, key = sys.argv[1:4]
common = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common')
uid = common.authenticate(db, 'admin', key, {})
models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')
rows = models.execute_kw(db, uid, key, 'account.move.line', 'search_read', [${JSON.stringify(domain)}], ${JSON.stringify(kw)})
partners = models.execute_kw(db, uid, key, 'res.partner', 'search_read', [[['name', 'like', '&']]], {'fields': ['name'], 'context': {'active_test': False}})
try:
    models.execute_kw(db, uid, key, 'res.partner', 'read', [[1]], {'fields': ['nope']})
    code = None
except xmlrpc.client.Fault as f:
    code = f.faultCode
print(json.dumps({'uid': uid, 'version': common.version()['server_version'], 'rows': rows, 'partners': partners, 'code': code}))
`;
    // Async: the simulator answers from this same process.
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      py,
      sim.url,
      sim.db,
      sim.apiKey,
    ]);
    const out = JSON.parse(stdout);
    expect(out.uid).toBe(2);
    expect(out.version).toBe('17.0');
    expect(out.rows).toEqual(viaJson);
    expect(out.partners.some((p: any) => p.name.includes('<Holdings>'))).toBe(true);
    expect(out.code).toBe(1);
  });
});

describe('odoo-sim JSON-2 (Odoo 19)', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startOdooSim({ scale: 800, seed: 4, odooVersion: 19 });
  });
  afterAll(() => sim.close());

  it('serves version and named-argument calls', async () => {
    const v = await (await fetch(`${sim.url}/web/version`)).json();
    expect(v).toEqual({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
    const res = await json2(sim, 'account.move.line', 'search_read', {
      domain: [['id', '<=', 5]],
      fields: ['balance'],
      order: 'id',
      context: { active_test: false },
    });
    expect(res.status).toBe(200);
    const rows = await res.json();
    expect(rows.map((r: any) => r.id)).toEqual([1, 2, 3, 4, 5]);
    const read = await (
      await json2(sim, 'res.partner', 'read', { ids: [1], fields: ['name'] })
    ).json();
    expect(read[0].id).toBe(1);
  });

  it('maps errors to HTTP statuses', async () => {
    const unauthorized = await json2(
      sim,
      'res.partner',
      'search',
      {},
      { authorization: 'bearer nope' },
    );
    expect(unauthorized.status).toBe(401);
    const body = await unauthorized.json();
    expect(body.name).toBe('werkzeug.exceptions.Unauthorized');
    expect(body.arguments).toEqual(['Invalid apikey', 401]);
    expect((await json2(sim, 'no.model', 'search', {})).status).toBe(404);
    expect((await json2(sim, 'res.partner', 'nope', {})).status).toBe(404);
    expect((await json2(sim, 'res.partner', 'search', { bogus: 1 })).status).toBe(422);
    expect((await json2(sim, 'res.partner', 'search', { ids: [1] })).status).toBe(422);
    const forbidden = await json2(sim, 'res.partner', 'search', {
      context: { allowed_company_ids: [999] },
    });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).name).toBe('odoo.exceptions.AccessError');
  });

  it('describes 19 fields and answers formatted_read_group', async () => {
    const res = await json2(sim, 'account.account', 'fields_get', {
      attributes: ['type', 'store', 'relation', 'company_dependent'],
    });
    const fields = await res.json();
    expect(fields.company_ids).toEqual({
      type: 'many2many',
      store: true,
      relation: 'res.company',
      company_dependent: false,
    });
    expect(fields.active.type).toBe('boolean');
    expect(fields.deprecated).toBeUndefined();
    expect(fields.code_store.company_dependent).toBe(true);
    const groups = await (
      await json2(sim, 'account.move.line', 'formatted_read_group', {
        domain: [['parent_state', '=', 'posted']],
        groupby: ['date:month'],
        aggregates: ['debit:sum', 'credit:sum', '__count'],
      })
    ).json();
    expect(groups[0]['date:month'][1]).toMatch(/^[A-Z][a-z]+ \d{4}$/);
    expect(groups[0].__extra_domain[0]).toBe('&');
    for (const g of groups)
      expect(Math.round(g['debit:sum'] * 100)).toBe(Math.round(g['credit:sum'] * 100));
  });
});
