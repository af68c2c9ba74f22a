// Reads a workbook back with openpyxl (Debian's python3-openpyxl, run by /usr/bin/python3):
// a reader that shares no code with the writer, as Excel users' tools would read the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOpenpyxl } from '../../tools/local-stack/src/install.ts';

export type Value = string | number | boolean | null;

export interface ReadSheet {
  name: string;
  rows: Value[][];
  /** [bold, number format] per cell with a value, null for empty cells. */
  formats: ([boolean, string] | null)[][];
  freeze: string | null;
  filter: string | null;
  widths: Record<string, number>;
  max_row: number;
}

export function readBack(bytes: Uint8Array): ReadSheet[] {
  ensureOpenpyxl();
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
  try {
    const file = join(dir, 'book.xlsx');
    writeFileSync(file, bytes);
    const out = execFileSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'read_xlsx.py'), file],
      {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      },
    );
    return JSON.parse(out) as ReadSheet[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
