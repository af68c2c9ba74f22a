// JSON bodies of the JSON-RPC and JSON-2 transports. JSON.parse is the fast path (native, and
// it builds fast-mode objects); the work here is naming failures: a body cut short (retry) is
// told apart from one that is not JSON at all (a proxy page, a bug).
import { type OdooErrorContext, OdooMalformedBodyError, OdooTruncatedBodyError } from './errors.ts';
import { isPrefixOfJson } from './json-prefix.ts';
import { scrub } from './redact.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(
  body: Uint8Array,
  ctx: OdooErrorContext,
  secrets: readonly string[],
): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch (e) {
    if (endsInsideUtf8Sequence(body)) {
      throw new OdooTruncatedBodyError('JSON body ends inside a UTF-8 sequence', {
        ...ctx,
        cause: e,
      });
    }
    throw new OdooMalformedBodyError('JSON body is not valid UTF-8', { ...ctx, cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const cause = new Error(
      scrub(e instanceof Error ? e.message.slice(0, 200) : 'invalid JSON', secrets),
    );
    if (text.trim() === '') throw new OdooTruncatedBodyError('empty JSON body', { ...ctx, cause });
    if (isPrefixOfJson(text)) {
      throw new OdooTruncatedBodyError(`JSON body ends early (${body.length} bytes)`, {
        ...ctx,
        cause,
      });
    }
    throw new OdooMalformedBodyError(`body is not JSON: ${scrub(preview(text), secrets)}`, {
      ...ctx,
      cause,
    });
  }
}

function endsInsideUtf8Sequence(b: Uint8Array): boolean {
  // Walk back over continuation bytes to the last lead byte and check its length.
  let i = b.length - 1;
  let cont = 0;
  while (i >= 0 && (b[i] & 0xc0) === 0x80 && cont < 3) {
    i--;
    cont++;
  }
  if (i < 0) return false;
  const lead = b[i];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > cont;
}

export function preview(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t);
}
