import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLostError, JobStorageError } from '../../packages/shared/src/jobs/errors.ts';
import { EXPORT_KINDS } from '../../packages/shared/src/jobs/export-kinds.ts';
import { writeExportSlice } from '../../packages/shared/src/jobs/export-slice.ts';
import { readBack } from '../xlsx/read-back.ts';
import { asUser, COMPANY_A, type ExportBooks, startBooks, USER_A, USER_B } from './books.ts';
import { memoryStore, runUntilIdle } from './run-jobs.ts';

let books: ExportBooks;
const out = mkdtempSync(join(tmpdir(), 'jobs-'));

beforeAll(async () => {
  books = await startBooks(3000, 'resume');
}, 180_000);
afterAll(async () => {
  await books?.close();
  rmSync(out, { recursive: true, force: true });
});

async function request(
  kind: string,
  params: Record<string, unknown>,
  user = USER_A,
): Promise<number> {
  const [r] = await asUser(
    books.sql,
    user,
    (tx) => tx`select reporting.request_export(${kind}, ${tx.json(params as never)}) as id`,
  );
  return Number(r.id);
}

const job = async (id: number) => (await books.sql`select * from ods.jobs where id = ${id}`)[0];

describe('a worker killed mid-export', () => {
  it('resumes from its last committed slice and completes once, with a whole file', async () => {
    const id = await request('aged_receivable', { company_id: COMPANY_A });
    // One process (node with tsx's loader), so the kill reaches the worker itself.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'worker-process.ts'), books.dbUrl, out, '150'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    // Killed once it has committed a few slices, while it is writing the next.
    const until = Date.now() + 60_000;
    while ((await job(id)).rows_done < 600) {
      if (Date.now() > until || child.exitCode !== null)
        throw new Error(`the worker did not get going:\n${log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const killed = await job(id);
    expect(killed.status).toBe('running');
    expect(Number(killed.rows_done)).toBeLessThan(Number(killed.rows_total));
    const [{ parts }] =
      await books.sql`select count(*)::int as parts from ods.job_parts where job_id = ${id}`;
    expect(parts).toBe(killed.state.seq);

    // Its lease (2 s) runs out; pg_cron's sweep counts the attempt and makes the job claimable.
    await new Promise((r) => setTimeout(r, 2100));
    await books.sql`select ods.sweep_jobs()`;
    const swept = await job(id);
    expect(swept).toMatchObject({ status: 'failed', attempts: 1 });
    expect(swept.error).toMatch(/worker stopped/);
    expect(Number(swept.rows_done)).toBe(Number(killed.rows_done));

    const store = memoryStore();
    await runUntilIdle(books.sql, store);
    const done = await job(id);
    expect(done).toMatchObject({ status: 'done', attempts: 1, error: null });
    expect(store.uploads).toBe(1);
    expect(existsSync(join(out, USER_A))).toBe(false);
    const [{ left }] =
      await books.sql`select count(*)::int as left from ods.job_parts where job_id = ${id}`;
    expect(left).toBe(0);

    // Whole: every open item exactly once, in order, as reporting.aged_detail answers.
    const [, detail] = readBack(store.files.get(done.result.path)!);
    const items = await asUser(
      books.sql,
      USER_A,
      (tx) =>
        tx`select document from reporting.aged_detail(current_date, 'receivable', ${COMPANY_A}, n => 50000)`,
    );
    expect(detail.rows.slice(1).map((r) => r[3])).toEqual(items.map((r) => r.document));
    expect(Number(done.rows_done)).toBe(Number(done.rows_total));
  }, 120_000);

  it('cannot commit a slice once its lease was taken over', async () => {
    const id = await request('open_invoices', { company_id: COMPANY_A, overdue_only: false });
    const [claimed] = await books.sql`select * from ods.claim_job(60)`;
    expect(Number(claimed.id)).toBe(id);
    // The lease passed to another worker (this one stalled past it).
    await books.sql`update ods.jobs set lock_token = gen_random_uuid() where id = ${id}`;
    const stale = {
      id,
      kind: claimed.kind,
      params: claimed.params,
      requester: claimed.requester,
      companies: [COMPANY_A],
      token: claimed.lock_token,
    };
    await expect(
      writeExportSlice(books.sql, stale, EXPORT_KINDS.open_invoices, 100),
    ).rejects.toBeInstanceOf(JobLostError);
    const [{ parts }] =
      await books.sql`select count(*)::int as parts from ods.job_parts where job_id = ${id}`;
    expect(parts).toBe(0);
    expect(Number((await job(id)).rows_done)).toBe(0);
    await books.sql`update ods.jobs set locked_until = null where id = ${id}`;
    await runUntilIdle(books.sql, memoryStore());
    expect((await job(id)).status).toBe('done');
  });
});

describe('a job that keeps failing', () => {
  it('is retried, then dead with its error visible to its requester only', async () => {
    const id = await request('partner_ledger', { company_id: COMPANY_A, partner_id: 7 });
    await books.sql`update ods.jobs set max_attempts = 3 where id = ${id}`;
    const failing = {
      async upload() {
        throw new JobStorageError('Storage refused exports/x.xlsx: Service Unavailable', 503);
      },
    };
    const outcomes = (await runUntilIdle(books.sql, failing)).map((s) => s.outcome);
    expect(outcomes).toEqual(['failed', 'failed', 'dead']);
    const [seen] = await asUser(
      books.sql,
      USER_A,
      (tx) =>
        tx`select status, attempts, error, file_path from reporting.export_jobs where job_id = ${id}`,
    );
    expect(seen).toEqual({
      status: 'dead',
      attempts: 3,
      error: 'JobStorageError: Storage refused exports/x.xlsx: Service Unavailable',
      file_path: null,
    });
    const others = await asUser(
      books.sql,
      USER_B,
      (tx) => tx`select * from reporting.export_jobs where job_id = ${id}`,
    );
    expect(others).toEqual([]);
  });

  it('is dead at once when retrying cannot help (an unknown kind)', async () => {
    const [{ id }] =
      await books.sql`insert into ods.jobs (kind, requester) values ('payroll', ${USER_A}) returning id`;
    const [s] = await runUntilIdle(books.sql, memoryStore());
    expect(s).toMatchObject({ outcome: 'dead', job: Number(id) });
    expect((await job(Number(id))).error).toMatch(/unknown job kind "payroll"/);
  });
});
