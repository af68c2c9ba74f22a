/**
 * Exact sums of the decimal values behind doubles, as Postgres `SUM` over `numeric` columns
 * gives them (Odoo stores monetary and digits-carrying float fields as numeric; psycopg2's
 * result then becomes the nearest double): 0.1 + 0.2 is 0.3, not 0.30000000000000004.
 *
 * Each value counts as its shortest round-trip decimal (what Odoo reads back and what a copy
 * stores). The total is an integer at the smallest scale that holds every term exactly:
 * a Number while that stays exact, a BigInt beyond.
 */
const MAX_SCALE = 20;
const FAST_LIMIT = 2 ** 51;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

export class DecimalSum {
  private scale: number;
  private acc = 0;
  private big: bigint | null = null;
  count = 0;

  /** `scale`: decimals most terms have (2 for monetary amounts), a hint for the fast path. */
  constructor(scale = 0) {
    this.scale = scale;
  }

  add(v: number): void {
    this.count++;
    if (v === 0) return;
    let n = Math.round(v * POW10[this.scale]);
    // Below 2^51 two decimals at this scale never share a double, so n is v's decimal.
    if (n / POW10[this.scale] !== v || !(Math.abs(n) < FAST_LIMIT)) {
      const d = decimals(v);
      if (d > this.scale) this.rescale(Math.min(d, MAX_SCALE));
      n = Math.round(v * POW10[this.scale]);
      if (n / POW10[this.scale] !== v || !(Math.abs(n) < FAST_LIMIT)) {
        this.addBig(exactScaled(v, this.scale));
        return;
      }
    }
    if (this.big !== null) {
      this.big += BigInt(n);
      return;
    }
    const next = this.acc + n;
    if (Number.isSafeInteger(next)) this.acc = next;
    else this.addBig(BigInt(n));
  }

  /** The exact total as a decimal string (`-12.5`, `0`). */
  toDecimalString(): string {
    const total = this.big ?? BigInt(this.acc);
    const neg = total < 0n;
    let digits = (neg ? -total : total).toString();
    if (this.scale > 0) {
      digits = digits.padStart(this.scale + 1, '0');
      const int = digits.slice(0, -this.scale);
      const frac = digits.slice(-this.scale).replace(/0+$/, '');
      digits = frac ? `${int}.${frac}` : int;
    }
    return neg && digits !== '0' ? `-${digits}` : digits;
  }

  /** The nearest double to the exact total (what `float(Decimal)` gives). */
  value(): number {
    if (this.big === null) return this.acc / POW10[this.scale]; // both exact: correctly rounded
    return Number(this.toDecimalString());
  }

  private rescale(scale: number): void {
    const k = scale - this.scale;
    if (k <= 0) return;
    this.scale = scale;
    if (this.big !== null) {
      this.big *= 10n ** BigInt(k);
      return;
    }
    const next = this.acc * POW10[k];
    if (Number.isSafeInteger(next)) this.acc = next;
    else this.big = BigInt(this.acc) * 10n ** BigInt(k);
  }

  private addBig(n: bigint): void {
    this.big = (this.big ?? BigInt(this.acc)) + n;
  }
}

/** Decimals in the shortest round-trip representation of v (e.g. 0.125 → 3, 1e-7 → 7). */
function decimals(v: number): number {
  const s = String(Math.abs(v));
  const e = s.indexOf('e');
  if (e < 0) {
    const dot = s.indexOf('.');
    return dot < 0 ? 0 : s.length - dot - 1;
  }
  const mantissa = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, frac - exp);
}

/** v's shortest decimal × 10^scale as a BigInt (truncating digits beyond `scale`). */
function exactScaled(v: number, scale: number): bigint {
  const s = String(Math.abs(v));
  const e = s.indexOf('e');
  const mantissa = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
  const shift = scale + exp - frac; // digits × 10^shift
  const n =
    shift >= 0 ? BigInt(digits) * 10n ** BigInt(shift) : BigInt(digits) / 10n ** BigInt(-shift);
  return v < 0 ? -n : n;
}
