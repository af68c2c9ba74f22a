// Run by deno-runtime.test.ts with Deno (the Edge Functions runtime): the same client code,
// loaded by relative path, against the simulator and a gzip-answering server.
import {
  createOdooClient,
  isRetriable,
  type OdooConfig,
} from '../../../packages/shared/src/odoo/index.ts';

const [url, db, login, apiKey, gzipUrl] = (globalThis as unknown as { Deno: { args: string[] } })
  .Deno.args;
const config = (protocol: OdooConfig['protocol'], base = url): OdooConfig => ({
  url: base,
  db,
  username: login,
  apiKey,
  protocol,
  timeoutMs: 5000,
  maxResponseBytes: 10_000_000,
  lang: 'en_US',
});

const out: Record<string, unknown> = {};
for (const protocol of ['json2', 'jsonrpc', 'xmlrpc'] as const) {
  const c = createOdooClient(config(protocol));
  out[protocol] = {
    major: (await c.version()).major,
    uid: await c.authenticate(),
    records: await c.searchRead('account.move.line', [['id', '<=', 40]], {
      fields: ['move_id', 'partner_id', 'name', 'debit', 'date', 'reconciled'],
      order: 'id asc',
      context: { active_test: false },
    }),
  };
}
out.auto = await createOdooClient(config('auto')).protocol();
try {
  await createOdooClient(config('jsonrpc', 'http://127.0.0.1:9')).version();
} catch (e) {
  out.refused = { name: (e as Error).name, retriable: isRetriable(e) };
}
out.gzip = await createOdooClient(config('xmlrpc', gzipUrl)).searchRead('res.partner', []);
console.log(JSON.stringify(out));
