import type { Table } from './table.ts';

/**
 * One2many inverse of a many2one column: parent id → child ids, ascending (the order a full scan
 * gives). Kept up to date by comparing the column with the copy it was built from, not rebuilt:
 * a payment at 1,000,000 journal items changes a few lines of account.move.line, and rebuilding
 * the map of every move from scratch on each such change took most of a core under the activity.
 */
export class InverseIndex {
  readonly map = new Map<number, number[]>();
  private version = -1;
  private shifts = -1;
  private n = 0;
  private values = new Int32Array(0);
  private alive = new Uint8Array(0);

  constructor(
    private readonly t: Table,
    private readonly field: string,
  ) {}

  /** The map as of the table's current rows and column values. */
  current(): Map<number, number[]> {
    const t = this.t;
    if (this.version === t.version) return this.map;
    const d = t.col(this.field).data as Int32Array;
    // A row inserted mid-table moved every later position: start over.
    if (this.shifts !== t.shifts) this.reset();
    if (this.values.length < t.n) {
      const values = new Int32Array(t.cap);
      values.set(this.values.subarray(0, this.n));
      this.values = values;
      const alive = new Uint8Array(t.cap);
      alive.set(this.alive.subarray(0, this.n));
      this.alive = alive;
    }
    for (let p = 0; p < this.n; p++) {
      const was = this.alive[p] ? this.values[p] : 0;
      const is = t.alive[p] ? d[p] : 0;
      if (was === is) continue;
      if (was) this.drop(was, t.ids[p]);
      if (is) this.add(is, t.ids[p]);
      this.values[p] = d[p];
      this.alive[p] = t.alive[p];
    }
    const fresh = this.n === 0; // nobody holds an array of this map yet: push in place
    for (let p = this.n; p < t.n; p++) {
      this.values[p] = d[p];
      this.alive[p] = t.alive[p];
      if (!t.alive[p] || !d[p]) continue;
      const ids = fresh ? this.map.get(d[p]) : undefined;
      if (ids) ids.push(t.ids[p]);
      else this.add(d[p], t.ids[p]);
    }
    this.n = t.n;
    this.version = t.version;
    return this.map;
  }

  private reset(): void {
    this.map.clear();
    this.n = 0;
    this.shifts = this.t.shifts;
  }

  // Copy on write: an array a caller holds (iterating a move's lines while it changes them)
  // stays what it was when read, as with a map built afresh.
  private add(parent: number, id: number): void {
    const ids = this.map.get(parent) ?? [];
    let i = ids.length;
    while (i > 0 && ids[i - 1] > id) i--;
    this.map.set(parent, [...ids.slice(0, i), id, ...ids.slice(i)]);
  }

  private drop(parent: number, id: number): void {
    const ids = this.map.get(parent)?.filter((x) => x !== id);
    if (ids?.length) this.map.set(parent, ids);
    else this.map.delete(parent);
  }
}
