import type { Books } from './books.ts';
import { Prng } from './prng.ts';
import type { ActivityHandle } from './sim-control.ts';
import type { Store } from './store.ts';

/**
 * A busy accounting team: each step is one user action (its own transaction) — new invoices
 * and bills, payments that reconcile and move residuals/payment_state, edits, posting and
 * deleting drafts, archiving partners. The sequence depends only on the seed and step count.
 */
export class Activity implements ActivityHandle {
  private timer: NodeJS.Timeout | undefined;
  private readonly rnd: Prng;

  constructor(
    private readonly store: Store,
    private readonly books: Books,
    seed: number,
  ) {
    this.rnd = new Prng((seed ^ 0x5eed_a11) >>> 0);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(intervalMs = 1000): void {
    this.stop();
    this.timer = setInterval(() => this.step(1), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  step(n = 1): { changes: number } {
    let changes = 0;
    for (let i = 0; i < n; i++) if (this.once()) changes++;
    return { changes };
  }

  /** Random live row of a model matching `ok` (a few probes, never a full scan). */
  private sample(model: string, ok: (pos: number) => boolean): number {
    const t = this.store.table(model);
    for (let k = 0; k < 64 && t.n; k++) {
      const p = Math.floor(this.rnd.next() * t.n);
      if (t.alive[p] && ok(p)) return p;
    }
    return -1;
  }

  private once(): boolean {
    const r = this.rnd.next();
    const mt = this.store.table('account.move');
    const state = mt.col('state').data as (string | false)[];
    const ps = mt.col('payment_state').data as (string | false)[];
    const type = mt.col('move_type').data as (string | false)[];
    const today = Math.floor(this.store.clock.nowUs() / 86_400_000_000);
    const rnd = this.rnd;
    const c = rnd.pick(this.books.companies);
    try {
      return this.store.transaction((tx) => {
        if (r < 0.35) {
          const out = rnd.chance(0.6);
          const partner = this.sample('res.partner', (p) => {
            const t = this.store.table('res.partner');
            return (
              (t.col('active').data as Uint8Array)[p] === 1 &&
              (t.col('company_id').data as Int32Array)[p] === 0
            );
          });
          if (partner < 0) return false;
          const draft = rnd.chance(0.3);
          this.books.createInvoice(tx, {
            company: c,
            moveType: out ? 'out_invoice' : 'in_invoice',
            partnerId: this.store.table('res.partner').ids[partner],
            date: today,
            currencyId: c.currencyId,
            rate: 1,
            lines: [
              {
                name: 'Servicios 🧾',
                accountId: out ? c.accounts.income : c.accounts.expense,
                quantity: rnd.int(1, 5),
                priceCents: rnd.int(1_000, 90_000),
              },
            ],
            state: draft ? 'draft' : 'posted',
            terms: [{ fraction: 1, days: 30 }],
          });
          return true;
        }
        if (r < 0.6) {
          const p = this.sample(
            'account.move',
            (x) =>
              state[x] === 'posted' &&
              type[x] !== 'entry' &&
              (ps[x] === 'not_paid' || ps[x] === 'partial'),
          );
          if (p < 0) return false;
          const residual = Math.round((mt.col('amount_residual').data as Float64Array)[p] * 100);
          if (residual <= 0) return false;
          const amount = rnd.chance(0.3) ? Math.max(1, Math.round(residual * 0.5)) : residual;
          this.books.pay(tx, mt.ids[p], today, amount);
          return true;
        }
        if (r < 0.75) {
          const p = this.sample('account.move', (x) => type[x] !== 'entry');
          if (p < 0) return false;
          tx.write('account.move', [mt.ids[p]], { ref: `Edit ${rnd.int(1, 1e6)}` });
          return true;
        }
        if (r < 0.85) {
          const p = this.sample('account.move', (x) => state[x] === 'draft');
          if (p < 0) return false;
          if (rnd.chance(0.5)) this.books.deleteDraft(tx, mt.ids[p]);
          else this.books.setMoveState(tx, mt.ids[p], 'posted');
          return true;
        }
        if (r < 0.93) {
          const pt = this.store.table('res.partner');
          const p = this.sample('res.partner', () => true);
          if (p < 0) return false;
          tx.write('res.partner', [pt.ids[p]], { email: `team${rnd.int(1, 9999)}@example.com` });
          return true;
        }
        const pt = this.store.table('res.partner');
        const p = this.sample(
          'res.partner',
          (x) => (pt.col('is_company').data as Uint8Array)[x] === 0,
        );
        if (p < 0) return false;
        const active = (pt.col('active').data as Uint8Array)[p];
        tx.write('res.partner', [pt.ids[p]], { active: !active });
        return true;
      });
    } catch {
      return false;
    }
  }
}
