// Fuzzing the XML-RPC decoder: random values encoded as Odoo's marshaller writes them must
// decode to themselves; the same answers mutated (bytes flipped, cut, repeated, hostile markup
// such as entities for NUL or surrogates, 100,000 nested arrays) must decode or fail with
// XmlRpcDecodeError, in bounded time; a body cut short must say it was cut; and whatever
// decodes, fed to the page encoders as a search_read answer, fails only with named errors.
import { describe, expect, it } from 'vitest';
import {
  decodeXmlRpcResponse,
  encodeXmlRpcResponse,
  XmlRpcDateTime,
  XmlRpcDecodeError,
} from '../../packages/shared/src/odoo/index.ts';
import { encodePage } from '../../packages/shared/src/sync/convert.ts';
import { encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { MalformedRecordError } from '../../packages/shared/src/sync/errors.ts';
import {
  Fuzz,
  fuzzIterations,
  fuzzSeed,
  MAX_MS_PER_INPUT,
  mutate,
  timed,
  timeoutFor,
} from './fuzz-kit.ts';
import { col, TRANSCODABLE } from './values.ts';

/** Text XML can carry (the encoder refuses the rest, as CPython's does not check). */
function sendable(f: Fuzz): string {
  let s = '';
  for (let n = f.int(0, 12); n > 0; n--) {
    s += f.pick(['a', 'Z', ' ', '<', '&', '>', '"', "'", '\r', '\n', '\t', 'é', '😀', '日', ']]>']);
  }
  return s;
}

/** A random value of every kind the decoder returns, nested up to `depth`. */
function value(f: Fuzz, depth: number): unknown {
  switch (f.int(0, depth > 0 ? 9 : 6)) {
    case 0:
      return sendable(f);
    case 1:
      return f.int(-(2 ** 31), 2 ** 31 - 1);
    case 2:
      return f.pick([(f.next() - 0.5) * 10 ** f.int(-20, 20), -0, 0.1, 1e300, 5e-324]);
    case 3:
      return f.chance(0.5);
    case 4:
      return f.pick([null, 2n ** 63n - 1n, -(2n ** 60n), 2 ** 40]);
    case 5:
      return new XmlRpcDateTime(`2024${f.int(10, 12)}01T10:00:0${f.int(0, 9)}`);
    case 6:
      return f.bytes(f.int(0, 10));
    case 7:
    case 8:
      return Array.from({ length: f.int(0, 4) }, () => value(f, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let n = f.int(0, 10); n > 0; n--)
        o[`${sendable(f)}${f.int(0, 9)}`] = value(f, depth - 1);
      return o;
    }
  }
}

/** A search_read answer as Odoo sends it, with values of any kind now and then. */
function records(f: Fuzz): Record<string, unknown>[] {
  return Array.from({ length: f.int(0, 5) }, (_, i) => ({
    id: f.chance(0.95) ? i + 1 : value(f, 1),
    name: f.chance(0.8) ? `line ${i}` : value(f, 2),
    amount: f.chance(0.8) ? f.int(0, 1e6) / 100 : value(f, 1),
    partner_id: f.chance(0.8) ? [f.int(1, 99), 'Partner'] : value(f, 1),
    date: f.chance(0.8) ? '2024-02-29' : value(f, 0),
    write_date: f.chance(0.8) ? '2024-02-29 10:00:00' : value(f, 0),
  }));
}

const COLUMNS = TRANSCODABLE;
const WITH_JSON = COLUMNS.map((c) => (c.name === 'name' ? col('name', 'jsonb') : c));

const SNIPPETS = [
  '<value>',
  '</value>',
  '<array><data>',
  '<value><array><data>',
  '</data></array>',
  '<struct>',
  '<member><name>x</name>',
  '<member><name>_synced_at</name><value>1</value></member>',
  '<member><name></name><value>1</value></member>',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#99999999999;',
  '&amp',
  '&unknown;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?pi x',
  '?>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
  '<i8>99999999999999999999999999</i8>',
  '<int>1_000</int>',
  '<double>1e999</double>',
  '<double>nan</double>',
  '<boolean>2</boolean>',
  '<base64>@@@=</base64>',
  '<dateTime.iso8601>x</dateTime.iso8601>',
  '<nil/>',
  '<ex:i8>',
  '<string>',
  '<value/>',
  '\u00ff',
  '\r',
  ' a="<>"',
  "<?xml version='1.0' encoding='latin-1'?>",
  '\x00',
];
const enc = new TextEncoder();

describe('XML-RPC decoder on random and mutated answers', () => {
  const seed = fuzzSeed(4242);
  const iterations = fuzzIterations(300);

  it(
    `decodes what Odoo's marshaller writes to the same value (FUZZ_SEED=${seed})`,
    () => {
      const f = new Fuzz(seed);
      for (let i = 0; i < iterations / 2; i++) {
        const v = value(f, 4);
        const got = decodeXmlRpcResponse(encodeXmlRpcResponse(v));
        expect(got, f.where(i)).toEqual({ fault: false, value: v });
      }
    },
    timeoutFor(iterations, 3),
  );

  it(
    `fails only with XmlRpcDecodeError, in bounded time, and feeds the encoders only what they name (FUZZ_SEED=${seed}, ${iterations} bodies)`,
    () => {
      const f = new Fuzz(seed + 1);
      const tally = { bodies: 0, decoded: 0, refused: 0, truncated: 0, pages: 0, maxMs: 0 };
      for (let i = 0; i < iterations; i++) {
        let b = encodeXmlRpcResponse(records(f));
        for (let m = f.pick([0, 1, 1, 2, 3]); m > 0; m--) b = mutate(f, b, SNIPPETS);
        const where = f.where(i, new TextDecoder().decode(b.subarray(0, 300)));
        const r = timed(() => decodeXmlRpcResponse(b));
        tally.bodies++;
        tally.maxMs = Math.max(tally.maxMs, r.ms);
        expect(r.ms, where).toBeLessThan(MAX_MS_PER_INPUT);
        if (r.error) {
          expect(r.error, `${where}: ${r.error}`).toBeInstanceOf(XmlRpcDecodeError);
          tally.refused++;
          if ((r.error as XmlRpcDecodeError).truncated) tally.truncated++;
          continue;
        }
        tally.decoded++;
        const answer = r.value!;
        if (answer.fault) continue;
        for (const encode of [encodePage, encodeCopyPage]) {
          for (const columns of [COLUMNS, WITH_JSON]) {
            const page = timed(() => encode('x.m', columns, answer.value as never));
            expect(page.ms, where).toBeLessThan(MAX_MS_PER_INPUT);
            if (page.error) {
              expect(page.error, `${where}: ${page.error}`).toBeInstanceOf(MalformedRecordError);
              expect((page.error as Error).message, where).toMatch(
                /^x\.m( id -?\d+, field \w+: |: )/,
              );
            } else tally.pages++;
          }
        }
      }
      console.log(`XML-RPC fuzz, FUZZ_SEED=${seed}:`, JSON.stringify(tally));
      expect(tally.decoded).toBeGreaterThan(iterations / 10);
      expect(tally.refused).toBeGreaterThan(iterations / 4);
      expect(tally.pages).toBeGreaterThan(0);
    },
    timeoutFor(iterations, 3),
  );

  it(
    `says a body cut anywhere was cut (FUZZ_SEED=${seed})`,
    () => {
      const f = new Fuzz(seed + 2);
      for (let i = 0; i < iterations / 3; i++) {
        const whole = encodeXmlRpcResponse(records(f));
        const cut = whole.subarray(0, f.int(0, whole.length - 1));
        const r = timed(() => decodeXmlRpcResponse(cut));
        const where = f.where(i, new TextDecoder().decode(cut.subarray(-120)));
        if (r.error === undefined) {
          // Only the final newline may go: the document itself was complete.
          expect(whole.length - cut.length, where).toBe(1);
          continue;
        }
        expect(r.error, where).toBeInstanceOf(XmlRpcDecodeError);
        expect((r.error as XmlRpcDecodeError).truncated, `${where}: ${r.error}`).toBe(true);
      }
    },
    timeoutFor(iterations, 3),
  );

  it('quotes a long tag name with bytes that are not UTF-8 in its own error (found by fuzzing)', () => {
    const body = new Uint8Array([
      ...enc.encode("<?xml version='1.0'?><methodResponse><params><param><value><"),
      ...enc.encode('x'.repeat(1100)),
      0xff,
      ...enc.encode('>1</x></value></param></params></methodResponse>'),
    ]);
    // It was the TextDecoder's TypeError, which the transport passes on as it is.
    expect(() => decodeXmlRpcResponse(body)).toThrow(XmlRpcDecodeError);
    expect(() => decodeXmlRpcResponse(body)).toThrow(/unknown type tag <xxx/);
  });

  it('refuses 100,000 nested arrays or structs without a stack overflow', () => {
    for (const open of ['<value><array><data>', '<value><struct><member><name>k</name>']) {
      const body = enc.encode(
        `<?xml version='1.0'?><methodResponse><params><param>${open.repeat(100_000)}`,
      );
      const r = timed(() => decodeXmlRpcResponse(body));
      expect(r.error).toBeInstanceOf(XmlRpcDecodeError);
      expect((r.error as Error).message).toMatch(/nesting too deep/);
      expect(r.ms).toBeLessThan(MAX_MS_PER_INPUT);
    }
  });
});
