import { buildCatalog, type FieldDef, type ModelDef } from './catalog.ts';
import { companyValueAt, setCompanyValue } from './company-values.ts';
import { dateToDays, datetimeToUs, daysToDate, usToDatetimeFull } from './dates.ts';
import { InverseIndex } from './inverse-index.ts';
import { OdooError } from './odoo-error.ts';
import { SimClock } from './sim-clock.ts';
import { type Column, type CompanyValues, NO_DATE, storageColumn, Table } from './table.ts';
import { type OdooVersion, traits, type VersionTraits } from './versions.ts';

export const ADMIN_UID = 2;

/**
 * The simulated database: one columnar table per model, id sequences and the clock. All
 * changes go through a `Tx`, whose start time becomes every touched row's write_date,
 * exactly like `cr.now()` in Odoo.
 */
export class Store {
  catalog: Map<string, ModelDef>;
  readonly tables = new Map<string, Table>();
  readonly clock = new SimClock();
  private readonly seq = new Map<string, number>();
  readonly inverseCache = new Map<string, InverseIndex>();
  /** The API user's companies (filled by the generator). */
  userCompanyIds: number[] = [];
  userCompanyId = 0;
  /**
   * Stored fields fields_get does not describe yet, per model: a field that appears later (a
   * module installed, an upgrade) with its values already in the database.
   */
  readonly hiddenFields = new Map<string, Set<string>>();
  /** Bumped on every committed change (activity, control, RPC writes). */
  changeCount = 0;
  /**
   * Model-specific unlink with Odoo's side effects (cascades, unreconciliation, posted-entry
   * checks), installed by the accounting layer (`Books`); without it `unlink` removes rows.
   */
  unlinkHandler: ((tx: Tx, model: string, ids: number[], opts: UnlinkOptions) => void) | undefined;

  /** Display names computed (each costs `nameCostUs` of CPU, like Odoo's name compute). */
  namesComputed = 0;
  nameCostUs = 0;

  /** Changes only through an upgrade (upgrade.ts), which migrates the tables with it. */
  version: OdooVersion;
  traits: VersionTraits;

  constructor(version: OdooVersion) {
    this.version = version;
    this.traits = traits(version);
    this.catalog = buildCatalog(version);
    for (const def of this.catalog.values()) this.tables.set(def.name, new Table(def));
  }

  table(model: string): Table {
    const t = this.tables.get(model);
    if (!t) throw new OdooError('KeyError', `'${model}'`);
    return t;
  }

  nextId(model: string, gap = 0): number {
    const id = (this.seq.get(model) ?? 0) + 1 + gap;
    this.seq.set(model, id);
    return id;
  }

  begin(nowUs = this.clock.nowUs(), uid = ADMIN_UID): Tx {
    return new Tx(this, nowUs, uid);
  }

  /** Runs fn in one transaction (one write_date for everything it touches). */
  transaction<T>(fn: (tx: Tx) => T, nowUs?: number): T {
    const tx = this.begin(nowUs);
    const r = fn(tx);
    this.changeCount++;
    return r;
  }

  displayName(model: string, id: number, companyId = this.userCompanyId): string {
    const t = this.table(model);
    const p = t.find(id);
    if (p < 0) return `${model},${id}`;
    return this.displayNameAt(t, p, companyId);
  }

  /** `display_name` of a row as env.company `companyId` sees it (18+ account codes). */
  displayNameAt(t: Table, pos: number, companyId = this.userCompanyId): string {
    const name = t.def.name;
    const str = (c: string) => {
      const v = (t.col(c).data as (string | false)[])[pos];
      return v || '';
    };
    switch (name) {
      case 'res.partner':
        return str('complete_name') || str('name');
      case 'account.account': {
        const col = t.col(this.traits.sharedAccounts ? 'code_store' : 'code');
        const code = this.traits.sharedAccounts
          ? (companyValueAt(this, t, col, pos, companyId) as string | false)
          : str('code');
        return code ? `${code} ${str('name')}` : str('name');
      }
      case 'account.move': {
        const state = str('state');
        const moveName = str('name');
        let s = '';
        if (state === 'draft') s += `${DRAFT_LABEL[str('move_type')] ?? 'Draft Entry'} `;
        s += !moveName || moveName === '/' ? `(* ${t.ids[pos]})` : moveName;
        return s;
      }
      case 'account.move.line': {
        const label = str('name');
        const moveName = str('move_name');
        return label ? `${moveName} ${label}` : moveName;
      }
      case 'account.payment':
        return str('name') || 'Draft Payment';
      case 'res.currency.rate':
        return daysToDate((t.col('name').data as Int32Array)[pos]);
      case 'account.partial.reconcile':
      case 'account.full.reconcile':
        return `${name},${t.ids[pos]}`;
      default:
        return t.cols.has('name') ? str('name') : `${name},${t.ids[pos]}`;
    }
  }

  /** child ids grouped by the many2one `field` of `model` (for one2many reads). */
  inverse(model: string, field: string): Map<number, number[]> {
    const key = `${model}.${field}`;
    let index = this.inverseCache.get(key);
    if (!index) {
      index = new InverseIndex(this.table(model), field);
      this.inverseCache.set(key, index);
    }
    return index.current();
  }

  /** Every live row, every stored column, full precision (write_date with µs). */
  truth(model: string): Record<string, unknown>[] {
    const t = this.table(model);
    const cols = [...t.cols.values()];
    const out: Record<string, unknown>[] = [];
    for (let p = 0; p < t.n; p++) {
      if (!t.alive[p]) continue;
      const row: Record<string, unknown> = { id: t.ids[p] };
      for (const c of cols) row[c.name] = rawToTruth(c, p);
      out.push(row);
    }
    return out;
  }
}

const DRAFT_LABEL: Record<string, string> = {
  entry: 'Draft Entry',
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
};

function rawToTruth(c: Column, p: number): unknown {
  if (c.kind !== 'company') return rawValueToTruth(c.kind, c.data[p]);
  // Like the jsonb column: only the companies that have a value of their own.
  const map = (c.data as (CompanyValues | undefined)[])[p];
  const out: Record<string, unknown> = {};
  for (const [company, v] of [...(map ?? [])].sort(([a], [b]) => a - b)) {
    out[String(company)] = rawValueToTruth(c.valueKind, v);
  }
  return out;
}

function rawValueToTruth(kind: Column['kind'], v: unknown): unknown {
  switch (kind) {
    case 'i32':
      return v;
    case 'f64':
      return v;
    case 'u8':
      return v === 1;
    case 'date':
      return v === NO_DATE ? false : daysToDate(v as number);
    case 'datetime':
      return Number.isNaN(v) ? false : usToDatetimeFull(v as number);
    case 'str':
      return v ?? false;
    case 'ids':
      return v ? [...(v as number[])].sort((a, b) => a - b) : [];
    case 'company':
      return v;
  }
}

/** Odoo-style input value (as create/write receive it) → raw storage value. */
export function toRaw(f: FieldDef, c: Pick<Column, 'kind'>, v: unknown): unknown {
  switch (c.kind) {
    case 'i32':
      if (v === false || v === null || v === undefined) return 0;
      if (Array.isArray(v)) return Number(v[0]);
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new OdooError('ValueError', `Wrong value for ${f.name}: ${JSON.stringify(v)}`);
      }
      return v;
    case 'f64':
      if (v === false || v === null || v === undefined) return 0;
      if (typeof v !== 'number') {
        throw new OdooError('ValueError', `Wrong value for ${f.name}: ${JSON.stringify(v)}`);
      }
      return v;
    case 'u8':
      return v ? 1 : 0;
    case 'date':
      return v ? dateToDays(String(v)) : NO_DATE;
    case 'datetime':
      return v ? datetimeToUs(String(v)) : Number.NaN;
    case 'str':
      if (v === false || v === null || v === undefined) return false;
      if (f.type === 'selection' && f.selection && !f.selection.some(([k]) => k === v)) {
        throw new OdooError('ValueError', `Wrong value for ${f.name}: '${String(v)}'`);
      }
      return String(v);
    case 'ids':
      return x2manyIds(v);
    case 'company':
      throw new Error(`toRaw: ${f.name} is company-dependent (Tx.assign handles it)`);
  }
}

function x2manyIds(v: unknown): number[] {
  if (!v) return [];
  if (!Array.isArray(v)) throw new OdooError('ValueError', 'Wrong x2many value');
  const ids = new Set<number>();
  for (const item of v) {
    if (typeof item === 'number') ids.add(item);
    else if (Array.isArray(item)) {
      const [cmd, id, extra] = item as [number, number, number[]];
      if (cmd === 6) {
        ids.clear();
        for (const x of extra ?? []) ids.add(x);
      } else if (cmd === 4) ids.add(id);
      else if (cmd === 3 || cmd === 2) ids.delete(id);
      else if (cmd === 5) ids.clear();
    }
  }
  return [...ids];
}

export interface UnlinkOptions {
  /**
   * Skips Odoo's refusals (deleting posted entries), like `force_delete` in the context;
   * cascades still apply. Only the control API offers it.
   */
  force?: boolean;
}

/**
 * One database transaction. Its `now` is fixed at start; everything it writes gets that
 * write_date (µs precision), including long transactions that commit minutes later.
 */
export class Tx {
  /** env.company for company-dependent writes (default: the record's first company). */
  companyId: number | undefined;

  constructor(
    readonly store: Store,
    readonly now: number,
    readonly uid: number,
  ) {}

  /** Inserts a row with magic fields set; the caller fills columns with `set`. */
  insertRaw(model: string, id = this.store.nextId(model)): number {
    const t = this.store.table(model);
    const pos = t.insert(id);
    const d = (c: string) => t.cols.get(c)!.data as unknown as number[];
    d('create_date')[pos] = this.now;
    d('write_date')[pos] = this.now;
    d('create_uid')[pos] = this.uid;
    d('write_uid')[pos] = this.uid;
    if (t.def.activeField) (t.col(t.def.activeField).data as Uint8Array)[pos] = 1;
    t.noteWrite(pos, this.now);
    return pos;
  }

  /** Sets one raw column value; `touch` (default) also bumps write_date like an ORM write. */
  set(model: string | Table, pos: number, col: string, raw: unknown, touch = true): void {
    const t = typeof model === 'string' ? this.store.table(model) : model;
    (t.col(col).data as unknown[])[pos] = raw;
    t.version++;
    if (touch) this.touch(t, pos);
  }

  touch(t: Table, pos: number): void {
    (t.col('write_date').data as Float64Array)[pos] = this.now;
    (t.col('write_uid').data as Int32Array)[pos] = this.uid;
    t.noteWrite(pos, this.now);
  }

  create(model: string, values: Record<string, unknown>, id?: number): number {
    const t = this.store.table(model);
    checkWritable(t, values);
    const pos = this.insertRaw(model, id);
    this.assign(t, pos, values);
    return t.ids[pos];
  }

  write(model: string, ids: number[], values: Record<string, unknown>): void {
    const t = this.store.table(model);
    checkWritable(t, values);
    for (const id of ids) {
      const pos = t.pos(id);
      if (pos < 0) {
        throw new OdooError(
          'MissingError',
          `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${this.uid})`,
        );
      }
      this.assign(t, pos, values);
      this.touch(t, pos);
    }
  }

  /** ORM unlink: Odoo's checks and cascades (see `Store.unlinkHandler`), then removal. */
  unlink(model: string, ids: number[], opts: UnlinkOptions = {}): void {
    this.store.table(model);
    const handler = this.store.unlinkHandler;
    if (handler) handler(this, model, ids, opts);
    else this.removeRaw(model, ids);
  }

  /** Removes rows as a bare SQL DELETE would: no checks, no cascades. */
  removeRaw(model: string, ids: number[]): void {
    const t = this.store.table(model);
    for (const id of ids) {
      const pos = t.pos(id);
      if (pos >= 0) t.remove(pos);
    }
  }

  private assign(t: Table, pos: number, values: Record<string, unknown>): void {
    const perCompany: [FieldDef, Column, unknown][] = [];
    for (const [k, v] of Object.entries(values)) {
      const f = t.def.byName.get(k)!;
      const c = t.col(storageColumn(f)!);
      if (c.kind === 'company') perCompany.push([f, c, v]);
      else (c.data as unknown[])[pos] = toRaw(f, c, v);
    }
    // After the others: a create's company_ids/company_id says whose value a plain one is.
    for (const [f, c, v] of perCompany) {
      const kind = { kind: c.valueKind };
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        // {company id: value}: every company's value at once (the generator, upgrades, tests).
        (c.data as unknown[])[pos] = undefined;
        for (const [company, x] of Object.entries(v)) {
          setCompanyValue(this.store, t, c, pos, Number(company), toRaw(f, kind, x));
        }
      } else {
        const company = this.companyId ?? firstCompany(t, pos) ?? this.store.userCompanyId;
        setCompanyValue(this.store, t, c, pos, company, toRaw(f, kind, v));
      }
    }
    t.version++;
  }
}

/** The record's own company (company_id, or the first of company_ids), if it has one. */
function firstCompany(t: Table, pos: number): number | undefined {
  const one = t.cols.get('company_id');
  if (one && one.kind === 'i32') return (one.data as Int32Array)[pos] || undefined;
  const many = t.cols.get('company_ids');
  return (many?.data as (number[] | undefined)[] | undefined)?.[pos]?.[0];
}

const MAGIC = new Set(['id', 'create_date', 'write_date', 'create_uid', 'write_uid']);

function checkWritable(t: Table, values: Record<string, unknown>): void {
  for (const k of Object.keys(values)) {
    const f = t.def.byName.get(k);
    if (!f) throw new OdooError('ValueError', `Invalid field '${k}' on model '${t.def.name}'`);
    if (MAGIC.has(k) || !storageColumn(f)) {
      throw new OdooError('ValueError', `Field '${k}' on model '${t.def.name}' is not writable`);
    }
  }
}
