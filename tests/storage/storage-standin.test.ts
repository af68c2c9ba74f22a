import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';

// The /storage/v1 stand-in driven by the real storage-js (through supabase-js): uploads, signed
// links and downloads, with the project's RLS policies on storage.objects checked as the caller.
const dbUrl = inject('dbUrl');
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
// This run's cluster is shared by every test file: a bucket of this file's own.
const BUCKET = `user-files-${process.pid}`;
const alice = randomUUID();
const bob = randomUUID();
let platform: Platform;

async function userToken(sub: string, expiresIn = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function storageAs(sub: string | 'service' | 'anon') {
  const key = sub === 'service' ? SERVICE_ROLE_KEY : ANON_KEY;
  const token = sub === 'service' || sub === 'anon' ? undefined : await userToken(sub);
  return createClient(platform.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: NoWebSocket as never },
    ...(token ? { accessToken: async () => token } : {}),
  }).storage;
}

// Node 20 has no WebSocket and these tests never open realtime.
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not available in these tests');
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);

beforeAll(async () => {
  platform = await startPlatform({
    dbPort: Number(new URL(dbUrl).port),
    gatewayPort: await freePort(),
    functionsDir: join(ROOT, 'tests', 'fixtures', 'functions'),
  });
  await sql`insert into storage.buckets (id, name, public) values (${BUCKET}, ${BUCKET}, false)`;
  // The usual per-user folder policies (Supabase's access-control guide).
  for (const op of ['insert', 'select', 'update'] as const) {
    const check = `bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid())::text`;
    await sql.unsafe(
      `create policy "${BUCKET} ${op}" on storage.objects for ${op} to authenticated ${
        op === 'insert' ? `with check (${check})` : `using (${check})`
      }`,
    );
  }
});

afterAll(async () => {
  for (const op of ['insert', 'select', 'update'])
    await sql.unsafe(`drop policy if exists "${BUCKET} ${op}" on storage.objects`);
  await sql`delete from storage.objects where bucket_id = ${BUCKET}`;
  await sql`delete from storage.buckets where id = ${BUCKET}`;
  await platform?.close();
  await sql.end();
});

describe('/storage/v1 with storage-js', () => {
  it('a user uploads into their own folder, owned by them; not into another user’s', async () => {
    const s = await storageAs(alice);
    const up = await s.from(BUCKET).upload(`${alice}/notes.txt`, bytes('hello alice'), {
      contentType: 'text/plain',
    });
    expect(up.error).toBeNull();
    expect(up.data?.fullPath).toBe(`${BUCKET}/${alice}/notes.txt`);
    const [row] = await sql`select owner, owner_id, metadata from storage.objects
      where bucket_id = ${BUCKET} and name = ${`${alice}/notes.txt`}`;
    expect(row.owner).toBe(alice);
    expect(row.metadata).toMatchObject({ size: 11, mimetype: 'text/plain' });

    const intoBob = await s.from(BUCKET).upload(`${bob}/x.txt`, bytes('nope'));
    expect(intoBob.error).toMatchObject({ statusCode: '403', status: 400 });
    const [{ n }] = await sql`select count(*)::int as n from storage.objects
      where bucket_id = ${BUCKET} and name like ${`${bob}/%`}`;
    expect(n).toBe(0);
  });

  it('an existing name is refused without upsert (409) and replaced with it', async () => {
    const s = await storageAs(alice);
    const path = `${alice}/again.txt`;
    expect((await s.from(BUCKET).upload(path, bytes('one'))).error).toBeNull();
    const dup = await s.from(BUCKET).upload(path, bytes('two'));
    expect(dup.error).toMatchObject({ statusCode: '409', status: 400 });
    expect((await s.from(BUCKET).upload(path, bytes('three'), { upsert: true })).error).toBeNull();
    const got = await s.from(BUCKET).download(path);
    expect(await got.data?.text()).toBe('three');
  });

  it('another user can neither download a file by bearer nor sign it; the owner and service can', async () => {
    const path = `${alice}/private.txt`;
    expect(
      (await (await storageAs(alice)).from(BUCKET).upload(path, bytes('secret'))).error,
    ).toBeNull();
    const asBob = (await storageAs(bob)).from(BUCKET);
    const read = await asBob.download(path);
    expect(read.data).toBeNull();
    expect(read.error).toBeTruthy();
    const signed = await asBob.createSignedUrl(path, 60);
    expect(signed.data).toBeNull();
    expect(signed.error).toMatchObject({ statusCode: '404' });
    const anon = await (await storageAs('anon')).from(BUCKET).download(path);
    expect(anon.data).toBeNull();
    expect(await (await (await storageAs(alice)).from(BUCKET).download(path)).data?.text()).toBe(
      'secret',
    );
    expect(
      await (await (await storageAs('service')).from(BUCKET).download(path)).data?.text(),
    ).toBe('secret');
  });

  it('a signed link works without any credential until it expires', async () => {
    const path = `${alice}/report.csv`;
    const s = (await storageAs(alice)).from(BUCKET);
    expect(
      (await s.upload(path, bytes('a,b\n1,2\n'), { contentType: 'text/csv' })).error,
    ).toBeNull();
    const { data, error } = await s.createSignedUrl(path, 2, { download: true });
    expect(error).toBeNull();
    const url = data!.signedUrl;
    expect(
      url.startsWith(`${platform.url}/storage/v1/object/sign/${BUCKET}/${alice}/report.csv?token=`),
    ).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('content-disposition')).toContain('filename=report.csv');
    expect(await res.text()).toBe('a,b\n1,2\n');
    await new Promise((r) => setTimeout(r, 3100));
    const late = await fetch(url);
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT' });
  });

  it('a tampered or foreign token is refused', async () => {
    const s = (await storageAs(alice)).from(BUCKET);
    const a = `${alice}/a.txt`;
    const b = `${alice}/b.txt`;
    await s.upload(a, bytes('A'));
    await s.upload(b, bytes('B'));
    const signed = (await s.createSignedUrl(a, 600)).data!.signedUrl;
    const token = new URL(signed).searchParams.get('token')!;
    const [h, p, sig] = token.split('.');
    // The same token presented for another object of the same owner.
    const other = await fetch(
      `${platform.url}/storage/v1/object/sign/${BUCKET}/${b}?token=${token}`,
    );
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ code: 'InvalidSignature' });
    // The claims rewritten to name the other object, signature kept.
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, url: `${BUCKET}/${b}` })).toString(
      'base64url',
    );
    const tampered = await fetch(
      `${platform.url}/storage/v1/object/sign/${BUCKET}/${b}?token=${h}.${forged}.${sig}`,
    );
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT' });
    // Signed with another secret.
    const now = Math.floor(Date.now() / 1000);
    const foreign = await new SignJWT({ url: `${BUCKET}/${b}` })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('another-secret-of-at-least-thirty-two-chars'));
    const wrongKey = await fetch(
      `${platform.url}/storage/v1/object/sign/${BUCKET}/${b}?token=${foreign}`,
    );
    expect(wrongKey.status).toBe(400);
    // The genuine one still works.
    expect(await (await fetch(signed)).text()).toBe('A');
  });

  it('the exports bucket: private, the worker writes, a user reads and signs only their own folder', async () => {
    const service = (await storageAs('service')).from('exports');
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const mine = `${alice}/${randomUUID()}.xlsx`;
    const theirs = `${bob}/${randomUUID()}.xlsx`;
    expect((await service.upload(mine, bytes('PK alice'), { contentType: xlsx })).error).toBeNull();
    expect((await service.upload(theirs, bytes('PK bob'), { contentType: xlsx })).error).toBeNull();
    const asAlice = (await storageAs(alice)).from('exports');
    // A file is hers to read only as the result of her finished export of companies she may
    // still read (migration 20261205170000): first a stray file in her folder, then her job's.
    expect((await asAlice.createSignedUrl(mine, 60)).error).toMatchObject({ statusCode: '404' });
    await sql`insert into ods.access_grants (user_id, company_id) values (${alice}, 1)`;
    await sql`insert into ods.jobs (kind, requester, companies, status, result)
      values ('aged_receivable', ${alice}, '{1}', 'done', ${sql.json({ path: mine })})`;
    expect((await asAlice.createSignedUrl(mine, 60)).error).toBeNull();
    expect((await asAlice.createSignedUrl(theirs, 60)).error).toMatchObject({ statusCode: '404' });
    expect((await asAlice.download(theirs)).data).toBeNull();
    expect((await asAlice.upload(`${alice}/own.xlsx`, bytes('x'))).error).toMatchObject({
      statusCode: '403',
    });
    const [bucket] = await sql`select public from storage.buckets where id = 'exports'`;
    expect(bucket.public).toBe(false);
    expect((await fetch(`${platform.url}/storage/v1/object/public/exports/${mine}`)).status).toBe(
      400,
    );
    await service.remove([mine, theirs]);
    const [{ n }] = await sql`select count(*)::int as n from storage_local.blobs b
      join storage.objects o on o.id = b.object_id where o.name in (${mine}, ${theirs})`;
    expect(n).toBe(0);
  });

  it('names with spaces and accents, a Blob (multipart) upload, several links at once', async () => {
    const s = (await storageAs(alice)).from(BUCKET);
    const name = `${alice}/Informe año 2026 (v1).txt`;
    const blob = new Blob(['con tilde: ñ'], { type: 'text/plain;charset=utf-8' });
    expect((await s.upload(name, blob)).error).toBeNull();
    const [row] = await sql`select metadata from storage.objects
      where bucket_id = ${BUCKET} and name = ${name}`;
    expect(row.metadata.mimetype).toBe('text/plain;charset=utf-8');
    const one = await s.createSignedUrl(name, 60, { download: 'informe.txt' });
    const res = await fetch(one.data!.signedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('filename=informe.txt');
    expect(await res.text()).toBe('con tilde: ñ');
    const many = await s.createSignedUrls([name, `${bob}/not-mine.txt`], 60);
    expect(many.error).toBeNull();
    expect(many.data![0]).toMatchObject({ path: name, error: null });
    expect(await (await fetch(String(many.data![0].signedUrl))).text()).toBe('con tilde: ñ');
    expect(many.data![1].error).toBeTruthy();
  });

  it('lists a folder as the caller sees it', async () => {
    const s = (await storageAs(alice)).from(BUCKET);
    await s.upload(`${alice}/sub/one.txt`, bytes('1'));
    const { data, error } = await s.list(alice);
    expect(error).toBeNull();
    const names = data!.map((e) => e.name);
    expect(names).toContain('notes.txt');
    expect(names).toContain('sub');
    const fromBob = await (await storageAs(bob)).from(BUCKET).list(alice);
    expect(fromBob.data).toEqual([]);
  });
});
