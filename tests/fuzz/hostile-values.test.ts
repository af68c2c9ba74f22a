// Hostile or broken Odoo input, case by case: every value Postgres cannot hold (or would hold
// as something else) is refused by both page encodings with an error naming model, id and
// field, and the transcoder declines it so that the slow path can name it too.
import { describe, expect, it } from 'vitest';
import {
  describeRejected,
  fieldNameFault,
  planColumns,
} from '../../packages/shared/src/sync/columns.ts';
import { encodePage } from '../../packages/shared/src/sync/convert.ts';
import { encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { transcodeSearchRead } from '../../packages/shared/src/sync/copy-transcoder.ts';
import { MalformedRecordError } from '../../packages/shared/src/sync/errors.ts';
import { col, EVERY_TYPE, TRANSCODABLE } from './values.ts';

const COLUMNS = EVERY_TYPE;
const encoders = [
  ['JSON', encodePage],
  ['COPY', encodeCopyPage],
] as const;
const utf8 = new TextEncoder();
const deep = (n: number) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

describe('bad values fail the page, naming model, id and field', () => {
  it.each([
    [
      'a date whose last digit is İ (U+0130, low byte "0")',
      'date',
      '2024-01-1İ',
      /expected a date/,
    ],
    ['a date with a full-width digit', 'date', '2024-01-1０', /expected a date/],
    ['year 0, which Postgres has not', 'date', '0000-01-01', /expected a date/],
    ['a datetime with İ in it', 'write_date', '2024-01-01 10:00:0İ', /UTC datetime/],
    ['a datetime in year 0', 'write_date', '0000-12-31 10:00:00', /UTC datetime/],
    ['NUL in a text', 'name', 'a\u0000b', /NUL/],
    ['a lone high surrogate', 'name', 'x\ud83d', /lone surrogate/],
    ['a lone low surrogate', 'name', '\ude00x', /lone surrogate/],
    ['NUL inside JSON', 'meta', { k: ['a\u0000'] }, /NUL/],
    ['a lone surrogate in a JSON key', 'meta', { '\ud800': 1 }, /lone surrogate/],
    ['JSON nested 100,000 deep', 'meta', deep(100_000), /nested deeper than 1000/],
    ['an integer beyond 2^53 in JSON', 'meta', { n: 2n ** 64n }, /beyond 2\^53/],
    ['a many2one id beyond 2^53', 'partner_id', [2 ** 60, 'x'], /expected an integer/],
    ['an XML-RPC big integer', 'partner_id', 2n ** 63n, /got 9223372036854775808/],
    ['an id list with 1e300', 'tag_ids', [1, 1e300], /expected a list of ids/],
  ])('%s', (_, field, value, why) => {
    const record = { id: 42, [field]: value };
    for (const [, encode] of encoders) {
      let err: unknown;
      try {
        encode('x.model', COLUMNS, [{ id: 1 }, record]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MalformedRecordError);
      expect((err as Error).message).toMatch(new RegExp(`^x\\.model id 42, field ${field}: `));
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message.length).toBeLessThan(300);
    }
  });

  it('the transcoder declines what the encoders refuse, escaped or not', () => {
    const cols = TRANSCODABLE;
    for (const [field, raw] of [
      ['date', '"2024-01-1İ"'],
      ['date', '"2024-01-1\\u0130"'],
      ['date', '"0000-01-01"'],
      ['write_date', '"0000-01-01 00:00:00"'],
      ['name', '"a\\u0000b"'],
      ['name', '"a\\ud800b"'],
      ['name', '"a\\udc00"'],
      ['partner_id', '[9007199254740993, "x"]'],
      ['tag_ids', '[1e300]'],
    ]) {
      const values = { partner_id: 'false', tag_ids: '[]', name: '"n"', date: 'false' };
      const members = cols.map((c) =>
        c.name === 'id'
          ? '"id": 1'
          : `"${c.name}": ${c.name === field ? raw : ((values as Record<string, string>)[c.name] ?? 'false')}`,
      );
      const body = utf8.encode(`{"jsonrpc": "2.0", "id": 1, "result": [{${members.join(', ')}}]}`);
      expect(transcodeSearchRead('m', cols, body, true), `${field} ${raw}`).toBeUndefined();
      const records = JSON.parse(new TextDecoder().decode(body)).result;
      expect(() => encodeCopyPage('m', cols, records), `${field} ${raw}`).toThrow(
        new RegExp(`m id 1, field ${field}:`),
      );
    }
  });

  it.each([
    ['an object', { id: 1 }],
    ['a number', 5],
    ['a string', 'abc'],
    ['null', null],
  ])('a search_read answer that is %s is not a list of records', (_, answer) => {
    for (const [, encode] of encoders) {
      expect(() => encode('x.model', COLUMNS, answer as never)).toThrow(
        /^x\.model: search_read answered .*, not a list of records/,
      );
    }
  });

  it.each([
    ['no id', { name: 'x' }],
    ['an id beyond 2^53', { id: 2 ** 53 + 2 }],
    ['a record that is a string', 'record'],
    ['a record nested 100,000 deep', deep(100_000)],
  ])('a record with %s is refused, naming the model', (_, record) => {
    for (const [, encode] of encoders) {
      expect(() => encode('x.model', COLUMNS, [record as never])).toThrow(
        /^x\.model: a record without an integer id/,
      );
    }
  });
});

describe('values both encodings land exactly as Postgres reads their JSON text', () => {
  /** Microseconds since 1970, as Postgres computed them from the JSON path's text. */
  const PG_EPOCH_US = 946_684_800_000_000n;
  const cols = [col('id', 'bigint'), col('write_date', 'timestamptz')];
  const stamp = (page: Uint8Array) =>
    new DataView(page.buffer, page.byteOffset).getBigInt64(19 + 2 + 12 + 4) + PG_EPOCH_US;

  it.each([
    // Beyond 2^53 µs from 2000 (years after 2285), a double has no single microseconds.
    ['3814-04-28 14:25:19.998482', 58201165519998482n],
    // Postgres rounds a fraction to microseconds with rint(): halves to even.
    ['2024-01-01 10:00:00.0000025', 1704103200000002n],
    ['2024-01-01 10:00:00.0000015', 1704103200000002n],
    ['2024-01-01 10:00:00.0000005', 1704103200000000n],
  ])('%s (found by fuzzing against Postgres)', (v, us) => {
    const records = [{ id: 1, write_date: v }];
    expect(stamp(encodeCopyPage('m', cols, records).copy)).toBe(us);
    const body = utf8.encode(JSON.stringify({ result: records }));
    expect(stamp(transcodeSearchRead('m', cols, body, true)!.copy)).toBe(us);
  });

  it('NaN in a jsonb field is SQL NULL both ways, as json_to_recordset reads JSON null', () => {
    const cols = [col('id', 'bigint'), col('meta', 'jsonb')];
    expect(encodePage('m', cols, [{ id: 1, meta: Number.NaN }]).json).toBe(
      '[{"id":1,"meta":null}]',
    );
    const nul = encodeCopyPage('m', cols, [{ id: 1, meta: Number.NaN }]).copy;
    expect(new DataView(nul.buffer, nul.byteOffset).getInt32(19 + 2 + 12)).toBe(-1);
  });
});

describe('field names from fields_get', () => {
  const long = (c: string) => `f_${c.repeat(70)}`;
  const FIELDS = {
    name: { type: 'char' },
    '': { type: 'char' },
    _synced_at: { type: 'datetime' },
    ['__proto__']: { type: 'char' }, // computed: an own property, as JSON.parse makes it
    [long('a')]: { type: 'char' },
    [`${long('a')}b`]: { type: 'char' }, // the same first 63 bytes as the one above
    'with\u0000nul': { type: 'char' },
    Upper: { type: 'char' },
    'x-y': { type: 'char' },
    '1st': { type: 'char' },
    ctid: { type: 'char' },
    é: { type: 'char' },
    [`a${'b'.repeat(62)}`]: { type: 'char' }, // exactly 63 bytes: fine
    no_info: null,
    weird_type: { type: '__proto__' },
    amount: { type: 'monetary' },
  } as unknown as Record<string, { type: string }>;

  it('skips (and says why) every name that cannot be a column, keeping the others', () => {
    const fields = JSON.parse(JSON.stringify(FIELDS)); // as fields_get arrives: own __proto__ too
    const plan = planColumns(fields, ['*']);
    expect(plan.columns.map((c) => c.name)).toEqual(['id', `a${'b'.repeat(62)}`, 'amount', 'name']);
    expect(plan.missing).toEqual(['weird_type']);
    const reasons = Object.fromEntries(plan.rejected.map((r) => [r.name, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      [
        '',
        '_synced_at',
        '__proto__',
        long('a'),
        `${long('a')}b`,
        'with\u0000nul',
        'Upper',
        'x-y',
        '1st',
        'ctid',
        'é',
        'no_info',
      ].sort(),
    );
    expect(reasons['']).toMatch(/empty/);
    expect(reasons._synced_at).toMatch(/starting with _/);
    expect(reasons[long('a')]).toMatch(/longer than 63 bytes/);
    expect(reasons.ctid).toMatch(/system column/);
    expect(reasons.no_info).toMatch(/no attributes/);
    // Listed as Postgres text can hold it (NUL escaped) and short enough to read.
    const listed = plan.rejected.map(describeRejected);
    expect(listed).toContain(
      '"with\\u0000nul" (skipped: a name outside [a-z0-9_] or not starting with a letter or _)',
    );
    for (const l of listed) {
      expect(l).not.toContain('\u0000');
      expect(l.length).toBeLessThan(200);
    }
  });

  it.each([
    ['a string', 'abc'],
    ['a list', [{ type: 'char' }]],
    ['null', null],
  ])('a fields_get answer that is %s is an error naming the model', (_, answer) => {
    expect(() => planColumns(answer as never, ['*'], 'x.model')).toThrow(MalformedRecordError);
    expect(() => planColumns(answer as never, ['*'], 'x.model')).toThrow(
      /^x\.model: fields_get answered .*, not a description of fields/,
    );
  });

  it('checks names the catalog asks for too', () => {
    const plan = planColumns({ _synced_at: { type: 'datetime' }, name: { type: 'char' } }, [
      '_synced_at',
      'name',
      'xmin',
    ]);
    expect(plan.columns.map((c) => c.name)).toEqual(['id', 'name']);
    expect(plan.rejected.map((r) => r.name)).toEqual(['_synced_at', 'xmin']);
  });

  it.each([
    ['name', null],
    ['a', null],
    ['_', /starting with _/],
    ['a'.repeat(63), null],
    ['a'.repeat(64), /longer than 63/],
    ['ü'.repeat(40), /longer than 63/],
  ])('%j → %s', (name, fault) => {
    const got = fieldNameFault(name);
    if (fault === null) expect(got).toBeNull();
    else expect(got).toMatch(fault);
  });
});
