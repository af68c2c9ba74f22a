import { describe, expect, it } from 'vitest';
import { versionCases } from '../setup/versions.ts';
import { CATALOG_MODELS, diffWithTruth, startSyncHarness } from './harness.ts';

// The same sync over each version's default transport (`auto`: JSON-2 on Odoo 19, where accounts
// have `active` instead of `deprecated`; JSON-RPC before) and over XML-RPC (14–18, and 19 until
// its removal). Plain `npm test` runs three cases; `npm run test:versions` all of them.
describe.each(
  versionCases(
    [
      { odooVersion: 17 as const, protocol: 'xmlrpc' },
      { odooVersion: 18 as const, protocol: 'auto' },
      { odooVersion: 19 as const, protocol: 'auto' },
    ],
    (odooVersion) => [
      { odooVersion, protocol: 'auto' },
      { odooVersion, protocol: 'xmlrpc' },
    ],
  ),
)('Odoo $odooVersion over $protocol', ({ odooVersion, protocol }) => {
  it('snapshot and incremental passes converge to the truth', async () => {
    const h = await startSyncHarness({ odooVersion, seed: 13, scale: 1500 });
    try {
      const extraEnv = { ODOO_PROTOCOL: protocol };
      const log: string[] = [];
      await h.syncToEnd({ extraEnv, log: (line) => log.push(line) });
      expect(log.filter((l) => l.includes('fast path'))).toEqual([]); // JSON-2 pages too
      h.sim.control.activity!.step(30);
      await h.syncToEnd({ extraEnv });
      await h.syncToEnd({ mode: 'reconcile', extraEnv });
      for (const model of CATALOG_MODELS) expect(await diffWithTruth(h, model), model).toEqual([]);
      const [acc] =
        await h.sql`select missing_fields from ods.sync_state where model = 'account.account'`;
      expect(acc.missing_fields).toContain(odooVersion >= 19 ? 'deprecated' : 'active');
      const [v] = await h.syncToEnd({ mode: 'verify', models: ['account.move.line'], extraEnv });
      expect(v.models[0].verification?.mismatched).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
