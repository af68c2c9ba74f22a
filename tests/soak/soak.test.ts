import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../../packages/shared/src/sync/budget.ts';
import { runSlice, type SyncMode } from '../../packages/shared/src/sync/run-slice.ts';
import { prng } from '../reporting/helpers.ts';
import {
  CATALOG_MODELS,
  diffWithTruth,
  type SyncHarness,
  startSyncHarness,
} from '../sync/harness.ts';

// The soak (issue: the copy never drifts): the simulator's activity plus every kind of change
// that used to make the copy drift, in random order, while slices run as the cron would start
// them — sync every tick with an Edge-Function-sized budget, a paced reconcile/sweep and a
// verification now and then. Afterwards one complete `sync --reconcile --verify` must leave the
// copy equal to Odoo's truth, every row and every catalog field. SOAK_SECONDS sets its length
// (60 in `npm test`, several minutes in `npm run test:faults`); SOAK_SEED replays a run.

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 31 });
  await h.syncToEnd();
});
afterAll(async () => {
  await h?.close();
});

describe(`soak (${SECONDS} s, seed ${SEED})`, () => {
  it(
    'ends with the copy equal to the truth after one complete sync --reconcile --verify',
    async () => {
      const rnd = prng(SEED);
      const c = h.sim.control;
      const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
      const live = (model: string, ok: (r: Record<string, unknown>) => boolean = () => true) =>
        c.truth(model).filter(ok);
      const kinds: Record<string, () => void> = {
        activity: () => c.activity.step(5 + Math.floor(rnd() * 20)),
        'long update older than the overlap': () => {
          const line = pick(live('account.move.line', (l) => l.display_type === 'payment_term'));
          if (line) {
            c.longTransaction(30 * 60, (tx) =>
              tx.update('account.move.line', line.id as number, {
                date_maturity: `2030-0${1 + Math.floor(rnd() * 9)}-15`,
              }),
            );
          }
        },
        'long create within the overlap': () =>
          void c.longTransaction(4 * 60, (tx) =>
            tx.create('res.partner', {
              name: `Import ${Math.floor(rnd() * 1e6)}`,
              is_company: true,
            }),
          ),
        'long create older than the overlap': () =>
          void c.longTransaction(40 * 60, (tx) =>
            tx.create('res.partner', { name: `Old import ${Math.floor(rnd() * 1e6)}` }),
          ),
        'silent reconcile': () => {
          const open = live(
            'account.move.line',
            (l) => l.parent_state === 'posted' && l.full_reconcile_id === 0 && !l.reconciled,
          );
          if (open.length >= 2) c.reconcileWithoutWriteDate([open[0].id, open[1].id] as number[]);
        },
        payment: () => {
          const inv = pick(
            live(
              'account.move',
              (m) =>
                m.state === 'posted' &&
                m.move_type === 'out_invoice' &&
                (m.amount_residual as number) >= 0.02,
            ),
          );
          if (inv)
            c.pay(inv.id as number, rnd() < 0.5 ? undefined : (inv.amount_residual as number) / 2);
        },
        unreconcile: () => {
          const p = pick(live('account.partial.reconcile'));
          if (p) c.unreconcile([p.credit_move_id as number]);
        },
        'delete a draft': () => {
          const d = pick(live('account.move', (m) => m.state === 'draft'));
          if (d) c.delete('account.move', d.id as number);
        },
        'archive a partner': () => {
          const p = pick(live('res.partner', (r) => r.active === true));
          if (p) c.archive('res.partner', p.id as number);
        },
        'same-second burst': () => void c.burst(10 + Math.floor(rnd() * 30)),
        'clock moves on': () => c.advanceClock(60 + rnd() * 15 * 60),
      };
      // Once each, at a random moment: they are rare in life and sticky when they happen.
      const rare: Record<string, () => void> = {
        'future write_date': () => {
          const p = pick(live('res.partner'));
          if (p) c.setWriteDate('res.partner', p.id as number, '9999-12-31 23:59:59');
        },
        'archive a company': () => {
          const co = pick(live('res.company', (r) => r.id !== 1 && r.active === true));
          if (co) c.archive('res.company', co.id as number);
        },
        'field appears later': () => {
          c.setFieldHidden('res.partner', 'vat', false);
        },
      };
      c.setFieldHidden('res.partner', 'vat', true);
      const names = Object.keys(kinds);
      const rareNames = Object.keys(rare);
      const done: Record<string, number> = {};
      const res = h.open({ SYNC_SCHEMA_TTL_MINUTES: '0', SYNC_SWEEP_HOURS: '0.05' });
      const deadline = Date.now() + SECONDS * 1000;
      try {
        for (let tick = 0; Date.now() < deadline; tick++) {
          for (let k = 0; k < 3; k++) {
            const name = pick(names)!;
            kinds[name]();
            done[name] = (done[name] ?? 0) + 1;
          }
          if (rareNames.length && rnd() < 0.1) {
            const name = rareNames.splice(Math.floor(rnd() * rareNames.length), 1)[0];
            rare[name]();
            done[name] = 1;
          }
          const mode: SyncMode = tick % 7 === 6 ? 'verify' : tick % 3 === 2 ? 'reconcile' : 'sync';
          const s = await runSlice({
            ...res,
            mode,
            trigger: 'cron',
            // An Edge Function's slice, scaled down so passes span several of them.
            budget: new Budget({ wallMs: 20_000, records: 3_000 }),
          });
          expect(s.outcome, JSON.stringify(s.models.filter((m) => m.error))).not.toBe('failed');
        }
      } finally {
        await res.close();
      }
      for (const name of rareNames) {
        rare[name]();
        done[name] = 1;
      }
      console.log(`soak seed ${SEED}: ${JSON.stringify(done)}`);
      const final = [
        ...(await h.syncToEnd({ extraEnv: { SYNC_SCHEMA_TTL_MINUTES: '0' } })),
        ...(await h.syncToEnd({ mode: 'reconcile' })),
        ...(await h.syncToEnd({ mode: 'verify' })),
      ];
      const failures = final.flatMap((s) =>
        s.models.filter((m) => m.status !== 'ok').map((m) => `${s.mode} ${m.model}: ${m.error}`),
      );
      expect(failures, `seed ${SEED}`).toEqual([]);
      for (const model of CATALOG_MODELS) {
        expect(await diffWithTruth(h, model), `${model} (seed ${SEED})`).toEqual([]);
      }
    },
    (SECONDS + 240) * 1000,
  );
});
