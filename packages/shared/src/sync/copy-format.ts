// Postgres' binary COPY format, the pieces both page encoders share: the byte buffer, the
// header and trailer, and the value layouts that need arithmetic (numeric, date, timestamp).
// Layout: https://www.postgresql.org/docs/15/sql-copy.html (binary format) and each type's
// *_recv function (numeric_recv, date_recv, timestamp_recv, array_recv, jsonb_recv).
import { textFault } from './value-checks.ts';

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // PGCOPY\n\377\r\n\0
const TWO_32 = 4294967296;
/** Days from 1970-01-01 to 2000-01-01, Postgres' epoch for date and timestamp. */
const PG_EPOCH_DAYS = 10957;
const INT8_OID = 20;
const utf8 = new TextEncoder();

/** A growable byte buffer with big-endian writers; bytes are set by hand (faster than DataView). */
export class CopyOut {
  bytes: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(Math.max(64, size || 0)); // NaN too
    for (const b of SIGNATURE) this.bytes[this.pos++] = b;
    this.i32(0); // flags
    this.i32(0); // header extension length
  }
  /** The whole COPY body, trailer included. */
  finish(): Uint8Array {
    this.room(2);
    this.i16(-1);
    return this.bytes.subarray(0, this.pos);
  }
  room(n: number) {
    if (this.pos + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }
  i16(v: number) {
    const b = this.bytes;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = v & 0xff;
  }
  i32(v: number) {
    const b = this.bytes;
    b[this.pos++] = (v >>> 24) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = v & 0xff;
  }
  /** A safe integer as int8 (two's complement across two 32-bit halves). */
  i64(n: number) {
    const hi = Math.floor(n / TWO_32);
    this.i32(hi);
    this.i32(n - hi * TWO_32);
  }
  /** NULL. Returns true, for writers that answer whether a value fitted. */
  nul(): true {
    this.room(4);
    this.i32(-1);
    return true;
  }
  int8(n: number) {
    this.room(12);
    this.i32(8);
    this.i64(n);
  }
  /** An int8 beyond the safe integers. */
  int8Big(n: bigint) {
    this.room(12);
    this.i32(8);
    this.i32(Number(BigInt.asIntN(32, n >> 32n)));
    this.i32(Number(BigInt.asUintN(32, n)));
  }
  /** Writes the length word of a value started at `at` (its bytes follow the word). */
  patchLength(at: number) {
    const end = this.pos;
    this.pos = at;
    this.i32(end - at - 4);
    this.pos = end;
  }
  /**
   * A length word, then `prefix` (a byte, if given) and the UTF-8 of `s`. False when `s` is not
   * text Postgres can hold (NUL, a lone surrogate): the caller then refuses the page.
   */
  text(s: string, prefix = -1): boolean {
    this.room(9 + s.length * 3);
    const at = this.pos;
    this.pos += 4;
    if (prefix >= 0) this.bytes[this.pos++] = prefix;
    const b = this.bytes;
    let p = this.pos;
    let i = 0;
    let nul = false;
    // ASCII by hand; the first other character hands the rest to the (slower to call) encoder.
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      if (c === 0) nul = true;
      b[p++] = c;
    }
    let fault = false;
    if (i < s.length) {
      const rest = s.slice(i);
      fault = textFault(rest) !== null; // TextEncoder would write U+FFFD for a lone surrogate
      p += utf8.encodeInto(rest, b.subarray(p)).written;
    }
    this.pos = p;
    this.patchLength(at);
    return !nul && !fault;
  }
  /** An empty int8[] (no dimensions). Returns true, like nul(). */
  emptyInt8Array(): true {
    this.room(16);
    this.i32(12);
    this.i32(0);
    this.i32(0);
    this.i32(INT8_OID);
    return true;
  }
  /** A one-dimensional int8[] without nulls. */
  int8Array(values: readonly number[], n = values.length) {
    this.room(24 + n * 12);
    this.i32(20 + n * 12);
    this.i32(1); // dimensions
    this.i32(0); // no nulls
    this.i32(INT8_OID);
    this.i32(n);
    this.i32(1); // lower bound
    for (let i = 0; i < n; i++) {
      this.i32(8);
      this.i64(values[i]);
    }
  }
}

/**
 * A decimal number as numeric. `digits[0..n)` are its significant digits (values 0–9, no
 * leading or trailing zeros), `point` how many of them stand before the decimal point (may be
 * negative or exceed n), `dscale` its displayed fractional digits.
 */
function writeNumeric(
  out: CopyOut,
  negative: boolean,
  digits: Uint8Array,
  n: number,
  point: number,
  dscale: number,
) {
  if (n === 0) {
    out.room(12);
    out.i32(8);
    out.i32(0); // ndigits 0, weight 0
    out.i16(0);
    out.i16(dscale);
    return;
  }
  const pad = (((4 - (point % 4)) % 4) + 4) % 4; // zeros before the first digit to align groups
  const groups = Math.ceil((pad + n) / 4);
  out.room(12 + groups * 2);
  out.i32(8 + groups * 2);
  out.i16(groups);
  out.i16((point + pad) / 4 - 1); // weight: base-10000 exponent of the first group
  out.i16(negative ? 0x4000 : 0);
  out.i16(dscale);
  for (let g = 0, idx = -pad; g < groups; g++) {
    let group = 0;
    for (let k = 0; k < 4; k++, idx++) group = group * 10 + (idx >= 0 && idx < n ? digits[idx] : 0);
    out.i16(group);
  }
}

/** Scratch for the digits of one number (a double has at most 17 significant ones). */
const numericDigits = new Uint8Array(32);

const doubleText = new Uint8Array(32);

/** A finite double as numeric, from its shortest round-trip decimal (what JSON would carry). */
export function writeDouble(out: CopyOut, v: number) {
  const s = String(v < 0 ? -v : v);
  let end = s.length;
  let exp = 0;
  const e = s.indexOf('e');
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    end = e;
  }
  for (let i = 0; i < end; i++) doubleText[i] = s.charCodeAt(i);
  // A double's text has at most 21 digits (JavaScript writes 1e21 and up with an exponent).
  writeDecimal(out, v < 0, doubleText, 0, end, exp);
}

/**
 * The decimal whose mantissa is the text b[from..to) ('123.45': digits and at most one point,
 * no sign) times 10^exp, as numeric with the display scale Postgres derives from the shortest
 * text (digits after the point). False, writing nothing, when it has more than 32 digits.
 */
export function writeDecimal(
  out: CopyOut,
  negative: boolean,
  b: ArrayLike<number>,
  from: number,
  to: number,
  exp: number,
): boolean {
  let n = 0;
  let lead = 0; // zeros before the first significant digit
  let int = -1; // digits before the point
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c === 46) int = n + lead;
    else if (n === 0 && c === 48) lead++;
    else if (n < numericDigits.length) numericDigits[n++] = c - 48;
    else return false;
  }
  const point = (int < 0 ? n + lead : int) - lead + exp;
  while (n > 0 && numericDigits[n - 1] === 0) n--;
  const dscale = n === 0 ? 0 : Math.max(0, n - point);
  writeNumeric(out, negative && n > 0, numericDigits, n, n === 0 ? 0 : point, dscale);
  return true;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const dig = (b: ArrayLike<number>, i: number) => {
  const d = b[i] - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const two = (b: ArrayLike<number>, i: number) => dig(b, i) * 10 + dig(b, i + 1);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/**
 * 'YYYY-MM-DD' at b[at..at+10) as days since Postgres' epoch, or NaN. Year 0 does not exist in
 * Postgres' text input (it refuses '0000-01-01'), so it is refused here too: through binary COPY
 * it would become 1 BC.
 */
export function pgDays(b: ArrayLike<number>, at: number): number {
  if (b[at + 4] !== 45 || b[at + 7] !== 45) return Number.NaN;
  const y = two(b, at) * 100 + two(b, at + 2);
  const m = two(b, at + 5);
  const d = two(b, at + 8);
  if (!(y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= MONTH_DAYS[m - 1])) return Number.NaN;
  if (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return Number.NaN;
  return daysFromCivil(y, m, d) - PG_EPOCH_DAYS;
}

/** The microseconds of the datetime pgSeconds last read (0 to 1,000,000 after rounding). */
let fractionMicros = 0;

/**
 * Odoo's 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) at b[at..at+len) as whole seconds since Postgres'
 * epoch, its fraction in fractionMicros; NaN when it is not such a datetime.
 */
function pgSeconds(b: ArrayLike<number>, at: number, len: number): number {
  if (len < 19 || b[at + 10] !== 32 || b[at + 13] !== 58 || b[at + 16] !== 58) return Number.NaN;
  const days = pgDays(b, at);
  const h = two(b, at + 11);
  const mi = two(b, at + 14);
  const sec = two(b, at + 17);
  if (!(h <= 23 && mi <= 59 && sec <= 59)) return Number.NaN;
  let micros = 0;
  if (len > 19) {
    if (b[at + 19] !== 46 || len === 20) return Number.NaN;
    let frac = 0;
    let scale = 1;
    for (let i = at + 20; i < at + len; i++) {
      const d = dig(b, i);
      if (Number.isNaN(d)) return Number.NaN;
      frac = frac * 10 + d;
      scale *= 10;
    }
    // As Postgres: the fraction as a double (frac / scale is the double strtod reads), times a
    // million, rounded by rint() (halves to even, where Math.round rounds them up).
    const x = (frac / scale) * 1e6;
    micros = Math.round(x);
    if (micros - x === 0.5 && micros % 2 === 1) micros--;
  }
  fractionMicros = micros;
  return ((days * 24 + h) * 60 + mi) * 60 + sec;
}

/**
 * Odoo's 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) at b[at..at+len) as microseconds since Postgres'
 * epoch, or NaN. Exact while it is a safe integer (years 1715 to 2285); beyond, write it with
 * pgMicrosExact.
 */
export function pgMicros(b: ArrayLike<number>, at: number, len: number): number {
  return pgSeconds(b, at, len) * 1_000_000 + fractionMicros;
}

/** pgMicros exactly, for the datetimes whose microseconds a double cannot hold. */
export function pgMicrosExact(b: ArrayLike<number>, at: number, len: number): bigint {
  const seconds = pgSeconds(b, at, len);
  return BigInt(seconds) * 1_000_000n + BigInt(fractionMicros);
}

// Strings are copied here to be read as bytes, by the same code that reads JSON bytes. Only
// ASCII: a Uint8Array keeps the low byte of a wider character, so 'İ' (U+0130) would read as '0'.
const scratch = new Uint8Array(32);
function toScratch(s: string): number {
  if (s.length > scratch.length) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    scratch[i] = c;
  }
  return s.length;
}

/** Odoo's 'YYYY-MM-DD' as days since Postgres' epoch, or NaN when it is not a real date. */
export function odooDateDays(s: string): number {
  return toScratch(s) === 10 ? pgDays(scratch, 0) : Number.NaN;
}

/** Odoo's 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) as microseconds since Postgres' epoch, or NaN. */
export function odooDatetimeMicros(s: string): number {
  const len = toScratch(s);
  return len < 0 ? Number.NaN : pgMicros(scratch, 0, len);
}

/** odooDatetimeMicros exactly, for a datetime it accepted but a double cannot hold. */
export function odooDatetimeMicrosExact(s: string): bigint {
  return pgMicrosExact(scratch, 0, toScratch(s));
}
