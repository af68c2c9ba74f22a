// PostgREST's parse errors embed Haskell `show` output (for the source name and the
// position), so reproducing it keeps PGRST100 messages byte-identical for ASCII input
// and recognisably close for the rest.

const CONTROL_NAMES = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'a',
  'b',
  't',
  'n',
  'v',
  'f',
  'r',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

export function haskellShowString(text: string): string {
  let out = '"';
  let previousNumeric = false;
  let previousSO = false;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if ((previousNumeric && ch >= '0' && ch <= '9') || (previousSO && ch === 'H')) out += '\\&';
    previousNumeric = false;
    previousSO = false;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 32) {
      const name = CONTROL_NAMES[code];
      out += `\\${name}`;
      // "\SO" followed by 'H' would read as "\SOH".
      previousSO = name === 'SO';
    } else if (code === 127) out += '\\DEL';
    else if (code > 127) {
      out += `\\${code}`;
      previousNumeric = true;
    } else out += ch;
  }
  return `${out}"`;
}

/** Parsec's SourcePos for a 0-based offset: tabs jump to the next multiple of 8, plus 1. */
export function parsecPosition(input: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (const ch of input.slice(0, offset)) {
    if (ch === '\n') {
      line++;
      column = 1;
    } else if (ch === '\t') column = column + 8 - ((column - 1) % 8);
    else column++;
  }
  return { line, column };
}
