// Text as a cell may hold it: Excel keeps at most 32,767 characters in a cell, and XML 1.0
// forbids most control characters (and lone surrogates) anywhere in the file, so one stray byte
// in an Odoo label would make the whole workbook unreadable. Both are removed here, once.

/** Excel's limit on the characters of one cell. */
export const MAX_CELL_CHARS = 32_767;

// Not allowed in XML 1.0: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates.
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SPECIAL = /[&<>"]/g;
const HAS_SPECIAL = /[&<>"]/;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** The text without XML-forbidden characters, cut to Excel's cell limit (never mid-pair). */
export function cellText(value: string): string {
  let s = value.replace(FORBIDDEN, '');
  if (s.length > MAX_CELL_CHARS) {
    const cut = s.charCodeAt(MAX_CELL_CHARS - 1);
    s = s.slice(0, cut >= 0xd800 && cut <= 0xdbff ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS);
  }
  return s;
}

/** Escapes text for an element or attribute value. */
export function escapeXml(s: string): string {
  return HAS_SPECIAL.test(s) ? s.replace(SPECIAL, (c) => ENTITY[c]) : s;
}
