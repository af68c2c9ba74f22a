// The baseline of the sync benchmark: the same pages the snapshot asks for (keyset on id, the
// catalog's fields, same page size, ids only for many2one as the engine asks on 16+), fetched and
// decoded by the same client, written nowhere.
// Run as a child process: prints one JSON line {records, ms}.
import { createOdooClient } from '../../packages/shared/src/odoo/client.ts';
import { loadOdooConfig } from '../../packages/shared/src/odoo/config.ts';

const [model, fieldList, pageSize] = process.argv.slice(2);
const client = createOdooClient(loadOdooConfig(process.env));
const fields = fieldList.split(',');
const limit = Number(pageSize);
const context = { active_test: false };
const t0 = performance.now();
let records = 0;
let cursor = 0;
for (;;) {
  const page = await client.searchRead(model, [['id', '>', cursor]], {
    fields,
    limit,
    order: 'id asc',
    context,
    load: '',
  });
  records += page.length;
  if (page.length < limit) break;
  cursor = page[page.length - 1].id;
}
console.log(JSON.stringify({ records, ms: performance.now() - t0 }));
