// Splits a raw query string the way PostgREST's `parseQueryReplacePlus True` does:
// `+` is a space, percent escapes are decoded, and a key without `=` has no value
// (PostgREST drops those), while `key=` has the empty string.

export type RawParam = [key: string, value: string | undefined];

export function splitQueryString(raw: string): RawParam[] {
  const out: RawParam[] = [];
  for (const part of raw.split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) out.push([decodeComponent(part), undefined]);
    else out.push([decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
  }
  return out;
}

/** Percent-decoding that, like Haskell's urlDecode, keeps malformed escapes verbatim. */
export function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    const bytes: number[] = [];
    const enc = new TextEncoder();
    for (let i = 0; i < spaced.length; i++) {
      const ch = spaced[i];
      const hex = spaced.slice(i + 1, i + 3);
      if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...enc.encode(ch));
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}
