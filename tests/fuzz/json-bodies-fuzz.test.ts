// Fuzzing JSON answers at the byte level: sound search_read answers, mutated (bytes flipped,
// cut, repeated, hostile tokens such as 100,000 open brackets inserted) and then read both ways
// the engine reads them — the transcoder straight to COPY, and parseJsonBody + encodeCopyPage.
// Only the project's named errors may come out, in bounded time, and whatever the transcoder
// takes must be byte for byte what the slow path writes. A failure prints FUZZ_SEED.
import { describe, expect, it } from 'vitest';
import { encodeJson } from '../../packages/odoo-sim/src/json-response.ts';
import type { OdooValue } from '../../packages/odoo-sim/src/values.ts';
import {
  OdooMalformedBodyError,
  OdooTruncatedBodyError,
} from '../../packages/shared/src/odoo/errors.ts';
import { parseJsonBody } from '../../packages/shared/src/odoo/json-body.ts';
import { encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { transcodeSearchRead } from '../../packages/shared/src/sync/copy-transcoder.ts';
import { MalformedRecordError } from '../../packages/shared/src/sync/errors.ts';
import {
  deepJsonText,
  Fuzz,
  fuzzIterations,
  fuzzSeed,
  MAX_MS_PER_INPUT,
  mutate,
  timed,
  timeoutFor,
} from './fuzz-kit.ts';
import { col, randomRecords, TRANSCODABLE } from './values.ts';

const COLUMNS = TRANSCODABLE;
const SNIPPETS = [
  '[',
  '{',
  ']',
  '}',
  '"',
  ',',
  ':',
  '\\',
  '\\u0000',
  '\\ud800',
  '\\udc00\\ud800',
  '\\u0130',
  '-',
  '0',
  '1e999',
  '-0',
  '9007199254740993',
  '1.5',
  'NaN',
  'null',
  'true',
  'false',
  '"_synced_at": 1, ',
  '"": 1, ',
  '"error": {"code": 1}, ',
  '"result": [], ',
  '"2024-01-1İ"',
  '"0000-01-01"',
  '"a\\u0000b"',
  '\u00ff',
  '\xc3\x28',
  deepJsonText(100_000),
  '[{"id": 1}]',
];
const utf8 = new TextEncoder();
const ctx = { url: 'http://odoo.test/jsonrpc', model: 'x.m', method: 'search_read' };

/** What the engine makes of a body without the transcoder: records, or a named error. */
function slowPath(body: Uint8Array, enveloped: boolean) {
  const doc = parseJsonBody(body, ctx, []) as Record<string, unknown> | unknown[];
  // As the JSON-RPC transport reads an envelope (its other checks are not this test's business).
  const records =
    enveloped && doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? doc.result : doc;
  return encodeCopyPage('x.m', COLUMNS, records as Record<string, unknown>[]);
}

const NAMED = [OdooTruncatedBodyError, OdooMalformedBodyError, MalformedRecordError];
const named = (e: unknown) => NAMED.some((c) => e instanceof c);

describe('JSON answers, mutated', () => {
  const seed = fuzzSeed(977);
  const iterations = fuzzIterations(400);

  it(
    `transcoder and slow path agree or decline, with named errors only (FUZZ_SEED=${seed}, ${iterations} bodies)`,
    () => {
      const f = new Fuzz(seed);
      const tally = { bodies: 0, transcoded: 0, slowOk: 0, slowRefused: 0, maxMs: 0, maxBytes: 0 };
      for (let i = 0; i < iterations; i++) {
        const enveloped = f.chance(0.5);
        const records = randomRecords(f, COLUMNS, f.int(0, 6), 0);
        const doc = enveloped ? { jsonrpc: '2.0', id: 1, result: records } : records;
        let b: Uint8Array = utf8.encode(encodeJson(doc as OdooValue));
        for (let m = f.pick([0, 1, 1, 1, 2]); m > 0; m--) b = mutate(f, b, SNIPPETS);
        const where = f.where(i, new TextDecoder().decode(b.subarray(0, 300)));
        tally.bodies++;
        tally.maxBytes = Math.max(tally.maxBytes, b.length);

        const fast = timed(() => transcodeSearchRead('x.m', COLUMNS, b, enveloped));
        const slow = timed(() => slowPath(b, enveloped));
        tally.maxMs = Math.max(tally.maxMs, fast.ms, slow.ms);
        expect(fast.error, where).toBeUndefined();
        expect(Math.max(fast.ms, slow.ms), where).toBeLessThan(MAX_MS_PER_INPUT);
        if (slow.error) {
          expect(named(slow.error), `${where}: ${slow.error}`).toBe(true);
          expect(fast.value, `${where}: transcoded what the slow path refuses`).toBeUndefined();
          tally.slowRefused++;
          continue;
        }
        tally.slowOk++;
        if (fast.value) {
          expect(Buffer.from(fast.value.copy).equals(Buffer.from(slow.value!.copy)), where).toBe(
            true,
          );
          expect(fast.value.ids, where).toEqual(slow.value!.ids);
          expect(fast.value.maxWriteDate, where).toBe(slow.value!.maxWriteDate);
          tally.transcoded++;
        }
      }
      console.log(`JSON bodies fuzz, FUZZ_SEED=${seed}:`, JSON.stringify(tally));
      expect(tally.transcoded).toBeGreaterThan(iterations / 20);
      expect(tally.slowRefused).toBeGreaterThan(iterations / 4);
    },
    timeoutFor(iterations, 3),
  );

  it(
    `a body cut anywhere is a truncated body, never a page (FUZZ_SEED=${seed})`,
    () => {
      const f = new Fuzz(seed + 1);
      for (let i = 0; i < iterations / 3; i++) {
        const enveloped = f.chance(0.5);
        const records = randomRecords(f, COLUMNS, f.int(1, 4), 0);
        const doc = enveloped ? { jsonrpc: '2.0', id: 1, result: records } : records;
        const whole = utf8.encode(encodeJson(doc as OdooValue));
        const cut = whole.subarray(0, f.int(0, whole.length - 1));
        const where = f.where(i, new TextDecoder().decode(cut));
        expect(transcodeSearchRead('x.m', COLUMNS, cut, enveloped), where).toBeUndefined();
        const r = timed(() => parseJsonBody(cut, ctx, []));
        expect(r.error, where).toBeInstanceOf(OdooTruncatedBodyError);
      }
    },
    timeoutFor(iterations, 3),
  );

  it(
    `numbers in any spelling land as the double JSON.parse reads (FUZZ_SEED=${seed})`,
    () => {
      // Odoo writes Python's float repr, but another server (or a proxy) may spell them otherwise.
      const f = new Fuzz(seed + 2);
      const digits = (n: number) => Array.from({ length: n }, () => f.int(0, 9)).join('');
      const cols = [col('id', 'bigint'), col('amount', 'numeric')];
      let transcoded = 0;
      for (let i = 0; i < iterations; i++) {
        const int = f.chance(0.3) ? '0' : `${f.int(1, 9)}${digits(f.int(0, 20))}`;
        const frac = f.chance(0.5) ? `.${digits(f.int(1, 20))}` : '';
        const exp = f.chance(0.4)
          ? `${f.pick(['e', 'E'])}${f.pick(['', '+', '-'])}${f.int(0, 330)}`
          : '';
        const text = `${f.chance(0.3) ? '-' : ''}${int}${frac}${exp}`;
        const b = utf8.encode(`[{"id": 1, "amount": ${text}}]`);
        const fast = transcodeSearchRead('x.m', cols, b, false);
        const slow = timed(() =>
          encodeCopyPage('x.m', cols, JSON.parse(new TextDecoder().decode(b))),
        );
        const where = f.where(i, text);
        if (slow.error) {
          expect(slow.error, where).toBeInstanceOf(MalformedRecordError); // beyond a double
          expect(fast, where).toBeUndefined();
          continue;
        }
        if (!fast) continue;
        expect(Buffer.from(fast.copy).equals(Buffer.from(slow.value!.copy)), where).toBe(true);
        transcoded++;
      }
      expect(transcoded).toBeGreaterThan(iterations / 2);
    },
    timeoutFor(iterations, 3),
  );

  it.each(
    (
      [
        ['[1, 2', true],
        ['{"a": "x\\', true],
        ['{"a": tr', true],
        ['{"a": 1.', true],
        ['{"a": -', true],
        ['{"a": 1e+', true],
        ['{"a": "\\u12', true],
        ['{"a"', true],
        [`${'['.repeat(200_000)}`, true],
        ['{"result": [1,,2', false],
        ['{"a": 1 "b"', false],
        ['{"a": trux', false],
        ['{"a": 01', false],
        ['{"a": 1.}', false],
        ['{"a": "\\q', false],
        ['{"a": "\\u12x', false],
        ['{"a": 1}}', false],
        ['{"a" 1', false],
        ['{1: 2', false],
        ['[1] [', false],
        ['<html><body>Bad Gateway', false],
        ['{"a": NaN', false],
      ] as const
    ).map(
      ([text, cut]) =>
        [
          text.length > 40 ? `${text.slice(0, 20)}… (${text.length} chars)` : text,
          text,
          cut,
        ] as const,
    ),
  )('%j: cut short (else malformed) is %s', (_, text, cut) => {
    const r = timed(() => parseJsonBody(utf8.encode(text), ctx, []));
    expect(r.error).toBeInstanceOf(cut ? OdooTruncatedBodyError : OdooMalformedBodyError);
    expect(r.ms).toBeLessThan(MAX_MS_PER_INPUT);
  });

  it('JSON nested 100,000 deep is declined by the transcoder and parsed without a stack overflow', () => {
    const deep = utf8.encode(`{"result": [{"id": 1, "name": ${deepJsonText(100_000)}}]}`);
    const cols = [col('id', 'bigint'), col('name', 'text')];
    expect(transcodeSearchRead('x.m', cols, deep, true)).toBeUndefined();
    const withJson = [col('id', 'bigint'), col('name', 'jsonb')];
    const doc = parseJsonBody(deep, ctx, []) as { result: Record<string, unknown>[] };
    expect(() => encodeCopyPage('x.m', withJson, doc.result)).toThrow(
      /^x\.m id 1, field name: is nested deeper than 1000 levels/,
    );
    expect(() => encodeCopyPage('x.m', cols, doc.result)).toThrow(/field name: expected a string/);
    // Cut short, it is a truncated body (retried), not a malformed one.
    const cut = deep.subarray(0, 150_000);
    expect(() => parseJsonBody(cut, ctx, [])).toThrow(OdooTruncatedBodyError);
  });
});
