// Secrets must never reach an error, a log line or a stack trace. URLs lose their userinfo and
// query; free text (Odoo fault strings, tracebacks, runtime error messages) has every
// configured secret replaced before it is stored on an error. An Odoo that echoes the request
// quotes the key the way its answer is encoded (a JSON string, an XML-RPC document, a query
// string, a Python repr), so each character of a secret is matched in every one of those
// spellings, mixed freely.

/** The URL without user, password, query or fragment; unparsable input becomes `<invalid url>`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

const MASK = '***';
// Shorter secrets would mangle ordinary text (and are not worth hiding).
const MIN_SECRET_LENGTH = 4;

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A hex number matched in either case, e.g. `4a` → `4[aA]`. */
const hexAnyCase = (n: number, width = 0) =>
  n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);

const JSON_SHORT: Record<string, string> = {
  '"': '\\\\"',
  '\\': '\\\\\\\\',
  '/': '\\\\/',
  '\b': '\\\\b',
  '\f': '\\\\f',
  '\n': '\\\\n',
  '\r': '\\\\r',
  '\t': '\\\\t',
};
const XML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Every way one character can be spelled in JSON, XML, URL-encoded or Python-escaped text. */
function characterPattern(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const alts = [escapeRegExp(ch)];
  // JSON and Python \uXXXX (a surrogate pair beyond the BMP), Python \xHH and \U0000XXXX.
  const units = ch.length === 2 ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [cp];
  alts.push(units.map((u) => `\\\\u${hexAnyCase(u, 4)}`).join(''));
  if (cp < 0x100) alts.push(`\\\\x${hexAnyCase(cp, 2)}`);
  alts.push(`\\\\U${hexAnyCase(cp, 8)}`);
  if (JSON_SHORT[ch]) alts.push(JSON_SHORT[ch]);
  // XML character references (decimal or hex, any leading zeros) and the predefined entities.
  alts.push(`&#0*${cp};`, `&#[xX]0*${hexAnyCase(cp)};`);
  if (XML_NAMED[ch]) alts.push(XML_NAMED[ch]);
  // Percent-encoding of the UTF-8 bytes; a space may also be a `+` (form encoding).
  const bytes = new TextEncoder().encode(ch);
  alts.push([...bytes].map((b) => `%${hexAnyCase(b, 2)}`).join(''));
  if (ch === ' ') alts.push('\\+');
  return `(?:${alts.join('|')})`;
}

const patterns = new Map<string, RegExp>();

function secretPattern(secret: string): RegExp {
  let re = patterns.get(secret);
  if (!re) {
    re = new RegExp(Array.from(secret, characterPattern).join(''), 'g');
    patterns.set(secret, re);
  }
  return re;
}

/** Replaces each secret, in any of its escaped spellings (ignoring very short secrets). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    out = out.replace(secretPattern(s), MASK);
  }
  return out;
}

// Errors are described (for logs, run records and sync_state) far from where the settings were
// read; the edge that reads them registers the secrets once, so no description can miss one.
const known = new Set<string>();

/** Registers a secret that every later `scrubKnown` removes. */
export function rememberSecret(secret: string | undefined): void {
  if (secret && secret.length >= MIN_SECRET_LENGTH) known.add(secret);
}

/** `scrub` with every secret registered by `rememberSecret`. */
export function scrubKnown(text: string): string {
  return known.size ? scrub(text, [...known]) : text;
}
