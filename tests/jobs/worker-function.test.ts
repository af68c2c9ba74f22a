import { createClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { readBack } from '../xlsx/read-back.ts';
import { COMPANY_A, type ExportBooks, startBooks, USER_A, USER_B } from './books.ts';

// The whole path as deployed: a user asks through /rest/v1; the insert wakes the real
// supabase/functions/jobs-worker (Deno, behind the gateway) through pg_net after commit; the
// function writes slice after slice, waking itself, and stores the file through /storage/v1;
// the user signs a link and downloads it. Another user sees neither the job nor the file.
let books: ExportBooks;
let platform: Platform;

class NoWebSocket {
  constructor() {
    throw new Error('realtime is not available in these tests');
  }
}

async function clientAs(sub: string) {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(JWT_SECRET));
  return createClient(platform.url, ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: NoWebSocket as never },
    accessToken: async () => token,
  });
}

beforeAll(async () => {
  books = await startBooks(3000, 'worker-function');
  platform = await startPlatform({
    dbPort: Number(new URL(books.dbUrl).port),
    gatewayPort: await freePort(),
    // Small slices and budget: the export takes several calls, each woken by the last.
    functionEnv: { JOBS_SLICE_ROWS: '400', JOBS_BUDGET_MS: '100' },
  });
  await books.sql`select vault.create_secret(${platform.url}, 'project_url')`;
  await books.sql`select vault.create_secret(${SERVICE_ROLE_KEY}, 'service_role_key')`;
}, 180_000);

afterAll(async () => {
  await platform?.close();
  await books?.close();
});

describe('jobs-worker Edge Function', () => {
  it('refuses callers without the service secret', async () => {
    const fn = `${platform.url}/functions/v1/jobs-worker`;
    expect((await fetch(fn, { method: 'POST' })).status).toBe(401);
    const anon = await fetch(fn, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ANON_KEY}` },
    });
    expect(anon.status).toBe(401);
  });

  it('writes a requested export to Storage on its own, for its requester only', async () => {
    const a = await clientAs(USER_A);
    const { data: id, error } = await a
      .schema('reporting')
      .rpc('request_export', { kind: 'aged_receivable', params: { company_id: COMPANY_A } });
    expect(error).toBeNull();
    // Nobody calls the worker: the insert's wake-up and its own continuations do.
    let job: Record<string, unknown> | undefined;
    const until = Date.now() + 90_000;
    const progress = new Set<number>();
    while (Date.now() < until) {
      const { data } = await a.schema('reporting').from('export_jobs').select('*').eq('job_id', id);
      job = data?.[0];
      progress.add(Number(job?.rows_done));
      if (job?.status === 'done' || job?.status === 'dead') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(job).toMatchObject({ status: 'done', attempts: 0, error: null });
    expect(progress.size).toBeGreaterThan(2);
    const [{ calls }] = await books.sql`select count(*)::int as calls from net._http_response
      where content like ${`%"job":${id},%`}`;
    expect(calls).toBeGreaterThan(3);

    const path = job!.file_path as string;
    expect(path.startsWith(`${USER_A}/`)).toBe(true);
    const signed = await a.storage.from('exports').createSignedUrl(path, 60, { download: true });
    expect(signed.error).toBeNull();
    const res = await fetch(signed.data!.signedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const book = readBack(new Uint8Array(await res.arrayBuffer()));
    expect(book.map((s) => s.name)).toEqual(['Summary', 'Open items']);
    const [{ n }] = await books.sql`select count(*)::int as n
      from reporting.aged_detail(current_date, 'receivable', ${COMPANY_A}, n => 50000)`;
    expect(book[1].rows.length - 1).toBe(n);

    // Another user: no job, no link, no download.
    const b = await clientAs(USER_B);
    const theirs = await b.schema('reporting').from('export_jobs').select('job_id');
    expect(theirs.data).toEqual([]);
    const link = await b.storage.from('exports').createSignedUrl(path, 60);
    expect(link.data).toBeNull();
    const got = await b.storage.from('exports').download(path);
    expect(got.data).toBeNull();

    // Its requester, once their grant on the company is revoked: no download, no new link.
    await books.sql`delete from ods.access_grants where user_id = ${USER_A}`;
    try {
      expect((await a.storage.from('exports').download(path)).data).toBeNull();
      expect((await a.storage.from('exports').createSignedUrl(path, 60)).data).toBeNull();
    } finally {
      await books.sql`insert into ods.access_grants (user_id, company_id)
        values (${USER_A}, ${COMPANY_A})`;
    }
    expect((await a.storage.from('exports').download(path)).data).not.toBeNull();
  }, 120_000);
});
