import { describe, expect, it } from 'vitest';
import { loadSyncConfig } from '../../packages/shared/src/sync/config.ts';
import { SyncConfigError } from '../../packages/shared/src/sync/errors.ts';
import { diffWithTruth, startSyncHarness } from './harness.ts';

// Some poolers cannot COPY. The snapshot says so by name, with the way out: SYNC_COPY=off.
describe('SYNC_COPY', () => {
  it('names a COPY the connection refuses, and with SYNC_COPY=off snapshots by upsert', async () => {
    const h = await startSyncHarness({ scale: 300 });
    try {
      // Stands in for a pooler that refuses COPY: plain inserts pass, a COPY statement fails.
      await h.sql`create function public.refuse_copy() returns trigger language plpgsql as $$
        begin
          if current_query() ilike 'copy %' then
            raise exception 'COPY is not supported here' using errcode = 'feature_not_supported';
          end if;
          return null;
        end $$`;
      await h.sql`create trigger refuse_copy before insert on odoo.res_partner
        for each statement execute function public.refuse_copy()`;
      const [failed] = await h.syncToEnd({ models: ['res.partner'], maxSlices: 1 });
      expect(failed.models[0].status).toBe('error');
      expect(failed.models[0].error).toMatch(
        /COPY into odoo\."res_partner" failed: COPY is not supported here; .*SYNC_COPY=off/,
      );
      const [{ n }] = await h.sql`select count(*)::int as n from odoo.res_partner`;
      expect(n).toBe(0);

      const done = await h.syncToEnd({ models: ['res.partner'], extraEnv: { SYNC_COPY: 'off' } });
      expect(done[done.length - 1].outcome).toBe('ok');
      expect(await diffWithTruth(h, 'res.partner')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('is on by default and takes on/off, failing fast on anything else', () => {
    const env = { SUPABASE_DB_URL: 'postgresql://x' };
    expect(loadSyncConfig(env).copy).toBe(true);
    expect(loadSyncConfig({ ...env, SYNC_COPY: 'off' }).copy).toBe(false);
    expect(loadSyncConfig({ ...env, SYNC_COPY: 'ON' }).copy).toBe(true);
    expect(() => loadSyncConfig({ ...env, SYNC_COPY: 'maybe' })).toThrow(SyncConfigError);
    expect(() => loadSyncConfig({ ...env, SYNC_COPY: 'maybe' })).toThrow(
      'SYNC_COPY must be on or off, got "maybe"',
    );
  });
});
