import type { FieldDef, FieldType, ModelDef } from './catalog.ts';

/**
 * Columnar storage of one model: typed arrays for numbers, dates and relations, plain
 * arrays of (shared) strings for text. Rows stay sorted by id so keyset pages are a binary
 * search plus a scan of the page.
 *
 * Raw encodings: integer/many2one → Int32 (0 = empty); float/monetary → Float64;
 * boolean → Uint8; date → Int32 days since 1970 (NO_DATE = empty); datetime → Float64 µs
 * since 1970 (NaN = empty); char/text/selection → string | false; many2many → number[];
 * company-dependent → a CompanyValues map (missing company = the field's fallback), like
 * Odoo 18's jsonb column keyed by company id (or ir.property rows before 18).
 */
export const NO_DATE = -2147483648;

export type ColumnKind = 'i32' | 'f64' | 'u8' | 'date' | 'datetime' | 'str' | 'ids' | 'company';

/** A company-dependent value: raw value (of the field's own kind) per company id. */
export type CompanyValues = Map<number, unknown>;

export function columnKind(type: FieldType): ColumnKind | undefined {
  switch (type) {
    case 'integer':
    case 'many2one':
      return 'i32';
    case 'float':
    case 'monetary':
      return 'f64';
    case 'boolean':
      return 'u8';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'char':
    case 'text':
    case 'selection':
      return 'str';
    case 'many2many':
      return 'ids';
    default:
      return undefined;
  }
}

type ColData =
  | Int32Array
  | Float64Array
  | Uint8Array
  | (string | false)[]
  | (number[] | undefined)[]
  | (CompanyValues | undefined)[];

export class Column {
  data: ColData;
  constructor(
    readonly name: string,
    readonly kind: ColumnKind,
    cap: number,
    /** 'company' columns: the kind of each company's value. */
    readonly valueKind: ColumnKind = kind,
  ) {
    this.data = Column.alloc(kind, cap);
  }

  static alloc(kind: ColumnKind, cap: number): ColData {
    switch (kind) {
      case 'i32':
        return new Int32Array(cap);
      case 'date':
        return new Int32Array(cap).fill(NO_DATE);
      case 'f64':
        return new Float64Array(cap);
      case 'datetime':
        return new Float64Array(cap).fill(Number.NaN);
      case 'u8':
        return new Uint8Array(cap);
      default:
        return [];
    }
  }

  grow(cap: number): void {
    const d = this.data;
    if (Array.isArray(d)) return;
    const next = Column.alloc(this.kind, cap) as Int32Array | Float64Array | Uint8Array;
    next.set(d as any);
    this.data = next;
  }

  /** Opens a hole at `pos` (rows pos..n-1 move one up). */
  insertAt(pos: number, n: number): void {
    const d = this.data;
    if (Array.isArray(d)) {
      while (d.length < n) (d as unknown[]).push(this.kind === 'str' ? false : undefined);
      (d as unknown[]).splice(pos, 0, this.kind === 'str' ? false : undefined);
      return;
    }
    d.copyWithin(pos + 1, pos, n);
    this.reset(pos);
  }

  reset(pos: number): void {
    const d = this.data;
    switch (this.kind) {
      case 'date':
        (d as Int32Array)[pos] = NO_DATE;
        break;
      case 'datetime':
        (d as Float64Array)[pos] = Number.NaN;
        break;
      case 'str':
        (d as (string | false)[])[pos] = false;
        break;
      case 'ids':
      case 'company':
        (d as unknown[])[pos] = undefined;
        break;
      default:
        (d as Int32Array)[pos] = 0;
    }
  }
}

/** Rows per zone of the write_date zone map. */
export const ZONE_SHIFT = 10;

export class Table {
  n = 0;
  cap: number;
  ids: Int32Array;
  alive: Uint8Array;
  liveCount = 0;
  cols = new Map<string, Column>();
  /** Max write_date per 1,024-row zone: lets write_date windows skip untouched zones. */
  zoneMaxWrite: Float64Array;
  /** Bumped on every change; caches (display names, inverse indexes) compare against it. */
  version = 0;
  /** Bumped when a row is inserted before others (every later position moves). */
  shifts = 0;

  constructor(
    readonly def: ModelDef,
    cap = 1024,
  ) {
    this.cap = cap;
    this.ids = new Int32Array(cap);
    this.alive = new Uint8Array(cap);
    this.zoneMaxWrite = new Float64Array((cap >> ZONE_SHIFT) + 1).fill(Number.NEGATIVE_INFINITY);
    const seen = new Set<string>();
    for (const f of def.fields) {
      const colName = storageColumn(f);
      if (!colName || seen.has(colName) || colName === 'id') continue;
      // An aliased field (18+ `code` → `code_store`) takes the kind of the field it reads.
      const owner = def.byName.get(colName) ?? f;
      const kind = columnKind(owner.type);
      if (!kind) continue;
      seen.add(colName);
      const col = owner.companyDependent
        ? new Column(colName, 'company', cap, kind)
        : new Column(colName, kind, cap);
      this.cols.set(colName, col);
    }
  }

  col(name: string): Column {
    const c = this.cols.get(name);
    if (!c) throw new Error(`${this.def.name} has no stored column ${name}`);
    return c;
  }

  ensureCapacity(need: number): void {
    if (need <= this.cap) return;
    let cap = this.cap;
    while (cap < need) cap = cap < 1 << 20 ? cap * 2 : Math.ceil(cap * 1.5);
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    this.ids = ids;
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
    const zones = new Float64Array((cap >> ZONE_SHIFT) + 1).fill(Number.NEGATIVE_INFINITY);
    zones.set(this.zoneMaxWrite);
    this.zoneMaxWrite = zones;
    for (const c of this.cols.values()) c.grow(cap);
    this.cap = cap;
  }

  /** Position of id, or -(insertion point) - 1 when absent. */
  find(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid];
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Position of a live row with that id, or -1. */
  pos(id: number): number {
    const p = this.find(id);
    return p >= 0 && this.alive[p] ? p : -1;
  }

  /** First position whose id is >= id. */
  lowerBound(id: number): number {
    const p = this.find(id);
    return p >= 0 ? p : -p - 1;
  }

  /** Adds a row for id (appending when it is the largest, the common case). */
  insert(id: number): number {
    this.ensureCapacity(this.n + 1);
    let pos = this.n;
    if (this.n > 0 && this.ids[this.n - 1] >= id) {
      const f = this.find(id);
      if (f >= 0) throw new Error(`${this.def.name}: id ${id} already exists`);
      pos = -f - 1;
      this.ids.copyWithin(pos + 1, pos, this.n);
      this.alive.copyWithin(pos + 1, pos, this.n);
      for (const c of this.cols.values()) c.insertAt(pos, this.n);
      this.n++;
      this.shifts++;
      this.rebuildZones();
    } else {
      this.n++;
      for (const c of this.cols.values()) if (Array.isArray(c.data)) c.reset(pos);
    }
    this.ids[pos] = id;
    this.alive[pos] = 1;
    this.liveCount++;
    this.version++;
    return pos;
  }

  remove(pos: number): void {
    if (!this.alive[pos]) return;
    this.alive[pos] = 0;
    this.liveCount--;
    this.version++;
  }

  noteWrite(pos: number, us: number): void {
    const z = pos >> ZONE_SHIFT;
    if (this.zoneMaxWrite[z] < us) this.zoneMaxWrite[z] = us;
  }

  rebuildZones(): void {
    const wd = this.cols.get('write_date');
    this.zoneMaxWrite.fill(Number.NEGATIVE_INFINITY);
    if (!wd) return;
    const d = wd.data as Float64Array;
    for (let p = 0; p < this.n; p++) {
      const z = p >> ZONE_SHIFT;
      if (d[p] > this.zoneMaxWrite[z]) this.zoneMaxWrite[z] = d[p];
    }
  }
}

export function storageColumn(f: FieldDef): string | undefined {
  if (f.column) return f.column;
  if (f.companyDependent) return f.name;
  if (!f.store || f.compute) return undefined;
  return f.name;
}
