import { describe, expect, it } from 'vitest';
import { Prng } from '../../packages/odoo-sim/src/prng.ts';
import { Store } from '../../packages/odoo-sim/src/store.ts';

// The one2many inverse (a move's lines) is kept by comparing the column with the copy it was
// built from. Whatever happens to the rows — appended, inserted before others, removed, moved
// to another parent, with or without a read in between — it must equal a scan of the table.
describe('odoo-sim inverse index (account.move.line.move_id → account.move.line_ids)', () => {
  const scan = (store: Store) => {
    const t = store.table('account.move.line');
    const d = t.col('move_id').data as Int32Array;
    const m = new Map<number, number[]>();
    for (let p = 0; p < t.n; p++) {
      if (!t.alive[p] || !d[p]) continue;
      m.set(d[p], [...(m.get(d[p]) ?? []), t.ids[p]]);
    }
    return m;
  };
  const sorted = (m: Map<number, number[]>) => [...m.entries()].sort((a, b) => a[0] - b[0]);

  it('equals a scan after every random change, and arrays already read never change', () => {
    const store = new Store(19);
    const t = store.table('account.move.line');
    const rnd = new Prng(42);
    const tx = store.begin();
    let nextId = 1000;
    const live = () => [...Array(t.n).keys()].filter((p) => t.alive[p]);
    let mid = 0;
    for (let step = 0; step < 3000; step++) {
      const r = rnd.next();
      if (r < 0.45 || t.liveCount < 5) {
        // Mostly appended; now and then an id below the largest (a row inserted mid-table).
        const low = rnd.chance(0.05) && t.n > 0;
        const id = low ? t.ids[0] - 1 - Math.floor(rnd.next() * 5) : nextId++;
        if (low && (id <= 0 || t.find(id) >= 0)) continue;
        if (low) mid++;
        const pos = tx.insertRaw('account.move.line', id);
        tx.set(t, pos, 'move_id', 1 + Math.floor(rnd.next() * 40));
      } else if (r < 0.7) {
        const ps = live();
        t.remove(ps[Math.floor(rnd.next() * ps.length)]);
      } else {
        const ps = live();
        tx.set(
          t,
          ps[Math.floor(rnd.next() * ps.length)],
          'move_id',
          1 + Math.floor(rnd.next() * 40),
        );
      }
      if (rnd.chance(0.6)) {
        const held = store.inverse('account.move.line', 'move_id').get(7);
        const copy = held ? [...held] : undefined;
        expect(sorted(store.inverse('account.move.line', 'move_id'))).toEqual(sorted(scan(store)));
        // Another change, another read: what the caller held is what it read.
        const pos = tx.insertRaw('account.move.line', nextId++);
        tx.set(t, pos, 'move_id', 7);
        store.inverse('account.move.line', 'move_id');
        expect(held).toEqual(copy);
      }
    }
    expect(mid).toBeGreaterThan(10);
    expect(sorted(store.inverse('account.move.line', 'move_id'))).toEqual(sorted(scan(store)));
  });
});
