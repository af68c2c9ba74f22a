// Money and dates as the page shows them. Amounts are handled in integer cents (minor units)
// so that sums are exact; PostgREST returns numeric columns as JSON numbers.

export function toMinor(v: unknown, decimals = 2): number {
  if (v === null || v === undefined || v === '') return 0;
  return Math.round(Number(v) * 10 ** decimals);
}

export function sumMinor(rows: readonly Record<string, unknown>[], col: string, decimals = 2) {
  let s = 0;
  for (const r of rows) s += toMinor(r[col], decimals);
  return s;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats minor units in a currency (ISO code), falling back to a plain number. */
export function money(minor: number, currency: string | null | undefined, decimals = 2): string {
  const key = `${currency}|${decimals}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, {
        style: currency ? 'currency' : 'decimal',
        currency: currency ?? undefined,
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
      });
    } catch {
      f = new Intl.NumberFormat(undefined, {
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
      });
    }
    formatters.set(key, f);
  }
  return f.format(minor / 10 ** decimals);
}

/** Decimal string of minor units, e.g. 123456 → "1234.56" (for data attributes and CSV). */
export function minorToDecimal(minor: number, decimals = 2): string {
  if (decimals === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** decimals;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(decimals, '0')}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.slice(0, 10);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Local date as YYYY-MM-DD. */
export function isoToday(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
