/**
 * The values a simulated Odoo method returns. JS numbers cannot tell `1` from `1.0`, but
 * XML-RPC (`<int>` vs `<double>`) and Python's JSON (`1` vs `1.0`) can, so floats outside a
 * typed record page travel wrapped in `PyFloat`.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

/** How one column of a record page is typed on the wire. */
export type PageFieldKind = 'int' | 'float' | 'bool' | 'str' | 'm2o' | 'm2o-id' | 'ids' | 'value';

export interface PageField {
  name: string;
  kind: PageFieldKind;
  /** int/float/bool: number|boolean; str: string|false; m2o*: id (0 = empty); ids: number[]. */
  get(pos: number): any;
  /** Only for `m2o`: the display name of the target id. */
  label?(id: number): string;
}

/**
 * Records read straight from columnar storage; encoders walk it without building one object
 * per row, which is what keeps 1,000-row pages cheap.
 */
export class RecordPage {
  constructor(
    readonly positions: ArrayLike<number>,
    readonly fields: PageField[],
  ) {}

  get length(): number {
    return this.positions.length;
  }

  /** Plain objects (in-process consumers and tests). */
  toPlain(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < this.positions.length; i++) {
      const pos = this.positions[i];
      const row: Record<string, unknown> = {};
      for (const f of this.fields) row[f.name] = plainOf(f, pos);
      out.push(row);
    }
    return out;
  }
}

function plainOf(f: PageField, pos: number): unknown {
  const v = f.get(pos);
  switch (f.kind) {
    case 'm2o':
      return v ? [v, f.label!(v)] : false;
    case 'm2o-id':
      return v || false;
    case 'value':
      return toPlain(v);
    default:
      return v;
  }
}

export type OdooValue =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | RecordPage
  | OdooValue[]
  | { [key: string]: OdooValue };

/** Unwraps PyFloat and record pages into plain JSON-able data. */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof RecordPage) return v.toPlain();
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x);
    return o;
  }
  return v;
}

/**
 * Per-page memo of many2one renderings by field and id: a page repeats the same few partners,
 * accounts and journals thousands of times, so each wire encoder renders each pair once.
 */
export class LabelCache {
  private readonly byField = new Map<string, Map<number, string>>();

  /** `render` is the wire form of one [id, label] pair; given once, not per value. */
  constructor(private readonly render: (id: number, label: string) => string) {}

  get(f: PageField, id: number): string {
    let cache = this.byField.get(f.name);
    if (!cache) {
      cache = new Map();
      this.byField.set(f.name, cache);
    }
    let x = cache.get(id);
    if (x === undefined) {
      x = this.render(id, f.label!(id));
      cache.set(id, x);
    }
    return x;
  }
}
