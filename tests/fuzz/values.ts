// Random Odoo answers for the fuzz suites: fields_get descriptions with hostile names, and
// records whose values are mostly what Odoo sends for each type, sometimes anything at all.
import { XmlRpcDateTime } from '../../packages/shared/src/odoo/xmlrpc-datetime.ts';
import type { Column, OdooFieldInfo } from '../../packages/shared/src/sync/columns.ts';
import { deepValue, type Fuzz, hostileFieldName, hostileString } from './fuzz-kit.ts';

export const col = (name: string, sqlType: Column['sqlType']): Column => ({
  name,
  sqlType,
  odooType: 'x',
});

/** A column of every SQL type the mirror uses, as planColumns orders them (by name). */
export const EVERY_TYPE = [
  col('id', 'bigint'),
  col('amount', 'numeric'),
  col('date', 'date'),
  col('meta', 'jsonb'),
  col('name', 'text'),
  col('partner_id', 'bigint'),
  col('reconciled', 'boolean'),
  col('tag_ids', 'bigint[]'),
  col('write_date', 'timestamptz'),
];
/** The same without jsonb, which the transcoder leaves to the slow path. */
export const TRANSCODABLE = EVERY_TYPE.filter((c) => c.sqlType !== 'jsonb');

const ODOO_TYPES = [
  'integer',
  'many2one',
  'many2many',
  'float',
  'monetary',
  'char',
  'text',
  'selection',
  'date',
  'datetime',
  'boolean',
  'json',
  'binary',
  'one2many',
  'no_such_type',
];

/** A fields_get answer: mostly sound fields, some hostile names and descriptions. */
export function randomFieldsGet(f: Fuzz): Record<string, OdooFieldInfo> {
  const fields: Record<string, OdooFieldInfo> = {};
  for (let n = f.int(1, 12); n > 0; n--) {
    const name = hostileFieldName(f);
    const info = f.chance(0.05)
      ? f.pick([null, 5, 'char', [], { store: true }, { type: '__proto__' }])
      : { type: f.pick(ODOO_TYPES), ...(f.chance(0.1) ? { store: false } : {}) };
    Object.defineProperty(fields, name, { value: info, enumerable: true, writable: true });
  }
  fields.write_date = { type: 'datetime' };
  return fields;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const date = (f: Fuzz) =>
  `${pad(f.int(1, 9999), 4)}-${pad(f.int(1, 12), 2)}-${pad(f.int(1, 28), 2)}`;
/** A fraction of a second: Odoo sends none, but Postgres reads up to any length (and rounds). */
const fraction = (f: Fuzz) =>
  f.chance(0.3)
    ? f.pick(['0000005', '0000015', '0000025', '9999995', '9999994999', '5', '000001'])
    : Array.from({ length: f.int(1, 12) }, () => f.int(0, 9)).join('');
const time = (f: Fuzz) =>
  `${pad(f.int(0, 23), 2)}:${pad(f.int(0, 59), 2)}:${pad(f.int(0, 59), 2)}${f.chance(0.15) ? `.${fraction(f)}` : ''}`;

function double(f: Fuzz): number {
  switch (f.int(0, 4)) {
    case 0:
      return f.int(-1e6, 1e6) / 100;
    case 1:
      return (f.next() - 0.5) * 10 ** f.int(-30, 30);
    case 2:
      return f.int(-(2 ** 31), 2 ** 31);
    case 3:
      return Number((f.next() * 1e6).toFixed(f.int(0, 6)));
    default:
      return f.pick([0, -0, 0.1, 1e21, 1e-7, 2 ** 53 - 1, 123456789012.34, 1 / 3]);
  }
}

/** A value as Odoo sends it for a field of this SQL type. */
function sound(f: Fuzz, sqlType: string): unknown {
  if (f.chance(0.15)) return sqlType === 'boolean' ? f.chance(0.5) : false;
  switch (sqlType) {
    case 'bigint':
      return f.chance(0.5) ? [f.int(1, 2 ** 40), hostileString(f, 12)] : f.int(-(2 ** 40), 2 ** 40);
    case 'bigint[]':
      return Array.from({ length: f.int(0, 5) }, () => f.int(1, 2 ** 40));
    case 'numeric':
      return double(f);
    case 'text':
      return f.chance(0.8) ? `plain ${f.int(0, 1e6)} café 😀` : hostileString(f);
    case 'date':
      return date(f);
    case 'timestamptz':
      return `${date(f)} ${time(f)}`;
    case 'boolean':
      return f.chance(0.5);
    default:
      return f.pick([{ a: [1, 'x'] }, [1, 2], 'str', 12.5, { nested: { deeper: [true, null] } }]);
  }
}

const NEAR_MISS_DATES = [
  '2024-02-30',
  '2023-02-29',
  '0000-01-01',
  '2024-01-1İ',
  '2024-01-1０',
  '2024-1-01',
  '2024-01-01T00:00:00',
  '2024-01-01 24:00:00',
  '2024-01-01 10:00:60',
  '2024-01-01 10:00:00.',
  '2024-01-01 10:00:00Z',
  '+2024-01-01',
  ' 2024-01-01',
  '10000-01-01',
  '2024-01-01 10:00:00.1234567890123456789012345',
];

/** Anything at all: wrong types, values Postgres cannot hold, huge and deep ones. */
export function hostileValue(f: Fuzz): unknown {
  switch (f.int(0, 9)) {
    case 0:
      return hostileString(f);
    case 1:
      return f.pick(NEAR_MISS_DATES);
    case 2:
      return f.pick([Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 63, 1e308, 5e-324, -0, 1.5]);
    case 3:
      return f.pick([2n ** 64n, 5n, -(2n ** 70n)]);
    case 4:
      return f.pick([null, undefined, true, 0, '', '0']);
    case 5:
      return f.pick([[], [1, 'x'], [[1]], ['1'], [1.5], [2 ** 60], [null], [1, 2, 3]]);
    case 6:
      return f.pick([{}, { id: 1 }, new XmlRpcDateTime('20240101T10:00:00'), new Uint8Array(3)]);
    case 7:
      // 100,000 deep is costly to build and to refuse: now and then (hostile-values tests it).
      return deepValue(f.chance(0.05) ? 100_000 : f.pick([2, 999, 1000, 1001]));
    case 8:
      return { [hostileString(f, 5)]: hostileString(f, 5) };
    default:
      return `${f.pick(['2024-01-01', '2024-01-01 10:00:00'])}${hostileString(f, 3)}`;
  }
}

/** `count` records for `columns` (names and SQL types), `hostile` the share of wild values. */
export function randomRecords(
  f: Fuzz,
  columns: readonly { name: string; sqlType: string }[],
  count: number,
  hostile: number,
): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  let id = f.int(0, 1000);
  for (let r = 0; r < count; r++) {
    const rec: Record<string, unknown> = {};
    id += f.int(1, 1000);
    for (const c of columns) {
      const v =
        c.name === 'id'
          ? f.chance(hostile / 4)
            ? hostileValue(f)
            : id
          : f.chance(hostile)
            ? hostileValue(f)
            : sound(f, c.sqlType);
      Object.defineProperty(rec, c.name, { value: v, enumerable: true, writable: true });
    }
    records.push(rec);
  }
  return records;
}
