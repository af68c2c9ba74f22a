// RFC 4180 CSV: fields with commas, quotes or line breaks quoted, quotes doubled; a leading
// = + - @ (or tab, CR) is prefixed with ' so a spreadsheet does not run it as a formula.
// Semicolons are quoted too: Excel with a `;` list separator (most of Europe) splits an
// unquoted `x;=1+2` into two cells, the second a formula.

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",;\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
