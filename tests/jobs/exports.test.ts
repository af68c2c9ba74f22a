import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agedReceivableWorkbook } from '../../packages/shared/src/jobs/aged-workbook.ts';
import { type ReadSheet, readBack, type Value } from '../xlsx/read-back.ts';
import {
  asUser,
  COMPANY_A,
  COMPANY_B,
  type ExportBooks,
  startBooks,
  USER_A,
  USER_B,
} from './books.ts';
import { memoryStore, runUntilIdle } from './run-jobs.ts';

// Every export kind, requested as a user through reporting.request_export, written by the
// worker in small slices over many invocations, read back by openpyxl and compared with what
// `reporting` answers that user for the same filters.
let books: ExportBooks;
const store = memoryStore();

beforeAll(async () => {
  books = await startBooks(3000, 'exports');
}, 180_000);
afterAll(async () => {
  await books?.close();
});

type Kind = 'text' | 'number' | 'date' | 'int' | 'pct';

/** A database value as openpyxl reads the cell back. */
function cell(v: unknown, kind: Kind): Value {
  if (v === null || v === undefined) return null;
  if (kind === 'number' || kind === 'int') return Number(v);
  if (kind === 'date')
    return `${(v instanceof Date ? v.toISOString() : String(v)).slice(0, 10)}T00:00:00`;
  const s = String(v).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
  return s === '' ? null : s;
}

const rowOf = (r: Record<string, unknown>, cols: [string, Kind][]) =>
  cols.map(([c, k]) => cell(r[c], k));

async function exportAs(user: string, kind: string, params: Record<string, unknown>) {
  const id = await asUser(books.sql, user, async (tx) => {
    const [r] =
      await tx`select reporting.request_export(${kind}, ${tx.json(params as never)}) as id`;
    return Number(r.id);
  });
  // One slice per invocation (a budget any slice exceeds): how many invocations a book takes
  // then depends on its rows, not on how fast this machine is today.
  const summaries = await runUntilIdle(books.sql, store, { budgetMs: 1 });
  const [job] = await asUser(
    books.sql,
    user,
    (tx) => tx`select * from reporting.export_jobs where job_id = ${id}`,
  );
  expect(job).toMatchObject({ status: 'done', error: null });
  expect(job.file_path).toMatch(new RegExp(`^${user}/${id}-.+\\.xlsx$`));
  const bytes = store.files.get(job.file_path);
  expect(bytes).toBeDefined();
  return { job, summaries, book: readBack(bytes!) };
}

/** The sheet's rows below its header (up to the autofilter's last row). */
function dataRows(sheet: ReadSheet): { header: number; rows: Value[][] } {
  const [from, to] = sheet.filter!.split(':').map((ref) => Number(ref.replace(/^[A-Z]+/, '')));
  return { header: from - 1, rows: sheet.rows.slice(from, to) };
}

function expectFormats(sheet: ReadSheet, columns: Kind[]) {
  const { header, rows } = dataRows(sheet);
  expect(sheet.freeze).toBe(`A${header + 2}`);
  expect(sheet.formats[header].every((f) => f === null || f[0] === true)).toBe(true);
  expect(Object.keys(sheet.widths).length).toBe(columns.length);
  const want: Record<Kind, string> = {
    text: 'General',
    number: '#,##0.00',
    date: 'yyyy-mm-dd',
    int: '#,##0',
    pct: '0.00%',
  };
  columns.forEach((k, c) => {
    const f = sheet.formats
      .slice(header + 1, header + 1 + rows.length)
      .find((r) => r[c] !== null)?.[c];
    if (f) expect([c, f[1], f[0]]).toEqual([c, want[k], false]);
  });
}

const BUCKETS = [
  'not_due',
  'days_1_30',
  'days_31_60',
  'days_61_90',
  'days_91_120',
  'older',
  'total',
];

describe.each(['receivable', 'payable'] as const)('aged %s export', (kind) => {
  it('has the title block, the partner summary with total and % rows, and every open item', async () => {
    const asOf = kind === 'receivable' ? null : '2026-10-15';
    const { book, summaries } = await exportAs(USER_A, `aged_${kind}`, {
      company_id: COMPANY_A,
      ...(asOf ? { as_of: asOf } : {}),
    });
    // Written over several invocations (the payables are few).
    if (kind === 'receivable')
      expect(summaries.filter((s) => s.outcome === 'more').length).toBeGreaterThan(2);
    const [summary, detail] = book;
    expect(book.map((s) => s.name)).toEqual(['Summary', 'Open items']);
    const date = asOf ?? new Date().toISOString().slice(0, 10);
    expect(summary.rows[0][0]).toBe(`Aged ${kind} — Own Co & Sons <Ltd>`);
    const lines = Object.fromEntries(summary.rows.slice(1, 7).map((r) => [r[0], r[1]]));
    expect(lines).toMatchObject({
      Company: 'Own Co & Sons <Ltd>',
      'As of': `${date}T00:00:00`,
      Currency: 'EUR',
    });
    expect(lines['Aging basis']).toMatch(/due date/i);
    expect(String(lines['Generated at'])).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect('Data as of' in lines).toBe(true);

    const expected = await asUser(
      books.sql,
      USER_A,
      (tx) => tx`
      select coalesce(a.partner_name, 'Unknown') as partner, p.vat, a.*
        from reporting.aged_balance(${date}::text::date, ${kind}) a
        left join reporting.partners p on p.partner_id = a.partner_id
       where a.company_id = ${COMPANY_A}`,
    );
    const cols: [string, Kind][] = [
      ['partner', 'text'],
      ['vat', 'text'],
      ...BUCKETS.map((b): [string, Kind] => [b, 'number']),
    ];
    const { rows } = dataRows(summary);
    const grand = expected.reduce((n, r) => n + Number(r.total), 0);
    const want = expected.map((r) => [...rowOf(r, cols), Number(r.total) / grand]);
    const byKey = (x: Value[]) => `${x[0]}|${x[8]}`;
    expect(rows.map(byKey).sort()).toEqual(want.map(byKey).sort());
    for (const r of rows) {
      const w = want.find((x) => byKey(x) === byKey(r))!;
      expect(r.slice(0, 9)).toEqual(w.slice(0, 9));
      expect(r[9]).toBeCloseTo(w[9] as number, 12);
    }
    // Largest first, then the total row and the % row (bold), below the autofilter.
    const totals = rows.map((r) => r[8] as number);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const [total, pct] = summary.rows.slice(summary.rows.length - 2);
    expect(total[0]).toBe('Total');
    BUCKETS.forEach((b, i) => {
      expect(total[2 + i]).toBeCloseTo(
        expected.reduce((n, r) => n + Number(r[b]), 0),
        2,
      );
      expect(pct[2 + i]).toBeCloseTo(Number(total[2 + i]) / grand, 12);
    });
    const last = summary.formats.length - 1;
    expect(summary.formats[last - 1][8]).toEqual([true, '#,##0.00']);
    expect(summary.formats[last][8]).toEqual([true, '0.00%']);
    expectFormats(summary, [
      'text',
      'text',
      'number',
      'number',
      'number',
      'number',
      'number',
      'number',
      'number',
      'pct',
    ]);

    const items = await asUser(
      books.sql,
      USER_A,
      (tx) => tx`
      select * from reporting.aged_detail(${date}::text::date, ${kind}, ${COMPANY_A}, n => 50000)`,
    );
    const itemCols: [string, Kind][] = [
      ['company_name', 'text'],
      ['partner_name', 'text'],
      ['vat', 'text'],
      ['document', 'text'],
      ['invoice_date', 'date'],
      ['due_date', 'date'],
      ['days_overdue', 'int'],
      ['currency', 'text'],
      ['amount_original', 'number'],
      ['residual_currency', 'number'],
      ['residual_company', 'number'],
      ['bucket', 'text'],
    ];
    const detailRows = dataRows(detail).rows;
    expect(detailRows).toEqual(
      items.map((r) => rowOf({ ...r, partner_name: r.partner_name ?? 'Unknown' }, itemCols)),
    );
    // The items add up to the summary, partner by partner.
    const perPartner = new Map<Value, number>();
    for (const r of detailRows)
      perPartner.set(r[1], (perPartner.get(r[1]) ?? 0) + Math.round((r[10] as number) * 100));
    for (const r of rows) expect(perPartner.get(r[0])).toBe(Math.round((r[8] as number) * 100));
    expect(
      items.some((r) => r.currency === 'USD' && r.residual_currency !== r.residual_company),
    ).toBe(true);
    expectFormats(detail, [
      'text',
      'text',
      'text',
      'text',
      'date',
      'date',
      'int',
      'text',
      'number',
      'number',
      'number',
      'text',
    ]);
  });
});

describe('the aged receivable for the weekly digest', () => {
  it('is the same workbook, written whole in memory, and none past the row cap', async () => {
    const date = '2026-10-15';
    const book = await agedReceivableWorkbook(books.sql, COMPANY_A, date);
    expect(book?.filename).toBe(`aged-receivable-1-${date}.xlsx`);
    const [summary, detail] = readBack(book!.content);
    const { book: exported } = await exportAs(USER_A, 'aged_receivable', {
      company_id: COMPANY_A,
      as_of: date,
    });
    expect(dataRows(summary).rows).toEqual(dataRows(exported[0]).rows);
    expect(detail.rows).toEqual(exported[1].rows);
    expect(await agedReceivableWorkbook(books.sql, COMPANY_A, date, 100)).toBeNull();
  });
});

describe('open invoices export', () => {
  it("holds exactly the documents of the page's filters, by due date", async () => {
    const params = {
      company_id: COMPANY_A,
      kind: 'receivable',
      search: 'sons',
      overdue_only: true,
    };
    const { book, job } = await exportAs(USER_A, 'open_invoices', params);
    const expected = await asUser(
      books.sql,
      USER_A,
      (tx) => tx`
      select * from reporting.open_invoices
       where company_id = ${COMPANY_A} and overdue and kind = 'receivable'
         and (name ilike '%sons%' or partner_name ilike '%sons%' or ref ilike '%sons%')
       order by due_date, move_id`,
    );
    expect(expected.length).toBeGreaterThan(10);
    const cols: [string, Kind][] = [
      ['name', 'text'],
      ['kind', 'text'],
      ['move_type', 'text'],
      ['partner_name', 'text'],
      ['ref', 'text'],
      ['invoice_date', 'date'],
      ['due_date', 'date'],
      ['days_overdue', 'int'],
      ['currency', 'text'],
      ['amount_total', 'number'],
      ['amount_residual', 'number'],
      ['residual_company', 'number'],
      ['company_currency', 'text'],
    ];
    const [sheet] = book;
    expect(dataRows(sheet).rows).toEqual(expected.map((r) => rowOf(r, cols)));
    expect(Number(job.rows_done)).toBe(expected.length);
    expect(sheet.rows.slice(0, 6).map((r) => r[0])).toEqual([
      'Open invoices and bills — Own Co & Sons <Ltd>',
      'Company',
      'Filters',
      'Days overdue as of',
      'Generated at',
      'Data as of',
    ]);
    expect(sheet.rows[2][1]).toBe('overdue only, customer invoices, search "sons"');
    expectFormats(sheet, [
      'text',
      'text',
      'text',
      'text',
      'text',
      'date',
      'date',
      'int',
      'text',
      'number',
      'number',
      'number',
      'text',
    ]);
  });
});

describe('partner ledger export', () => {
  it("holds the partner's ledger lines with the running balance, XML-forbidden characters removed", async () => {
    for (const partner of [7, 22]) {
      const { book } = await exportAs(USER_A, 'partner_ledger', {
        company_id: COMPANY_A,
        partner_id: partner,
      });
      const expected = await asUser(
        books.sql,
        USER_A,
        (tx) => tx`
        select *, coalesce(label, ref) as label2 from reporting.partner_ledger
         where company_id = ${COMPANY_A} and partner_id = ${partner} order by date, line_id`,
      );
      expect(expected.length).toBeGreaterThan(3);
      const cols: [string, Kind][] = [
        ['partner_name', 'text'],
        ['date', 'date'],
        ['move_name', 'text'],
        ['journal_code', 'text'],
        ['account_code', 'text'],
        ['label2', 'text'],
        ['due_date', 'date'],
        ['debit', 'number'],
        ['credit', 'number'],
        ['balance', 'number'],
        ['running_balance', 'number'],
        ['currency', 'text'],
        ['amount_currency', 'number'],
        ['matching_number', 'text'],
      ];
      const [sheet] = book;
      expect(dataRows(sheet).rows).toEqual(expected.map((r) => rowOf(r, cols)));
      expect(sheet.rows[2][1]).toBe(
        partner === 22 ? 'Partner 22 badchar' : 'Partner 7 & <Sons> "quoted"',
      );
      expectFormats(sheet, [
        'text',
        'date',
        'text',
        'text',
        'text',
        'text',
        'date',
        'number',
        'number',
        'number',
        'number',
        'text',
        'number',
        'text',
      ]);
    }
  });
});

describe('who may export and see what', () => {
  it('refuses a company not granted to the caller, bad kinds and parameters, and anonymous callers', async () => {
    const ask = (user: string | null, kind: string, params: unknown) =>
      books.sql.begin(async (tx) => {
        const claims = user ? { sub: user, role: 'authenticated' } : { role: 'anon' };
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                        set_config('role', ${user ? 'authenticated' : 'anon'}, true)`;
        return tx`select reporting.request_export(${kind}, ${tx.json(params as never)})`;
      });
    await expect(ask(USER_A, 'aged_receivable', { company_id: COMPANY_B })).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('no access to company 2'),
    });
    await expect(ask(USER_A, 'payroll', { company_id: COMPANY_A })).rejects.toMatchObject({
      code: '22023',
    });
    await expect(
      ask(USER_A, 'aged_receivable', { company_id: COMPANY_A, evil: 1 }),
    ).rejects.toMatchObject({
      code: '22023',
      message: expect.stringContaining("no parameter 'evil'"),
    });
    await expect(
      ask(USER_A, 'aged_receivable', { company_id: COMPANY_A, as_of: 'yesterday' }),
    ).rejects.toMatchObject({
      code: '22023',
    });
    await expect(ask(null, 'aged_receivable', { company_id: COMPANY_A })).rejects.toMatchObject({
      code: '42501',
    });
  });

  it("shows each user their own jobs only, never another user's", async () => {
    const [{ id }] = await asUser(
      books.sql,
      USER_B,
      (tx) =>
        tx`select reporting.request_export('open_invoices', ${tx.json({ company_id: COMPANY_B } as never)}) as id`,
    );
    await runUntilIdle(books.sql, store);
    const mine = (user: string) =>
      asUser(
        books.sql,
        user,
        (tx) => tx`select job_id, file_path from reporting.export_jobs order by job_id`,
      );
    const a = await mine(USER_A);
    const b = await mine(USER_B);
    expect(b.map((j) => Number(j.job_id))).toEqual([Number(id)]);
    expect(b[0].file_path.startsWith(`${USER_B}/`)).toBe(true);
    expect(a.length).toBeGreaterThan(0);
    expect(a.some((j) => Number(j.job_id) === Number(id))).toBe(false);
    expect(a.every((j) => j.file_path === null || j.file_path.startsWith(`${USER_A}/`))).toBe(true);
    // The table itself is closed to API roles.
    await expect(
      asUser(books.sql, USER_A, (tx) => tx`select * from ods.jobs`),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
