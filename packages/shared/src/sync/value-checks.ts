// What Postgres cannot store, checked before a page is sent: it would otherwise refuse the
// whole page with an error that names neither the record nor the field (or, through binary
// COPY, store something else: TextEncoder turns a lone surrogate into U+FFFD).

/** Deeper JSON than this is refused: Postgres' parser overflows its stack near 10,000 levels. */
export const MAX_JSON_DEPTH = 1000;

const SUSPECT = /[\0\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` cannot be Postgres text, or null when it can. Cheap for ordinary strings. */
export function textFault(s: string): string | null {
  if (!SUSPECT.test(s)) return null;
  if (s.includes('\0')) return 'contains NUL (\\u0000), which Postgres text cannot hold';
  return LONE_SURROGATE.test(s) ? 'contains a lone surrogate (not Unicode text)' : null;
}

/** Why `v` cannot be jsonb, or null when it can: depth, bigint, and text as textFault. */
export function jsonFault(v: unknown, depth = 0): string | null {
  if (typeof v === 'string') return textFault(v);
  if (typeof v === 'bigint') return 'holds an integer beyond 2^53';
  if (v === null || typeof v !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return `is nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = jsonFault(x, depth + 1);
      if (f) return f;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const f = textFault(k) ?? jsonFault((v as Record<string, unknown>)[k], depth + 1);
    if (f) return f;
  }
  return null;
}

/** JSON text of a value jsonFault passed; undefined for what JSON cannot carry (a function). */
export function jsonText(v: unknown): string | undefined {
  return typeof v === 'function' || typeof v === 'symbol' ? undefined : JSON.stringify(v);
}

/** A short, printable rendering of any value for an error message (never throws). */
export function preview(v: unknown, max = 80): string {
  let s: string | undefined;
  if (typeof v === 'bigint') s = `${v}`;
  else if (typeof v === 'string') s = JSON.stringify(v.length > max ? v.slice(0, max) : v);
  else if (jsonFault(v)?.startsWith('is nested')) s = `(JSON nested deeper than ${MAX_JSON_DEPTH})`;
  else {
    try {
      s = JSON.stringify(v);
    } catch {
      s = undefined; // an integer beyond 2^53 inside
    }
    s ??= Object.prototype.toString.call(v);
  }
  if (s.length <= max) return s;
  // Not cut between the two halves of a surrogate pair.
  const cut = /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return `${s.slice(0, cut)}…`;
}
