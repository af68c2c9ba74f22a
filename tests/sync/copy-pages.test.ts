// Snapshot pages go in by binary COPY, encoded from decoded records or transcoded straight from
// Odoo's JSON bytes. Both must land exactly what the JSON upsert path lands, for every value
// Odoo can send; the transcoder must decline whatever it cannot take as the slow path would.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeJson } from '../../packages/odoo-sim/src/json-response.ts';
import { type OdooValue, PyFloat } from '../../packages/odoo-sim/src/values.ts';
import type { Column } from '../../packages/shared/src/sync/columns.ts';
import { encodePage } from '../../packages/shared/src/sync/convert.ts';
import { encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { transcodeSearchRead } from '../../packages/shared/src/sync/copy-transcoder.ts';
import {
  CursorConflictError,
  MalformedRecordError,
} from '../../packages/shared/src/sync/errors.ts';
import { writePage } from '../../packages/shared/src/sync/page-writer.ts';
import { connectNoDelay } from '../../packages/shared/src/sync/pg-socket.ts';

const col = (name: string, sqlType: Column['sqlType']): Column => ({
  name,
  sqlType,
  odooType: 'x',
});
const COLUMNS: Column[] = [
  col('id', 'bigint'),
  col('amount', 'numeric'),
  col('date', 'date'),
  col('delta', 'bigint'),
  col('name', 'text'),
  col('partner_id', 'bigint'),
  col('reconciled', 'boolean'),
  col('tag_ids', 'bigint[]'),
  col('write_date', 'timestamptz'),
];
const WITH_JSON = [...COLUMNS, col('meta', 'jsonb')];

const f = (v: number) => new PyFloat(v); // serialised as Python's repr: 100.0, 1e-05, -0.0
const AMOUNTS = [
  f(0),
  f(-0),
  f(0.1),
  f(1234567.89),
  f(-5.5),
  f(1e-7),
  f(1e-5),
  f(0.0001),
  f(123456789012.34),
  f(1e16),
  f(1.5e20),
  f(1e21),
  f(0.30000000000000004),
  f(100),
  f(2 ** 53),
  f(1 / 3),
  f(-987654.321),
  42, // an int where Odoo has a float field
  false,
];
const NAMES = [
  'plain',
  '',
  'Café & <Co> "ü"',
  'tab\tnew\nline\\back/slash\r\f\b',
  '💶 euro, 日本語',
  '\u0001 control',
  'x'.repeat(2000),
  `${'é'.repeat(30)}${'a'.repeat(30)}`,
  false,
];
const DATES = ['2024-02-29', '1900-01-01', '2000-01-01', '1999-12-31', '9999-12-31', false];
const STAMPS = [
  '2026-11-27 23:59:59',
  '1970-01-01 00:00:00',
  '1999-12-31 23:59:59.5',
  '2026-01-01 00:00:00.123456',
  '1900-03-01 12:00:00',
  false,
];
const PARTNERS = [[7, 'Name'], false, [2 ** 33, 'x, "y" [z]'], 9, [12, false]];
const TAGS = [[], [1, 2 ** 40], [3], false];
const DELTAS = [-1, -(2 ** 40), 0, 2 ** 53 - 1, 2 ** 31 + 5, false];

/** Records an Odoo could send, every value of every list used at least once. */
function records(withJson = false): Record<string, OdooValue>[] {
  const n = 40;
  return Array.from({ length: n }, (_, i) => ({
    id: i * 3 + 1,
    amount: AMOUNTS[i % AMOUNTS.length],
    date: DATES[i % DATES.length],
    delta: DELTAS[i % DELTAS.length],
    name: NAMES[i % NAMES.length],
    partner_id: PARTNERS[i % PARTNERS.length] as OdooValue,
    reconciled: [true, false, null][i % 3],
    tag_ids: TAGS[i % TAGS.length] as OdooValue,
    write_date: STAMPS[i % STAMPS.length],
    ...(withJson ? { meta: [{ k: [1, 'ü'] }, false, 'str', [1, 2]][i % 4] as OdooValue } : {}),
  }));
}

const utf8 = new TextEncoder();
/** The answer as Odoo writes it: json.dumps with Python's separators and float repr. */
const jsonRpcBody = (recs: Record<string, OdooValue>[]) =>
  utf8.encode(encodeJson({ jsonrpc: '2.0', id: 3, result: recs }));
const decode = (body: Uint8Array, enveloped: boolean) => {
  const doc = JSON.parse(new TextDecoder().decode(body));
  return (enveloped ? doc.result : doc) as Record<string, unknown>[];
};

describe('binary COPY pages', () => {
  let sql: postgres.Sql;
  const tag = `copy_test_${process.pid}`;
  const table = (s: string) => `${tag}_${s}`;

  beforeAll(async () => {
    sql = postgres(inject('dbUrl'), { max: 2, onnotice: () => {} });
    for (const t of ['json', 'copy', 'transcoded']) {
      await sql.unsafe(`create table odoo.${table(t)} (
        id bigint primary key, _synced_at timestamptz not null default now(),
        ${WITH_JSON.slice(1)
          .map((c) => `"${c.name}" ${c.sqlType}`)
          .join(', ')})`);
    }
  });
  afterAll(async () => {
    for (const t of ['json', 'copy', 'transcoded']) {
      await sql.unsafe(`drop table if exists odoo.${table(t)}`);
    }
    await sql.end();
  });

  const rowsOf = (t: string) =>
    sql.unsafe(
      `select ${WITH_JSON.map((c) => `"${c.name}"`).join(', ')} from odoo.${table(t)} t order by id`,
    );

  it('land every value exactly as the JSON upsert does, decoded or transcoded', async () => {
    const body = jsonRpcBody(records(true));
    const recs = decode(body, true);
    await sql.begin((tx) =>
      writePage(tx, table('json'), WITH_JSON, encodePage('m', WITH_JSON, recs)),
    );
    const copy = encodeCopyPage('m', WITH_JSON, recs);
    await sql.begin((tx) => writePage(tx, table('copy'), WITH_JSON, copy));
    // The transcoder leaves jsonb to the slow path; without it, it takes this very answer.
    const plain = jsonRpcBody(records(false));
    const transcoded = transcodeSearchRead('m', COLUMNS, plain, true);
    expect(transcoded).toBeDefined();
    await sql.begin((tx) => writePage(tx, table('transcoded'), COLUMNS, transcoded!));

    const json = await rowsOf('json');
    expect(json).toHaveLength(40);
    // Compared as Postgres prints them: numeric scale, time zone, array and jsonb text.
    const text = (rows: postgres.RowList<postgres.Row[]>, cols: Column[]) =>
      rows.map((r) => cols.map((c) => JSON.stringify(r[c.name])).join('|'));
    const asText = async (t: string, cols: Column[]) =>
      (
        await sql.unsafe(
          `select ${cols.map((c) => `"${c.name}"::text as "${c.name}"`).join(', ')} from odoo.${table(t)} order by id`,
        )
      ).map((r) => cols.map((c) => r[c.name]).join('|'));
    expect(await asText('copy', WITH_JSON)).toEqual(await asText('json', WITH_JSON));
    expect(await asText('transcoded', COLUMNS)).toEqual(await asText('json', COLUMNS));
    expect(text(await rowsOf('copy'), WITH_JSON)).toEqual(text(json, WITH_JSON));
    // A few values spelled out, so that both paths being wrong the same way shows too.
    const spelled = await sql.unsafe(
      `select id, amount::text, date::text, delta::text, name, partner_id::text, reconciled,
         tag_ids::text, write_date::text from odoo.${table('transcoded')} where id in (4, 13) order by id`,
    );
    expect(spelled).toEqual([
      {
        id: '4',
        amount: '0',
        date: '1900-01-01',
        delta: '-1099511627776',
        name: '',
        partner_id: null,
        reconciled: false,
        tag_ids: '{1,1099511627776}',
        write_date: '1970-01-01 00:00:00+00',
      },
      {
        id: '13',
        amount: '-5.5',
        date: '9999-12-31',
        delta: '2147483653',
        name: '💶 euro, 日本語',
        partner_id: '12',
        reconciled: false,
        tag_ids: '{}',
        write_date: '1900-03-01 12:00:00+00',
      },
    ]);
  });

  it.each([
    ['JSON-RPC, as Odoo spaces it', (r: Record<string, OdooValue>[]) => jsonRpcBody(r), true],
    [
      'JSON-2, the bare result',
      (r: Record<string, OdooValue>[]) => utf8.encode(encodeJson(r)),
      false,
    ],
    [
      'compact, other key order in the envelope',
      (r: Record<string, OdooValue>[]) =>
        utf8.encode(JSON.stringify({ result: JSON.parse(encodeJson(r)), id: 1, jsonrpc: '2.0' })),
      true,
    ],
    [
      'generous whitespace',
      (r: Record<string, OdooValue>[]) =>
        utf8.encode(
          `\n { "jsonrpc" : "2.0" ,\t"result" :\r\n ${JSON.stringify(JSON.parse(encodeJson(r)), null, 3)} } \n`,
        ),
      true,
    ],
  ])('transcodes %s byte for byte as decoding and encoding would', (_, make, enveloped) => {
    const body = make(records());
    const fast = transcodeSearchRead('m', COLUMNS, body, enveloped);
    const slow = encodeCopyPage('m', COLUMNS, decode(body, enveloped));
    expect(fast).toBeDefined();
    expect(Buffer.from(fast!.copy).equals(Buffer.from(slow.copy))).toBe(true);
    expect(fast!.ids).toEqual(slow.ids);
    expect(fast!.count).toBe(40);
    expect(fast!.maxWriteDate).toBe(slow.maxWriteDate);
  });

  it.each([
    ['a lone surrogate', 'lone \ud800 and \udfff, pair 😀', /lone surrogate/],
    ['NUL', 'a\u0000b', /NUL/],
  ])('declines %s, which both encoders refuse naming record and field', (_, name, why) => {
    const recs = [{ id: 1, name }];
    const body = utf8.encode(JSON.stringify({ result: recs }));
    expect(new TextDecoder().decode(body)).toMatch(/\\u(d800|0000)/); // escaped by JSON.stringify
    const cols = [col('id', 'bigint'), col('name', 'text')];
    expect(transcodeSearchRead('m', cols, body, true)).toBeUndefined();
    for (const encode of [encodePage, encodeCopyPage]) {
      expect(() => encode('m', cols, recs)).toThrow(MalformedRecordError);
      expect(() => encode('m', cols, recs)).toThrow(/^m id 1, field name: /);
      expect(() => encode('m', cols, recs)).toThrow(why);
    }
  });

  it('transcodes escaped surrogate pairs as decoding and encoding would', () => {
    const cols = [col('id', 'bigint'), col('name', 'text')];
    const escaped = utf8.encode('{"result": [{"id": 1, "name": "\\ud83d\\ude00 \\u00e9"}]}');
    const viaEscapes = transcodeSearchRead('m', cols, escaped, true);
    const plain = encodeCopyPage('m', cols, [{ id: 1, name: '😀 é' }]);
    expect(Buffer.from(viaEscapes!.copy).equals(Buffer.from(plain.copy))).toBe(true);
  });

  it('transcodes an empty page', () => {
    const page = transcodeSearchRead('m', COLUMNS, jsonRpcBody([]), true);
    expect(page?.count).toBe(0);
    expect(Buffer.from(page!.copy).equals(Buffer.from(encodeCopyPage('m', COLUMNS, []).copy))).toBe(
      true,
    );
  });

  const one = records()[0];
  const swap = (s: string, a: string, b: string) =>
    s.replace(a, '\u0000').replace(b, a).replace('\u0000', b);
  const bytes = (s: string) => utf8.encode(s);
  const withBytes = (s: string, marker: string, raw: number[]) => {
    const b = bytes(s);
    const at = Buffer.from(b).indexOf(marker);
    return new Uint8Array([...b.subarray(0, at), ...raw, ...b.subarray(at + marker.length)]);
  };
  const body = encodeJson({ jsonrpc: '2.0', id: 3, result: [one] });
  it.each([
    ['an error', bytes('{"jsonrpc": "2.0", "id": 1, "error": {"code": 200, "message": "x"}}')],
    ['a result that is not a list', bytes('{"jsonrpc": "2.0", "id": 1, "result": 5}')],
    ['no result', bytes('{"jsonrpc": "2.0", "id": 1}')],
    ['two results', bytes(body.replace('"result": [', '"result": [], "result": ['))],
    ['fields in another order', bytes(swap(body, '"date"', '"delta"'))],
    ['an extra field', bytes(body.replace('"id": 1,', '"id": 1, "extra": 1,'))],
    ['a missing field', bytes(body.replace(/"name": "[^"]*", /, ''))],
    ['NaN', bytes(body.replace('"amount": 0.0', '"amount": NaN'))],
    ['a number with a trailing point', bytes(body.replace('"amount": 0.0', '"amount": 1.'))],
    ['an id with a fraction', bytes(body.replace('"id": 1,', '"id": 1.5,'))],
    ['a string for a number', bytes(body.replace('"amount": 0.0', '"amount": "0"'))],
    ['invalid UTF-8 in a text', withBytes(body, 'plain', [0x70, 0xc3, 0x28])],
    ['invalid UTF-8 in a skipped label', withBytes(body, 'Name', [0xed, 0xa0, 0x80])],
    ['a raw control character', bytes(body.replace('plain', 'pl\u0001ain'))],
    ['a bad escape', bytes(body.replace('plain', 'pl\\qain'))],
    ['a body cut short', bytes(body.slice(0, -5))],
    ['trailing garbage', bytes(`${body} x`)],
    ['an impossible date', bytes(body.replace('2024-02-29', '2023-02-29'))],
    ['a record without an id value', bytes(body.replace('"id": 1,', '"id": false,'))],
    ['a malformed number in a skipped member', bytes(body.replace('"id": 3,', '"id": 1.2.3,'))],
    ['an id beyond 2^53', bytes(body.replace('"id": 1,', '"id": 9007199254740993,'))],
  ])('declines %s, leaving it to the usual decoding', (_, b) => {
    expect(transcodeSearchRead('m', COLUMNS, b, true)).toBeUndefined();
  });

  it('declines pages with a jsonb column (the slow path writes those)', () => {
    expect(transcodeSearchRead('m', WITH_JSON, jsonRpcBody(records(true)), true)).toBeUndefined();
  });

  it('refuses to copy into an id range that already holds rows, writing nothing', async () => {
    const t = table('json'); // rows 1..118 from the first test
    const [first] = decode(jsonRpcBody(records()), true);
    const page = encodeCopyPage('m', COLUMNS, [{ ...first, id: 100_000 }, { id: 10 }]);
    await expect(sql.begin((tx) => writePage(tx, t, COLUMNS, page))).rejects.toThrow(
      CursorConflictError,
    );
    const [{ n }] = await sql.unsafe(`select count(*)::int as n from odoo.${t} where id = 100000`);
    expect(n).toBe(0);
  });

  it('fails the page with Postgres’ error when the COPY is refused after all data was sent', async () => {
    const t = table('copy');
    // Postgres text cannot hold NUL: the error comes once the data is in, after CopyDone. The
    // encoders refuse NUL, so it is put into the encoded page by hand.
    const page = encodeCopyPage('m', COLUMNS, [{ id: 200_000, name: 'a\u0001b' }]);
    page.copy[Buffer.from(page.copy).indexOf('a\u0001b') + 1] = 0;
    const started = Date.now();
    await expect(sql.begin((tx) => writePage(tx, t, COLUMNS, page))).rejects.toThrow(/0x00/);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [{ n }] = await sql.unsafe(`select count(*)::int as n from odoo.${t} where id = 200000`);
    expect(n).toBe(0);
  });
});

describe('connections for COPY', () => {
  // Nagle's algorithm holds COPY's last message until the server's delayed ACK (~40 ms on
  // Linux) on every page; the engine's connections turn it off.
  it('send a page without waiting for the delayed ACK', async () => {
    const url = inject('dbUrl');
    const plain = postgres(url, { max: 1, onnotice: () => {} });
    const fast = postgres(url, {
      max: 1,
      onnotice: () => {},
      ...({ socket: connectNoDelay } as object),
    });
    const t = `copy_nagle_${process.pid}`;
    const columns = [col('id', 'bigint'), col('name', 'text'), col('amount', 'numeric')];
    try {
      await plain.unsafe(`create table odoo.${t} (id bigint primary key, name text, amount numeric,
        _synced_at timestamptz not null default now())`);
      const times = { plain: [] as number[], fast: [] as number[] };
      for (let round = 0; round < 6; round++) {
        for (const [name, conn] of [
          ['plain', plain],
          ['fast', fast],
        ] as const) {
          const base = (round * 2 + (name === 'fast' ? 1 : 0)) * 3000;
          const recs = Array.from({ length: 3000 }, (_, i) => ({
            id: base + i + 1,
            name: `line ${i} of a page long enough to span several TCP segments`,
            amount: i / 7,
          }));
          const page = encodeCopyPage('m', columns, recs);
          const t0 = performance.now();
          await conn.begin((tx) => writePage(tx, t, columns, page));
          times[name].push(performance.now() - t0);
        }
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      expect(median(times.plain) - median(times.fast)).toBeGreaterThan(15);
    } finally {
      await plain.unsafe(`drop table if exists odoo.${t}`);
      await plain.end();
      await fast.end();
    }
  });

  it('try each host in turn, failing with the last error', async () => {
    const url = new URL(inject('dbUrl'));
    const socket = await connectNoDelay({
      host: ['127.0.0.2', url.hostname],
      port: [1, Number(url.port)],
      connect_timeout: 5,
    });
    expect(socket.remotePort).toBe(Number(url.port));
    socket.destroy();
    await expect(
      connectNoDelay({ host: ['127.0.0.2', '127.0.0.3'], port: [1, 1], connect_timeout: 5 }),
    ).rejects.toThrow(/ECONNREFUSED 127.0.0.3:1/);
  });
});
