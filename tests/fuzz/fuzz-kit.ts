// What the fuzz suites share: a seeded generator (the seed is in every failure message, so a
// failure reproduces with FUZZ_SEED=<seed>), the iteration count (small in `npm test`, larger with
// FUZZ_ITERATIONS), hostile values and strings, byte mutations, and a time bound per input.
import { Prng } from '../../packages/odoo-sim/src/prng.ts';

/** FUZZ_SEED: a number, or `random` for a fresh one; a fixed one by default (CI repeats). */
export function fuzzSeed(fallback: number): number {
  const s = process.env.FUZZ_SEED;
  if (s === 'random') return Math.floor(Math.random() * 2 ** 31);
  return s ? Number.parseInt(s, 10) : fallback;
}

/** FUZZ_ITERATIONS scales every suite; `npm test` runs `base` (a few seconds in all). */
export function fuzzIterations(base: number): number {
  const n = Number.parseInt(process.env.FUZZ_ITERATIONS ?? '', 10);
  return Number.isSafeInteger(n) && n > 0 ? n : base;
}

/** A test's time limit for `iterations` inputs of about `msEach` (long FUZZ_ITERATIONS runs). */
export const timeoutFor = (iterations: number, msEach: number) =>
  Math.max(30_000, iterations * msEach * 3);

/** Longest any one input may take: an order of magnitude above the slowest seen, for a loaded CI. */
export const MAX_MS_PER_INPUT = 2_000;

export class Fuzz extends Prng {
  constructor(readonly seed: number) {
    super(seed);
  }

  /** The case's reproduction note for assertion messages. */
  where(i: number, what = ''): string {
    return `FUZZ_SEED=${this.seed}, iteration ${i}${what ? `: ${what}` : ''}`;
  }

  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
}

const HOSTILE_CHARS = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\ud800',
  '\udfff',
  '😀',
  '\ud83d',
  'İ',
  '０',
  '\uffff',
  '\ufffe',
  '\u2028',
  '"',
  '\\',
  '<',
  '&',
  ']]>',
  '\r\n',
  'é',
  '日',
];

/** A string mixing plain text with characters encoders and Postgres get wrong. */
export function hostileString(f: Fuzz, maxLen = 40): string {
  let s = '';
  const n = f.int(0, maxLen);
  for (let i = 0; i < n; i++) {
    s += f.chance(0.7) ? String.fromCharCode(f.int(0x20, 0x7e)) : f.pick(HOSTILE_CHARS);
  }
  return s;
}

/** Field names Odoo could be made to send: fine ones, and every kind the mirror must skip. */
export function hostileFieldName(f: Fuzz): string {
  const tail = () => 'abcdefghijklmnopqrstuvwxyz0123456789_'.charAt(f.int(0, 36));
  switch (f.int(0, 9)) {
    case 0:
      return '';
    case 1:
      return `f_${'x'.repeat(f.int(61, 70))}${f.int(0, 9)}`; // over 63 bytes, shared prefixes
    case 2:
      return f.pick(['_synced_at', '_x', '__proto__', '_', 'ctid', 'xmin', 'oid', 'tableoid']);
    case 3:
      return `na${hostileString(f, 6)}me`;
    case 4:
      return f.pick(['Name', 'x-y', '1st', 'a b', 'é', 'constructor', 'toString', 'id']);
    default: {
      let s = 'abcdefghijklmnopqrstuvwxyz_'.charAt(f.int(0, 26));
      for (let i = f.int(0, 20); i > 0; i--) s += tail();
      return s;
    }
  }
}

/** JSON text nested `depth` deep ('[[[…1…]]]'), built without recursion. */
export const deepJsonText = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** A value nested `depth` deep, built without recursion. */
export function deepValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

/** Most bytes one repeating edit inserts: large enough for deep nesting, small enough for CI. */
const MAX_INSERT = 400_000;

/** One random edit of `b`: flip, delete, duplicate, insert bytes or a snippet, or cut short. */
export function mutate(f: Fuzz, b: Uint8Array, snippets: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const at = f.int(0, b.length);
  const end = Math.min(b.length, at + f.int(0, 32));
  switch (f.int(0, 6)) {
    case 0: {
      const c = b.slice();
      if (c.length) c[Math.min(at, c.length - 1)] = f.int(0, 255);
      return c;
    }
    case 1:
      return concat(b.subarray(0, at), b.subarray(end));
    case 2:
      return concat(b.subarray(0, end), b.subarray(at, end), b.subarray(end));
    case 3:
      return concat(b.subarray(0, at), f.bytes(f.int(1, 4)), b.subarray(at));
    case 4:
      return concat(b.subarray(0, at), enc.encode(f.pick(snippets)), b.subarray(at));
    case 5:
      return b.subarray(0, at); // truncated
    default: {
      // The same token many times (deep nesting, long runs): what makes parsers slow or deep.
      const token = enc.encode(f.pick(snippets));
      const times = f.int(1, Math.max(1, Math.min(5000, Math.floor(MAX_INSERT / token.length))));
      const out = new Uint8Array(token.length * times);
      for (let i = 0; i < times; i++) out.set(token, i * token.length);
      return concat(b.subarray(0, at), out, b.subarray(at));
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Runs `fn`, returning what it threw (or undefined) and how long it took. */
export function timed<T>(fn: () => T): { value?: T; error?: unknown; ms: number } {
  const t0 = performance.now();
  try {
    const value = fn();
    return { value, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}
