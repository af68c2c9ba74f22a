import type { Column } from './columns.ts';
import { MalformedRecordError } from './errors.ts';

// Odoo's wire values → what jsonb_to_recordset turns into the column's type. Numbers stay JSON
// numbers: their text is the shortest round-trip decimal of the double, which Postgres parses
// into numeric exactly — no float arithmetic on money.
type Converter = (v: unknown) => unknown;

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function bad(expected: string, v: unknown): never {
  throw new TypeError(`expected ${expected}, got ${JSON.stringify(v)?.slice(0, 80)}`);
}

const orNull =
  (f: Converter): Converter =>
  (v) =>
    v === false || v === null || v === undefined ? null : f(v);

const CONVERTERS: Record<Column['sqlType'], Converter> = {
  bigint: orNull((v) => {
    // many2one comes as [id, display_name] (or a bare id when read with load='')
    const n = Array.isArray(v) ? v[0] : v;
    return typeof n === 'number' && Number.isInteger(n) ? n : bad('an integer or [id, name]', v);
  }),
  'bigint[]': (v) => {
    if (v === false || v === null || v === undefined) return [];
    return Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? v : bad('a list of ids', v);
  },
  numeric: orNull((v) => (typeof v === 'number' && Number.isFinite(v) ? v : bad('a number', v))),
  text: orNull((v) => (typeof v === 'string' ? v : bad('a string', v))),
  date: orNull((v) => (typeof v === 'string' && DATE.test(v) ? v : bad('a date YYYY-MM-DD', v))),
  // Odoo's datetimes are UTC without a zone; say so, whatever the session's TimeZone.
  timestamptz: orNull((v) =>
    typeof v === 'string' && DATETIME.test(v)
      ? `${v.replace(' ', 'T')}Z`
      : bad('a UTC datetime', v),
  ),
  boolean: (v) =>
    typeof v === 'boolean' ? v : v === null || v === undefined ? null : bad('a boolean', v),
  jsonb: orNull((v) => v),
};

/** Converts one page of Odoo records for `columns`; any bad value rejects the whole page. */
export function convertPage(
  model: string,
  columns: readonly Column[],
  records: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const convs = columns.map((c) => CONVERTERS[c.sqlType]);
  const out = new Array<Record<string, unknown>>(records.length);
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    if (typeof rec !== 'object' || rec === null || !Number.isInteger(rec.id)) {
      throw new MalformedRecordError(`${model}: a record without an integer id`, { model });
    }
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) {
      const name = columns[c].name;
      try {
        row[name] = convs[c](rec[name]);
      } catch (e) {
        throw new MalformedRecordError(
          `${model} id ${rec.id}, field ${name}: ${(e as Error).message}`,
          {
            model,
            cause: e,
          },
        );
      }
    }
    out[i] = row;
  }
  return out;
}

/** Odoo's 'YYYY-MM-DD HH:MM:SS' (UTC) as a Date. */
export function parseOdooDatetime(v: string): Date {
  return new Date(`${v.replace(' ', 'T')}Z`);
}

/** A Date as the 'YYYY-MM-DD HH:MM:SS' UTC string Odoo's domains expect. */
export function formatOdooDatetime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
