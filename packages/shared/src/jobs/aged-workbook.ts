// The aged-receivable workbook of one company, written whole in memory for the weekly digest
// (attached to its e-mail): the same sheets as the export, read with the digest's own rights —
// the digest goes to the company's subscribers, whom an administrator chose. Too large a book
// (more rows than `maxRows`) is not attached: an e-mail is no place for it.
import type { Sql } from 'postgres';
import type { WorkbookProvider } from '../digest/digest-workbook.ts';
import { newWorkbookState, WorkbookSlice } from '../xlsx/sliced-workbook.ts';
import { workbookFile } from '../xlsx/workbook-file.ts';
import { agedReceivableExport } from './aged-export.ts';
import type { Job } from './export-kind.ts';
import { type ExportState, writeSheets } from './export-slice.ts';

export async function agedReceivableWorkbook(
  sql: Sql,
  companyId: number,
  asOf: string,
  maxRows = 20_000,
): Promise<{ filename: string; content: Uint8Array } | null> {
  const kind = agedReceivableExport;
  const job: Job = {
    id: 0,
    kind: 'aged_receivable',
    params: { company_id: companyId, as_of: asOf },
    requester: null,
    companies: [companyId],
  };
  return (await sql.begin(async (tx) => {
    const prepared = await kind.prepare(tx, job);
    if (prepared.rowsTotal > maxRows) return null;
    const s: ExportState = {
      ctx: prepared.ctx,
      sheet: 0,
      cursor: null,
      workbook: newWorkbookState(),
      seq: 0,
    };
    const slice = new WorkbookSlice(s.workbook);
    await writeSheets(tx, job, kind, s, slice, Number.POSITIVE_INFINITY, (read) => read());
    return {
      filename: `${kind.fileName(job, s.ctx)}.xlsx`,
      content: workbookFile(s.workbook, slice.finish()),
    };
  })) as { filename: string; content: Uint8Array } | null;
}

/** For handleDigestRequest: the company's aged receivable as of the digest's date, attached. */
export const agedWorkbookProvider: WorkbookProvider = (req, sql) =>
  agedReceivableWorkbook(sql, req.companyId, req.asOf);
