// The aged-receivable workbook that goes with a digest: attached (its bytes) or linked (a
// time-limited signed Storage URL). The workbook is written by the exports worker (the
// `exports` jobs); a WorkbookProvider is the hook that hands it to the digest. Until one is
// passed to handleDigestRequest, the digest goes out without it (noWorkbook).
import type { Sql } from 'postgres';

export type DigestWorkbook =
  | { filename: string; content: Uint8Array; contentType?: string }
  | { link: string; label?: string };

export interface WorkbookRequest {
  companyId: number;
  /** The figures' date: the workbook should be the aged receivable as of it. */
  asOf: string;
  weekStart: string;
}

/** Returns the workbook for a (company, as-of date), or null to send without one. */
export type WorkbookProvider = (req: WorkbookRequest, sql: Sql) => Promise<DigestWorkbook | null>;

export const noWorkbook: WorkbookProvider = async () => null;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The mail API's attachment list for a workbook (empty for a link or none). */
export function workbookAttachments(
  workbook: DigestWorkbook | null,
): { filename: string; content: Uint8Array; contentType: string }[] {
  if (workbook === null || 'link' in workbook) return [];
  return [
    {
      filename: workbook.filename,
      content: workbook.content,
      contentType: workbook.contentType ?? XLSX_TYPE,
    },
  ];
}
