// Accept negotiation for the media types this emulator produces (reference §1.8).

import { mediaTypeError } from './errors.ts';

export type ResponseFormat =
  | { kind: 'json'; stripNulls: boolean }
  | { kind: 'object'; stripNulls: boolean }
  | { kind: 'csv' };

interface AcceptEntry {
  type: string;
  params: Map<string, string>;
  q: number;
  raw: string;
}

function parseAccept(header: string): AcceptEntry[] {
  const entries = header
    .split(',')
    .map((raw) => raw.trim())
    .filter((raw) => raw !== '')
    .map((raw) => {
      const [type, ...rest] = raw.split(';').map((s) => s.trim());
      const params = new Map<string, string>();
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
      }
      const q = params.has('q') ? Number(params.get('q')) : 1;
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 1, raw: type };
    });
  // Stable sort: equal q keeps the client's order.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.q - a.e.q || a.i - b.i)
    .map(({ e }) => e);
}

export function negotiate(acceptHeader: string | undefined): ResponseFormat {
  const entries = parseAccept(acceptHeader ?? '*/*');
  if (entries.length === 0) return { kind: 'json', stripNulls: false };
  for (const e of entries) {
    if (e.q <= 0) continue;
    const stripNulls = e.params.get('nulls') === 'stripped';
    switch (e.type) {
      case '*/*':
      case 'application/*':
      case 'application/json':
        return { kind: 'json', stripNulls: false };
      case 'application/vnd.pgrst.array+json':
      case 'application/vnd.pgrst.array':
        return { kind: 'json', stripNulls };
      case 'application/vnd.pgrst.object+json':
      case 'application/vnd.pgrst.object':
        return { kind: 'object', stripNulls };
      case 'text/csv':
      case 'text/*':
        return { kind: 'csv' };
    }
  }
  throw mediaTypeError(entries.map((e) => e.raw));
}

export function contentTypeOf(format: ResponseFormat): string {
  switch (format.kind) {
    case 'json':
      return format.stripNulls
        ? 'application/vnd.pgrst.array+json; nulls=stripped; charset=utf-8'
        : 'application/json; charset=utf-8';
    case 'object':
      return format.stripNulls
        ? 'application/vnd.pgrst.object+json; nulls=stripped; charset=utf-8'
        : 'application/vnd.pgrst.object+json; charset=utf-8';
    case 'csv':
      return 'text/csv; charset=utf-8';
  }
}
