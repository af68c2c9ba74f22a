// One HTTP exchange with Odoo: a deadline over the whole exchange (headers and body), a cap on
// the decompressed body, and fetch's runtime-specific failures turned into named errors.
import {
  OdooAbortedError,
  OdooConnectionError,
  type OdooErrorContext,
  OdooResponseTooLargeError,
  OdooTimeoutError,
  OdooTruncatedBodyError,
} from './errors.ts';
import { scrub } from './redact.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpExchange {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
  fetch: FetchLike;
  /** Where (for errors); its url must already be redacted. */
  ctx: OdooErrorContext;
  /** Strings that must not appear in error messages. */
  secrets: readonly string[];
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export async function exchange(x: HttpExchange): Promise<HttpResult> {
  const timeout = AbortSignal.timeout(x.timeoutMs);
  // Ours, to drop the connection when we stop reading (size cap) instead of draining it.
  const stop = new AbortController();
  const signal = AbortSignal.any(
    x.signal ? [x.signal, timeout, stop.signal] : [timeout, stop.signal],
  );
  let res: Response;
  try {
    res = await x.fetch(x.url, {
      method: x.method,
      headers: x.headers,
      body: x.body as BodyInit | undefined,
      signal,
    });
  } catch (e) {
    throw interrupted(e, x, timeout, 'before a response arrived', (m, ctx) => {
      return new OdooConnectionError(m, ctx);
    });
  }
  const body = await readBody(res, x, timeout, stop);
  return { status: res.status, headers: res.headers, body };
}

async function readBody(
  res: Response,
  x: HttpExchange,
  timeout: AbortSignal,
  stop: AbortController,
): Promise<Uint8Array> {
  const max = x.maxResponseBytes;
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!encoded && declared > max) {
    stop.abort();
    res.body?.cancel().catch(() => {});
    throw tooLarge(x, declared);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        stop.abort();
        reader.cancel().catch(() => {});
        throw tooLarge(x, total);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof OdooResponseTooLargeError) throw e;
    throw interrupted(e, x, timeout, `after ${total} bytes of the body`, (m, ctx) => {
      return new OdooTruncatedBodyError(m, ctx);
    });
  }
  let body = concat(chunks, total);
  if (!encoded && Number.isFinite(declared) && total < declared) {
    throw new OdooTruncatedBodyError(
      `response body ended after ${total} of ${declared} bytes`,
      x.ctx,
    );
  }
  // Runtimes decompress gzip themselves; this only triggers for a fetch that did not.
  if (
    encoded &&
    body[0] === 0x1f &&
    body[1] === 0x8b &&
    /gzip/i.test(res.headers.get('content-encoding') ?? '')
  ) {
    body = await gunzip(body, x);
  }
  return body;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

async function gunzip(data: Uint8Array, x: HttpExchange): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > x.maxResponseBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(x, total);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof OdooResponseTooLargeError) throw e;
    throw new OdooTruncatedBodyError('gzip body is incomplete or corrupt', { ...x.ctx, cause: e });
  }
  return concat(chunks, total);
}

function tooLarge(x: HttpExchange, bytes: number): OdooResponseTooLargeError {
  return new OdooResponseTooLargeError(
    `response body exceeds maxResponseBytes (${bytes} > ${x.maxResponseBytes}); request smaller pages`,
    { ...x.ctx, limitBytes: x.maxResponseBytes },
  );
}

function interrupted(
  e: unknown,
  x: HttpExchange,
  timeout: AbortSignal,
  when: string,
  otherwise: (message: string, ctx: OdooErrorContext) => Error,
): Error {
  if (timeout.aborted) {
    return new OdooTimeoutError(`no complete response within ${x.timeoutMs} ms (${when})`, {
      ...x.ctx,
      timeoutMs: x.timeoutMs,
    });
  }
  if (x.signal?.aborted)
    return new OdooAbortedError(`request aborted by the caller (${when})`, x.ctx);
  const detail = scrub(describeNetworkError(e), x.secrets);
  return otherwise(`${detail} (${when})`, { ...x.ctx, cause: scrubbedCause(e, x.secrets) });
}

// Node (undici) hides the socket error in `cause` (code ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET);
// Deno puts it in the message. Both are kept, the code first.
export function describeNetworkError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    if (cur instanceof Error || (typeof cur === 'object' && cur !== null)) {
      const err = cur as { code?: unknown; message?: unknown; cause?: unknown };
      const code = typeof err.code === 'string' ? err.code : undefined;
      const msg = typeof err.message === 'string' ? err.message : undefined;
      if (code && !parts.includes(code)) parts.push(code);
      if (msg && !parts.includes(msg)) parts.push(msg);
      cur = err.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(': ') || 'network error';
}

// The cause is kept for debugging, but only as a plain copy whose text has been scrubbed.
function scrubbedCause(e: unknown, secrets: readonly string[]): Error {
  const out = new Error(scrub(describeNetworkError(e), secrets));
  out.name = e instanceof Error ? e.name : 'Error';
  return out;
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined if absent. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
