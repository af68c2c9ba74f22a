// Turns the one-row result of a read or call into status, headers and body, as
// PostgREST's Response.hs does: Content-Range and 200/206/416, singular responses,
// Preference-Applied, and the `response.headers`/`response.status` GUCs.

import type { BodyShape } from './build-read.ts';
import { gucHeadersError, gucStatusError, singularityError } from './errors.ts';
import { contentTypeOf, type ResponseFormat } from './media-type.ts';
import { appliedPreferences, type Preferences } from './preferences.ts';
import { rangeStatus } from './range.ts';
import type { MainResult } from './transaction.ts';

export interface ReadResponse {
  status: number;
  headers: Record<string, string>;
  body: string | undefined;
}

function gucHeaders(value: string | null): Record<string, string> {
  if (value === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw gucHeadersError();
  }
  if (!Array.isArray(parsed)) throw gucHeadersError();
  const out: Record<string, string> = {};
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw gucHeadersError();
    const entries = Object.entries(item as Record<string, unknown>);
    if (entries.length !== 1 || typeof entries[0][1] !== 'string') throw gucHeadersError();
    out[entries[0][0]] = entries[0][1];
  }
  return out;
}

function gucStatus(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^[0-9]+$/.test(value)) throw gucStatusError();
  const status = Number(value);
  if (status < 100 || status > 599) throw gucStatusError();
  return status;
}

export function readResponse(
  row: MainResult,
  opts: {
    offset: number;
    format: ResponseFormat;
    prefs: Preferences;
    shape: BodyShape;
    head: boolean;
    contentProfile: string | undefined;
  },
): ReadResponse {
  const rows = Number(row.page_total);
  const total = row.total_result_set === null ? undefined : Number(row.total_result_set);
  // PostgREST checks singularity before building the response, and rolls back on failure.
  if (opts.format.kind === 'object' && rows !== 1) throw singularityError(rows);
  const headers: Record<string, string> = {};
  if (opts.contentProfile !== undefined) headers['Content-Profile'] = opts.contentProfile;
  const applied = appliedPreferences(opts.prefs);
  if (applied !== undefined) headers['Preference-Applied'] = applied;
  const gucH = gucHeaders(row.response_headers);
  const gucS = gucStatus(row.response_status);

  if (opts.shape === 'void') {
    Object.assign(headers, gucH);
    return { status: gucS ?? 204, headers, body: undefined };
  }
  const { status, contentRange } = rangeStatus(opts.offset, rows, total);
  headers['Content-Type'] = contentTypeOf(opts.format);
  headers['Content-Range'] = contentRange;
  Object.assign(headers, gucH);
  return {
    status: gucS ?? status,
    headers,
    body: opts.head ? undefined : (row.body ?? ''),
  };
}
