import type { CompanyBooks } from '../../packages/odoo-sim/src/books-types.ts';
import type { RunningSim } from '../../packages/odoo-sim/src/index.ts';
import { Prng } from '../../packages/odoo-sim/src/prng.ts';

/** What the random changes read of the simulator's state, and the PRNG they draw from. */
export class ChangeContext {
  readonly rnd: Prng;

  constructor(
    readonly sim: RunningSim,
    seed: number,
  ) {
    this.rnd = new Prng(seed);
  }

  get c() {
    return this.sim.control;
  }

  /** A column's raw array (re-read each time: tables reallocate as they grow). */
  col(model: string, name: string): any {
    return this.c.store.table(model).col(name).data;
  }

  /** Ids of live rows of `model` whose position passes `ok`. */
  ids(model: string, ok: (p: number) => boolean): number[] {
    const t = this.c.store.table(model);
    const out: number[] = [];
    for (let p = 0; p < t.n; p++) if (t.alive[p] && ok(p)) out.push(t.ids[p]);
    return out;
  }

  pos(model: string, id: number): number {
    return this.c.store.table(model).pos(id);
  }

  get today(): number {
    return Math.floor(this.c.store.clock.nowUs() / 86_400_000_000);
  }

  /** An ISO date `lo`..`hi` days from `offsetFrom` (days since 1970). */
  day(offsetFrom: number, lo: number, hi: number): string {
    return isoDay(offsetFrom + this.rnd.int(lo, hi));
  }

  company(): CompanyBooks {
    return this.rnd.pick(this.c.books.companies);
  }

  /** An active partner usable in `companyId` (shared, or of that company). */
  partner(companyId: number): number {
    const company = this.col('res.partner', 'company_id') as Int32Array;
    const active = this.col('res.partner', 'active') as Uint8Array;
    const ok = this.ids(
      'res.partner',
      (p) => active[p] === 1 && (company[p] === 0 || company[p] === companyId),
    );
    return this.rnd.pick(ok);
  }

  moves(ok: (p: number, state: string, type: string) => boolean): number[] {
    const state = this.col('account.move', 'state');
    const type = this.col('account.move', 'move_type');
    return this.ids('account.move', (p) => ok(p, state[p], type[p]));
  }

  /** Moves that are not a payment's entry (those follow their payment). */
  plainMoves(ok: (state: string, type: string) => boolean): number[] {
    const field = this.c.store.traits.payments18 ? 'origin_payment_id' : 'payment_id';
    const payment = this.col('account.move', field) as Int32Array;
    return this.moves((p, s, t) => !payment[p] && ok(s, t));
  }
}

export function isoDay(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}
