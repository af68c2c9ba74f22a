import { describe, expect, it } from 'vitest';
import type { Column } from '../../packages/shared/src/xlsx/sheet-xml.ts';
import {
  newWorkbookState,
  type SheetPiece,
  type SheetSpec,
  WorkbookSlice,
  type WorkbookState,
} from '../../packages/shared/src/xlsx/sliced-workbook.ts';
import { workbookFile } from '../../packages/shared/src/xlsx/workbook-file.ts';
import { readBack } from './read-back.ts';

const columns: Column[] = [
  { header: 'Partner', type: 'text', width: 30 },
  { header: 'Due', type: 'date', width: 12 },
  { header: 'Days', type: 'integer', width: 8 },
  { header: 'Amount', type: 'number', width: 14 },
  { header: 'Share', type: 'percent', width: 9 },
];
const spec: SheetSpec = {
  name: 'Detail',
  columns,
  title: 'Aged receivable',
  lines: [
    { label: 'Company', value: 'Own Co' },
    { label: 'As of', value: '2026-12-04', type: 'date' },
    { label: 'Generated at', value: '2026-12-04T10:11:12Z', type: 'datetime' },
  ],
};

const row = (i: number) => [
  `Partner ${i} & <Sons>`,
  `2026-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1}`,
  i,
  `${i}.${String(i % 100).padStart(2, '0')}`,
  i / 1000,
];

/** Writes `rows` in slices of `per`, the state going through JSON between them (as between
 * invocations, where it is saved in the job). */
function writeSliced(
  n: number,
  per: number,
  opts: { maxRows?: number; rowOf?: (i: number) => unknown[]; specs?: SheetSpec[] } = {},
) {
  let state: WorkbookState = newWorkbookState();
  const pieces: SheetPiece[] = [];
  const rowOf = opts.rowOf ?? row;
  for (let from = 0; from < n || state.sheets.length === 0; from += per) {
    const slice = new WorkbookSlice(state, opts.maxRows);
    slice.use(spec);
    for (let i = from; i < Math.min(n, from + per); i++) slice.add(rowOf(i) as never);
    if (from + per >= n) {
      slice.add(['Total', null, null, '12.5', 1], { total: true });
      slice.close();
    }
    pieces.push(...slice.finish());
    state = JSON.parse(JSON.stringify(state));
  }
  return workbookFile(state, pieces, new Date('2026-12-04T10:00:00Z'));
}

describe('sliced xlsx writer, read back by openpyxl', () => {
  it('keeps every value, format, the frozen bold header, widths and the autofilter across slices', () => {
    const [sheet] = readBack(writeSliced(2500, 700));
    expect(sheet.name).toBe('Detail');
    expect(sheet.rows[0][0]).toBe('Aged receivable');
    expect(sheet.rows.slice(1, 4).map((r) => r.slice(0, 2))).toEqual([
      ['Company', 'Own Co'],
      ['As of', '2026-12-04T00:00:00'],
      ['Generated at', '2026-12-04T10:11:12'],
    ]);
    expect(sheet.rows[5]).toEqual(['Partner', 'Due', 'Days', 'Amount', 'Share']);
    expect(sheet.freeze).toBe('A7');
    expect(sheet.filter).toBe('A6:E2506');
    expect(sheet.widths).toEqual({ A: 30, B: 12, C: 8, D: 14, E: 9 });
    const data = sheet.rows.slice(6, 6 + 2500);
    expect(data).toHaveLength(2500);
    data.forEach((r, i) => {
      const [name, due, days, amount, share] = row(i);
      expect(r).toEqual([name, `${due}T00:00:00`, days, Number(amount), share]);
    });
    expect(sheet.rows[2506]).toEqual(['Total', null, null, 12.5, 1]);
    expect(sheet.formats[5].every((f) => f?.[0] === true)).toBe(true);
    expect(sheet.formats[6]).toEqual([
      [false, 'General'],
      [false, 'yyyy-mm-dd'],
      [false, '#,##0'],
      [false, '#,##0.00'],
      [false, '0.00%'],
    ]);
    expect(sheet.formats[2506]).toEqual([
      [true, 'General'],
      null,
      null,
      [true, '#,##0.00'],
      [true, '0.00%'],
    ]);
    expect(sheet.formats[0][0]?.[0]).toBe(true);
  });

  it("removes XML-forbidden characters and cuts text at Excel's 32,767 characters", () => {
    const long = 'x'.repeat(40_000);
    const [sheet] = readBack(
      writeSliced(3, 2, {
        rowOf: (i) =>
          [
            ['a\u0000b\u0008c\u000bd\u001fe\uFFFEf\uD800g', long, ' padded '][i],
            null,
            null,
            'not a number',
            null,
          ] as unknown[],
      }),
    );
    expect(sheet.rows.slice(6, 9).map((r) => r[0])).toEqual([
      'abcdefg',
      'x'.repeat(32_767),
      ' padded ',
    ]);
    // A value that is not what its column says is kept as text, not lost.
    expect(sheet.rows[6][3]).toBe('not a number');
  });

  it('continues on a new sheet with the same header at the row limit', () => {
    const book = readBack(writeSliced(25, 7, { maxRows: 20 }));
    expect(book.map((s) => s.name)).toEqual(['Detail', 'Detail (2)']);
    // First sheet: title block and header (6 rows), then rows up to row 20.
    expect(book[0].max_row).toBe(20);
    expect(book[1].rows[0]).toEqual(['Partner', 'Due', 'Days', 'Amount', 'Share']);
    expect(book[1].freeze).toBe('A2');
    const names = [...book[0].rows.slice(6), ...book[1].rows.slice(1)].map((r) => r[0]);
    expect(names).toEqual([...Array.from({ length: 25 }, (_, i) => row(i)[0]), 'Total']);
  });
});
