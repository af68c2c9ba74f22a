// Range handling from PostgREST's ApiRequest.getRanges and RangeQuery.hs (reference §1.6):
// the Range header (GET only) intersected with limit/offset, then capped by db-max-rows;
// and, on the way out, Content-Range with the 200/206/416 decision.

import { invalidRange } from './errors.ts';
import type { RowRange } from './types.ts';

/** `^([0-9]+)-([0-9]*)$`; anything else is ignored (the whole range). */
export function parseRangeHeader(value: string | undefined): RowRange | 'empty' {
  if (value === undefined) return { offset: 0 };
  const m = /^([0-9]+)-([0-9]*)$/.exec(value);
  if (!m) return { offset: 0 };
  const lower = Number(m[1]);
  if (m[2] === '') return { offset: lower };
  const upper = Number(m[2]);
  return upper < lower ? 'empty' : { offset: lower, upper };
}

function isEmpty(r: RowRange): boolean {
  return r.upper !== undefined && r.upper < r.offset;
}

function intersect(a: RowRange, b: RowRange): RowRange | 'empty' {
  if (isEmpty(a) || isEmpty(b)) return 'empty';
  const offset = Math.max(a.offset, b.offset);
  const upper =
    a.upper === undefined ? b.upper : b.upper === undefined ? a.upper : Math.min(a.upper, b.upper);
  const r = { offset, upper };
  return isEmpty(r) ? 'empty' : r;
}

export interface EffectiveRange {
  offset: number;
  /** Rows to fetch (already capped by max rows). */
  limit: number;
}

/**
 * The range the query runs with. Throws PGRST103 for an empty intersection, except the
 * explicit `limit=0`, which PostgREST allows as the only empty range.
 */
export function effectiveRange(opts: {
  method: string;
  rangeHeader: string | undefined;
  limitRange: RowRange | undefined;
  limitZero: boolean;
  maxRows: number;
}): EffectiveRange {
  const header = opts.method === 'GET' ? parseRangeHeader(opts.rangeHeader) : { offset: 0 };
  if (opts.limitZero) return { offset: 0, limit: 0 };
  const fromQuery = opts.limitRange ?? { offset: 0 };
  const combined = header === 'empty' ? 'empty' : intersect(header, fromQuery);
  if (combined === 'empty')
    throw invalidRange(header === 'empty' ? 'lowerGtUpper' : 'negativeLimit');
  // db-max-rows caps the upper bound at offset + maxRows - 1 (restrictRange).
  const cap = combined.offset + opts.maxRows - 1;
  const upper = combined.upper === undefined ? cap : Math.min(combined.upper, cap);
  return { offset: combined.offset, limit: upper - combined.offset + 1 };
}

/** rangeStatusHeader: status and Content-Range for `rows` returned out of `total`. */
export function rangeStatus(
  offset: number,
  rows: number,
  total: number | undefined,
): { status: number; contentRange: string } {
  const lower = offset;
  const upper = lower + rows - 1;
  const rangeString = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  const contentRange = `${rangeString}/${total === undefined ? '*' : total}`;
  if (total === undefined) return { status: 200, contentRange };
  if (lower > total) throw invalidRange({ offset: lower, total });
  if (1 + upper - lower < total) return { status: 206, contentRange };
  return { status: 200, contentRange };
}
