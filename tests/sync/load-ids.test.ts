import { describe, expect, it } from 'vitest';
import type { OdooClient } from '../../packages/shared/src/odoo/client.ts';
import { readerFromClient } from '../../packages/shared/src/sync/odoo-reader-from-client.ts';
import { openSync } from '../../packages/shared/src/sync/open-sync.ts';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { CATALOG_MODELS, diffWithTruth, startSyncHarness } from './harness.ts';

// load='' (Odoo 16+): every page the engine reads asks for bare many2one ids, so Odoo skips
// the display names the copy never keeps; the copy is the same as with the classic read.

/** The ORM method and keyword arguments of a JSON-RPC or JSON-2 request body. */
function ormCall(url: string, body: unknown): { method: string; kwargs: Record<string, unknown> } {
  const json = JSON.parse(String(body));
  const json2 = /\/json\/2\/[^/]+\/([^/?]+)/.exec(url);
  if (json2) return { method: json2[1], kwargs: json };
  const args = json.params?.args ?? [];
  return json.params?.service === 'object'
    ? { method: args[4], kwargs: args[6] ?? {} }
    : { method: json.params?.method, kwargs: {} };
}

describe.each([
  { odooVersion: 16 as const, protocol: 'xmlrpc' },
  { odooVersion: 17 as const, protocol: 'jsonrpc' },
  { odooVersion: 19 as const, protocol: 'auto' },
])('Odoo $odooVersion over $protocol', ({ odooVersion, protocol }) => {
  it("reads every mirror page with load='' and copies the same values", async () => {
    const h = await startSyncHarness({ odooVersion, seed: 21, scale: 1000 });
    const calls: { method: string; kwargs: Record<string, unknown> }[] = [];
    const res = openSync(
      { ...h.env, ODOO_PROTOCOL: protocol },
      {
        fetch: (url, init) => {
          if (typeof init.body === 'string' && protocol !== 'xmlrpc') {
            calls.push(ormCall(url, init.body));
          }
          return fetch(url, init);
        },
      },
    );
    try {
      for (const mode of ['sync', 'activity', 'sync', 'reconcile'] as const) {
        if (mode === 'activity') {
          h.sim.control.activity!.step(20);
          continue;
        }
        for (let i = 0; i < 20; i++) {
          const s = await runSlice({ ...res, mode, trigger: 'test', sweepCycleFrom: new Date(0) });
          if (!s.more) break;
        }
      }
      const reads = calls.filter((c) => c.method === 'search_read' || c.method === 'read');
      if (protocol !== 'xmlrpc') expect(reads.length).toBeGreaterThan(CATALOG_MODELS.length);
      if (protocol !== 'xmlrpc') expect(reads.filter((c) => c.kwargs.load !== '')).toEqual([]);
      // Odoo computed no display name for the whole copy.
      expect(h.sim.control.requestCounts().namesComputed).toBe(0);
      for (const model of CATALOG_MODELS) expect(await diffWithTruth(h, model), model).toEqual([]);
    } finally {
      await res.close();
      await h.close();
    }
  }, 90_000);
});

describe('load on Odoo versions without it', () => {
  it('keeps the classic read before 16, when the version is unknown, and with ODOO_READ_NAMES', async () => {
    const asked: unknown[] = [];
    const client = (version: () => Promise<{ major: number }>) =>
      ({
        version,
        searchRead: async (_m: string, _d: unknown, o: { load?: string }) => {
          asked.push(o.load);
          return [];
        },
        read: async (_m: string, _i: number[], o: { load?: string }) => {
          asked.push(o.load);
          return [];
        },
      }) as unknown as OdooClient;
    const ctx = { active_test: false as const, lang: 'en_US' };
    const opts = { limit: 1, order: 'id asc', context: ctx };
    const cfg = { lang: 'en_US', companyIds: undefined, readNames: false };
    await readerFromClient(
      client(async () => ({ major: 15 })),
      cfg,
    ).searchRead('x', [], [], opts);
    await readerFromClient(
      client(async () => ({ major: 15 })),
      cfg,
    ).read('x', [1], [], ctx);
    await readerFromClient(
      client(() => Promise.reject(new Error('no version'))),
      cfg,
    ).searchRead('x', [], [], opts);
    await readerFromClient(
      client(async () => ({ major: 16 })),
      cfg,
    ).read('x', [1], [], ctx);
    // ODOO_READ_NAMES asks for the classic read on 16+ too.
    await readerFromClient(
      client(async () => ({ major: 17 })),
      { ...cfg, readNames: true },
    ).searchRead('x', [], [], opts);
    await readerFromClient(
      client(async () => ({ major: 17 })),
      {
        ...cfg,
        readNames: true,
      },
    ).read('x', [1], [], ctx);
    expect(asked).toEqual([undefined, undefined, undefined, '', undefined, undefined]);
  });
});
