import { describe, expect, it } from 'vitest';
import type { Column } from '../../packages/shared/src/sync/columns.ts';
import { planColumns } from '../../packages/shared/src/sync/columns.ts';
import { convertPage, encodePage } from '../../packages/shared/src/sync/convert.ts';
import { encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { MalformedRecordError } from '../../packages/shared/src/sync/errors.ts';

const col = (name: string, sqlType: Column['sqlType'], odooType = 'x'): Column => ({
  name,
  sqlType,
  odooType,
});
const COLUMNS = [
  col('id', 'bigint'),
  col('partner_id', 'bigint', 'many2one'),
  col('tag_ids', 'bigint[]', 'many2many'),
  col('amount', 'numeric'),
  col('name', 'text'),
  col('date', 'date'),
  col('write_date', 'timestamptz'),
  col('reconciled', 'boolean'),
  col('meta', 'jsonb'),
];

describe('Odoo values → mirror rows', () => {
  it("maps Odoo's wire values as DESIGN §3 says", () => {
    const [a, b] = convertPage('m', COLUMNS, [
      {
        id: 1,
        partner_id: [7, 'Café & <Co> "ü"'],
        tag_ids: [3, 1],
        amount: 0.1,
        name: 'línea\ttab\n',
        date: '2026-02-28',
        write_date: '2026-02-28 23:59:59',
        reconciled: false,
        meta: { k: [1] },
      },
      {
        id: 2,
        partner_id: false,
        tag_ids: [],
        amount: false,
        name: false,
        date: false,
        write_date: false,
        reconciled: true,
        meta: false,
      },
    ]);
    expect(a).toEqual({
      id: 1,
      partner_id: 7,
      tag_ids: [3, 1],
      amount: 0.1,
      name: 'línea\ttab\n',
      date: '2026-02-28',
      write_date: '2026-02-28T23:59:59Z',
      reconciled: false,
      meta: { k: [1] },
    });
    expect(b).toEqual({
      id: 2,
      partner_id: null,
      tag_ids: [],
      amount: null,
      name: null,
      date: null,
      write_date: null,
      reconciled: true,
      meta: null,
    });
  });

  it('keeps the shortest round-trip text of a double, which numeric parses exactly', () => {
    const page = encodePage(
      'm',
      [col('id', 'bigint'), col('amount', 'numeric')],
      [
        { id: 1, amount: 1234567.89 },
        { id: 2, amount: 0.30000000000000004 },
        { id: 3, amount: 1e-7 },
      ],
    );
    expect(page.json).toBe(
      '[{"id":1,"amount":1234567.89},{"id":2,"amount":0.30000000000000004},{"id":3,"amount":1e-7}]',
    );
    expect(page.ids).toEqual([1, 2, 3]);
  });

  it('reports the greatest write_date of a page', () => {
    const page = encodePage(
      'm',
      [col('id', 'bigint'), col('write_date', 'timestamptz')],
      [
        { id: 1, write_date: '2026-01-02 00:00:00' },
        { id: 2, write_date: '2026-01-03 10:00:00' },
        { id: 3, write_date: false },
      ],
    );
    expect(page.maxWriteDate).toBe('2026-01-03 10:00:00');
  });

  it.each([
    [
      { id: 1, partner_id: 'seven' },
      /m id 1, field partner_id: expected an integer or \[id, name\], got "seven"/,
    ],
    [{ id: 1, amount: 'NaN' }, /field amount: expected a number/],
    [{ id: 1, date: '28/02/2026' }, /field date: expected a date YYYY-MM-DD/],
    [
      { id: 1, write_date: '2026-02-28T10:00:00+02:00' },
      /field write_date: expected a UTC datetime/,
    ],
    [{ id: 1, reconciled: 'yes' }, /field reconciled: expected a boolean/],
    [{ id: 1, tag_ids: [1, 'x'] }, /field tag_ids: expected a list of ids/],
    [{ name: 'no id' }, /m: a record without an integer id/],
    [{ id: 1, date: '2023-02-29' }, /field date: expected a date YYYY-MM-DD, got "2023-02-29"/],
    [{ id: 1, write_date: '2026-02-28 24:00:00' }, /field write_date: expected a UTC datetime/],
  ])('rejects the whole page for a malformed record %j', (record, message) => {
    // Both encodings (JSON for upserts, binary COPY for snapshot pages) judge alike.
    for (const encode of [encodePage, encodeCopyPage]) {
      expect(() => encode('m', COLUMNS, [{ id: 9 }, record as never])).toThrow(
        MalformedRecordError,
      );
      expect(() => encode('m', COLUMNS, [record as never])).toThrow(message);
    }
  });
});

describe('columns from fields_get', () => {
  const FIELDS = {
    name: { type: 'char' },
    partner_id: { type: 'many2one', relation: 'res.partner' },
    line_ids: { type: 'one2many', relation: 'account.move.line' },
    tag_ids: { type: 'many2many', relation: 'x.tag' },
    amount_total: { type: 'monetary' },
    attachment: { type: 'binary' },
    display_name: { type: 'char', store: false },
    state: { type: 'selection' },
    write_date: { type: 'datetime' },
  };

  it("'*' takes every stored field but binaries and one2many", () => {
    const { columns, missing } = planColumns(FIELDS, ['*']);
    expect(columns.map((c) => `${c.name}:${c.sqlType}`)).toEqual([
      'id:bigint',
      'amount_total:numeric',
      'name:text',
      'partner_id:bigint',
      'state:text',
      'tag_ids:bigint[]',
      'write_date:timestamptz',
    ]);
    expect(missing).toEqual([]);
  });

  it('reports requested fields that are missing or not stored, without failing', () => {
    const { columns, missing } = planColumns(FIELDS, ['name', 'display_name', 'no_such_field']);
    expect(columns.map((c) => c.name)).toEqual(['id', 'name']);
    expect(missing).toEqual(['display_name', 'no_such_field']);
  });
});
