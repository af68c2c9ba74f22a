/**
 * Simulator benchmark (standalone: `npx tsx bench/odoo-sim.bench.ts [scale]`): generation
 * time and memory for `scale` journal items, then JSON-RPC serving of 1,000-record
 * search_read pages (keyset on id), and an incremental write_date pass with nothing changed.
 */
import { startOdooSim } from '../packages/odoo-sim/src/index.ts';

const FIELDS = [
  'move_id',
  'account_id',
  'partner_id',
  'journal_id',
  'company_id',
  'currency_id',
  'date',
  'date_maturity',
  'name',
  'debit',
  'credit',
  'balance',
  'amount_currency',
  'amount_residual',
  'amount_residual_currency',
  'reconciled',
  'full_reconcile_id',
  'matching_number',
  'parent_state',
  'display_type',
  'write_date',
  'move_name',
  'ref',
  'company_currency_id',
];

async function main(): Promise<void> {
  const scale = Number(process.argv[2] ?? 1_000_000);
  const t0 = performance.now();
  const sim = await startOdooSim({ scale, seed: 42 });
  const genMs = performance.now() - t0;
  const mem = process.memoryUsage();
  const lines = sim.control.stats()['account.move.line'];
  console.log(
    `generate: ${lines} journal items in ${(genMs / 1000).toFixed(1)} s (${Math.round(lines / (genMs / 1000))} lines/s); rss ${Math.round(mem.rss / 2 ** 20)} MB, heap ${Math.round(mem.heapUsed / 2 ** 20)} MB`,
  );

  const call = async (domain: unknown[], limit: number) => {
    const res = await fetch(`${sim.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 1,
        params: {
          service: 'object',
          method: 'execute_kw',
          args: [
            sim.db,
            sim.uid,
            sim.apiKey,
            'account.move.line',
            'search_read',
            [domain],
            { fields: FIELDS, limit, order: 'id asc', context: { active_test: false } },
          ],
        },
      }),
    });
    const body = (await res.json()) as { result: { id: number }[] };
    return body.result;
  };

  for (const load of ['', '_classic_read']) void load;
  let last = 0;
  let records = 0;
  let bytes = 0;
  const t1 = performance.now();
  const pages = Math.min(200, Math.ceil(lines / 1000));
  for (let i = 0; i < pages; i++) {
    const rows = await call([['id', '>', last]], 1000);
    if (!rows.length) break;
    last = rows[rows.length - 1].id;
    records += rows.length;
    bytes += JSON.stringify(rows).length;
  }
  const serveS = (performance.now() - t1) / 1000;
  console.log(
    `serve: ${records} records in ${pages} pages over JSON-RPC in ${serveS.toFixed(2)} s = ${Math.round(records / serveS)} records/s (client decode included; ~${Math.round(bytes / records)} B/record)`,
  );

  const since = sim.control.now().slice(0, 19);
  const t2 = performance.now();
  const rows = await call(
    [
      ['write_date', '>=', since],
      ['id', '>', 0],
    ],
    1000,
  );
  console.log(
    `incremental pass with nothing changed: ${rows.length} rows in ${(performance.now() - t2).toFixed(1)} ms`,
  );
  const t3 = performance.now();
  const old = await call(
    [
      ['write_date', '>=', '2025-06-01 00:00:00'],
      ['id', '>', 0],
    ],
    1000,
  );
  console.log(
    `write_date window page (old watermark): ${old.length} rows in ${(performance.now() - t3).toFixed(1)} ms`,
  );
  await sim.close();
}

await main();
