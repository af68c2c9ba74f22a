import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlice } from '../../packages/shared/src/sync/run-slice.ts';
import { type SyncHarness, startSyncHarness } from './harness.ts';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 33 });
  await h.syncToEnd();
});
afterAll(async () => {
  await h?.close();
});

const LINES = 'account.move.line';

async function until(what: string, probe: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a sync meeting a background pass', () => {
  it('waits for the model a content sweep holds and goes first at its next unit', async () => {
    // A long sweep: pages of 100 ids, each Odoo request of the model 150 ms.
    await h.sql`update ods.catalog set page_size = 50 where model = ${LINES}`;
    h.sim.control.setFault({ kind: 'latency', ms: 150, model: LINES });
    const bg = h.open();
    const other = h.open();
    const fg = h.open();
    try {
      let sweptAt = 0;
      const sweeping = runSlice({
        ...bg,
        mode: 'reconcile',
        models: [LINES],
        sweepCycleFrom: new Date(),
        trigger: 'test-sweep',
      }).then((s) => {
        sweptAt = performance.now();
        return s;
      });
      await until('the sweep to hold the journal items', async () => {
        const [s] = await h.sql`select turn_started_at from ods.sync_state where model = ${LINES}`;
        return s.turn_started_at !== null;
      });
      // A second background pass is not let in: it finds the model busy, as before.
      const second = await runSlice({ ...other, mode: 'reconcile', models: [LINES] });
      expect(second.models[0].status).toBe('busy');

      h.sim.control.activity!.step(40);
      const [{ killed: killedBefore }] =
        await h.sql`select killed_turns as killed from ods.sync_state where model = ${LINES}`;
      const synced = await runSlice({ ...fg, models: [LINES], trigger: 'test-sync' });
      const syncedAt = performance.now();
      expect(synced.models[0].status).toBe('ok');
      expect(synced.models[0].upserted).toBeGreaterThan(0);
      expect(sweptAt).toBe(0); // the sync did not wait for the whole sweep

      const swept = await sweeping;
      expect(sweptAt).toBeGreaterThan(syncedAt);
      expect(swept.models[0].status).toBe('ok');
      expect(swept.models[0].done).toBe(true);
      // Neither turn was taken for a killed one (the page size stays).
      const [s] =
        await h.sql`select killed_turns as killed, turn_started_at from ods.sync_state where model = ${LINES}`;
      expect(s.killed).toBe(killedBefore);
      expect(s.turn_started_at).toBeNull();
    } finally {
      await h.sim.control.clearFaults();
      await h.sql`update ods.catalog set page_size = 5000 where model = ${LINES}`;
      await Promise.all([bg.close(), other.close(), fg.close()]);
    }
  });
});
