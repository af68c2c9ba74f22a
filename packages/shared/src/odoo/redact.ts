// Secrets must never reach an error, a log line or a stack trace. URLs lose their userinfo and
// query; free text (Odoo fault strings, tracebacks, runtime error messages) has every
// configured secret replaced before it is stored on an error.

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

/** Replaces each secret (ignoring empty and very short ones, which would mangle text). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    if (out.includes(s)) out = out.split(s).join(MASK);
  }
  return out;
}
