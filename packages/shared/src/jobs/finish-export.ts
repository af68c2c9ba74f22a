// The end of an export: the parts (every slice's output, in order) become the .xlsx, stored
// under the requester's folder, and the job is done with the file's path — in that order, so a
// worker killed in between stores the same path again on its retry (upsert) and nothing is lost.
import type { Sql } from 'postgres';
import { workbookFile } from '../xlsx/workbook-file.ts';
import { JobInputError, JobLostError } from './errors.ts';
import type { ExportKind } from './export-kind.ts';
import type { ClaimedJob, ExportState } from './export-slice.ts';
import type { FileStore } from './file-store.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface FinishedFile {
  bucket: string;
  path: string;
  name: string;
  bytes: number;
  sheets: string[];
}

export async function finishExport(
  sql: Sql,
  job: ClaimedJob,
  kind: ExportKind,
  store: FileStore,
  bucket: string,
): Promise<FinishedFile> {
  if (!job.requester) throw new JobInputError(`job ${job.id} has no requester to own its file`);
  const [held] =
    await sql`select state, rows_done from ods.jobs where id = ${job.id} and lock_token = ${job.token}`;
  if (!held)
    throw new JobLostError(`job ${job.id}: this worker's lease ended before the file was stored`);
  const state = held.state as ExportState;
  const parts =
    await sql`select sheet, data from ods.job_parts where job_id = ${job.id} order by seq`;
  const bytes = workbookFile(
    state.workbook,
    parts.map((p) => ({ sheet: Number(p.sheet), data: p.data as Uint8Array })),
  );
  const name = `${kind.fileName(job, state.ctx)}.xlsx`;
  const file: FinishedFile = {
    bucket,
    path: `${job.requester}/${job.id}-${name}`,
    name,
    bytes: bytes.length,
    sheets: state.workbook.sheets.map((s) => s.name),
  };
  await store.upload(file.path, bytes, XLSX_TYPE);
  await sql.begin(async (tx) => {
    const done = await tx`update ods.jobs
         set status = 'done', result = ${tx.json(file as never)}, rows_total = rows_done,
             state = null, error = null, locked_until = null, lock_token = null,
             finished_at = now(), updated_at = now()
       where id = ${job.id} and lock_token = ${job.token}`;
    if (done.count !== 1)
      throw new JobLostError(`job ${job.id}: lease ended while storing the file`);
    await tx`delete from ods.job_parts where job_id = ${job.id}`;
  });
  return file;
}
