// A workbook written over many invocations: each slice adds rows to the current sheet and
// returns its deflated output pieces; the state (per sheet: rows, CRC, sizes) is plain JSON,
// saved with the pieces, so the next slice — in another process — continues the same streams.
// A sheet that reaches Excel's row limit continues on a new sheet with the same header.
import {
  type CellValue,
  type Column,
  MAX_SHEET_ROWS,
  RowWriter,
  sheetHead,
  sheetTail,
  type TitleLine,
} from './sheet-xml.ts';
import { type DeflateProgress, deflateSlice, emptyProgress } from './sliced-deflate.ts';

export interface SheetSpec {
  name: string;
  columns: readonly Column[];
  title?: string;
  lines?: readonly TitleLine[];
}

export interface SheetState extends DeflateProgress {
  /** The sheet's name in the workbook. */
  name: string;
  /** The spec it was opened for (a continuation sheet keeps its spec's name here). */
  spec: string;
  columns: number;
  headerRow: number;
  lastRow: number;
  /** The last row the autofilter covers (totals rows below it stay put when sorting). */
  filterRow: number;
  closed: boolean;
}

export interface WorkbookState {
  sheets: SheetState[];
}

export const newWorkbookState = (): WorkbookState => ({ sheets: [] });

/** One piece of deflated output for sheet number `sheet` (0-based). */
export interface SheetPiece {
  sheet: number;
  data: Uint8Array;
}

const BAD_NAME = /[[\]:*?/\\]/g;

/** A valid, unique worksheet name (31 characters, none of []:*?/\). */
function sheetName(wanted: string, taken: readonly SheetState[], n = 1): string {
  const base = wanted.replace(BAD_NAME, ' ').trim() || 'Sheet';
  const suffix = n > 1 ? ` (${n})` : '';
  const name = base.slice(0, 31 - suffix.length) + suffix;
  return taken.some((s) => s.name.toLowerCase() === name.toLowerCase())
    ? sheetName(wanted, taken, n + 1)
    : name;
}

export class WorkbookSlice {
  private sheet: SheetState | undefined;
  private spec: SheetSpec | undefined;
  private rows: RowWriter | undefined;
  private text: string[] = [];
  private readonly pieces: SheetPiece[] = [];
  private readonly enc = new TextEncoder();

  constructor(
    readonly state: WorkbookState,
    private readonly maxRows = MAX_SHEET_ROWS,
  ) {}

  /** Continues the open sheet made for `spec`, or closes the open one and starts it. */
  use(spec: SheetSpec): void {
    const open = this.state.sheets.at(-1);
    if (open && !open.closed && open.spec === spec.name) {
      this.sheet = open;
    } else {
      if (open && !open.closed) this.close();
      this.open(spec, spec.name, spec.title, spec.lines);
    }
    this.spec = spec;
    this.rows = new RowWriter(spec.columns);
  }

  private open(spec: SheetSpec, wanted: string, title?: string, lines?: readonly TitleLine[]) {
    const { xml, headerRow } = sheetHead(spec.columns, { title, lines });
    this.sheet = {
      ...emptyProgress(),
      name: sheetName(wanted, this.state.sheets),
      spec: spec.name,
      columns: spec.columns.length,
      headerRow,
      lastRow: headerRow,
      filterRow: headerRow,
      closed: false,
    };
    this.state.sheets.push(this.sheet);
    this.text = [xml];
  }

  /** Adds a row to the current sheet (`total`: a bold totals row; `percent`: as percentages). */
  add(values: readonly CellValue[], opts: { total?: boolean; percent?: boolean } = {}): void {
    const total = opts.total ?? false;
    const sheet = this.sheet;
    if (!sheet || !this.rows || !this.spec) throw new Error('WorkbookSlice.add before use()');
    if (sheet.lastRow >= this.maxRows) {
      const spec = this.spec;
      this.close();
      this.open(spec, spec.name);
      this.rows = new RowWriter(spec.columns);
    }
    const s = this.sheet!;
    s.lastRow++;
    if (!total) s.filterRow = s.lastRow;
    this.text.push(this.rows.row(s.lastRow, values, total, opts.percent ?? false));
  }

  /** Ends the current sheet (its autofilter, the end of its stream). */
  close(): void {
    const sheet = this.sheet;
    if (!sheet || sheet.closed) return;
    this.text.push(sheetTail(this.spec?.columns ?? [], sheet.headerRow, sheet.filterRow));
    this.emit(true);
    sheet.closed = true;
    this.sheet = undefined;
  }

  /** The slice's output: pieces in order; an open sheet's stream is sync-flushed to go on later. */
  finish(): SheetPiece[] {
    if (this.sheet && !this.sheet.closed && this.text.length) this.emit(false);
    return this.pieces;
  }

  private emit(final: boolean) {
    const sheet = this.sheet!;
    const bytes = this.enc.encode(this.text.join(''));
    this.text = [];
    this.pieces.push({
      sheet: this.state.sheets.indexOf(sheet),
      data: deflateSlice(bytes, final, sheet),
    });
  }
}

export { MAX_SHEET_ROWS };
