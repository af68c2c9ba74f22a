// The XML of one worksheet, in the three pieces a sliced writer needs: the head (frozen header
// pane, column widths, the title block and the header row), rows, and the tail (autofilter over
// the header and every row). Strings are inline (no shared-strings table to keep across
// slices); numbers and dates are written as Excel's numbers with a number format.
import { Style, type StyleId } from './styles.ts';
import { cellText, escapeXml } from './xml-text.ts';

export type ColumnType = 'text' | 'number' | 'integer' | 'date' | 'datetime' | 'percent';

export interface Column {
  header: string;
  type: ColumnType;
  /** Width in characters. */
  width: number;
}

/** A value as the database gives it: numeric and date columns as text or number. */
export type CellValue = string | number | Date | null | undefined;

/** A line of the title block: a bold label and its value. */
export interface TitleLine {
  label: string;
  value: CellValue;
  type?: ColumnType;
}

/** Excel's limit on rows per worksheet. */
export const MAX_SHEET_ROWS = 1_048_576;

/** A, B, …, Z, AA, … for a 0-based column index. */
export function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const DAY_MS = 86_400_000;
// Excel's day 0 is 1899-12-30 (with the 1900 leap-year bug folded in): 25,569 days before 1970.
const EPOCH_OFFSET = 25_569;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMERIC = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Excel's serial number of a date ('YYYY-MM-DD') or instant; null when it is neither. */
export function excelSerial(v: CellValue, withTime: boolean): number | null {
  if (v === null || v === undefined || v === '') return null;
  let ms: number;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'number') return v;
  else {
    const m = ISO_DATE.exec(v);
    ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Date.parse(v);
  }
  if (!Number.isFinite(ms)) return null;
  const serial = ms / DAY_MS + EPOCH_OFFSET;
  return withTime ? Math.round(serial * DAY_MS) / DAY_MS : Math.floor(serial);
}

function numberText(v: CellValue): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'string' && NUMERIC.test(v)) return v;
  return null;
}

const STYLE_OF: Record<ColumnType, StyleId> = {
  text: Style.text,
  number: Style.number,
  integer: Style.integer,
  date: Style.date,
  datetime: Style.datetime,
  percent: Style.percent,
};
const TOTAL_STYLE_OF: Record<ColumnType, StyleId> = {
  text: Style.bold,
  number: Style.totalNumber,
  integer: Style.totalNumber,
  date: Style.date,
  datetime: Style.datetime,
  percent: Style.totalPercent,
};

/** One cell's XML at `ref`, or '' for no value. */
export function cellXml(ref: string, type: ColumnType, v: CellValue, style: StyleId): string {
  if (v === null || v === undefined) return '';
  if (type === 'text' || typeof v === 'boolean') {
    const s = cellText(String(v));
    if (s === '') return '';
    const space = s.trimEnd() !== s || s.trimStart() !== s ? ' xml:space="preserve"' : '';
    const sAttr = style === Style.text ? '' : ` s="${style}"`;
    return `<c r="${ref}"${sAttr} t="inlineStr"><is><t${space}>${escapeXml(s)}</t></is></c>`;
  }
  const n =
    type === 'date' || type === 'datetime'
      ? (excelSerial(v, type === 'datetime')?.toString() ?? null)
      : numberText(v);
  // A value that is not what the column says is kept, as text, rather than lost.
  if (n === null) return cellXml(ref, 'text', String(v), style === Style.text ? style : Style.text);
  return `<c r="${ref}" s="${style}"><v>${n}</v></c>`;
}

/**
 * Writes rows of a fixed set of columns; precomputes what each cell needs so a row costs one
 * string concatenation per cell.
 */
export class RowWriter {
  private readonly letters: string[];
  private readonly styles: StyleId[];
  private readonly totalStyles: StyleId[];
  constructor(readonly columns: readonly Column[]) {
    this.letters = columns.map((_, i) => columnName(i));
    this.styles = columns.map((c) => STYLE_OF[c.type]);
    this.totalStyles = columns.map((c) => TOTAL_STYLE_OF[c.type]);
  }

  /**
   * Row `r` (1-based) of `values` in column order; `total` makes it a bold totals row,
   * `percent` shows its numeric cells as percentages (a "% of total" row).
   */
  row(r: number, values: readonly CellValue[], total = false, percent = false): string {
    const styles = total ? this.totalStyles : this.styles;
    let out = `<row r="${r}">`;
    const cols = this.columns;
    for (let i = 0; i < cols.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      const type = cols[i].type;
      const style =
        percent && (type === 'number' || type === 'integer' || type === 'percent')
          ? total
            ? Style.totalPercent
            : Style.percent
          : styles[i];
      out += cellXml(this.letters[i] + r, type, v, style);
    }
    return `${out}</row>`;
  }

  /** The bold header row at row `r`. */
  header(r: number): string {
    let out = `<row r="${r}">`;
    for (let i = 0; i < this.columns.length; i++)
      out += cellXml(this.letters[i] + r, 'text', this.columns[i].header, Style.header);
    return `${out}</row>`;
  }
}

/** Rows the title block takes (title, lines, one blank row), so the header row is known. */
export function titleRows(lines: readonly TitleLine[] | undefined, title?: string): number {
  if (!title && !lines?.length) return 0;
  return (title ? 1 : 0) + (lines?.length ?? 0) + 1;
}

/**
 * From `<worksheet>` to the header row: the pane frozen below the header, widths, and the
 * title block above the header (a title in large bold, then bold label / value lines).
 */
export function sheetHead(
  columns: readonly Column[],
  opts: { title?: string; lines?: readonly TitleLine[] } = {},
): { xml: string; headerRow: number } {
  const headerRow = titleRows(opts.lines, opts.title) + 1;
  let xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${headerRow}" topLeftCell="A${headerRow + 1}" activePane="bottomLeft" state="frozen"/>` +
    `<selection pane="bottomLeft" activeCell="A${headerRow + 1}" sqref="A${headerRow + 1}"/></sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/><cols>';
  columns.forEach((c, i) => {
    xml += `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`;
  });
  xml += '</cols><sheetData>';
  let r = 1;
  if (opts.title)
    xml += `<row r="${r}">${cellXml(`A${r++}`, 'text', opts.title, Style.title)}</row>`;
  for (const line of opts.lines ?? []) {
    const type = line.type ?? 'text';
    xml +=
      `<row r="${r}">${cellXml(`A${r}`, 'text', line.label, Style.bold)}` +
      `${cellXml(`B${r}`, type, line.value, STYLE_OF[type])}</row>`;
    r++;
  }
  xml += new RowWriter(columns).header(headerRow);
  return { xml, headerRow };
}

/** From the end of the rows to `</worksheet>`: the autofilter from the header to `lastRow`. */
export function sheetTail(columns: readonly Column[], headerRow: number, lastRow: number): string {
  const ref = `A${headerRow}:${columnName(columns.length - 1)}${Math.max(lastRow, headerRow)}`;
  return `</sheetData><autoFilter ref="${ref}"/></worksheet>`;
}

/** The autofilter range of a sheet in workbook terms ('Sheet'!$A$4:$N$99). */
export function filterRange(
  sheet: string,
  columns: number,
  headerRow: number,
  lastRow: number,
): string {
  const last = columnName(columns - 1);
  return `'${sheet.replace(/'/g, "''")}'!$A$${headerRow}:$${last}$${Math.max(lastRow, headerRow)}`;
}
