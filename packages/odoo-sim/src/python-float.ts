/**
 * Formats a double the way Python's `repr(float)` does (what Odoo's XML-RPC marshaller and
 * `json.dumps` emit): shortest round-trip digits, always a `.0` on integral values, and
 * scientific notation with a signed, two-digit exponent outside [1e-4, 1e16).
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  const ax = Math.abs(x);
  if (ax < 1e16 && (ax >= 1e-4 || ax === 0)) {
    if (Number.isInteger(x)) return Object.is(x, -0) ? '-0.0' : `${x}.0`;
    // JS uses fixed notation on [1e-7, 1e21), a superset of Python's fixed range.
    return String(x);
  }
  const e = x.toExponential(); // shortest round-trip mantissa, e.g. "1.5e-7"
  const at = e.indexOf('e');
  const mantissa = e.slice(0, at);
  const exp = Number(e.slice(at + 1));
  const sign = exp < 0 ? '-' : '+';
  const digits = String(Math.abs(exp)).padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}
