// Fuzzing the way from fields_get and search_read answers to a page Postgres will read: random
// fields (hostile names included) planned into columns, random records (hostile values
// included) encoded as JSON and as binary COPY, and the same records as JSON bytes through the
// transcoder. Nothing may throw but MalformedRecordError, naming model, id and field; both
// encodings accept and refuse alike; the transcoder writes what decode + encode writes, or
// declines. A failure prints FUZZ_SEED to reproduce it.
import { describe, expect, it } from 'vitest';
import { encodeJson } from '../../packages/odoo-sim/src/json-response.ts';
import type { OdooValue } from '../../packages/odoo-sim/src/values.ts';
import { fieldNameFault, planColumns } from '../../packages/shared/src/sync/columns.ts';
import { encodePage, type JsonPage } from '../../packages/shared/src/sync/convert.ts';
import { type CopyPage, encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { transcodeSearchRead } from '../../packages/shared/src/sync/copy-transcoder.ts';
import { MalformedRecordError } from '../../packages/shared/src/sync/errors.ts';
import { Fuzz, fuzzIterations, fuzzSeed, MAX_MS_PER_INPUT, timed, timeoutFor } from './fuzz-kit.ts';
import { randomFieldsGet, randomRecords } from './values.ts';

const MODEL = 'x.fuzz_model';
const NAMED = /^x\.fuzz_model( id -?\d+, field [a-z_][a-z0-9_]{0,62}: |: )/;
const utf8 = new TextEncoder();
/** Postgres text cannot hold these; an error message lands in ods.sync_state.last_error. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectNamedError(e: unknown, where: string) {
  expect(e, where).toBeInstanceOf(MalformedRecordError);
  const m = (e as Error).message;
  expect(m, where).toMatch(NAMED);
  expect(m.length, where).toBeLessThan(400);
  expect(UNSTORABLE.test(m), `${where}: ${JSON.stringify(m)}`).toBe(false);
}

/** The records as Odoo's JSON, in one of the spellings a server may use (undefined: not JSON). */
function body(f: Fuzz, records: Record<string, unknown>[], enveloped: boolean) {
  let text: string;
  try {
    const doc = enveloped ? { jsonrpc: '2.0', id: f.int(1, 99), result: records } : records;
    text = f.chance(0.6)
      ? encodeJson(doc as OdooValue)
      : JSON.stringify(doc, null, f.chance(0.5) ? undefined : f.int(0, 4));
  } catch {
    return undefined; // big integers, or deeper than JSON.stringify goes
  }
  return text === undefined ? undefined : utf8.encode(text);
}

describe('page encoders on random Odoo answers', () => {
  const seed = fuzzSeed(20261204);
  const iterations = fuzzIterations(150);

  it(
    `plan, encode and transcode alike, failing only with named errors (FUZZ_SEED=${seed}, ${iterations} pages)`,
    () => {
      const f = new Fuzz(seed);
      const tally = { pages: 0, accepted: 0, refused: 0, transcoded: 0, declined: 0, maxMs: 0 };
      for (let i = 0; i < iterations; i++) {
        const fields = randomFieldsGet(f);
        const wanted = f.chance(0.8) ? ['*'] : Object.keys(fields).slice(0, 4);
        const plan = timed(() => planColumns(fields, wanted));
        expect(plan.error, f.where(i, 'planColumns')).toBeUndefined();
        const { columns, rejected } = plan.value!;
        for (const c of columns) expect(fieldNameFault(c.name), f.where(i, c.name)).toBeNull();
        for (const r of rejected) expect(fieldNameFault(r.name) ?? r.reason).toBeTruthy();

        const records = randomRecords(f, columns, f.int(0, 30), f.pick([0, 0.01, 0.05, 0.3]));
        const json = timed(() => encodePage(MODEL, columns, records, f.chance(0.2)));
        const copy = timed(() => encodeCopyPage(MODEL, columns, records, f.chance(0.2)));
        const where = f.where(i, `${JSON.stringify(columns.map((c) => c.sqlType))}`);
        tally.pages++;
        tally.maxMs = Math.max(tally.maxMs, plan.ms, json.ms, copy.ms);
        expect(Math.max(json.ms, copy.ms), where).toBeLessThan(MAX_MS_PER_INPUT);
        if (json.error || copy.error) {
          expectNamedError(json.error, where);
          expectNamedError(copy.error, where);
          expect((copy.error as Error).message, where).toBe((json.error as Error).message);
          tally.refused++;
        } else {
          const page = json.value as JsonPage;
          const rows = JSON.parse(page.json);
          expect(rows.length, where).toBe(records.length);
          expect(page.ids, where).toEqual((copy.value as CopyPage).ids);
          expect(page.maxWriteDate, where).toBe((copy.value as CopyPage).maxWriteDate);
          tally.accepted++;
        }

        // The same answer as bytes: the transcoder agrees with decoding and encoding, or declines.
        const enveloped = f.chance(0.5);
        const b = body(f, records, enveloped);
        if (!b) continue;
        const fast = timed(() => transcodeSearchRead(MODEL, columns, b, enveloped));
        tally.maxMs = Math.max(tally.maxMs, fast.ms);
        expect(fast.error, where).toBeUndefined();
        expect(fast.ms, where).toBeLessThan(MAX_MS_PER_INPUT);
        if (fast.value === undefined) {
          tally.declined++;
          continue;
        }
        const parsed = JSON.parse(new TextDecoder().decode(b));
        const slow = timed(() =>
          encodeCopyPage(MODEL, columns, enveloped ? parsed.result : parsed),
        );
        expect(slow.error, `${where}: transcoded what encodeCopyPage refuses`).toBeUndefined();
        const s = slow.value!;
        expect(Buffer.from(fast.value.copy).equals(Buffer.from(s.copy)), where).toBe(true);
        expect(fast.value.ids, where).toEqual(s.ids);
        expect(fast.value.maxWriteDate, where).toBe(s.maxWriteDate);
        tally.transcoded++;
      }
      console.log(`page encoders fuzz, FUZZ_SEED=${seed}:`, JSON.stringify(tally));
      // A generator that stopped producing one of the outcomes would test less than it claims.
      expect(tally.accepted).toBeGreaterThan(iterations / 10);
      expect(tally.refused).toBeGreaterThan(iterations / 10);
      expect(tally.transcoded).toBeGreaterThan(iterations / 20);
    },
    timeoutFor(iterations, 5),
  );
});
