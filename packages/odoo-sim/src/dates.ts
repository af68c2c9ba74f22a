import { NO_DATE } from './table.ts';

/** Date and datetime conversions between Odoo's wire strings and the raw storage numbers. */
const DAY_MS = 86_400_000;
const dayCache = new Map<number, string>();

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function daysToDate(days: number): string {
  let s = dayCache.get(days);
  if (s === undefined) {
    const d = new Date(days * DAY_MS);
    s = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    if (dayCache.size < 200_000) dayCache.set(days, s);
  }
  return s;
}

export class InvalidDateError extends Error {
  override name = 'ValueError';
}

/** `YYYY-MM-DD` (a longer datetime string contributes its date part) → days since 1970. */
export function dateToDays(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) throw new InvalidDateError(`time data '${s}' does not match format '%Y-%m-%d'`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

export function dateOrFalse(days: number): string | false {
  return days === NO_DATE ? false : daysToDate(days);
}

let lastSecond = Number.NaN;
let lastSecondStr = '';

/** µs since 1970 → `YYYY-MM-DD HH:MM:SS` (microseconds dropped, as Odoo does on output). */
export function usToDatetime(us: number): string {
  const sec = Math.floor(us / 1e6);
  if (sec === lastSecond) return lastSecondStr;
  const d = new Date(sec * 1000);
  const s = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  lastSecond = sec;
  lastSecondStr = s;
  return s;
}

/** µs since 1970 → `YYYY-MM-DD HH:MM:SS.ffffff` (the database's full precision). */
export function usToDatetimeFull(us: number): string {
  const sec = Math.floor(us / 1e6);
  const frac = Math.round(us - sec * 1e6);
  return `${usToDatetime(sec * 1e6)}.${String(frac).padStart(6, '0')}`;
}

/** `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` (also `T` separator) → µs since 1970. */
export function datetimeToUs(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(
    s.trim(),
  );
  if (!m) {
    throw new InvalidDateError(`time data '${s}' does not match format '%Y-%m-%d %H:%M:%S'`);
  }
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  const frac = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  return ms * 1000 + frac;
}

export function daysFromUs(us: number): number {
  return Math.floor(us / 1e3 / DAY_MS);
}

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
